//! The oldest NumPy a project supports, as it declares it: the lowest NumPy its runtime
//! requirements let be installed, over every file that declares them (`[project]` dependencies
//! and extras, and Poetry's, in `pyproject.toml`; `install_requires` and `extras_require` of
//! `setup.cfg`; the literal `install_requires` of `setup.py`; `requirements*.txt`;
//! `environment*.yml`), and over markers. Build requirements do not count, nor what is for
//! development (`requirements-dev.txt`, `requirements-test.txt`, test, docs and dev extras
//! and groups): those may ask for a newer NumPy than the package runs on. What the files
//! say is read by `migrate_deps`, which also checks them.

use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use migrate_deps::{Kind, names_development};
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
    /// The files whose requirements could not be read, and why: the floor is what the others
    /// declare.
    unreadable: Vec<(PathBuf, String)>,
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

    /// The root of the project `dir` is in: the folder where the search for its floor stops
    /// (see [`declared_min_numpy`]), or `dir` when none of its parents is one.
    pub fn root(&self, dir: &Path) -> PathBuf {
        dir.ancestors()
            .find(|folder| self.folder(folder).is_root)
            .unwrap_or(dir)
            .to_path_buf()
    }

    /// The files read so far that could not tell their NumPy requirement, and why (`line 1:
    /// ...`), in path order, each once.
    pub fn unreadable(&self) -> Vec<(PathBuf, String)> {
        let mut unreadable: Vec<(PathBuf, String)> = self
            .lock()
            .values()
            .flat_map(|folder| folder.unreadable.iter().cloned())
            .collect();
        unreadable.sort_unstable();
        unreadable.dedup();
        unreadable
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

/// How a file in a project declares runtime requirements, from its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Declaration {
    /// A file `migrate deps` reads.
    Deps(Kind),
    /// `setup.py`: the literal `install_requires` of its `setup(...)` call.
    SetupPy,
}

impl Declaration {
    fn of(name: &str) -> Option<Self> {
        let kind = match name {
            "pyproject.toml" => Kind::Pyproject,
            "setup.cfg" => Kind::SetupCfg,
            "setup.py" => return Some(Declaration::SetupPy),
            _ if names_development(name) => return None,
            _ if name.starts_with("requirements") && name.ends_with(".txt") => Kind::Requirements,
            _ if name.starts_with("environment")
                && (name.ends_with(".yml") || name.ends_with(".yaml")) =>
            {
                Kind::Conda
            }
            _ => return None,
        };
        Some(Declaration::Deps(kind))
    }

    /// Whether it is the package's metadata (rather than an environment's requirements).
    fn is_metadata(self) -> bool {
        matches!(
            self,
            Declaration::SetupPy | Declaration::Deps(Kind::Pyproject | Kind::SetupCfg)
        )
    }

    /// The lowest NumPy `text` lets be installed, or why its requirements cannot be read.
    fn floor(self, text: &str) -> Result<Option<Version>, String> {
        let analysis = match self {
            Declaration::Deps(kind) => migrate_deps::analyze(kind, text)?,
            // One requirement a string, as a requirements file has one a line.
            Declaration::SetupPy => {
                migrate_deps::analyze(Kind::Requirements, &setup_py_requirements(text).join("\n"))?
            }
        };
        Ok(analysis
            .numpy_floor()
            .and_then(|floor| floor.version.parse().ok()))
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
        let is_root = names.iter().any(|name| {
            matches!(
                name.as_str(),
                ".git" | "pyproject.toml" | "setup.cfg" | "setup.py"
            )
        });
        let mut declared: Option<DeclaredFloor> = None;
        let mut unreadable = Vec::new();
        let mut declarations: Vec<(&String, Declaration)> = names
            .iter()
            .filter_map(|name| Some((name, Declaration::of(name)?)))
            .collect();
        // Of equal floors, the one of the package's own metadata is shown.
        declarations.sort_by_key(|(name, declaration)| (!declaration.is_metadata(), *name));
        for (name, declaration) in declarations {
            let file = folder.join(name);
            let Some(text) = read_project_file(&file) else {
                continue;
            };
            match declaration.floor(&text) {
                Ok(Some(version))
                    if declared
                        .as_ref()
                        .is_none_or(|lowest| version < lowest.version) =>
                {
                    declared = Some(DeclaredFloor { version, file });
                }
                Ok(_) => {}
                Err(error) => unreadable.push((file, error)),
            }
        }
        Self {
            declared,
            is_root,
            unreadable,
        }
    }
}

