//! Which rules check a file: the run's options and the NumPy floor of the file's project. The
//! one place that decides it, for the files of a run and for the server's documents alike.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use migrate_engine::checker::RuleSet;
use migrate_rules::project::{Projects, declared_min_numpy};
use migrate_rules::version::Version;
use migrate_rules::{Options, rule_set};
use rustc_hash::FxHashMap;

use crate::args::Args;

/// The rule sets of a run, made on first use: one per NumPy floor in use.
pub struct RuleSets<'a> {
    args: &'a Args,
    projects: Projects,
    /// The floor of each folder of files.
    floors: Mutex<FxHashMap<PathBuf, Version>>,
    /// Whether projects are read once (a run) or for each file (the server: a project may be
    /// edited while the editor is open).
    remember_projects: bool,
    sets: Mutex<BTreeMap<Version, Arc<RuleSet>>>,
}

impl<'a> RuleSets<'a> {
    pub fn new(args: &'a Args) -> Self {
        Self {
            args,
            projects: Projects::default(),
            floors: Mutex::default(),
            remember_projects: true,
            sets: Mutex::default(),
        }
    }

    /// For the server: the project of a file is read again each time it is checked.
    pub fn for_server(args: &'a Args) -> Self {
        Self {
            remember_projects: false,
            ..Self::new(args)
        }
    }

    /// The rules for the file at `path` (which need not exist: a `--stdin-filename`).
    pub fn for_file(&self, path: &Path) -> Arc<RuleSet> {
        let floor = self.floor(path);
        lock(&self.sets)
            .entry(floor)
            .or_insert_with(|| Arc::new(self.build(floor)))
            .clone()
    }

    /// `--min-numpy`, else what the project of `path` declares, else NumPy 2.0.
    fn floor(&self, path: &Path) -> Version {
        if let Some(version) = self.args.min_numpy {
            return version;
        }
        let folder = path
            .parent()
            .filter(|parent| !parent.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let absolute = || std::fs::canonicalize(folder).unwrap_or_else(|_| folder.to_path_buf());
        if !self.remember_projects {
            return declared_min_numpy(&absolute()).map_or(Version::NUMPY_2, |d| d.version);
        }
        if let Some(floor) = lock(&self.floors).get(folder) {
            return *floor;
        }
        let floor = self
            .projects
            .declared_min_numpy(&absolute())
            .map_or(Version::NUMPY_2, |declared| declared.version);
        lock(&self.floors).insert(folder.to_path_buf(), floor);
        floor
    }

    fn build(&self, min_numpy: Version) -> RuleSet {
        let rules = rule_set(&Options {
            min_numpy,
            select: self.args.select.clone(),
            ignore: self.args.ignore.clone(),
        });
        if self.args.no_prefilter {
            rules.without_prefilter()
        } else {
            rules
        }
    }
}

/// The caches stay valid after a panic elsewhere (an insert either happened or not).
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
