//! What a file's imports bind: import statements of tracked modules, the calls that import
//! one (`importlib.import_module("numpy")`, `pytest.importorskip("numpy")`,
//! `__import__("numpy")`), and the names the project's own modules re-export
//! (`from .compat import np`, `from pkg._compat import numpy as np`).

use std::sync::Arc;

use ruff_python_ast::name::Name;
use ruff_python_ast::visitor::{Visitor, walk_stmt};
use ruff_python_ast::{self as ast, Expr, Stmt};
use ruff_text_size::{Ranged, TextSize};
use rustc_hash::{FxHashMap, FxHashSet};

use super::{BindingKind, SemanticModel, TrackedModules};

/// The modules of the project a file belongs to, as that file's imports name them.
pub trait ProjectImports: Sync {
    /// What the project module that `from <level dots><module> import ...` names in the
    /// file binds at its top level, when it may bind one of `wanted` (the imported names;
    /// empty for `*`) to a tracked module. `None` when it is no module of the
    /// project, or binds none of them.
    fn exports(
        &self,
        level: u32,
        module: Option<&str>,
        wanted: &[&str],
    ) -> Option<Arc<ModuleExports>>;

    /// What that module may bind, judged from its bytes (for the prefilter): an
    /// over-approximation of [`Self::exports`].
    fn loose_exports(&self, level: u32, module: Option<&str>) -> Option<Arc<LooseExports>>;
}

/// A module's top-level names bound to tracked modules.
#[derive(Debug, Default)]
pub struct ModuleExports {
    names: FxHashMap<Name, BindingKind>,
    /// `__all__`, which limits what `*` imports.
    all: FxHashSet<Name>,
}

