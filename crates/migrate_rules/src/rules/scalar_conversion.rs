use migrate_engine::assignments::Assigned;
use migrate_engine::ast::{self as ast, Expr};
use migrate_engine::checker::{Checker, Rule};
use migrate_engine::diagnostic::Diagnostic;
use migrate_engine::prefilter::{Anchor, Atom, Inside, Triggers};
use migrate_engine::text_size::Ranged;

use crate::naming;
use crate::triggers;

/// ## What it does
/// Finds `float(x)`, `int(x)` and `complex(x)` of an array that provably has at least one
/// dimension: `float(np.array([1.5]))`, `int(np.where(mask)[0])`, `int(np.argwhere(a))`,
/// `float(np.atleast_1d(v))`, or a name bound only to such values.
///
/// ## Why is this bad?
/// NumPy 1.25 deprecated converting an array with `ndim > 0` to a Python scalar; NumPy 2.4
/// raises `TypeError: only 0-dimensional arrays can be converted to Python scalars`.
///
/// ## Example
/// ```python
/// index = int(np.where(names == "x")[0])
/// ```
///
/// Use instead:
/// ```python
/// index = int(np.where(names == "x")[0].item())
/// ```
///
/// ## Fix
/// None: `.item()` raises `ValueError` where NumPy 1.x raised `TypeError` for an array of
/// another size, and returns a Python `complex` where 1.x dropped the imaginary part with a
/// warning; the size is not in the source. Reported, with the replacement.
pub struct ScalarConversion;

pub const CODE: &str = "NP238";

/// NumPy functions whose result has at least one dimension, whatever their arguments.
const AT_LEAST_1D: &[&str] = &[
    "numpy.argwhere",
    "numpy.flatnonzero",
    "numpy.arange",
    "numpy.linspace",
    "numpy.atleast_1d",
    "numpy.atleast_2d",
    "numpy.atleast_3d",
];
/// NumPy functions that return a tuple of 1-d arrays (`np.where` with one argument).
const TUPLE_OF_1D: &[&str] = &["numpy.where", "numpy.nonzero"];
/// Constructors that make an array of the shape they are given (argument 0).
const SHAPED: &[&str] = &["numpy.zeros", "numpy.ones", "numpy.empty"];
/// Constructors of an array from data (argument 0).
const FROM_DATA: &[&str] = &["numpy.array", "numpy.asarray"];

const MAX_DEPTH: u32 = 4;

const CONVERSIONS: [&str; 3] = ["float", "int", "complex"];

impl Rule for ScalarConversion {
    fn code(&self) -> &'static str {
        CODE
    }

    fn triggers(&self) -> Option<Triggers> {
        let functions: Vec<String> = [AT_LEAST_1D, TUPLE_OF_1D, SHAPED, FROM_DATA]
            .concat()
            .iter()
            .map(ToString::to_string)
            .collect();
        let direct = CONVERSIONS.iter().map(|word| {
            Atom::Within(
                Anchor::Called((*word).to_string()),
                Inside::References(functions.clone()),
            )
        });
        let of_assigned_name = CONVERSIONS
            .iter()
            .map(|word| Atom::Where((*word).to_string(), converts_array_name));
        // Of the call itself (`int(np.where(m)[0])`), or of a name assigned in the file.
        Some(Triggers::any(direct.collect()).or(vec![
            vec![triggers::references(&functions)],
            of_assigned_name.collect(),
        ]))
    }

    fn expr<'a>(&self, checker: &mut Checker<'a>, expr: &'a Expr) {
        let Expr::Call(call) = expr else {
            return;
        };
        let Expr::Name(function) = &*call.func else {
            return;
        };
        let builtin = function.id.as_str();
        if !CONVERSIONS.contains(&builtin) || naming::builtin(checker, builtin).is_none() {
            return;
        }
        let ([value], true) = (&call.arguments.args[..], call.arguments.keywords.is_empty()) else {
            return;
        };
        if !has_dimensions(checker, value, 0) {
            return;
        }
        checker.report(
            Diagnostic::new(
                CODE,
                format!("`{builtin}()` of an array with `ndim > 0` was deprecated in NumPy 1.25 and raises from NumPy 2.4"),
                call.range(),
            )
            .with_help(format!(
                "Take the one element first: `{builtin}(x.item())` (or `{builtin}(x[0])` for a 1-d array)"
            )),
        );
    }
}

/// Whether a conversion at `starts` may be of a name assigned from one of the functions.
fn converts_array_name(source: &str, starts: &[usize]) -> bool {
    let functions = [AT_LEAST_1D, TUPLE_OF_1D, SHAPED, FROM_DATA].concat();
    triggers::converts_name_assigned_from(source, starts, &functions)
}

/// Whether `expr` is provably a NumPy array with at least one dimension.
fn has_dimensions<'a>(checker: &Checker<'a>, expr: &'a Expr, depth: u32) -> bool {
    if depth > MAX_DEPTH {
        return false;
    }
    match expr {
        Expr::Call(call) => {
            let Some(name) = checker.qualified_name(&call.func) else {
                return false;
            };
            let first = call.arguments.find_positional(0);
            if AT_LEAST_1D.contains(&name.as_str()) {
                // `np.atleast_1d(a, b)` is a tuple (a list on 1.x).
                !name.starts_with("numpy.atleast_") || call.arguments.args.len() == 1
            } else if SHAPED.contains(&name.as_str()) {
                first.is_some_and(|shape| match shape {
                    Expr::Tuple(ast::ExprTuple { elts, .. })
                    | Expr::List(ast::ExprList { elts, .. }) => !elts.is_empty(),
                    other => other.is_number_literal_expr(),
                })
            } else if FROM_DATA.contains(&name.as_str()) {
                first.is_some_and(|data| match data {
                    Expr::List(ast::ExprList { elts, .. })
                    | Expr::Tuple(ast::ExprTuple { elts, .. }) => {
                        !elts.is_empty() && !elts.iter().any(Expr::is_starred_expr)
                    }
                    _ => false,
                })
            } else {
                false
            }
        }
        // `np.where(mask)[0]`, `np.nonzero(a)[1]`: one of the 1-d index arrays.
        Expr::Subscript(subscript) => {
            let Expr::Call(call) = &*subscript.value else {
                return false;
            };
            subscript.slice.is_number_literal_expr()
                && call.arguments.len() == 1
                && call.arguments.args.len() == 1
                && checker
                    .qualified_name(&call.func)
                    .is_some_and(|name| TUPLE_OF_1D.contains(&name.as_str()))
        }
        Expr::Name(name) => checker.every_assignment("dimensions", depth, &name.id, |assigned| {
            matches!(assigned, Assigned::Value(value) if has_dimensions(checker, value, depth + 1))
        }),
        _ => false,
    }
}
