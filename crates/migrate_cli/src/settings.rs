//! What applies to each file: which rules check it (the command line over its configuration,
//! the NumPy floor of its project) and whether it is excluded.
//!
//! A file's configuration is the `[tool.migrate]` table of the nearest `pyproject.toml` that
//! has one, from the file's folder upward (Ruff's hierarchical configuration); `--config`
//! uses one file for every path, `--isolated` none. Everything is worked out on first use
//! and cached per folder: a run asks for every folder of a repository.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use migrate_engine::checker::RuleSet;
use migrate_rules::project::{Projects, check_config_file, declared_min_numpy};
use migrate_rules::version::Version;
use migrate_rules::{CODES, Options, rule_set};
use rustc_hash::FxHashMap;

use crate::args::Args;
use crate::config::{Config, ConfigError};
use crate::patterns::{FilePatterns, absolute};
use crate::walk::{Exclusions, default_exclude};

/// Where configuration comes from.
enum Discovery {
    /// `--isolated`: none.
    Isolated,
    /// `--config FILE`: that one, for every path.
    Fixed(Option<Arc<Config>>),
    /// The nearest `pyproject.toml` with a `[tool.migrate]` table.
    Hierarchical,
}

/// The configuration that governs a folder: none, one, or one that cannot be used (its
/// error is kept in [`Settings::errors`]).
type Governing = Result<Option<Arc<Config>>, ()>;

