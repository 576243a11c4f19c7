//! The modules of the project a file belongs to, read from disk next to it when the file
//! imports from them: what `from .compat import np` or `from pkg._compat import numpy as np`
//! binds. Each module is read and judged once per run (again only when it changes on disk),
//! and only when a file imports from it.

use std::cell::RefCell;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::SystemTime;

use ruff_python_ast::PySourceType;
use rustc_hash::FxHashMap;

use crate::nesting;
use crate::prefilter::loose_exports;
use crate::semantic::{LooseExports, ModuleExports, ProjectImports, SemanticModel, TrackedModules};

/// A module larger than this is not read for its exports (no real one comes close).
const MAX_MODULE_BYTES: u64 = 4 << 20;
/// How many project modules one chain of re-exports may pass through.
const MAX_CHAIN: usize = 16;

/// What the run has learned about the project's modules, shared by every file.
#[derive(Default)]
pub struct Project {
    /// Look at the disk again at each question, for a process that outlives edits (the
    /// language server); a run of the command line reads each module once.
    revalidate: bool,
    modules: Mutex<FxHashMap<OsString, Module>>,
    /// For each folder, where absolute imports of its files are looked up.
    roots: Mutex<FxHashMap<OsString, Arc<[PathBuf]>>>,
    /// The file each import names, by the importing folder.
    files: Mutex<FxHashMap<OsString, Arc<FolderImports>>>,
    /// What each folder holds, listed once: resolving the imports of thousands of files asks
    /// the same `is_file` questions thousands of times.
    listings: Mutex<FxHashMap<OsString, Arc<Listing>>>,
    /// The folder relative paths are taken from, asked once.
    cwd: OnceLock<Option<PathBuf>>,
}

/// The entries of a folder, by name: whether each is a folder (else a regular file; other
/// kinds are left out). Symbolic links count as what they point to, as `is_file` does.
type Listing = FxHashMap<OsString, bool>;

/// The file each import from one folder names, by level and module: looked up without
/// building a key, thousands of times per run.
type FolderImports = Mutex<Vec<FxHashMap<Box<str>, Option<PathBuf>>>>;

/// One module file, as last read.
#[derive(Default)]
struct Module {
    stamp: Option<(u64, Option<SystemTime>)>,
    loose: Option<Option<Arc<LooseExports>>>,
    exports: Option<Option<Arc<ModuleExports>>>,
}

thread_local! {
    /// The modules whose exports this thread is working out, to stop at a cycle.
    static RESOLVING: RefCell<Vec<PathBuf>> = const { RefCell::new(Vec::new()) };
}

