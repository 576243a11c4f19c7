use migrate_engine::ast::{self as ast, Expr};
use migrate_engine::checker::{Checker, Rule};
use migrate_engine::diagnostic::Diagnostic;
use migrate_engine::edit::{Edit, Fix};
use std::sync::LazyLock;

use migrate_engine::prefilter::{Anchor, Atom, Inside, Triggers, is_identifier_byte, word_starts};
use migrate_engine::text_size::Ranged;

use crate::values::{self, IntType};

/// ## What it does
/// Finds Python integer literals that do not fit the fixed-width integer dtype they are
/// converted to: `np.uint8(-1)`, `np.int8(300)`, `np.array([1, 300], dtype=np.int8)`,
/// `np.full(3, -1, dtype="u1")`. The dtype may be a NumPy type, a string (`"int8"`, `"<i2"`,
/// `"u1"`) or `np.dtype(...)` of either.
///
/// ## Why is this bad?
/// NumPy 1.x stored the value's two's complement cut to the dtype's width (`np.uint8(-1)` is
/// 255), with a `DeprecationWarning` since 1.24. Under NEP 50, NumPy 2.0 raises
/// `OverflowError: Python integer -1 out of bounds for uint8`.
///
/// ## Example
/// ```python
/// mask = np.uint8(-1)
/// table = np.array([0, 300], dtype=np.int8)
/// ```
///
/// Use instead:
/// ```python
/// mask = np.uint8(255)
/// table = np.array([0, 44], dtype=np.int8)
/// ```
///
/// ## Fix
/// Each out-of-bounds literal becomes the value NumPy 1.x stored, so the result is the same
/// on every NumPy. Where an element of the array is not a literal, the finding is reported:
/// `np.array(value).astype(dtype)` converts with the old wrapping on NumPy 2.
pub struct IntOutOfBounds;

pub const CODE: &str = "NP231";

/// The constructors whose first argument is the data and whose dtype is `dtype=` or the
/// second argument.
const ARRAY_CONSTRUCTORS: &[&str] = &["numpy.array", "numpy.asarray", "numpy.asanyarray"];
/// The constructors whose second argument is a fill value and whose dtype is `dtype=` or the
/// third argument.
const FILLED: &[&str] = &["numpy.full", "numpy.full_like"];

impl Rule for IntOutOfBounds {
    fn code(&self) -> &'static str {
        CODE
    }

    fn triggers(&self) -> Option<Triggers> {
        let arrays: Vec<String> = ARRAY_CONSTRUCTORS
            .iter()
            .chain(FILLED)
            .map(ToString::to_string)
            .collect();
        // A literal out of the bounds of a signed type is above 127 (or below -128); of an
        // unsigned one, also negative.
        Some(Triggers::any(vec![
            Atom::Within(
                Anchor::Call(values::int_type_names_signed(true).collect()),
                Inside::Check(may_hold_large_magnitude),
            ),
            Atom::Within(
                Anchor::Call(values::int_type_names_signed(false).collect()),
                Inside::Check(may_hold_large_int),
            ),
            Atom::Within(
                Anchor::Call(arrays),
                Inside::Check(may_hold_large_int_and_int_dtype),
            ),
        ]))
    }

    fn expr<'a>(&self, checker: &mut Checker<'a>, expr: &'a Expr) {
        let Expr::Call(call) = expr else {
            return;
        };
        let Some(function) = checker.qualified_name(&call.func) else {
            return;
        };
        let arguments = &call.arguments;
        let (data, dtype) = if let Some(int) = values::int_type(&function) {
            match (&arguments.args[..], arguments.keywords.is_empty()) {
                ([value], true) => (value, int),
                _ => return,
            }
        } else {
            let (data, dtype) = if ARRAY_CONSTRUCTORS.contains(&function.as_str()) {
                (
                    arguments.find_positional(0),
                    arguments.find_argument_value("dtype", 1),
                )
            } else if FILLED.contains(&function.as_str()) {
                (
                    arguments.find_argument_value("fill_value", 1),
                    arguments.find_argument_value("dtype", 2),
                )
            } else {
                return;
            };
            let (Some(data), Some(dtype)) =
                (data, dtype.and_then(|d| values::int_dtype(checker, d)))
            else {
                return;
            };
            (data, dtype)
        };
        let mut out_of_bounds = Vec::new();
        // Beyond 64 bits NumPy 1.x raised too (or wrapped in some functions only): no change.
        let all_literal = leaves(data, &mut |leaf| match values::int_literal(leaf) {
            Some(value) if dtype.wrap(value).is_some() => {
                if !dtype.contains(value) {
                    out_of_bounds.push((leaf, value));
                }
                true
            }
            _ => false,
        });
        let Some(&(first, value)) = out_of_bounds.first() else {
            return;
        };
        let message = format!(
            "`{value}` is out of bounds for `{}`: NumPy 2 raises `OverflowError` (NEP 50; deprecated in NumPy 1.24)",
            dtype.name()
        );
        let diagnostic = Diagnostic::new(CODE, message, first.range());
        let edits: Option<Vec<Edit>> = all_literal
            .then(|| {
                out_of_bounds
                    .iter()
                    .map(|(leaf, value)| {
                        dtype
                            .wrap(*value)
                            .map(|wrapped| Edit::replace(leaf.range(), wrapped.to_string()))
                    })
                    .collect()
            })
            .flatten();
        checker.report(match edits {
            Some(edits) => diagnostic.with_fix(Fix::new(edits)).with_help(format!(
                "Write the value NumPy 1.x stored: {}",
                stored(&out_of_bounds, dtype)
            )),
            None => diagnostic.with_help(format!(
                "Write a value that fits `{0}`, or convert with the old wrapping: `np.array({value}).astype(np.{0})`",
                dtype.name(),
            )),
        });
    }
}