/// What makes rule sets differ: the NumPy floor, and the codes enabled.
type RuleSetKey = (Version, Vec<&'static str>);

/// What the command line says over every configuration.
struct Overrides {
    select: Vec<String>,
    ignore: Vec<String>,
    min_numpy: Option<Version>,
    force_exclude: bool,
    no_prefilter: bool,
    /// Whether configurations and projects are read once (a run) or each time (the server:
    /// they may be edited while the editor is open).
    remember: bool,
}

/// The settings of a run, resolved per file on first use.
pub struct Settings {
    args: Overrides,
    cwd: PathBuf,
    discovery: Discovery,
    default_exclude: FilePatterns,
    /// `--exclude` and `--extend-exclude`, relative to the current folder.
    cli_exclude: Option<FilePatterns>,
    cli_extend_exclude: FilePatterns,
    projects: Projects,
    /// The configuration of each (absolute) folder.
    governing: Mutex<FxHashMap<PathBuf, Governing>>,
    errors: Mutex<BTreeMap<PathBuf, ConfigError>>,
    /// The NumPy floor each folder declares (for files whose floor is not given).
    floors: Mutex<FxHashMap<PathBuf, Version>>,
    /// The folders whose floor is 2.0 because nothing gives or declares one.
    assumed: Mutex<BTreeSet<PathBuf>>,
    sets: Mutex<BTreeMap<RuleSetKey, Arc<RuleSet>>>,
}

impl Settings {
    /// Fails only on a `--config` file that cannot be used, or a bad `--exclude` glob.
    pub fn new(args: &Args) -> anyhow::Result<Self> {
        let cwd = std::env::current_dir()?;
        let discovery = match (&args.config, args.isolated) {
            (_, true) => Discovery::Isolated,
            // Globs of a file named on the command line are relative to the current folder,
            // as Ruff has it.
            (Some(path), false) => Discovery::Fixed(Config::read(path, &cwd)?.map(Arc::new)),
            (None, false) => Discovery::Hierarchical,
        };
        let globs = |patterns: &[String]| {
            FilePatterns::new(patterns.iter().map(String::as_str), &cwd)
                .map_err(|message| anyhow::anyhow!("--exclude: {message}"))
        };
        Ok(Self {
            args: Overrides {
                select: args.select.clone(),
                ignore: args.ignore.clone(),
                min_numpy: args.min_numpy,
                force_exclude: args.force_exclude,
                no_prefilter: args.no_prefilter,
                remember: true,
            },
            discovery,
            default_exclude: default_exclude(&cwd),
            cli_exclude: (!args.exclude.is_empty())
                .then(|| globs(&args.exclude))
                .transpose()?,
            cli_extend_exclude: globs(&args.extend_exclude)?,
            cwd,
            projects: Projects::default(),
            governing: Mutex::default(),
            errors: Mutex::default(),
            floors: Mutex::default(),
            assumed: Mutex::default(),
            sets: Mutex::default(),
        })
    }

    /// A rule set that runs nothing, for a file that cannot be checked.
    pub fn no_rules(&self) -> Arc<RuleSet> {
        Arc::new(self.build(Version::NUMPY_2, &[]))
    }

    /// For the server: configurations and projects are read again each time a file is checked.
    pub fn for_server(args: &Args) -> anyhow::Result<Self> {
        let mut settings = Self::new(args)?;
        settings.args.remember = false;
        Ok(settings)
    }

    /// The rules for the file at `path` (which need not exist: a `--stdin-filename`), or
    /// `None` when its configuration cannot be used (see [`Settings::errors`]).
    pub fn for_file(&self, path: &Path) -> Option<Arc<RuleSet>> {
        let absolute = absolute(path, &self.cwd);
        let config = self.config_of(&absolute).ok()?;
        let config = config.as_deref();
        let floor = self.floor(&absolute, config);
        let codes = self.enabled_codes(&absolute, config);
        Some(self.rule_set(floor, codes))
    }

    /// For a file whose NumPy floor was assumed to be 2.0 by [`Settings::for_file`] (nothing
    /// gives or declares one), its rules on the last NumPy 1.x: the fixes that differ from
    /// those of its rules need NumPy 2.
    pub fn rules_on_numpy_1(&self, path: &Path) -> Option<Arc<RuleSet>> {
        let absolute = absolute(path, &self.cwd);
        if !lock(&self.assumed).contains(absolute.parent()?) {
            return None;
        }
        let config = self.config_of(&absolute).ok()?;
        let codes = self.enabled_codes(&absolute, config.as_deref());
        Some(self.rule_set(Version::LAST_NUMPY_1, codes))
    }

    fn rule_set(&self, floor: Version, codes: Vec<&'static str>) -> Arc<RuleSet> {
        lock(&self.sets)
            .entry((floor, codes))
            .or_insert_with_key(|(floor, codes)| Arc::new(self.build(*floor, codes)))
            .clone()
    }

    /// `path: why` of each file of requirements whose NumPy requirement could not be read
    /// (the NumPy floor was worked out without it), the path relative to the current folder.
    pub fn unreadable_requirements(&self) -> Vec<String> {
        self.projects
            .unreadable()
            .into_iter()
            .map(|(path, why)| {
                let shown = path.strip_prefix(&self.cwd).unwrap_or(&path);
                format!("{}: {why}", shown.display())
            })
            .collect()
    }

    /// The configuration files that could not be used, in path order.
    pub fn errors(&self) -> Vec<ConfigError> {
        lock(&self.errors).values().cloned().collect()
    }

    fn exclusions<'s>(
        &'s self,
        config: Option<&'s Config>,
    ) -> impl Iterator<Item = &'s FilePatterns> {
        let exclude = self
            .cli_exclude
            .as_ref()
            .or_else(|| config.and_then(|config| config.exclude.as_ref()))
            .unwrap_or(&self.default_exclude);
        [exclude, &self.cli_extend_exclude]
            .into_iter()
            .chain(config.map(|config| &config.extend_exclude))
    }

    /// The configuration that governs the absolute `path` (a file or a folder): that of its
    /// folder.
    fn config_of(&self, path: &Path) -> Governing {
        match &self.discovery {
            Discovery::Isolated => Ok(None),
            Discovery::Fixed(config) => Ok(config.clone()),
            Discovery::Hierarchical => self.governing(path.parent().unwrap_or(path)),
        }
    }

    fn governing(&self, folder: &Path) -> Governing {
        if !self.args.remember {
            lock(&self.governing).clear();
        } else if let Some(known) = lock(&self.governing).get(folder) {
            return known.clone();
        }
        let pyproject = folder.join("pyproject.toml");
        let own = match std::fs::metadata(&pyproject).map(|metadata| check_config_file(&metadata)) {
            Err(_) => Ok(None),
            // Skipped, as if absent: a FIFO would block the run, a device never end.
            Ok(Err(why)) => {
                eprintln!("warning: {}: {why}", pyproject.display());
                Ok(None)
            }
            Ok(Ok(())) => Config::read(&pyproject, folder).map_err(|error| {
                lock(&self.errors).insert(error.path.clone(), error);
            }),
        };
        let governing = match own {
            Ok(Some(config)) => Ok(Some(Arc::new(config))),
            Ok(None) => match folder.parent() {
                Some(parent) => self.governing(parent),
                None => Ok(None),
            },
            Err(()) => Err(()),
        };
        lock(&self.governing).insert(folder.to_path_buf(), governing.clone());
        governing
    }

    /// `--min-numpy`, else `min-numpy` of the configuration, else what the project of `path`
    /// declares, else NumPy 2.0.
    fn floor(&self, path: &Path, config: Option<&Config>) -> Version {
        if let Some(version) = self
            .args
            .min_numpy
            .or_else(|| config.and_then(|config| config.min_numpy))
        {
            return version;
        }
        // The folders above the absolute path as written, as for the configuration (and as
        // Ruff does): not those above where symbolic links lead.
        let folder = path.parent().unwrap_or(path);
        if !self.args.remember {
            return declared_min_numpy(folder)
                .map_or(Version::NUMPY_2, |declared| declared.version);
        }
        if let Some(floor) = lock(&self.floors).get(folder) {
            return *floor;
        }
        let declared = self.projects.declared_min_numpy(folder);
        if declared.is_none() {
            lock(&self.assumed).insert(folder.to_path_buf());
        }
        let floor = declared.map_or(Version::NUMPY_2, |declared| declared.version);
        lock(&self.floors).insert(folder.to_path_buf(), floor);
        floor
    }

    /// The roots of the projects of `files`, as shown relative to the current folder.
    pub fn project_roots<'p>(&self, files: impl Iterator<Item = &'p Path>) -> BTreeSet<PathBuf> {
        files
            .filter_map(|path| {
                let root = self.projects.root(absolute(path, &self.cwd).parent()?);
                Some(match root.strip_prefix(&self.cwd) {
                    Ok(relative) if relative.as_os_str().is_empty() => PathBuf::from("."),
                    Ok(relative) => relative.to_path_buf(),
                    Err(_) => root,
                })
            })
            .collect()
    }

    /// The codes that check the file at `path`: the configuration's selection, then the
    /// command line's, then the `per-file-ignores` that match it.
    fn enabled_codes(&self, path: &Path, config: Option<&Config>) -> Vec<&'static str> {
        let from_config = config.map(|config| Layer {
            select: config.select.as_deref(),
            ignore: &config.ignore,
        });
        let from_args = Layer {
            select: (!self.args.select.is_empty()).then_some(&self.args.select[..]),
            ignore: &self.args.ignore,
        };
        let mut codes = select(from_config.iter().chain([&from_args]));
        if let Some(config) = config {
            for (pattern, ignored) in &config.per_file_ignores {
                if pattern.matches(path) {
                    codes.retain(|code| !ignored.iter().any(|selector| matches(selector, code)));
                }
            }
        }
        codes
    }

    fn build(&self, min_numpy: Version, codes: &[&str]) -> RuleSet {
        let rules = rule_set(&Options {
            min_numpy,
            select: codes.iter().map(|code| code.to_string()).collect(),
            // No code selected: none, rather than all.
            ignore: if codes.is_empty() {
                vec!["ALL".to_string()]
            } else {
                Vec::new()
            },
        });
        let rules = if self.args.remember {
            rules
        } else {
            rules.revalidating_project_files()
        };
        if self.args.no_prefilter {
            rules.without_prefilter()
        } else {
            rules
        }
    }
}

