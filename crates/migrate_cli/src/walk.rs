//! Which files a run checks.

use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use ignore::WalkBuilder;
use migrate_rules::project::{NOT_A_REGULAR_FILE, check_config_file};
use rustc_hash::FxHashSet;

use crate::patterns::FilePatterns;

/// What `exclude` is when no configuration sets it: folders that never hold the project's
/// own code.
pub const DEFAULT_EXCLUDE: &[&str] = &[
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

/// What a walk leaves out.
pub trait Exclusions: Send + Sync {
    /// Whether a file or folder found in a folder being walked is left out.
    fn is_excluded(&self, path: &Path) -> bool;

    /// Whether a path named on the command line is left out.
    fn is_excluded_explicitly(&self, path: &Path) -> bool;
}

/// [`DEFAULT_EXCLUDE`] alone, for walks without a configuration (`migrate deps`).
pub struct DefaultExclusions(FilePatterns);

impl DefaultExclusions {
    pub fn new() -> Self {
        Self(default_exclude(Path::new("/")))
    }
}

/// [`DEFAULT_EXCLUDE`] as patterns (they are names, so `root` changes nothing they match).
pub fn default_exclude(root: &Path) -> FilePatterns {
    FilePatterns::new(DEFAULT_EXCLUDE.iter().copied(), root).expect("the default globs are valid")
}

impl Exclusions for DefaultExclusions {
    fn is_excluded(&self, path: &Path) -> bool {
        self.0.matches(path)
    }

    fn is_excluded_explicitly(&self, _path: &Path) -> bool {
        false
    }
}

/// A path given on the command line that cannot be checked.
pub struct WalkError {
    pub path: PathBuf,
    pub message: String,
}

/// Call `found` with each file to check under `paths`, once each, as the walk finds them; return
/// the paths that cannot be checked. A file named on the command line is checked unless
/// `exclusions` leave it out (`--force-exclude`); folders are searched for `.py` and `.pyi`
/// files and `.ipynb` notebooks, respecting `.gitignore` and `.ignore` and `exclusions` (by
/// default version-control folders, virtual environments and build output), and skipping
/// every virtual environment.
pub fn python_files(
    paths: &[PathBuf],
    exclusions: Arc<dyn Exclusions>,
    found: impl FnMut(PathBuf),
) -> Vec<WalkError> {
    files(paths, is_python, exclusions, found)
}

/// As [`python_files`], for the files for which `wanted` holds.
pub fn files(
    paths: &[PathBuf],
    wanted: fn(&Path) -> bool,
    exclusions: Arc<dyn Exclusions>,
    mut found: impl FnMut(PathBuf),
) -> Vec<WalkError> {
    // Only overlapping paths (`src src/a.py`, `. a.py`) can name a file twice; checked twice,
    // its second fix would find it changed on disk. Paths are compared without their `.`
    // components (`./a.py` is `a.py`).
    let mut seen = (paths.len() > 1).then(FxHashSet::default);
    let mut found = |path: PathBuf| {
        let key = || -> PathBuf {
            path.components()
                .filter(|component| *component != Component::CurDir)
                .collect()
        };
        if seen.as_mut().is_none_or(|seen| seen.insert(key())) {
            found(path);
        }
    };
    let mut errors = Vec::new();
    for path in paths
        .iter()
        .filter(|path| !exclusions.is_excluded_explicitly(path))
    {
        match std::fs::metadata(path) {
            Ok(metadata) if metadata.is_dir() => {
                walk_folder(path, wanted, &exclusions, &mut found, &mut errors);
            }
            Ok(metadata) if !metadata.is_file() => errors.push(WalkError {
                path: path.clone(),
                message: NOT_A_REGULAR_FILE.to_string(),
            }),
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
    exclusions: &Arc<dyn Exclusions>,
    found: &mut impl FnMut(PathBuf),
    errors: &mut Vec<WalkError>,
) {
    // The walk reads the ignore files of the folder and of every folder above it.
    let above = std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf());
    if let Some(error) = above.ancestors().find_map(unreadable_ignore_file) {
        errors.push(error);
        return;
    }
    let skipped = Arc::new(Mutex::new(Vec::new()));
    let walker = WalkBuilder::new(root)
        .hidden(false)
        .git_global(false)
        .require_git(false)
        .follow_links(false)
        .filter_entry({
            let (exclusions, skipped) = (exclusions.clone(), skipped.clone());
            move |entry| {
                let is_dir = entry.file_type().is_some_and(|kind| kind.is_dir());
                let path = entry.path();
                if !is_dir || entry.depth() == 0 {
                    return true;
                }
                if exclusions.is_excluded(path) || path.join("pyvenv.cfg").is_file() {
                    return false;
                }
                let unreadable = unreadable_ignore_file(path);
                let walked = unreadable.is_none();
                skipped
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .extend(unreadable);
                walked
            }
        })
        .build();
    for entry in walker {
        match entry {
            Ok(entry) => {
                let is_file = entry.file_type().is_some_and(|kind| kind.is_file());
                if is_file && wanted(entry.path()) && !exclusions.is_excluded(entry.path()) {
                    found(entry.into_path());
                }
            }
            Err(error) => errors.push(WalkError {
                path: error_path(&error).unwrap_or_else(|| root.to_path_buf()),
                message: error.to_string(),
            }),
        }
    }
    errors.append(&mut skipped.lock().unwrap_or_else(PoisonError::into_inner));
}

/// The walk reads a folder's `.gitignore` and `.ignore` itself (the `ignore` crate has no
/// hook to skip one), so a folder whose ignore file is a FIFO (the walk would block) or a
/// device or huge file (it would be read until memory runs out) is not walked; the error
/// names the file.
fn unreadable_ignore_file(folder: &Path) -> Option<WalkError> {
    [".gitignore", ".ignore"].into_iter().find_map(|name| {
        let file = folder.join(name);
        let why = check_config_file(&std::fs::metadata(&file).ok()?).err()?;
        Some(WalkError {
            path: file,
            message: format!("{why}; the folder is not checked"),
        })
    })
}

pub fn is_python(path: &Path) -> bool {
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
