use migrate_engine::ast::{self as ast, Expr};
use migrate_engine::checker::{Checker, Rule};
use migrate_engine::diagnostic::Diagnostic;
use migrate_engine::edit::{Edit, Fix};
use migrate_engine::prefilter::{Anchor, Atom, Inside, Triggers};
use migrate_engine::text_size::{Ranged, TextRange, TextSize};

use crate::naming;
use crate::table::{DtypeStringRow, tables};

/// ## What it does
/// Finds dtype aliases spelled as strings that NumPy 2 removed or deprecated: `"int0"`,
/// `"uint0"`, `"bool8"`, `"object0"`, `"str0"`, `"bytes0"`, `"void0"`, and the bytes
/// code `"a"` (also sized, `"a10"`, and inside structured specs such as `"i4,a8"` or
/// `[("name", "a10")]`), where a dtype is expected: `dtype=...`, `np.dtype(...)`,
/// `.astype(...)` and the dtype argument of NumPy's constructors.
///
/// ## Why is this bad?
/// NumPy 2 raises `TypeError` for the digit-suffixed aliases and deprecates `"a"`
/// (removed in 2.5).
///
/// ## Example
/// ```python
/// np.zeros(3, dtype="int0")
/// np.dtype([("name", "a10")])
/// ```
///
/// Use instead:
/// ```python
/// np.zeros(3, dtype="intp")
/// np.dtype([("name", "S10")])
/// ```
///
/// ## Fix
/// Only the alias inside the string changes. Every replacement existed in NumPy 1.x.
/// Strings with escapes and implicit concatenations are not checked.
pub struct DtypeAlias;

pub const CODE: &str = "NP203";

/// NumPy functions whose dtype may be passed positionally, and its position.
const POSITIONAL_DTYPE: &[(&str, usize)] = &[
    ("numpy.dtype", 0),
    ("numpy.zeros", 1),
    ("numpy.ones", 1),
    ("numpy.empty", 1),
    ("numpy.full", 2),
    ("numpy.zeros_like", 1),
    ("numpy.ones_like", 1),
    ("numpy.empty_like", 1),
    ("numpy.full_like", 2),
    ("numpy.array", 1),
    ("numpy.asarray", 1),
    ("numpy.asanyarray", 1),
    ("numpy.ascontiguousarray", 1),
    ("numpy.asfortranarray", 1),
    ("numpy.frombuffer", 1),
    ("numpy.fromfile", 1),
    ("numpy.fromiter", 1),
    ("numpy.fromstring", 1),
    ("numpy.identity", 1),
    ("numpy.eye", 3),
    ("numpy.arange", 3),
    ("numpy.memmap", 1),
];

impl Rule for DtypeAlias {
    fn code(&self) -> &'static str {
        CODE
    }

    fn noqa_aliases(&self) -> &'static [&'static str] {
        &["NPY201"]
    }

    fn triggers(&self) -> Option<Triggers> {
        // An alias in a string in the value of a `dtype=`, in the arguments of
        // `.astype(...)`, or in the dtype argument of a function that takes it by position.
        let mut atoms = vec![
            Atom::Within(
                Anchor::Keyword("dtype".into()),
                Inside::Check(may_hold_alias),
            ),
            Atom::Within(
                Anchor::Called("astype".into()),
                Inside::Argument(0, may_hold_alias),
            ),
        ];
        for (function, position) in POSITIONAL_DTYPE {
            atoms.push(Atom::Within(
                Anchor::Call(vec![function.to_string()]),
                Inside::Argument(*position, may_hold_alias),
            ));
        }
        Some(Triggers::any(atoms))
    }

    fn expr<'a>(&self, checker: &mut Checker<'a>, expr: &'a Expr) {
        let Expr::Call(call) = expr else {
            return;
        };
        for keyword in &call.arguments.keywords {
            if keyword
                .arg
                .as_ref()
                .is_some_and(|arg| arg.as_str() == "dtype")
            {
                check_spec(checker, &keyword.value);
            }
        }
        let position = match &*call.func {
            Expr::Attribute(attribute) if attribute.attr.as_str() == "astype" => Some(0),
            func => checker.qualified_name(func).and_then(|name| {
                POSITIONAL_DTYPE
                    .iter()
                    .find(|(function, _)| *function == name)
                    .map(|(_, position)| *position)
            }),
        };
        if let Some(arg) = position.and_then(|position| positional(call, position)) {
            check_spec(checker, arg);
        }
    }
}