impl ModuleExports {
    /// The names every module-level binding of which agrees on one tracked module (a
    /// `name = None` fallback aside). Members are not followed: `from numpy.fft.helper import
    /// fftshift` in `scipy/fftpack/helper.py` is reported there, and once that import is
    /// fixed, `from scipy.fftpack import fftshift` elsewhere is right as it is.
    pub fn of(model: &SemanticModel) -> Self {
        let mut agreed: FxHashMap<Name, Option<BindingKind>> = FxHashMap::default();
        for binding in model.bindings().filter(|binding| binding.module_level) {
            if binding.kind == BindingKind::None {
                continue;
            }
            let kind = matches!(binding.kind, BindingKind::Module(_)).then(|| binding.kind.clone());
            agreed
                .entry(binding.name.clone())
                .and_modify(|known| {
                    if *known != kind {
                        *known = None;
                    }
                })
                .or_insert(kind);
        }
        Self {
            names: agreed
                .into_iter()
                .filter_map(|(name, kind)| Some((name, kind?)))
                .collect(),
            all: model.dunder_all.clone(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    fn get(&self, name: &str) -> Option<&BindingKind> {
        self.names.get(name)
    }

    /// What `from module import *` binds: `__all__`, or every public name.
    fn starred(&self) -> impl Iterator<Item = (&Name, &BindingKind)> {
        self.names.iter().filter(|(name, _)| {
            if self.all.is_empty() {
                !name.starts_with('_')
            } else {
                self.all.contains(*name)
            }
        })
    }
}

/// What a module may bind to tracked modules, read from its bytes.
#[derive(Debug)]
pub enum LooseExports {
    /// Any name (a star import of a tracked module).
    Any,
    /// Each name it may bind, with what it may stand for.
    Names(FxHashMap<String, Vec<String>>),
}

/// The calls that import a module by name, and how the file names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Loader {
    /// The module `importlib` (`importlib.import_module(...)`).
    Importlib,
    /// `importlib.import_module` itself.
    ImportModule,
    /// The module `pytest` (`pytest.importorskip(...)`).
    Pytest,
    /// `pytest.importorskip` itself.
    Importorskip,
}

/// The words that name the calls that import a module, for the prefilter.
pub const IMPORTING_CALLS: [&str; 3] = ["import_module", "importorskip", "__import__"];

/// What a file's imports bind: the names the semantic model follows, and how to read the
/// imports that are not plain imports of tracked modules.
pub(super) struct FileImports {
    /// Every name an import of a tracked module binds somewhere in the file.
    pub interesting: FxHashSet<Name>,
    loaders: FxHashMap<Name, Loader>,
    /// The exports of the project module each `from ... import` statement (by its start)
    /// imports from.
    project: FxHashMap<TextSize, Arc<ModuleExports>>,
    /// The tracked module each call that imports one returns (by the call's start).
    imported_by_calls: FxHashMap<TextSize, Box<str>>,
}

impl FileImports {
    pub fn new(
        body: &[Stmt],
        tracked: &TrackedModules,
        project: Option<&dyn ProjectImports>,
    ) -> Self {
        let mut scan = Scan {
            tracked,
            project,
            imports: FileImports {
                interesting: FxHashSet::default(),
                loaders: FxHashMap::default(),
                project: FxHashMap::default(),
                imported_by_calls: FxHashMap::default(),
            },
            assignments: Vec::new(),
        };
        scan.visit_body(body);
        let Scan {
            mut imports,
            assignments,
            ..
        } = scan;
        // The loaders are known once every import is seen.
        for (target, value) in assignments {
            if let Some(module) = imports.module_of_call(value, tracked) {
                imports.interesting.insert(target.clone());
                imports.imported_by_calls.insert(value.start(), module);
            }
        }
        imports
    }

    /// The exports of the project module `import` imports from, if it is one.
    pub fn project_module(&self, import: &ast::StmtImportFrom) -> Option<&ModuleExports> {
        self.project.get(&import.start()).map(|exports| &**exports)
    }

    /// The tracked module `value`, the value of an assignment, returns when it is a call
    /// such as `importlib.import_module("numpy.core")`.
    pub fn imported_by_call(&self, value: &Expr) -> Option<&str> {
        self.imported_by_calls
            .get(&value.start())
            .map(|module| &**module)
    }

    fn module_of_call(&self, value: &Expr, tracked: &TrackedModules) -> Option<Box<str>> {
        let Expr::Call(call) = value else {
            return None;
        };
        let [Expr::StringLiteral(string), others @ ..] = &*call.arguments.args else {
            return None;
        };
        let module = string.value.to_str();
        if !tracked.is_tracked(module) || !module.split('.').all(is_identifier) {
            return None;
        }
        let loader = |name: &Name| self.loaders.get(name).copied();
        let returns_the_module = match &*call.func {
            Expr::Attribute(attribute) => match &*attribute.value {
                Expr::Name(base) => matches!(
                    (loader(&base.id), attribute.attr.as_str()),
                    (Some(Loader::Importlib), "import_module")
                        | (Some(Loader::Pytest), "importorskip")
                ),
                _ => false,
            },
            Expr::Name(function) if function.id == "__import__" => {
                // Without a `fromlist`, `__import__("a.b")` returns the package `a`.
                return (others.is_empty() && call.arguments.keywords.is_empty())
                    .then(|| module.split('.').next().unwrap_or(module).into());
            }
            Expr::Name(function) => matches!(
                loader(&function.id),
                Some(Loader::ImportModule | Loader::Importorskip)
            ),
            _ => false,
        };
        returns_the_module.then(|| module.into())
    }
}

fn is_identifier(part: &str) -> bool {
    let mut chars = part.chars();
    chars
        .next()
        .is_some_and(|first| first.is_alphabetic() || first == '_')
        && chars.all(|c| c.is_alphanumeric() || c == '_')
}

/// The walk that finds the imports (statements hold them; expressions cannot).
struct Scan<'a, 't> {
    tracked: &'t TrackedModules,
    project: Option<&'t dyn ProjectImports>,
    imports: FileImports,
    /// `name = <call>` anywhere: a call may import a tracked module.
    assignments: Vec<(&'a Name, &'a Expr)>,
}

impl<'a> Visitor<'a> for Scan<'a, '_> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        let interesting = &mut self.imports.interesting;
        match stmt {
            Stmt::Import(import) => {
                for alias in &import.names {
                    let bound = bound_name_of_import(alias);
                    if self.tracked.is_tracked(&alias.name) {
                        interesting.insert(bound);
                    } else if let Some(loader) = match alias.name.as_str() {
                        "importlib" => Some(Loader::Importlib),
                        "pytest" => Some(Loader::Pytest),
                        _ => None,
                    } {
                        self.imports.loaders.insert(bound, loader);
                    }
                }
            }
            Stmt::ImportFrom(import) => match absolute_module(import) {
                Some(module) if self.tracked.is_tracked(module) => {
                    for alias in &import.names {
                        if &alias.name == "*" {
                            interesting.extend(self.tracked.exports(module).cloned());
                        } else {
                            interesting.insert(bound_name_of_from_import(alias).clone());
                        }
                    }
                }
                module => {
                    for alias in &import.names {
                        let loader = match (module, alias.name.as_str()) {
                            (Some("importlib"), "import_module") => Loader::ImportModule,
                            (Some("pytest"), "importorskip") => Loader::Importorskip,
                            _ => continue,
                        };
                        let bound = bound_name_of_from_import(alias).clone();
                        self.imports.loaders.insert(bound, loader);
                    }
                    self.project_import(import);
                }
            },
            Stmt::Assign(assign) => {
                for target in &assign.targets {
                    if let Expr::Name(name) = target
                        && matches!(&*assign.value, Expr::Call(_))
                    {
                        self.assignments.push((&name.id, &assign.value));
                    }
                }
            }
            _ => walk_stmt(self, stmt),
        }
    }

