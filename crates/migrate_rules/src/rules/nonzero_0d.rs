use migrate_engine::ast::Expr;
use migrate_engine::checker::{Checker, Rule};
use migrate_engine::diagnostic::Diagnostic;
use migrate_engine::edit::{Edit, Fix};
use migrate_engine::prefilter::{Anchor, Atom, Inside, Triggers};
use migrate_engine::text_size::Ranged;

use crate::triggers;
use crate::values;

/// ## What it does
/// Finds `nonzero` of a value that is provably 0-d: `np.nonzero(3)`,
/// `np.nonzero(np.float64(1.5))`, `np.array(5).nonzero()`.
///
/// ## Why is this bad?
/// NumPy 1.17 deprecated `nonzero` of 0-d arrays and scalars (it treated them as 1-d);
/// NumPy 2.1 raises `ValueError: Calling nonzero on 0d arrays is not allowed`.
///
/// ## Example
/// ```python
/// (where,) = np.nonzero(1.5)
/// ```
///
/// Use instead:
/// ```python
/// (where,) = np.nonzero(np.atleast_1d(1.5))
/// ```
///
/// ## Fix
/// The value is wrapped in `np.atleast_1d(...)`, which is what NumPy 1.x did, so the result
/// is the same on every NumPy. Where the file names numpy only through a from-import, the
/// finding is reported (no import is added).
pub struct Nonzero0d;

pub const CODE: &str = "NP232";

impl Rule for Nonzero0d {
    fn code(&self) -> &'static str {
        CODE
    }

    fn triggers(&self) -> Option<Triggers> {
        let calls = vec![
            Atom::Within(
                Anchor::Call(vec!["numpy.nonzero".to_string()]),
                Inside::Check(triggers::may_be_one_literal),
            ),
            // `np.array(5).nonzero()`: a constructor call holding a literal, then the method.
            Atom::Within(
                Anchor::Call(
                    values::SCALAR_CONSTRUCTORS
                        .iter()
                        .map(ToString::to_string)
                        .chain(values::int_type_names())
                        .collect(),
                ),
                Inside::Check(triggers::may_be_one_literal),
            ),
        ];
        Some(Triggers {
            alternatives: vec![vec![calls, vec![Atom::Text("nonzero".to_string())]]],
        })
    }

    fn expr<'a>(&self, checker: &mut Checker<'a>, expr: &'a Expr) {
        let Expr::Call(call) = expr else {
            return;
        };
        let (value, numpy) = match &*call.func {
            Expr::Attribute(method)
                if method.attr.as_str() == "nonzero"
                    && call.arguments.is_empty()
                    && matches!(&*method.value, Expr::Call(_)) =>
            {
                let Expr::Call(inner) = &*method.value else {
                    return;
                };
                (&*method.value, values::numpy_base(checker, &inner.func))
            }
            function => {
                if checker.qualified_name(function).as_deref() != Some("numpy.nonzero") {
                    return;
                }
                let ([value], true) =
                    (&call.arguments.args[..], call.arguments.keywords.is_empty())
                else {
                    return;
                };
                (value, values::numpy_base(checker, function))
            }
        };
        if !values::is_zero_dimensional(checker, value) {
            return;
        }
        let diagnostic = Diagnostic::new(
            CODE,
            "`nonzero` of a 0-d value was deprecated in NumPy 1.17 and raises from NumPy 2.1",
            call.range(),
        );
        checker.report(match numpy {
            Some(numpy) => diagnostic
                .with_fix(Fix::new(vec![
                    Edit::insert(value.start(), format!("{numpy}.atleast_1d(")),
                    Edit::insert(value.end(), ")"),
                ]))
                .with_help("Wrap the value in `np.atleast_1d(...)`, as NumPy 1.x did"),
            None => diagnostic.with_help("Use `np.atleast_1d(value).nonzero()`, as NumPy 1.x did"),
        });
    }
}
