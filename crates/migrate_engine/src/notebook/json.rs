//! Just enough JSON to rewrite a notebook without reformatting it: where each cell's `source`
//! value is in the raw text, and how to respell a string so that only what changed changes.
//!
//! The text has already been parsed by `serde_json` (which says whether it is JSON at all);
//! this scanner only finds byte spans, and fails rather than guesses on anything unexpected.

use std::ops::Range;

/// The byte span of each cell's `source_key` value (`None` for a cell without one), in cell
/// order: the cells of nbformat 4's `cells` list, or (`worksheets`) of every worksheet of
/// nbformat 3 in turn.
pub(super) fn source_spans(
    raw: &str,
    worksheets: bool,
    source_key: &str,
) -> Result<Vec<Option<Range<usize>>>, String> {
    let mut scanner = Scanner { raw, at: 0 };
    let mut spans = Vec::new();
    let cells = |scanner: &mut Scanner, spans: &mut Vec<_>| {
        scanner.array(|scanner, _| {
            let mut source = None;
            scanner.object(|scanner, key| {
                let value = scanner.skip_value()?;
                if key == source_key {
                    source = Some(value);
                }
                Ok(())
            })?;
            spans.push(source);
            Ok(())
        })
    };
    scanner.object(|scanner, key| match key {
        "cells" if !worksheets => {
            spans.clear();
            cells(scanner, &mut spans)
        }
        "worksheets" if worksheets => {
            spans.clear();
            scanner.array(|scanner, _| {
                let first = spans.len();
                scanner.object(|scanner, key| match key {
                    // A repeated key: the last one counts, as for `serde_json`.
                    "cells" => {
                        spans.truncate(first);
                        cells(scanner, &mut spans)
                    }
                    _ => scanner.skip_value().map(drop),
                })
            })
        }
        _ => scanner.skip_value().map(drop),
    })?;
    Ok(spans)
}

/// The byte spans of the string items of the JSON array `raw` (a `source` list).
pub(super) fn array_items(raw: &str) -> Result<Vec<Range<usize>>, String> {
    let mut scanner = Scanner { raw, at: 0 };
    let mut items = Vec::new();
    scanner.array(|scanner, _| {
        items.push(scanner.string()?);
        Ok(())
    })?;
    Ok(items)
}

struct Scanner<'a> {
    raw: &'a str,
    at: usize,
}

impl Scanner<'_> {
    fn peek(&self) -> Option<u8> {
        self.raw.as_bytes().get(self.at).copied()
    }

    fn skip_whitespace(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    fn expect(&mut self, byte: u8) -> Result<(), String> {
        self.skip_whitespace();
        if self.peek() == Some(byte) {
            self.at += 1;
            Ok(())
        } else {
            Err(format!(
                "expected `{}` at byte {}",
                char::from(byte),
                self.at
            ))
        }
    }

    /// A string token, quotes included.
    fn string(&mut self) -> Result<Range<usize>, String> {
        self.expect(b'"')?;
        let start = self.at - 1;
        let bytes = self.raw.as_bytes();
        while let Some(&byte) = bytes.get(self.at) {
            self.at += 1;
            match byte {
                b'"' => return Ok(start..self.at),
                b'\\' => self.at += 1,
                _ => {}
            }
        }
        Err("unterminated string".to_string())
    }

    /// `{ "key": value, ... }`, calling `member` with the scanner before each value; it must
    /// consume the value.
    fn object(
        &mut self,
        mut member: impl FnMut(&mut Self, &str) -> Result<(), String>,
    ) -> Result<(), String> {
        self.sequence(b'{', b'}', |scanner, _| {
            let key = scanner.string()?;
            let key: String = serde_json::from_str(&scanner.raw[key]).map_err(|e| e.to_string())?;
            scanner.expect(b':')?;
            member(scanner, &key)
        })
    }

    /// `[ value, ... ]`, calling `item` to consume each value.
    fn array(
        &mut self,
        item: impl FnMut(&mut Self, usize) -> Result<(), String>,
    ) -> Result<(), String> {
        self.sequence(b'[', b']', item)
    }

    fn sequence(
        &mut self,
        open: u8,
        close: u8,
        mut element: impl FnMut(&mut Self, usize) -> Result<(), String>,
    ) -> Result<(), String> {
        self.expect(open)?;
        self.skip_whitespace();
        if self.peek() == Some(close) {
            self.at += 1;
            return Ok(());
        }
        for index in 0.. {
            element(self, index)?;
            self.skip_whitespace();
            match self.peek() {
                Some(b',') => self.at += 1,
                Some(byte) if byte == close => {
                    self.at += 1;
                    return Ok(());
                }
                _ => return Err(format!("expected `,` or `{}`", char::from(close))),
            }
        }
        unreachable!("the loop returns")
    }

    /// Any value, without recursion (nesting depth is the input's to choose).
    fn skip_value(&mut self) -> Result<Range<usize>, String> {
        self.skip_whitespace();
        let start = self.at;
        let mut depth = 0usize;
        loop {
            self.skip_whitespace();
            match self.peek() {
                Some(b'"') => {
                    self.string()?;
                }
                Some(b'{' | b'[') => {
                    depth += 1;
                    self.at += 1;
                }
                Some(b'}' | b']') if depth > 0 => {
                    depth -= 1;
                    self.at += 1;
                }
                Some(b',' | b':') if depth > 0 => self.at += 1,
                Some(byte)
                    if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'+' | b'.') =>
                {
                    while self.peek().is_some_and(|byte| {
                        byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'+' | b'.')
                    }) {
                        self.at += 1;
                    }
                }
                _ => return Err(format!("unexpected input at byte {}", self.at)),
            }
            if depth == 0 {
                return Ok(start..self.at);
            }
        }
    }
}

