use migrate_engine::ast::{Alias, AnyNodeRef, Expr, Stmt};
use migrate_engine::checker::{Checker, ImportSite, Reference, Rule};
use migrate_engine::diagnostic::Diagnostic;
use migrate_engine::edit::{Edit, Fix};
use migrate_engine::semantic::Binding;
use migrate_engine::syntax_edits::{
    insert_after_statement, is_python_builtin, needs_parentheses, remove_import_name,
    remove_statement,
};
use migrate_engine::text_size::{Ranged, TextRange};

use crate::compat::in_compat_branch;
use crate::naming::{self, display};
use crate::table::{self, NameRow, tables};
use crate::template::{self, Values};
use crate::version::Version;

/// ## What it does
/// Finds names that NumPy 2 removed, renamed, moved out of the main namespace or deprecated
/// (`np.float_`, `np.NaN`, `np.product`, `np.in1d`, `np.trapz`, `np.ComplexWarning`, ...),
/// wherever they are used or imported, and rewrites them to what replaces them.
///
/// ## Why is this bad?
/// The old names raise `AttributeError` (or `ImportError` in a `from numpy import`) on
/// NumPy 2; the deprecated ones warn now and go in a later 2.x release.
///
/// ## Example
/// ```python
/// import numpy as np
/// from numpy import NaN as missing
///
/// x = np.float_(np.NINF ** 2)
/// mask = np.in1d(a, b)
/// ```
///
/// Use instead:
/// ```python
/// import numpy as np
/// from numpy import nan as missing
///
/// x = np.float64((-np.inf) ** 2)
/// mask = np.isin(a, b).ravel()
/// ```
///
/// ## Fix
/// Every fix keeps the NumPy 1.x meaning (`np.isin` keeps the input's shape where `np.in1d`
/// returned a flat array, hence `.ravel()`), uses the file's own name for numpy, adds
/// parentheses where precedence needs them and never binds a builtin's name
/// (`np.sometrue` becomes `np.any`). A fix whose result needs a newer NumPy than
/// `--min-numpy` (`np.trapezoid`: 2.0, `np.exceptions`: 1.25) is reported, not applied.
/// The rows are data: `rules/numpy2.toml`.
pub struct RemovedName {
    pub min_numpy: Version,
}

pub const CODE: &str = "NP201";

impl Rule for RemovedName {
    fn code(&self) -> &'static str {
        CODE
    }

    fn noqa_aliases(&self) -> &'static [&'static str] {
        &["NPY201"]
    }

    fn reference<'a>(&self, checker: &mut Checker<'a>, reference: &Reference<'a>) {
        let tables = tables();
        let Some((index, expr, row)) = reference
            .prefixes()
            .find_map(|(index, expr, path)| Some((index, expr, tables.name(path)?)))
        else {
            return;
        };
        if in_compat_branch(checker, expr.start(), row) {
            return;
        }
        let diagnostic = Diagnostic::new(CODE, message(row), expr.range());
        let model = checker.model();
        let binding_id = reference.resolution.binding;
        let imported_here = index == 0
            && checker
                .import_site(model.binding(binding_id).range.start())
                .is_some_and(|site| &site.alias.name != "*");
        let outcome = if imported_here {
            // `float_` bound by `from numpy import float_`: fixed with its import.
            let site = checker
                .import_site(model.binding(binding_id).range.start())
                .expect("checked above");
            match self.import_plan(checker, site, row) {
                ImportPlan::Whole(fix, help) => Ok((fix, help)),
                ImportPlan::PerUse => self.fix_use(checker, reference, index, expr, row),
                ImportPlan::None(help) => Err(help),
            }
        } else {
            self.fix_use(checker, reference, index, expr, row)
        };
        checker.report(with_outcome(diagnostic, outcome));
    }

    fn stmt<'a>(&self, checker: &mut Checker<'a>, stmt: &'a Stmt) {
        match stmt {
            // `import numpy.distutils`, `import numpy.array_api as xp`: a module that went.
            Stmt::Import(import) => {
                for alias in &import.names {
                    if let Some(row) = removed_module(&alias.name) {
                        report_module_import(checker, row, alias.range());
                    }
                }
            }
            Stmt::ImportFrom(import) => {
                let Some(module) = import.module.as_ref().filter(|_| import.level == 0) else {
                    return;
                };
                // `from numpy.distutils.misc_util import Configuration`
                if let Some(row) = removed_module(module) {
                    report_module_import(checker, row, module.range());
                    return;
                }
                for alias in &import.names {
                    self.member_import(checker, module, alias);
                }
            }
            _ => {}
        }
    }
}

