//! What the server computes for a document: its diagnostics, quick fixes and fix-all edits.
//! A Python file is checked alone; a notebook cell is checked with the notebook's other
//! Python cells, as one source (names imported in one cell are used in the next).

use std::collections::HashMap;
use std::path::PathBuf;

use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, DiagnosticSeverity, NumberOrString, Range,
    TextEdit, Uri, WorkspaceEdit,
};
use migrate_engine::checker::RuleSet;
use migrate_engine::diagnostic::Diagnostic;
use migrate_engine::edit::{Fix, apply_fixes};
use migrate_engine::lint;
use migrate_engine::notebook::Cells;
use migrate_engine::text_size::{Ranged, TextRange, TextSize};

use crate::position::{Encoding, LineIndex};

/// Fix everything in a file (or, asked in a cell, in its notebook): for `codeActionsOnSave`.
pub const FIX_ALL: &str = "source.fixAll.migrate";
/// Fix everything in a notebook: for `notebook.codeActionsOnSave`.
pub const NOTEBOOK_FIX_ALL: &str = "notebook.source.fixAll.migrate";

/// What is checked as one source.
pub enum Target<'a> {
    File {
        uri: &'a Uri,
        text: &'a str,
    },
    /// A notebook's cells in order, each with its text if it is a Python code cell.
    Notebook {
        uri: &'a Uri,
        cells: Vec<(&'a Uri, Option<&'a str>)>,
        joined: Cells,
    },
}

impl<'a> Target<'a> {
    pub fn notebook(uri: &'a Uri, cells: Vec<(&'a Uri, Option<&'a str>)>) -> Self {
        let joined = Cells::new(cells.iter().map(|(_, text)| *text));
        Self::Notebook { uri, cells, joined }
    }

    fn source(&self) -> &str {
        match self {
            Self::File { text, .. } => text,
            Self::Notebook { joined, .. } => joined.source(),
        }
    }

    /// The path the source is checked as (its extension decides the syntax: a notebook's is
    /// IPython's) and its project's rules found by.
    pub fn path(&self) -> PathBuf {
        match self {
            Self::File { uri, .. } => path_of(uri, "py"),
            Self::Notebook { uri, .. } => path_of(uri, "ipynb"),
        }
    }

    /// The document and text that `offset` of the source is in, and the offset in that text.
    fn locate(&self, offset: TextSize) -> Option<(&'a Uri, &'a str, TextSize)> {
        match self {
            Self::File { uri, text } => Some((uri, text, offset)),
            Self::Notebook { cells, joined, .. } => {
                let (cell, offset) = joined.locate(offset)?;
                let (uri, text) = cells[cell];
                Some((uri, text?, offset))
            }
        }
    }

    /// The edit that turns the source into `new`: for a notebook, one edit per changed cell.
    fn edit_to(&self, new: &str, encoding: Encoding) -> Option<WorkspaceEdit> {
        let mut changes = HashMap::new();
        match self {
            Self::File { uri, text } => {
                changes.insert((*uri).clone(), vec![replacement(text, new, encoding)]);
            }
            Self::Notebook { cells, joined, .. } => {
                for ((uri, old), new) in cells.iter().zip(joined.split(new)?) {
                    if let (Some(old), Some(new)) = (old, new)
                        && old != &new
                    {
                        changes.insert((*uri).clone(), vec![replacement(old, new, encoding)]);
                    }
                }
            }
        }
        Some(WorkspaceEdit {
            changes: Some(changes),
            ..WorkspaceEdit::default()
        })
    }

    /// The edit of one fix: its own edits in a file; in a notebook, what it changes in each
    /// cell (an edit may sit on a cell boundary, where only the split text says which cell).
    /// `index` is the file's line index (built once for all its fixes).
    fn fix_edit(
        &self,
        fix: &Fix,
        index: Option<&LineIndex>,
        encoding: Encoding,
    ) -> Option<WorkspaceEdit> {
        let (Self::File { uri, .. }, Some(index)) = (self, index) else {
            return self.edit_to(&apply_fixes(self.source(), [fix]).text, encoding);
        };
        let edits = fix
            .edits()
            .iter()
            .map(|edit| TextEdit::new(index.range(edit.range()), edit.content().to_string()))
            .collect();
        Some(WorkspaceEdit {
            changes: Some(HashMap::from([((*uri).clone(), edits)])),
            ..WorkspaceEdit::default()
        })
    }

