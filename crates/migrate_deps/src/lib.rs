//! The dependency side of a NumPy 2 migration: what a project's dependency files say about
//! NumPy 2, and the edits that lift what holds it back.
//!
//! * [`Kind::of`]: which files are dependency files (`pyproject.toml`, `requirements*.txt`,
//!   `setup.cfg`, `environment.yml`, `Pipfile`, and the lock files `uv.lock`, `poetry.lock`,
//!   `pylock.toml`, `Pipfile.lock`);
//! * [`check_files`]: read and check them, following `-r`/`-c` includes of requirements files;
//! * [`analyze`] and [`fix`]: check one file's text, or fix it (byte edits: everything outside
//!   them stays as it was, comments, quotes and line endings included).
//!
//! The findings:
//!
//! | code | what |
//! | --- | --- |
//! | [`NUMPY_PIN`] `NP301` | a `numpy` requirement that excludes NumPy 2 (`numpy<2`, `numpy~=1.24`, `numpy==1.*`, Poetry's `^1.24`, conda's `numpy=1.26`) |
//! | [`BUILD_REQUIREMENT`] `NP302` | `oldest-supported-numpy`, or a `numpy` that excludes NumPy 2, in build requirements |
//! | [`TOO_OLD`] `NP303` | a requirement that excludes every release of a package that supports NumPy 2 (`pandas==1.5.3`, `pandas<2.2`) |
//! | [`LOCKED_TOO_OLD`] `NP304` | a lock file that locks numpy 1.x or such a release; reported, never fixed |

mod check;
mod constraint;
mod formats;
mod noqa;
mod requirement;
pub mod table;

use std::collections::HashSet;
use std::ops::Range;
use std::path::{Component, Path, PathBuf};
use std::str::FromStr;

/// `NP301` numpy-pin: a `numpy` requirement that excludes NumPy 2 (`numpy<2`, `numpy~=1.24`,
/// `numpy==1.*`, Poetry's `^1.24`, conda's `numpy=1.26`). Fix: the upper bound goes, the lower
/// bound stays (`numpy>=1.22,<2` → `numpy>=1.22`, `~=1.24` → `>=1.24`); an exact pin is raised
/// to `==2.0.0`.
pub const NUMPY_PIN: &str = "NP301";
/// `NP302` build-requirement: `oldest-supported-numpy`, or a `numpy` that excludes NumPy 2, in
/// build requirements (`[build-system] requires`, `setup_requires`). What is built against
/// NumPy 1.x fails to import on NumPy 2, and what is built against NumPy 2 runs on 1.x too.
/// Fix: `numpy>=2.0`, markers kept.
pub const BUILD_REQUIREMENT: &str = "NP302";
/// `NP303` dependency-too-old: a requirement that excludes every release of a package that
/// supports NumPy 2 (the table `rules/numpy2_dependencies.toml`). Fix as for `NP301`, with the
/// package's first NumPy 2 release (`pandas==1.5.3` → `pandas==2.2.2`, `pandas<2.2` → `pandas`).
pub const TOO_OLD: &str = "NP303";
/// `NP304` locked-too-old: a lock file (or a requirements file pinned with hashes) locks numpy
/// 1.x or a release older than the table's. Not fixed: the lock's tool re-resolves it, and the
/// finding says with which command.
pub const LOCKED_TOO_OLD: &str = "NP304";
/// Every code, in order.
pub const CODES: &[&str] = &[NUMPY_PIN, BUILD_REQUIREMENT, TOO_OLD, LOCKED_TOO_OLD];

/// The kinds of dependency files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// `pyproject.toml`: `[project]` dependencies and optional dependencies, `[build-system]`
    /// requires, `[dependency-groups]`, Poetry's, uv's and PDM's tables.
    Pyproject,
    /// `requirements*.txt`, `constraints*.txt`, `*.in` and `.txt` files under `requirements/`,
    /// except those whose name says they pin the oldest supported versions on purpose
    /// (`minver.txt`, `requirements-min.txt`, `oldest-deps.txt`): those are checked only when
    /// named on the command line.
    Requirements,
    /// `setup.cfg`: `install_requires`, `setup_requires`, `tests_require`, `extras_require`.
    SetupCfg,
    /// `environment*.yml` / `.yaml`: conda match specs and the `pip:` list.
    Conda,
    /// `Pipfile`: `[packages]`, `[dev-packages]`.
    Pipfile,
    UvLock,
    PoetryLock,
    /// `pylock.toml`, `pylock.*.toml` (PEP 751).
    Pylock,
    PipfileLock,
}

