//! The oldest NumPy a project supports, as it declares it: the lower bound of `numpy` in
//! `[project] dependencies` of its `pyproject.toml` (else in its optional dependencies, where
//! a package that works without NumPy declares it), in `install_requires` of its `setup.cfg`
//! or of the `setup(...)` call of its `setup.py` (a literal list), or in its
//! `requirements*.txt`.

use std::fs;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::{Arc, Mutex};

use pep508_rs::pep440_rs::Operator;
use pep508_rs::{Requirement, VersionOrUrl};
use rustc_hash::FxHashMap;

use crate::version::Version;

/// A declared lower bound of `numpy`, and the file that declares it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeclaredFloor {
    pub version: Version,
    pub file: PathBuf,
}

/// Look in `dir` and its parents for the nearest project files. The search stops at the
/// first folder with a `pyproject.toml`, `setup.cfg` or `setup.py` (the project's root) or a
/// `.git`.
pub fn declared_min_numpy(dir: &Path) -> Option<DeclaredFloor> {
    Projects::default().declared_min_numpy(dir)
}

/// [`declared_min_numpy`] for many folders, reading each folder's files once (a run over a
/// repository asks for every folder, and they share their parents).
#[derive(Debug, Default)]
pub struct Projects {
    folders: Mutex<FxHashMap<PathBuf, Arc<Folder>>>,
}

/// What one folder says.
#[derive(Debug)]
struct Folder {
    declared: Option<DeclaredFloor>,
    /// A project's root (`pyproject.toml`, `setup.cfg`, `setup.py`) or a repository's
    /// (`.git`): the search stops here.
    is_root: bool,
}

impl Projects {
    pub fn declared_min_numpy(&self, dir: &Path) -> Option<DeclaredFloor> {
        for folder in dir.ancestors() {
            let facts = self.folder(folder);
            if facts.declared.is_some() || facts.is_root {
                return facts.declared.clone();
            }
        }
        None
    }

