use migrate_engine::ast::{self as ast, ArgOrKeyword, Expr};
use migrate_engine::checker::{Checker, Rule};
use migrate_engine::diagnostic::Diagnostic;
use migrate_engine::edit::{Edit, Fix};
use migrate_engine::prefilter::{Anchor, Atom, Inside, Triggers};
use migrate_engine::source::SourceText;
use migrate_engine::syntax_edits::{argument_start, keyword_value_start, remove_arguments};
use migrate_engine::text_size::{Ranged, TextRange};

use crate::naming::{self, display};
use crate::table::{ArgumentRow, tables};
use crate::version::Version;

/// ## What it does
/// Finds arguments that NumPy 2 removed, renamed or deprecated: `np.reshape(a,
/// newshape=s)`, `np.percentile(..., interpolation=m)`, `np.save(..., fix_imports=...)`,
/// `np.corrcoef(..., bias=..., ddof=...)`, `np.array2string(..., style=...)`, `out` passed
/// positionally to `np.maximum`/`np.minimum`, `np.bincount(x, minlength=None)`, ...
///
/// ## Why is this bad?
/// The removed ones raise `TypeError` on NumPy 2; the deprecated ones warn.
///
/// ## Example
/// ```python
/// np.reshape(a, newshape=(2, 3))
/// np.percentile(a, 40, interpolation="nearest")
/// np.maximum(a, b, out)
/// ```
///
/// Use instead:
/// ```python
/// np.reshape(a, (2, 3))
/// np.percentile(a, 40, method="nearest")
/// np.maximum(a, b, out=out)
/// ```
///
/// ## Fix
/// Each fix works on NumPy 1.x too: `newshape` becomes the positional shape (`shape=`
/// needs 2.1), `interpolation` becomes `method` (from 1.22, as `--min-numpy` allows), and
/// arguments without effect are dropped. The rows are data: `[[argument]]` in
/// `rules/numpy2.toml`.
pub struct RemovedArgument {
    pub min_numpy: Version,
}

pub const CODE: &str = "NP214";

impl Rule for RemovedArgument {
    fn code(&self) -> &'static str {
        CODE
    }

    fn noqa_aliases(&self) -> &'static [&'static str] {
        &["NPY201"]
    }

    fn triggers(&self) -> Option<Triggers> {
        let calls = tables().arguments.iter().map(|row| {
            let inside = match (&row.keyword, &row.replace_value) {
                (Some(keyword), change) => Inside::Keyword(
                    keyword.clone(),
                    change.as_ref().map(|change| change.from.clone()),
                ),
                // A positional value: somewhere in the arguments.
                (None, Some(change)) => Inside::Texts(vec![change.from.clone()]),
                // Passed at `position`: that many commas come before it.
                (None, None) => Inside::Commas(row.position.unwrap_or_default()),
            };
            Atom::Within(Anchor::Call(row.functions.clone()), inside)
        });
        Some(Triggers::any(calls.collect()))
    }

    fn expr<'a>(&self, checker: &mut Checker<'a>, expr: &'a Expr) {
        let Expr::Call(call) = expr else {
            return;
        };
        if call.arguments.is_empty() {
            return;
        }
        let Some(function) = checker.qualified_name(&call.func) else {
            return;
        };
        for row in tables().arguments_of(&function) {
            let Some((index, argument)) = find(call, row) else {
                continue;
            };
            // A row about one value of the argument (`minlength=None`) ignores the others.
            if let Some(change) = &row.replace_value
                && checker.source().slice(value(argument).range()) != change.from
            {
                continue;
            }
            let what = match (&row.keyword, &row.to_keyword, &row.replace_value) {
                (None, None, Some(change)) => {
                    format!(
                        "`{}` as positional argument {} of `{}`",
                        change.from,
                        index + 1,
                        display(&function)
                    )
                }
                (Some(keyword), _, _) => format!("`{keyword}=` of `{}`", display(&function)),
                (None, Some(keyword), _) => {
                    format!(
                        "`{keyword}` passed positionally to `{}`",
                        display(&function)
                    )
                }
                (None, None, None) => {
                    format!(
                        "Positional argument {} of `{}`",
                        index + 1,
                        display(&function)
                    )
                }
            };
            let message = format!("{what} {}", naming::lifecycle(row.deprecated, row.removed));
            let diagnostic = Diagnostic::new(CODE, message, argument.range());
            let diagnostic = match self.fix(checker, call, row, index, argument) {
                Ok((fix, help)) => diagnostic.with_fix(fix).with_help(help),
                Err(help) => diagnostic.with_help(help),
            };
            checker.report(diagnostic);
        }
    }
}

/// Drop the positional argument at `index` and pass the positional ones after it by the
/// row's `later_keywords` (`array2string`'s arguments after `style`), when each has a name
/// and none is given by keyword too.
fn later_keywords(
    source: &SourceText,
    call: &ast::ExprCall,
    row: &ArgumentRow,
    index: usize,
    removed: &Expr,
) -> Option<(Vec<Edit>, String)> {
    let arguments = &call.arguments;
    let later: Vec<(usize, &Expr)> = arguments
        .args
        .iter()
        .filter(|arg| arg.start() > removed.start())
        .enumerate()
        .map(|(offset, arg)| (index + 1 + offset, arg))
        .collect();
    if later.len() > row.later_keywords.len()
        || arguments.args.iter().any(Expr::is_starred_expr)
        || row.later_keywords[..later.len()]
            .iter()
            .any(|name| arguments.find_keyword(name).is_some())
    {
        return None;
    }
    let mut edits = remove_arguments(source, arguments, &[index]);
    for ((at, arg), name) in later.iter().zip(&row.later_keywords) {
        edits.extend(pass_as_keyword(source, arguments, *at, arg, name));
    }
    let names = row.later_keywords[..later.len()].join("=`, `");
    let help = if later.is_empty() {
        "Remove it".to_string()
    } else {
        format!("Remove it and pass the arguments after it as `{names}=`")
    };
    Some((edits, help))
}