/// The row of a removed module that `module` is or lies inside.
fn removed_module(module: &str) -> Option<&'static NameRow> {
    let mut prefix = module;
    loop {
        if let Some(row) = tables().name(prefix) {
            return Some(row);
        }
        prefix = prefix.rsplit_once('.')?.0;
    }
}

fn report_module_import(checker: &mut Checker, row: &NameRow, range: TextRange) {
    if in_compat_branch(checker, range.start(), row) {
        return;
    }
    let help = row.message.clone().unwrap_or_default();
    checker.report(with_outcome(
        Diagnostic::new(CODE, message(row), range),
        Err(help),
    ));
}

impl RemovedName {
    /// `from numpy import float_ as f`: report the import, with the fix of it and its uses.
    fn member_import(&self, checker: &mut Checker, module: &str, alias: &Alias) {
        let Some(row) = tables().name(&format!("{module}.{}", alias.name)) else {
            return;
        };
        let Some(site) = checker.import_site(alias.start()) else {
            return;
        };
        if in_compat_branch(checker, alias.start(), row) {
            return;
        }
        let diagnostic = Diagnostic::new(CODE, message(row), alias.range());
        let outcome = match self.import_plan(checker, site, row) {
            ImportPlan::Whole(fix, help) => Ok((fix, help)),
            ImportPlan::PerUse => {
                Err("`--fix` removes this import once it has fixed every use".to_string())
            }
            ImportPlan::None(help) => Err(help),
        };
        checker.report(with_outcome(diagnostic, outcome));
    }
}

fn with_outcome(diagnostic: Diagnostic, outcome: Result<(Fix, String), String>) -> Diagnostic {
    match outcome {
        Ok((fix, help)) => diagnostic.with_fix(fix).with_help(help),
        Err(help) if help.is_empty() => diagnostic,
        Err(help) => diagnostic.with_help(help),
    }
}

/// `` `np.float_` was removed in NumPy 2.0 `` and its variants.
fn message(row: &NameRow) -> String {
    let name = display(&row.path);
    if !row.existed {
        return format!("`{name}` is not a NumPy name (in 1.x or 2.x)");
    }
    format!(
        "`{name}` {}",
        naming::lifecycle(row.deprecated, row.removed)
    )
}

/// How an import of a removed name (`from numpy import float_ as f`) is fixed.
enum ImportPlan {
    /// One fix for the import and all its uses (a rename, or a move to another module).
    Whole(Fix, String),
    /// Each use is fixed where it is; the import goes once it has no uses left.
    PerUse,
    /// No fix, and why.
    None(String),
}

impl RemovedName {
    /// Why the row's fix may not be applied here, if it may not.
    fn fix_refused(&self, row: &NameRow) -> Option<String> {
        let Some(fix) = row.fix() else {
            return Some(row.message.clone().unwrap_or_default());
        };
        let since = row.fix_since?;
        (since > self.min_numpy).then(|| {
            let replacement = match fix {
                table::Fix::Replace(path) => format!("`{}`", display(path)),
                _ => "The replacement".to_string(),
            };
            format!(
                "{replacement} needs NumPy >= {since}, and this project supports NumPy {} (--min-numpy)",
                self.min_numpy
            )
        })
    }

