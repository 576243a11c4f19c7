use migrate_engine::ast::{self as ast, Expr};
use migrate_engine::checker::{Checker, Rule};
use migrate_engine::diagnostic::Diagnostic;
use migrate_engine::prefilter::Triggers;
use migrate_engine::text_size::Ranged;

use crate::triggers;
use crate::values;

/// ## What it does
/// Finds `np.cross` of a 2-element vector written as a list or tuple of numbers:
/// `np.cross([1, 2], [3, 4])`, `np.cross((x0, y0), v)` is not (the names may be arrays).
///
/// ## Why is this bad?
/// NumPy 2.0 deprecated 2-element vectors in `np.cross`; NumPy 2.5 raises `ValueError: Both
/// input arrays must be (arrays of) 3-dimensional vectors`.
///
/// ## Example
/// ```python
/// z = np.cross([1, 2], [3, 4])
/// ```
///
/// Use instead:
/// ```python
/// x, y = [1, 2], [3, 4]
/// z = x[0] * y[1] - x[1] * y[0]
/// ```
///
/// ## Fix
/// None: NumPy 1.x returned a 0-d array for two 2-element vectors and a 3-vector for a 2- and
/// a 3-element one; the replacement depends on which. Reported.
pub struct Cross2d;

pub const CODE: &str = "NP236";

impl Rule for Cross2d {
    fn code(&self) -> &'static str {
        CODE
    }

    fn triggers(&self) -> Option<Triggers> {
        Some(Triggers::any(vec![triggers::references(["numpy.cross"])]))
    }

    fn expr<'a>(&self, checker: &mut Checker<'a>, expr: &'a Expr) {
        let Expr::Call(call) = expr else {
            return;
        };
        if checker.qualified_name(&call.func).as_deref() != Some("numpy.cross")
            || !call.arguments.keywords.is_empty()
            || call.arguments.args.len() != 2
        {
            return;
        }
        if call.arguments.args.iter().any(is_number_pair) {
            checker.report(
                Diagnostic::new(
                    CODE,
                    "`np.cross` of 2-element vectors was deprecated in NumPy 2.0 and raises from NumPy 2.5",
                    call.range(),
                )
                .with_help("For two 2-element vectors use `x[0] * y[1] - x[1] * y[0]`; otherwise pad with a 0 to 3 elements (or use `np.linalg.cross` on 3-vectors)"),
            );
        }
    }
}

/// `[1, 2]`, `(-1.5, 0)`: a list or tuple of exactly two number literals.
fn is_number_pair(expr: &Expr) -> bool {
    let (Expr::List(ast::ExprList { elts, .. }) | Expr::Tuple(ast::ExprTuple { elts, .. })) = expr
    else {
        return false;
    };
    elts.len() == 2 && elts.iter().all(values::is_signed_number)
}