impl Kind {
    /// The kind of a file found in a folder, from its name.
    pub fn of(path: &Path) -> Option<Kind> {
        let name = path.file_name()?.to_str()?;
        let kind = match name {
            "pyproject.toml" => Kind::Pyproject,
            "setup.cfg" => Kind::SetupCfg,
            "Pipfile" => Kind::Pipfile,
            "Pipfile.lock" => Kind::PipfileLock,
            "uv.lock" => Kind::UvLock,
            "poetry.lock" => Kind::PoetryLock,
            "pylock.toml" => Kind::Pylock,
            _ if name.starts_with("pylock.") && name.ends_with(".toml") => Kind::Pylock,
            _ if name.starts_with("environment")
                && (name.ends_with(".yml") || name.ends_with(".yaml")) =>
            {
                Kind::Conda
            }
            _ if is_requirements_file(path, name) && !pins_minimum_versions(name) => {
                Kind::Requirements
            }
            _ => return None,
        };
        Some(kind)
    }

    /// The kind of a file named explicitly: as [`Kind::of`], and any other `.txt` or `.in` file
    /// is a requirements file.
    pub fn of_named(path: &Path) -> Option<Kind> {
        Kind::of(path).or_else(|| {
            let extension = path.extension()?.to_str()?;
            matches!(extension, "txt" | "in").then_some(Kind::Requirements)
        })
    }

    /// Lock files are reported, not fixed: their tool regenerates them.
    pub fn is_lock(self) -> bool {
        matches!(
            self,
            Kind::UvLock | Kind::PoetryLock | Kind::Pylock | Kind::PipfileLock
        )
    }
}

fn is_requirements_file(path: &Path, name: &str) -> bool {
    let Some((stem, extension)) = name.rsplit_once('.') else {
        return false;
    };
    if !matches!(extension, "txt" | "in") {
        return false;
    }
    let stem = stem.to_ascii_lowercase();
    stem.contains("requirements")
        || stem.starts_with("constraints")
        || path.parent().is_some_and(|folder| {
            folder
                .components()
                .any(|part| part.as_os_str() == "requirements")
        })
}

/// Whether a file's name says it pins the oldest supported versions (a test environment that
/// must stay on NumPy 1.x): `minver.txt`, `requirements-min.txt`, `min_versions.txt`,
/// `requirements-oldest.txt`, `minimum.txt`.
fn pins_minimum_versions(name: &str) -> bool {
    let stem = name
        .rsplit_once('.')
        .map_or(name, |(stem, _)| stem)
        .to_ascii_lowercase();
    stem.split(['-', '_', '.']).any(|word| {
        matches!(
            word,
            "min" | "minver" | "minversion" | "minversions" | "minimum" | "oldest"
        )
    }) || stem.contains("minver")
}

/// Whether the name of a file or of a group of requirements says it is for development only
/// (`requirements-dev.txt`, `requirements_test.txt`, `docs-requirements.txt`, an extra or a
/// group `test`, `docs`, `lint`): what it needs is not what the package needs to run.
pub fn names_development(name: &str) -> bool {
    let stem = name
        .rsplit_once('.')
        .filter(|(_, extension)| matches!(*extension, "txt" | "in" | "yml" | "yaml"))
        .map_or(name, |(stem, _)| stem)
        .to_ascii_lowercase();
    stem.split(['-', '_', '.']).any(|word| {
        matches!(
            word,
            "dev"
                | "develop"
                | "development"
                | "test"
                | "tests"
                | "testing"
                | "doc"
                | "docs"
                | "documentation"
                | "lint"
                | "linting"
                | "typing"
                | "mypy"
                | "ci"
                | "bench"
                | "benchmark"
                | "benchmarks"
                | "coverage"
        )
    })
}

/// A change of bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub range: Range<usize>,
    pub replacement: String,
}

/// One thing to change, with its place in the file.
#[derive(Debug, Clone)]
pub struct Finding {
    /// The bytes it is about.
    pub range: Range<usize>,
    /// 1-based line and column (in characters) of its start.
    pub line: usize,
    pub column: usize,
    pub code: &'static str,
    pub message: String,
    pub help: Option<String>,
    pub fix: Option<Edit>,
}

/// A declared lower bound of `numpy` in runtime requirements (or those of an extra).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Floor {
    pub line: usize,
    pub column: usize,
    /// The version of the bound as written (`1.22.4`).
    pub version: String,
    /// The requirement that declares it (`numpy>=1.22.4,<2`).
    pub requirement: String,
    /// Whether it holds only in some environments (a marker) or with an extra.
    pub conditional: bool,
}

