use migrate_engine::ast::{self as ast, Expr};
use migrate_engine::checker::{Checker, Rule};
use migrate_engine::diagnostic::Diagnostic;
use migrate_engine::edit::{Edit, Fix};
use migrate_engine::prefilter::Triggers;
use migrate_engine::text_size::{Ranged, TextRange, TextSize};

use std::ops::Range;

use crate::dtype_slots::{self, Piece};
use crate::naming;
use crate::table::{DtypeStringRow, tables};

/// ## What it does
/// Finds dtype aliases spelled as strings that NumPy 2 removed or deprecated: every key of
/// NumPy 1.26's `np.sctypeDict` that 2.x rejects (`"float_"`, `"complex_"`, `"longfloat"`,
/// `"singlecomplex"`, `"cfloat"`, `"longcomplex"`, `"clongfloat"`, `"string_"`,
/// `"unicode_"`, `"int0"`, `"uint0"`, `"bool8"`, `"object0"`, `"str0"`, `"bytes0"`,
/// `"void0"`) and the bytes code `"a"` (also sized, `"a10"`), where a dtype is expected:
/// `dtype=...`, `np.dtype(...)`, `.astype(...)`, `.view(...)`, the dtype argument of
/// NumPy's functions, and inside structured specs (`"i4,a8"`, `[("name", "a10")]`,
/// `("a4", (2,))`, `{"formats": [...]}`).
///
/// ## Why is this bad?
/// NumPy 2.0 raises `TypeError` for the removed names and deprecates `"a"` (removed in
/// 2.5).
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

impl Rule for DtypeAlias {
    fn code(&self) -> &'static str {
        CODE
    }

    fn noqa_aliases(&self) -> &'static [&'static str] {
        &["NPY201"]
    }

    fn triggers(&self) -> Option<Triggers> {
        // An alias in a string where a dtype is expected.
        Some(Triggers::any(dtype_slots::triggers(may_hold_alias, true)))
    }

    fn expr<'a>(&self, checker: &mut Checker<'a>, expr: &'a Expr) {
        let Expr::Call(call) = expr else {
            return;
        };
        for (spec, _) in dtype_slots::slots(checker, call) {
            dtype_slots::walk(spec, &mut |piece| {
                if let Piece::String(string) = piece {
                    check_string(checker, string);
                }
            });
        }
    }
}

fn check_string(checker: &mut Checker, string: &ast::ExprStringLiteral) {
    let value = string.value.to_str();
    let whole = !value.contains(',');
    let diagnostics: Vec<_> = dtype_slots::parts(value)
        .filter_map(|(offset, part)| {
            alias_in(part, whole).map(|(range, row)| (offset + range.start, row))
        })
        .collect();
    if diagnostics.is_empty() {
        return;
    }
    let Some(content) = dtype_slots::plain_content(checker, string) else {
        return;
    };
    for (start, row) in diagnostics {
        let message = format!(
            "The dtype alias `\"{}\"` {}",
            row.old,
            naming::lifecycle(row.deprecated, row.removed)
        );
        let start = content.start() + TextSize::try_from(start).expect("a short string");
        let range = TextRange::at(start, TextSize::of(row.old.as_str()));
        let diagnostic = Diagnostic::new(CODE, message, string.range())
            .with_fix(Fix::edit(Edit::replace(range, row.new.clone())))
            .with_help(format!("Use `\"{}\"`", row.new));
        checker.report(diagnostic);
    }
}

/// Whether `text`, an argument's source, may be a spec with an alias in a string.
fn may_hold_alias(text: &str) -> bool {
    dtype_slots::may_be_spec(text) && has_alias_string(text)
}

/// Whether `text` may hold a string that [`check_string`] reports.
fn has_alias_string(text: &str) -> bool {
    dtype_slots::string_contents(text).any(|content| {
        let whole = !content.contains(',');
        dtype_slots::parts(content).any(|(_, part)| alias_in(part, whole).is_some())
    })
}

/// The alias in one comma-separated part of a dtype string (`"<a10"`, `"2int0"`), with
/// its position in the part; `whole` when the part is the whole string.
fn alias_in(part: &str, whole: bool) -> Option<(Range<usize>, &'static DtypeStringRow)> {
    let rows = &tables().dtype_strings;
    // NumPy reads a name with `_` (`"float_"`) only as the whole string: the comma-string
    // parser stops at the `_`.
    if whole && let Some(row) = rows.iter().find(|row| row.old == part) {
        return Some((0..part.len(), row));
    }
    let name = dtype_slots::parse_part(part)?.name;
    rows.iter().find_map(|row| {
        let rest = part[name.clone()].strip_prefix(row.old.as_str())?;
        // A one-letter code may carry a size (`a10`); a named alias stands alone.
        let sized = row.old.len() == 1 && rest.bytes().all(|b| b.is_ascii_digit());
        (rest.is_empty() || sized).then(|| (name.start..name.start + row.old.len(), row))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_aliases_in_dtype_strings() {
        let found =
            |part: &str| alias_in(part, false).map(|(range, row)| (range, row.new.as_str()));
        assert_eq!(found("int0"), Some((0..4, "intp")));
        assert_eq!(found("<a10"), Some((1..2, "S")));
        assert_eq!(found(" a"), Some((1..2, "S")));
        assert_eq!(found("int04"), None);
        assert_eq!(found("abc"), None);
        assert_eq!(found("f8"), None);
        assert_eq!(found("2a3"), Some((1..2, "S")));
        assert_eq!(found("(2,)int0"), Some((4..8, "intp")));
        assert_eq!(found("float_"), None);
        assert_eq!(alias_in("float_", true).map(|(range, _)| range), Some(0..6));
    }
}
