use migrate_engine::ast::Expr;
use migrate_engine::checker::{Checker, Rule};
use migrate_engine::diagnostic::Diagnostic;
use migrate_engine::edit::{Edit, Fix};
use migrate_engine::prefilter::{Anchor, Atom, Inside, Triggers};
use migrate_engine::text_size::Ranged;

use crate::naming;
use crate::version::Version;

/// ## What it does
/// Finds ufunc arguments NumPy 2 no longer accepts: `signature=` given one dtype, as a
/// 1-tuple or a one-letter string (`np.add(a, b, signature=(np.float64,))`,
/// `signature="d"`), and the removed `extobj=`.
///
/// ## Why is this bad?
/// A one-dtype `signature` was deprecated in NumPy 1.21 and raises `TypeError` from 2.3;
/// `extobj` (the error-handling object) is gone since NumPy 2.0.
///
/// ## Example
/// ```python
/// total = np.add(a, b, signature=(np.float64,))
/// ```
///
/// Use instead:
/// ```python
/// total = np.add(a, b, dtype=np.float64)
/// ```
///
/// ## Fix
/// NumPy 1.21 to 1.26 treated a one-dtype `signature` exactly as `dtype=` (with a warning),
/// so it becomes `dtype=`, from a `--min-numpy` of 1.21. `extobj=` is reported: wrap the
/// call in `with np.errstate(...)` instead.
pub struct UfuncArgument {
    pub min_numpy: Version,
}

pub const CODE: &str = "NP218";

/// From NumPy 1.21, a one-dtype `signature` was `dtype=`.
const SIGNATURE_IS_DTYPE_SINCE: Version = Version::new(1, 21);

impl Rule for UfuncArgument {
    fn code(&self) -> &'static str {
        CODE
    }

    fn triggers(&self) -> Option<Triggers> {
        Some(Triggers::any(vec![
            Atom::Within(
                Anchor::Keyword("signature".into()),
                // A tuple or a string.
                Inside::Check(|value| value.trim_start().starts_with(['(', '"', '\''])),
            ),
            Atom::Within(Anchor::Keyword("extobj".into()), Inside::Check(|_| true)),
        ]))
    }

    fn expr<'a>(&self, checker: &mut Checker<'a>, expr: &'a Expr) {
        let Expr::Call(call) = expr else {
            return;
        };
        if call.arguments.keywords.is_empty() {
            return;
        }
        let Some(function) = checker.qualified_name(&call.func) else {
            return;
        };
        // `np.vectorize(signature=...)` is a generalized-ufunc signature.
        if !function.starts_with("numpy.") || function == "numpy.vectorize" {
            return;
        }
        if let Some(extobj) = call.arguments.find_keyword("extobj") {
            let message = format!(
                "`extobj=` of `{}` was removed in NumPy 2.0",
                naming::display(&function)
            );
            let help = "Remove it and wrap the call in `with np.errstate(...)`, which sets the same error handling";
            checker.report(Diagnostic::new(CODE, message, extobj.range()).with_help(help));
        }
        if let Some(signature) = call.arguments.find_keyword("signature")
            && let Some(dtype) = one_dtype(checker, &signature.value)
        {
            let message = format!(
                "A one-dtype `signature=` of `{}` was deprecated in NumPy 1.21 and raises from NumPy 2.3",
                naming::display(&function)
            );
            let diagnostic = Diagnostic::new(CODE, message, signature.range());
            let fixable = self.min_numpy >= SIGNATURE_IS_DTYPE_SINCE
                && call.arguments.find_keyword("dtype").is_none()
                && call
                    .arguments
                    .keywords
                    .iter()
                    .all(|keyword| keyword.arg.is_some());
            checker.report(if fixable {
                diagnostic
                    .with_fix(Fix::edit(Edit::replace(
                        signature.range(),
                        format!("dtype={dtype}"),
                    )))
                    .with_help(format!("Use `dtype={dtype}`, what NumPy 1.21+ took it for"))
            } else {
                diagnostic.with_help(format!("Use `dtype={dtype}`"))
            });
        }
    }
}

/// The one dtype of `signature=(X,)` or `signature="d"`, as written.
fn one_dtype(checker: &Checker, value: &Expr) -> Option<String> {
    match value {
        Expr::Tuple(tuple)
            if tuple.elts.len() == 1
                && !tuple.elts[0].is_none_literal_expr()
                && !tuple.elts[0].is_starred_expr() =>
        {
            Some(checker.source().slice(tuple.elts[0].range()).to_string())
        }
        Expr::StringLiteral(string) if string.value.to_str().chars().count() == 1 => {
            Some(checker.source().slice(string.range()).to_string())
        }
        _ => None,
    }
}
