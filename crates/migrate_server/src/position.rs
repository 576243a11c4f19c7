//! Offsets into a document's text and the editor's line/character positions.
//!
//! Positions count characters in the encoding agreed at initialization: UTF-8 bytes when the
//! client offers them (no conversion), else UTF-16 code units, the protocol's default.

use lsp_types::{InitializeParams, Position, PositionEncodingKind, Range};
use migrate_engine::text_size::{TextRange, TextSize};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
}

impl Encoding {
    /// UTF-8 if the client can take it.
    pub fn negotiate(params: &InitializeParams) -> Self {
        let offered = params
            .capabilities
            .general
            .as_ref()
            .and_then(|general| general.position_encodings.as_ref());
        if offered.is_some_and(|kinds| kinds.contains(&PositionEncodingKind::UTF8)) {
            Self::Utf8
        } else {
            Self::Utf16
        }
    }

    pub fn kind(self) -> PositionEncodingKind {
        match self {
            Self::Utf8 => PositionEncodingKind::UTF8,
            Self::Utf16 => PositionEncodingKind::UTF16,
        }
    }

    fn width(self, c: char) -> u32 {
        let width = match self {
            Self::Utf8 => c.len_utf8(),
            Self::Utf16 => c.len_utf16(),
        };
        u32::try_from(width).expect("a char is at most 4 bytes")
    }
}

/// Where each line of a text starts. Lines end at `\n`, `\r\n` or `\r`, as the protocol says.
pub struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
    encoding: Encoding,
    /// Whether the text is ASCII (every character one byte and one UTF-16 unit).
    ascii: bool,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str, encoding: Encoding) -> Self {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        for (at, &byte) in bytes.iter().enumerate() {
            let ends_line = byte == b'\n' || (byte == b'\r' && bytes.get(at + 1) != Some(&b'\n'));
            if ends_line {
                starts.push(at + 1);
            }
        }
        Self {
            text,
            starts,
            encoding,
            ascii: text.is_ascii(),
        }
    }

    pub fn position(&self, offset: TextSize) -> Position {
        let offset = offset.to_usize().min(self.text.len());
        let line = self.starts.partition_point(|&start| start <= offset) - 1;
        let before = &self.text[self.starts[line]..offset];
        // Counted in bytes when every character is one unit: many findings on one long line
        // must not each count the characters before them.
        let character = if self.encoding == Encoding::Utf8 || self.ascii {
            u32::try_from(before.len()).unwrap_or(u32::MAX)
        } else {
            before.chars().map(|c| self.encoding.width(c)).sum()
        };
        Position {
            line: u32::try_from(line).unwrap_or(u32::MAX),
            character,
        }
    }

    pub fn range(&self, range: TextRange) -> Range {
        Range {
            start: self.position(range.start()),
            end: self.position(range.end()),
        }
    }

    /// The offset of `position`; a line past the end is the end of the text, a character past
    /// the end of its line is the end of the line, one inside a character is that character.
    pub fn offset(&self, position: Position) -> TextSize {
        let Some(&start) = self.starts.get(position.line as usize) else {
            return TextSize::of(self.text);
        };
        let line = &self.text[start..];
        let content = line
            .split_inclusive(['\n', '\r'])
            .next()
            .unwrap_or_default();
        let content = content.trim_end_matches(['\n', '\r']);
        let mut units = 0;
        let mut end = content.len();
        for (at, c) in content.char_indices() {
            if units >= position.character {
                end = at;
                break;
            }
            units += self.encoding.width(c);
        }
        TextSize::try_from(start + end).expect("texts are smaller than 4 GiB")
    }

    pub fn text_range(&self, range: Range) -> TextRange {
        let start = self.offset(range.start);
        TextRange::new(start, self.offset(range.end).max(start))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_and_utf8_positions() {
        let text = "a = 'é😀'\r\nb\rc\n";
        let utf16 = LineIndex::new(text, Encoding::Utf16);
        let utf8 = LineIndex::new(text, Encoding::Utf8);
        let quote = TextSize::try_from(text.rfind('\'').unwrap()).unwrap();
        assert_eq!(utf16.position(quote), Position::new(0, 8));
        assert_eq!(utf8.position(quote), Position::new(0, 11));
        assert_eq!(utf16.offset(Position::new(0, 8)), quote);
        assert_eq!(utf8.offset(Position::new(0, 11)), quote);
        // `\r` alone ends a line; `\r\n` is one line end.
        assert_eq!(utf16.position(TextSize::new(14)), Position::new(1, 0));
        assert_eq!(utf16.offset(Position::new(2, 0)), TextSize::new(16));
        // Past the line's end, past the text's end.
        assert_eq!(utf16.offset(Position::new(1, 99)), TextSize::new(15));
        assert_eq!(utf16.offset(Position::new(9, 0)), TextSize::of(text));
    }
}
