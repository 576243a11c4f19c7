use migrate_engine::ast::Expr;
use migrate_engine::checker::{Checker, Rule};
use migrate_engine::diagnostic::Diagnostic;
use migrate_engine::prefilter::{Anchor, Atom, Inside, Triggers};
use migrate_engine::text_size::Ranged;

use crate::triggers;
use crate::values;

/// ## What it does
/// Finds `np.timedelta64` made without a unit from an integer literal or `"NaT"`:
/// `np.timedelta64(5)`, `np.timedelta64()`, `np.timedelta64("NaT")`.
///
/// ## Why is this bad?
/// These have NumPy's `generic` unit, which NumPy 2.5 deprecates (comparisons with it are not
/// transitive): every such value warns, and so does arithmetic that relies on it.
///
/// ## Example
/// ```python
/// timeout = np.timedelta64(5)
/// ```
///
/// Use instead:
/// ```python
/// timeout = np.timedelta64(5, "s")
/// ```
///
/// ## Fix
/// None: which unit the number counts is the author's intent. Reported.
pub struct TimedeltaGeneric;

pub const CODE: &str = "NP235";

impl Rule for TimedeltaGeneric {
    fn code(&self) -> &'static str {
        CODE
    }

    fn triggers(&self) -> Option<Triggers> {
        Some(Triggers::any(vec![Atom::Within(
            Anchor::Call(vec!["numpy.timedelta64".to_string()]),
            Inside::Check(may_lack_unit),
        )]))
    }

    fn expr<'a>(&self, checker: &mut Checker<'a>, expr: &'a Expr) {
        let Expr::Call(call) = expr else {
            return;
        };
        if checker.qualified_name(&call.func).as_deref() != Some("numpy.timedelta64")
            || !call.arguments.keywords.is_empty()
        {
            return;
        }
        let generic = match &call.arguments.args[..] {
            [] => true,
            [Expr::StringLiteral(string)] => string.value.to_str() == "NaT",
            [value] => values::int_literal(value).is_some(),
            _ => false,
        };
        if generic {
            checker.report(
                Diagnostic::new(
                    CODE,
                    "`np.timedelta64` without a unit has the `generic` unit, deprecated in NumPy 2.5",
                    call.range(),
                )
                .with_help("Pass the unit the value counts: `np.timedelta64(5, \"s\")`, `np.timedelta64(\"NaT\", \"ns\")`"),
            );
        }
    }
}

/// Whether `np.timedelta64(...)`'s arguments may be what has no unit: nothing, `"NaT"`, or
/// one int literal.
fn may_lack_unit(arguments: &str) -> bool {
    arguments.trim().trim_end_matches(',').trim().is_empty()
        || arguments.contains("NaT")
        || triggers::may_be_one_literal(arguments)
}
