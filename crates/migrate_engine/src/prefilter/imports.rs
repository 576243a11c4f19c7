//! The names a file references through imports of tracked modules, found from the bytes the
//! way the resolver finds them, more loosely: every import statement of a tracked module
//! (`import numpy as np`, `from numpy.core import numeric`) binds a name, as does every import
//! of a name the project's own modules may bind to one (`from .compat import np`), and every
//! `name.attr.attr` chain of such a name is a reference. Scopes and rebinding are ignored,
//! so the scan over-approximates: it may find a reference the resolver would not, never
//! the reverse.

use memchr::memmem;
use rustc_hash::FxHashMap;

use crate::semantic::{IMPORTING_CALLS, LooseExports, ProjectImports};

/// What a file references.
pub(super) enum References {
    /// It star-imports a tracked module, which binds names the scan cannot list.
    Unknown,
    /// Each qualified name referenced, with where its references end (the ends of the
    /// `np.float_` chains; none for a name only imported).
    Names(FxHashMap<String, Vec<usize>>),
}

/// What the imports of a file bind, as far as the bytes tell.
enum Bindings {
    /// Names the scan cannot list.
    Unknown,
    Known {
        /// Modules imported without a name bound to them (`import numpy.core` binds `numpy`).
        modules: Vec<String>,
        /// Each name bound to a module, with the module it may stand for.
        bound_modules: Vec<(String, String)>,
        /// Each name bound by `from module import name`, with what it may stand for.
        bound_members: Vec<(String, String)>,
    },
}

/// The imports of `source` that bind tracked modules and members, directly or through
/// `project`'s modules.
fn bindings(source: &str, tracked: &[Box<str>], project: Option<&dyn ProjectImports>) -> Bindings {
    let mut modules = Vec::new();
    let mut bound_modules = Vec::new();
    let mut bound_members = Vec::new();
    let mentions_tracked = tracked
        .iter()
        .any(|root| word_starts(source, root).next().is_some());
    if !mentions_tracked && project.is_none() {
        return Bindings::Known {
            modules,
            bound_modules,
            bound_members,
        };
    }
    let is_tracked = |qualified: &str| {
        let root = qualified.split('.').next().unwrap_or(qualified);
        tracked.iter().any(|tracked| &**tracked == root)
    };
    if mentions_tracked {
        for call in IMPORTING_CALLS {
            for start in word_starts(source, call) {
                if let Some((names, module)) = imported_by_call(source, start, call)
                    && is_tracked(&module)
                {
                    for name in names {
                        bound_modules.push((name.to_string(), module.clone()));
                    }
                }
            }
        }
    }
    // Every import statement holds the word `import`; what comes before it tells which kind.
    let bytes = source.as_bytes();
    for start in word_starts(source, "import") {
        let statement = match before_import(bytes, start) {
            Before::From(from_end) => parse_from_import(source, from_end),
            Before::Other => parse_import(source, start + 6),
        };
        let Some(statement) = statement else {
            continue;
        };
        match statement {
            Statement::Import(imported) => {
                for (local, module) in imported {
                    match local {
                        _ if !is_tracked(&module) => {}
                        Some(local) => bound_modules.push((local, module)),
                        None => modules.push(module),
                    }
                }
            }
            Statement::From(from) if from.level == 0 && is_tracked(&from.module) => {
                let Some(names) = from.names else {
                    return Bindings::Unknown;
                };
                for (name, local) in names {
                    bound_members.push((local, format!("{}.{name}", from.module)));
                }
            }
            Statement::From(from) => {
                let Some(project) = project else {
                    continue;
                };
                let module = (!from.module.is_empty()).then_some(from.module.as_str());
                let exported = match project.loose_exports(from.level, module).as_deref() {
                    None => continue,
                    Some(LooseExports::Any) => return Bindings::Unknown,
                    Some(LooseExports::Names(exported)) => exported.clone(),
                };
                let imported = match from.names {
                    Some(names) => names,
                    None => exported
                        .keys()
                        .map(|name| (name.clone(), name.clone()))
                        .collect(),
                };
                for (name, local) in imported {
                    for qualified in exported.get(&name).into_iter().flatten() {
                        bound_modules.push((local.clone(), qualified.clone()));
                    }
                }
            }
        }
    }
    Bindings::Known {
        modules,
        bound_modules,
        bound_members,
    }
}

/// `name = call("module")` around the word `call` at `start` (`np =
/// pytest.importorskip("numpy")`, also `a = b = ...`): the names, and the module they may be
/// bound to (the top-level package for `__import__`, which returns it).
fn imported_by_call<'s>(
    source: &'s str,
    start: usize,
    call: &str,
) -> Option<(Vec<&'s str>, String)> {
    let bytes = source.as_bytes();
    let open = skip_blanks(bytes, start + call.len(), true);
    if bytes.get(open) != Some(&b'(') {
        return None;
    }
    let mut at = skip_blanks(bytes, open + 1, true);
    while bytes
        .get(at)
        .is_some_and(|byte| matches!(byte, b'r' | b'R' | b'u' | b'U'))
    {
        at += 1;
    }
    if !matches!(bytes.get(at), Some(b'"' | b'\'')) {
        return None;
    }
    let (mut module, _) = dotted(source, at + 1)?;
    if call == "__import__" {
        module.truncate(module.find('.').unwrap_or(module.len()));
    }
    let identifier_start = |end: usize| {
        end - bytes[..end]
            .iter()
            .rev()
            .take_while(|byte| is_identifier_byte(**byte))
            .count()
    };
    // Back over `pytest.` or `importlib.`, then each `name =` (not `==`, `+=`, ...).
    let mut at = skip_blanks_back(bytes, start);
    if at > 0 && bytes[at - 1] == b'.' {
        at = skip_blanks_back(bytes, identifier_start(skip_blanks_back(bytes, at - 1)));
    }
    let mut names = Vec::new();
    while at > 0 && bytes[at - 1] == b'=' && !(at > 1 && b"=!<>:+-*/%&|^@".contains(&bytes[at - 2]))
    {
        let end = skip_blanks_back(bytes, at - 1);
        let name_start = identifier_start(end);
        let Some((name, _)) = identifier(source, name_start) else {
            break;
        };
        names.push(name);
        at = skip_blanks_back(bytes, name_start);
    }
    Some((names, module))
}

