//! Checking, fixing or diffing one file (or standard input).

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::fs;
use std::fs::File;
use std::io::{self, Read, Seek, Write};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use migrate_engine::checker::RuleSet;
use migrate_engine::diagnostic::Diagnostic;
use migrate_engine::lint::{self, DroppedFix, SyntaxError};
use migrate_engine::notebook::{Notebook, is_notebook};
use migrate_engine::source::SourceText;
use migrate_engine::text_size::{Ranged, TextSize};

use crate::args::Mode;
use crate::finding::{About, Finding};

/// What happened to one file.
#[derive(Debug, Default)]
pub struct FileReport {
    pub path: PathBuf,
    /// What is left to migrate (after fixing, with `--fix`).
    pub findings: Vec<Finding>,
    /// Findings fixed (with `--fix`) or that would be (with `--diff`).
    pub fixed: usize,
    /// The same, by rule (empty where fixes are not counted by rule: dependency files).
    pub fixed_codes: BTreeMap<&'static str, usize>,
    /// Findings whose fix was dropped because the result would not parse.
    pub dropped: Vec<DroppedFix>,
    /// With `--diff`: the unified diff, when the file would change.
    pub diff: Option<String>,
    /// The source after fixing, when it differs.
    pub fixed_text: Option<String>,
    /// Why the file could not be checked (it is left untouched).
    pub error: Option<String>,
}

impl FileReport {
    pub fn error(path: &Path, message: impl Into<String>) -> Self {
        Self {
            path: path.to_path_buf(),
            error: Some(message.into()),
            ..Self::default()
        }
    }
}

/// Check, fix or diff the file at `path`. A failure of any kind (including a panic) is an
/// error of this file only, and the file is left as it was.
pub fn file(path: &Path, mode: Mode, rules: &RuleSet) -> FileReport {
    guarded(path, || file_unguarded(path, mode, rules))
}

thread_local! {
    /// Set while a file is processed: a panic then becomes that file's error.
    static PANIC_MESSAGE: RefCell<Option<String>> = const { RefCell::new(None) };
    static GUARDED: Cell<bool> = const { Cell::new(false) };
}

/// Print panics of guarded work as file errors (see [`guarded`]), others as usual.
pub fn install_panic_hook() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if GUARDED.get() {
            PANIC_MESSAGE.set(Some(info.to_string().replace('\n', " ")));
        } else {
            default(info);
        }
    }));
}

/// Run `work` for the file at `path`, turning a panic into an error report for that file.
pub fn guarded(path: &Path, work: impl FnOnce() -> FileReport) -> FileReport {
    GUARDED.set(true);
    let result = catch_unwind(AssertUnwindSafe(work));
    GUARDED.set(false);
    result.unwrap_or_else(|_| {
        let reason = PANIC_MESSAGE
            .take()
            .unwrap_or_else(|| "a panic".to_string());
        FileReport::error(
            path,
            format!("internal error (a bug in migrate), file left unchanged: {reason}"),
        )
    })
}

fn file_unguarded(path: &Path, mode: Mode, rules: &RuleSet) -> FileReport {
    // Fault injection for the tests of panic isolation (debug builds only).
    #[cfg(debug_assertions)]
    if std::env::var_os("MIGRATE_DEBUG_PANIC_ON").is_some_and(|name| path.ends_with(name)) {
        panic!("injected for {}", path.display());
    }
    READ_BUFFER.with_borrow_mut(|bytes| {
        bytes.clear();
        if let Err(error) = File::open(path).and_then(|mut file| file.read_to_end(bytes)) {
            return FileReport::error(path, format!("cannot read: {error}"));
        }
        let report = checked_bytes(path, bytes, mode, rules);
        if bytes.capacity() > KEPT_READ_BUFFER {
            *bytes = Vec::new();
        }
        report
    })
}