    fn import_plan(&self, checker: &Checker, site: ImportSite, row: &NameRow) -> ImportPlan {
        if let Some(refused) = self.fix_refused(row) {
            return ImportPlan::None(refused);
        }
        let model = checker.model();
        let Some(binding_id) = model.import_binding(site.alias) else {
            return ImportPlan::None(String::new());
        };
        let binding = model.binding(binding_id);
        let Some(table::Fix::Replace(new)) = row.fix() else {
            return self.remove_when_unused(checker, site, binding);
        };
        let Stmt::ImportFrom(import) = site.stmt else {
            return ImportPlan::None(String::new());
        };
        let module = import.module.as_ref().map_or("", |module| module.as_str());
        let local = site
            .alias
            .asname
            .as_ref()
            .unwrap_or(&site.alias.name)
            .as_str();

        if let Some(builtin) = new.strip_prefix("builtins.") {
            // `from numpy import int`: without the import, the name is the builtin.
            let builtin_free = if local == builtin {
                model
                    .bindings_named(builtin)
                    .all(|other| std::ptr::eq(other, binding))
                    && !model.has_foreign_star_import()
            } else {
                model.is_builtin_visible(builtin)
            };
            if !builtin_free {
                return ImportPlan::None(format!("`{builtin}` is rebound in this file"));
            }
            let mut edits = removal(checker, site);
            if local != builtin {
                match renamed_uses(checker, binding, local, builtin) {
                    Some(uses) => edits.extend(uses),
                    None => return ImportPlan::None(String::new()),
                }
            }
            return ImportPlan::Whole(Fix::new(edits), format!("Use the builtin `{builtin}`"));
        }

        let (new_module, new_name) = new.rsplit_once('.').unwrap_or(("", new));
        let importable = new_module.is_empty()
            || tables()
                .importable_since(new_module)
                .is_some_and(|since| since <= self.min_numpy);
        if !importable {
            return self.remove_when_unused(checker, site, binding);
        }

        // The imported name, and the uses renamed to it when the alias is dropped.
        let mut edits = Vec::new();
        let imported = match &site.alias.asname {
            Some(asname) if asname.as_str() == new_name => new_name.to_string(),
            Some(asname) => format!("{new_name} as {asname}"),
            None if new_name == local => new_name.to_string(),
            None => match renamed_uses(checker, binding, local, new_name) {
                Some(uses) => {
                    edits.extend(uses);
                    new_name.to_string()
                }
                None => format!("{new_name} as {local}"),
            },
        };
        let help = if new_module.is_empty() {
            format!("Import the module `{new_name}` instead")
        } else if new_module == module {
            format!("Import `{new_name}` instead")
        } else {
            format!("Import `{new_name}` from `{new_module}`")
        };

        if new_module == module {
            edits.push(Edit::replace(site.alias.range(), imported));
            return ImportPlan::Whole(Fix::new(edits), help);
        }
        let statement = if new_module.is_empty() {
            match &site.alias.asname {
                Some(asname) if asname.as_str() != new_name => {
                    format!("import {new_name} as {asname}")
                }
                _ => format!("import {new_name}"),
            }
        } else {
            format!("from {new_module} import {imported}")
        };
        let source = checker.source();
        if site.names().len() == 1 {
            if source.slice(site.stmt.range()).contains('#') {
                return ImportPlan::None("The import holds a comment; move it by hand".to_string());
            }
            edits.push(Edit::replace(site.stmt.range(), statement));
        } else {
            let Some(insert) = insert_after_statement(source, site.stmt, &statement) else {
                return ImportPlan::None(String::new());
            };
            edits.extend(remove_import_name(source, site.names(), site.index));
            edits.push(insert);
        }
        ImportPlan::Whole(Fix::new(edits), help)
    }

    /// The uses are fixed one by one; the import itself only goes once nothing uses it.
    fn remove_when_unused(
        &self,
        checker: &Checker,
        site: ImportSite,
        binding: &Binding,
    ) -> ImportPlan {
        if !binding.uses.is_empty() || binding.has_opaque_uses {
            return ImportPlan::PerUse;
        }
        if binding.module_level && checker.model().in_dunder_all(&binding.name) {
            return ImportPlan::None(format!("`{}` is re-exported in `__all__`", binding.name));
        }
        ImportPlan::Whole(
            Fix::new(removal(checker, site)),
            "Remove the unused import".to_string(),
        )
    }