/// What one file says.
#[derive(Debug, Clone, Default)]
pub struct Analysis {
    pub findings: Vec<Finding>,
    pub floors: Vec<Floor>,
    /// Files it includes (`-r base.txt`, `-c constraints.txt`), as written.
    pub includes: Vec<String>,
}

impl Analysis {
    /// The lowest NumPy the file lets be installed: the highest bound that always holds (the
    /// bounds of one environment all apply at once), else the lowest of the conditional ones
    /// (`numpy>=1.21; python_version<'3.12'` and `numpy>=1.26; python_version>='3.12'` support
    /// 1.21; so do extras `a = ['numpy>=1.21']` and `b = ['numpy>=1.25']`).
    pub fn numpy_floor(&self) -> Option<&Floor> {
        let version = |floor: &&Floor| pep508_rs::pep440_rs::Version::from_str(&floor.version).ok();
        let (conditional, always): (Vec<&Floor>, Vec<&Floor>) =
            self.floors.iter().partition(|floor| floor.conditional);
        if always.is_empty() {
            conditional.into_iter().min_by_key(version)
        } else {
            always.into_iter().max_by_key(version)
        }
    }
}

/// A fixed file.
#[derive(Debug, Clone)]
pub struct Fixed {
    /// The new text (the same as the old when nothing was fixed).
    pub text: String,
    /// How many findings were fixed.
    pub fixed: usize,
    /// What is left (in the new text).
    pub remaining: Analysis,
}

/// Check the text of one file of `kind`. An error says why it does not parse.
pub fn analyze(kind: Kind, text: &str) -> Result<Analysis, String> {
    formats::analyze(kind, text)
}

/// Fix the text of one file of `kind`: apply every fix, check that the result still parses,
/// and check it again. Lock files are never changed.
pub fn fix(kind: Kind, text: &str) -> Result<Fixed, String> {
    let analysis = analyze(kind, text)?;
    let edits: Vec<Edit> = analysis
        .findings
        .iter()
        .filter_map(|finding| finding.fix.clone())
        .collect();
    if edits.is_empty() || kind.is_lock() {
        return Ok(Fixed {
            text: text.to_string(),
            fixed: 0,
            remaining: analysis,
        });
    }
    let fixed_text = apply(text, &edits);
    let remaining = analyze(kind, &fixed_text).map_err(|error| {
        format!("the fixed file would not parse (a bug in migrate), left unchanged: {error}")
    })?;
    Ok(Fixed {
        text: fixed_text,
        fixed: edits.len(),
        remaining,
    })
}

/// `text` with `edits` applied (they must not overlap).
pub fn apply(text: &str, edits: &[Edit]) -> String {
    let mut sorted: Vec<&Edit> = edits.iter().collect();
    sorted.sort_by_key(|edit| edit.range.start);
    let mut out = String::with_capacity(text.len());
    let mut cursor = 0;
    for edit in sorted {
        assert!(edit.range.start >= cursor, "overlapping edits");
        out.push_str(&text[cursor..edit.range.start]);
        out.push_str(&edit.replacement);
        cursor = edit.range.end;
    }
    out.push_str(&text[cursor..]);
    out
}

/// One file checked by [`check_files`].
#[derive(Debug)]
pub struct FileCheck {
    pub path: PathBuf,
    pub kind: Option<Kind>,
    /// The file's text, when it could be read.
    pub text: Option<String>,
    /// What it says, or why it could not be checked.
    pub outcome: Result<Analysis, String>,
    /// The includes it names by URL (`-r https://...`), which are not followed.
    pub unfollowed: Vec<String>,
}