impl Exclusions for Settings {
    /// One whose configuration cannot be used is left out too (the error is reported once).
    fn is_excluded(&self, path: &Path) -> bool {
        let absolute = absolute(path, &self.cwd);
        match self.config_of(&absolute) {
            Ok(config) => self
                .exclusions(config.as_deref())
                .any(|set| set.matches(&absolute)),
            Err(()) => true,
        }
    }

    /// Whether a path named on the command line is left out: only with `--force-exclude`
    /// (or `force-exclude = true`), when it or a folder it is in, below the configuration's
    /// folder, is excluded. Pre-commit names every file, and this keeps exclusions working.
    fn is_excluded_explicitly(&self, path: &Path) -> bool {
        let absolute = absolute(path, &self.cwd);
        let Ok(config) = self.config_of(&absolute) else {
            return true;
        };
        let config = config.as_deref();
        if !(self.args.force_exclude || config.is_some_and(|config| config.force_exclude)) {
            return false;
        }
        let root = config.map_or(self.cwd.as_path(), |config| config.root.as_path());
        absolute
            .ancestors()
            .take_while(|ancestor| *ancestor != root && ancestor.file_name().is_some())
            .any(|ancestor| {
                self.exclusions(config)
                    .any(|patterns| patterns.matches(ancestor))
            })
    }
}