    /// The fix of one use, given where it stands.
    fn fix_use(
        &self,
        checker: &Checker,
        reference: &Reference,
        index: usize,
        expr: &Expr,
        row: &NameRow,
    ) -> Result<(Fix, String), String> {
        if let Some(refused) = self.fix_refused(row) {
            return Err(refused);
        }
        let fix = row.fix().expect("refused above when there is none");
        let source = checker.source();
        let links: Vec<(usize, &Expr, &str)> = reference.prefixes().collect();
        let parent = match links.iter().find(|(i, ..)| *i == index + 1) {
            Some((_, outer, _)) => outer.as_attribute_expr().map(AnyNodeRef::from),
            None => checker.parent(),
        };
        let numpy = || {
            let base = reference.base();
            naming::numpy_at(checker, &reference.resolution, source.slice(base.range()))
                .ok_or_else(|| "No name for numpy is free here".to_string())
        };
        let mut edits = Vec::new();
        let shown;
        match fix {
            table::Fix::Replace(new) => {
                let (range, text) = if let Some(builtin) = new.strip_prefix("builtins.") {
                    let name = naming::builtin(checker, builtin)
                        .ok_or_else(|| format!("`{builtin}` is rebound in this file"))?;
                    (expr.range(), name)
                } else if let Some((j, prefix_expr, prefix)) = links
                    .iter()
                    .filter(|(j, ..)| *j < index)
                    .find(|(_, _, prefix)| new.starts_with(&format!("{prefix}.")))
                {
                    let rest = &new[prefix.len() + 1..];
                    if *j + 1 == index {
                        // Only the attribute changes: `np.float_` -> `np.float64`.
                        let attribute = expr.as_attribute_expr().expect("a link after the first");
                        (attribute.attr.range(), rest.to_string())
                    } else {
                        (
                            expr.range(),
                            format!("{}.{rest}", source.slice(prefix_expr.range())),
                        )
                    }
                } else if let Some(rest) = new.strip_prefix("numpy.") {
                    let numpy = numpy()?;
                    edits.extend(numpy.edits());
                    (expr.range(), format!("{}.{rest}", numpy.text))
                } else {
                    let (module, rest) = match new.split_once('.') {
                        Some((module, rest)) => (module, Some(rest)),
                        None => (new, None),
                    };
                    let module =
                        naming::module_at(checker, module, expr.start()).ok_or_else(|| {
                            format!("`{module}` is bound to something else in this file")
                        })?;
                    edits.extend(module.edits());
                    let text = match rest {
                        Some(rest) => format!("{}.{rest}", module.text),
                        None => module.text.clone(),
                    };
                    (expr.range(), text)
                };
                shown = display(new);
                edits.push(Edit::replace(range, text));
            }
            table::Fix::Expr(template) => {
                if let Some(keyword) = &row.keyword {
                    let passed_as_keyword = matches!(parent, Some(AnyNodeRef::Keyword(k)) if k.arg.as_ref().is_some_and(|arg| arg.as_str() == keyword));
                    if !passed_as_keyword {
                        return Err(row
                            .message
                            .clone()
                            .unwrap_or_else(|| format!("Fixed only as `{keyword}=`")));
                    }
                }
                let numpy = if template::uses_numpy(template) {
                    Some(numpy()?)
                } else {
                    None
                };
                let values = Values {
                    numpy: numpy.as_ref().map(|numpy| numpy.text.as_str()),
                    ..Values::default()
                };
                let mut text =
                    template::render(template, source, &values).ok_or_else(String::new)?;
                shown = text.clone();
                if needs_parentheses(source, &text, expr.range(), parent) {
                    text = format!("({text})");
                }
                edits.extend(numpy.iter().flat_map(naming::ModuleName::edits));
                edits.push(Edit::replace(expr.range(), text));
            }
            table::Fix::Call(template)
            | table::Fix::Subscript(template)
            | table::Fix::SubscriptCall(template) => {
                let (replaced, call, index_expr) = match fix {
                    table::Fix::Call(_) => match parent {
                        Some(AnyNodeRef::ExprCall(call)) if call.func.range() == expr.range() => {
                            (call.range(), Some(call), None)
                        }
                        _ => {
                            return Err(format!(
                                "Only calls of `{}` are fixed",
                                display(&row.path)
                            ));
                        }
                    },
                    table::Fix::Subscript(_) => match parent {
                        Some(AnyNodeRef::ExprSubscript(subscript))
                            if subscript.value.range() == expr.range() =>
                        {
                            (subscript.range(), None, Some(&*subscript.slice))
                        }
                        _ => return Err(format!("Only `{}[...]` is fixed", display(&row.path))),
                    },
                    _ => {
                        let grandparent = checker.ancestors().nth(1);
                        match (parent, grandparent) {
                            (
                                Some(AnyNodeRef::ExprSubscript(subscript)),
                                Some(AnyNodeRef::ExprCall(call)),
                            ) if subscript.value.range() == expr.range()
                                && call.func.range() == subscript.range() =>
                            {
                                (call.range(), Some(call), Some(&*subscript.slice))
                            }
                            _ => {
                                return Err(format!(
                                    "Only `{}[...](...)` is fixed",
                                    display(&row.path)
                                ));
                            }
                        }
                    }
                };
                let numpy = if template::uses_numpy(template) {
                    Some(numpy()?)
                } else {
                    None
                };
                let values = Values {
                    numpy: numpy.as_ref().map(|numpy| numpy.text.as_str()),
                    call,
                    index: index_expr,
                    keywords: row.keywords.as_deref(),
                };
                let text = template::render(template, source, &values).ok_or_else(|| {
                    row.message.clone().unwrap_or_else(|| {
                        "The call's arguments have another shape than the fix handles".to_string()
                    })
                })?;
                for name in free_builtins(&text) {
                    naming::builtin(checker, name)
                        .ok_or_else(|| format!("`{name}` is rebound in this file"))?;
                }
                shown = text.clone();
                edits.extend(numpy.iter().flat_map(naming::ModuleName::edits));
                edits.push(Edit::replace(replaced, text));
            }
        }
        Ok((Fix::new(edits), replacement_help(&shown)))
    }
}

