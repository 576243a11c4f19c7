use migrate_engine::ast::{Expr, Stmt};
use migrate_engine::checker::{Checker, Rule};
use migrate_engine::diagnostic::Diagnostic;
use migrate_engine::edit::{Edit, Fix};
use migrate_engine::prefilter::{Atom, Triggers};
use migrate_engine::text_size::Ranged;

use crate::naming;
use crate::version::Version;

/// ## What it does
/// Finds `__array_finalize__ = None` in a class body.
///
/// ## Why is this bad?
/// `None` meant "no finalization" to NumPy 1.x; NumPy 1.23 deprecated it and NumPy 2.3
/// raises `TypeError: 'NoneType' object is not callable` wherever the subclass is viewed,
/// sliced or computed with.
///
/// ## Example
/// ```python
/// class Frame(np.ndarray):
///     __array_finalize__ = None
/// ```
///
/// Use instead:
/// ```python
/// class Frame(np.ndarray):
///     __array_finalize__ = np.ndarray.__array_finalize__
/// ```
///
/// ## Fix
/// `None` becomes `np.ndarray.__array_finalize__`, which does nothing (as `None` did) and
/// exists from NumPy 1.23: below that floor, or where the file binds no name to numpy at its
/// top level, the finding is reported.
pub struct ArrayFinalizeNone {
    pub min_numpy: Version,
}

pub const CODE: &str = "NP237";

/// The NumPy from which `ndarray.__array_finalize__` is a method.
const FIX_SINCE: Version = Version::new(1, 23);

impl Rule for ArrayFinalizeNone {
    fn code(&self) -> &'static str {
        CODE
    }

    fn triggers(&self) -> Option<Triggers> {
        Some(Triggers::any(vec![Atom::Text(
            "__array_finalize__".to_string(),
        )]))
    }

    fn stmt<'a>(&self, checker: &mut Checker<'a>, stmt: &'a Stmt) {
        let Stmt::ClassDef(class) = stmt else {
            return;
        };
        for statement in &class.body {
            let Stmt::Assign(assign) = statement else {
                continue;
            };
            let [Expr::Name(target)] = &assign.targets[..] else {
                continue;
            };
            if target.id.as_str() != "__array_finalize__" || !assign.value.is_none_literal_expr() {
                continue;
            }
            let diagnostic = Diagnostic::new(
                CODE,
                "`__array_finalize__ = None` was deprecated in NumPy 1.23 and raises from NumPy 2.3",
                statement.range(),
            );
            let numpy = naming::module_at(checker, "numpy", class.start())
                .filter(|numpy| numpy.import.is_none());
            checker.report(match numpy {
                Some(numpy) if self.min_numpy >= FIX_SINCE => diagnostic
                    .with_fix(Fix::edit(Edit::replace(
                        assign.value.range(),
                        format!("{}.ndarray.__array_finalize__", numpy.text),
                    )))
                    .with_help("Use `np.ndarray.__array_finalize__`, which does nothing, as `None` did"),
                _ => diagnostic.with_help(
                    "Set it to `np.ndarray.__array_finalize__` (NumPy 1.23+), or remove it where the class inherits from `np.ndarray` alone",
                ),
            });
        }
    }
}
