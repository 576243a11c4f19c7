//! Proving that an expression is a NumPy array (or a NumPy scalar), from what it is built
//! with: `np.zeros(3)`, `np.asarray(x).T`, `a[0]` of such an array, or a name bound only to
//! such values or annotated `np.ndarray` / `npt.NDArray[...]`.

use memchr::memmem;
use migrate_engine::assignments::Assigned;
use migrate_engine::ast::Expr;
use migrate_engine::checker::Checker;

/// NumPy functions that return a plain `ndarray` (not a subclass) or a NumPy scalar.
const ARRAY_FUNCTIONS: &[&str] = &[
    "array",
    "asarray",
    "ascontiguousarray",
    "asfortranarray",
    "zeros",
    "ones",
    "empty",
    "full",
    "zeros_like",
    "ones_like",
    "empty_like",
    "full_like",
    "arange",
    "linspace",
    "logspace",
    "geomspace",
    "eye",
    "identity",
    "diag",
    "fromfunction",
    "fromiter",
    "frombuffer",
    "fromfile",
    "fromstring",
    "loadtxt",
    "genfromtxt",
    "concatenate",
    "stack",
    "vstack",
    "hstack",
    "dstack",
    "column_stack",
    "tile",
    "repeat",
    "sort",
    "argsort",
    "cumsum",
    "cumprod",
    "diff",
    "clip",
    "abs",
    "absolute",
    "sqrt",
    "exp",
    "log",
    "sin",
    "cos",
    "dot",
    "matmul",
    "outer",
    "transpose",
    "reshape",
    "ravel",
    "copy",
    "indices",
    "histogram_bin_edges",
    "ndarray",
];

/// `numpy.random` functions that return arrays.
const RANDOM_FUNCTIONS: &[&str] = &[
    "rand",
    "randn",
    "random",
    "random_sample",
    "uniform",
    "normal",
    "randint",
    "standard_normal",
    "permutation",
    "poisson",
    "exponential",
    "binomial",
    "beta",
    "gamma",
];

/// Methods of an array that return an array (or a NumPy scalar).
const ARRAY_METHODS: &[&str] = &[
    "copy",
    "reshape",
    "astype",
    "ravel",
    "flatten",
    "squeeze",
    "transpose",
    "swapaxes",
    "sum",
    "mean",
    "min",
    "max",
    "cumsum",
    "round",
    "clip",
    "repeat",
    "take",
    "conj",
    "byteswap",
];

/// How deep the proof may look through names and expressions.
const MAX_DEPTH: u32 = 6;

/// Whether `expr` is provably a NumPy array or scalar.
pub fn is_numpy_array<'a>(checker: &Checker<'a>, expr: &'a Expr) -> bool {
    is_array(checker, expr, 0)
}

fn is_array<'a>(checker: &Checker<'a>, expr: &'a Expr, depth: u32) -> bool {
    if depth > MAX_DEPTH {
        return false;
    }
    match expr {
        Expr::Call(call) => {
            if let Some(name) = checker.qualified_name(&call.func) {
                return is_array_function(&name);
            }
            match &*call.func {
                Expr::Attribute(method) => {
                    ARRAY_METHODS.contains(&method.attr.as_str())
                        && is_array(checker, &method.value, depth + 1)
                }
                _ => false,
            }
        }
        Expr::Attribute(attribute) => {
            attribute.attr.as_str() == "T" && is_array(checker, &attribute.value, depth + 1)
        }
        Expr::Subscript(subscript) => is_array(checker, &subscript.value, depth + 1),
        Expr::BinOp(binop) => {
            (is_array(checker, &binop.left, depth + 1)
                && is_number_or_array(checker, &binop.right, depth + 1))
                || (is_array(checker, &binop.right, depth + 1)
                    && is_number_or_array(checker, &binop.left, depth + 1))
        }
        Expr::UnaryOp(unary) => is_array(checker, &unary.operand, depth + 1),
        Expr::Name(name) => {
            let Some(assigned) = checker.assignments(&name.id) else {
                return false;
            };
            !assigned.is_empty()
                && assigned.iter().all(|assigned| match assigned {
                    Assigned::Value(value) => {
                        !std::ptr::eq(*value, expr) && is_array(checker, value, depth + 1)
                    }
                    Assigned::Annotated(Some(annotation)) => {
                        is_array_annotation(checker, annotation)
                    }
                    Assigned::Annotated(None) | Assigned::Other => false,
                })
        }
        _ => false,
    }
}

