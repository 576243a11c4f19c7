//! Jupyter notebooks (`.ipynb`): the code cells are checked as one Python source (in IPython's
//! syntax: `%magic`, `!cmd`, `x = !cmd`, `obj?` are escape commands the rules never see), and a
//! fix is written back by respelling only the `source` strings of the cells it changed; every
//! other byte of the JSON (key order, indentation, outputs, escapes, final newline) is kept.

mod cells;
mod json;

use std::ops::Range;
use std::path::Path;

use ruff_text_size::TextSize;
use serde_json::Value;

pub use cells::{Cells, is_python_cell};
use json::Style;

use crate::source::{Position, SourceText};

/// Why a notebook cannot be checked or written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotebookError(String);

impl std::fmt::Display for NotebookError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for NotebookError {}

fn error(message: impl Into<String>) -> NotebookError {
    NotebookError(message.into())
}

/// Whether `path` names a notebook.
pub fn is_notebook(path: &Path) -> bool {
    path.extension()
        .is_some_and(|extension| extension == "ipynb")
}

/// A position in a notebook: the cell (one-based, counting every cell, as Jupyter shows them
/// and Ruff prints them) and the line and column within it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct CellPosition {
    pub cell: usize,
    pub position: Position,
}

/// A notebook's raw text and its code cells.
#[derive(Debug)]
pub struct Notebook<'a> {
    raw: &'a str,
    /// For every cell: the code cell's source text (`None` for markdown and raw cells).
    texts: Vec<Option<String>>,
    /// For every cell: the span of its `source` value in `raw`.
    spans: Vec<Option<Range<usize>>>,
    cells: Cells,
}

