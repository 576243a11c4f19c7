//! The names a file references through imports of tracked modules, found from the bytes the
//! way the resolver finds them, more loosely: every import statement of a tracked module
//! (`import numpy as np`, `from numpy.core import numeric`) binds a name, and every
//! `name.attr.attr` chain of such a name is a reference. Scopes and rebinding are ignored,
//! so the scan over-approximates: it may find a reference the resolver would not, never
//! the reverse.

use memchr::memmem;
use rustc_hash::FxHashMap;

/// What a file references.
pub(super) enum References {
    /// It star-imports a tracked module, which binds names the scan cannot list.
    Unknown,
    /// Each qualified name referenced, with where its references end (the ends of the
    /// `np.float_` chains; none for a name only imported).
    Names(FxHashMap<String, Vec<usize>>),
}

/// The references of `source` to the modules whose top-level packages are `tracked`. The
/// uses of a name bound by an import are searched only if `uses_matter` says so of what it
/// names (the import alone references that).
pub(super) fn references(
    source: &str,
    tracked: &[Box<str>],
    uses_matter: impl Fn(&str) -> bool,
) -> References {
    let mut names: FxHashMap<String, Vec<usize>> = FxHashMap::default();
    if !tracked
        .iter()
        .any(|root| word_starts(source, root).next().is_some())
    {
        return References::Names(names);
    }
    let is_tracked = |qualified: &str| {
        let root = qualified.split('.').next().unwrap_or(qualified);
        tracked.iter().any(|tracked| &**tracked == root)
    };
    // Every import statement holds the word `import`; what comes before it tells which kind.
    let bytes = source.as_bytes();
    let statements = word_starts(source, "import").map(|start| match before_import(bytes, start) {
        Before::From(from_end) => parse_from_import(source, from_end),
        Before::Relative => None,
        Before::Other => parse_import(source, start + 6),
    });
    let mut bindings: Vec<(String, String)> = Vec::new();
    for imported in statements.flatten().flatten() {
        match imported {
            Imported::Star(module) if is_tracked(&module) => return References::Unknown,
            Imported::Module(module) if is_tracked(&module) => {
                names.entry(module).or_default();
            }
            Imported::Bound { local, qualified } if is_tracked(&qualified) => {
                names.entry(qualified.clone()).or_default();
                if uses_matter(&qualified) {
                    bindings.push((local, qualified));
                }
            }
            _ => {}
        }
    }
    if bindings.is_empty() {
        return References::Names(names);
    }
    bindings.sort_unstable();
    bindings.dedup();
    // Each name bound, searched on its own: memmem outruns an automaton built per file.
    let mut qualified = String::new();
    for (local, module) in &bindings {
        for start in word_starts(source, local) {
            qualified.clear();
            qualified.push_str(module);
            let mut at = start + local.len();
            while let Some((attribute, next)) = attribute_after(source, at) {
                qualified.push('.');
                qualified.push_str(attribute);
                at = next;
            }
            match names.get_mut(qualified.as_str()) {
                Some(ends) => ends.push(at),
                None => {
                    names.insert(qualified.clone(), vec![at]);
                }
            }
        }
    }
    References::Names(names)
}

/// Whether `byte` may be part of an identifier (any byte of a non-ASCII character may).
pub fn is_identifier_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_' || byte >= 0x80
}

/// Whether the match at `start..end` of `source` stands alone: no identifier character
/// touches it (a byte-order mark or other non-letter is no identifier).
fn is_whole_word(source: &str, start: usize, end: usize) -> bool {
    let is_identifier_char = |c: char| c.is_alphanumeric() || c == '_';
    let before = source
        .get(..start)
        .and_then(|text| text.chars().next_back());
    let after = source.get(end..).and_then(|text| text.chars().next());
    !before.is_some_and(is_identifier_char) && !after.is_some_and(is_identifier_char)
}

/// The start of each whole-word occurrence of `word` in `source` (none of an empty word).
pub fn word_starts<'s>(source: &'s str, word: &'s str) -> impl Iterator<Item = usize> + 's {
    memmem::find_iter(source.as_bytes(), word.as_bytes())
        .filter(move |start| !word.is_empty() && is_whole_word(source, *start, start + word.len()))
}

/// Skip blanks, line continuations, and (`multiline`) newlines and comments.
pub fn skip_blanks(bytes: &[u8], mut at: usize, multiline: bool) -> usize {
    loop {
        match bytes.get(at) {
            Some(b' ' | b'\t' | b'\x0c') => at += 1,
            Some(b'\\') if matches!(bytes.get(at + 1), Some(b'\n' | b'\r')) => {
                at += 2;
                if bytes.get(at - 1) == Some(&b'\r') && bytes.get(at) == Some(&b'\n') {
                    at += 1;
                }
            }
            Some(b'\n' | b'\r') if multiline => at += 1,
            Some(b'#') if multiline => {
                while !matches!(bytes.get(at), None | Some(b'\n' | b'\r')) {
                    at += 1;
                }
            }
            _ => return at,
        }
    }
}

/// The identifier at `at`, and where it ends.
fn identifier(source: &str, at: usize) -> Option<(&str, usize)> {
    let bytes = source.as_bytes();
    let first = *bytes.get(at)?;
    if !(first.is_ascii_alphabetic() || first == b'_' || first >= 0x80) {
        return None;
    }
    let mut end = at;
    while bytes.get(end).copied().is_some_and(is_identifier_byte) {
        end += 1;
    }
    source.get(at..end).map(|name| (name, end))
}

/// A dotted name (`numpy.core.numeric`) at `at`.
fn dotted(source: &str, at: usize) -> Option<(String, usize)> {
    let (first, mut end) = identifier(source, at)?;
    let mut name = first.to_string();
    while let Some((part, next)) = attribute_after(source, end) {
        name.push('.');
        name.push_str(part);
        end = next;
    }
    Some((name, end))
}

