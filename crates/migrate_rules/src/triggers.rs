//! Building the rules' [`Triggers`](migrate_engine::prefilter::Triggers).

use std::cell::RefCell;

use migrate_engine::prefilter::{
    Anchor, Atom, Inside, is_identifier_byte, skip_blanks, word_starts,
};

/// How many occurrences the text checks below read before letting a file through: they are
/// linear per occurrence, and a file made of occurrences must not take quadratic time.
pub const MAX_OCCURRENCES: usize = 256;

/// How many distinct converted names [`converts_name_assigned_from`] reads the assignments
/// of (each a scan of the text) before letting a file through.
const MAX_NAMES: usize = 32;

/// How many assignments of one name to another [`converts_name_assigned_from`] follows.
const MAX_NAME_STEPS: usize = 4;

/// How far after `float(` a bare name argument may end (blanks and line breaks included).
const MAX_ARGUMENT_BYTES: usize = 256;

/// Whether `word` occurs more than [`MAX_OCCURRENCES`] times in `source`.
fn occurs_often(source: &str, word: &str) -> bool {
    memchr::memmem::find_iter(source.as_bytes(), word.as_bytes())
        .nth(MAX_OCCURRENCES)
        .is_some()
}

/// A reference atom for these qualified names.
pub fn references<S: AsRef<str>>(names: impl IntoIterator<Item = S>) -> Atom {
    Atom::Reference(owned(names))
}

/// A call of one of `functions` (qualified names) with one of `words` in its arguments.
pub fn call_with<S: AsRef<str>>(functions: impl IntoIterator<Item = S>, words: &[&str]) -> Atom {
    Atom::Within(Anchor::Call(owned(functions)), Inside::Texts(owned(words)))
}

pub(crate) fn owned<S: AsRef<str>>(names: impl IntoIterator<Item = S>) -> Vec<String> {
    names
        .into_iter()
        .map(|name| name.as_ref().to_string())
        .collect()
}

/// Whether one of the calls starting at `starts` (`float(x)`) may convert a bare name that the
/// file assigns a value for which `may_hold` says `true`, given the rest of the assignment's
/// line and the names the file imports the last components of `functions` as (`w` of `from
/// numpy import where as w`). Generous where the text is unusual (comments, continuation
/// lines, open brackets).
pub fn converts_name_assigned_from(
    source: &str,
    starts: &[usize],
    functions: &[&str],
    may_hold: fn(&str, &[&str]) -> bool,
) -> bool {
    let bytes = source.as_bytes();
    if starts.len() > MAX_OCCURRENCES {
        return true;
    }
    // Read only once a conversion of an assigned name is found: most files have none.
    let aliases = std::cell::OnceCell::new();
    let aliases = || {
        aliases.get_or_init(|| {
            let mut aliases = Vec::new();
            for function in functions {
                let name = function.rsplit('.').next().unwrap_or(function);
                aliases.extend(
                    memchr::memmem::find_iter(bytes, name.as_bytes())
                        .filter_map(|at| alias_after(source, at + name.len())),
                );
            }
            aliases
        })
    };
    let judged = RefCell::default();
    starts.iter().any(|&start| {
        let name_end = identifier_end(bytes, start);
        let open = skip_blanks(bytes, name_end, true);
        if bytes.get(open) != Some(&b'(') {
            return false;
        }
        // Up to the first `)`: the whole argument list where it is one bare name.
        let after = &bytes[open + 1..(open + 1 + MAX_ARGUMENT_BYTES).min(bytes.len())];
        let Some(close) = memchr::memchr(b')', after) else {
            return true;
        };
        let inside = &source[open + 1..open + 1 + close];
        if inside.contains(['#', '\\']) {
            return true;
        }
        let argument = inside.trim_matches(|c: char| c.is_whitespace() || c == ',');
        !argument.is_empty()
            && argument.bytes().all(is_identifier_byte)
            && assigned_may_hold(source, argument, 0, &judged, &|value| {
                may_hold(value, aliases())
            })
    })
}

