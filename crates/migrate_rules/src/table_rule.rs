//! The rules that are tables (`NP201` removed names, `NP202` private modules): how a
//! use, an import or a module import of a listed name is reported and fixed. The rule
//! files hold their documentation and pick their rows by code.

use migrate_engine::ast::{Alias, AnyNodeRef, Expr, Stmt};
use migrate_engine::checker::{Checker, ImportSite, Reference};
use migrate_engine::diagnostic::Diagnostic;
use migrate_engine::edit::{Edit, Fix};
use migrate_engine::semantic::Binding;
use migrate_engine::syntax_edits::{
    insert_after_statement, is_python_builtin, needs_parentheses, remove_import_name,
    remove_statement,
};
use migrate_engine::text_size::{Ranged, TextRange, TextSize};

use migrate_engine::prefilter::Triggers;

use crate::compat::in_compat_branch;
use crate::naming::{self, display};
use crate::numpy_types::is_class;
use crate::table::{self, NameRow, PrivateModuleRow, tables};
use crate::template::{self, Values};
use crate::triggers;
use crate::version::Version;

/// A rule whose findings are rows of the tables with its code.
pub struct TableRule {
    pub code: &'static str,
    pub min_numpy: Version,
}

/// What the tables say about a qualified name: the row of its longest listed prefix.
enum Listed<'t> {
    Name(&'t NameRow),
    Module(&'t PrivateModuleRow),
}

fn listed(path: &str) -> Option<Listed<'static>> {
    let tables = tables();
    tables
        .name(path)
        .map(Listed::Name)
        .or_else(|| tables.private_module(path).map(Listed::Module))
}

/// The row of `module` or of the nearest module it lies inside (`numpy.distutils` for
/// `numpy.distutils.misc_util`). A path names a module here: a private module's row comes
/// before a name row (`numpy.core.memmap` is a module and a member of `numpy.core`).
fn listed_module(module: &str) -> Option<(&str, Listed<'static>)> {
    let tables = tables();
    let mut prefix = module;
    loop {
        if let Some(private) = tables.private_module(prefix) {
            // `numpy.lib.array_utils` lies in `numpy.lib`, which keeps it.
            let below = module[prefix.len()..]
                .trim_start_matches('.')
                .split('.')
                .next();
            if below.is_some_and(|below| private.keeps(below)) {
                return None;
            }
            return Some((prefix, Listed::Module(private)));
        }
        if let Some(row) = tables.name(prefix) {
            return Some((prefix, Listed::Name(row)));
        }
        prefix = prefix.rsplit_once('.')?.0;
    }
}

impl TableRule {
    /// The rule reports references to its rows (and private modules) only.
    pub fn triggers(&self) -> Triggers {
        let tables = tables();
        let names: Vec<&str> = if self.code == PRIVATE_MODULE {
            tables
                .private_modules
                .iter()
                .map(|module| module.path.as_str())
                .collect()
        } else {
            tables
                .names
                .iter()
                .filter(|row| row.code == self.code)
                .map(|row| row.path.as_str())
                .collect()
        };
        Triggers::any(vec![triggers::references(names)])
    }

