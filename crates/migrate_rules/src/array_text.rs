//! What the bytes alone say about arrays, for the prefilter of NP212 (see
//! `migrate_engine::prefilter`): whether an array's attribute may be assigned or its removed
//! method called, read without parsing. Each check errs towards `true`: it may let a file
//! through that has nothing to report, never the reverse.

use migrate_engine::prefilter::{is_identifier_byte, skip_blanks, word_starts};

use crate::numpy_types::{ARRAY_FUNCTIONS, ARRAY_METHODS, RANDOM_FUNCTIONS};
use crate::triggers::identifier_end;

/// From the bytes alone, whether one of the attribute names at `starts` is assigned
/// (`x.shape = ...`) on what [`is_numpy_array`] may prove an array: a call, a subscript, a
/// `.T`, or a name that something assigns or annotates, where a statement may start. It errs
/// towards `true`.
pub fn may_assign_array_attribute(source: &str, starts: &[usize]) -> bool {
    let bytes = source.as_bytes();
    let assigned = starts.iter().filter(|start| {
        let end = identifier_end(bytes, **start);
        assigned_after(bytes, end) && !in_comment(bytes, **start)
    });
    may_be_attributes_of_arrays(source, assigned)
}

/// Whether one of the attributes at `starts` may be that of an array: of a call, a `.T`, or
/// a name (or a subscript of one) that the file binds to what may be an array, where an
/// assignment statement may start.
fn may_be_attributes_of_arrays<'a>(source: &str, starts: impl Iterator<Item = &'a usize>) -> bool {
    let bytes = source.as_bytes();
    let may_start = |at: usize| starts_target(bytes, last_before(bytes, at));
    let mut names = Vec::new();
    for &start in starts {
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
            b')' => return true,
            // `a[i].shape = s`: `a` must be an array.
            b']' => match subscripted(bytes, last) {
                Some(Subscripted::Name(start, end)) => {
                    if may_start(start) {
                        names.push(&source[start..end]);
                    }
                }
                Some(Subscripted::Attribute) => {}
                None => return true,
            },
            byte if is_identifier_byte(byte) => {
                let mut receiver_start = identifier_start(bytes, last + 1);
                // Bytes above 0x7F count as an identifier's: a byte-order mark as well.
                if source[receiver_start..].starts_with('\u{feff}') {
                    receiver_start += '\u{feff}'.len_utf8();
                }
                let receiver = &source[receiver_start..=last];
                let attribute_of =
                    last_before(bytes, receiver_start).is_some_and(|(at, _)| bytes[at] == b'.');
                match (attribute_of, receiver) {
                    (true, "T") => return true,
                    // Of an attribute other than `.T`: no array to prove.
                    (true, _) => {}
                    // Text such as `"but x.shape = %s"` is no assignment statement.
                    (false, _) if may_start(receiver_start) => names.push(receiver),
                    (false, _) => {}
                }
            }
            _ => {}
        }
    }
    names.sort_unstable();
    names.dedup();
    // A few names: memmem each, rather than build an automaton per file.
    names.iter().any(|name| {
        word_starts(source, name).any(|start| may_bind_array(source, start + name.len()))
    })
}

/// What is subscripted by the brackets that close at `close`.
enum Subscripted {
    /// A name, from `start` to `end`.
    Name(usize, usize),
    /// An attribute other than `.T`: no array [`is_numpy_array`] can prove.
    Attribute,
}

/// What `close` closes the subscript of (`a` of `a[i][j]`); `None` when it cannot tell (a
/// call, a bracket far away or on another line).
fn subscripted(bytes: &[u8], close: usize) -> Option<Subscripted> {
    let mut close = close;
    loop {
        let open = opening_bracket(bytes, close)?;
        if bytes[open] != b'[' {
            return None;
        }
        let (last, false) = last_before(bytes, open)? else {
            return None;
        };
        if bytes[last] == b']' {
            close = last;
            continue;
        }
        if !is_identifier_byte(bytes[last]) {
            return None;
        }
        let start = identifier_start(bytes, last + 1);
        let name = &bytes[start..=last];
        return match last_before(bytes, start) {
            Some((dot, _)) if bytes[dot] == b'.' => {
                (name != b"T").then_some(Subscripted::Attribute)
            }
            _ => Some(Subscripted::Name(start, last + 1)),
        };
    }
}

