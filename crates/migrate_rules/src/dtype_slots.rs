//! Where a dtype is expected, and how a dtype spec is made: shared by the rules on dtype
//! spellings (`NP203` strings, `NP204` abstract types, `NP205` spellings whose meaning
//! changed).

use std::ops::Range;

use migrate_engine::ast::{self as ast, Expr};
use migrate_engine::checker::Checker;
use migrate_engine::prefilter::{Anchor, Atom, Inside};
use migrate_engine::text_size::TextRange;

/// NumPy functions that take a dtype by position, and the position.
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
    ("numpy.require", 1),
    ("numpy.ndarray", 1),
    ("numpy.frombuffer", 1),
    ("numpy.fromfile", 1),
    ("numpy.fromiter", 1),
    ("numpy.fromstring", 1),
    ("numpy.fromregex", 2),
    ("numpy.loadtxt", 1),
    ("numpy.genfromtxt", 1),
    ("numpy.identity", 1),
    ("numpy.eye", 3),
    ("numpy.tri", 3),
    ("numpy.arange", 3),
    ("numpy.linspace", 5),
    ("numpy.logspace", 5),
    ("numpy.geomspace", 4),
    ("numpy.indices", 1),
    ("numpy.memmap", 1),
];

/// NumPy functions that read a dtype by position without making one, where an abstract
/// type (`np.issubdtype(t, np.integer)`) is a category, not a dtype.
const POSITIONAL_QUERY: &[(&str, usize)] = &[
    ("numpy.finfo", 0),
    ("numpy.iinfo", 0),
    ("numpy.issubdtype", 0),
    ("numpy.issubdtype", 1),
    ("numpy.can_cast", 0),
    ("numpy.can_cast", 1),
    ("numpy.promote_types", 0),
    ("numpy.promote_types", 1),
];

/// Methods whose first argument is a dtype, on any receiver: NumPy's arrays, and the
/// pandas, xarray, CuPy or JAX objects that hand it to `np.dtype`.
const DTYPE_METHODS: &[&str] = &["astype", "view"];

/// Who receives a dtype.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Callee {
    /// A NumPy function (or `np.dtype`).
    Numpy,
    /// A NumPy function that asks about a dtype (`np.issubdtype`, `np.finfo`).
    Query,
    /// `.astype(...)` or `.view(...)` on any receiver.
    Method,
    /// A `dtype=` keyword of a call that is not known to be NumPy's.
    Other,
}

/// The dtypes `call` is given, and who receives each.
pub fn slots<'a>(checker: &Checker<'a>, call: &'a ast::ExprCall) -> Vec<(&'a Expr, Callee)> {
    let name = checker.qualified_name(&call.func);
    let method = match &*call.func {
        Expr::Attribute(attribute) => DTYPE_METHODS.contains(&attribute.attr.as_str()),
        _ => false,
    };
    let callee = if name
        .as_deref()
        .is_some_and(|name| name.starts_with("numpy."))
    {
        Callee::Numpy
    } else if method {
        Callee::Method
    } else {
        Callee::Other
    };
    let mut found: Vec<(&Expr, Callee)> = call
        .arguments
        .keywords
        .iter()
        .filter(|keyword| keyword.arg.as_ref().is_some_and(|arg| arg == "dtype"))
        .map(|keyword| (&keyword.value, callee))
        .collect();
    if method && name.is_none() {
        found.extend(positional(call, 0).map(|spec| (spec, Callee::Method)));
    }
    if let Some(name) = name {
        let tables = [
            (POSITIONAL_DTYPE, Callee::Numpy),
            (POSITIONAL_QUERY, Callee::Query),
        ];
        for (table, callee) in tables {
            for (_, position) in table.iter().filter(|(function, _)| *function == name) {
                found.extend(positional(call, *position).map(|spec| (spec, callee)));
            }
        }
    }
    found
}

/// The positional argument at `position`, if no starred argument comes before it.
pub fn positional(call: &ast::ExprCall, position: usize) -> Option<&Expr> {
    let args = &call.arguments.args;
    if args.iter().take(position + 1).any(Expr::is_starred_expr) {
        return None;
    }
    args.get(position)
}

/// Prefilter atoms for the places [`slots`] reads, where the text of the dtype (or of the
/// arguments around it) passes `holds`; the positional arguments of queries
/// (`np.issubdtype`) only for a rule that reads them (`queries`).
pub fn triggers(holds: fn(&str) -> bool, queries: bool) -> Vec<Atom> {
    let mut atoms = vec![Atom::Within(
        Anchor::Keyword("dtype".into()),
        Inside::Check(holds),
    )];
    for method in DTYPE_METHODS {
        atoms.push(Atom::Within(
            Anchor::Called((*method).into()),
            Inside::Argument(0, holds),
        ));
    }
    let queries = if queries { POSITIONAL_QUERY } else { &[] };
    for (function, position) in POSITIONAL_DTYPE.iter().chain(queries) {
        atoms.push(Atom::Within(
            Anchor::Call(vec![function.to_string()]),
            Inside::Argument(*position, holds),
        ));
    }
    atoms
}

/// Whether `text`, an argument's source, may be a spec that holds strings: a string, a
/// list, a tuple or a dict (see [`walk`]).
pub fn may_be_spec(text: &str) -> bool {
    let spec = text.trim_start_matches(|c: char| c.is_whitespace() || c == '(' || c == '\\');
    let prefix = spec
        .find(|c: char| !c.is_ascii_alphabetic())
        .unwrap_or(spec.len());
    let string = prefix <= 2 && spec[prefix..].starts_with(['"', '\'']);
    // A comment may hide where the spec starts.
    string || spec.starts_with(['[', '{', '#'])
}

