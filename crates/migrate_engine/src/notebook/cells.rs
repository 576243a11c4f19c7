//! A notebook's Python cells as one source text (names imported in one cell are used in the
//! next), and the fixed text split back into cells.

use ruff_text_size::{TextRange, TextSize};

/// Cell magics whose body IPython runs as Python: their cells are checked (the parser reads
/// the magic's line as an escape command). Any other cell magic (`%%bash`, `%%html`, ...)
/// makes the cell something else, and it is skipped.
const TRANSPARENT_CELL_MAGICS: &[&str] = &[
    "capture", "debug", "prun", "pypy", "python", "python3", "time", "timeit",
];

/// Line magics IPython also runs without the `%` (automagic): `pip install x` is not Python,
/// and a cell that has such a line is skipped.
const AUTOMAGICS: &[&str] = &[
    "alias",
    "cd",
    "conda",
    "env",
    "history",
    "load_ext",
    "ls",
    "mamba",
    "matplotlib",
    "mkdir",
    "pip",
    "pwd",
    "pylab",
    "reload_ext",
    "rm",
    "run",
    "set_env",
    "who",
    "whos",
    "xmode",
];

/// Whether a code cell's text is Python to check, in IPython's syntax: not a cell magic that
/// hands the cell to another language, and no automagic.
pub fn is_python_cell(text: &str) -> bool {
    let mut lines = text
        .lines()
        .map(str::trim_start)
        .filter(|line| !line.is_empty());
    if let Some(magic) = lines
        .clone()
        .next()
        .and_then(|line| line.strip_prefix("%%"))
    {
        let name = magic.split_whitespace().next().unwrap_or_default();
        return TRANSPARENT_CELL_MAGICS.contains(&name);
    }
    !lines.any(is_automagic)
}

fn is_automagic(line: &str) -> bool {
    let Some((first, rest)) = line.split_once(char::is_whitespace) else {
        return false;
    };
    let rest = rest.trim_start();
    // `pip = 3`, `ls[0]`, `run (x)`, `cd += 1` are Python.
    let python = rest.is_empty()
        || rest.starts_with(['=', '(', '[', '.', ',', ':', ')', ';'])
        || rest.split_whitespace().next().is_some_and(|op| {
            op.len() > 1
                && op.ends_with('=')
                && op[..op.len() - 1]
                    .bytes()
                    .all(|b| b"+-*/%&|^<>@".contains(&b))
        });
    AUTOMAGICS.contains(&first) && !python
}

/// The Python cells of a notebook joined into one source, each followed by a comment line
/// (the boundary) that no fix touches, so that the fixed text splits back into cells.
#[derive(Debug)]
pub struct Cells {
    source: String,
    boundary: String,
    /// For each Python cell, in order: its range in `source` and its index among all cells.
    ranges: Vec<(TextRange, usize)>,
    /// Cells that do not end with a newline get one in `source`.
    newline_added: Vec<bool>,
    count: usize,
}

impl Cells {
    /// `cells` are all the notebook's cells: the text of each Python cell, `None` for others.
    /// Cells that [`is_python_cell`] rejects are skipped too.
    pub fn new<'a>(cells: impl IntoIterator<Item = Option<&'a str>>) -> Self {
        let cells: Vec<Option<&str>> = cells
            .into_iter()
            .map(|cell| cell.filter(|text| is_python_cell(text)))
            .collect();
        let mut boundary = "# migrate: cell boundary".to_string();
        while cells.iter().flatten().any(|text| text.contains(&boundary)) {
            boundary.push('#');
        }
        boundary.push('\n');
        let mut source = String::new();
        let mut ranges = Vec::new();
        let mut newline_added = Vec::new();
        for (index, text) in cells.iter().enumerate() {
            let Some(text) = text else { continue };
            if !ranges.is_empty() {
                source.push_str(&boundary);
            }
            let start = TextSize::of(source.as_str());
            source.push_str(text);
            ranges.push((TextRange::at(start, TextSize::of(*text)), index));
            let add = !text.ends_with('\n');
            // Only the last cell needs no newline: nothing follows it.
            newline_added.push(add);
            if add {
                source.push('\n');
            }
        }
        if newline_added.last() == Some(&true) {
            source.pop();
            *newline_added.last_mut().expect("not empty") = false;
        }
        Self {
            source,
            boundary,
            ranges,
            newline_added,
            count: cells.len(),
        }
    }

    /// The joined source to check and fix.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The cell (its index among all cells) that `offset` of the joined source is in, and the
    /// offset within that cell's text. An offset on a boundary belongs to the cell before it.
    pub fn locate(&self, offset: TextSize) -> Option<(usize, TextSize)> {
        let after = self
            .ranges
            .partition_point(|(range, _)| range.start() <= offset);
        let (range, index) = self.ranges.get(after.checked_sub(1)?)?;
        Some((*index, offset.min(range.end()) - range.start()))
    }

    /// `fixed` (the joined source after fixing) split back into the text of every cell:
    /// `None` for cells that are not checked. `None` if a fix crossed a boundary.
    pub fn split<'t>(&self, fixed: &'t str) -> Option<Vec<Option<&'t str>>> {
        let pieces: Vec<&str> = fixed.split(self.boundary.as_str()).collect();
        if pieces.len() != self.ranges.len().max(1) {
            return None;
        }
        let mut cells = vec![None; self.count];
        for ((piece, (_, index)), &added) in
            pieces.iter().zip(&self.ranges).zip(&self.newline_added)
        {
            cells[*index] = Some(if added {
                piece.strip_suffix('\n').unwrap_or(piece)
            } else {
                piece
            });
        }
        Some(cells)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn magics_that_are_not_python_skip_the_cell() {
        assert!(is_python_cell("%matplotlib inline\nx = 1"));
        assert!(is_python_cell("%%time\nx = 1"));
        assert!(!is_python_cell("\n%%bash\necho hi"));
        assert!(!is_python_cell("import x\npip install numpy"));
        assert!(is_python_cell("pip = 3\nls[0]\ncd += 1\npwd"));
    }

    #[test]
    fn joined_cells_split_back() {
        let cells = Cells::new([
            Some("a = 1"),
            None,
            Some("%%bash\nls"),
            Some("b = 2\n"),
            Some("c"),
        ]);
        assert_eq!(
            cells.source(),
            "a = 1\n# migrate: cell boundary\nb = 2\n# migrate: cell boundary\nc"
        );
        assert_eq!(cells.locate(TextSize::new(4)), Some((0, TextSize::new(4))));
        assert_eq!(cells.locate(TextSize::new(6)), Some((0, TextSize::new(5))));
        assert_eq!(cells.locate(TextSize::new(31)), Some((3, TextSize::new(0))));
        let fixed = cells
            .source()
            .replace("b = 2", "b = 3\nd = 4")
            .replace("a = 1\n", "a = 1\nz\n");
        assert_eq!(
            cells.split(&fixed).unwrap(),
            [
                Some("a = 1\nz"),
                None,
                None,
                Some("b = 3\nd = 4\n"),
                Some("c")
            ]
        );
        assert_eq!(cells.split("a = 1\nb = 2\nc"), None);

        let unique = Cells::new([Some("x = '# migrate: cell boundary'"), Some("y")]);
        assert!(unique.source().contains("\n# migrate: cell boundary#\ny"));
        assert_eq!(Cells::new([None]).split("").unwrap(), [None]);
    }
}