/// What a module may bind to tracked modules (see [`ProjectImports`]).
pub fn loose_exports(
    source: &str,
    tracked: &[Box<str>],
    project: &dyn ProjectImports,
) -> LooseExports {
    match bindings(source, tracked, Some(project)) {
        Bindings::Unknown => LooseExports::Any,
        Bindings::Known { bound_modules, .. } => {
            let mut names: FxHashMap<String, Vec<String>> = FxHashMap::default();
            for (local, qualified) in bound_modules {
                let qualified_names = names.entry(local).or_default();
                if !qualified_names.contains(&qualified) {
                    qualified_names.push(qualified);
                }
            }
            LooseExports::Names(names)
        }
    }
}

/// The references of `source` to the modules whose top-level packages are `tracked`. The
/// uses of a name bound by an import are searched only if `uses_matter` says so of what it
/// names (the import alone references that).
pub(super) fn references(
    source: &str,
    tracked: &[Box<str>],
    project: Option<&dyn ProjectImports>,
    uses_matter: impl Fn(&str) -> bool,
) -> References {
    let mut names: FxHashMap<String, Vec<usize>> = FxHashMap::default();
    let Bindings::Known {
        modules,
        bound_modules,
        bound_members,
    } = bindings(source, tracked, project)
    else {
        return References::Unknown;
    };
    for module in modules {
        names.entry(module).or_default();
    }
    let mut bindings: Vec<(String, String)> = Vec::new();
    for (local, qualified) in bound_modules.into_iter().chain(bound_members) {
        names.entry(qualified.clone()).or_default();
        if uses_matter(&qualified) {
            bindings.push((local, qualified));
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
    /// `from a.b` or `from ..a`, the keyword `from` ending here.
    From(usize),
    /// Anything else: `import` starts the statement (or is no statement at all).
    Other,
}

/// What precedes the keyword `import` at `at`, read backwards: `from`, then a dotted name
/// (`from numpy.core`), dots (`from .`, `from ..a`), or both.
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
            return if after_dot || after_name {
                Before::From(at)
            } else {
                Before::Other
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

/// An import statement, as far as the scan cares.
enum Statement {
    /// `import a.b as c, d`: each module, with the name bound to it (none for `import a.b`,
    /// which binds `a`, listed on its own).
    Import(Vec<(Option<String>, String)>),
    From(FromImport),
}

/// `from ..a.b import c as d, e`.
struct FromImport {
    /// The number of leading dots.
    level: u32,
    /// The dotted name after them (empty in `from . import x`).
    module: String,
    /// Each name with the local name it binds; `None` for `*`.
    names: Option<Vec<(String, String)>>,
}

/// What `import a.b as c, d` does, right after the keyword `import` ending at `at`.
fn parse_import(source: &str, at: usize) -> Option<Statement> {
    let bytes = source.as_bytes();
    let mut imported = Vec::new();
    let mut at = skip_blanks(bytes, at, false);
    loop {
        let (module, end) = dotted(source, at)?;
        at = skip_blanks(bytes, end, false);
        match identifier(source, at) {
            Some(("as", end)) => {
                let (alias, end) = identifier(source, skip_blanks(bytes, end, false))?;
                at = skip_blanks(bytes, end, false);
                imported.push((Some(alias.to_string()), module));
            }
            _ => {
                let root = module.split('.').next().unwrap_or(&module).to_string();
                if root != module {
                    imported.push((None, module));
                }
                imported.push((Some(root.clone()), root));
            }
        }
        if bytes.get(at) != Some(&b',') {
            return Some(Statement::Import(imported));
        }
        at = skip_blanks(bytes, at + 1, false);
    }
}

/// What `from ..a.b import c as d, e` binds, right after the keyword `from` ending at `at`.
fn parse_from_import(source: &str, at: usize) -> Option<Statement> {
    let bytes = source.as_bytes();
    let mut at = skip_blanks(bytes, at, false);
    let mut level = 0;
    while bytes.get(at) == Some(&b'.') {
        level += 1;
        at = skip_blanks(bytes, at + 1, false);
    }
    let (module, end) = match dotted(source, at) {
        Some((module, end)) if module != "import" => (module, end),
        _ if level > 0 => (String::new(), at),
        _ => return None,
    };
    let (keyword, end) = identifier(source, skip_blanks(bytes, end, false))?;
    if keyword != "import" {
        return None;
    }
    let mut at = skip_blanks(bytes, end, false);
    let from = |names| {
        Some(Statement::From(FromImport {
            level,
            module,
            names,
        }))
    };
    if bytes.get(at) == Some(&b'*') {
        return from(None);
    }
    let parenthesized = bytes.get(at) == Some(&b'(');
    if parenthesized {
        at += 1;
    }
    let mut names = Vec::new();
    loop {
        at = skip_blanks(bytes, at, parenthesized);
        let Some((name, end)) = identifier(source, at) else {
            return from(Some(names));
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
        names.push((name.to_string(), local));
        if bytes.get(at) != Some(&b',') {
            return from(Some(names));
        }
        at += 1;
    }
}
