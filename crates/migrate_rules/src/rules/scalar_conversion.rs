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
        // The conversion's argument is such a call (`int(np.where(m)[0])`), or a name the file
        // assigns one to.
        let of_call = |inside: Inside| {
            CONVERSIONS
                .iter()
                .map(|word| Atom::Within(Anchor::Called((*word).to_string()), inside.clone()))
                .collect()
        };
        let of_assigned_name = CONVERSIONS
            .iter()
            .map(|word| Atom::Where((*word).to_string(), converts_array_name));
        Some(Triggers {
            alternatives: vec![
                vec![
                    of_call(Inside::References(functions.clone())),
                    of_call(Inside::Argument(0, may_have_dimensions)),
                ],
                vec![
                    vec![triggers::references(&functions)],
                    of_assigned_name.collect(),
                ],
            ],
        })
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
    triggers::converts_name_assigned_from(source, starts, &functions, |value, aliases| {
        may_be_call_with_dimensions(value, Some(aliases))
    })
}

/// [`may_be_call_with_dimensions`] where any bare name may be an alias of one of the
/// functions.
fn may_have_dimensions(text: &str) -> bool {
    may_be_call_with_dimensions(text, None)
}

/// Whether the text of an expression (an argument, or the rest of an assignment's line) may
/// be a call that [`has_dimensions`] proves: a call of one of the functions (by its last
/// component, or a bare name among `aliases` of them, any bare name without that list) whose
/// arguments may give it dimensions. Generous where the text is cut short or unusual.
fn may_be_call_with_dimensions(text: &str, aliases: Option<&[&str]>) -> bool {
    // A comment after the code (where no string may hold the `#`) is no part of it.
    let text = match text.split_once('#') {
        Some((code, _)) if !code.contains(['"', '\'']) => code,
        Some(_) => return true,
        None => text,
    }
    .trim();
    if text.ends_with(['\\', '(', '[', ',']) {
        return true;
    }
    let chain_length = text
        .bytes()
        .take_while(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'_' | b'.'))
        .count();
    let (chain, rest) = (&text[..chain_length], text[chain_length..].trim_start());
    if chain.starts_with(|c: char| c.is_ascii_digit()) {
        return false;
    }
    if !text.is_ascii() {
        return true;
    }
    if chain.is_empty() {
        // `(np.zeros(3))`.
        return text
            .strip_prefix('(')
            .and_then(|inner| inner.strip_suffix(')'))
            .is_some_and(|inner| may_be_call_with_dimensions(inner, aliases));
    }
    let Some(arguments) = rest.strip_prefix('(') else {
        // `x = y = np.zeros(3)` reads on; `np .where(...)` is not read.
        return match rest.strip_prefix('=') {
            Some(value) if !value.starts_with('=') => may_be_call_with_dimensions(value, aliases),
            _ => rest.starts_with('.'),
        };
    };
    let function = chain.rsplit('.').next().unwrap_or(chain);
    let is = |functions: &[&str]| {
        functions
            .iter()
            .any(|qualified| qualified.rsplit('.').next() == Some(function))
    };
    let first = arguments.trim_start();
    if is(FROM_DATA) {
        first.starts_with(['[', '('])
    } else if is(SHAPED) {
        first.starts_with(['[', '(']) || first.starts_with(|c: char| c.is_ascii_digit())
    } else if is(TUPLE_OF_1D) {
        arguments.contains(')') && arguments[arguments.rfind(')').unwrap_or(0)..].contains('[')
    } else {
        is(AT_LEAST_1D)
            || !chain.contains('.') && aliases.is_none_or(|aliases| aliases.contains(&function))
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calls_that_may_have_dimensions() {
        for yes in [
            "np.where(m)[0]",
            "numpy.nonzero(a) [1]  # first axis",
            "np.zeros((2, 3))",
            "np.ones(3)",
            "np.array([1, 2])",
            "(np.arange(5))",
            "np.linspace(0, 1, n)",
            "atleast_1d(x)",
            "w(m)[0]",
            "np.array(",
            "y = np.zeros(3)",
            "np .zeros(3)",
        ] {
            assert!(may_be_call_with_dimensions(yes, None), "{yes:?}");
        }
        for no in [
            "np.where(a > 0, a, b)",
            "np.zeros(n)",
            "np.array(data)",
            "np.sum(x)",
            "(a + b) * c",
            "3",
            "x",
            "x == np.zeros(3)",
            "'np.zeros((3,))'",
        ] {
            assert!(!may_be_call_with_dimensions(no, None), "{no:?}");
        }
        // With the file's aliases known, another bare name is not one of the functions.
        assert!(!may_be_call_with_dimensions("len(m)", Some(&[])));
        assert!(may_be_call_with_dimensions("w(m)", Some(&["w"])));
    }

    #[test]
    fn converted_names_assigned_something_that_may_have_dimensions() {
        let converts = |source: &str| {
            let starts: Vec<usize> = source.match_indices("int(").map(|(at, _)| at).collect();
            converts_array_name(source, &starts)
        };
        assert!(converts("n = np.zeros(3)\nint(n)"));
        assert!(converts("n=np.zeros(3)\nint(n)"));
        assert!(converts("n = m\nm = np.ones(2)\nint(n)"));
        assert!(converts("n = m\nm = n\nint(n)"));
        assert!(!converts("n = m\nm = len(x)\nint(n)"));
        // A parameter's default, the first item of a tuple.
        assert!(!converts(
            "def f(x, n='linear', copy=True,\n      z=None):\n    int(n)"
        ));
        assert!(converts("n = f(x, y=2,\n      z=np.ones(2),\n)\nint(n)"));
        // Constants hold no array; a name's many letters elsewhere do not count.
        assert!(!converts("n = 9\nint(n)"));
        assert!(!converts("flag = None\nint(flag)"));
        let prose = format!("# {}\nn = len(x)\nint(n)", "n ".repeat(1000));
        assert!(!converts(&prose));
    }
}