    /// Every document of the target, for diagnostics to be published (or cleared) on.
    fn documents(&self) -> Vec<&'a Uri> {
        match self {
            Self::File { uri, .. } => vec![*uri],
            Self::Notebook { cells, .. } => cells.iter().map(|(uri, _)| *uri).collect(),
        }
    }
}

/// The path of a document, or for one not on disk (`untitled:`) a name with `extension`.
fn path_of(uri: &Uri, extension: &str) -> PathBuf {
    let path = url::Url::parse(uri.as_str())
        .ok()
        .filter(|url| url.scheme() == "file")
        .and_then(|url| url.to_file_path().ok())
        .unwrap_or_else(|| {
            let name = uri.as_str().rsplit(['/', ':']).next().unwrap_or_default();
            PathBuf::from(name)
        });
    let keep = extension == "py" && path.extension().is_some_and(|e| e == "pyi");
    if keep || path.extension().is_some_and(|e| e == extension) {
        path
    } else {
        path.with_extension(extension)
    }
}

/// The whole text `old` replaced by `new` as one edit of the part that differs.
fn replacement(old: &str, new: &str, encoding: Encoding) -> TextEdit {
    let prefix = common_bytes(old.chars(), new.chars());
    let suffix = common_bytes(old[prefix..].chars().rev(), new[prefix..].chars().rev());
    let changed = TextRange::new(
        TextSize::try_from(prefix).expect("texts are smaller than 4 GiB"),
        TextSize::try_from(old.len() - suffix).expect("texts are smaller than 4 GiB"),
    );
    let index = LineIndex::new(old, encoding);
    TextEdit::new(
        index.range(changed),
        new[prefix..new.len() - suffix].to_string(),
    )
}

/// The length in bytes of the characters the two sequences start with in common.
fn common_bytes(a: impl Iterator<Item = char>, b: impl Iterator<Item = char>) -> usize {
    a.zip(b)
        .take_while(|(x, y)| x == y)
        .map(|(x, _)| x.len_utf8())
        .sum()
}

/// The target's findings, per document (every document has an entry, empty to clear).
pub fn diagnostics(
    target: &Target,
    rules: &RuleSet,
    encoding: Encoding,
) -> HashMap<Uri, Vec<lsp_types::Diagnostic>> {
    let mut published: HashMap<Uri, Vec<lsp_types::Diagnostic>> = target
        .documents()
        .into_iter()
        .map(|uri| (uri.clone(), Vec::new()))
        .collect();
    for (uri, diagnostic) in located(target, &check(target, rules), encoding) {
        published.entry(uri.clone()).or_default().push(diagnostic);
    }
    published
}

/// The rules' findings; none when the source does not parse (the editor shows why).
fn check(target: &Target, rules: &RuleSet) -> Vec<Diagnostic> {
    // Fault injection for the test that a panic does not stop the server (debug builds only).
    #[cfg(debug_assertions)]
    if std::env::var_os("MIGRATE_DEBUG_PANIC_ON").is_some_and(|name| target.path().ends_with(name))
    {
        panic!("injected for {}", target.path().display());
    }
    lint::check(target.source(), &target.path(), rules).unwrap_or_default()
}

/// Each finding as the editor shows it, in the document it is in.
fn located<'a>(
    target: &Target<'a>,
    diagnostics: &[Diagnostic],
    encoding: Encoding,
) -> Vec<(&'a Uri, lsp_types::Diagnostic)> {
    let mut indexes: HashMap<&Uri, LineIndex> = HashMap::new();
    diagnostics
        .iter()
        .filter_map(|diagnostic| {
            let (uri, text, start) = target.locate(diagnostic.start())?;
            let end = (start + diagnostic.range().len()).min(TextSize::of(text));
            let index = indexes
                .entry(uri)
                .or_insert_with(|| LineIndex::new(text, encoding));
            let range = index.range(TextRange::new(start, end));
            let message = match &diagnostic.help {
                Some(help) => format!("{}. {help}", diagnostic.message),
                None => diagnostic.message.clone(),
            };
            let shown = lsp_types::Diagnostic {
                range,
                severity: Some(DiagnosticSeverity::WARNING),
                code: Some(NumberOrString::String(diagnostic.code.to_string())),
                source: Some("migrate".to_string()),
                message,
                ..lsp_types::Diagnostic::default()
            };
            Some((uri, shown))
        })
        .collect()
}

