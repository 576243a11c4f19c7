use migrate_engine::assignments::Assigned;
use migrate_engine::ast::{Expr, Stmt};
use migrate_engine::checker::{Checker, Rule};
use migrate_engine::diagnostic::Diagnostic;
use migrate_engine::edit::{Edit, Fix};
use migrate_engine::prefilter::{Atom, Triggers};
use migrate_engine::text_size::{Ranged, TextRange};

use crate::{naming, triggers};

/// ## What it does
/// Finds a list method or an item assignment on a name bound only to the result of a NumPy
/// function that returns a tuple since NumPy 2.0: `np.meshgrid`, `np.broadcast_arrays`,
/// `np.atleast_1d`/`2d`/`3d` of several arrays. (`np.gradient` returns a tuple only for
/// arrays of more than one dimension, which the source does not show: left alone.)
///
/// ## Why is this bad?
/// These functions returned lists in NumPy 1.x; from NumPy 2.0 they return tuples, so
/// `grids.append(...)` raises `AttributeError` and `grids[0] = ...` raises `TypeError`.
///
/// ## Example
/// ```python
/// grids = np.meshgrid(x, y)
/// grids.append(z)
/// ```
///
/// Use instead:
/// ```python
/// grids = list(np.meshgrid(x, y))
/// grids.append(z)
/// ```
///
/// ## Fix
/// Where the name has that one binding, the call there becomes `list(...)`, what NumPy 1.x
/// returned (a new list, so the copy is not seen). A name bound more than once is reported.
pub struct TupleResult;

pub const CODE: &str = "NP239";

const TUPLE_FUNCTIONS: &[&str] = &[
    "numpy.meshgrid",
    "numpy.broadcast_arrays",
    "numpy.atleast_1d",
    "numpy.atleast_2d",
    "numpy.atleast_3d",
];

/// Methods of `list` that `tuple` lacks.
const LIST_METHODS: &[&str] = &[
    "append", "extend", "insert", "pop", "remove", "reverse", "sort", "clear",
];

impl Rule for TupleResult {
    fn code(&self) -> &'static str {
        CODE
    }

    fn triggers(&self) -> Option<Triggers> {
        // The function's own name (or the alias an import gives it) where it is called.
        let calls = TUPLE_FUNCTIONS.iter().map(|function| {
            let name = function.rsplit('.').next().unwrap_or(function);
            Atom::Where(name.to_string(), changed_as_list)
        });
        Some(Triggers {
            alternatives: vec![vec![
                vec![triggers::references(TUPLE_FUNCTIONS)],
                calls.collect(),
            ]],
        })
    }

    fn expr<'a>(&self, checker: &mut Checker<'a>, expr: &'a Expr) {
        let Expr::Call(call) = expr else {
            return;
        };
        let Expr::Attribute(method) = &*call.func else {
            return;
        };
        if LIST_METHODS.contains(&method.attr.as_str()) {
            report(
                checker,
                &method.value,
                call.range(),
                &format!("`.{}()`", method.attr),
            );
        }
    }

    fn stmt<'a>(&self, checker: &mut Checker<'a>, stmt: &'a Stmt) {
        let targets = match stmt {
            Stmt::Assign(assign) => &assign.targets[..],
            Stmt::Delete(delete) => &delete.targets[..],
            _ => return,
        };
        for target in targets {
            if let Expr::Subscript(subscript) = target {
                report(
                    checker,
                    &subscript.value,
                    target.range(),
                    "item assignment or deletion",
                );
            }
        }
    }
}

/// Whether a name assigned from a call at `starts` may be changed as a list. Calls whose
/// simple argument list shows they return no tuple are passed over.
fn changed_as_list(source: &str, starts: &[usize]) -> bool {
    let starts: Vec<usize> = starts
        .iter()
        .copied()
        .filter(|&start| !returns_no_tuple(source, start))
        .collect();
    triggers::mutates_name_assigned_from(source, &starts, LIST_METHODS)
}

