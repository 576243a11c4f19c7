//! Which files a run checks.

use std::path::{Path, PathBuf};

use ignore::WalkBuilder;
use rustc_hash::FxHashSet;

/// Folders that never hold the project's own code.
const SKIPPED_FOLDERS: &[&str] = &[
    ".git",
    ".hg",
    ".svn",
    ".venv",
    "venv",
    ".tox",
    ".nox",
    ".mypy_cache",
    ".ruff_cache",
    ".pytest_cache",
    "__pycache__",
    "__pypackages__",
    "site-packages",
    "node_modules",
    "build",
];

/// A path given on the command line that cannot be checked.
pub struct WalkError {
    pub path: PathBuf,
    pub message: String,
}

/// Call `found` with each file to check under `paths`, once each, as the walk finds them; return
/// the paths that cannot be checked. A file named on the command line is always checked;
/// folders are searched for `.py` and `.pyi` files and `.ipynb` notebooks, respecting
/// `.gitignore` and `.ignore` and skipping version-control folders, virtual environments and
/// build output.
pub fn python_files(paths: &[PathBuf], found: impl FnMut(PathBuf)) -> Vec<WalkError> {
    files(paths, is_python, found)
}

/// As [`python_files`], for the files for which `wanted` holds.
pub fn files(
    paths: &[PathBuf],
    wanted: fn(&Path) -> bool,
    mut found: impl FnMut(PathBuf),
) -> Vec<WalkError> {
    // Only overlapping paths (`src src/a.py`) can name a file twice.
    let mut seen = (paths.len() > 1).then(FxHashSet::default);
    let mut found = |path: PathBuf| {
        if seen.as_mut().is_none_or(|seen| seen.insert(path.clone())) {
            found(path);
        }
    };
    let mut errors = Vec::new();
    for path in paths {
        match std::fs::metadata(path) {
            Ok(metadata) if metadata.is_dir() => {
                walk_folder(path, wanted, &mut found, &mut errors);
            }
            Ok(_) => found(path.clone()),
            Err(error) => errors.push(WalkError {
                path: path.clone(),
                message: error.to_string(),
            }),
        }
    }
    errors
}

fn walk_folder(
    root: &Path,
    wanted: fn(&Path) -> bool,
    found: &mut impl FnMut(PathBuf),
    errors: &mut Vec<WalkError>,
) {
    let walker = WalkBuilder::new(root)
        .hidden(false)
        .git_global(false)
        .require_git(false)
        .follow_links(false)
        .filter_entry(|entry| {
            let is_dir = entry.file_type().is_some_and(|kind| kind.is_dir());
            !(is_dir && (is_skipped_folder(entry.path()) && entry.depth() > 0))
        })
        .build();
    for entry in walker {
        match entry {
            Ok(entry) => {
                let is_file = entry.file_type().is_some_and(|kind| kind.is_file());
                if is_file && wanted(entry.path()) {
                    found(entry.into_path());
                }
            }
            Err(error) => errors.push(WalkError {
                path: error_path(&error).unwrap_or_else(|| root.to_path_buf()),
                message: error.to_string(),
            }),
        }
    }
}

fn is_skipped_folder(path: &Path) -> bool {
    let named = path
        .file_name()
        .and_then(|name| name.to_str())
        .is_some_and(|name| SKIPPED_FOLDERS.contains(&name));
    named || path.join("pyvenv.cfg").is_file()
}

fn is_python(path: &Path) -> bool {
    path.extension()
        .is_some_and(|extension| extension == "py" || extension == "pyi" || extension == "ipynb")
}

fn error_path(error: &ignore::Error) -> Option<PathBuf> {
    match error {
        ignore::Error::WithPath { path, .. } => Some(path.clone()),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        ignore::Error::Loop { child, .. } => Some(child.clone()),
        _ => None,
    }
}