    fn folder(&self, folder: &Path) -> Arc<Folder> {
        if let Some(facts) = self.lock().get(folder) {
            return facts.clone();
        }
        let facts = Arc::new(Folder::read(folder));
        self.lock().insert(folder.to_path_buf(), facts.clone());
        facts
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, FxHashMap<PathBuf, Arc<Folder>>> {
        // The map is valid after any panic (an insert either happened or not).
        self.folders
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Folder {
    /// What the folder's files say, from one listing of it (rather than a probe per name).
    fn read(folder: &Path) -> Self {
        let mut names: Vec<String> = fs::read_dir(folder)
            .into_iter()
            .flatten()
            .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
            .collect();
        names.sort_unstable();
        let has = |name: &str| names.iter().any(|listed| listed == name);
        let read = |name: &str, floor: fn(&str) -> Option<Version>| {
            let file = folder.join(name);
            let version = floor(&read_project_file(&file)?)?;
            Some(DeclaredFloor { version, file })
        };
        let project_files = [
            (
                "pyproject.toml",
                pyproject_floor as fn(&str) -> Option<Version>,
            ),
            ("setup.cfg", setup_cfg_floor),
            ("setup.py", setup_py_floor),
        ];
        let is_root = has(".git") || project_files.iter().any(|(name, _)| has(name));
        let requirements = names
            .iter()
            .filter(|name| name.starts_with("requirements") && name.ends_with(".txt"));
        let declared = project_files
            .iter()
            .filter(|(name, _)| has(name))
            .find_map(|&(name, floor)| read(name, floor))
            .or_else(|| requirements_floor(folder, requirements));
        Self { declared, is_root }
    }
}

/// Project files larger than this are not read for the floor.
const MAX_PROJECT_FILE_BYTES: u64 = 4 << 20;

/// A project file's text, when it is a regular file (not a FIFO that would block, nor a device
/// such as `/dev/zero` behind a symlink) of reasonable size.
fn read_project_file(file: &Path) -> Option<String> {
    let metadata = fs::metadata(file).ok()?;
    if !metadata.is_file() || metadata.len() > MAX_PROJECT_FILE_BYTES {
        return None;
    }
    fs::read_to_string(file).ok()
}

fn pyproject_floor(text: &str) -> Option<Version> {
    let document: toml::Table = toml::from_str(text).ok()?;
    let project = document.get("project")?;
    let floor = |requirements: &toml::Value| {
        requirements
            .as_array()?
            .iter()
            .filter_map(|dependency| numpy_floor(dependency.as_str()?))
            .max()
    };
    project.get("dependencies").and_then(floor).or_else(|| {
        // Each extra that needs NumPy must run on its floor: the lowest of them.
        let extras = project.get("optional-dependencies")?.as_table()?;
        extras.values().filter_map(floor).min()
    })
}

/// The floor the first of the requirements files `names` (sorted) in `folder` declares.
fn requirements_floor<'a>(
    folder: &Path,
    names: impl Iterator<Item = &'a String>,
) -> Option<DeclaredFloor> {
    names.map(|name| folder.join(name)).find_map(|file| {
        let text = read_project_file(&file)?;
        let version = text
            .lines()
            .map(|line| line.split(" #").next().unwrap_or(line).trim())
            .filter(|line| !line.is_empty() && !line.starts_with(['#', '-']))
            .filter_map(numpy_floor)
            .max()?;
        Some(DeclaredFloor { version, file })
    })
}

/// `install_requires` of `[options]` in a `setup.cfg` (configparser's syntax: `=` or `:`,
/// the value continued on indented lines).
fn setup_cfg_floor(text: &str) -> Option<Version> {
    let mut section = "";
    let mut in_value = false;
    let mut requirements = Vec::new();
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with(['#', ';']) {
            continue;
        }
        if line.starts_with([' ', '\t']) {
            if in_value {
                requirements.push(trimmed);
            }
            continue;
        }
        in_value = false;
        if let Some(name) = trimmed
            .strip_prefix('[')
            .and_then(|rest| rest.strip_suffix(']'))
        {
            section = name.trim();
            continue;
        }
        let Some((key, value)) = trimmed.split_once(['=', ':']) else {
            continue;
        };
        if section == "options" && key.trim() == "install_requires" {
            in_value = true;
            requirements.push(value.trim());
        }
    }
    requirements.into_iter().filter_map(numpy_floor).max()
}

/// `install_requires` of the `setup(...)` call in a `setup.py`: a literal list or tuple of
/// strings, given in the call or bound to a name at the top level. Computed lists are not
/// read.
fn setup_py_floor(text: &str) -> Option<Version> {
    use migrate_engine::ast::{Expr, Stmt};
    let parsed =
        migrate_engine::nesting::parse(text, migrate_engine::ast::PySourceType::Python).ok()?;
    if !parsed.errors().is_empty() {
        return None;
    }
    let body = &parsed.syntax().body;
    let top_level_value = |name: &str| {
        body.iter().rev().find_map(|stmt| match stmt {
            Stmt::Assign(assign) => assign
                .targets
                .iter()
                .any(|target| matches!(target, Expr::Name(n) if n.id.as_str() == name))
                .then_some(&*assign.value),
            _ => None,
        })
    };
    let strings = |list: &Expr| -> Vec<String> {
        let elements = match list {
            Expr::List(list) => &list.elts,
            Expr::Tuple(tuple) => &tuple.elts,
            _ => return Vec::new(),
        };
        elements
            .iter()
            .filter_map(|element| {
                Some(element.as_string_literal_expr()?.value.to_str().to_string())
            })
            .collect()
    };
    body.iter()
        .filter_map(|stmt| {
            let call = match stmt {
                Stmt::Expr(expr) => expr.value.as_call_expr()?,
                Stmt::If(if_stmt) => if_stmt
                    .body
                    .iter()
                    .find_map(|inner| inner.as_expr_stmt()?.value.as_call_expr())?,
                _ => return None,
            };
            let is_setup = match &*call.func {
                Expr::Name(name) => name.id.as_str() == "setup",
                Expr::Attribute(attribute) => attribute.attr.as_str() == "setup",
                _ => false,
            };
            let value = &call
                .arguments
                .find_keyword("install_requires")
                .filter(|_| is_setup)?
                .value;
            let list = match value {
                Expr::Name(name) => top_level_value(name.id.as_str())?,
                other => other,
            };
            strings(list)
                .iter()
                .filter_map(|requirement| numpy_floor(requirement))
                .max()
        })
        .max()
}

/// The lower bound that `requirement` puts on numpy, if it is about numpy and has one.
fn numpy_floor(requirement: &str) -> Option<Version> {
    let requirement = Requirement::<pep508_rs::VerbatimUrl>::from_str(requirement).ok()?;
    if requirement.name.as_ref() != "numpy" {
        return None;
    }
    let Some(VersionOrUrl::VersionSpecifier(specifiers)) = requirement.version_or_url else {
        return None;
    };
    specifiers
        .iter()
        .filter(|specifier| {
            matches!(
                specifier.operator(),
                Operator::GreaterThanEqual
                    | Operator::GreaterThan
                    | Operator::TildeEqual
                    | Operator::Equal
                    | Operator::EqualStar
                    | Operator::ExactEqual
            )
        })
        .map(|specifier| {
            let release = specifier.version().release();
            let part = |index: usize| {
                release
                    .get(index)
                    .map_or(0, |n| u32::try_from(*n).unwrap_or(u32::MAX))
            };
            Version::new(part(0), part(1))
        })
        .max()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lower_bounds_of_numpy() {
        assert_eq!(numpy_floor("numpy>=1.22,<2"), Some(Version::new(1, 22)));
        assert_eq!(numpy_floor("numpy ~= 1.24.3"), Some(Version::new(1, 24)));
        assert_eq!(numpy_floor("numpy==1.26.*"), Some(Version::new(1, 26)));
        assert_eq!(
            numpy_floor("NumPy>1.21; python_version>'3.8'"),
            Some(Version::new(1, 21))
        );
        assert_eq!(numpy_floor("numpy<2"), None);
        assert_eq!(numpy_floor("numpydoc>=1.5"), None);
        assert_eq!(numpy_floor("numpy"), None);
    }

    #[test]
    fn optional_numpy_declares_the_floor_in_its_extras() {
        let pyproject = "[project]\nname = 'pint'\ndependencies = ['appdirs']\n\
            [project.optional-dependencies]\nnumpy = ['numpy >= 1.19.5']\n\
            test = ['pytest', 'numpy>=1.23']\nxarray = ['xarray']\n";
        assert_eq!(pyproject_floor(pyproject), Some(Version::new(1, 19)));
        let required = "[project]\ndependencies = ['numpy>=1.25']\n\
            [project.optional-dependencies]\nold = ['numpy>=1.20']\n";
        assert_eq!(pyproject_floor(required), Some(Version::new(1, 25)));
    }

    #[test]
    fn setup_files_declare_it() {
        let cfg = "[metadata]\nname = x\n[options]\ninstall_requires =\n    six\n    \
            # the floor\n    numpy >= 1.19; python_version>'3'\nzip_safe: false\n\
            [options.extras_require]\nall = numpy>=1.25\n";
        assert_eq!(setup_cfg_floor(cfg), Some(Version::new(1, 19)));
        assert_eq!(
            setup_cfg_floor("[options]\ninstall_requires = numpy\n"),
            None
        );
        let inline = "from setuptools import setup\nsetup(\n    name='patsy',\n    \
            install_requires=[\n        'six',\n        # comment\n        \"numpy >= 1.4\",\n    ],\n)\n";
        assert_eq!(setup_py_floor(inline), Some(Version::new(1, 4)));
        let named = "import setuptools\nREQUIRES = ('numpy>=1.21', 'scipy')\n\
            if __name__ == '__main__':\n    setuptools.setup(install_requires=REQUIRES)\n";
        assert_eq!(setup_py_floor(named), Some(Version::new(1, 21)));
        let computed =
            "from setuptools import setup\nsetup(install_requires=open('r.txt').read().split())\n";
        assert_eq!(setup_py_floor(computed), None);
        assert_eq!(setup_py_floor("setup(install_requires=[\n"), None);
    }

    #[cfg(unix)]
    #[test]
    fn special_project_files_are_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("setup.py");
        assert!(
            std::process::Command::new("mkfifo")
                .arg(&fifo)
                .status()
                .unwrap()
                .success()
        );
        std::os::unix::fs::symlink("/dev/zero", dir.path().join("setup.cfg")).unwrap();
        fs::write(dir.path().join("requirements.txt"), "numpy>=1.22\n").unwrap();
        // Neither blocks nor reads forever; the requirements file still declares the floor.
        assert_eq!(
            declared_min_numpy(dir.path()).unwrap().version,
            Version::new(1, 22)
        );
    }

    #[test]
    fn nearest_project_declares_it() {
        let root = tempfile::tempdir().unwrap();
        let package = root.path().join("src/pkg");
        fs::create_dir_all(&package).unwrap();
        fs::write(
            root.path().join("pyproject.toml"),
            "[project]\nname = 'x'\ndependencies = ['scipy', 'numpy >=1.23.5, <3']\n",
        )
        .unwrap();
        let found = declared_min_numpy(&package).unwrap();
        assert_eq!(found.version, Version::new(1, 23));
        assert_eq!(found.file, root.path().join("pyproject.toml"));

        let other = tempfile::tempdir().unwrap();
        fs::create_dir(other.path().join(".git")).unwrap();
        fs::write(
            other.path().join("requirements-dev.txt"),
            "-r base.txt\nnumpy>=1.25 # floor\n",
        )
        .unwrap();
        assert_eq!(
            declared_min_numpy(other.path()).unwrap().version,
            Version::new(1, 25)
        );
    }
}