/// Read and check `files` (kinds from their names, see [`Kind::of_named`]), then the files
/// that requirements files include, each once.
pub fn check_files(files: &[PathBuf]) -> Vec<FileCheck> {
    let mut seen: HashSet<PathBuf> = HashSet::new();
    let mut queue: Vec<(PathBuf, Option<String>)> =
        files.iter().map(|path| (path.clone(), None)).collect();
    queue.reverse();
    let mut checked = Vec::new();
    while let Some((path, included_from)) = queue.pop() {
        let identity = std::fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
        if !seen.insert(identity) {
            continue;
        }
        let kind = if included_from.is_some() {
            Some(Kind::Requirements)
        } else {
            Kind::of_named(&path)
        };
        let mut file = FileCheck {
            path: path.clone(),
            kind,
            text: None,
            outcome: Err(String::new()),
            unfollowed: Vec::new(),
        };
        file.outcome = match (kind, read(&path)) {
            (None, _) => Err("not a dependency file `migrate deps` reads".to_string()),
            (_, Err(error)) => Err(match &included_from {
                Some(from) => format!("{error} (included from {from})"),
                None => error,
            }),
            (Some(kind), Ok(text)) => {
                let outcome = analyze(kind, &text);
                file.text = Some(text);
                outcome
            }
        };
        if let Ok(analysis) = &file.outcome {
            let folder = path.parent().unwrap_or(Path::new(""));
            let (urls, paths): (Vec<&String>, Vec<&String>) = analysis
                .includes
                .iter()
                .partition(|include| include.contains("://"));
            file.unfollowed = urls.into_iter().cloned().collect();
            let mut included: Vec<_> = paths
                .into_iter()
                .map(|include| {
                    (
                        normalize_path(&folder.join(include)),
                        Some(path.display().to_string()),
                    )
                })
                .collect();
            included.reverse();
            queue.extend(included);
        }
        checked.push(file);
    }
    checked
}

/// Why a FIFO, socket or device is not read.
pub const NOT_A_REGULAR_FILE: &str = "not a regular file (a FIFO, socket or device?), not read";

fn read(path: &Path) -> Result<String, String> {
    let cannot_read = |error: std::io::Error| format!("cannot read: {error}");
    // A FIFO (named, or a `-r` include) would block the run, a device never end.
    if !std::fs::metadata(path).map_err(cannot_read)?.is_file() {
        return Err(NOT_A_REGULAR_FILE.to_string());
    }
    let bytes = std::fs::read(path).map_err(cannot_read)?;
    String::from_utf8(bytes).map_err(|error| {
        format!(
            "not valid UTF-8 (invalid byte at offset {})",
            error.utf8_error().valid_up_to()
        )
    })
}

