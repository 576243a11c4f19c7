use std::ops::Range;

use migrate_engine::ast::{self as ast, Expr};
use migrate_engine::checker::{Checker, Rule};
use migrate_engine::diagnostic::Diagnostic;
use migrate_engine::edit::{Edit, Fix};
use migrate_engine::prefilter::{Anchor, Atom, Inside, Triggers};
use migrate_engine::text_size::{Ranged, TextRange, TextSize};

use crate::dtype_slots::{self, Piece};

/// ## What it does
/// Finds dtype spellings whose meaning NumPy 2 changed or deprecated, where a dtype is
/// expected:
/// - a string of one type and a trailing comma, `"i4,"` (NumPy 1.x: `"i4"`; NumPy 2.0: a
///   structured dtype with one field);
/// - a repeat count of 1, `"1i4"` or `"(1)i4,"`, and a shape of 1, `("f8", 1)` or
///   `("x", "f8", 1)` (NumPy 1.x: no shape, with a `FutureWarning` since 1.17; NumPy 2.0:
///   a subarray of shape `(1,)`);
/// - a single number in parentheses as a shape, `"(2)i4,"` (deprecated in NumPy 2.0);
/// - `align=` given an integer, `np.dtype("f8", 3)` (deprecated in NumPy 2.4).
///
/// ## Why is this bad?
/// NumPy 2 makes a different dtype of the same source, silently, or warns.
///
/// ## Example
/// ```python
/// np.zeros(3, dtype="i4,")
/// np.dtype(("f8", 1))
/// np.dtype("(2)i4,f8")
/// np.dtype(fields, 1)
/// ```
///
/// Use instead:
/// ```python
/// np.zeros(3, dtype="i4")
/// np.dtype("f8")
/// np.dtype("(2,)i4,f8")
/// np.dtype(fields, True)
/// ```
///
/// ## Fix
/// The spelling NumPy 1.x read the same way, which every NumPy reads so: the comma or the
/// count of 1 is dropped, `(2)` becomes `(2,)`, an integer `align` becomes `True` or
/// `False`. Strings with escapes and implicit concatenations are not checked.
pub struct DtypeSpelling;

pub const CODE: &str = "NP205";

impl Rule for DtypeSpelling {
    fn code(&self) -> &'static str {
        CODE
    }

    fn triggers(&self) -> Option<Triggers> {
        // A spelling in a dtype, or an integer `align` of `np.dtype`.
        let mut atoms = dtype_slots::triggers(may_hold_spelling, true);
        atoms.push(Atom::Within(
            Anchor::Call(vec!["numpy.dtype".into()]),
            Inside::Argument(1, is_int_text),
        ));
        atoms.push(Atom::Within(
            Anchor::Keyword("align".into()),
            Inside::Check(is_int_text),
        ));
        Some(Triggers::any(atoms))
    }

    fn expr<'a>(&self, checker: &mut Checker<'a>, expr: &'a Expr) {
        let Expr::Call(call) = expr else {
            return;
        };
        for (spec, _) in dtype_slots::slots(checker, call) {
            dtype_slots::walk(spec, &mut |piece| match piece {
                Piece::String(string) => check_string(checker, string),
                Piece::Subarray(tuple) => check_subarray(checker, tuple),
                Piece::Field(field) => check_field(checker, field),
                Piece::Type(_) => {}
            });
        }
        if checker.qualified_name(&call.func).as_deref() == Some("numpy.dtype") {
            let align = call
                .arguments
                .find_keyword("align")
                .map(|keyword| &keyword.value)
                .or_else(|| dtype_slots::positional(call, 1));
            if let Some(align) = align {
                check_align(checker, align);
            }
        }
    }
}