/// The positional argument at `position`, if no starred argument comes before it.
fn positional(call: &ast::ExprCall, position: usize) -> Option<&Expr> {
    let args = &call.arguments.args;
    if args.iter().take(position + 1).any(Expr::is_starred_expr) {
        return None;
    }
    args.get(position)
}

/// A dtype given as a string, or a structured dtype as a list of `(name, spec)` tuples.
fn check_spec(checker: &mut Checker, spec: &Expr) {
    match spec {
        Expr::StringLiteral(string) => check_string(checker, string),
        Expr::List(ast::ExprList { elts, .. }) => {
            for element in elts {
                if let Expr::Tuple(field) = element
                    && let Some(field_spec) = field.elts.get(1)
                {
                    check_spec(checker, field_spec);
                }
            }
        }
        _ => {}
    }
}

fn check_string(checker: &mut Checker, string: &ast::ExprStringLiteral) {
    let value = string.value.to_str();
    let mut offset = 0;
    let mut diagnostics = Vec::new();
    for part in value.split(',') {
        if let Some((alias_range, row)) = alias_in(part) {
            let start = offset + alias_range.start;
            diagnostics.push((start..start + alias_range.len(), row));
        }
        offset += part.len() + 1;
    }
    if diagnostics.is_empty() {
        return;
    }
    // Only a string that the source spells byte for byte is checked (not one with escapes
    // or made of several parts): edits need it, and so does the prefilter, which looks for
    // the aliases in the bytes.
    let Some(content) = string
        .as_single_part_string()
        .map(ast::StringLiteral::content_range)
        .filter(|range| checker.source().slice(*range) == value)
    else {
        return;
    };
    for (span, row) in diagnostics {
        let message = format!(
            "The dtype alias `\"{}\"` {}",
            row.old,
            naming::lifecycle(row.deprecated, row.removed)
        );
        let start = content.start() + TextSize::try_from(span.start).expect("a short string");
        let range = TextRange::at(start, TextSize::of(row.old.as_str()));
        let diagnostic = Diagnostic::new(CODE, message, string.range())
            .with_fix(Fix::edit(Edit::replace(range, row.new.clone())))
            .with_help(format!("Use `\"{}\"`", row.new));
        checker.report(diagnostic);
    }
}

/// The alias in one comma-separated part of a dtype string (`"<a10"`, `" int0"`), with
/// its position in the part.
/// Whether `text`, an argument's source, may be a spec that [`check_spec`] reports on: a
/// string or a list (maybe in parentheses) with an alias in a string.
fn may_hold_alias(text: &str) -> bool {
    let spec = text.trim_start_matches(|c: char| c.is_whitespace() || c == '(' || c == '\\');
    let prefix = spec
        .find(|c: char| !c.is_ascii_alphabetic())
        .unwrap_or(spec.len());
    let string = prefix <= 2 && spec[prefix..].starts_with(['"', '\'']);
    // A comment may hide where the spec starts.
    (string || spec.starts_with(['[', '#'])) && has_alias_string(text)
}

/// Whether `text` may hold a string that [`check_string`] reports. Each quote is tried as an
/// opening one, so that every string without escapes is seen whole, wherever it starts.
fn has_alias_string(text: &str) -> bool {
    text.match_indices(['"', '\'']).any(|(open, quote)| {
        let content = &text[open + 1..];
        let content = content
            .find(quote)
            .map_or(content, |close| &content[..close]);
        content.split(',').any(|part| alias_in(part).is_some())
    })
}

fn alias_in(part: &str) -> Option<(std::ops::Range<usize>, &'static DtypeStringRow)> {
    let trimmed = part.trim_start();
    let mut start = part.len() - trimmed.len();
    let body = trimmed.trim_end();
    let body = match body.strip_prefix(['<', '>', '|', '=']) {
        Some(rest) => {
            start += 1;
            rest
        }
        None => body,
    };
    tables().dtype_strings.iter().find_map(|row| {
        let rest = body.strip_prefix(row.old.as_str())?;
        // A one-letter code may carry a size (`a10`); a named alias stands alone.
        let sized = row.old.len() == 1 && rest.bytes().all(|b| b.is_ascii_digit());
        (rest.is_empty() || sized).then(|| (start..start + row.old.len(), row))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_aliases_in_dtype_strings() {
        let found = |part: &str| alias_in(part).map(|(range, row)| (range, row.new.as_str()));
        assert_eq!(found("int0"), Some((0..4, "intp")));
        assert_eq!(found("<a10"), Some((1..2, "S")));
        assert_eq!(found(" a"), Some((1..2, "S")));
        assert_eq!(found("int04"), None);
        assert_eq!(found("abc"), None);
        assert_eq!(found("f8"), None);
    }
}
