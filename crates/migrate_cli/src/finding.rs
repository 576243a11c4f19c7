//! A finding positioned for printing, in every output format: where it starts and ends, the
//! lines around it, and its fix as positioned edits and as changed lines. All of it is worked
//! out while the file's text is at hand, so that the printers need nothing else.

use migrate_engine::edit::Fix;
use migrate_engine::source::{Position, SourceText};
use migrate_engine::text_size::{Ranged, TextRange, TextSize};

/// Lines shown before and after the finding's line.
const FRAME_CONTEXT: usize = 2;
/// Bytes of a line shown either side of what a finding or fix covers: 20,000 findings on one
/// long line must not keep 20,000 copies of it, nor count its characters 20,000 times.
const LINE_WINDOW: usize = 100;

#[derive(Debug)]
pub struct Finding {
    /// The notebook cell (one-based) the finding is in; positions are in that cell.
    pub cell: Option<usize>,
    pub start: Position,
    /// Exclusive, as in Ruff's reports.
    pub end: Position,
    pub frame: Frame,
    pub code: &'static str,
    pub message: String,
    pub help: Option<String>,
    pub fixable: bool,
    /// The fix, where it is known edit by edit (code; not dependency files).
    pub fix: Option<FixView>,
}

impl Finding {
    /// `line:column`, or `cell N:line:column` in a notebook (as Ruff prints it).
    pub fn location(&self) -> String {
        match self.cell {
            Some(cell) => format!("cell {cell}:{}:{}", self.start.line, self.start.column),
            None => format!("{}:{}", self.start.line, self.start.column),
        }
    }
}

/// What a finding is about: its rule, message and advice.
pub struct About<'a> {
    pub code: &'static str,
    pub message: &'a str,
    pub help: Option<&'a str>,
    pub fixable: bool,
}

/// Where an offset of the checked text is: the notebook cell (one-based) it is in, the text
/// of that cell (the whole file's, outside notebooks) and the offset in that text.
pub type Locate<'t> = dyn Fn(TextSize) -> (Option<usize>, &'t SourceText<'t>, TextSize) + 't;

impl Finding {
    /// The finding over `range` of the checked text, with its fix (offsets in the same text).
    pub fn new(about: &About, range: TextRange, fix: Option<&Fix>, locate: &Locate) -> Self {
        let (cell, source, start) = locate(range.start());
        let end = (start + range.len()).min(source.text().len().try_into().unwrap_or(start));
        Self {
            cell,
            start: source.position(start),
            end: source.position(end),
            frame: Frame::new(source, TextRange::new(start, end)),
            code: about.code,
            message: about.message.to_string(),
            help: about.help.map(str::to_string),
            fixable: about.fixable,
            fix: fix.map(|fix| FixView::new(fix, locate)),
        }
    }
}

/// The lines around a finding, with the part of its first line that it covers.
#[derive(Debug)]
pub struct Frame {
    /// The number of the first line shown.
    pub first: usize,
    pub lines: Vec<String>,
    /// The finding's line (a number among those shown).
    pub line: usize,
    /// What goes before the underline (tabs kept, so that it lines up under them).
    pub lead: String,
    /// How many characters to underline, at least one.
    pub width: usize,
}

impl Frame {
    fn new(source: &SourceText, range: TextRange) -> Self {
        let position = source.position(range.start());
        let line = position.line;
        let last = source.line_count().max(line);
        let first = line.saturating_sub(FRAME_CONTEXT).max(1);
        let line_range = source.line_range(line - 1);
        let covered = TextRange::new(range.start(), range.end().min(line_range.end()));
        let width = source.slice(covered).chars().count().max(1);
        let column = |offset: TextSize| (offset - line_range.start()).to_usize();
        let window = Window::around(column(covered.start()), column(covered.end()));
        let lines = (first..=(line + FRAME_CONTEXT).min(last))
            .map(|number| window.clip(source.slice(source.line_range(number - 1))))
            .collect();
        let text = source.slice(line_range);
        let shown_from = window.start_in(text);
        let lead = (if shown_from > 0 { " " } else { "" }).to_string()
            + &text[shown_from..column(covered.start())]
                .chars()
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect::<String>();
        Self {
            first,
            lines,
            line,
            lead,
            width,
        }
    }
}

/// The bytes of a line shown (counted from its start): those a finding covers and
/// [`LINE_WINDOW`] either side; `…` stands for what is cut.
#[derive(Debug, Clone, Copy)]
struct Window {
    start: usize,
    end: usize,
}

