//! Values the source spells out, for the rules about values NumPy 2 treats differently:
//! integer and float literals, and integer dtypes named by type or by string.

use migrate_engine::ast::{self as ast, Expr, Number, UnaryOp};
use migrate_engine::checker::Checker;
use migrate_engine::text_size::Ranged;

/// The value of an integer literal, maybe signed (`300`, `-1`, `+0x1F`); not `True`.
pub fn int_literal(expr: &Expr) -> Option<i128> {
    match expr {
        Expr::NumberLiteral(ast::ExprNumberLiteral {
            value: Number::Int(int),
            ..
        }) => int.as_u64().map(i128::from),
        Expr::UnaryOp(unary) => {
            let value = int_literal(&unary.operand)?;
            match unary.op {
                UnaryOp::USub => Some(-value),
                UnaryOp::UAdd => Some(value),
                _ => None,
            }
        }
        _ => None,
    }
}

/// A float literal whose value is a whole number (`3.0`, `-1.`, `2e1`), as an integer.
pub fn whole_float_literal(expr: &Expr) -> Option<i64> {
    match expr {
        Expr::NumberLiteral(ast::ExprNumberLiteral {
            value: Number::Float(value),
            ..
        }) => {
            // Beyond 2**53 a float no longer tells which integer was meant.
            let exact = value.fract() == 0.0 && value.abs() < 9_007_199_254_740_992.0;
            #[expect(clippy::cast_possible_truncation, reason = "whole and below 2**53")]
            exact.then_some(*value as i64)
        }
        Expr::UnaryOp(unary) => {
            let whole = whole_float_literal(&unary.operand)?;
            match unary.op {
                UnaryOp::USub => Some(-whole),
                UnaryOp::UAdd => Some(whole),
                _ => None,
            }
        }
        _ => None,
    }
}

/// A number literal, maybe signed (`1.5`, `-3`, `+2j`).
pub fn is_signed_number(expr: &Expr) -> bool {
    match expr {
        Expr::NumberLiteral(_) => true,
        Expr::UnaryOp(unary) => {
            matches!(unary.op, UnaryOp::USub | UnaryOp::UAdd) && is_signed_number(&unary.operand)
        }
        _ => false,
    }
}

/// A float literal, maybe signed (`3.0`, `-1e3`).
pub fn is_float_literal(expr: &Expr) -> bool {
    match expr {
        Expr::NumberLiteral(ast::ExprNumberLiteral {
            value: Number::Float(_),
            ..
        }) => true,
        Expr::UnaryOp(unary) => {
            matches!(unary.op, UnaryOp::USub | UnaryOp::UAdd) && is_float_literal(&unary.operand)
        }
        _ => false,
    }
}

/// Whether `expr` is provably a 0-d value: a number or bool literal, a NumPy scalar type or
/// `np.array`/`np.asarray` called on one.
pub fn is_zero_dimensional<'a>(checker: &Checker<'a>, expr: &'a Expr) -> bool {
    match expr {
        Expr::NumberLiteral(_) | Expr::BooleanLiteral(_) => true,
        Expr::UnaryOp(unary) => {
            !matches!(unary.op, UnaryOp::Not) && is_zero_dimensional(checker, &unary.operand)
        }
        Expr::Call(call) => {
            let [argument] = &call.arguments.args[..] else {
                return false;
            };
            call.arguments.keywords.is_empty()
                && matches!(
                    argument,
                    Expr::NumberLiteral(_) | Expr::BooleanLiteral(_) | Expr::UnaryOp(_)
                )
                && is_zero_dimensional(checker, argument)
                && checker.qualified_name(&call.func).is_some_and(|name| {
                    SCALAR_CONSTRUCTORS.contains(&name.as_str()) || int_type(&name).is_some()
                })
        }
        _ => false,
    }
}

/// Calls that make a 0-d value of a number (besides the integer types of [`INT_TYPES`]).
pub const SCALAR_CONSTRUCTORS: &[&str] = &[
    "numpy.array",
    "numpy.asarray",
    "numpy.float16",
    "numpy.float32",
    "numpy.float64",
    "numpy.complex64",
    "numpy.complex128",
    "numpy.bool_",
];

/// The file's name for numpy where `function` (`np.nonzero`) is called: its base, when that
/// is numpy itself. A fix never adds an import: NumPy may be optional in the file.
pub fn numpy_base<'a>(checker: &Checker<'a>, function: &'a Expr) -> Option<&'a str> {
    let Expr::Attribute(attribute) = function else {
        return None;
    };
    (checker.qualified_name(&attribute.value).as_deref() == Some("numpy"))
        .then(|| checker.source().slice(attribute.value.range()))
}

/// A NumPy integer type of fixed width.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IntType {
    pub bits: u32,
    pub signed: bool,
}

impl IntType {
    pub fn name(self) -> String {
        format!("{}int{}", if self.signed { "" } else { "u" }, self.bits)
    }

    pub fn contains(self, value: i128) -> bool {
        let (min, max) = if self.signed {
            (-(1i128 << (self.bits - 1)), (1i128 << (self.bits - 1)) - 1)
        } else {
            (0, (1i128 << self.bits) - 1)
        };
        (min..=max).contains(&value)
    }

    /// What NumPy 1.x stored for a Python int out of bounds: its two's complement, cut to the
    /// type's width. `None` outside the C `long long` range, where 1.x raised or did not wrap
    /// the same way for every function.
    pub fn wrap(self, value: i128) -> Option<i128> {
        if !(i128::from(i64::MIN)..=i128::from(i64::MAX)).contains(&value) {
            return None;
        }
        let modulus = 1i128 << self.bits;
        let low = value.rem_euclid(modulus);
        Some(if self.signed && low >= modulus / 2 {
            low - modulus
        } else {
            low
        })
    }
}