/// The edits that pass the positional argument `arg` (at `index`) as `name=`: a named
/// expression is parenthesized (`out=out := x` does not parse).
fn pass_as_keyword(
    source: &SourceText,
    arguments: &ast::Arguments,
    index: usize,
    arg: &Expr,
    name: &str,
) -> Vec<Edit> {
    let start = argument_start(source.text(), arguments, index);
    if arg.is_named_expr() {
        vec![
            Edit::insert(start, format!("{name}=(")),
            Edit::insert(arg.end(), ")".to_string()),
        ]
    } else {
        vec![Edit::insert(start, format!("{name}="))]
    }
}

/// The value passed, by keyword or position.
fn value<'a>(argument: ArgOrKeyword<'a>) -> &'a Expr {
    match argument {
        ArgOrKeyword::Arg(arg) => arg,
        ArgOrKeyword::Keyword(keyword) => &keyword.value,
    }
}

/// The argument a row is about, with its index in source order.
fn find<'a>(call: &'a ast::ExprCall, row: &ArgumentRow) -> Option<(usize, ArgOrKeyword<'a>)> {
    let mut positional = 0;
    call.arguments
        .iter_source_order()
        .enumerate()
        .find(
            |(_, argument)| match (argument, &row.keyword, row.position) {
                (ArgOrKeyword::Keyword(keyword), Some(name), _) => {
                    keyword.arg.as_ref().is_some_and(|arg| arg.as_str() == name)
                }
                (ArgOrKeyword::Arg(arg), None, Some(position)) => {
                    positional += 1;
                    !arg.is_starred_expr() && positional == position + 1
                }
                _ => false,
            },
        )
}

impl RemovedArgument {
    fn fix(
        &self,
        checker: &Checker,
        call: &ast::ExprCall,
        row: &ArgumentRow,
        index: usize,
        argument: ArgOrKeyword,
    ) -> Result<(Fix, String), String> {
        let message = || row.message.clone().unwrap_or_default();
        if let Some(since) = row.fix_since.filter(|since| *since > self.min_numpy) {
            return Err(format!(
                "The fix needs NumPy >= {since}, and this project supports NumPy {} (--min-numpy)",
                self.min_numpy
            ));
        }
        // `f(style=a, style=b)` is no valid Python (CPython refuses it); fixing one of them
        // at a time would take a round each.
        if let ArgOrKeyword::Keyword(keyword) = argument {
            let repeated = call
                .arguments
                .keywords
                .iter()
                .filter(|other| {
                    other.arg.as_ref().map(|arg| arg.as_str())
                        == keyword.arg.as_ref().map(|arg| arg.as_str())
                })
                .count()
                > 1;
            if repeated {
                return Err(format!(
                    "{} (not fixed: the keyword is repeated)",
                    message()
                ));
            }
        }
        let source = checker.source();
        let edit = match (argument, row) {
            (
                ArgOrKeyword::Keyword(keyword),
                ArgumentRow {
                    rename: Some(new), ..
                },
            ) => {
                if call.arguments.find_keyword(new).is_some() {
                    return Err(message());
                }
                let name = keyword.arg.as_ref().expect("found by name");
                (
                    vec![Edit::replace(name.range(), new.as_str())],
                    format!("Use `{new}=`"),
                )
            }
            (ArgOrKeyword::Arg(arg), ArgumentRow { remove: true, .. }) => {
                later_keywords(source, call, row, index, arg).ok_or_else(message)?
            }
            (ArgOrKeyword::Keyword(_), ArgumentRow { remove: true, .. }) => (
                remove_arguments(source, &call.arguments, &[index]),
                "Remove it".to_string(),
            ),
            (
                ArgOrKeyword::Keyword(keyword),
                ArgumentRow {
                    to_position: Some(position),
                    ..
                },
            ) => {
                // Only as the next positional argument, before any other keyword.
                let positional_before = call
                    .arguments
                    .args
                    .iter()
                    .filter(|arg| arg.start() < keyword.start())
                    .count();
                let first_keyword = call
                    .arguments
                    .keywords
                    .first()
                    .is_some_and(|first| first.range() == keyword.range());
                if positional_before != *position
                    || !first_keyword
                    || call.arguments.args.iter().any(Expr::is_starred_expr)
                {
                    return Err(message());
                }
                let value_start = keyword_value_start(source.text(), keyword);
                let name_and_equals = TextRange::new(keyword.start(), value_start);
                (
                    vec![Edit::delete(name_and_equals)],
                    "Pass it positionally".to_string(),
                )
            }
            (
                ArgOrKeyword::Arg(arg),
                ArgumentRow {
                    to_keyword: Some(keyword),
                    ..
                },
            ) => {
                // A keyword argument cannot come before positional ones.
                let positional_after = call.arguments.args.iter().any(|a| a.start() > arg.start());
                if call.arguments.find_keyword(keyword).is_some() || positional_after {
                    return Err(message());
                }
                (
                    pass_as_keyword(source, &call.arguments, index, arg, keyword),
                    format!("Pass it as `{keyword}=`"),
                )
            }
            (
                argument,
                ArgumentRow {
                    replace_value: Some(change),
                    ..
                },
            ) => (
                vec![Edit::replace(value(argument).range(), change.to.as_str())],
                format!("Use `{}`", change.to),
            ),
            _ => return Err(message()),
        };
        Ok((Fix::new(edit.0), edit.1))
    }
}