thread_local! {
    /// Each worker reads every file into the same buffer: no allocation (nor `stat` to size
    /// one) per file.
    static READ_BUFFER: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// A read buffer grown past this by a large file is let go.
const KEPT_READ_BUFFER: usize = 4 << 20;

fn checked_bytes(path: &Path, bytes: &[u8], mode: Mode, rules: &RuleSet) -> FileReport {
    let source = match decode(bytes) {
        Ok(source) => source,
        Err(message) => return FileReport::error(path, message),
    };
    let report = source_text(source, path, mode, rules);
    if mode == Mode::Fix
        && let Some(fixed) = &report.fixed_text
        && let Err(message) = write_atomically(path, bytes, fixed)
    {
        // Nothing was fixed: what is left is everything the file had.
        return FileReport {
            error: Some(message),
            ..source_text(source, path, Mode::Check, rules)
        };
    }
    report
}

/// Check, fix or diff `source` (a Python file, or a notebook if `path` names one), reported as
/// `path`. Writes nothing.
pub fn source_text(source: &str, path: &Path, mode: Mode, rules: &RuleSet) -> FileReport {
    let mut report = FileReport {
        path: path.to_path_buf(),
        ..FileReport::default()
    };
    let outcome = if is_notebook(path) {
        notebook(source, path, mode, rules, &mut report)
    } else {
        python(source, path, mode, rules, &mut report)
    };
    if let Err(message) = outcome {
        report.error = Some(message);
        report.fixed = 0;
        report.fixed_codes.clear();
        report.fixed_text = None;
        report.diff = None;
    }
    report
}

fn python(
    source: &str,
    path: &Path,
    mode: Mode,
    rules: &RuleSet,
    report: &mut FileReport,
) -> Result<(), String> {
    let remaining = lint(source, path, mode, rules, report).map_err(|error| error.to_string())?;
    if let Some(fixed) = &report.fixed_text
        && mode == Mode::Diff
    {
        report.diff = Some(unified_diff(source, fixed, &path.display().to_string()));
    }
    // Most files have no findings: no line index for them.
    if !remaining.is_empty() {
        let text = SourceText::new(report.fixed_text.as_deref().unwrap_or(source));
        report.findings = findings(&remaining, |offset| (None, &text, offset));
    }
    Ok(())
}

/// A notebook: its code cells are checked as one source; positions are cell, line, column; the
/// diff is shown cell by cell; the fixed text is the notebook's JSON with only the changed
/// cells' sources respelled.
fn notebook(
    raw: &str,
    path: &Path,
    mode: Mode,
    rules: &RuleSet,
    report: &mut FileReport,
) -> Result<(), String> {
    let notebook = Notebook::parse(raw).map_err(|error| format!("not a notebook: {error}"))?;
    let remaining = lint(notebook.source(), path, mode, rules, report).map_err(|error| {
        let at = notebook.position(error.offset);
        format!(
            "cell {}:{}:{}: syntax error: {}",
            at.cell, at.position.line, at.position.column, error.message
        )
    })?;
    let Some(fixed) = report.fixed_text.take() else {
        report.findings = notebook_findings(&notebook, &remaining);
        return Ok(());
    };
    let written = notebook
        .with_source(&fixed)
        .map_err(|error| error.to_string())?;
    if mode == Mode::Diff {
        let changed = notebook
            .changed_cells(&fixed)
            .map_err(|error| error.to_string())?;
        let name = path.display();
        report.diff = Some(
            changed
                .iter()
                .map(|(cell, old, new)| {
                    unified_diff(old, new, &format!("{name}:cell {}", cell + 1))
                })
                .collect(),
        );
    }
    // What is left is found again in the notebook as written, cell by cell.
    let fixed_notebook = Notebook::parse(&written).map_err(|error| error.to_string())?;
    let remaining = migrate_engine::lint::check(fixed_notebook.source(), path, rules)
        .map_err(|error| error.to_string())?;
    report.findings = notebook_findings(&fixed_notebook, &remaining);
    report.fixed_text = Some(written);
    Ok(())
}

/// Check `source`, or fix it (into `report.fixed_text` when it changes): the diagnostics left.
fn lint(
    source: &str,
    path: &Path,
    mode: Mode,
    rules: &RuleSet,
    report: &mut FileReport,
) -> Result<Vec<Diagnostic>, SyntaxError> {
    match mode {
        Mode::Check => lint::check(source, path, rules),
        Mode::Fix | Mode::Diff => lint::fix(source, path, rules).map(|fixed| {
            report.fixed = fixed.fixed;
            report.fixed_codes = fixed.fixed_codes;
            report.dropped = fixed.dropped;
            if fixed.text != source {
                report.fixed_text = Some(fixed.text);
            }
            fixed.remaining
        }),
    }
}

fn notebook_findings(notebook: &Notebook, diagnostics: &[Diagnostic]) -> Vec<Finding> {
    let cells: Vec<SourceText> = (0..notebook.cell_count())
        .map(|cell| SourceText::new(notebook.cell_text(cell)))
        .collect();
    findings(diagnostics, |offset| {
        let (cell, offset) = notebook.locate(offset).unwrap_or_default();
        (Some(cell + 1), &cells[cell], offset)
    })
}

/// The findings of `diagnostics`; `locate` says where an offset is: the cell (for notebooks),
/// the text it is in and the offset in that text.
fn findings<'t>(
    diagnostics: &[Diagnostic],
    locate: impl Fn(TextSize) -> (Option<usize>, &'t SourceText<'t>, TextSize) + 't,
) -> Vec<Finding> {
    diagnostics
        .iter()
        .map(|diagnostic| {
            let about = About {
                code: diagnostic.code,
                message: &diagnostic.message,
                help: diagnostic.help.as_deref(),
                fixable: diagnostic.fix.is_some(),
            };
            Finding::new(&about, diagnostic.range(), diagnostic.fix.as_ref(), &locate)
        })
        .collect()
}