impl<'a> Notebook<'a> {
    /// Read the notebook `raw`. Its code cells are Python unless the notebook says its kernel
    /// speaks another language, in which case there is nothing to check.
    pub fn parse(raw: &'a str) -> Result<Self, NotebookError> {
        let value: Value =
            serde_json::from_str(raw).map_err(|e| error(format!("not valid JSON: {e}")))?;
        // nbformat 4 lists the cells; nbformat 3 (still shipped by real packages) keeps them
        // in worksheets, with a code cell's text under `input`.
        let (cells, worksheets, source_key): (Vec<&Value>, bool, &str) = if let Some(cells) =
            value.get("cells").and_then(Value::as_array)
        {
            (cells.iter().collect(), false, "source")
        } else if let Some(worksheets) = value.get("worksheets").and_then(Value::as_array) {
            let cells = worksheets
                .iter()
                .filter_map(|worksheet| worksheet.get("cells")?.as_array())
                .flatten()
                .collect();
            (cells, true, "input")
        } else {
            return Err(error(
                "not a Jupyter notebook: no `cells` list (nbformat 4) or `worksheets` (nbformat 3)",
            ));
        };
        let python = [("language_info", "name"), ("kernelspec", "language")]
            .iter()
            .filter_map(|(section, field)| {
                value.get("metadata")?.get(section)?.get(field)?.as_str()
            })
            .all(|language| language.eq_ignore_ascii_case("python"));
        let is_python_code = |cell: &Value| {
            // nbformat 3 names each code cell's language.
            let language = cell.get("language").and_then(Value::as_str);
            cell.get("cell_type").and_then(Value::as_str) == Some("code")
                && language.is_none_or(|language| language.eq_ignore_ascii_case("python"))
        };
        let texts = cells
            .iter()
            .enumerate()
            .map(|(index, cell)| {
                if !python || !is_python_code(cell) {
                    return Ok(None);
                }
                source_text(cell.get(source_key))
                    .map(Some)
                    .ok_or_else(|| error(format!("cell {}: `{source_key}` is not text", index + 1)))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let spans = json::source_spans(raw, worksheets, source_key).map_err(error)?;
        if spans.len() != texts.len() {
            return Err(error("cannot find the cells in the text"));
        }
        let cells = Cells::new(texts.iter().map(Option::as_deref));
        Ok(Self {
            raw,
            texts,
            spans,
            cells,
        })
    }

    /// The Python cells as one source, to check and fix.
    pub fn source(&self) -> &str {
        self.cells.source()
    }

    /// How many cells the notebook has (of any kind).
    pub fn cell_count(&self) -> usize {
        self.texts.len()
    }

    /// The text of cell `index` (zero-based), empty for cells that are not code.
    pub fn cell_text(&self, index: usize) -> &str {
        self.texts[index].as_deref().unwrap_or_default()
    }

    /// The cell (zero-based) and offset within it of `offset` in [`Self::source`].
    pub fn locate(&self, offset: TextSize) -> Option<(usize, TextSize)> {
        self.cells.locate(offset)
    }

    /// Where `offset` of [`Self::source`] is, as a cell and line and column.
    pub fn position(&self, offset: TextSize) -> CellPosition {
        let (cell, offset) = self.locate(offset).unwrap_or_default();
        CellPosition {
            cell: cell + 1,
            position: SourceText::new(self.cell_text(cell)).position(offset),
        }
    }

    /// Each cell that `fixed` (the fixed [`Self::source`]) changes: its index (zero-based),
    /// old text and new text.
    pub fn changed_cells<'f>(
        &'f self,
        fixed: &'f str,
    ) -> Result<Vec<(usize, &'f str, &'f str)>, NotebookError> {
        let split = self
            .cells
            .split(fixed)
            .ok_or_else(|| error("a fix crossed a cell boundary (a bug in migrate)"))?;
        Ok(split
            .into_iter()
            .enumerate()
            .filter_map(|(index, new)| {
                let old = self.texts[index].as_deref()?;
                new.filter(|new| *new != old).map(|new| (index, old, new))
            })
            .collect())
    }

    /// The notebook's text with the cells as `fixed` has them: only the `source` values of
    /// changed cells are respelled. Refuses a result whose changed cells do not parse each on
    /// its own, or that does not read back as the intended notebook.
    pub fn with_source(&self, fixed: &str) -> Result<String, NotebookError> {
        let changed = self.changed_cells(fixed)?;
        let style = Style::of(self.raw);
        let mut out = String::with_capacity(self.raw.len());
        let mut copied = 0;
        for &(index, old, new) in &changed {
            if crate::lint::parses(old, Path::new("cell.ipynb"))
                && !crate::lint::parses(new, Path::new("cell.ipynb"))
            {
                return Err(error(format!(
                    "cell {}: the fixed cell would not parse (a bug in migrate)",
                    index + 1
                )));
            }
            let span = self.spans[index].clone().expect("a code cell has a source");
            out.push_str(&self.raw[copied..span.start]);
            out.push_str(&respell_source(&self.raw[span.clone()], old, new, style)?);
            copied = span.end;
        }
        out.push_str(&self.raw[copied..]);
        let reread = Notebook::parse(&out)?;
        let expected = changed.iter().map(|&(index, _, new)| (index, new));
        if !expected
            .into_iter()
            .all(|(index, new)| reread.cell_text(index) == new)
        {
            return Err(error(
                "the rewritten notebook does not read back (a bug in migrate)",
            ));
        }
        Ok(out)
    }
}

/// A cell's `source`: one string, or a list of strings (lines) to join.
fn source_text(source: Option<&Value>) -> Option<String> {
    match source? {
        Value::String(text) => Some(text.clone()),
        Value::Array(lines) => lines.iter().map(Value::as_str).collect(),
        _ => None,
    }
}

/// The `source` value `raw` (decoding to `old`) respelled to decode to `new`, in the form it
/// had: a string stays a string; a list stays a list of lines whose unchanged items, and the
/// unchanged parts of changed items, keep their bytes.
fn respell_source(raw: &str, old: &str, new: &str, style: Style) -> Result<String, NotebookError> {
    if raw.starts_with('"') {
        return Ok(style.respell(raw, old, new));
    }
    let items = json::array_items(raw).map_err(error)?;
    let old_lines: Vec<&str> = old.split_inclusive('\n').collect();
    let new_lines: Vec<&str> = new.split_inclusive('\n').collect();
    if old_lines.len() != items.len() {
        return Err(error("a `source` list whose items are not lines"));
    }
    let prefix = common(old_lines.iter(), new_lines.iter());
    let room = old_lines.len().min(new_lines.len()) - prefix;
    let suffix = common(old_lines.iter().rev(), new_lines.iter().rev()).min(room);
    let old_middle = prefix..old_lines.len() - suffix;
    let new_middle = &new_lines[prefix..new_lines.len() - suffix];

    if old_middle.len() == new_middle.len() {
        // Line for line: each changed item is respelled in place.
        let mut out = String::new();
        let mut copied = 0;
        for (item, new) in old_middle.clone().zip(new_middle) {
            let span = items[item].clone();
            out.push_str(&raw[copied..span.start]);
            out.push_str(&style.respell(&raw[span.clone()], old_lines[item], new));
            copied = span.end;
        }
        out.push_str(&raw[copied..]);
        return Ok(out);
    }
    // Lines were added or removed: the list is laid out again with its own separators.
    let Some(first) = items.first() else {
        return Ok(format!(
            "[{}]",
            list(new_lines.iter().map(|line| style.quote(line)), ", ")
        ));
    };
    let last = items.last().expect("not empty");
    let lead = &raw[1..first.start];
    let separator = match items.get(1) {
        Some(second) => raw[first.end..second.start].to_string(),
        None => format!(",{lead}"),
    };
    let kept = |range: Range<usize>| range.map(|item| raw[items[item].clone()].to_string());
    let lines = kept(0..prefix)
        .chain(new_middle.iter().map(|line| style.quote(line)))
        .chain(kept(old_middle.end..items.len()));
    Ok(format!(
        "[{lead}{}{}",
        list(lines, &separator),
        &raw[last.end..]
    ))
}

/// How many items the two sequences start with in common.
fn common<T: PartialEq>(a: impl Iterator<Item = T>, b: impl Iterator<Item = T>) -> usize {
    a.zip(b).take_while(|(a, b)| a == b).count()
}

fn list(items: impl Iterator<Item = String>, separator: &str) -> String {
    items.collect::<Vec<_>>().join(separator)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOTEBOOK: &str = r#"{
 "cells": [
  {
   "cell_type": "markdown",
   "metadata": {},
   "source": [
    "np.float_ in markdown"
   ]
  },
  {
   "cell_type": "code",
   "execution_count": 1,
   "metadata": {},
   "outputs": [{"name": "stdout", "text": ["np.float_\n"]}],
   "source": [
    "import numpy as np\n",
    "%matplotlib inline\n",
    "x = np.float_(1)  # caf\u00e9"
   ]
  },
  {
   "cell_type": "code",
   "source": "y = np.NaN\n"
  }
 ],
 "metadata": {"kernelspec": {"language": "python"}},
 "nbformat": 4,
 "nbformat_minor": 5
}
"#;