fn is_number_or_array<'a>(checker: &Checker<'a>, expr: &'a Expr, depth: u32) -> bool {
    expr.is_number_literal_expr() || is_array(checker, expr, depth)
}

fn is_array_function(qualified: &str) -> bool {
    if let Some(name) = qualified.strip_prefix("numpy.random.") {
        return RANDOM_FUNCTIONS.contains(&name);
    }
    qualified
        .strip_prefix("numpy.")
        .is_some_and(|name| ARRAY_FUNCTIONS.contains(&name))
}

/// From the bytes alone, whether one of the attribute names at `starts` is assigned
/// (`x.shape = ...`) on what [`is_numpy_array`] may prove an array: a call, a subscript, a
/// `.T`, or a name that something assigns or annotates, where a statement may start. It errs
/// towards `true`.
pub fn may_assign_array_attribute(source: &str, starts: &[usize]) -> bool {
    let bytes = source.as_bytes();
    let mut names = Vec::new();
    for &start in starts {
        let end = start
            + bytes[start..]
                .iter()
                .take_while(|byte| is_identifier_byte(**byte))
                .count();
        if !assigned_after(bytes, end) || in_comment(bytes, start) {
            continue;
        }
        let Some((dot, _)) = last_before(bytes, start) else {
            continue;
        };
        if bytes[dot] != b'.' {
            continue;
        }
        // Past a line break, a comment may hide the receiver's end.
        let Some((last, false)) = last_before(bytes, dot) else {
            return true;
        };
        match bytes[last] {
            b')' | b']' => return true,
            byte if is_identifier_byte(byte) => {
                let first = bytes[..=last]
                    .iter()
                    .rev()
                    .take_while(|byte| is_identifier_byte(**byte))
                    .count();
                let mut receiver_start = last + 1 - first;
                // Bytes above 0x7F count as an identifier's: a byte-order mark as well.
                if source[receiver_start..].starts_with('\u{feff}') {
                    receiver_start += '\u{feff}'.len_utf8();
                }
                let receiver = &source[receiver_start..=last];
                match last_before(bytes, receiver_start) {
                    Some((at, _)) if bytes[at] == b'.' && receiver == "T" => return true,
                    // (Another attribute's receiver is no name: `starts_target` refuses `.`.)
                    before if starts_target(bytes, before) => names.push(receiver),
                    // Text such as `"but x.shape = %s"`: no assignment statement.
                    _ => {}
                }
            }
            _ => {}
        }
    }
    if names.is_empty() {
        return false;
    }
    names.sort_unstable();
    names.dedup();
    // A few names: memmem each, rather than build an automaton per file.
    let is_identifier_char = |c: char| c.is_alphanumeric() || c == '_';
    names.iter().any(|name| {
        memmem::find_iter(bytes, name.as_bytes()).any(|start| {
            let end = start + name.len();
            let alone = !source[..start]
                .chars()
                .next_back()
                .is_some_and(is_identifier_char)
                && !source[end..].chars().next().is_some_and(is_identifier_char);
            alone && (assigned_after(bytes, end) || annotated_after(bytes, end))
        })
    })
}

/// Whether an assignment target may start after `before` (what [`last_before`] found
/// before it): at the start of a line or of the file, after `;`, `:` (`if c: x.shape = s`),
/// `=` (`a = x.shape = s`), `(` (a parenthesized target), or a byte-order mark.
fn starts_target(bytes: &[u8], before: Option<(usize, bool)>) -> bool {
    match before {
        None | Some((_, true)) => true,
        Some((at, false)) => matches!(bytes[at], b';' | b':' | b'=' | b'(' | 0xBF),
    }
}

/// Whether `at` is in a comment: after a `#` on its line, with no quote before that might
/// open a string holding the `#`.
fn in_comment(bytes: &[u8], at: usize) -> bool {
    let line = &bytes[..at];
    let line = &line[line
        .iter()
        .rposition(|byte| matches!(byte, b'\n' | b'\r'))
        .map_or(0, |n| n + 1)..];
    match line.iter().position(|byte| *byte == b'#') {
        Some(comment) => !line[..comment]
            .iter()
            .any(|byte| matches!(byte, b'"' | b'\'')),
        None => false,
    }
}

fn is_identifier_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_' || byte >= 0x80
}

