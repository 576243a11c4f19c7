use migrate_engine::ast::{self as ast, Expr};
use migrate_engine::checker::{Checker, Rule};
use migrate_engine::diagnostic::Diagnostic;
use migrate_engine::edit::{Edit, Fix};
use migrate_engine::prefilter::Triggers;
use migrate_engine::text_size::Ranged;

use crate::naming;
use crate::triggers;

/// ## What it does
/// Finds calls whose shape NumPy 2 no longer accepts, whatever their names:
/// `np.sum(<generator>)` (a `TypeError` from 2.4), `np.finfo(None)` (deprecated, an error in
/// 2.5) and the n-dimensional FFTs given `s=` without `axes=` (deprecated in 2.0).
///
/// ## Why is this bad?
/// `np.sum` of a generator only ever summed with Python's `sum` (with a warning since 1.15);
/// `finfo(None)` meant the default float; `fftn(a, s=...)` guessed which axes `s` is for.
///
/// ## Example
/// ```python
/// total = np.sum(x * x for x in values)
/// eps = np.finfo(None).eps
/// ```
///
/// Use instead:
/// ```python
/// total = sum(x * x for x in values)
/// eps = np.finfo(np.float64).eps
/// ```
///
/// ## Fix
/// `np.sum(<generator>)` without other arguments becomes the builtin `sum(...)`, which is
/// what NumPy 1.x called. The others are reported.
pub struct CallShape;

pub const CODE: &str = "NP215";

const FFTS_WITH_AXES: &[&str] = &[
    "numpy.fft.fftn",
    "numpy.fft.ifftn",
    "numpy.fft.rfftn",
    "numpy.fft.irfftn",
    "numpy.fft.fft2",
    "numpy.fft.ifft2",
    "numpy.fft.rfft2",
    "numpy.fft.irfft2",
];

impl Rule for CallShape {
    fn code(&self) -> &'static str {
        CODE
    }

    fn noqa_aliases(&self) -> &'static [&'static str] {
        &["NPY201"]
    }

    fn triggers(&self) -> Option<Triggers> {
        Some(Triggers::any(vec![
            triggers::call_with(["numpy.sum"], &["for"]),
            triggers::call_with(["numpy.finfo"], &["None"]),
            triggers::call_with(FFTS_WITH_AXES, &["s"]),
        ]))
    }

    fn expr<'a>(&self, checker: &mut Checker<'a>, expr: &'a Expr) {
        let Expr::Call(call) = expr else {
            return;
        };
        let Some(function) = checker.qualified_name(&call.func) else {
            return;
        };
        let arguments = &call.arguments;
        match function.as_str() {
            "numpy.sum" if matches!(arguments.args.first(), Some(Expr::Generator(_))) => {
                let diagnostic = Diagnostic::new(
                    CODE,
                    "`np.sum(<generator>)` was deprecated in NumPy 1.15 and raises from NumPy 2.4",
                    call.range(),
                );
                checker.report(match sum_of_generator(checker, call) {
                    Some(fix) => diagnostic
                        .with_fix(fix)
                        .with_help("Use the builtin `sum(...)`, which NumPy 1.x called"),
                    None => diagnostic
                        .with_help("Use `sum(...)`, or `np.sum(np.fromiter(generator, dtype))`"),
                });
            }
            "numpy.finfo"
                if arguments
                    .args
                    .first()
                    .is_some_and(Expr::is_none_literal_expr) =>
            {
                let message =
                    "`np.finfo(None)` was deprecated in NumPy 1.25 and raises from NumPy 2.5";
                let help = "Pass the dtype: `np.finfo(np.float64)` is what `None` meant";
                checker.report(Diagnostic::new(CODE, message, call.range()).with_help(help));
            }
            name if FFTS_WITH_AXES.contains(&name)
                && arguments.find_keyword("s").is_some()
                && arguments.find_keyword("axes").is_none()
                && arguments.args.len() < 3 =>
            {
                let message = format!(
                    "`{}(..., s=...)` without `axes=` is deprecated since NumPy 2.0",
                    naming::display(name)
                );
                let help = "Pass `axes=` too: the axes `s` applies to (the last `len(s)` axes, as NumPy 1.x assumed)";
                checker.report(Diagnostic::new(CODE, message, call.range()).with_help(help));
            }
            _ => {}
        }
    }
}

/// `np.sum(x for x in y)` -> `sum(x for x in y)`, when nothing else is passed.
fn sum_of_generator(checker: &Checker, call: &ast::ExprCall) -> Option<Fix> {
    if call.arguments.len() != 1 {
        return None;
    }
    let builtin = naming::builtin(checker, "sum")?;
    Some(Fix::edit(Edit::replace(call.func.range(), builtin)))
}