    #[test]
    fn cells_positions_and_respelling() {
        let notebook = Notebook::parse(NOTEBOOK).unwrap();
        let source = notebook.source();
        assert_eq!(
            source,
            "import numpy as np\n%matplotlib inline\nx = np.float_(1)  # café\n\
             # migrate: cell boundary\ny = np.NaN\n"
        );
        let at = |needle: &str| TextSize::try_from(source.find(needle).unwrap()).unwrap();
        assert_eq!(
            notebook.position(at("np.NaN")),
            CellPosition {
                cell: 3,
                position: Position { line: 1, column: 5 }
            }
        );
        assert_eq!(
            notebook.position(at("np.float_")).position,
            Position { line: 3, column: 5 }
        );

        let fixed = source
            .replace("np.float_", "np.float64")
            .replace("np.NaN", "np.nan");
        let written = notebook.with_source(&fixed).unwrap();
        let expected = NOTEBOOK
            .replace(r#""x = np.float_(1)"#, r#""x = np.float64(1)"#)
            .replace("np.NaN", "np.nan");
        assert_eq!(written, expected);
        assert_eq!(notebook.with_source(source).unwrap(), NOTEBOOK);

        // An added line joins the list with the list's own separator.
        let added = source.replace("import numpy as np\n", "import numpy as np\nimport os\n");
        let written = notebook.with_source(&added).unwrap();
        assert!(
            written
                .contains("\"import numpy as np\\n\",\n    \"import os\\n\",\n    \"%matplotlib"),
            "{written}"
        );
    }

    #[test]
    fn refusals() {
        assert!(
            Notebook::parse("{")
                .unwrap_err()
                .to_string()
                .starts_with("not valid JSON")
        );
        assert!(Notebook::parse("[]").is_err());
        let notebook = Notebook::parse(NOTEBOOK).unwrap();
        let broken = notebook.source().replace("y = np.NaN", "y = (");
        assert!(
            notebook
                .with_source(&broken)
                .unwrap_err()
                .to_string()
                .contains("would not parse")
        );
        let r = r#"{"cells": [{"cell_type": "code", "source": "library(x)"}], "metadata": {"kernelspec": {"language": "R"}}}"#;
        assert_eq!(Notebook::parse(r).unwrap().source(), "");
    }
}