/// The file's bytes as text, refusing what Python itself would not run.
pub fn decode(bytes: &[u8]) -> Result<&str, String> {
    let text = std::str::from_utf8(bytes).map_err(|error| {
        format!(
            "not valid UTF-8 (invalid byte at offset {}); only UTF-8 sources are supported",
            error.valid_up_to()
        )
    })?;
    if let Some(offset) = text.find('\0') {
        return Err(format!(
            "contains a NUL byte at offset {offset}; not a Python source file"
        ));
    }
    Ok(text)
}

pub fn unified_diff(old: &str, new: &str, name: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(name, name)
        .to_string()
}

/// Replace the file's content, keeping what else the file is: its owner, group, mode,
/// extended attributes (ACLs among them) and hard links. Refuse if the file changed since it
/// was read, or if it is not writable by us: the rename below needs only the folder's
/// permission, and would replace another user's read-only file in a shared folder.
///
/// The new text goes to a temporary file in the same folder, given the file's owner, mode and
/// attributes, then renamed over it, so that a reader never sees half a file. A file with
/// other hard links, or whose owner or attributes the temporary file cannot be given (we are
/// not root), is rewritten in place instead: the links and the rest are kept, at the cost of
/// that atomicity.
pub fn write_atomically(path: &Path, original: &[u8], text: &str) -> Result<(), String> {
    let fail = |what: &str, error: io::Error| format!("{what}, file left unchanged: {error}");
    let target = fs::canonicalize(path).map_err(|error| fail("cannot resolve the path", error))?;
    let mut existing = fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(&target)
        .map_err(|error| fail("cannot write", error))?;
    let mut current = Vec::with_capacity(original.len());
    existing
        .read_to_end(&mut current)
        .map_err(|error| fail("cannot re-read", error))?;
    if current != original {
        return Err("changed on disk while being migrated; left as it is".to_string());
    }
    let metadata = existing
        .metadata()
        .map_err(|error| fail("cannot read permissions", error))?;
    if has_other_links(&metadata) {
        return write_in_place(&mut existing, text);
    }
    let folder = target.parent().unwrap_or(Path::new("."));
    let mut temporary = tempfile::NamedTempFile::new_in(folder)
        .map_err(|error| fail("cannot create a temporary file", error))?;
    temporary
        .write_all(text.as_bytes())
        .and_then(|()| temporary.as_file().sync_all())
        .map_err(|error| fail("cannot write", error))?;
    if give_what_the_file_is(&existing, &metadata, temporary.as_file()).is_err() {
        return write_in_place(&mut existing, text);
    }
    // The new text is on disk before the rename, so a crash leaves the old file or the new
    // one, never an empty one. The folder is not synced: a rename lost in a crash leaves the
    // old file, whole (syncing it cost 10% of a `--fix` run).
    temporary
        .persist(&target)
        .map_err(|error| fail("cannot replace the file", error.error))?;
    Ok(())
}