/// A mutex's data, also after a thread panicked holding it (the caches stay consistent: each
/// entry is written whole).
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Project {
    /// A project whose files may change while it is used: every answer is checked against
    /// the disk.
    pub fn revalidating() -> Self {
        Self {
            revalidate: true,
            ..Self::default()
        }
    }

    /// The project as the file at `path` sees it.
    pub fn file<'p>(&'p self, path: &Path, tracked: &'p TrackedModules) -> ProjectFile<'p> {
        let joined;
        let path = match self.cwd.get_or_init(|| std::env::current_dir().ok()) {
            Some(cwd) if path.is_relative() => {
                joined = cwd.join(path);
                &joined
            }
            _ => path,
        };
        let importer = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        let imports = match importer.parent() {
            Some(folder) if !self.revalidate => {
                let mut files = lock(&self.files);
                Some(files.entry(folder.into()).or_default().clone())
            }
            _ => None,
        };
        ProjectFile {
            project: self,
            importer,
            imports,
            tracked,
        }
    }

    /// Whether `path` is a regular file (`Some(false)`) or a folder (`Some(true)`), from the
    /// listing of its folder (from the disk each time for a revalidating project).
    fn kind(&self, path: &Path) -> Option<bool> {
        let as_stated = |path: &Path| {
            let metadata = std::fs::metadata(path).ok()?;
            (metadata.is_dir() || metadata.is_file()).then_some(metadata.is_dir())
        };
        if self.revalidate {
            return as_stated(path);
        }
        let (folder, name) = (path.parent()?, path.file_name()?);
        let listing = lock(&self.listings).get(folder.as_os_str()).cloned();
        let listing = listing.unwrap_or_else(|| {
            let mut listing = Listing::default();
            for entry in std::fs::read_dir(folder).into_iter().flatten().flatten() {
                let kind = match entry.file_type() {
                    Ok(kind) if kind.is_symlink() => as_stated(&entry.path()),
                    Ok(kind) => (kind.is_dir() || kind.is_file()).then_some(kind.is_dir()),
                    Err(_) => None,
                };
                if let Some(is_dir) = kind {
                    listing.insert(entry.file_name(), is_dir);
                }
            }
            let listing = Arc::new(listing);
            lock(&self.listings).insert(folder.into(), listing.clone());
            listing
        });
        listing.get(name).copied()
    }

    fn is_file(&self, path: &Path) -> bool {
        self.kind(path) == Some(false)
    }

    fn is_dir(&self, path: &Path) -> bool {
        self.kind(path) == Some(true)
    }

    /// Where `from a.b import x` in a file of `folder` may find `a`: above the topmost
    /// package (folder with `__init__.py`) that holds the folder, and the folder itself (a
    /// script or test that imports its neighbours).
    fn roots(&self, folder: &Path) -> Arc<[PathBuf]> {
        if let Some(roots) = lock(&self.roots)
            .get(folder.as_os_str())
            .filter(|_| !self.revalidate)
        {
            return roots.clone();
        }
        let mut top = folder;
        while self.is_file(&top.join("__init__.py")) {
            match top.parent() {
                Some(parent) => top = parent,
                None => break,
            }
        }
        let mut roots = vec![top.to_path_buf()];
        if top != folder {
            roots.push(folder.to_path_buf());
        }
        let roots: Arc<[PathBuf]> = roots.into();
        lock(&self.roots).insert(folder.into(), roots.clone());
        roots
    }

    /// Whether `root` holds the package or module `name` (a folder or `name.py`).
    fn holds_top_level(&self, root: &Path, name: &str) -> bool {
        self.is_dir(&root.join(name)) || self.is_file(&root.join(format!("{name}.py")))
    }

    /// The module's source, when it is a regular file (no FIFO, no device) of reasonable
    /// size in UTF-8.
    fn read(&self, file: &Path) -> Option<Arc<str>> {
        let metadata = std::fs::metadata(file).ok()?;
        if !metadata.is_file() || metadata.len() > MAX_MODULE_BYTES {
            return None;
        }
        let text = String::from_utf8(std::fs::read(file).ok()?).ok()?;
        Some(text.trim_start_matches('\u{feff}').into())
    }

    /// The answer `pick` finds in the cache for `file` if the file has not changed, else
    /// `compute`'s on its source (stored for the next file).
    fn cached<T>(
        &self,
        file: &Path,
        pick: impl Fn(&mut Module) -> &mut Option<Option<Arc<T>>>,
        compute: impl FnOnce(&str) -> Option<T>,
    ) -> Option<Arc<T>> {
        let stamp = || {
            std::fs::metadata(file)
                .ok()
                .map(|metadata| (metadata.len(), metadata.modified().ok()))
        };
        let mut stamp_now = None;
        {
            let mut modules = lock(&self.modules);
            if let Some(module) = modules.get_mut(file.as_os_str()) {
                let current = !self.revalidate || *stamp_now.insert(stamp()) == module.stamp;
                if current && let Some(known) = pick(module) {
                    return known.clone();
                }
            }
        }
        // A run that reads each module once needs no stamp.
        let stamp = if self.revalidate {
            stamp_now.unwrap_or_else(stamp)
        } else {
            None
        };
        let entered = RESOLVING.with_borrow_mut(|resolving| {
            let fresh = resolving.len() < MAX_CHAIN && !resolving.iter().any(|seen| seen == file);
            if fresh {
                resolving.push(file.to_path_buf());
            }
            fresh
        });
        if !entered {
            return None;
        }
        let answer = self
            .read(file)
            .and_then(|source| compute(&source))
            .map(Arc::new);
        RESOLVING.with_borrow_mut(|resolving| resolving.pop());
        let mut modules = lock(&self.modules);
        let module = modules.entry(file.into()).or_default();
        if module.stamp != stamp {
            *module = Module {
                stamp,
                ..Module::default()
            };
        }
        *pick(module) = Some(answer.clone());
        answer
    }
}

