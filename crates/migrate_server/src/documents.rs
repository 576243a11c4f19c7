//! The open documents as the editor has them: Python files, and notebooks whose cells are
//! documents of their own.

use std::collections::HashMap;

use lsp_types::{
    NotebookCell, NotebookCellKind, NotebookDocumentChangeEvent, TextDocumentContentChangeEvent,
    TextDocumentItem, Uri,
};

use crate::position::{Encoding, LineIndex};

/// Cells in a notebook that are not in this language are not checked.
const PYTHON: &str = "python";

pub struct TextDocument {
    pub text: String,
    pub version: i32,
    language: String,
}

impl TextDocument {
    fn new(item: TextDocumentItem) -> Self {
        Self {
            text: item.text,
            version: item.version,
            language: item.language_id,
        }
    }

    /// Apply the editor's changes, in order: whole texts or ranges in the previous text.
    pub fn change(
        &mut self,
        version: i32,
        changes: Vec<TextDocumentContentChangeEvent>,
        encoding: Encoding,
    ) {
        for change in changes {
            match change.range {
                None => self.text = change.text,
                Some(range) => {
                    let range = LineIndex::new(&self.text, encoding).text_range(range);
                    self.text
                        .replace_range(std::ops::Range::<usize>::from(range), &change.text);
                }
            }
        }
        self.version = version;
    }
}

/// A notebook: its cells in order; their text is in [`Documents::text`].
pub struct Notebook {
    cells: Vec<(Uri, NotebookCellKind)>,
}

#[derive(Default)]
pub struct Documents {
    texts: HashMap<Uri, TextDocument>,
    notebooks: HashMap<Uri, Notebook>,
    /// The notebook each open cell is in.
    cell_notebook: HashMap<Uri, Uri>,
}

impl Documents {
    pub fn open(&mut self, item: TextDocumentItem) {
        self.texts.insert(item.uri.clone(), TextDocument::new(item));
    }

    pub fn text(&self, uri: &Uri) -> Option<&TextDocument> {
        self.texts.get(uri)
    }

    pub fn text_mut(&mut self, uri: &Uri) -> Option<&mut TextDocument> {
        self.texts.get_mut(uri)
    }

    pub fn close(&mut self, uri: &Uri) {
        self.texts.remove(uri);
    }

    pub fn open_notebook(
        &mut self,
        uri: Uri,
        cells: Vec<NotebookCell>,
        texts: Vec<TextDocumentItem>,
    ) {
        for text in texts {
            self.open_cell(&uri, text);
        }
        let cells = cells
            .into_iter()
            .map(|cell| (cell.document, cell.kind))
            .collect();
        self.notebooks.insert(uri, Notebook { cells });
    }

    fn open_cell(&mut self, notebook: &Uri, item: TextDocumentItem) {
        self.cell_notebook
            .insert(item.uri.clone(), notebook.clone());
        self.open(item);
    }

    /// Apply a notebook change; the cells that left the notebook are returned (their
    /// diagnostics are to be cleared).
    pub fn change_notebook(
        &mut self,
        uri: &Uri,
        change: NotebookDocumentChangeEvent,
        encoding: Encoding,
    ) -> Vec<Uri> {
        let mut removed = Vec::new();
        let Some(cells) = change.cells else {
            return removed;
        };
        if let Some(structure) = cells.structure {
            for text in structure.did_open.into_iter().flatten() {
                self.open_cell(uri, text);
            }
            for closed in structure.did_close.into_iter().flatten() {
                self.cell_notebook.remove(&closed.uri);
                self.close(&closed.uri);
                removed.push(closed.uri);
            }
            if let Some(notebook) = self.notebooks.get_mut(uri) {
                let array = structure.array;
                let start = (array.start as usize).min(notebook.cells.len());
                let end = (start + array.delete_count as usize).min(notebook.cells.len());
                let added = array.cells.into_iter().flatten();
                notebook
                    .cells
                    .splice(start..end, added.map(|cell| (cell.document, cell.kind)));
            }
        }
        for content in cells.text_content.into_iter().flatten() {
            if let Some(text) = self.text_mut(&content.document.uri) {
                text.change(content.document.version, content.changes, encoding);
            }
        }
        removed
    }

    /// Forget the notebook and its cells; the cells that were in it.
    pub fn close_notebook(&mut self, uri: &Uri) -> Vec<Uri> {
        let cells: Vec<Uri> = self
            .notebooks
            .remove(uri)
            .map(|notebook| notebook.cells.into_iter().map(|(cell, _)| cell).collect())
            .unwrap_or_default();
        for cell in &cells {
            self.cell_notebook.remove(cell);
            self.close(cell);
        }
        cells
    }

    /// The notebook that the cell `uri` is in.
    pub fn notebook_of(&self, uri: &Uri) -> Option<&Uri> {
        self.cell_notebook.get(uri)
    }

    /// The notebook's cells in order, each with its text if it is a Python code cell.
    pub fn cells(&self, notebook: &Uri) -> Vec<(&Uri, Option<&str>)> {
        let Some(notebook) = self.notebooks.get(notebook) else {
            return Vec::new();
        };
        notebook
            .cells
            .iter()
            .map(|(uri, kind)| {
                let text = self
                    .texts
                    .get(uri)
                    .filter(|text| *kind == NotebookCellKind::Code && text.language == PYTHON)
                    .map(|text| text.text.as_str());
                (uri, text)
            })
            .collect()
    }
}