/// Rewrite `file` through its own inode.
fn write_in_place(file: &mut File, text: &str) -> Result<(), String> {
    file.seek(io::SeekFrom::Start(0))
        .and_then(|_| file.write_all(text.as_bytes()))
        .and_then(|()| file.set_len(text.len() as u64))
        .and_then(|()| file.sync_all())
        .map_err(|error| format!("cannot write (the file may be partly rewritten): {error}"))
}

#[cfg(unix)]
fn has_other_links(metadata: &fs::Metadata) -> bool {
    std::os::unix::fs::MetadataExt::nlink(metadata) > 1
}

#[cfg(not(unix))]
fn has_other_links(_: &fs::Metadata) -> bool {
    false
}

/// Give `replacement` the owner, group, mode and extended attributes of `original`.
#[cfg_attr(not(target_os = "linux"), allow(unused_variables))]
fn give_what_the_file_is(
    original: &File,
    metadata: &fs::Metadata,
    replacement: &File,
) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let made = replacement.metadata()?;
        if (made.uid(), made.gid()) != (metadata.uid(), metadata.gid()) {
            std::os::unix::fs::fchown(replacement, Some(metadata.uid()), Some(metadata.gid()))?;
        }
    }
    // After the owner: changing it clears the set-user-ID and set-group-ID bits.
    replacement.set_permissions(metadata.permissions())?;
    #[cfg(target_os = "linux")]
    copy_extended_attributes(original, replacement)?;
    Ok(())
}

#[cfg(target_os = "linux")]
fn copy_extended_attributes(from: &File, to: &File) -> io::Result<()> {
    use rustix::fs::{XattrFlags, fgetxattr, fgetxattr_query, flistxattr, flistxattr_query};
    let size = match flistxattr_query(from) {
        // A filesystem without them: nothing to copy (not a reason to give up the rename).
        Err(rustix::io::Errno::NOTSUP) => return Ok(()),
        listed => listed?,
    };
    let mut names = vec![0; size];
    let listed = flistxattr(from, &mut names[..])?;
    names.truncate(listed);
    for name in names
        .split(|&byte| byte == 0)
        .filter(|name| !name.is_empty())
    {
        let name = std::ffi::CString::new(name).map_err(io::Error::other)?;
        let mut value = vec![0; fgetxattr_query(from, &name)?];
        let read = fgetxattr(from, &name, &mut value[..])?;
        rustix::fs::fsetxattr(to, &name, &value[..read], XattrFlags::empty())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_changed_since_it_was_read_is_not_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.py");
        fs::write(&path, "x = 2\n").unwrap();
        let error = write_atomically(&path, b"x = 1\n", "x = 3\n").unwrap_err();
        assert!(error.contains("changed on disk"), "{error}");
        assert_eq!(fs::read_to_string(&path).unwrap(), "x = 2\n");
        // Nothing is left behind in the folder.
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);

        write_atomically(&path, b"x = 2\n", "x = 3\n").unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "x = 3\n");
    }

    #[cfg(unix)]
    #[test]
    fn writing_through_a_symlink_replaces_the_target() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("real.py");
        let link = dir.path().join("link.py");
        fs::write(&target, "x = 1\n").unwrap();
        std::os::unix::fs::symlink(&target, &link).unwrap();
        write_atomically(&link, b"x = 1\n", "x = 2\n").unwrap();
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(fs::read_to_string(&target).unwrap(), "x = 2\n");
    }
}