/// The bracket that `close` closes, on the same line, over simple strings (`a["b"]`).
fn opening_bracket(bytes: &[u8], close: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut at = close;
    loop {
        match bytes[at] {
            b']' | b')' | b'}' => depth += 1,
            b'[' | b'(' | b'{' => {
                depth -= 1;
                if depth == 0 {
                    return Some(at);
                }
            }
            quote @ (b'"' | b'\'') => {
                // Back to the quote that opens the string; an escaped quote is not read.
                let opening = bytes[..at]
                    .iter()
                    .rposition(|byte| matches!(byte, b'\n' | b'\r' | b'\\') || *byte == quote)?;
                if bytes[opening] != quote {
                    return None;
                }
                at = opening;
            }
            b'\n' | b'\r' | b'#' | b'\\' => return None,
            _ => {}
        }
        at = at.checked_sub(1)?;
    }
}

/// Where the identifier that ends at `end` starts.
fn identifier_start(bytes: &[u8], end: usize) -> usize {
    end - bytes[..end]
        .iter()
        .rev()
        .take_while(|byte| is_identifier_byte(**byte))
        .count()
}

/// Whether the name that ends at `end` may be bound there to what [`is_numpy_array`] proves
/// an array: `name = value` with a value that may be one, or `name: annotation` with an
/// annotation that may name `np.ndarray`.
fn may_bind_array(source: &str, end: usize) -> bool {
    let bytes = source.as_bytes();
    let assigned = skip_to_operator(bytes, end, true);
    if bytes.get(assigned) == Some(&b'=') && bytes.get(assigned + 1) != Some(&b'=') {
        return may_be_array(source, assigned + 1);
    }
    let at = skip_to_operator(bytes, end, false);
    match bytes.get(at..) {
        Some([b':', b'=', ..]) => may_be_array(source, at + 2),
        Some([b':', ..]) => may_annotate_array(source, at + 1),
        _ => false,
    }
}

/// Whether the value at `at` may be an array: anything but a literal (a string, a list, a
/// dict, `None`, ...) or a call of what cannot return one. The first operand decides: an
/// array needs an array operand (`2 * a` does not start with one, but its `2` is a number).
fn may_be_array(source: &str, at: usize) -> bool {
    let bytes = source.as_bytes();
    let at = skip_blanks(bytes, at, false);
    match bytes.get(at) {
        Some(b'"' | b'\'' | b'[' | b'{') => false,
        // A number alone (`cov=1,`); with an operator it may make an array (`2 * a`).
        Some(byte) if byte.is_ascii_digit() => {
            let number = at
                + bytes[at..]
                    .iter()
                    .take_while(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'.' | b'_'))
                    .count();
            let next = bytes.get(skip_blanks(bytes, number, false));
            !matches!(
                next,
                None | Some(b',' | b')' | b']' | b'}' | b'\n' | b'\r' | b'#' | b';')
            )
        }
        Some(&byte) if is_identifier_byte(byte) => {
            let dotted = dotted_at(source, at);
            let next = bytes.get(skip_blanks(bytes, dotted.end, false));
            let last = dotted.last;
            if dotted.names == 1 {
                let literal = matches!(
                    last,
                    "None" | "True" | "False" | "lambda" | "await" | "yield"
                ) || (matches!(next, Some(b'"' | b'\'')) && is_string_prefix(last));
                return match next {
                    _ if literal => false,
                    Some(b'(') => may_return_array(last) || may_be_alias(source, last),
                    // `a, b`: a tuple.
                    Some(b',') => false,
                    _ => true,
                };
            }
            match next {
                // `np.zeros(3)`, `np.random.rand(3)`; `a.copy()`, `a.T.copy()`.
                Some(b'(') => {
                    may_return_array(last)
                        || (ARRAY_METHODS.contains(&last)
                            && (dotted.names == 2 || dotted.previous == "T"))
                }
                // `a.T`, else an attribute: no array (nor is `a.b[0]`, `a.b * 2`).
                _ => last == "T",
            }
        }
        _ => true,
    }
}