/// Skips blanks, line breaks and comments, and (`parentheses`) closing parentheses:
/// `(x) = 1` assigns `x`.
fn skip_to_operator(bytes: &[u8], mut at: usize, parentheses: bool) -> usize {
    loop {
        match bytes.get(at) {
            Some(b' ' | b'\t' | b'\x0c' | b'\n' | b'\r' | b'\\') => at += 1,
            Some(b')') if parentheses => at += 1,
            Some(b'#') => {
                while !matches!(bytes.get(at), None | Some(b'\n' | b'\r')) {
                    at += 1;
                }
            }
            _ => return at,
        }
    }
}

/// Whether `=` (not `==`) follows `at`.
fn assigned_after(bytes: &[u8], at: usize) -> bool {
    let at = skip_to_operator(bytes, at, true);
    bytes.get(at) == Some(&b'=') && bytes.get(at + 1) != Some(&b'=')
}

/// Whether `:` follows `at` (an annotation, or much else).
fn annotated_after(bytes: &[u8], at: usize) -> bool {
    bytes.get(skip_to_operator(bytes, at, false)) == Some(&b':')
}

/// The last byte before `at` that is not a blank or a line break, and whether a line break
/// came between.
fn last_before(bytes: &[u8], at: usize) -> Option<(usize, bool)> {
    let mut broken = false;
    for at in (0..at).rev() {
        match bytes[at] {
            b' ' | b'\t' | b'\x0c' => {}
            b'\n' | b'\r' | b'\\' => broken = true,
            _ => return Some((at, broken)),
        }
    }
    None
}

/// `np.ndarray`, `npt.NDArray[...]`, `NDArray[np.float64]` (also as strings).
fn is_array_annotation<'a>(checker: &Checker<'a>, annotation: &'a Expr) -> bool {
    let annotation = match annotation {
        Expr::StringLiteral(string) => {
            match checker.model().string_annotation(string.range.start()) {
                Some(parsed) if parsed.kind().is_simple() => parsed.expression(),
                _ => return false,
            }
        }
        other => other,
    };
    let annotation = match annotation {
        Expr::Subscript(subscript) => &subscript.value,
        other => other,
    };
    checker
        .qualified_name(annotation)
        .is_some_and(|name| matches!(name.as_str(), "numpy.ndarray" | "numpy.typing.NDArray"))
}

/// Whether `expr` is provably a dtype: `x.dtype`, `np.dtype(...)`, or a name only bound to
/// those.
pub fn is_dtype<'a>(checker: &Checker<'a>, expr: &'a Expr) -> bool {
    is_dtype_within(checker, expr, 0)
}

fn is_dtype_within<'a>(checker: &Checker<'a>, expr: &'a Expr, depth: u32) -> bool {
    if depth > MAX_DEPTH {
        return false;
    }
    match expr {
        Expr::Attribute(attribute) => attribute.attr.as_str() == "dtype",
        Expr::Call(call) => checker.qualified_name(&call.func).as_deref() == Some("numpy.dtype"),
        Expr::Name(name) => checker.assignments(&name.id).is_some_and(|assigned| {
            !assigned.is_empty()
                && assigned
                    .iter()
                    .all(|assigned| matches!(assigned, Assigned::Value(value) if is_dtype_within(checker, value, depth + 1)))
        }),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::may_assign_array_attribute;

    fn may_assign(source: &str) -> bool {
        let starts: Vec<usize> = source.match_indices("shape").map(|(at, _)| at).collect();
        may_assign_array_attribute(source, &starts)
    }

    #[test]
    fn assignments_to_array_attributes_from_the_bytes() {
        assert!(may_assign("a = f()\na.shape = (2,)"));
        assert!(may_assign("a = f()\nif c: a.shape = (2,)"));
        assert!(may_assign("a = f(); b = a.shape = (2,)"));
        assert!(may_assign("a = f()\n(a.shape) = (2,)"));
        assert!(may_assign("def g(a: A):\n    a . shape = (2,)"));
        assert!(may_assign("\u{feff}a.shape = (2,)\na = f()"));
        assert!(may_assign("f(x)[0].shape = (2,)"));
        // Nothing assigns the name, or the text is no statement.
        assert!(!may_assign("def g(a):\n    a.shape = (2,)"));
        assert!(!may_assign(
            "a = f()\nraise ValueError('but a.shape = %s' % a)"
        ));
        assert!(!may_assign("a = f()\n'''As if ``a.shape = (2,)``.'''"));
        assert!(!may_assign("a = f()\nassert a.shape == (2,)"));
        assert!(!may_assign("a = f()\n# a.shape = (2,)"));
    }
}
