use migrate_engine::ast::{self as ast, Expr};
use migrate_engine::checker::{Checker, Rule};
use migrate_engine::diagnostic::Diagnostic;
use migrate_engine::edit::{Edit, Fix};
use migrate_engine::prefilter::{Anchor, Atom, Inside, Triggers};
use migrate_engine::syntax_edits::remove_arguments;
use migrate_engine::text_size::Ranged;

use crate::naming;
use crate::version::Version;

/// ## What it does
/// Finds `np.array(x, copy=False, ...)`.
///
/// ## Why is this bad?
/// In NumPy 1.x, `copy=False` meant "copy only if needed". NumPy 2 gave it the meaning
/// "never copy": the same call raises `ValueError` whenever a copy is needed (a list, another
/// dtype, another memory order).
///
/// ## Example
/// ```python
/// a = np.array(values, copy=False)
/// b = np.array(values, dtype=np.float32, copy=False, subok=True)
/// ```
///
/// Use instead:
/// ```python
/// a = np.asarray(values)
/// b = np.asanyarray(values, dtype=np.float32)
/// ```
///
/// ## Fix
/// `np.asarray` (`np.asanyarray` with `subok=True`) keeps the 1.x meaning on every NumPy:
/// the other arguments (`dtype`, `order`, `like`) are passed on unchanged. With `ndmin`,
/// which `asarray` lacks, the fix is `copy=None` (NumPy 2's "copy if needed"), which NumPy
/// 1.x rejects: applied only with `--min-numpy 2.0` or later. `.astype(copy=False)` kept its
/// meaning and is not reported.
pub struct ArrayCopyFalse {
    pub min_numpy: Version,
}

pub const CODE: &str = "NP211";

/// The keywords `np.asarray` and `np.asanyarray` share with `np.array`.
const PASSED_ON: &[&str] = &["dtype", "order", "like"];

impl Rule for ArrayCopyFalse {
    fn code(&self) -> &'static str {
        CODE
    }

    fn noqa_aliases(&self) -> &'static [&'static str] {
        &["NPY201"]
    }

    fn triggers(&self) -> Option<Triggers> {
        let copy_false = Inside::Keyword("copy".into(), Some("False".into()));
        let call = Anchor::Call(vec!["numpy.array".into()]);
        Some(Triggers::any(vec![Atom::Within(call, copy_false)]))
    }

    fn expr<'a>(&self, checker: &mut Checker<'a>, expr: &'a Expr) {
        let Expr::Call(call) = expr else {
            return;
        };
        let Some(copy) = call.arguments.find_keyword("copy") else {
            return;
        };
        if !matches!(
            copy.value,
            Expr::BooleanLiteral(ast::ExprBooleanLiteral { value: false, .. })
        ) {
            return;
        }
        if checker.qualified_name(&call.func).as_deref() != Some("numpy.array") {
            return;
        }
        let diagnostic = Diagnostic::new(
            CODE,
            "`np.array(..., copy=False)` raises on NumPy 2 when a copy is needed",
            call.range(),
        );
        let diagnostic = match self.fix(checker, call) {
            Ok((fix, help)) => diagnostic.with_fix(fix).with_help(help),
            Err(help) => diagnostic.with_help(help),
        };
        checker.report(diagnostic);
    }
}

impl ArrayCopyFalse {
    fn fix(&self, checker: &Checker, call: &ast::ExprCall) -> Result<(Fix, String), String> {
        let arguments = &call.arguments;
        let source = checker.source();
        if arguments.args.iter().any(Expr::is_starred_expr) || arguments.args.len() > 2 {
            return Err("Use `np.asarray(...)` (the call passes its arguments in a way the fix does not handle)".to_string());
        }
        let keyword = |name: &str| arguments.find_keyword(name);
        let position = |name: &str| {
            arguments
                .iter_source_order()
                .position(|argument| matches!(argument, ast::ArgOrKeyword::Keyword(k) if k.arg.as_ref().is_some_and(|arg| arg.as_str() == name)))
                .expect("the keyword is there")
        };
        if keyword("ndmin").is_some() {
            if self.min_numpy < Version::NUMPY_2 {
                return Err(format!(
                    "`copy=None` (copy only if needed) needs NumPy >= 2.0, and this project supports NumPy {} (--min-numpy); \
                     `np.asarray` has no `ndmin`",
                    self.min_numpy
                ));
            }
            let copy = keyword("copy").expect("checked by the caller");
            return Ok((
                Fix::edit(Edit::replace(copy.value.range(), "None")),
                "Use `copy=None`: copy only if needed".to_string(),
            ));
        }
        let mut removed = vec![position("copy")];
        let function = match keyword("subok").map(|subok| &subok.value) {
            None => "asarray",
            Some(Expr::BooleanLiteral(subok)) => {
                removed.push(position("subok"));
                if subok.value { "asanyarray" } else { "asarray" }
            }
            Some(_) => {
                return Err(
                    "Use `np.asarray(...)` or `np.asanyarray(...)` depending on `subok`"
                        .to_string(),
                );
            }
        };
        let unknown = arguments.keywords.iter().find(|keyword| {
            keyword.arg.as_ref().is_none_or(|arg| {
                !matches!(arg.as_str(), "copy" | "subok") && !PASSED_ON.contains(&arg.as_str())
            })
        });
        if unknown.is_some() {
            return Err(format!("Use `np.{function}(...)`"));
        }

        let mut edits = Vec::new();
        match &*call.func {
            Expr::Attribute(attribute) => {
                edits.push(Edit::replace(attribute.attr.range(), function))
            }
            Expr::Name(name) => {
                let resolution = checker
                    .model()
                    .resolve_name(name)
                    .expect("resolved by the caller");
                let numpy = naming::numpy_at(checker, &resolution, source.slice(name.range()))
                    .ok_or_else(|| format!("Use `np.{function}(...)`"))?;
                edits.extend(numpy.edits());
                edits.push(Edit::replace(
                    name.range(),
                    format!("{}.{function}", numpy.text),
                ));
            }
            _ => return Err(format!("Use `np.{function}(...)`")),
        }
        edits.extend(remove_arguments(source, arguments, &removed));
        Ok((
            Fix::new(edits),
            format!("Use `np.{function}(...)`, which copies only when needed on every NumPy"),
        ))
    }
}