    fn visit_expr(&mut self, _expr: &'a Expr) {}
}

impl Scan<'_, '_> {
    /// `from .compat import np`: the names a project module binds to tracked ones.
    fn project_import(&mut self, import: &ast::StmtImportFrom) {
        let Some(project) = self.project else {
            return;
        };
        let wanted: Vec<&str> = import
            .names
            .iter()
            .map(|alias| alias.name.as_str())
            .filter(|name| *name != "*")
            .collect();
        let module = import.module.as_ref().map(|module| module.id.as_str());
        let Some(exports) = project.exports(import.level, module, &wanted) else {
            return;
        };
        for alias in &import.names {
            if &alias.name == "*" {
                let starred = exports.starred().map(|(name, _)| name.clone());
                self.imports.interesting.extend(starred);
            } else if exports.get(&alias.name).is_some() {
                let bound = bound_name_of_from_import(alias).clone();
                self.imports.interesting.insert(bound);
            }
        }
        self.imports.project.insert(import.start(), exports);
    }
}

/// The names `alias` of a `from <project module> import` statement binds, each with its
/// kind: the name's kind in the module (else `Other`); for `*`, every exported name.
pub(super) fn project_bindings(
    exports: &ModuleExports,
    alias: &ast::Alias,
) -> Vec<(Name, BindingKind)> {
    if &alias.name == "*" {
        return exports
            .starred()
            .map(|(name, kind)| (name.clone(), kind.clone()))
            .collect();
    }
    let kind = exports
        .get(&alias.name)
        .cloned()
        .unwrap_or(BindingKind::Other);
    vec![(bound_name_of_from_import(alias).clone(), kind)]
}

pub(super) fn bound_name_of_import(alias: &ast::Alias) -> Name {
    match &alias.asname {
        Some(asname) => asname.id.clone(),
        None => Name::new(alias.name.split('.').next().unwrap_or(&alias.name)),
    }
}

pub(super) fn bound_name_of_from_import(alias: &ast::Alias) -> &Name {
    &alias.asname.as_ref().unwrap_or(&alias.name).id
}

pub(super) fn absolute_module(import: &ast::StmtImportFrom) -> Option<&str> {
    if import.level > 0 {
        return None;
    }
    import.module.as_ref().map(|module| module.id.as_str())
}