/// One place that selects rules: a configuration, or the command line.
struct Layer<'s> {
    select: Option<&'s [String]>,
    ignore: &'s [String],
}

/// The codes `layers` leave enabled, as Ruff resolves `select` and `ignore`: a layer with
/// `select` starts afresh (the ignores of a layer without one carry over into it); within a
/// layer the most specific selector that matches a code decides, `ignore` winning a tie.
fn select<'l>(layers: impl IntoIterator<Item = &'l Layer<'l>>) -> Vec<&'static str> {
    let mut enabled: Vec<&'static str> = CODES.to_vec();
    let mut carried: Vec<&String> = Vec::new();
    for layer in layers {
        let ignores: Vec<&String> = layer.ignore.iter().chain(carried.drain(..)).collect();
        let decide = |code: &str| -> Option<bool> {
            let most_specific = |selectors: &mut dyn Iterator<Item = &String>| {
                selectors
                    .filter(|selector| matches(selector, code))
                    .map(|selector| specificity(selector))
                    .max()
            };
            let selected = most_specific(&mut layer.select.into_iter().flatten());
            let ignored = most_specific(&mut ignores.iter().copied());
            match (selected, ignored) {
                (Some(selected), Some(ignored)) => Some(selected > ignored),
                (Some(_), None) => Some(true),
                (None, Some(_)) => Some(false),
                (None, None) => None,
            }
        };
        match layer.select {
            Some(_) => {
                enabled = CODES
                    .iter()
                    .copied()
                    .filter(|code| decide(code) == Some(true))
                    .collect()
            }
            None => {
                enabled.retain(|code| decide(code) != Some(false));
                carried = ignores;
            }
        }
    }
    enabled
}

fn matches(selector: &str, code: &str) -> bool {
    specificity(selector) == 0 || code.starts_with(selector)
}

/// How much of a code a selector names: `ALL` and Ruff's `NPY201` nothing, `NP2` three.
fn specificity(selector: &str) -> usize {
    match selector {
        "ALL" | "NPY201" => 0,
        prefix => prefix.len(),
    }
}

/// The caches stay valid after a panic elsewhere (an insert either happened or not).
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(codes: &[&str]) -> Vec<String> {
        codes.iter().map(|code| code.to_string()).collect()
    }

    fn enabled(layers: &[(Option<&[&str]>, &[&str])]) -> Vec<&'static str> {
        let owned: Vec<(Option<Vec<String>>, Vec<String>)> = layers
            .iter()
            .map(|(select, ignore)| (select.map(strings), strings(ignore)))
            .collect();
        let layers: Vec<Layer> = owned
            .iter()
            .map(|(select, ignore)| Layer {
                select: select.as_deref(),
                ignore,
            })
            .collect();
        select(&layers)
    }

    #[test]
    fn selection_follows_ruff() {
        let all = CODES.to_vec();
        assert_eq!(enabled(&[]), all);
        assert_eq!(enabled(&[(Some(&["NP201"]), &[])]), ["NP201"]);
        // Within a layer, the more specific selector wins.
        assert_eq!(
            enabled(&[(Some(&["NP20"]), &["NP203"])]),
            ["NP201", "NP202", "NP204", "NP205"]
        );
        assert_eq!(enabled(&[(Some(&["NP203"]), &["NP2"])]), ["NP203"]);
        // A later `select` starts afresh...
        assert_eq!(
            enabled(&[(Some(&["NP20"]), &["NP201"]), (Some(&["NP201"]), &[])]),
            ["NP201"]
        );
        // ...but keeps the ignores of a layer that selected nothing.
        assert_eq!(
            enabled(&[(None, &["NP201"]), (Some(&["NP20"]), &[])]),
            ["NP202", "NP203", "NP204", "NP205"]
        );
        // A later `ignore` only removes.
        assert_eq!(
            enabled(&[(Some(&["NP20"]), &[]), (None, &["NP202"])]),
            ["NP201", "NP203", "NP204", "NP205"]
        );
        assert_eq!(
            enabled(&[(Some(&["NPY201"]), &["ALL"])]),
            Vec::<&str>::new()
        );
    }
}