/// How the notebook's writer escaped strings, so that new text is spelled the same way.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Style {
    /// Non-ASCII characters as `\uXXXX` (Python's `json.dump` default).
    ascii_only: bool,
    /// `/` as `\/`.
    escaped_slash: bool,
    /// `\u00E9` rather than `\u00e9`.
    upper_hex: bool,
}

impl Style {
    pub(super) fn of(raw: &str) -> Self {
        let escapes = || {
            raw.match_indices("\\u").filter_map(|(at, _)| {
                raw.get(at + 2..at + 6)
                    .filter(|hex| hex.bytes().all(|b| b.is_ascii_hexdigit()))
            })
        };
        Self {
            ascii_only: raw.is_ascii()
                && escapes().any(|hex| u32::from_str_radix(hex, 16).is_ok_and(|code| code >= 0x80)),
            escaped_slash: raw.contains("\\/"),
            upper_hex: escapes()
                .find(|hex| hex.bytes().any(|b| b.is_ascii_alphabetic()))
                .is_some_and(|hex| hex.bytes().any(|b| b.is_ascii_uppercase())),
        }
    }

    /// `text` as a JSON string token.
    pub(super) fn quote(self, text: &str) -> String {
        let mut out = String::with_capacity(text.len() + 2);
        out.push('"');
        self.escape_into(text.chars(), &mut out);
        out.push('"');
        out
    }

    fn escape_into(self, chars: impl IntoIterator<Item = char>, out: &mut String) {
        let unit = |out: &mut String, unit: u16| {
            if self.upper_hex {
                out.push_str(&format!("\\u{unit:04X}"));
            } else {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        };
        for c in chars {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                '\u{8}' => out.push_str("\\b"),
                '\u{c}' => out.push_str("\\f"),
                '/' if self.escaped_slash => out.push_str("\\/"),
                c if u32::from(c) < 0x20 || (self.ascii_only && !c.is_ascii()) => {
                    let mut units = [0; 2];
                    for &code in c.encode_utf16(&mut units).iter() {
                        unit(out, code);
                    }
                }
                c => out.push(c),
            }
        }
    }

    /// The string token `raw` (which decodes to `old`) changed to decode to `new`: the bytes
    /// of the unchanged beginning and end are kept as written, the middle is spelled anew.
    pub(super) fn respell(self, raw: &str, old: &str, new: &str) -> String {
        let (chars, bounds) = decode(raw);
        debug_assert!(
            chars.iter().copied().eq(old.chars()),
            "{raw} is not {old:?}"
        );
        let new: Vec<char> = new.chars().collect();
        let prefix = common(chars.iter(), new.iter());
        let room = chars.len().min(new.len()) - prefix;
        let suffix = common(chars.iter().rev(), new.iter().rev()).min(room);
        let mut out = raw[..bounds[prefix]].to_string();
        self.escape_into(new[prefix..new.len() - suffix].iter().copied(), &mut out);
        out.push_str(&raw[bounds[chars.len() - suffix]..]);
        out
    }
}

