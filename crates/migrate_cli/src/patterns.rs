//! File patterns as Ruff reads them (`exclude`, `extend-exclude`, `per-file-ignores`): a glob
//! is relative to a root folder and matches a path under it; a glob without `/` also matches
//! any file or folder of that name.

use std::path::{Component, Path, PathBuf};

use globset::{Candidate, Glob, GlobSet, GlobSetBuilder};

/// Globs compiled for matching absolute paths.
#[derive(Debug, Clone)]
pub struct FilePatterns {
    set: GlobSet,
}

impl FilePatterns {
    /// Compile `patterns`, relative to `root` (an absolute folder). An error names the
    /// pattern that is not a glob.
    pub fn new<'p>(
        patterns: impl IntoIterator<Item = &'p str>,
        root: &Path,
    ) -> Result<Self, String> {
        let mut builder = GlobSetBuilder::new();
        for pattern in patterns {
            add(&mut builder, pattern, root)?;
        }
        let set = builder.build().map_err(|error| error.to_string())?;
        Ok(Self { set })
    }

    pub fn empty() -> Self {
        Self {
            set: GlobSet::empty(),
        }
    }

    /// Whether the absolute `path`, or its name, matches one of the patterns.
    pub fn matches(&self, path: &Path) -> bool {
        !self.set.is_empty()
            && (self.set.is_match_candidate(&Candidate::new(path))
                || path
                    .file_name()
                    .is_some_and(|name| self.set.is_match_candidate(&Candidate::new(name))))
    }
}

/// One pattern that says whether it matches, or (with a leading `!`) whether it does not.
#[derive(Debug, Clone)]
pub struct FilePattern {
    patterns: FilePatterns,
    negated: bool,
}

impl FilePattern {
    pub fn new(pattern: &str, root: &Path) -> Result<Self, String> {
        let (pattern, negated) = match pattern.strip_prefix('!') {
            Some(rest) => (rest, true),
            None => (pattern, false),
        };
        Ok(Self {
            patterns: FilePatterns::new([pattern], root)?,
            negated,
        })
    }

    pub fn matches(&self, path: &Path) -> bool {
        self.patterns.matches(path) != self.negated
    }
}

fn add(builder: &mut GlobSetBuilder, pattern: &str, root: &Path) -> Result<(), String> {
    let glob = |text: &str| {
        Glob::new(text).map_err(|error| format!("`{pattern}` is not a valid glob: {error}"))
    };
    let absolute = normalize(&root.join(pattern));
    builder.add(glob(&absolute.to_string_lossy())?);
    if !pattern.contains('/') {
        builder.add(glob(pattern)?);
    }
    Ok(())
}

/// `path` made absolute against `cwd`, with `.` and `..` resolved without touching the disk
/// (symbolic links are kept, as the user named them).
pub fn absolute(path: &Path, cwd: &Path) -> PathBuf {
    normalize(&cwd.join(path))
}

fn normalize(path: &Path) -> PathBuf {
    let mut normal = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                normal.pop();
            }
            other => normal.push(other),
        }
    }
    normal
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_are_relative_to_the_root_and_bare_names_match_anywhere() {
        let root = Path::new("/project");
        let patterns = FilePatterns::new(["generated", "tests/data/*.py"], root).unwrap();
        assert!(patterns.matches(Path::new("/project/generated")));
        assert!(patterns.matches(Path::new("/project/src/generated")));
        assert!(patterns.matches(Path::new("/project/tests/data/x.py")));
        assert!(!patterns.matches(Path::new("/other/tests/data/x.py")));
        assert!(!patterns.matches(Path::new("/project/src/x.py")));
        assert!(!FilePatterns::empty().matches(Path::new("/project/x.py")));

        let dotted = FilePatterns::new(["./legacy/**"], root).unwrap();
        assert!(dotted.matches(Path::new("/project/legacy/a/b.py")));
    }

    #[test]
    fn a_leading_bang_negates() {
        let root = Path::new("/project");
        let tests_only = FilePattern::new("!tests/**", root).unwrap();
        assert!(tests_only.matches(Path::new("/project/src/a.py")));
        assert!(!tests_only.matches(Path::new("/project/tests/a.py")));
    }

    #[test]
    fn bad_globs_are_named() {
        let error = FilePatterns::new(["a[b"], Path::new("/p")).unwrap_err();
        assert!(error.starts_with("`a[b` is not a valid glob"), "{error}");
    }

    #[test]
    fn absolute_paths_are_normalized_lexically() {
        let cwd = Path::new("/work/project");
        assert_eq!(
            absolute(Path::new("./src/../a.py"), cwd),
            Path::new("/work/project/a.py")
        );
        assert_eq!(absolute(Path::new("/x/./y"), cwd), Path::new("/x/y"));
    }
}