/// Whether a NumPy function named `last` may return an array.
fn may_return_array(last: &str) -> bool {
    let last_of = |name: &&str| name.rsplit('.').next() == Some(last);
    ARRAY_FUNCTIONS.iter().any(last_of) || RANDOM_FUNCTIONS.iter().any(last_of)
}

/// Whether the annotation at `at` may name `np.ndarray` or `NDArray` (by that name, by an
/// alias, maybe subscripted: `npt.NDArray[np.float64]`), or be that of an assignment
/// (`x: int = value` binds the value).
fn may_annotate_array(source: &str, at: usize) -> bool {
    let bytes = source.as_bytes();
    // Past a line break only a parameter's annotation may follow (`def f(x:\n T)`), which
    // binds no value; elsewhere the colon opens a block (`if x:`).
    let after_colon = skip_blanks(bytes, at, false);
    let parameter_only = matches!(bytes.get(after_colon), None | Some(b'\n' | b'\r' | b'#'));
    let may_assign_later = |at| !parameter_only && may_assign_later(bytes, at);
    let mut at = skip_to_operator(bytes, at, false);
    let quote = bytes
        .get(at)
        .copied()
        .filter(|byte| matches!(byte, b'"' | b'\''));
    if quote.is_some() {
        at += 1;
    }
    match bytes.get(at) {
        Some(&byte) if is_identifier_byte(byte) => {}
        // `(np.ndarray)`
        Some(b'(') => return true,
        // A set, a list, ...: no type `is_numpy_array` reads.
        _ => return may_assign_later(at),
    }
    let dotted = dotted_at(source, at);
    let names_array = matches!(dotted.last, "ndarray" | "NDArray")
        || (dotted.names == 1 && may_be_alias(source, dotted.last));
    let after = skip_blanks(bytes, dotted.end, false);
    let ends = match (quote, bytes.get(after)) {
        (Some(quote), Some(&byte)) => byte == quote || byte == b'[',
        (None, None | Some(b',' | b')' | b'=' | b'[' | b'\n' | b'\r' | b'#')) => true,
        _ => false,
    };
    (names_array && ends) || may_assign_later(dotted.end)
}

/// Whether what follows `at` on its line may assign a value (`x: int = value`), or
/// continues on the next line (where it might).
fn may_assign_later(bytes: &[u8], at: usize) -> bool {
    let mut depth = 0usize;
    let mut previous = b' ';
    for (offset, &byte) in bytes[at.min(bytes.len())..].iter().enumerate() {
        match byte {
            b'\n' | b'\r' | b'#' => return depth > 0,
            b'"' | b'\'' | b'\\' => return true,
            b'(' | b'[' | b'{' => depth += 1,
            // The annotation's brackets or the annotation end (`def f(x: int, y=1)`):
            // nothing is assigned.
            b')' | b']' | b'}' | b',' if depth == 0 => return false,
            b')' | b']' | b'}' => depth -= 1,
            b'=' if depth == 0 && !b"=<>!:".contains(&previous) => {
                return bytes.get(at + offset + 1) != Some(&b'=');
            }
            _ => {}
        }
        previous = byte;
    }
    depth > 0
}

/// A dotted name (`a.b.c`) in the text.
struct Dotted<'s> {
    /// How many names it has.
    names: usize,
    last: &'s str,
    /// The name before the last (empty if none).
    previous: &'s str,
    end: usize,
}

/// The dotted name at `at`.
fn dotted_at(source: &str, at: usize) -> Dotted<'_> {
    let bytes = source.as_bytes();
    let mut start = at;
    let mut previous = "";
    let mut names = 0;
    loop {
        let end = identifier_end(bytes, start);
        names += 1;
        let dot = skip_blanks(bytes, end, false);
        let next = skip_blanks(bytes, dot + 1, false);
        if bytes.get(dot) == Some(&b'.')
            && bytes
                .get(next)
                .copied()
                .is_some_and(|byte| is_identifier_byte(byte) && !byte.is_ascii_digit())
        {
            previous = &source[start..end];
            start = next;
        } else {
            return Dotted {
                names,
                last: &source[start..end],
                previous,
                end,
            };
        }
    }
}