/// The NumPy scalar types that are integers of one width on every platform NumPy supports
/// (not `int_`, `intp`, `long`: their width differs between platforms and versions).
const INT_TYPES: &[(&str, IntType)] = &[
    ("int8", IntType::new(8, true)),
    ("int16", IntType::new(16, true)),
    ("int32", IntType::new(32, true)),
    ("int64", IntType::new(64, true)),
    ("uint8", IntType::new(8, false)),
    ("uint16", IntType::new(16, false)),
    ("uint32", IntType::new(32, false)),
    ("uint64", IntType::new(64, false)),
    ("byte", IntType::new(8, true)),
    ("ubyte", IntType::new(8, false)),
    ("short", IntType::new(16, true)),
    ("ushort", IntType::new(16, false)),
    ("intc", IntType::new(32, true)),
    ("uintc", IntType::new(32, false)),
    ("longlong", IntType::new(64, true)),
    ("ulonglong", IntType::new(64, false)),
];

impl IntType {
    const fn new(bits: u32, signed: bool) -> Self {
        Self { bits, signed }
    }
}

/// The qualified names of [`INT_TYPES`] (`numpy.uint8`), for the rules' triggers.
pub fn int_type_names() -> impl Iterator<Item = String> {
    INT_TYPES.iter().map(|(name, _)| format!("numpy.{name}"))
}

/// Every width of [`INT_TYPES`], signed and unsigned.
pub const INT_WIDTHS: &[IntType] = &[
    IntType::new(8, true),
    IntType::new(16, true),
    IntType::new(32, true),
    IntType::new(64, true),
    IntType::new(8, false),
    IntType::new(16, false),
    IntType::new(32, false),
    IntType::new(64, false),
];

/// The words an integer dtype is spelled with ([`int_dtype`]), with its type, for the
/// rules' triggers.
pub fn int_dtype_words() -> Vec<(String, IntType)> {
    let codes = INT_WIDTHS.iter().map(|int| {
        let kind = if int.signed { 'i' } else { 'u' };
        (format!("{kind}{}", int.bits / 8), *int)
    });
    INT_TYPES
        .iter()
        .map(|(name, int)| ((*name).to_string(), *int))
        .chain(codes)
        .collect()
}

/// The fixed-width integer type `numpy.<name>` names.
pub fn int_type(qualified: &str) -> Option<IntType> {
    let name = qualified.strip_prefix("numpy.")?;
    INT_TYPES
        .iter()
        .find(|(known, _)| *known == name)
        .map(|(_, int)| *int)
}

/// The fixed-width integer dtype `expr` spells: `np.int8`, `"int8"`, `"<i2"`, `"u1"`,
/// `np.dtype("u1")`, `np.dtype(np.uint8)`.
pub fn int_dtype<'a>(checker: &Checker<'a>, expr: &'a Expr) -> Option<IntType> {
    match expr {
        Expr::StringLiteral(string) => dtype_string(string.value.to_str()),
        Expr::Call(call) => {
            if checker.qualified_name(&call.func).as_deref() != Some("numpy.dtype")
                || call.arguments.len() != 1
            {
                return None;
            }
            int_dtype(checker, call.arguments.args.first()?)
        }
        _ => int_type(&checker.qualified_name(expr)?),
    }
}

/// `"int8"`, `"=u4"`, `">i2"`: a fixed-width integer dtype string (a byte order changes how
/// the value is stored, not which values fit).
fn dtype_string(text: &str) -> Option<IntType> {
    let text = text.trim_start_matches(['<', '>', '=', '|']);
    if let Some(int) = INT_TYPES
        .iter()
        .take(8)
        .find(|(name, _)| *name == text)
        .map(|(_, int)| *int)
    {
        return Some(int);
    }
    let signed = match text.as_bytes().first()? {
        b'i' => true,
        b'u' => false,
        _ => return None,
    };
    let bits = match &text[1..] {
        "1" => 8,
        "2" => 16,
        "4" => 32,
        "8" => 64,
        _ => return None,
    };
    Some(IntType::new(bits, signed))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_as_numpy_1_did() {
        let int8 = IntType::new(8, true);
        let uint8 = IntType::new(8, false);
        // Checked against NumPy 1.26: np.int8(v), np.array([v], dtype=np.int8), np.full.
        assert_eq!(int8.wrap(300), Some(44));
        assert_eq!(int8.wrap(-129), Some(127));
        assert_eq!(int8.wrap(1000), Some(-24));
        assert_eq!(uint8.wrap(-1), Some(255));
        assert_eq!(uint8.wrap(-300), Some(212));
        assert_eq!(IntType::new(16, false).wrap(-70000), Some(61072));
        assert_eq!(
            IntType::new(64, false).wrap(-1),
            Some(18_446_744_073_709_551_615)
        );
        assert_eq!(int8.wrap(1 << 63), None);
        assert!(uint8.contains(255) && !uint8.contains(256) && !uint8.contains(-1));
        assert!(int8.contains(-128) && !int8.contains(128));
    }

    #[test]
    fn dtype_strings() {
        assert_eq!(dtype_string("i1"), Some(IntType::new(8, true)));
        assert_eq!(dtype_string(">u2"), Some(IntType::new(16, false)));
        assert_eq!(dtype_string("uint64"), Some(IntType::new(64, false)));
        assert_eq!(dtype_string("int"), None);
        assert_eq!(dtype_string("i"), None);
        assert_eq!(dtype_string("byte"), None);
        assert_eq!(dtype_string("f4"), None);
    }
}