/// Whether `name` may be assigned a value for which `may_hold` says `true`, following the
/// names it is assigned (`x = y`) a few steps. Each name's assignments are read once (a scan
/// of the text, recorded in `judged`), for a bounded number of names.
fn assigned_may_hold<'s>(
    source: &'s str,
    name: &'s str,
    depth: usize,
    judged: &RefCell<Vec<(&'s str, bool)>>,
    may_hold: &dyn Fn(&str) -> bool,
) -> bool {
    if let Some((_, holds)) = judged.borrow().iter().find(|(known, _)| *known == name) {
        return *holds;
    }
    if judged.borrow().len() >= MAX_NAMES || depth > MAX_NAME_STEPS {
        return true;
    }
    // Until known (a cycle `x = y; y = x` comes back here), the name may hold one.
    judged.borrow_mut().push((name, true));
    let holds = assigned_values(source, name).any(|value| {
        let value = first_item(value).trim();
        if is_plain_name(value) {
            assigned_may_hold(source, value, depth + 1, judged, may_hold)
        } else {
            may_hold(value)
        }
    });
    if let Some(entry) = judged
        .borrow_mut()
        .iter_mut()
        .find(|(known, _)| *known == name)
    {
        entry.1 = holds;
    }
    holds
}

/// A name, not a number or a constant (`x`, not `9` or `None`).
fn is_plain_name(text: &str) -> bool {
    text.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && text.bytes().all(is_identifier_byte)
        && !matches!(text, "None" | "True" | "False")
}

/// The text up to its first comma outside brackets and strings: the value of a parameter's
/// default (`y='linear', copy=True,` of a signature), the first item of a tuple. Unchanged
/// where a string does not end on the line.
fn first_item(text: &str) -> &str {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut at = 0;
    while at < bytes.len() {
        match bytes[at] {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            b',' if depth == 0 => return &text[..at],
            quote @ (b'"' | b'\'') => match memchr::memchr(quote, &bytes[at + 1..]) {
                Some(length) => at += length + 1,
                None => return text,
            },
            _ => {}
        }
        at += 1;
    }
    text
}

/// The name an import gives what ends at `end` (`w` of `where as w`), if `as` follows.
fn alias_after(source: &str, end: usize) -> Option<&str> {
    let bytes = source.as_bytes();
    let after = skip_blanks(bytes, end, true);
    if !bytes[after..].starts_with(b"as ") {
        return None;
    }
    let alias_start = skip_blanks(bytes, after + 2, true);
    let alias = &source[alias_start..identifier_end(bytes, alias_start)];
    (!alias.is_empty()).then_some(alias)
}

/// Where the identifier that starts at `start` ends.
pub(crate) fn identifier_end(bytes: &[u8], start: usize) -> usize {
    bytes[start..]
        .iter()
        .position(|b| !is_identifier_byte(*b))
        .map_or(bytes.len(), |n| start + n)
}

/// The rest of each line that may assign `name` after its `=` (`name =`, `name: T =`,
/// `a, name =`, `name :=`; not `name ==` nor `f(name, b=1)`).
fn assigned_values<'s>(source: &'s str, name: &'s str) -> impl Iterator<Item = &'s str> + 's {
    let bytes = source.as_bytes();
    memchr::memmem::find_iter(bytes, name.as_bytes()).filter_map(move |at| {
        let end = at + name.len();
        // `self.name = ...` assigns an attribute, not the name.
        if at > 0 && (is_identifier_byte(bytes[at - 1]) || bytes[at - 1] == b'.')
            || bytes.get(end).is_some_and(|b| is_identifier_byte(*b))
        {
            return None;
        }
        let line_end =
            memchr::memchr2(b'\n', b'\r', &bytes[end..]).map_or(bytes.len(), |n| end + n);
        let after = skip_blanks(bytes, end, false);
        if bytes[after..].starts_with(b":=") {
            return Some(&source[after + 2..line_end]);
        }
        let line_start = memchr::memrchr2(b'\n', b'\r', &bytes[..at]).map_or(0, |n| n + 1);
        let line = &bytes[line_start..line_end];
        // The first `=` that is not part of `==`, `<=`, `>=`, `!=`.
        let equals = (0..line.len()).find(|&i| {
            line[i] == b'='
                && line.get(i + 1) != Some(&b'=')
                && !(i > 0 && matches!(line[i - 1], b'=' | b'<' | b'>' | b'!'))
        })?;
        let target = &line[..equals];
        // `f(name=...)`, `def f(name=...)`: a keyword argument or a default, no assignment.
        let open_before = {
            let before = &line[..at - line_start];
            before.iter().filter(|&&b| b == b'(').count()
                > before.iter().filter(|&&b| b == b')').count()
        };
        if open_before && line_start + equals == end {
            return None;
        }
        let is_target = line_start + equals >= end
            && target.iter().all(|&b| {
                is_identifier_byte(b)
                    || matches!(
                        b,
                        b' ' | b'\t' | b',' | b'(' | b')' | b'[' | b']' | b'*' | b'.' | b':'
                    )
            });
        is_target.then(|| &source[line_start + equals + 1..line_end])
    })
}