impl Window {
    fn around(start: usize, end: usize) -> Self {
        Self {
            start: start.saturating_sub(LINE_WINDOW),
            end: end.saturating_add(LINE_WINDOW),
        }
    }

    /// Where the part of `line` shown starts (not inside a character).
    fn start_in(self, line: &str) -> usize {
        char_start(line, self.start)
    }

    fn clip(self, line: &str) -> String {
        let (start, end) = (self.start_in(line), char_start(line, self.end));
        let mut clipped = String::new();
        if start > 0 {
            clipped.push('…');
        }
        clipped.push_str(&line[start..end.max(start)]);
        if end < line.len() {
            clipped.push('…');
        }
        clipped
    }
}

/// The start of the character of `text` that byte `at` is in (its end past the end).
fn char_start(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// A fix as its edits, positioned, and as the lines it changes.
#[derive(Debug)]
pub struct FixView {
    pub edits: Vec<PositionedEdit>,
    /// One group of changed lines per edit (or edits on the same or neighbouring lines), each
    /// with a line around it.
    pub hunks: Vec<Vec<DiffLine>>,
}

#[derive(Debug)]
pub struct PositionedEdit {
    pub start: Position,
    pub end: Position,
    pub content: String,
}

/// An edit's start and end in the text it is in (a notebook's cell), and its content.
type LocatedEdit<'a> = (TextSize, TextSize, &'a str);

/// A line of a fix's diff: numbers are those of the fixed text.
#[derive(Debug, PartialEq, Eq)]
pub enum DiffLine {
    Context(usize, String),
    Removed(String),
    Added(usize, String),
}

impl FixView {
    fn new(fix: &Fix, locate: &Locate) -> Self {
        let edits = fix
            .edits()
            .iter()
            .map(|edit| {
                let (_, source, start) = locate(edit.start());
                let (_, _, end) = locate(edit.end());
                PositionedEdit {
                    start: source.position(start),
                    end: source.position(end.max(start)),
                    content: edit.content().to_string(),
                }
            })
            .collect();
        // Edits on the same or neighbouring lines make one hunk, which replaces whole lines:
        // from the start of its first line to the end of its last. The lines added before a
        // hunk shift the numbers of what follows. This costs what the edits touch, however
        // large the file.
        let mut groups: Vec<(&SourceText, Vec<LocatedEdit>)> = Vec::new();
        for edit in fix.edits() {
            let (_, source, start) = locate(edit.start());
            let (_, _, end) = locate(edit.end());
            let located = (start, end.max(start), edit.content());
            match groups.last_mut() {
                Some((text, group))
                    if std::ptr::eq(*text, source)
                        && source.line_number(start)
                            <= source.line_number(group[group.len() - 1].1) + 2 =>
                {
                    group.push(located);
                }
                _ => groups.push((source, vec![located])),
            }
        }
        let mut hunks = Vec::new();
        let mut shift: isize = 0;
        for (source, group) in groups {
            // The lines the edits touch, and one more on each side.
            let first_line = source.line_number(group[0].0).saturating_sub(1);
            let last_line = (source.line_number(group[group.len() - 1].1) + 1)
                .min(source.line_count().max(1) - 1);
            let lines = TextRange::new(
                source.line_range(first_line).start(),
                source.line_range(last_line).end(),
            );
            let mut new = String::new();
            let mut at = lines.start();
            for (start, end, content) in &group {
                new.push_str(&source.text()[TextRange::new(at, *start)]);
                new.push_str(content);
                at = *end;
            }
            new.push_str(&source.text()[TextRange::new(at, lines.end().max(at))]);
            let old_lines: Vec<&str> = source.slice(lines).lines().collect();
            let new_lines: Vec<&str> = new.lines().collect();
            let first_number = first_line.saturating_add_signed(shift) + 1;
            let column = |offset: TextSize| {
                (offset - source.line_range(source.line_number(offset)).start()).to_usize()
            };
            let window = Window::around(
                group
                    .iter()
                    .map(|(start, ..)| column(*start))
                    .min()
                    .unwrap_or(0),
                group
                    .iter()
                    .map(|(start, end, content)| column(*end).max(column(*start) + content.len()))
                    .max()
                    .unwrap_or(0),
            );
            let mut hunk: Vec<DiffLine> = similar::TextDiff::from_slices(&old_lines, &new_lines)
                .iter_all_changes()
                .map(|change| {
                    let number = change.new_index().map(|index| first_number + index);
                    let text = window.clip(change.value());
                    match (change.tag(), number) {
                        (similar::ChangeTag::Equal, Some(number)) => {
                            DiffLine::Context(number, text)
                        }
                        (similar::ChangeTag::Insert, Some(number)) => DiffLine::Added(number, text),
                        _ => DiffLine::Removed(text),
                    }
                })
                .collect();
            // One unchanged line before the first change and after the last.
            let changed = |line: &DiffLine| !matches!(line, DiffLine::Context(..));
            let first_change = hunk.iter().position(changed).unwrap_or(0);
            let last_change = hunk.iter().rposition(changed).unwrap_or(0);
            hunk.truncate((last_change + 2).min(hunk.len()));
            hunk.drain(..first_change.saturating_sub(1));
            shift += new_lines.len() as isize - old_lines.len() as isize;
            hunks.push(hunk);
        }
        Self { edits, hunks }
    }
}

