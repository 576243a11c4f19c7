//! A Python source file as text: line index, line ending and positions.

use std::cell::OnceCell;

use ruff_source_file::{LineEnding, LineIndex, OneIndexed, find_newline};
use ruff_text_size::{TextRange, TextSize};

/// A one-based line and column (in characters), as editors and `ruff` print them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// The text of one source file with its line index. A byte-order mark, if any, stays part of
/// the text: offsets are offsets into the bytes as they are on disk.
pub struct SourceText<'a> {
    text: &'a str,
    /// Made on first use: most files checked have nothing to report.
    index: OnceCell<LineIndex>,
    line_ending: LineEnding,
}

impl<'a> SourceText<'a> {
    pub fn new(text: &'a str) -> Self {
        let line_ending = find_newline(text).map_or(LineEnding::Lf, |(_, ending)| ending);
        Self {
            text,
            index: OnceCell::new(),
            line_ending,
        }
    }

    fn index(&self) -> &LineIndex {
        self.index
            .get_or_init(|| LineIndex::from_source_text(self.text))
    }

    pub fn text(&self) -> &'a str {
        self.text
    }

    pub fn slice(&self, range: TextRange) -> &'a str {
        &self.text[range]
    }

    /// The newline this file uses (of its first line), for inserted lines.
    pub fn newline(&self) -> &'static str {
        self.line_ending.as_str()
    }

    pub fn position(&self, offset: TextSize) -> Position {
        let location = self.index().line_column(offset, self.text);
        Position {
            line: location.line.get(),
            column: location.column.get(),
        }
    }

    /// How many lines the text has (a final newline does not start another).
    pub fn line_count(&self) -> usize {
        let count = self.index().line_count();
        if self.text.ends_with(['\n', '\r']) {
            count - 1
        } else {
            count
        }
    }

    /// The zero-based line number of `offset`.
    pub fn line_number(&self, offset: TextSize) -> usize {
        self.index().line_index(offset).to_zero_indexed()
    }

    /// The range of line `line` (zero-based), without its newline.
    pub fn line_range(&self, line: usize) -> TextRange {
        let line = OneIndexed::from_zero_indexed(line);
        let full = self.index().line_range(line, self.text);
        let content = self.text[full].trim_end_matches(['\n', '\r']);
        TextRange::at(full.start(), TextSize::of(content))
    }

    pub fn line_start(&self, offset: TextSize) -> TextSize {
        self.line_range(self.line_number(offset)).start()
    }

    pub fn line_end(&self, offset: TextSize) -> TextSize {
        self.line_range(self.line_number(offset)).end()
    }

    /// The whitespace before `offset` on its line, if only whitespace precedes it.
    pub fn indentation_before(&self, offset: TextSize) -> Option<&'a str> {
        let start = self.line_start(offset);
        let before = &self.text[TextRange::new(start, offset)];
        let before = before.strip_prefix('\u{feff}').unwrap_or(before);
        before
            .chars()
            .all(|c| matches!(c, ' ' | '\t' | '\x0c'))
            .then_some(before)
    }
}