/// Whether a name that a call at one of `starts` (of `meshgrid` in `g = np.meshgrid(...)`, or
/// of the alias `from ... import meshgrid as m` gives it) is assigned to is then changed as a
/// list: `g.append(...)` (one of `methods`), `g[0] = ...`, `del g[0]`. Generous where the
/// call is not on the line of its assignment.
pub fn mutates_name_assigned_from(source: &str, starts: &[usize], methods: &[&str]) -> bool {
    let bytes = source.as_bytes();
    if starts.len() > MAX_OCCURRENCES {
        return true;
    }
    let mut calls = starts.to_vec();
    for &start in starts {
        if let Some(alias) = alias_after(source, identifier_end(bytes, start)) {
            if occurs_often(source, alias) {
                return true;
            }
            calls.extend(word_starts(source, alias));
        }
    }
    calls.into_iter().any(|call| {
        let line_start = memchr::memrchr2(b'\n', b'\r', &bytes[..call]).map_or(0, |n| n + 1);
        // What precedes the call on its line, without the call's own `np.` prefix.
        let before = source[line_start..call]
            .trim_end_matches(|c: char| c == '.' || c.is_alphanumeric() || c == '_')
            .trim();
        if before.is_empty() {
            // The call starts its line: maybe the value of an assignment above it (`g =
            // \`, `g = (`), not an argument or an item (`f(`, `[`, `,`).
            let above = source[..line_start].trim_end();
            return above.ends_with(['=', '\\'])
                || above
                    .strip_suffix('(')
                    .is_some_and(|rest| rest.trim_end().ends_with('='));
        }
        // `g = np.meshgrid(`, `a = b = (np.meshgrid(`: every part before the last `=`, when
        // the call is the value (not inside one: `X = np.asarray(np.atleast_2d(x))`).
        let mut parts: Vec<&str> = before.split('=').collect();
        let value_before_call = parts.pop().unwrap_or_default();
        if !value_before_call
            .chars()
            .all(|c| c == '(' || c.is_whitespace())
        {
            return false;
        }
        parts.into_iter().map(str::trim).any(|target| {
            !target.is_empty()
                && target.bytes().all(is_identifier_byte)
                && is_changed_as_list(source, target, methods)
        })
    })
}

/// Whether `name.method(`, `name[...] =` or `del name[` may occur in `source`.
fn is_changed_as_list(source: &str, name: &str, methods: &[&str]) -> bool {
    let bytes = source.as_bytes();
    occurs_often(source, name)
        || word_starts(source, name).any(|at| {
            let after = at + name.len();
            match bytes.get(after) {
                Some(b'.') => {
                    let method_end = identifier_end(bytes, after + 1);
                    methods.contains(&&source[after + 1..method_end])
                }
                Some(b'[') => {
                    let line_end = memchr::memchr2(b'\n', b'\r', &bytes[after..])
                        .map_or(bytes.len(), |n| after + n);
                    let line = &source[after..line_end];
                    source[..at].trim_end().ends_with("del")
                        || line.contains("] =") && !line.contains("==")
                        || line.contains("]=") && !line.contains("]==")
                        || line.ends_with('\\')
                        || !line.contains(']')
                }
                _ => false,
            }
        })
}

