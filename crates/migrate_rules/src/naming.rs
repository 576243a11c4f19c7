//! How fixes name things in the file being fixed: the file's own reference to numpy (or a
//! new `import numpy`), another module such as `math`, or a builtin.

use migrate_engine::ast::{AnyNodeRef, Stmt};
use migrate_engine::checker::Checker;
use migrate_engine::edit::Edit;
use migrate_engine::semantic::{BindingKind, Resolution};
use migrate_engine::text_size::{Ranged, TextSize};

use crate::version::Version;

/// Text that names a module at one place in the file, and the import it may need.
#[derive(Debug, Clone)]
pub struct ModuleName {
    pub text: String,
    pub import: Option<Edit>,
}

impl ModuleName {
    pub fn edits(&self) -> impl Iterator<Item = Edit> + '_ {
        self.import.iter().cloned()
    }
}

/// How to name numpy where `resolution` was read: its own name if it is bound to numpy
/// (`np`), else a name bound to numpy there, else a new top-level `import numpy`.
pub fn numpy_at(checker: &Checker, resolution: &Resolution, base_text: &str) -> Option<ModuleName> {
    if resolution.qualified_name == "numpy" {
        return Some(ModuleName {
            text: base_text.to_string(),
            import: None,
        });
    }
    if let Some(alias) = resolution.root_alias {
        return Some(ModuleName {
            text: alias.to_string(),
            import: None,
        });
    }
    new_import(checker, "numpy")
}

/// How to name the module `module` at `offset`: the name of a plain top-level
/// `import module [as name]` that runs before it (every binding of that name binds the module:
/// `import numpy as np` again in another function is fine), or a new `import module`.
pub fn module_at(checker: &Checker, module: &str, offset: TextSize) -> Option<ModuleName> {
    let model = checker.model();
    let function = checker
        .statement_ancestors()
        .find_map(|ancestor| match ancestor {
            AnyNodeRef::StmtFunctionDef(function) => Some(function.range()),
            _ => None,
        });
    let existing = model.bindings().find(|binding| {
        binding.kind == BindingKind::Module(module.into())
            && binding.module_level
            && binding.range.start() < offset
            && model.bindings_named(&binding.name).all(|other| {
                // Another `import module as name`, unless in the function around `offset`
                // after it (the name would be that function's, unbound at `offset`).
                other.kind == binding.kind
                    && (other.range.start() < offset
                        || function.is_none_or(|function| !function.contains_range(other.range)))
            })
            && checker
                .import_site(binding.range.start())
                .is_some_and(|site| site.top_level)
    });
    match existing {
        Some(binding) => Some(ModuleName {
            text: binding.name.to_string(),
            import: None,
        }),
        None => new_import(checker, module),
    }
}

/// A new top-level `import module`, when nothing in the file uses that name. NumPy is
/// imported only where the file already imports it unconditionally at its top level: where
/// NumPy is optional (imported in `try`, in a function, through the project's own modules or
/// `pytest.importorskip`), a new `import numpy` would make it required.
fn new_import(checker: &Checker, module: &str) -> Option<ModuleName> {
    if !checker.model().is_unused_name(module) {
        return None;
    }
    if module == "numpy" && !imports_numpy_unconditionally(checker) {
        return None;
    }
    let insertion = checker.import_insertion()?;
    let text = insertion.text(&format!("import {module}"), checker.source().newline());
    Some(ModuleName {
        text: module.to_string(),
        import: Some(Edit::insert(insertion.offset, text)),
    })
}

fn imports_numpy_unconditionally(checker: &Checker) -> bool {
    checker.model().bindings().any(|binding| {
        binding.module_level
            && binding.kind.qualified_name().is_some_and(is_numpy)
            && checker
                .import_site(binding.range.start())
                .is_some_and(|site| site.top_level && imports_from_numpy(site.stmt))
    })
}

/// `import numpy...` or `from numpy... import`, not a project module that re-exports it.
pub fn imports_from_numpy(stmt: &Stmt) -> bool {
    match stmt {
        Stmt::Import(import) => import.names.iter().any(|alias| is_numpy(&alias.name)),
        Stmt::ImportFrom(import) => {
            import.level == 0
                && import
                    .module
                    .as_ref()
                    .is_some_and(|module| is_numpy(module))
        }
        _ => false,
    }
}

/// `numpy` or one of its submodules or members.
fn is_numpy(qualified: &str) -> bool {
    qualified.split('.').next() == Some("numpy")
}

/// A builtin's name, when nothing in the file rebinds it.
pub fn builtin(checker: &Checker, name: &str) -> Option<String> {
    checker
        .model()
        .is_builtin_visible(name)
        .then(|| name.to_string())
}

/// A qualified name as users write it: `numpy.float_` is `np.float_`, `builtins.int` is `int`.
pub fn display(path: &str) -> String {
    if let Some(rest) = path.strip_prefix("numpy.") {
        format!("np.{rest}")
    } else if path == "numpy" {
        "np".to_string()
    } else if let Some(rest) = path.strip_prefix("builtins.") {
        rest.to_string()
    } else {
        path.to_string()
    }
}

/// How a finding says when NumPy dropped something: `was removed in NumPy 2.0`, `was
/// deprecated in NumPy 2.0 and removed in NumPy 2.4`, `is deprecated since NumPy 2.5`.
pub fn lifecycle(deprecated: Option<Version>, removed: Option<Version>) -> String {
    match (deprecated, removed) {
        (Some(deprecated), Some(removed)) if deprecated == removed => {
            format!("was removed in NumPy {removed}")
        }
        (Some(deprecated), Some(removed)) => {
            format!("was deprecated in NumPy {deprecated} and removed in NumPy {removed}")
        }
        (None, Some(removed)) => format!("was removed in NumPy {removed}"),
        (Some(deprecated), None) => format!("is deprecated since NumPy {deprecated}"),
        (None, None) => "is not available in NumPy 2".to_string(),
    }
}