    pub fn reference<'a>(&self, checker: &mut Checker<'a>, reference: &Reference<'a>) {
        let Some((index, expr, found)) = reference
            .prefixes()
            .find_map(|(index, expr, path)| Some((index, expr, listed(path)?)))
        else {
            return;
        };
        match found {
            Listed::Name(row) if row.code == self.code => {
                self.name_use(checker, reference, index, expr, row)
            }
            Listed::Module(module) if self.code == PRIVATE_MODULE => {
                self.module_use(checker, reference, index, expr, module);
            }
            _ => {}
        }
    }

    fn name_use<'a>(
        &self,
        checker: &mut Checker<'a>,
        reference: &Reference<'a>,
        index: usize,
        expr: &'a Expr,
        row: &NameRow,
    ) {
        if in_compat_branch(checker, expr.start(), row) {
            return;
        }
        let diagnostic = Diagnostic::new(self.code, message(row), expr.range());
        let model = checker.model();
        let site = checker
            .import_site(model.binding(reference.resolution.binding).range.start())
            .filter(|site| &site.alias.name != "*" && naming::imports_from_numpy(site.stmt));
        let outcome = match site {
            // `float_` bound by `from numpy import float_`: fixed with its import.
            Some(site) if index == 0 => match self.import_plan(checker, site, row) {
                // `sqrt` after `from numpy.core.umath import sqrt` is fine once the import
                // is: the finding is the import's alone. (Removed names keep their use
                // findings, as Ruff reports them.)
                ImportPlan::Whole(fix, _)
                    if self.code == PRIVATE_MODULE
                        && !fix
                            .edits()
                            .iter()
                            .any(|edit| edit.range().intersect(expr.range()).is_some()) =>
                {
                    return;
                }
                ImportPlan::Whole(fix, help) => Ok((fix, help)),
                ImportPlan::PerUse => self.fix_use(checker, reference, index, expr, row),
                ImportPlan::None(help) => Err(help),
            },
            // `_nx.asarray` after `import numpy.core.numeric as _nx`: fixed with its import
            // when all uses of `_nx` can be.
            Some(site) if index == 1 => match private_module_of(site) {
                Some(module) => match self.module_import_plan(checker, site, module) {
                    ImportPlan::Whole(fix, help) => Ok((fix, help)),
                    ImportPlan::PerUse | ImportPlan::None(_) => {
                        self.fix_use(checker, reference, index, expr, row)
                    }
                },
                None => self.fix_use(checker, reference, index, expr, row),
            },
            _ => self.fix_use(checker, reference, index, expr, row),
        };
        checker.report(with_outcome(diagnostic, outcome));
    }

    /// A use of a private module that no member row covers: the module itself, or a member
    /// with no public home.
    fn module_use<'a>(
        &self,
        checker: &mut Checker<'a>,
        reference: &Reference<'a>,
        index: usize,
        expr: &'a Expr,
        module: &PrivateModuleRow,
    ) {
        let member = reference
            .prefixes()
            .find(|(i, ..)| *i == index + 1)
            .map(|(_, outer, _)| outer);
        let (range, name, lifecycle) = match member {
            Some(member) => {
                let attribute = member.as_attribute_expr().expect("a link after the first");
                if module.keeps(&attribute.attr) {
                    return;
                }
                (
                    member.range(),
                    format!("{}.{}", module.path, attribute.attr),
                    module.other_member_lifecycle(&attribute.attr),
                )
            }
            None if module.is_private() => {
                (expr.range(), module.path.clone(), module_lifecycle(module))
            }
            None => return,
        };
        // A bare use of `_nx` is part of its import's finding.
        if member.is_none() && index == 0 {
            return;
        }
        let message = format!("`{}` {lifecycle}", display(&name));
        let help = module.message.clone().unwrap_or_default();
        checker.report(with_outcome(
            Diagnostic::new(self.code, message, range),
            Err(help),
        ));
    }

    pub fn stmt<'a>(&self, checker: &mut Checker<'a>, stmt: &'a Stmt) {
        match stmt {
            Stmt::Import(import) => {
                for alias in &import.names {
                    self.module_import(checker, alias);
                }
            }
            Stmt::ImportFrom(import) => {
                let Some(module) = import.module.as_ref().filter(|_| import.level == 0) else {
                    return;
                };
                match listed_module(module) {
                    // `from numpy.distutils.misc_util import Configuration`: a module that went.
                    Some((_, Listed::Name(row))) => {
                        if row.code == self.code {
                            self.report_only(checker, row, module.range());
                        }
                        return;
                    }
                    // `from numpy.lib.function_base import x` where `x` has no row.
                    Some((prefix, Listed::Module(private))) if self.code == PRIVATE_MODULE => {
                        for alias in &import.names {
                            let path = format!("{module}.{}", alias.name);
                            let listed_member = listed(&path).is_some();
                            let kept = prefix == module.as_str() && private.keeps(&alias.name);
                            if !listed_member && !kept && &alias.name != "*" {
                                let lifecycle = if prefix == module.as_str() {
                                    private.other_member_lifecycle(&alias.name)
                                } else {
                                    module_lifecycle(private)
                                };
                                let message = format!("`{}` {lifecycle}", display(&path));
                                let help = private.message.clone().unwrap_or_default();
                                checker.report(with_outcome(
                                    Diagnostic::new(self.code, message, alias.range()),
                                    Err(help),
                                ));
                            }
                        }
                    }
                    _ => {}
                }
                for alias in &import.names {
                    match listed(&format!("{module}.{}", alias.name)) {
                        Some(Listed::Name(row)) if row.code == self.code => {
                            self.member_import(checker, alias, row)
                        }
                        Some(Listed::Module(private)) if self.code == PRIVATE_MODULE => {
                            self.private_module_import(checker, alias, private);
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }

    /// `import numpy.distutils`, `import numpy.core.numeric as _nx`, `import numpy.lib.function_base`.
    fn module_import(&self, checker: &mut Checker, alias: &Alias) {
        match listed_module(&alias.name) {
            Some((prefix, Listed::Module(private)))
                if prefix == alias.name.as_str() && self.code == PRIVATE_MODULE =>
            {
                self.private_module_import(checker, alias, private);
            }
            Some((_, Listed::Name(row))) if row.code == self.code => {
                self.report_only(checker, row, alias.range());
            }
            _ => {}
        }
    }

    fn report_only(&self, checker: &mut Checker, row: &NameRow, range: TextRange) {
        if in_compat_branch(checker, range.start(), row) {
            return;
        }
        let help = row.message.clone().unwrap_or_default();
        checker.report(with_outcome(
            Diagnostic::new(self.code, message(row), range),
            Err(help),
        ));
    }

    /// `from numpy import float_ as f`: report the import, with the fix of it and its uses.
    fn member_import(&self, checker: &mut Checker, alias: &Alias, row: &NameRow) {
        let Some(site) = checker.import_site(alias.start()) else {
            return;
        };
        if in_compat_branch(checker, alias.start(), row) {
            return;
        }
        let diagnostic = Diagnostic::new(self.code, message(row), alias.range());
        let outcome = match self.import_plan(checker, site, row) {
            ImportPlan::Whole(fix, help) => Ok((fix, help)),
            ImportPlan::PerUse => {
                Err("`--fix` removes this import once it has fixed every use".to_string())
            }
            ImportPlan::None(help) => Err(help),
        };
        checker.report(with_outcome(diagnostic, outcome));
    }

    /// An import that binds a private module to a name: `import numpy.core.numeric as _nx`,
    /// `from numpy.core import numeric`, or (binding `numpy`) `import numpy.lib.function_base`.
    fn private_module_import(
        &self,
        checker: &mut Checker,
        alias: &Alias,
        module: &PrivateModuleRow,
    ) {
        let Some(site) = checker.import_site(alias.start()) else {
            return;
        };
        // A module NumPy 2 still has (`numpy.lib.recfunctions`): only some members moved.
        if !module.is_private() && module.removed.is_none() {
            return;
        }
        let binds_root = matches!(site.stmt, Stmt::Import(_)) && alias.asname.is_none();
        let message = format!("`{}` {}", display(&module.path), module_lifecycle(module));
        let outcome = if binds_root {
            // Its uses are `numpy.lib.function_base.x`, fixed one by one; the import only
            // matters where it fails.
            if module.removed.is_none() {
                return;
            }
            let root = module.path.split('.').next().unwrap_or(&module.path);
            Ok((
                Fix::edit(Edit::replace(alias.range(), root)),
                format!("Import `{root}` instead"),
            ))
        } else {
            match self.module_import_plan(checker, site, module) {
                ImportPlan::Whole(fix, help) => Ok((fix, help)),
                ImportPlan::PerUse => Err(
                    "`--fix` rewrites its uses; remove the import once nothing uses it".to_string(),
                ),
                ImportPlan::None(help) => Err(help),
            }
        };
        checker.report(with_outcome(
            Diagnostic::new(self.code, message, alias.range()),
            outcome,
        ));
    }

    /// Bind the import's name to the module's home instead (`import numpy as _nx`), when
    /// every use of it is `name.member` and every member has a home under it.
    fn module_import_plan(
        &self,
        checker: &Checker,
        site: ImportSite,
        module: &PrivateModuleRow,
    ) -> ImportPlan {
        checker.memoized("module import plan", site.alias.start(), || {
            self.compute_module_import_plan(checker, site, module)
        })
    }

    fn compute_module_import_plan(
        &self,
        checker: &Checker,
        site: ImportSite,
        module: &PrivateModuleRow,
    ) -> ImportPlan {
        let model = checker.model();
        let Some(binding) = model.import_binding(site.alias).map(|id| model.binding(id)) else {
            return ImportPlan::None(String::new());
        };
        if binding.has_opaque_uses {
            return ImportPlan::None(String::new());
        }
        let mut edits = Vec::new();
        for use_ in &binding.uses {
            let Some(member) = use_.attribute.as_ref().filter(|_| use_.exclusive) else {
                return ImportPlan::PerUse;
            };
            let path = format!("{}.{}", module.path, member.as_str());
            let Some(row) = tables().name(&path) else {
                return ImportPlan::PerUse;
            };
            if self.fix_refused(row).is_some() {
                return ImportPlan::PerUse;
            }
            match row.fix() {
                Some(table::Fix::Replace(new))
                    if new
                        .strip_prefix(module.home.as_str())
                        .is_some_and(|rest| rest.starts_with('.')) =>
                {
                    let rest = &new[module.home.len() + 1..];
                    if rest != member.as_str() {
                        edits.push(Edit::replace(member.range(), rest));
                    }
                }
                _ => return ImportPlan::PerUse,
            }
        }
        let local = binding.name.as_str();
        let statement = match module.home.rsplit_once('.') {
            None if local == module.home => format!("import {local}"),
            None => format!("import {} as {local}", module.home),
            Some((parent, last)) if last == local => format!("from {parent} import {last}"),
            Some((parent, last)) => format!("from {parent} import {last} as {local}"),
        };
        match self.replace_import(checker, site, &statement) {
            Ok(replaced) => edits.extend(replaced),
            Err(why) => return ImportPlan::None(why),
        }
        ImportPlan::Whole(Fix::new(edits), format!("Replace with `{statement}`"))
    }

    /// Edits that put `statement` in place of the import of `site`'s name: the whole
    /// statement when it imports nothing else, else a new statement after it.
    fn replace_import(
        &self,
        checker: &Checker,
        site: ImportSite,
        statement: &str,
    ) -> Result<Vec<Edit>, String> {
        let source = checker.source();
        if site.names().len() == 1 {
            if source.slice(site.stmt.range()).contains('#') {
                return Err(COMMENT_IN_IMPORT.to_string());
            }
            return Ok(vec![Edit::replace(site.stmt.range(), statement)]);
        }
        let insert =
            insert_after_statement(source, site.stmt, statement).ok_or_else(String::new)?;
        let mut edits = remove_import_name(source, site.names(), site.index);
        edits.push(insert);
        Ok(edits)
    }
}

/// How `alias` imports `new_name` in place of its old name: `new_name`, `new_name as alias`,
/// or `new_name as old` when the uses cannot be renamed (their renames go to `edits`).
fn imported_as(
    checker: &Checker,
    alias: &Alias,
    binding: &Binding,
    new_name: &str,
    edits: &mut Vec<Edit>,
) -> String {
    let local = alias.asname.as_ref().unwrap_or(&alias.name).as_str();
    match &alias.asname {
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
    }
}

/// The private module an import site binds to a name, if it does.
fn private_module_of(site: ImportSite) -> Option<&'static PrivateModuleRow> {
    let path = match site.stmt {
        Stmt::Import(_) if site.alias.asname.is_some() => site.alias.name.to_string(),
        Stmt::ImportFrom(import) if import.level == 0 => {
            format!("{}.{}", import.module.as_ref()?.as_str(), site.alias.name)
        }
        _ => return None,
    };
    tables().private_module(&path)
}

fn module_lifecycle(module: &PrivateModuleRow) -> String {
    naming::lifecycle(module.deprecated, module.removed)
}

const COMMENT_IN_IMPORT: &str = "The import holds a comment; change it by hand";

pub const PRIVATE_MODULE: &str = crate::rules::private_module::CODE;

fn with_outcome(diagnostic: Diagnostic, outcome: Result<(Fix, String), String>) -> Diagnostic {
    match outcome {
        Ok((fix, help)) => diagnostic.with_fix(fix).with_help(help),
        Err(help) if help.is_empty() => diagnostic,
        Err(help) => diagnostic.with_help(help),
    }
}

/// `` `np.float_` was removed in NumPy 2.0 ``; for a member of a private module,
/// `` `np.core.numeric.asarray`: `np.core.numeric` is deprecated since NumPy 2.0 ``.
fn message(row: &NameRow) -> String {
    let name = display(&row.path);
    if !row.existed {
        return format!("`{name}` is not a NumPy name (in 1.x or 2.x)");
    }
    let lifecycle = naming::lifecycle(row.deprecated, row.removed);
    // A member of a private module: the module is what went.
    let private = row.module.as_deref().filter(|module| {
        tables()
            .private_module(module)
            .is_some_and(PrivateModuleRow::is_private)
    });
    match private {
        Some(module) => format!("`{name}`: `{}` {lifecycle}", display(module)),
        None => format!("`{name}` {lifecycle}"),
    }
}

/// How an import of a removed name (`from numpy import float_ as f`) is fixed.
#[derive(Clone)]
enum ImportPlan {
    /// One fix for the import and all its uses (a rename, or a move to another module).
    Whole(Fix, String),
    /// Each use is fixed where it is; the import goes once it has no uses left.
    PerUse,
    /// No fix, and why.
    None(String),
}

impl TableRule {
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

    /// Whether a NumPy the project supports has the name as another object than its
    /// replacement (not once its floor is past the removal: the name is gone there).
    fn distinct_on_floor(&self, row: &NameRow) -> bool {
        row.distinct && row.removed.is_none_or(|removed| self.min_numpy < removed)
    }

    /// How the import at `site` is fixed (computed once per file: every use shares it).
    fn import_plan(&self, checker: &Checker, site: ImportSite, row: &NameRow) -> ImportPlan {
        checker.memoized("import plan", site.alias.start(), || {
            self.compute_import_plan(checker, site, row)
        })
    }

    fn compute_import_plan(
        &self,
        checker: &Checker,
        site: ImportSite,
        row: &NameRow,
    ) -> ImportPlan {
        if let Some(refused) = self.fix_refused(row) {
            return match self.compat_alias_import(checker, site, row) {
                Some(Ok((fix, help))) => ImportPlan::Whole(fix, help),
                Some(Err(why)) => ImportPlan::None(why),
                None => ImportPlan::None(refused),
            };
        }
        if let Some(plan) = self.statement_plan(checker, site) {
            return plan;
        }
        let model = checker.model();
        let Some(binding_id) = model.import_binding(site.alias) else {
            return ImportPlan::None(String::new());
        };
        let binding = model.binding(binding_id);
        let used_as_value = binding.has_opaque_uses
            || binding
                .uses
                .iter()
                .any(|used| !is_called(checker, used.range.end()));
        if self.distinct_on_floor(row) && used_as_value {
            return ImportPlan::None(distinct_value_help(row));
        }
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
            let Some(mut edits) = removal(checker, site) else {
                return ImportPlan::None(COMMENT_IN_IMPORT.to_string());
            };
            if local != builtin {
                match renamed_uses(checker, binding, local, builtin) {
                    Some(uses) => edits.extend(uses),
                    None => return ImportPlan::None(String::new()),
                }
            }
            return ImportPlan::Whole(Fix::new(edits), format!("Use the builtin `{builtin}`"));
        }

        let (new_module, new_name) = new.rsplit_once('.').unwrap_or(("", new));
        if !new_module.is_empty() && !self.importable(new_module) {
            return self.remove_when_unused(checker, site, binding);
        }

        let mut edits = Vec::new();
        let imported = imported_as(checker, site.alias, binding, new_name, &mut edits);
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
                return ImportPlan::None(COMMENT_IN_IMPORT.to_string());
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

    /// `from numpy.core.numeric import asarray, zeros as z` -> `from numpy import asarray,
    /// zeros as z`: when every name of the statement moves to the same module, only the
    /// module changes (and the names that were renamed).
    fn statement_plan(&self, checker: &Checker, site: ImportSite) -> Option<ImportPlan> {
        let Stmt::ImportFrom(import) = site.stmt else {
            return None;
        };
        let module = import.module.as_ref().filter(|_| import.level == 0)?;
        if import.names.len() < 2 {
            return None;
        }
        let model = checker.model();
        let mut target = None;
        let mut edits = Vec::new();
        for alias in &import.names {
            let row = tables().name(&format!("{module}.{}", alias.name))?;
            if self.fix_refused(row).is_some() {
                return None;
            }
            let Some(table::Fix::Replace(new)) = row.fix() else {
                return None;
            };
            let (new_module, new_name) = new.rsplit_once('.')?;
            if new_module == module.as_str()
                || !self.importable(new_module)
                || *target.get_or_insert(new_module) != new_module
            {
                return None;
            }
            if new_name != alias.name.as_str() {
                let binding = model.binding(model.import_binding(alias)?);
                let imported = imported_as(checker, alias, binding, new_name, &mut edits);
                edits.push(Edit::replace(alias.range(), imported));
            }
        }
        let target = target?;
        edits.push(Edit::replace(module.range(), target));
        Some(ImportPlan::Whole(
            Fix::new(edits),
            format!("Import from `{target}`"),
        ))
    }

    fn importable(&self, module: &str) -> bool {
        tables()
            .importable_since(module)
            .is_some_and(|since| since <= self.min_numpy)
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
        match removal(checker, site) {
            Some(edits) => {
                ImportPlan::Whole(Fix::new(edits), "Remove the unused import".to_string())
            }
            None => ImportPlan::None(COMMENT_IN_IMPORT.to_string()),
        }
    }

    /// The fix of one use, given where it stands.
    fn fix_use<'a>(
        &self,
        checker: &Checker<'a>,
        reference: &Reference<'a>,
        index: usize,
        expr: &Expr,
        row: &NameRow,
    ) -> Result<(Fix, String), String> {
        if self.distinct_on_floor(row) && !is_called(checker, expr.end()) {
            return Err(distinct_value_help(row));
        }
        if let Some(refused) = self.fix_refused(row) {
            return self
                .compat_alias_use(checker, reference, index, expr, row)
                .ok_or(refused);
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
                if row.classes
                    && !call.is_some_and(|call| {
                        call.arguments.args.iter().all(|arg| is_class(checker, arg))
                    })
                {
                    return Err(row.message.clone().unwrap_or_default());
                }
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
/// Whether the expression ending at `end` is called: `(` follows it on its line (a call
/// spread otherwise counts as a value, which only withholds a fix).
fn is_called(checker: &Checker, end: TextSize) -> bool {
    let after = &checker.source().text()[end.to_usize()..];
    after.trim_start_matches([' ', '\t']).starts_with('(')
}

/// Why a name that is another object than its replacement on NumPy 1.x is not fixed where
/// it is used as a value.
fn distinct_value_help(row: &NameRow) -> String {
    let replacement = match row.fix() {
        Some(table::Fix::Replace(new)) => format!("`{}`", display(new)),
        _ => "its replacement".to_string(),
    };
    format!(
        "Not fixed here: on NumPy 1.x `{}` is another object than {replacement}, and this use is no call (a decorator argument, a key, an `is` test sees the difference). Use {replacement} where the code needs NumPy 2 only, or keep both",
        display(&row.path)
    )
}

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

/// Take the import of one name out: the name from its statement, or the whole statement
/// (`None` when that would lose a comment inside it).
fn removal(checker: &Checker, site: ImportSite) -> Option<Vec<Edit>> {
    if site.names().len() > 1 {
        Some(remove_import_name(
            checker.source(),
            site.names(),
            site.index,
        ))
    } else {
        remove_statement(checker.source(), site.stmt, site.body).map(|edit| vec![edit])
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

/// A replacement newer than the project's floor (`np.trapezoid`: 2.0, `np.exceptions`: 1.25),
/// named through a compatibility import that works on both sides of it, as maintainers
/// write it:
///
/// ```python
/// import numpy as np
/// try:
///     from numpy import trapezoid
/// except ImportError:  # NumPy < 2.0
///     from numpy import trapz as trapezoid
/// ```
///
/// The old name is imported only where the new one is missing, so NumPy 2.0-2.3 never warn,
/// and each NumPy gets the object it has. `in_compat_branch` leaves the `except` branch alone
/// on the next run, and the uses, bound twice, resolve to neither.
struct CompatAlias<'t> {
    /// `numpy.trapezoid`, `numpy.exceptions.AxisError`.
    new: &'t str,
    since: Version,
}

impl<'t> CompatAlias<'t> {
    /// The alias of `row`, when its fix is a name that needs a NumPy newer than `min_numpy`.
    fn of(row: &'t NameRow, min_numpy: Version) -> Option<Self> {
        let Some(table::Fix::Replace(new)) = row.fix() else {
            return None;
        };
        let since = row.fix_since.filter(|since| *since > min_numpy)?;
        // NP201's names; the moved members of private modules (NP202) have no example of it.
        let removed_name = row.code == crate::rules::removed_name::CODE;
        (removed_name && row.existed && new.starts_with("numpy.")).then_some(Self { new, since })
    }

    fn new_name(&self) -> &'t str {
        self.new.rsplit('.').next().unwrap_or(self.new)
    }

    /// The `try` statement that binds `local` to the new object, or to the old one (`old`, a
    /// qualified name) where the new one is missing.
    fn statement(&self, old: &str, local: &str, newline: &str) -> String {
        let import = |path: &str| {
            let (module, name) = path.rsplit_once('.').unwrap_or(("numpy", path));
            if name == local {
                format!("from {module} import {name}")
            } else {
                format!("from {module} import {name} as {local}")
            }
        };
        format!(
            "try:{newline}    {}{newline}except ImportError:  # NumPy < {}{newline}    {}",
            import(self.new),
            self.since,
            import(old),
        )
    }

    fn help(&self, old: &str) -> String {
        format!(
            "Import `{}` where it exists (NumPy >= {}), else `{}`",
            display(self.new),
            self.since,
            display(old)
        )
    }
}

impl TableRule {
    /// `np.trapz` after a top-level `import numpy as np`, below the replacement's NumPy:
    /// the use becomes `trapezoid`, bound by a compatibility import after NumPy's.
    fn compat_alias_use<'a>(
        &self,
        checker: &Checker<'a>,
        reference: &Reference<'a>,
        index: usize,
        expr: &Expr,
        row: &NameRow,
    ) -> Option<(Fix, String)> {
        let alias = CompatAlias::of(row, self.min_numpy)?;
        // Only `np.trapz` itself, on the name of the file's own `import numpy`.
        if index != 1 || reference.resolution.qualified_name != "numpy" {
            return None;
        }
        let model = checker.model();
        let name = alias.new_name();
        let replace = Edit::replace(expr.range(), name);
        let help = alias.help(&row.path);
        if !model.is_unused_name(name) {
            // A run before added the import, and some use was left for this one.
            let bound_by_alias = model.bindings_named(name).all(|binding| {
                binding.module_level
                    && binding
                        .kind
                        .qualified_name()
                        .is_some_and(|path| path == alias.new || path == row.path)
            });
            let bound = model.bindings_named(name).next().is_some();
            return (bound && bound_by_alias).then(|| (Fix::edit(replace), help));
        }
        if is_python_builtin(name) {
            return None;
        }
        let binding = model.binding(reference.resolution.binding);
        let site = checker
            .import_site(binding.range.start())
            .filter(|site| site.top_level && matches!(site.stmt, Stmt::Import(_)))?;
        let source = checker.source();
        let statement = alias.statement(&row.path, name, source.newline());
        let insert = insert_after_statement(source, site.stmt, &statement)?;
        Some((Fix::new(vec![replace, insert]), help))
    }

    /// `from numpy import trapz` at the top level, below the replacement's NumPy: the import
    /// becomes the compatibility import, binding the same name. `None` where it cannot be;
    /// `Some(Err)` when it could but a comment is in the way.
    fn compat_alias_import(
        &self,
        checker: &Checker,
        site: ImportSite,
        row: &NameRow,
    ) -> Option<Result<(Fix, String), String>> {
        let alias = CompatAlias::of(row, self.min_numpy)?;
        let Stmt::ImportFrom(import) = site.stmt else {
            return None;
        };
        let module = import.module.as_ref().filter(|_| import.level == 0)?;
        if !site.top_level || row.path.rsplit_once('.').map(|(m, _)| m) != Some(module.as_str()) {
            return None;
        }
        let local = site.alias.asname.as_ref().unwrap_or(&site.alias.name);
        let statement = alias.statement(&row.path, local, checker.source().newline());
        Some(
            self.replace_import(checker, site, &statement)
                .map(|edits| (Fix::new(edits), alias.help(&row.path))),
        )
    }
}