#[cfg(test)]
mod tests {
    use migrate_engine::edit::Edit;

    use super::*;

    fn view(text: &str, edits: Vec<Edit>) -> FixView {
        let source = SourceText::new(text);
        FixView::new(&Fix::new(edits), &|offset| (None, &source, offset))
    }

    fn range(text: &str, part: &str) -> TextRange {
        let start = text.find(part).unwrap();
        TextRange::new(
            TextSize::try_from(start).unwrap(),
            TextSize::try_from(start + part.len()).unwrap(),
        )
    }

    #[test]
    fn a_replacement_shows_the_line_before_and_after() {
        let text = "import numpy as np\nx = np.float_(1)\ny = 2\n";
        let fix = view(text, vec![Edit::replace(range(text, "float_"), "float64")]);
        assert_eq!(
            fix.hunks,
            [vec![
                DiffLine::Context(1, "import numpy as np".into()),
                DiffLine::Removed("x = np.float_(1)".into()),
                DiffLine::Added(2, "x = np.float64(1)".into()),
                DiffLine::Context(3, "y = 2".into()),
            ]]
        );
        assert_eq!(fix.edits[0].start, Position { line: 2, column: 8 });
        assert_eq!(
            fix.edits[0].end,
            Position {
                line: 2,
                column: 14
            }
        );
    }

    /// `numpy.math` becomes `math`, imported at the top.
    fn import_math(text: &str) -> FixView {
        view(
            text,
            vec![
                Edit::insert(TextSize::new(0), "import math\n"),
                Edit::replace(range(text, "numpy.math"), "math"),
            ],
        )
    }

    #[test]
    fn an_inserted_import_is_an_added_line_that_shifts_the_numbers_after_it() {
        let text = "import numpy\nr = numpy.math.pi\n";
        let fix = import_math(text);
        assert_eq!(
            fix.hunks,
            [vec![
                DiffLine::Added(1, "import math".into()),
                DiffLine::Context(2, "import numpy".into()),
                DiffLine::Removed("r = numpy.math.pi".into()),
                DiffLine::Added(3, "r = math.pi".into()),
            ]]
        );
        // Far apart: two hunks, the second numbered after the inserted line.
        let text = "import numpy\n\n\n\nr = numpy.math.pi\n";
        let fix = import_math(text);
        assert_eq!(
            fix.hunks,
            [
                vec![
                    DiffLine::Added(1, "import math".into()),
                    DiffLine::Context(2, "import numpy".into()),
                ],
                vec![
                    DiffLine::Context(5, String::new()),
                    DiffLine::Removed("r = numpy.math.pi".into()),
                    DiffLine::Added(6, "r = math.pi".into()),
                ],
            ]
        );
    }

    #[test]
    fn edits_on_neighbouring_lines_make_one_hunk() {
        let text = "from numpy import A, b\nx = 1\n";
        let fix = view(
            text,
            vec![
                Edit::delete(range(text, "A, ")),
                Edit::insert(
                    range(text, "x = 1").start(),
                    "from numpy.exceptions import A\n",
                ),
            ],
        );
        assert_eq!(
            fix.hunks,
            [vec![
                DiffLine::Removed("from numpy import A, b".into()),
                DiffLine::Added(1, "from numpy import b".into()),
                DiffLine::Added(2, "from numpy.exceptions import A".into()),
                DiffLine::Context(3, "x = 1".into()),
            ]]
        );
    }

    #[test]
    fn the_frame_keeps_tabs_and_stops_at_the_file_edges() {
        let text = "a\n\tx = np.float_\n";
        let source = SourceText::new(text);
        let frame = Frame::new(&source, range(text, "np.float_"));
        assert_eq!((frame.first, frame.line), (1, 2));
        assert_eq!(frame.lines, ["a", "\tx = np.float_"]);
        assert_eq!((frame.lead.as_str(), frame.width), ("\t    ", 9));
    }
}
