//! Where the arguments of a call (or the value of a keyword argument) end, from the bytes:
//! brackets are counted, strings and comments skipped (f-strings with the fields inside
//! them). The scan gives up (and the caller must assume the worst) when it is lost, and when
//! it has read more than its budget, which keeps hostile files linear.

/// How far a file's region scans may read in all, in multiples of the file's length.
const BUDGET_PER_BYTE: usize = 4;

/// Region scans over one file, sharing one budget.
pub(super) struct Regions<'s> {
    bytes: &'s [u8],
    budget: usize,
}

/// Where a region ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum End {
    /// Before the closing bracket (or the comma) at this index, or at the end of the file.
    At(usize),
    /// Unknown: an f-string inside, or the budget is spent.
    Unknown,
}

impl<'s> Regions<'s> {
    pub(super) fn new(source: &'s str) -> Self {
        Self {
            bytes: source.as_bytes(),
            budget: BUDGET_PER_BYTE * source.len() + 4096,
        }
    }

    /// The end of the text from `start` to the bracket that closes one opened before it,
    /// or (with `stop_at_comma`) to the first comma outside brackets opened after it.
    pub(super) fn end(&mut self, start: usize, stop_at_comma: bool) -> End {
        let bytes = self.bytes;
        let mut depth = 0usize;
        let mut at = start;
        while at < bytes.len() {
            if self.budget == 0 {
                return End::Unknown;
            }
            self.budget -= 1;
            match bytes[at] {
                b'(' | b'[' | b'{' => depth += 1,
                b')' | b']' | b'}' => {
                    if depth == 0 {
                        return End::At(at);
                    }
                    depth -= 1;
                }
                b',' if depth == 0 && stop_at_comma => return End::At(at),
                b'#' => {
                    at =
                        memchr::memchr2(b'\n', b'\r', &bytes[at..]).map_or(bytes.len(), |n| at + n);
                    continue;
                }
                b'\\' => at += 1,
                quote @ (b'"' | b'\'') => match self.string_end(at, quote) {
                    Some(end) => {
                        at = end;
                        continue;
                    }
                    None => return End::Unknown,
                },
                _ => {}
            }
            at += 1;
        }
        End::At(bytes.len())
    }

    /// How many commas stand outside inner brackets between `start` and the bracket that
    /// closes the region (`None`: unknown).
    pub(super) fn commas(&mut self, start: usize) -> Option<usize> {
        let mut count = 0;
        let mut at = start;
        loop {
            match self.end(at, true) {
                End::At(end) if self.bytes.get(end) == Some(&b',') => {
                    count += 1;
                    at = end + 1;
                }
                End::At(_) => return Some(count),
                End::Unknown => return None,
            }
        }
    }

    /// Where the argument at `position` starts, after that many commas outside inner
    /// brackets (`At` the region's end when there are fewer arguments).
    pub(super) fn argument(&mut self, start: usize, position: usize) -> End {
        let mut at = start;
        for _ in 0..position {
            match self.end(at, true) {
                End::At(end) if self.bytes.get(end) == Some(&b',') => at = end + 1,
                End::At(end) => return End::At(end),
                End::Unknown => return End::Unknown,
            }
        }
        End::At(at)
    }

    /// The index after the string whose (first) quote is at `at`; `None` when unknown.
    fn string_end(&mut self, at: usize, quote: u8) -> Option<usize> {
        self.string_end_nested(at, quote, 0)
    }

    fn string_end_nested(&mut self, at: usize, quote: u8, nesting: usize) -> Option<usize> {
        let bytes = self.bytes;
        let prefix = bytes[..at]
            .iter()
            .rev()
            .take_while(|byte| byte.is_ascii_alphanumeric() || **byte == b'_')
            .count();
        let prefix = &bytes[at - prefix..at];
        let is_prefix = prefix.len() <= 2 && prefix.iter().all(|byte| b"rRbBuUfFtT".contains(byte));
        let formatted = is_prefix && prefix.iter().any(|byte| b"fFtT".contains(byte));
        let triple = bytes.get(at..at + 3) == Some(&[quote; 3][..]);
        let mut end = at + if triple { 3 } else { 1 };
        while end < bytes.len() {
            self.budget = self.budget.checked_sub(1)?;
            match bytes[end] {
                b'\\' => end += 1,
                byte if byte == quote => {
                    if !triple {
                        return Some(end + 1);
                    }
                    if bytes.get(end..end + 3) == Some(&[quote; 3][..]) {
                        return Some(end + 3);
                    }
                }
                // An unclosed one-line string ends at the line's end (a syntax error).
                b'\n' | b'\r' if !triple => return Some(end),
                b'{' if formatted && bytes.get(end + 1) == Some(&b'{') => end += 1,
                b'{' if formatted => {
                    end = self.replacement_field_end(end + 1, nesting + 1)?;
                    continue;
                }
                _ => {}
            }
            end += 1;
        }
        Some(bytes.len())
    }

