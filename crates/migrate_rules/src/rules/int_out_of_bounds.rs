use migrate_engine::ast::{self as ast, Expr};
use migrate_engine::checker::{Checker, Rule};
use migrate_engine::diagnostic::Diagnostic;
use migrate_engine::edit::{Edit, Fix};
use std::sync::LazyLock;

use migrate_engine::prefilter::{Anchor, Atom, Inside, Triggers, is_identifier_byte, word_starts};
use migrate_engine::text_size::Ranged;

use crate::triggers;
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
        // A call of each width's types, with a literal out of that width's bounds.
        let scalars = values::INT_WIDTHS.iter().map(|&int| {
            let names = values::int_type_names()
                .filter(|name| values::int_type(name) == Some(int))
                .collect();
            Atom::Within(Anchor::Call(names), Inside::Check(out_of_bounds_check(int)))
        });
        Some(Triggers::any(
            scalars
                .chain([Atom::Within(
                    Anchor::Call(arrays),
                    Inside::Check(may_hold_int_out_of_a_named_dtype),
                )])
                .collect(),
        ))
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
/// integer dtype they name (`[300], dtype=np.int8`, `[-1], "u1"`).
fn may_hold_int_out_of_a_named_dtype(arguments: &str) -> bool {
    static WORDS: LazyLock<Vec<(String, IntType)>> = LazyLock::new(values::int_dtype_words);
    // The one pass over the literals first (every type holds 0..=127): it rules out most
    // calls.
    if !int_literals(arguments).any(|value| value.is_none_or(|value| !(0..=127).contains(&value))) {
        return false;
    }
    let named: Vec<IntType> = WORDS
        .iter()
        .filter(|(word, _)| word_starts(arguments, word).next().is_some())
        .map(|(_, int)| *int)
        .collect();
    !named.is_empty() && may_hold_int_out_of(arguments, &named)
}

/// Whether `arguments` may hold an int literal out of the bounds of one of `types`.
fn may_hold_int_out_of(arguments: &str, types: &[IntType]) -> bool {
    int_literals(arguments)
        .any(|value| value.is_none_or(|value| types.iter().any(|int| !int.contains(value))))
}

/// The check for a call of a type of `int`'s width (a plain function, as triggers take).
fn out_of_bounds_check(int: IntType) -> fn(&str) -> bool {
    fn check<const BITS: u32, const SIGNED: bool>(arguments: &str) -> bool {
        may_hold_int_out_of(
            arguments,
            &[IntType {
                bits: BITS,
                signed: SIGNED,
            }],
        )
    }
    match (int.bits, int.signed) {
        (8, true) => check::<8, true>,
        (16, true) => check::<16, true>,
        (32, true) => check::<32, true>,
        (8, false) => check::<8, false>,
        (16, false) => check::<16, false>,
        (32, false) => check::<32, false>,
        (_, true) => check::<64, true>,
        (_, false) => check::<64, false>,
    }
}

/// The int literals of `arguments` with their sign (a `-` before them, maybe before an
/// opening parenthesis, makes them negative); `None` for one the scan cannot value (too long,
/// or with letters it does not know).
fn int_literals(arguments: &str) -> impl Iterator<Item = Option<i128>> + '_ {
    let bytes = arguments.as_bytes();
    let mut at = 0;
    std::iter::from_fn(move || {
        while at < bytes.len() {
            if !bytes[at].is_ascii_digit()
                || at > 0 && (is_identifier_byte(bytes[at - 1]) || bytes[at - 1] == b'.')
            {
                at += 1;
                continue;
            }
            let start = at;
            at = triggers::identifier_end(bytes, start);
            let literal: String = arguments[start..at].chars().filter(|c| *c != '_').collect();
            let (digits, radix) = match literal.get(..2).map(str::to_ascii_lowercase).as_deref() {
                Some("0x") => (&literal[2..], 16),
                Some("0o") => (&literal[2..], 8),
                Some("0b") => (&literal[2..], 2),
                _ => (literal.as_str(), 10),
            };
            let value = match i128::from_str_radix(digits, radix) {
                Ok(value) => value,
                // `1e3`, `2j`, `1.` are no ints (`1` of `1.5` is read as one, harmlessly).
                Err(_) if radix == 10 && literal.len() <= 3 => continue,
                Err(_) => return Some(None),
            };
            let before =
                arguments[..start].trim_end_matches(|c: char| c.is_whitespace() || c == '(');
            return Some(Some(if before.ends_with('-') { -value } else { value }));
        }
        None
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_out_of_the_bounds_of_the_type_named() {
        let int8 = out_of_bounds_check(IntType {
            bits: 8,
            signed: true,
        });
        let uint8 = out_of_bounds_check(IntType {
            bits: 8,
            signed: false,
        });
        let int32 = out_of_bounds_check(IntType {
            bits: 32,
            signed: true,
        });
        assert!(uint8("-1") && uint8("- (1)") && uint8("256") && uint8("0x1FF"));
        assert!(!uint8("255") && !uint8("0xFF") && !uint8("x.y1, 1_0"));
        assert!(int8("128") && int8("-129") && !int8("-128") && !int8("-(128)"));
        assert!(!int32("300") && int32("2_147_483_648") && int32("9".repeat(50).as_str()));
        // Floats and complex numbers are no ints.
        assert!(!int8("1e3, 2j, 1.5"));
        // The dtype a constructor names decides.
        assert!(may_hold_int_out_of_a_named_dtype("[-1, 2], dtype=np.uint8"));
        assert!(may_hold_int_out_of_a_named_dtype("[-1], 'u1'"));
        assert!(may_hold_int_out_of_a_named_dtype("[1000], dtype='<i2, i1'"));
        assert!(!may_hold_int_out_of_a_named_dtype(
            "[-1, 2], dtype=np.int64"
        ));
        assert!(!may_hold_int_out_of_a_named_dtype(
            "[-128, 127], dtype=np.int8"
        ));
        assert!(!may_hold_int_out_of_a_named_dtype(
            "[[127, 255, 0]], dtype=np.uint8"
        ));
        assert!(!may_hold_int_out_of_a_named_dtype("[1000], dtype=float"));
    }
}