/// `b`, `rb`, `f`, ... before a quote.
fn is_string_prefix(word: &str) -> bool {
    word.len() <= 2 && word.bytes().all(|byte| b"rRbBfFuUtT".contains(&byte))
}

/// Whether an import may bind `name` as an alias: `... as name`.
fn may_be_alias(source: &str, name: &str) -> bool {
    let bytes = source.as_bytes();
    word_starts(source, name).any(|start| {
        last_before(bytes, start).is_some_and(|(last, _)| {
            let word = identifier_start(bytes, last + 1);
            &bytes[word..=last] == b"as"
        })
    })
}

/// From the bytes alone, whether one of the method names at `starts` may be called on what
/// is not an imported name (`np.ptp(x)` is a function): `x.ptp()`, `(x.ptp)()`, on
/// whatever `x` is. Of `newbyteorder`, receivers that look like dtypes (`x.dtype`, `dt`)
/// do not count. It errs towards `true`.
pub fn may_call_array_method(source: &str, starts: &[usize]) -> bool {
    let bytes = source.as_bytes();
    starts.iter().any(|&start| {
        let end = identifier_end(bytes, start);
        if bytes.get(skip_to_operator(bytes, end, true)) != Some(&b'(') || in_comment(bytes, start)
        {
            return false;
        }
        let Some((dot, _)) = last_before(bytes, start).filter(|(at, _)| bytes[*at] == b'.') else {
            return false;
        };
        let Some((last, false)) = last_before(bytes, dot) else {
            return true;
        };
        if !is_identifier_byte(bytes[last]) {
            return true;
        }
        let first = identifier_start(bytes, last + 1);
        let receiver = source[first..=last].trim_start_matches('\u{feff}');
        let method = &source[start..end];
        if method == "newbyteorder" && looks_like_dtype(receiver) {
            return false;
        }
        let attribute_of = last_before(bytes, first).is_some_and(|(at, _)| bytes[at] == b'.');
        attribute_of || !only_imported(source, receiver)
    })
}

/// From the bytes alone, whether one of the method names at `starts` (`__array__`,
/// `__array_wrap__`, `__array_prepare__`) may be defined without what NumPy 2 passes it:
/// `def __array__(self, dtype=None)` may be, `def __array__(self, dtype=None, copy=None)`
/// and `def __array__(self, *args, **kwargs)` are not; `x.__array__()` defines nothing.
pub fn may_define_array_protocol(source: &str, starts: &[usize]) -> bool {
    let bytes = source.as_bytes();
    starts.iter().any(|&start| {
        let defined = last_before(bytes, start).is_some_and(|(last, _)| {
            let word = identifier_start(bytes, last + 1);
            &bytes[word..=last] == b"def"
        });
        if !defined {
            return false;
        }
        let name_end = identifier_end(bytes, start);
        let needed: &[u8] = match &bytes[start..name_end] {
            b"__array__" => b"copy",
            b"__array_wrap__" => b"return_scalar",
            _ => return true,
        };
        let Some(parameters) = parameters_at(bytes, skip_to_operator(bytes, name_end, false))
        else {
            return true;
        };
        !parameters
            .iter()
            .any(|(stars, name)| *stars == 2 || (*stars == 0 && *name == needed))
    })
}