/// The code actions for `range` of the document `uri` (in `target`): a quick fix per fixable
/// finding there, and the fix-all actions, as far as `only` asks for them.
pub fn code_actions(
    target: &Target,
    uri: &Uri,
    range: Range,
    only: Option<&[CodeActionKind]>,
    rules: &RuleSet,
    encoding: Encoding,
) -> Vec<CodeActionOrCommand> {
    let wanted = |kind: &str| {
        only.is_none_or(|only| {
            only.iter().any(|asked| {
                let asked = asked.as_str();
                kind == asked
                    || kind
                        .strip_prefix(asked)
                        .is_some_and(|rest| rest.starts_with('.'))
            })
        })
    };
    let action = |title: String, kind: &str, edit: WorkspaceEdit| {
        CodeActionOrCommand::CodeAction(CodeAction {
            title,
            kind: Some(CodeActionKind::from(kind.to_string())),
            edit: Some(edit),
            ..CodeAction::default()
        })
    };
    let mut actions = Vec::new();
    let diagnostics = check(target, rules);
    if wanted(CodeActionKind::QUICKFIX.as_str()) {
        let asked: Vec<(lsp_types::Diagnostic, &Diagnostic, &Fix)> =
            located(target, &diagnostics, encoding)
                .into_iter()
                .zip(&diagnostics)
                .filter_map(|((at, shown), diagnostic)| {
                    let fix = diagnostic.fix.as_ref()?;
                    (at == uri && overlaps(shown.range, range)).then_some((shown, diagnostic, fix))
                })
                .collect();
        let parses = |text: &str| lint::parses(text, &target.path());
        // Every fix together, parsed once; only a fix not proven so is parsed on its own.
        let together = apply_fixes(target.source(), asked.iter().map(|(_, _, fix)| *fix));
        let together_parse = parses(&together.text);
        let index = match target {
            Target::File { text, .. } => Some(LineIndex::new(text, encoding)),
            Target::Notebook { .. } => None,
        };
        for ((shown, diagnostic, fix), taken) in asked.into_iter().zip(together.taken) {
            // An edit whose result does not parse is never offered (`--fix` withholds it too).
            let proven = taken && together_parse;
            if !proven && !parses(&apply_fixes(target.source(), [fix]).text) {
                continue;
            }
            let Some(edit) = target.fix_edit(fix, index.as_ref(), encoding) else {
                continue;
            };
            let title = diagnostic
                .help
                .clone()
                .unwrap_or_else(|| format!("Fix {}", diagnostic.code));
            if let CodeActionOrCommand::CodeAction(mut quick) = action(
                format!("{title} ({})", diagnostic.code),
                CodeActionKind::QUICKFIX.as_str(),
                edit,
            ) {
                quick.diagnostics = Some(vec![shown]);
                quick.is_preferred = Some(true);
                actions.push(CodeActionOrCommand::CodeAction(quick));
            }
        }
    }
    let in_notebook = matches!(target, Target::Notebook { .. });
    let kinds = [FIX_ALL]
        .into_iter()
        .chain(in_notebook.then_some(NOTEBOOK_FIX_ALL));
    let kinds: Vec<&str> = kinds.filter(|kind| wanted(kind)).collect();
    if !kinds.is_empty()
        && diagnostics
            .iter()
            .any(|diagnostic| diagnostic.fix.is_some())
    {
        let fixed = lint::fix(target.source(), &target.path(), rules);
        if let Some(edit) = fixed
            .ok()
            .and_then(|fixed| target.edit_to(&fixed.text, encoding))
        {
            for kind in kinds {
                actions.push(action(
                    "Fix all NumPy 2 migrations (migrate)".to_string(),
                    kind,
                    edit.clone(),
                ));
            }
        }
    }
    actions
}

/// Whether two ranges share a position (touching counts: the cursor at a finding's end).
fn overlaps(a: Range, b: Range) -> bool {
    let key = |p: lsp_types::Position| (p.line, p.character);
    key(a.start) <= key(b.end) && key(b.start) <= key(a.end)
}