/// Whether the call at `start`, read up to its first `)` when that holds nothing but names,
/// dots and blanks, returns no tuple to a name: `np.atleast_1d(x)` of one array is one array,
/// and a call followed by more (`np.atleast_1d(x)[0]`, `+ 1`) is not the assigned value.
fn returns_no_tuple(source: &str, start: usize) -> bool {
    let name_end = triggers::identifier_end(source.as_bytes(), start);
    let rest = &source[name_end..];
    let Some(arguments) = rest.trim_start_matches([' ', '\t']).strip_prefix('(') else {
        return false;
    };
    let Some((inside, after)) = arguments.split_once(')') else {
        return false;
    };
    let simple = inside
        .bytes()
        .all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'_' | b'.' | b' ' | b','));
    if !simple {
        return false;
    }
    let one_argument = !inside.trim().trim_end_matches(',').contains(',');
    let ends_statement = after
        .trim_start_matches([' ', '\t'])
        .starts_with(['\n', '\r', '#', ';'])
        || after.trim().is_empty();
    (source[start..name_end].starts_with("atleast_") && one_argument) || !ends_statement
}

fn report<'a>(checker: &mut Checker<'a>, receiver: &'a Expr, range: TextRange, what: &str) {
    let Expr::Name(name) = receiver else {
        return;
    };
    let Some((function, only_call)) = tuple_source(checker, &name.id) else {
        return;
    };
    let diagnostic = Diagnostic::new(
        CODE,
        format!("{what} on the result of `{function}`, a tuple since NumPy 2.0 (a list before)"),
        range,
    );
    // One binding: `list(...)` there makes the list NumPy 1.x returned, a new one that no
    // one else holds, on every version.
    let fix = match (only_call, naming::builtin(checker, "list")) {
        (Some(call), Some(list)) => Some(Fix::new(vec![
            Edit::insert(call.start(), format!("{list}(")),
            Edit::insert(call.end(), ")"),
        ])),
        _ => None,
    };
    let help = format!("Bind `list({function}(...))`, what NumPy 1.x returned");
    checker.report(match fix {
        Some(fix) => diagnostic.with_fix(fix).with_help(help),
        None => diagnostic.with_help(format!(
            "{help} (not fixed: the name is bound more than once)"
        )),
    });
}

/// The function (`np.meshgrid`) whose tuple result is every binding of `name`, and the
/// call's range where it has one binding. Computed once per name and scope: each of many changes of a name
/// bound many times would otherwise read all its bindings again.
fn tuple_source(checker: &Checker<'_>, name: &str) -> Option<(String, Option<TextRange>)> {
    checker
        .memoized_over_assignments("tuple source", 0, name, |assigned| {
            let mut function = None;
            for assigned in assigned {
                let Assigned::Value(Expr::Call(call)) = assigned else {
                    return None;
                };
                let qualified = checker.qualified_name(&call.func)?;
                let several =
                    !qualified.starts_with("numpy.atleast_") || call.arguments.args.len() > 1;
                if !TUPLE_FUNCTIONS.contains(&qualified.as_str())
                    || !several
                    || call.arguments.args.iter().any(Expr::is_starred_expr)
                {
                    return None;
                }
                function = Some(naming::display(&qualified));
            }
            let only_call = match assigned {
                [Assigned::Value(call)] => Some(call.range()),
                _ => None,
            };
            Some((function?, only_call))
        })
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::changed_as_list;

    #[test]
    fn calls_that_return_no_tuple_are_passed_over() {
        let holds = |source: &str| {
            let word = ["meshgrid", "atleast_1d"]
                .into_iter()
                .find(|word| source.contains(word))
                .unwrap();
            let starts: Vec<usize> = source.match_indices(word).map(|(at, _)| at).collect();
            changed_as_list(source, &starts)
        };
        assert!(holds("g = np.meshgrid(a, b)\ng.append(c)"));
        assert!(holds("g = np.atleast_1d(a, b)\ng.append(c)"));
        assert!(holds("g = np.atleast_1d(*arrays)\ng.append(c)"));
        assert!(holds("g = np.meshgrid(\n    a, b)\ng.append(c)"));
        assert!(!holds("x = np.atleast_1d(x)\nx[0] = 1"));
        assert!(!holds("x = np.atleast_1d(x.y)  # one\nx[0] = 1"));
        assert!(!holds("x = np.atleast_1d(x, y)[0]\nx[0] = 1"));
        assert!(!holds("g = np.meshgrid(a, b) + c\ng.append(c)"));
    }
}