/// Configuration and project files larger than this are not read.
const MAX_CONFIG_FILE_BYTES: u64 = 4 << 20;

/// A project file's text, when [`read_config_file`] reads it.
fn read_project_file(file: &Path) -> Option<String> {
    read_config_file(file).ok()
}

/// The text of a configuration or project file, read only when it is a regular file (a FIFO
/// would block the run, a device such as `/dev/zero` behind a symlink would be read until
/// memory runs out) of at most 4 MiB; otherwise an error saying why it was not read.
pub fn read_config_file(file: &Path) -> io::Result<String> {
    check_config_file(&fs::metadata(file)?)?;
    let mut opened = fs::File::open(file)?;
    // Checked again on what was opened: the path may have been replaced in between.
    check_config_file(&opened.metadata()?)?;
    let mut text = String::new();
    opened.read_to_string(&mut text)?;
    Ok(text)
}

pub use migrate_deps::NOT_A_REGULAR_FILE;

/// Whether a file with this metadata may be read by [`read_config_file`], else why not.
pub fn check_config_file(metadata: &fs::Metadata) -> io::Result<()> {
    if !metadata.is_file() {
        return Err(io::Error::other(NOT_A_REGULAR_FILE));
    }
    if metadata.len() > MAX_CONFIG_FILE_BYTES {
        return Err(io::Error::other("larger than 4 MiB, not read"));
    }
    Ok(())
}

/// The requirements of `install_requires` of the `setup(...)` call in a `setup.py`: a literal list or tuple of
/// strings, given in the call or bound to a name at the top level. Computed lists are not
/// read.
fn setup_py_requirements(text: &str) -> Vec<String> {
    use migrate_engine::ast::{Expr, Stmt};
    let Ok(parsed) =
        migrate_engine::nesting::parse(text, migrate_engine::ast::PySourceType::Python)
    else {
        return Vec::new();
    };
    if !parsed.errors().is_empty() {
        return Vec::new();
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
                Stmt::Expr(expr) => expr.value.as_call_expr(),
                Stmt::If(if_stmt) => if_stmt
                    .body
                    .iter()
                    .find_map(|inner| inner.as_expr_stmt()?.value.as_call_expr()),
                _ => None,
            }?;
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
            Some(strings(list))
        })
        .flatten()
        .collect()
}

#[cfg(test)]
#[path = "../../../tests/common/odd_requirements.rs"]
mod odd_requirements;

#[cfg(test)]
mod tests {
    use super::*;

    /// Every file the floor is read from (`setup.py` included), on every odd requirement: a
    /// floor, none or an error, never a panic.
    #[test]
    fn odd_requirements_never_panic() {
        for text in odd_requirements::odd_requirements() {
            for (name, file) in odd_requirements::files_holding(std::slice::from_ref(&text)) {
                let Some(declaration) = Declaration::of(name) else {
                    continue;
                };
                let outcome = std::panic::catch_unwind(|| declaration.floor(&file));
                assert!(outcome.is_ok(), "{name} panicked on {text:?}:\n{file}");
            }
        }
    }

    fn floor(name: &str, text: &str) -> Option<Version> {
        Declaration::of(name).unwrap().floor(text).unwrap()
    }

    #[test]
    fn optional_numpy_declares_the_floor_in_its_extras() {
        let pyproject = "[project]\nname = 'pint'\ndependencies = ['appdirs']\n\
            [project.optional-dependencies]\nnumpy = ['numpy >= 1.19.5']\n\
            test = ['pytest', 'numpy>=1.18']\nxarray = ['xarray']\n";
        assert_eq!(
            floor("pyproject.toml", pyproject),
            Some(Version::new(1, 19))
        );
        let required = "[project]\ndependencies = ['numpy>=1.25']\n\
            [project.optional-dependencies]\nold = ['numpy>=1.20']\n";
        assert_eq!(floor("pyproject.toml", required), Some(Version::new(1, 25)));
    }

