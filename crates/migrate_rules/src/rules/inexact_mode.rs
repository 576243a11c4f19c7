use migrate_engine::ast::{self as ast, Expr};
use migrate_engine::checker::{Checker, Rule};
use migrate_engine::diagnostic::Diagnostic;
use migrate_engine::edit::{Edit, Fix};
use migrate_engine::prefilter::{Anchor, Atom, Inside, Triggers};
use migrate_engine::text_size::Ranged;

use crate::naming;

/// ## What it does
/// Finds `side=` and `mode=` strings that NumPy 1.x matched inexactly (by their first
/// letter, in any case): `np.searchsorted(a, v, side="l")`, `np.take(a, i, mode="c")`,
/// `np.convolve(a, v, mode="Same")`, ...
///
/// ## Why is this bad?
/// Inexact matches were deprecated in NumPy 1.20 and raise `ValueError` from NumPy 2.3.
///
/// ## Example
/// ```python
/// i = np.searchsorted(edges, x, side="R")
/// ```
///
/// Use instead:
/// ```python
/// i = np.searchsorted(edges, x, side="right")
/// ```
///
/// ## Fix
/// The string becomes the full name its first letter chose on NumPy 1.x, which every version
/// accepts. Only strings the source spells byte for byte are fixed (no escapes, one part).
pub struct InexactMode;

pub const CODE: &str = "NP217";

const SIDES: &[&str] = &["left", "right"];
const CLIP_MODES: &[&str] = &["clip", "raise", "wrap"];
const CONVOLVE_MODES: &[&str] = &["valid", "same", "full"];

/// Each function, the argument (keyword and position) and the names it accepts.
const ARGUMENTS: &[(&str, &str, usize, &[&str])] = &[
    ("numpy.searchsorted", "side", 2, SIDES),
    ("numpy.take", "mode", 4, CLIP_MODES),
    ("numpy.ma.take", "mode", 4, CLIP_MODES),
    ("numpy.put", "mode", 3, CLIP_MODES),
    ("numpy.choose", "mode", 3, CLIP_MODES),
    ("numpy.ravel_multi_index", "mode", 2, CLIP_MODES),
    ("numpy.correlate", "mode", 2, CONVOLVE_MODES),
    ("numpy.convolve", "mode", 2, CONVOLVE_MODES),
];

impl Rule for InexactMode {
    fn code(&self) -> &'static str {
        CODE
    }

    fn triggers(&self) -> Option<Triggers> {
        let functions = ARGUMENTS
            .iter()
            .map(|(function, ..)| (*function).to_string())
            .collect();
        Some(Triggers::any(vec![Atom::Within(
            Anchor::Call(functions),
            Inside::Check(may_hold_inexact_name),
        )]))
    }

    fn expr<'a>(&self, checker: &mut Checker<'a>, expr: &'a Expr) {
        let Expr::Call(call) = expr else {
            return;
        };
        let Some(function) = checker.qualified_name(&call.func) else {
            return;
        };
        let Some((_, keyword, position, names)) = ARGUMENTS
            .iter()
            .find(|(name, ..)| *name == function.as_str())
        else {
            return;
        };
        let value = call
            .arguments
            .find_keyword(keyword)
            .map(|keyword| &keyword.value)
            .or_else(|| call.arguments.find_positional(*position));
        let Some(Expr::StringLiteral(string)) = value else {
            return;
        };
        let text = string.value.to_str();
        let Some(full) = names.iter().find(|name| {
            text.chars()
                .next()
                .is_some_and(|first| name.starts_with(first.to_ascii_lowercase()))
        }) else {
            return;
        };
        if text == *full {
            return;
        }
        let message = format!(
            "`{keyword}=\"{text}\"` of `{}` matches `\"{full}\"` inexactly: deprecated in NumPy 1.20, an error from NumPy 2.3",
            naming::display(&function)
        );
        let diagnostic = Diagnostic::new(CODE, message, string.range());
        // Only a string the source spells byte for byte (no escapes, one part).
        let content = string
            .as_single_part_string()
            .map(ast::StringLiteral::content_range)
            .filter(|range| checker.source().slice(*range) == text);
        checker.report(match content {
            Some(range) => diagnostic
                .with_fix(Fix::edit(Edit::replace(range, *full)))
                .with_help(format!("Use `\"{full}\"`, what NumPy 1.x took it for")),
            None => diagnostic.with_help(format!("Use `\"{full}\"`")),
        });
    }
}

/// Whether call arguments may hold a string NumPy matched inexactly: a string literal that
/// starts as one of the names does and is not that name (`"l"`, `"Same"`; not `"left"`).
/// A string the scan cannot read whole (an escape, a line break) may be one.
fn may_hold_inexact_name(arguments: &str) -> bool {
    let names = || [SIDES, CLIP_MODES, CONVOLVE_MODES].into_iter().flatten();
    let mut rest = arguments;
    while let Some(start) = rest.find(['"', '\'']) {
        let quote = rest.as_bytes()[start];
        let after = &rest[start + 1..];
        let Some(end) = after.find([char::from(quote), '\\', '\n']) else {
            return true;
        };
        if after.as_bytes()[end] != quote {
            return true;
        }
        let text = &after[..end];
        let inexact =
            text.chars().next().is_some_and(|first| {
                names().any(|name| name.starts_with(first.to_ascii_lowercase()))
            }) && !names().any(|name| *name == text);
        if inexact {
            return true;
        }
        rest = &after[end + 1..];
    }
    false
}

#[cfg(test)]
mod tests {
    use super::may_hold_inexact_name;

    #[test]
    fn only_strings_that_are_no_full_name_may_matter() {
        assert!(!may_hold_inexact_name("x, w, mode=\"same\""));
        assert!(!may_hold_inexact_name("a, v, side='right', sorter=None"));
        assert!(!may_hold_inexact_name("a, idx, axis=0"));
        assert!(!may_hold_inexact_name("a, v, side=\"\""));
        assert!(may_hold_inexact_name("a, v, side=\"l\""));
        assert!(may_hold_inexact_name("x, w, 'Same'"));
        assert!(may_hold_inexact_name("a, i, mode='c' if x else 'raise'"));
        // Unreadable: an escape, a string running past the line.
        assert!(may_hold_inexact_name("a, v, side=\"\\x6c\""));
        assert!(may_hold_inexact_name("a, v  # don't\n, side=s"));
    }
}