/// The parameters of the definition whose `(` is at `open`, as their stars and names
/// (`(2, "kwargs")` for `**kwargs`); `None` when it cannot tell (a string or comment
/// inside).
fn parameters_at(bytes: &[u8], open: usize) -> Option<Vec<(usize, &[u8])>> {
    if bytes.get(open) != Some(&b'(') {
        return None;
    }
    let trimmed = |text: &'_ [u8]| -> usize {
        text.iter()
            .take_while(|byte| byte.is_ascii_whitespace() || **byte == b'\\')
            .count()
    };
    let mut parameters = Vec::new();
    let mut depth = 0usize;
    let mut parameter_start = open + 1;
    for (at, byte) in bytes.iter().enumerate().skip(open) {
        match byte {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' | b',' if depth == 1 => {
                let text = &bytes[parameter_start..at];
                let text = &text[trimmed(text)..];
                let stars = text.iter().take_while(|byte| **byte == b'*').count();
                let name = &text[stars..];
                let name = &name[trimmed(name)..];
                let length = name
                    .iter()
                    .take_while(|byte| is_identifier_byte(**byte))
                    .count();
                parameters.push((stars, &name[..length]));
                if *byte != b',' {
                    return Some(parameters);
                }
                parameter_start = at + 1;
            }
            b')' | b']' | b'}' => depth -= 1,
            b'"' | b'\'' | b'#' => return None,
            _ => {}
        }
    }
    None
}

/// Whether one of the attribute names at `starts` (`ctypes` of `x.ctypes`) is followed by an
/// attribute (`.get_data`) for which `wanted` says `true`.
pub fn may_be_followed_by_attribute(
    source: &str,
    starts: &[usize],
    wanted: impl Fn(&str) -> bool,
) -> bool {
    let bytes = source.as_bytes();
    starts.iter().any(|&start| {
        let attribute_of = last_before(bytes, start).is_some_and(|(dot, _)| bytes[dot] == b'.');
        let end = identifier_end(bytes, start);
        let dot = skip_to_operator(bytes, end, false);
        if !attribute_of || bytes.get(dot) != Some(&b'.') {
            return false;
        }
        let attribute = skip_to_operator(bytes, dot + 1, false);
        wanted(&source[attribute..identifier_end(bytes, attribute)])
    })
}

/// Whether the last name of a receiver (`dtype` of `x.dtype`) reads as a dtype's.
pub fn looks_like_dtype(last: &str) -> bool {
    let last = last.to_ascii_lowercase();
    last.contains("dtype") || last == "dt" || last.ends_with("_dt") || last == "type"
}

/// Whether `name` is surely an imported name wherever it is used: an import binds it
/// (`import name`, `from m import name`, `import m.n as name`) and each other occurrence is
/// a use (`name.attr`). Anything else (a parameter, `with ... as name`, a word in a string,
/// `from m import a, name`) may bind it otherwise.
fn only_imported(source: &str, name: &str) -> bool {
    let bytes = source.as_bytes();
    let mut imported = false;
    let only_uses_or_imports = word_starts(source, name).all(|start| {
        let end = start + name.len();
        if bytes.get(skip_to_operator(bytes, end, false)) == Some(&b'.') {
            return true;
        }
        let binds = binds_by_import(source, start);
        imported |= binds;
        binds
    });
    imported && only_uses_or_imports
}