/// `path` without `.` and with `folder/..` pairs removed, as far as that can be done without
/// the file system (`./requirements/dev/../base.txt` → `./requirements/base.txt`).
fn normalize_path(path: &Path) -> PathBuf {
    let mut parts: Vec<Component> = Vec::new();
    for component in path.components() {
        match component {
            Component::CurDir if !parts.is_empty() => {}
            Component::ParentDir if matches!(parts.last(), Some(Component::Normal(_))) => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    parts.iter().collect()
}

#[cfg(test)]
#[path = "../../../tests/common/odd_requirements.rs"]
mod odd_requirements;

#[cfg(test)]
mod tests {
    use super::*;

    /// Every reader, on every odd requirement: an error or a finding, never a panic.
    #[test]
    fn odd_requirements_never_panic() {
        let odd = odd_requirements::odd_requirements();
        for text in &odd {
            let outcome = std::panic::catch_unwind(|| {
                let _ = requirement::requirement(text);
                let _ = requirement::parse(text);
                let _ = constraint::pep440(text, 0).map(|constraint| constraint.lower_bound());
                let _ = constraint::poetry(text).map(|constraint| constraint.lower_bound());
                let _ = constraint::conda(text, 0).map(|constraint| constraint.lower_bound());
            });
            assert!(outcome.is_ok(), "a parser panicked on {text:?}");
            for (name, file) in odd_requirements::files_holding(std::slice::from_ref(text)) {
                let Some(kind) = Kind::of(Path::new(name)) else {
                    continue;
                };
                let outcome = std::panic::catch_unwind(|| {
                    let _ = analyze(kind, &file).map(|analysis| analysis.numpy_floor().cloned());
                    let _ = fix(kind, &file);
                });
                assert!(outcome.is_ok(), "{name} panicked on {text:?}:\n{file}");
            }
        }
        // All at once, as the end-to-end test writes them: the files parse, and those with PEP
        // 508 strings (not Pipfile's specifiers) name the requirements that are not ones.
        for (name, file) in odd_requirements::files_holding(&odd) {
            let Some(kind) = Kind::of(Path::new(name)) else {
                continue;
            };
            match analyze(kind, &file) {
                Ok(_) => assert_eq!(kind, Kind::Pipfile),
                Err(error) => assert!(error.contains("is not a requirement"), "{name}: {error}"),
            }
        }
    }

    #[test]
    fn kinds_from_names() {
        let kind = |name: &str| Kind::of(Path::new(name));
        assert_eq!(kind("a/pyproject.toml"), Some(Kind::Pyproject));
        assert_eq!(kind("requirements.txt"), Some(Kind::Requirements));
        assert_eq!(kind("requirements-dev.txt"), Some(Kind::Requirements));
        assert_eq!(kind("dev-requirements.txt"), Some(Kind::Requirements));
        assert_eq!(kind("requirements.in"), Some(Kind::Requirements));
        assert_eq!(kind("constraints.txt"), Some(Kind::Requirements));
        assert_eq!(
            kind("requirements/testing/all.txt"),
            Some(Kind::Requirements)
        );
        assert_eq!(kind("docs/notes.txt"), None);
        assert_eq!(kind("requirements/README.md"), None);
        assert_eq!(kind("environment.yml"), Some(Kind::Conda));
        assert_eq!(kind("environment-dev.yaml"), Some(Kind::Conda));
        assert_eq!(kind("setup.cfg"), Some(Kind::SetupCfg));
        assert_eq!(kind("uv.lock"), Some(Kind::UvLock));
        assert_eq!(kind("poetry.lock"), Some(Kind::PoetryLock));
        assert_eq!(kind("pylock.toml"), Some(Kind::Pylock));
        assert_eq!(kind("pylock.dev.toml"), Some(Kind::Pylock));
        assert_eq!(kind("Pipfile"), Some(Kind::Pipfile));
        assert_eq!(kind("Pipfile.lock"), Some(Kind::PipfileLock));
        assert_eq!(kind("setup.py"), None);
        assert_eq!(kind("requirements/testing/minver.txt"), None);
        assert_eq!(kind("requirements-min.txt"), None);
        assert_eq!(kind("requirements_oldest.txt"), None);
        assert_eq!(kind("requirements/min_versions.txt"), None);
        assert_eq!(kind("requirements-mint.txt"), Some(Kind::Requirements));
        assert_eq!(
            Kind::of_named(Path::new("minver.txt")),
            Some(Kind::Requirements)
        );
        assert_eq!(
            Kind::of_named(Path::new("deps.txt")),
            Some(Kind::Requirements)
        );
        assert_eq!(Kind::of_named(Path::new("deps.json")), None);
    }

    #[test]
    fn development_names() {
        for name in [
            "requirements-dev.txt",
            "requirements_test.txt",
            "requirements-tests.in",
            "docs-requirements.txt",
            "environment-dev.yml",
            "test",
            "Docs",
            "lint",
        ] {
            assert!(names_development(name), "{name}");
        }
        for name in [
            "requirements.txt",
            "requirements-min.txt",
            "requirements-devices.txt",
            "environment.yml",
            "plot",
            "all",
        ] {
            assert!(!names_development(name), "{name}");
        }
    }

    #[test]
    fn edits_apply_in_order() {
        let edits = [
            Edit {
                range: 6..8,
                replacement: "X".into(),
            },
            Edit {
                range: 0..1,
                replacement: "yy".into(),
            },
        ];
        assert_eq!(apply("abcdefghij", &edits), "yybcdefXij");
    }

    #[test]
    fn paths_normalize_lexically() {
        assert_eq!(
            normalize_path(Path::new("./requirements/dev/../doc/a.txt")),
            PathBuf::from("./requirements/doc/a.txt")
        );
        assert_eq!(
            normalize_path(Path::new("../x/./a.txt")),
            PathBuf::from("../x/a.txt")
        );
    }

    #[test]
    fn includes_are_followed_once() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir(root.join("requirements")).unwrap();
        std::fs::write(
            root.join("requirements.txt"),
            "-r requirements/base.txt\nscipy<1.10\n",
        )
        .unwrap();
        std::fs::write(
            root.join("requirements/base.txt"),
            "numpy<2\n-r ../requirements.txt\n",
        )
        .unwrap();
        std::fs::write(root.join("other.txt"), "-r missing.txt\n").unwrap();
        let checked = check_files(&[root.join("requirements.txt"), root.join("other.txt")]);
        let paths: Vec<_> = checked
            .iter()
            .map(|file| file.path.strip_prefix(root).unwrap().to_path_buf())
            .collect();
        assert_eq!(
            paths,
            [
                PathBuf::from("requirements.txt"),
                PathBuf::from("requirements/base.txt"),
                PathBuf::from("other.txt"),
                PathBuf::from("missing.txt"),
            ]
        );
        assert_eq!(
            checked[0].outcome.as_ref().unwrap().findings[0].code,
            TOO_OLD
        );
        assert_eq!(
            checked[1].outcome.as_ref().unwrap().findings[0].code,
            NUMPY_PIN
        );
        let error = checked[3].outcome.as_ref().unwrap_err();
        assert!(
            error.contains("included from") && error.contains("other.txt"),
            "{error}"
        );
    }
}