/// Text to put in place of a range of a dtype string's content.
type ContentEdit = (Range<usize>, &'static str);

/// What NumPy 1.x read in a dtype string that NumPy 2 reads otherwise: the edits (within the
/// content) that make it read the same on both, and why.
fn respell(content: &str) -> Option<(Vec<ContentEdit>, &'static str)> {
    let parts: Vec<(usize, &str)> = dtype_slots::parts(content).collect();
    let mut edits = Vec::new();
    let mut why = None;
    for (offset, part) in &parts {
        let Some(parsed) = dtype_slots::parse_part(part) else {
            continue;
        };
        let repeats = &part[parsed.repeats.clone()];
        let at = offset + parsed.repeats.start..offset + parsed.repeats.end;
        let digits = repeats.trim_matches(['(', ')', ' ']);
        let single = !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit());
        // Without a comma, every NumPy rejects a shape in parentheses (`"(2)i4"`).
        let parenthesized = repeats.starts_with('(');
        if parenthesized && parts.len() == 1 {
            continue;
        }
        if single && digits == "1" {
            edits.push((at, ""));
            why.get_or_insert(
                "A repeat count of 1 in a dtype string meant no shape before NumPy 2.0 (a FutureWarning since 1.17); NumPy 2 makes a subarray of shape (1,)",
            );
        } else if single && parenthesized {
            edits.push((at.end - 1..at.end - 1, ","));
            why.get_or_insert(
                "A single number in parentheses as the shape in a dtype string was deprecated in NumPy 2.0",
            );
        }
    }
    // One type and a trailing comma: NumPy 1.x ignored the comma.
    if let [(_, field), (last, rest)] = parts[..]
        && rest.trim().is_empty()
        && dtype_slots::parse_part(field).is_some()
    {
        edits.push((field.trim_end().len()..last + rest.len(), ""));
        why = Some(
            "A dtype string of one type and a trailing comma is a structured dtype with one field since NumPy 2.0; NumPy 1.x ignored the comma",
        );
    }
    why.map(|why| (edits, why))
}

fn check_string(checker: &mut Checker, string: &ast::ExprStringLiteral) {
    let value = string.value.to_str();
    let Some((edits, why)) = respell(value) else {
        return;
    };
    let Some(content) = dtype_slots::plain_content(checker, string) else {
        return;
    };
    let mut fixed = value.to_string();
    for (range, text) in edits.iter().rev() {
        fixed.replace_range(range.clone(), text);
    }
    let offset = |at: usize| content.start() + TextSize::try_from(at).expect("a short string");
    let edits = edits.into_iter().map(|(range, text)| {
        Edit::replace(TextRange::new(offset(range.start), offset(range.end)), text)
    });
    let diagnostic = Diagnostic::new(CODE, why, string.range())
        .with_fix(Fix::new(edits.collect()))
        .with_help(format!("Use `\"{fixed}\"`, read the same on every NumPy"));
    checker.report(diagnostic);
}

/// `(base, 1)`: NumPy 1.x read it as `base`.
fn check_subarray<'a>(checker: &mut Checker<'a>, tuple: &'a ast::ExprTuple) {
    if !is_one(&tuple.elts[1]) || !has_size(checker, &tuple.elts[0]) {
        return;
    }
    let base = checker.source().slice(tuple.elts[0].range());
    let diagnostic = Diagnostic::new(CODE, SHAPE_ONE, tuple.range())
        .with_fix(Fix::edit(Edit::replace(tuple.range(), base)))
        .with_help(format!("Use `{base}`, read the same on every NumPy"));
    checker.report(diagnostic);
}

/// `(name, spec, 1)`: NumPy 1.x read it as `(name, spec)`.
fn check_field<'a>(checker: &mut Checker<'a>, field: &'a ast::ExprTuple) {
    let [_, spec, shape] = &field.elts[..] else {
        return;
    };
    if !is_one(shape) || !has_size(checker, spec) {
        return;
    }
    let diagnostic = Diagnostic::new(CODE, SHAPE_ONE, field.range())
        .with_fix(Fix::edit(Edit::delete(TextRange::new(
            spec.end(),
            shape.end(),
        ))))
        .with_help("Leave the shape out, as NumPy 1.x read it");
    checker.report(diagnostic);
}

/// Whether `base` is provably a dtype with a size, so that an integer after it is a shape:
/// after a bytes, str or void type without one (`(np.str_, 1)`, `("U", 1)`), every NumPy
/// reads the integer as the size.
fn has_size<'a>(checker: &Checker<'a>, base: &'a Expr) -> bool {
    const FLEXIBLE: &[&str] = &["U", "S", "V", "a", "c", "str", "bytes", "unicode", "void"];
    match base {
        Expr::StringLiteral(string) => {
            let text = string.value.to_str();
            dtype_slots::parse_part(text).is_some_and(|part| {
                let name = &text[part.name];
                let letters = name.trim_end_matches(|c: char| c.is_ascii_digit());
                let size = &name[letters.len()..];
                !(FLEXIBLE.contains(&letters) && matches!(size, "" | "0"))
            })
        }
        Expr::Name(name) if checker.model().is_builtin_visible(&name.id) => {
            matches!(
                name.id.as_str(),
                "int" | "float" | "complex" | "bool" | "object"
            )
        }
        _ => checker.qualified_name(base).is_some_and(|name| {
            name.strip_prefix("numpy.").is_some_and(|name| {
                !matches!(
                    name,
                    "str_"
                        | "bytes_"
                        | "void"
                        | "unicode_"
                        | "string_"
                        | "character"
                        | "flexible"
                        | "generic"
                )
            })
        }),
    }
}