/// The project as one file sees it: its imports from the project's modules resolved.
pub struct ProjectFile<'p> {
    project: &'p Project,
    importer: PathBuf,
    /// What the imports of the importer's folder name (`None`: asked of the disk each time).
    imports: Option<Arc<FolderImports>>,
    tracked: &'p TrackedModules,
}

impl ProjectFile<'_> {
    /// The file of the module `from <level dots><module> import` names, if it is one of the
    /// project's.
    fn module_file(&self, level: u32, module: Option<&str>) -> Option<PathBuf> {
        let folder = self.importer.parent()?;
        let Some(imports) = &self.imports else {
            return self.find_module_file(folder, level, module);
        };
        let (level_index, name) = (level as usize, module.unwrap_or(""));
        if let Some(known) = lock(imports)
            .get(level_index)
            .and_then(|files| files.get(name))
        {
            return known.clone();
        }
        let found = self.find_module_file(folder, level, module);
        let mut imports = lock(imports);
        if imports.len() <= level_index {
            imports.resize_with(level_index + 1, FxHashMap::default);
        }
        imports[level_index].insert(Box::from(name), found.clone());
        found
    }

    fn find_module_file(&self, folder: &Path, level: u32, module: Option<&str>) -> Option<PathBuf> {
        let parts: Vec<&str> = module.map_or(Vec::new(), |module| module.split('.').collect());
        let bases: Vec<PathBuf> = if level > 0 {
            let mut base = folder;
            for _ in 1..level {
                base = base.parent()?;
            }
            vec![base.to_path_buf()]
        } else {
            let first = parts.first()?;
            if self.tracked.is_tracked(first) {
                return None;
            }
            self.project
                .roots(folder)
                .iter()
                .filter(|root| self.project.holds_top_level(root, first))
                .cloned()
                .collect()
        };
        bases.into_iter().find_map(|base| {
            let mut path = base;
            path.extend(&parts);
            let module = path.with_extension("py");
            if !parts.is_empty() && self.project.is_file(&module) {
                return Some(module);
            }
            let package = path.join("__init__.py");
            self.project.is_file(&package).then_some(package)
        })
    }

    fn at(&self, file: &Path) -> ProjectFile<'_> {
        self.project.file(file, self.tracked)
    }
}

impl ProjectImports for ProjectFile<'_> {
    fn exports(
        &self,
        level: u32,
        module: Option<&str>,
        wanted: &[&str],
    ) -> Option<Arc<ModuleExports>> {
        let loose = self.loose_exports(level, module)?;
        if let LooseExports::Names(names) = &*loose {
            let may_bind = if wanted.is_empty() {
                !names.is_empty()
            } else {
                wanted.iter().any(|name| names.contains_key(*name))
            };
            if !may_bind {
                return None;
            }
        }
        let file = self.module_file(level, module)?;
        self.project.cached(
            &file,
            |module| &mut module.exports,
            |source| {
                let parsed = nesting::parse(source, PySourceType::Python).ok()?;
                if !parsed.errors().is_empty() {
                    return None;
                }
                let model = SemanticModel::build(
                    parsed.syntax(),
                    source,
                    self.tracked,
                    Some(&self.at(&file)),
                );
                let exports = ModuleExports::of(&model);
                (!exports.is_empty()).then_some(exports)
            },
        )
    }

    fn loose_exports(&self, level: u32, module: Option<&str>) -> Option<Arc<LooseExports>> {
        let file = self.module_file(level, module)?;
        self.project.cached(
            &file,
            |module| &mut module.loose,
            |source| {
                let roots: Vec<Box<str>> = self.tracked.roots().map(Box::from).collect();
                Some(loose_exports(source, &roots, &self.at(&file)))
            },
        )
    }
}