/// Whether the name at `start` is what an import binds: `import name`, `from m import name`,
/// `import m.n as name`.
fn binds_by_import(source: &str, start: usize) -> bool {
    let bytes = source.as_bytes();
    let word_before = |end: usize| {
        let start = identifier_start(bytes, end);
        (start, &source[start..end])
    };
    let Some((before, false)) = last_before(bytes, start) else {
        return false;
    };
    match word_before(before + 1) {
        (_, "import") => true,
        (as_start, "as") => {
            // Back over the dotted name to `import`.
            let mut at = as_start;
            loop {
                let Some((last, false)) = last_before(bytes, at) else {
                    return false;
                };
                let (start, word) = word_before(last + 1);
                if word.is_empty() {
                    return false;
                }
                match last_before(bytes, start) {
                    Some((dot, false)) if bytes[dot] == b'.' => at = dot,
                    Some((keyword, false)) => return word_before(keyword + 1).1 == "import",
                    _ => return false,
                }
            }
        }
        _ => false,
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn may_assign(source: &str) -> bool {
        let starts: Vec<usize> = source.match_indices("shape").map(|(at, _)| at).collect();
        may_assign_array_attribute(source, &starts)
    }

    #[test]
    fn assignments_to_array_attributes_from_the_bytes() {
        assert!(may_assign("a = np.zeros(2)\na.shape = (2,)"));
        assert!(may_assign("a = np.zeros(2)\nif c: a.shape = (2,)"));
        assert!(may_assign("a = np.zeros(2); b = a.shape = (2,)"));
        assert!(may_assign("a = np.zeros(2)\n(a.shape) = (2,)"));
        assert!(may_assign("def g(a: np.ndarray):\n    a . shape = (2,)"));
        assert!(may_assign("\u{feff}a.shape = (2,)\na = np.zeros(2)"));
        assert!(may_assign("f(x)[0].shape = (2,)"));
        assert!(may_assign("a = np.zeros(3)\na.shape = (3,)"));
        assert!(may_assign("a = b = other\na.shape = (3,)"));
        assert!(may_assign("a = 2 * b\na.shape = (3,)"));
        assert!(may_assign("a = -f(b)\na.shape = (3,)"));
        assert!(may_assign("a = (\n  f(b))\na.shape = (3,)"));
        assert!(may_assign("a = b.reshape(3)\na.shape = (3,)"));
        assert!(may_assign(
            "a = Z(3)\na.shape = (3,)\nfrom numpy import zeros as Z"
        ));
        assert!(may_assign("a = f\n(a.shape) = (3,)"));
        assert!(may_assign("if (a := np.zeros(3)):\n    a.shape = (3,)"));
        assert!(may_assign("def g(a: np.ndarray):\n    a.shape = (3,)"));
        assert!(may_assign(
            "def g(a: 'npt.NDArray[np.float64]'):\n    a.shape = (3,)"
        ));
        assert!(may_assign(
            "def g(a: A):\n    a.shape = (3,)\nfrom numpy import ndarray as A"
        ));
        assert!(may_assign("a: Dict[\n  str, int] = f()\na.shape = (3,)"));
        assert!(may_assign("a: int = f()\na.shape = (3,)"));
        assert!(may_assign("a = np.zeros((2, 3))\na[0].shape = (3,)"));
        assert!(may_assign("a = np.zeros(2)\na.T[0].shape = (3,)"));
        assert!(may_assign("a = np.zeros(2)\nf(a)[0].shape = (3,)"));
        // What cannot be an array: literals, calls of what returns none.
        assert!(!may_assign("a = None\na.shape = (3,)"));
        assert!(!may_assign("a = [1, 2]\na.shape = (3,)"));
        assert!(!may_assign("a = b'x'\na.shape = (3,)"));
        assert!(!may_assign("a = Wrapper(b)\na.shape = (3,)"));
        assert!(!may_assign("a = b.tocoo()\na.shape = (3,)"));
        assert!(!may_assign("def g(self: T):\n    self.shape = (3,)"));
        assert!(!may_assign("def g(a: int, b):\n    a.shape = (3,)"));
        assert!(!may_assign("a = f()\nself.items[a].shape = (3,)"));
        assert!(!may_assign("for a in b:\n    a.shape = (3,)"));
        assert!(may_assign("a = b.T.copy()\na.shape = (3,)"));
        assert!(may_assign("a = b.T\na.shape = (3,)"));
        assert!(may_assign(
            "a = np.zeros(2)\nb = {}\nb['x'][0].shape = (3,)\nb = a"
        ));
        assert!(!may_assign("a = self.data\na.shape = (3,)"));
        assert!(!may_assign("a = self.data.byteswap()\na.shape = (3,)"));
        assert!(!may_assign("a = b, c\na.shape = (3,)"));
        assert!(!may_assign("a = np.zeros(2)\nself.d['a'].shape = (3,)"));
        assert!(may_assign(
            "def g(a:\n        np.ndarray):\n    a.shape = (3,)"
        ));
        assert!(may_assign("a = 1e-3 * b\na.shape = (3,)"));
        assert!(!may_assign(
            "def g(a: T, deep: bool = True):\n    a.shape = (3,)"
        ));
        assert!(!may_assign("f(a=1, b=2)\na.shape = (3,)"));
        assert!(!may_assign("with f() as a:\n    b = a[0]\na.shape = (3,)"));
        // Docstrings and blocks: no annotation of an array.
        assert!(!may_assign(
            "'''\na : ndarray of shape (n,)\n'''\na.shape = (3,)"
        ));
        assert!(!may_assign("'''\na : {ndarray, list}\n'''\na.shape = (3,)"));
        assert!(!may_assign("if a:\n    raise E(a)\na.shape = (3,)"));
        // Nothing assigns the name, or the text is no statement.
        assert!(!may_assign("def g(a):\n    a.shape = (2,)"));
        assert!(!may_assign(
            "a = np.zeros(2)\nraise ValueError('but a.shape = %s' % a)"
        ));
        assert!(!may_assign(
            "a = np.zeros(2)\n'''As if ``a.shape = (2,)``.'''"
        ));
        assert!(!may_assign("a = np.zeros(2)\nassert a.shape == (2,)"));
        assert!(!may_assign("a = np.zeros(2)\n# a.shape = (2,)"));
    }

    fn may_call(source: &str) -> bool {
        let starts: Vec<usize> = ["ptp", "newbyteorder"]
            .iter()
            .flat_map(|name| source.match_indices(name).map(|(at, _)| at))
            .collect();
        may_call_array_method(source, &starts)
    }

    #[test]
    fn calls_of_array_methods_from_the_bytes() {
        assert!(may_call("x.ptp()"));
        assert!(may_call("(x . ptp)\n(axis=0)"));
        assert!(may_call("f(x).ptp()"));
        assert!(may_call("import numpy as np\ndef f(np):\n    np.ptp()"));
        assert!(may_call("with f() as np:\n    np.ptp()"));
        assert!(may_call("x.y.newbyteorder('<')"));
        // Functions of imported modules, dtypes, and what is no call.
        assert!(!may_call("import numpy as np\nnp.ptp(x)"));
        assert!(!may_call("import numpy\nnumpy.ptp(x)"));
        assert!(!may_call("from numpy import ma\nma.ptp(x)"));
        assert!(!may_call("import numpy.ma as M\nM.ptp(x)"));
        assert!(!may_call("x.dtype.newbyteorder('<')"));
        assert!(!may_call("dt.newbyteorder('<')"));
        assert!(!may_call("def ptp(x): pass"));
        assert!(!may_call("f = x.ptp"));
        assert!(!may_call("# x.ptp()"));
    }

    #[test]
    fn definitions_of_array_protocol_methods_from_the_bytes() {
        let may_define = |source: &str| {
            let starts: Vec<usize> = source.match_indices("__array").map(|(at, _)| at).collect();
            may_define_array_protocol(source, &starts)
        };
        assert!(may_define("class A:\n    def __array__(self, dtype=None):"));
        assert!(may_define("class A:\n    async  def __array__(self):"));
        assert!(may_define("class A:\n    def __array__(self, d=')'):"));
        assert!(may_define(
            "class A:\n    def __array_wrap__(self, arr, context=None):"
        ));
        assert!(may_define(
            "class A:\n    def __array_prepare__(self, arr, **kwargs):"
        ));
        assert!(!may_define(
            "class A:\n    def __array__(self, dtype=None, copy=None):"
        ));
        assert!(!may_define(
            "class A:\n    def __array__(self, *args, **kwargs):"
        ));
        assert!(!may_define(
            "class A:\n    def __array_wrap__(self, a, c=None, return_scalar=False):"
        ));
        assert!(!may_define("x = a.__array__()\nhasattr(a, '__array__')"));
        assert!(may_define("class A:\n    def __array__(self, copy_=None):"));
        assert!(may_define(
            "class A:\n    def __array__(self, d=f(x, copy=1)):"
        ));
        assert!(!may_define(
            "class A:\n    def __array__(\n        self,\n        copy: bool = None,\n    ):"
        ));
        assert!(!may_define(
            "class A:\n    def __array__(self, * args, ** kw):"
        ));
    }
}
