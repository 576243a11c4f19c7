use migrate_engine::ast::Expr;
use migrate_engine::checker::{Checker, Rule};
use migrate_engine::diagnostic::Diagnostic;
use migrate_engine::prefilter::Triggers;
use migrate_engine::text_size::Ranged;

use crate::triggers;
use crate::values;

/// ## What it does
/// Finds `np.can_cast(<Python number>, ...)` where the source is a number or bool literal:
/// `np.can_cast(300, np.int8)`, `np.can_cast(1.0, "f4")`.
///
/// ## Why is this bad?
/// NumPy 1.x answered for the value (value-based casting); under NEP 50 the answer must not
/// depend on the value, and NumPy 2.0 raises `TypeError: can_cast() does not support Python
/// ints, floats, and complex`.
///
/// ## Example
/// ```python
/// fits = np.can_cast(300, np.int8)
/// ```
///
/// Use instead:
/// ```python
/// info = np.iinfo(np.int8)
/// fits = info.min <= 300 <= info.max
/// ```
///
/// ## Fix
/// None: `np.can_cast(np.min_scalar_type(x), to)` is not what 1.x answered
/// (`np.can_cast(1, np.int8)` was `True`, `np.can_cast(np.uint8, np.int8)` is `False`).
/// Reported, with the replacement.
pub struct CanCastScalar;

pub const CODE: &str = "NP233";

impl Rule for CanCastScalar {
    fn code(&self) -> &'static str {
        CODE
    }

    fn triggers(&self) -> Option<Triggers> {
        Some(Triggers::any(vec![triggers::references([
            "numpy.can_cast",
        ])]))
    }

    fn expr<'a>(&self, checker: &mut Checker<'a>, expr: &'a Expr) {
        let Expr::Call(call) = expr else {
            return;
        };
        if checker.qualified_name(&call.func).as_deref() != Some("numpy.can_cast") {
            return;
        }
        let Some(from) = call.arguments.find_argument_value("from_", 0) else {
            return;
        };
        if !(values::is_signed_number(from) || from.is_boolean_literal_expr()) {
            return;
        }
        checker.report(
            Diagnostic::new(
                CODE,
                "`np.can_cast` of a Python number raises `TypeError` from NumPy 2.0 (NEP 50)",
                call.range(),
            )
            .with_help(
                "Test the value against the type's limits (`np.iinfo(to).min <= x <= np.iinfo(to).max`, `np.finfo(to)` for floats), or pass a dtype",
            ),
        );
    }
}