/// `300 -> 44, -1 -> 255`.
fn stored(out_of_bounds: &[(&Expr, i128)], dtype: IntType) -> String {
    out_of_bounds
        .iter()
        .filter_map(|(_, value)| Some(format!("`{value}` -> `{}`", dtype.wrap(*value)?)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Calls `each` on the values of nested list and tuple displays (or on `expr` itself);
/// whether `each` accepted them all.
fn leaves<'a>(expr: &'a Expr, each: &mut impl FnMut(&'a Expr) -> bool) -> bool {
    let elements = match expr {
        Expr::List(ast::ExprList { elts, .. }) | Expr::Tuple(ast::ExprTuple { elts, .. }) => elts,
        other => return each(other),
    };
    let mut all = true;
    for element in elements {
        all &= leaves(element, each);
    }
    all
}

/// Whether a constructor's `arguments` may hold an int literal out of the bounds of an
/// integer dtype they name: above 127 for any, negative for an unsigned one.
fn may_hold_large_int_and_int_dtype(arguments: &str) -> bool {
    static SIGNED: LazyLock<Vec<String>> = LazyLock::new(|| values::int_dtype_words_signed(true));
    static UNSIGNED: LazyLock<Vec<String>> =
        LazyLock::new(|| values::int_dtype_words_signed(false));
    let names = |words: &[String]| {
        words
            .iter()
            .any(|word| word_starts(arguments, word).next().is_some())
    };
    // The one pass over the literals first: it rules out most calls.
    if !may_hold_large_int(arguments) {
        return false;
    }
    names(&UNSIGNED) || names(&SIGNED) && may_hold_large_magnitude(arguments)
}

/// Whether `arguments` may hold an int literal above 127 (so, below -128 with a `-`).
fn may_hold_large_magnitude(arguments: &str) -> bool {
    may_hold_int(arguments, false)
}

/// Whether `arguments` may hold an int literal out of the bounds of some fixed-width type:
/// one after a `-`, one above 127, or one in hex, octal or binary.
fn may_hold_large_int(arguments: &str) -> bool {
    may_hold_int(arguments, true)
}

/// Whether `arguments` may hold an int literal above 127, in hex, octal or binary, or (where
/// `negative` counts) after a `-`.
fn may_hold_int(arguments: &str, negative: bool) -> bool {
    let bytes = arguments.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        if !bytes[at].is_ascii_digit()
            || at > 0 && (is_identifier_byte(bytes[at - 1]) || bytes[at - 1] == b'.')
        {
            at += 1;
            continue;
        }
        let end = bytes[at..]
            .iter()
            .position(|b| !is_identifier_byte(*b))
            .map_or(bytes.len(), |n| at + n);
        let literal = &arguments[at..end];
        let before = arguments[..at].trim_end();
        let value: String = literal.chars().filter(|c| *c != '_').collect();
        if negative && before.ends_with('-')
            || literal.starts_with("0x")
            || literal.starts_with("0X")
            || literal.starts_with("0o")
            || literal.starts_with("0O")
            || literal.starts_with("0b")
            || literal.starts_with("0B")
            || value
                .parse::<u128>()
                .map_or(value.len() > 3, |value| value > 127)
        {
            return true;
        }
        at = end;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_out_of_some_bounds() {
        assert!(may_hold_large_int("-1"));
        assert!(may_hold_large_int("0xFF"));
        assert!(!may_hold_large_int("x.y1, 127"));
        assert!(may_hold_large_magnitude("- 300"));
        assert!(!may_hold_large_magnitude("-1"));
        // An unsigned dtype makes a negative literal count; a signed one does not.
        assert!(may_hold_large_int_and_int_dtype("[-1, 2], dtype=np.uint8"));
        assert!(may_hold_large_int_and_int_dtype("[-1], 'u1'"));
        assert!(!may_hold_large_int_and_int_dtype("[-1, 2], dtype=np.int64"));
        assert!(may_hold_large_int_and_int_dtype("[1000], dtype='i1'"));
        assert!(!may_hold_large_int_and_int_dtype("[1000], dtype=float"));
    }
}