/// How many items the two sequences start with in common.
pub(super) fn common<T: PartialEq>(
    a: impl Iterator<Item = T>,
    b: impl Iterator<Item = T>,
) -> usize {
    a.zip(b).take_while(|(a, b)| a == b).count()
}

/// The characters of the string token `raw` and the byte offset in `raw` where each starts
/// (one more offset: where the closing quote is).
fn decode(raw: &str) -> (Vec<char>, Vec<usize>) {
    let body = &raw[1..raw.len() - 1];
    let mut chars = Vec::new();
    let mut bounds = Vec::new();
    let mut at = 0;
    let unit = |at: usize| {
        body.get(at..at + 6)
            .filter(|escape| escape.starts_with("\\u"))
            .and_then(|escape| u32::from_str_radix(&escape[2..], 16).ok())
    };
    while at < body.len() {
        bounds.push(at + 1);
        let rest = &body[at..];
        let (c, width) = if let Some(code) = unit(at) {
            match (code, unit(at + 6)) {
                (0xD800..=0xDBFF, Some(low @ 0xDC00..=0xDFFF)) => {
                    let code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
                    (char::from_u32(code).unwrap_or('\u{fffd}'), 12)
                }
                _ => (char::from_u32(code).unwrap_or('\u{fffd}'), 6),
            }
        } else if let Some(escaped) = rest.strip_prefix('\\') {
            let c = match escaped.as_bytes().first() {
                Some(b'n') => '\n',
                Some(b'r') => '\r',
                Some(b't') => '\t',
                Some(b'b') => '\u{8}',
                Some(b'f') => '\u{c}',
                Some(&other) => char::from(other),
                None => '\\',
            };
            (c, 2)
        } else {
            let c = rest.chars().next().expect("not at the end");
            (c, c.len_utf8())
        };
        chars.push(c);
        at += width;
    }
    bounds.push(raw.len() - 1);
    (chars, bounds)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_of_sources_in_cell_order() {
        let raw = r#"{"metadata": {"source": "no"}, "cells": [
            {"cell_type": "code", "source": ["a\n", "b"], "outputs": [{"x": [1, -2.5e3, true, null]}]},
            {"cell_type": "markdown"},
            {"source" : "c" }
        ], "nbformat": 4}"#;
        let spans = source_spans(raw, false, "source").unwrap();
        let texts: Vec<Option<&str>> = spans.iter().map(|s| s.clone().map(|s| &raw[s])).collect();
        assert_eq!(texts, [Some(r#"["a\n", "b"]"#), None, Some(r#""c""#)]);
        assert_eq!(array_items(r#"[ "a\n" ,"b"]"#).unwrap(), [2..7, 9..12]);
    }

    #[test]
    fn respelling_keeps_the_unchanged_bytes_as_written() {
        let style = Style::of(r#""caf\u00e9 \/""#);
        assert_eq!(
            style,
            Style {
                ascii_only: true,
                escaped_slash: true,
                upper_hex: false
            }
        );
        let raw = r#""x = np.float_ # caf\u00E9 \ud83d\ude00\/""#;
        let old = "x = np.float_ # café 😀/";
        assert_eq!(
            style.respell(raw, old, "x = np.float64 # café 😀/"),
            r#""x = np.float64 # caf\u00E9 \ud83d\ude00\/""#
        );
        assert_eq!(
            style.quote("é/\u{1}\"😀"),
            r#""\u00e9\/\u0001\"\ud83d\ude00""#
        );
        assert_eq!(Style::default().quote("é/\t"), r#""é/\t""#);
        // Growing and shrinking at the edges.
        assert_eq!(style.respell(r#""ab""#, "ab", "abc"), r#""abc""#);
        assert_eq!(style.respell(r#""abc""#, "abc", "c"), r#""c""#);
        assert_eq!(style.respell(r#""aa""#, "aa", "aaa"), r#""aaa""#);
    }
}