    /// The index after the `}` that closes the replacement field of an f-string whose
    /// expression starts at `start`. Quotes inside start nested strings (Python 3.12).
    fn replacement_field_end(&mut self, start: usize, nesting: usize) -> Option<usize> {
        // Python itself refuses deeper nesting; a hostile file must not exhaust the stack.
        if nesting > 32 {
            return None;
        }
        let bytes = self.bytes;
        let mut depth = 0usize;
        let mut at = start;
        while at < bytes.len() {
            self.budget = self.budget.checked_sub(1)?;
            match bytes[at] {
                b'(' | b'[' | b'{' => depth += 1,
                b')' | b']' => depth = depth.saturating_sub(1),
                b'}' if depth == 0 => return Some(at + 1),
                b'}' => depth -= 1,
                // The format spec, which may hold replacement fields.
                b':' if depth == 0 => {
                    at += 1;
                    while at < bytes.len() {
                        match bytes[at] {
                            b'{' => at = self.replacement_field_end(at + 1, nesting + 1)?,
                            b'}' => return Some(at + 1),
                            _ => at += 1,
                        }
                    }
                    return None;
                }
                quote @ (b'"' | b'\'') => {
                    at = self.string_end_nested(at, quote, nesting + 1)?;
                    continue;
                }
                _ => {}
            }
            at += 1;
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn region(source: &str, stop_at_comma: bool) -> Option<&str> {
        let start = source.find('(').map_or(0, |open| open + 1);
        match Regions::new(source).end(start, stop_at_comma) {
            End::At(end) => Some(&source[start..end]),
            End::Unknown => None,
        }
    }

    #[test]
    fn brackets_strings_and_comments() {
        assert_eq!(
            region("f(a, (b, c), d) + g(e)", false),
            Some("a, (b, c), d")
        );
        assert_eq!(region("f(')', \"(\", x) + 1", false), Some("')', \"(\", x"));
        assert_eq!(
            region("f('''a)\n''', 'b\\')', c)", false),
            Some("'''a)\n''', 'b\\')', c")
        );
        assert_eq!(region("f(a,  # )\n b)", false), Some("a,  # )\n b"));
        assert_eq!(region("f(r'\\'')", false), Some("r'\\''"));
        assert_eq!(
            region("f(x, y=f\"{d[\")\"]}\", z)", false),
            Some("x, y=f\"{d[\")\"]}\", z")
        );
        assert_eq!(
            region("f(f'{x:{w}}}}){{', z)", false),
            Some("f'{x:{w}}}}){{', z")
        );
        assert_eq!(
            region("f(f'''{\"'\"}\n)''')", false),
            Some("f'''{\"'\"}\n)'''")
        );
        assert_eq!(region("f(f'{x)", false), None);
        assert_eq!(region("f(a, b", false), Some("a, b"));
        assert_eq!(region("f([a, b], c)", true), Some("[a, b]"));
        assert_eq!(Regions::new("f(a, [b, c], d)").commas(2), Some(2));
    }

    #[test]
    fn prefixes_that_are_not_string_prefixes() {
        // `if"...` is a keyword and a string; `elif` is no prefix.
        assert_eq!(region("g(if'x')", false), Some("if'x'"));
        assert_eq!(region("g(rb')', c)", false), Some("rb')', c"));
    }

    #[test]
    fn budget_keeps_nested_calls_linear() {
        let nested = "f(".repeat(10_000) + &")".repeat(10_000);
        let mut regions = Regions::new(&nested);
        let unknown = (0..10_000)
            .map(|call| regions.end(2 * call + 2, false))
            .filter(|end| *end == End::Unknown)
            .count();
        assert!(unknown > 0, "the budget ran out");
    }
}