/// `.attribute` after `at`, with the blanks, newlines and comments Python allows around the
/// dot (loosely: newlines only matter inside brackets, and accepting them is safe here).
fn attribute_after(source: &str, at: usize) -> Option<(&str, usize)> {
    let bytes = source.as_bytes();
    let dot = skip_blanks(bytes, at, true);
    if bytes.get(dot) != Some(&b'.') {
        return None;
    }
    identifier(source, skip_blanks(bytes, dot + 1, true))
}

const BYTE_ORDER_MARK: &[u8] = "\u{feff}".as_bytes();

/// What precedes the keyword `import`.
enum Before {
    /// `from a.b`, the keyword `from` ending here.
    From(usize),
    /// `from .a` (a relative import: of no tracked module).
    Relative,
    /// Anything else: `import` starts the statement (or is no statement at all).
    Other,
}

/// What precedes the keyword `import` at `at`, read backwards: `from`, then a dotted name
/// (`from numpy.core`) or dots (`from .`, `from ..a`).
fn before_import(bytes: &[u8], at: usize) -> Before {
    let mut at = skip_blanks_back(bytes, at);
    // Whether the last thing read (the next in the text) was a dot, a name, or nothing yet.
    let mut after_dot = false;
    let mut after_name = false;
    loop {
        if at > 0 && bytes[at - 1] == b'.' {
            after_dot = true;
            after_name = false;
            at = skip_blanks_back(bytes, at - 1);
            continue;
        }
        let start = match bytes[..at]
            .iter()
            .rposition(|byte| !is_identifier_byte(*byte))
        {
            Some(before) => before + 1,
            // A byte-order mark (no identifier, yet bytes above 0x7F) may open the file.
            None if bytes.starts_with(BYTE_ORDER_MARK) && at >= BYTE_ORDER_MARK.len() => {
                BYTE_ORDER_MARK.len()
            }
            None => 0,
        };
        let word = &bytes[start..at];
        if word == b"from" {
            return match (after_dot, after_name) {
                (true, _) => Before::Relative,
                (false, true) => Before::From(at),
                (false, false) => Before::Other,
            };
        }
        if word.is_empty() || after_name {
            return Before::Other;
        }
        after_name = true;
        after_dot = false;
        at = skip_blanks_back(bytes, start);
    }
}

/// Where the blanks and line continuations that end at `at` start.
fn skip_blanks_back(bytes: &[u8], mut at: usize) -> usize {
    loop {
        match bytes[..at] {
            [.., b' ' | b'\t' | b'\x0c'] => at -= 1,
            [.., b'\\', b'\n' | b'\r'] => at -= 2,
            [.., b'\\', b'\r', b'\n'] => at -= 3,
            _ => return at,
        }
    }
}

/// What an import statement does, as far as the scan cares.
enum Imported {
    /// `local` now names the module or object `qualified`.
    Bound { local: String, qualified: String },
    /// A module imported (so referenced) that no name is bound to: `import numpy.core`
    /// binds `numpy` only.
    Module(String),
    /// `from module import *`.
    Star(String),
}

/// What `import a.b as c, d` does, right after the keyword `import` ending at `at`.
fn parse_import(source: &str, at: usize) -> Option<Vec<Imported>> {
    let bytes = source.as_bytes();
    let mut bindings = Vec::new();
    let mut at = skip_blanks(bytes, at, false);
    loop {
        let (module, end) = dotted(source, at)?;
        at = skip_blanks(bytes, end, false);
        match identifier(source, at) {
            Some(("as", end)) => {
                let (alias, end) = identifier(source, skip_blanks(bytes, end, false))?;
                at = skip_blanks(bytes, end, false);
                let local = alias.to_string();
                bindings.push(Imported::Bound {
                    local,
                    qualified: module,
                });
            }
            _ => {
                let root = module.split('.').next().unwrap_or(&module).to_string();
                if root != module {
                    bindings.push(Imported::Module(module));
                }
                bindings.push(Imported::Bound {
                    local: root.clone(),
                    qualified: root,
                });
            }
        }
        if bytes.get(at) != Some(&b',') {
            return Some(bindings);
        }
        at = skip_blanks(bytes, at + 1, false);
    }
}

/// What `from a.b import c as d, e` binds, right after the keyword `from` ending at `at`.
fn parse_from_import(source: &str, at: usize) -> Option<Vec<Imported>> {
    let bytes = source.as_bytes();
    let (module, end) = dotted(source, skip_blanks(bytes, at, false))?;
    let (keyword, end) = identifier(source, skip_blanks(bytes, end, false))?;
    if keyword != "import" {
        return None;
    }
    let mut at = skip_blanks(bytes, end, false);
    if bytes.get(at) == Some(&b'*') {
        return Some(vec![Imported::Star(module)]);
    }
    let parenthesized = bytes.get(at) == Some(&b'(');
    if parenthesized {
        at += 1;
    }
    let mut bindings = Vec::new();
    loop {
        at = skip_blanks(bytes, at, parenthesized);
        let Some((name, end)) = identifier(source, at) else {
            return Some(bindings);
        };
        at = skip_blanks(bytes, end, parenthesized);
        let local = match identifier(source, at) {
            Some(("as", end)) => {
                let (alias, end) = identifier(source, skip_blanks(bytes, end, parenthesized))?;
                at = skip_blanks(bytes, end, parenthesized);
                alias.to_string()
            }
            _ => name.to_string(),
        };
        let qualified = format!("{module}.{name}");
        bindings.push(Imported::Bound { local, qualified });
        if bytes.get(at) != Some(&b',') {
            return Some(bindings);
        }
        at += 1;
    }
}