/// A piece of a dtype spec.
#[derive(Debug, Clone, Copy)]
pub enum Piece<'a> {
    /// A dtype string: `"f8"`, `"i4,a8"`.
    String(&'a ast::ExprStringLiteral),
    /// `(base, shape)`: a subarray (or `(base, new_dtype)`).
    Subarray(&'a ast::ExprTuple),
    /// `(name, spec)` or `(name, spec, shape)`: a field of a structured dtype.
    Field(&'a ast::ExprTuple),
    /// Anything else where a dtype stands: a type, a name.
    Type(&'a Expr),
}

/// Visits the pieces of a dtype spec: the spec itself, the base of a subarray, the specs of
/// the fields of a list, and the `formats` of a dict.
pub fn walk<'a>(spec: &'a Expr, visit: &mut impl FnMut(Piece<'a>)) {
    match spec {
        Expr::StringLiteral(string) => visit(Piece::String(string)),
        Expr::Tuple(tuple) if tuple.elts.len() == 2 => {
            visit(Piece::Subarray(tuple));
            walk(&tuple.elts[0], visit);
        }
        Expr::List(list) => {
            for element in &list.elts {
                if let Expr::Tuple(field) = element
                    && matches!(field.elts.len(), 2 | 3)
                {
                    visit(Piece::Field(field));
                    walk(&field.elts[1], visit);
                }
            }
        }
        Expr::Dict(dict) => {
            for item in &dict.items {
                if let Some(Expr::StringLiteral(key)) = &item.key
                    && key.value.to_str() == "formats"
                    && let Expr::List(formats) = &item.value
                {
                    for format in &formats.elts {
                        walk(format, visit);
                    }
                }
            }
        }
        other => visit(Piece::Type(other)),
    }
}

/// The content of a dtype string as the source spells it, or `None` for a string made of
/// several parts or with escapes (its edits could not be placed, and the prefilter, which
/// reads the bytes, would not see it).
pub fn plain_content(checker: &Checker, string: &ast::ExprStringLiteral) -> Option<TextRange> {
    string
        .as_single_part_string()
        .map(ast::StringLiteral::content_range)
        .filter(|range| checker.source().slice(*range) == string.value.to_str())
}

/// One comma-separated part of a dtype string, read as NumPy's comma-string parser reads it
/// (`format_re` in `numpy/_core/_internal.py`): a byte order, a repeat count (`2`,
/// `(2, 3)`), a byte order, the type's name (letters, digits, `.`, `?`, maybe a `[unit]`),
/// and nothing but blanks after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    /// The repeat count without the blanks around it (empty when there is none).
    pub repeats: Range<usize>,
    pub name: Range<usize>,
}

pub fn parse_part(part: &str) -> Option<Part> {
    let bytes = part.as_bytes();
    let mut at = 0;
    let skip = |at: &mut usize, accept: fn(u8) -> bool| {
        while bytes.get(*at).copied().is_some_and(accept) {
            *at += 1;
        }
    };
    let order = |byte: u8| matches!(byte, b'<' | b'>' | b'|' | b'=');
    if bytes.first().copied().is_some_and(order) {
        at += 1;
    }
    skip(&mut at, |byte| byte == b' ');
    let repeats_start = at;
    if bytes.get(at) == Some(&b'(') {
        at += 1;
    }
    skip(&mut at, |byte| matches!(byte, b' ' | b',' | b'0'..=b'9'));
    if bytes.get(at) == Some(&b')') {
        at += 1;
    }
    let repeats = repeats_start..repeats_start.max(part[..at].trim_end().len());
    skip(&mut at, |byte| byte == b' ');
    if bytes.get(at).copied().is_some_and(order) {
        at += 1;
    }
    let name_start = at;
    skip(&mut at, |byte| {
        byte.is_ascii_alphanumeric() || matches!(byte, b'.' | b'?')
    });
    if bytes.get(at) == Some(&b'[') {
        at = at + part[at..].find(']')? + 1;
    }
    let name = name_start..at;
    (part[at..].trim().is_empty() && !name.is_empty()).then_some(Part { repeats, name })
}

/// The comma-separated parts of a dtype string, each with its offset.
pub fn parts(content: &str) -> impl Iterator<Item = (usize, &str)> {
    content.split(',').scan(0, |offset, part| {
        let start = *offset;
        *offset += part.len() + 1;
        Some((start, part))
    })
}

/// The content of each string literal in `text`, an argument's source. Each quote is tried
/// as an opening one, so that every string without escapes is seen whole, wherever it starts.
pub fn string_contents(text: &str) -> impl Iterator<Item = &str> {
    text.match_indices(['"', '\'']).map(|(open, quote)| {
        let content = &text[open + 1..];
        content
            .find(quote)
            .map_or(content, |close| &content[..close])
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_parts_as_numpy_does() {
        fn read(part: &str) -> Option<(&str, &str)> {
            parse_part(part).map(|p| (&part[p.repeats], &part[p.name]))
        }
        assert_eq!(read("i4"), Some(("", "i4")));
        assert_eq!(read(" a8"), Some(("", "a8")));
        assert_eq!(read("<a10"), Some(("", "a10")));
        assert_eq!(read(" (2, 3)f8 "), Some(("(2, 3)", "f8")));
        assert_eq!(read("2a3"), Some(("2", "a3")));
        assert_eq!(read("(2)>i4"), Some(("(2)", "i4")));
        assert_eq!(read("M8[ns]"), Some(("", "M8[ns]")));
        assert_eq!(read("float_"), None);
        assert_eq!(read(""), None);
        assert_eq!(read("i4 x"), None);
        let split: Vec<_> = parts("i4, f8,").collect();
        assert_eq!(split, vec![(0, "i4"), (3, " f8"), (7, "")]);
    }
}