/// `Replace with `...``, with long or multi-line code shortened.
fn replacement_help(shown: &str) -> String {
    let first_line = shown.lines().next().unwrap_or_default();
    if first_line.len() == shown.len() && shown.len() <= 60 {
        format!("Replace with `{shown}`")
    } else {
        let short: String = first_line.chars().take(50).collect();
        format!("Replace with `{short}...`")
    }
}

/// The builtins a rendered template calls by bare name (`print(...)`).
fn free_builtins(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.'))
        .filter(|word| !word.contains('.') && is_python_builtin(word))
}

/// Take the import of one name out: the name from its statement, or the whole statement.
fn removal(checker: &Checker, site: ImportSite) -> Vec<Edit> {
    if site.names().len() > 1 {
        remove_import_name(checker.source(), site.names(), site.index)
    } else {
        vec![remove_statement(checker.source(), site.stmt, site.body)]
    }
}

/// Edits renaming every use of `binding` from `old` to `new`, when that cannot change what
/// any name means: `new` is used nowhere else and is not a builtin, each use can only see
/// this binding, and the module does not re-export `old`.
fn renamed_uses(checker: &Checker, binding: &Binding, old: &str, new: &str) -> Option<Vec<Edit>> {
    let model = checker.model();
    let is_init = checker
        .path()
        .file_name()
        .is_some_and(|name| name == "__init__.py" || name == "__init__.pyi");
    let safe = !is_python_builtin(new)
        && model.is_unused_name(new)
        && !binding.has_opaque_uses
        && binding.uses.iter().all(|use_| use_.exclusive)
        && model.bindings_named(old).count() == 1
        && !(binding.module_level && (model.in_dunder_all(old) || is_init));
    safe.then(|| {
        binding
            .uses
            .iter()
            .map(|use_| Edit::replace(use_.range, new))
            .collect()
    })
}