/// Whether a call's `arguments` may be one number or bool literal, maybe signed or in
/// parentheses (`5`, `-1.5`, `(True)`); generous beside comments and continuation lines.
pub fn may_be_one_literal(arguments: &str) -> bool {
    if arguments.contains(['#', '\\']) {
        return true;
    }
    let value = arguments
        .trim_start_matches(|c: char| c.is_whitespace() || matches!(c, '-' | '+' | '~' | '('))
        .trim_end_matches(|c: char| c.is_whitespace() || matches!(c, ')' | ','));
    matches!(value, "True" | "False")
        || value.starts_with(|c: char| c.is_ascii_digit() || c == '.')
            && value
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'+' | b'-'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn starts(source: &str, word: &str) -> Vec<usize> {
        word_starts(source, word).collect()
    }

    #[test]
    fn conversions_of_names_assigned_from_a_function() {
        // The value holds what the rule asks for where it starts with a call of `where` or
        // of an alias of it.
        let holds = |source: &str| {
            converts_name_assigned_from(
                source,
                &starts(source, "int"),
                &["numpy.where"],
                |value, aliases| {
                    let value = value.trim();
                    value.starts_with("np.where(")
                        || aliases
                            .iter()
                            .any(|alias| value.starts_with(&format!("{alias}(")))
                },
            )
        };
        assert!(holds("i = np.where(m)[0]\nint(i)"));
        assert!(holds(
            "from numpy import where as w\ni: object = w(m)[0]\nint(i)"
        ));
        assert!(holds("a = np.where(m)\nint(\n    a,\n)"));
        assert!(holds("if (i := np.where(m)):\n    int(i)"));
        assert!(!holds("i = len(m)\nint(i)"));
        assert!(!holds("i = np.where(m)\nint(i + 1)"));
        assert!(!holds("i = np.where(m)\nint((i))"));
        assert!(!holds("f(i=np.where(m))\nint(i)"));
        assert!(!holds("if i == np.where(m):\n    int(i)"));
        assert!(!holds("self.i = np.where(m)\nint(i)"));
    }

    #[test]
    fn one_literal() {
        for yes in ["5", " -1.5 ", "(True)", "0x1F,", "1e3", "2j", "x # c", ""] {
            assert_eq!(may_be_one_literal(yes), !yes.is_empty(), "{yes:?}");
        }
        for no in ["x", "5, 2", "a > 0", "[1]", "f(1)"] {
            assert!(!may_be_one_literal(no), "{no:?}");
        }
    }

    #[test]
    fn list_changes_of_names_assigned_from_a_function() {
        let holds = |source: &str| {
            mutates_name_assigned_from(source, &starts(source, "meshgrid"), &["append"])
        };
        assert!(holds("g = np.meshgrid(a, b)\ng.append(c)"));
        assert!(holds("h = g = np.meshgrid(a, b)\nh[0] = c"));
        assert!(holds(
            "from numpy import meshgrid as mg\ng = mg(a, b)\ndel g[0]"
        ));
        assert!(holds("g = (\n    np.meshgrid(a, b))\nprint(g)"));
        assert!(!holds("g = np.meshgrid(a, b)\nx = g[0]\ng[0] == 1"));
        assert!(!holds("g = np.meshgrid(a, b)\nh.append(g)"));
        // The call is the value, maybe in parentheses, not inside it.
        assert!(holds("g = (np.meshgrid(a, b))\ng.append(c)"));
        assert!(holds("g = \\\n    np.meshgrid(a, b)\ng.append(c)"));
        assert!(!holds("X = np.asarray(np.meshgrid(a, b))\nX[0] = 1"));
        assert!(!holds("k = np.stack(\n    np.meshgrid(a, b),\n)\nk[0] = 1"));
        assert!(!holds("k = [\n    np.meshgrid(a, b)]\nk.append(c)"));
    }
}