const SHAPE_ONE: &str = "A dtype shape of 1 meant no shape before NumPy 2.0 (a FutureWarning since 1.17); NumPy 2 makes a subarray of shape (1,)";

/// `np.dtype(spec, align)` with an integer `align`: NumPy 1.x read its truth value.
fn check_align(checker: &mut Checker, align: &Expr) {
    let Some(value) = int_value(align) else {
        return;
    };
    let truth = if value == 0 { "False" } else { "True" };
    let diagnostic = Diagnostic::new(
        CODE,
        "`align` of `np.dtype` as an integer is deprecated since NumPy 2.4 (a VisibleDeprecationWarning)",
        align.range(),
    )
    .with_fix(Fix::edit(Edit::replace(align.range(), truth)))
    .with_help(format!(
        "Use `{truth}`, as NumPy 1.x read it (a subarray is `np.dtype((spec, shape))`)"
    ));
    checker.report(diagnostic);
}

fn int_value(expr: &Expr) -> Option<u64> {
    match expr {
        Expr::NumberLiteral(ast::ExprNumberLiteral {
            value: ast::Number::Int(int),
            ..
        }) => int.as_u64(),
        _ => None,
    }
}

fn is_one(expr: &Expr) -> bool {
    int_value(expr) == Some(1)
}

/// Whether `text`, an argument's source, may be a spec with a respelled string or a shape
/// of 1.
fn may_hold_spelling(text: &str) -> bool {
    let shape_one = text.match_indices('1').any(|(at, _)| {
        let before = text[..at].trim_end();
        let after = text[at + 1..].trim_start();
        before.ends_with(',') && after.starts_with(')')
    });
    shape_one
        || (dtype_slots::may_be_spec(text)
            && dtype_slots::string_contents(text).any(|content| respell(content).is_some()))
}

/// Whether `text` is an integer literal (not `True` or `False`).
fn is_int_text(text: &str) -> bool {
    let text = text.trim_matches(|c: char| c.is_whitespace() || c == '(' || c == ')' || c == '\\');
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit() || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn respells_as_numpy_1_read() {
        let fixed = |content: &str| {
            respell(content).map(|(edits, _)| {
                let mut fixed = content.to_string();
                for (range, text) in edits.iter().rev() {
                    fixed.replace_range(range.clone(), text);
                }
                fixed
            })
        };
        assert_eq!(fixed("i4,").as_deref(), Some("i4"));
        assert_eq!(fixed("<f8 , ").as_deref(), Some("<f8"));
        assert_eq!(fixed("(2)i4,").as_deref(), Some("(2,)i4"));
        assert_eq!(fixed("(2)i4,f8").as_deref(), Some("(2,)i4,f8"));
        assert_eq!(fixed("1i4,").as_deref(), Some("i4"));
        assert_eq!(fixed("i4,(1)f8").as_deref(), Some("i4,f8"));
        assert_eq!(fixed("1i4").as_deref(), Some("i4"));
        assert_eq!(fixed("2i4,").as_deref(), Some("2i4"));
        assert_eq!(fixed("i4,f8,"), None);
        assert_eq!(fixed("(2,)i4,f8"), None);
        assert_eq!(fixed("(2)i4"), None);
        assert_eq!(fixed("(1)i4"), None);
        assert_eq!(fixed("i4"), None);
        assert_eq!(fixed("10i4"), None);
        assert!(is_int_text(" 3"));
        assert!(!is_int_text("True"));
        assert!(may_hold_spelling("('f8', 1)"));
        assert!(!may_hold_spelling("('f8', 2)"));
        assert!(may_hold_spelling("(np.float64, 1)"));
    }
}