    #[test]
    fn setup_files_declare_it() {
        let cfg = "[metadata]\nname = x\n[options]\ninstall_requires =\n    six\n    \
            # the floor\n    numpy >= 1.19; python_version>'3'\nzip_safe: false\n\
            [options.extras_require]\nall = numpy>=1.25\n";
        assert_eq!(floor("setup.cfg", cfg), Some(Version::new(1, 19)));
        assert_eq!(
            floor("setup.cfg", "[options]\ninstall_requires = numpy\n"),
            None
        );
        let inline = "from setuptools import setup\nsetup(\n    name='patsy',\n    \
            install_requires=[\n        'six',\n        # comment\n        \"numpy >= 1.4\",\n    ],\n)\n";
        assert_eq!(floor("setup.py", inline), Some(Version::new(1, 4)));
        let named = "import setuptools\nREQUIRES = ('numpy>=1.21', 'scipy')\n\
            if __name__ == '__main__':\n    setuptools.setup(install_requires=REQUIRES)\n";
        assert_eq!(floor("setup.py", named), Some(Version::new(1, 21)));
        let computed =
            "from setuptools import setup\nsetup(install_requires=open('r.txt').read().split())\n";
        assert_eq!(floor("setup.py", computed), None);
        assert_eq!(floor("setup.py", "setup(install_requires=[\n"), None);
        // Build requirements do not count.
        let build = "from setuptools import setup\n\
            setup(setup_requires=['numpy>=1.17'], install_requires=['numpy>=1.22'])\n";
        assert_eq!(floor("setup.py", build), Some(Version::new(1, 22)));
    }

    #[test]
    fn development_files_do_not_declare_it() {
        for name in [
            "requirements-dev.txt",
            "requirements_test.txt",
            "environment-docs.yml",
        ] {
            assert_eq!(Declaration::of(name), None, "{name}");
        }
        assert_eq!(
            Declaration::of("requirements-min.txt"),
            Some(Declaration::Deps(Kind::Requirements))
        );
        assert_eq!(
            Declaration::of("environment.yml"),
            Some(Declaration::Deps(Kind::Conda))
        );
    }

    #[test]
    fn a_requirement_that_is_not_one_leaves_the_others() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("requirements.txt"), "numpy-<2\n").unwrap();
        fs::write(
            dir.path().join("pyproject.toml"),
            "[project]\ndependencies = ['numpy>=1.23']\n",
        )
        .unwrap();
        let projects = Projects::default();
        let found = projects.declared_min_numpy(dir.path()).unwrap();
        assert_eq!(found.version, Version::new(1, 23));
        let unreadable = projects.unreadable();
        assert_eq!(unreadable.len(), 1, "{unreadable:?}");
        assert_eq!(unreadable[0].0, dir.path().join("requirements.txt"));
        assert!(
            unreadable[0]
                .1
                .starts_with("line 1: `numpy-<2` is not a requirement"),
            "{unreadable:?}"
        );
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
        assert_eq!(Projects::default().root(&package), root.path());

        // The lowest over the files; a development file does not count.
        let other = tempfile::tempdir().unwrap();
        fs::create_dir(other.path().join(".git")).unwrap();
        fs::write(
            other.path().join("requirements.txt"),
            "-r base.txt\nnumpy>=1.25 # floor\n",
        )
        .unwrap();
        fs::write(
            other.path().join("environment.yml"),
            "dependencies:\n  - numpy>=1.24\n",
        )
        .unwrap();
        fs::write(other.path().join("requirements-dev.txt"), "numpy>=1.20\n").unwrap();
        let found = declared_min_numpy(other.path()).unwrap();
        assert_eq!(found.version, Version::new(1, 24));
        assert_eq!(found.file, other.path().join("environment.yml"));
    }
}
