//! The migration tables of `rules/numpy2.toml` and `rules/private_modules.toml`, embedded in
//! the binary.

use std::collections::BTreeMap;
use std::sync::{LazyLock, OnceLock};

use rustc_hash::FxHashMap;
use serde::Deserialize;

use crate::version::Version;

// `rules/numpy2.toml` and `rules/private_modules.toml`, as JSON (see `build.rs`).
const NUMPY2_JSON: &str = include_str!(concat!(env!("OUT_DIR"), "/numpy2.json"));
const PRIVATE_MODULES_JSON: &str = include_str!(concat!(env!("OUT_DIR"), "/private_modules.json"));

/// How a removed name is fixed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fix<'t> {
    /// Another qualified name: `numpy.float64`, `ast.literal_eval`, `builtins.int`.
    Replace(&'t str),
    /// An expression in place of the name's value; `{numpy}` is the file's numpy.
    Expr(&'t str),
    /// `OLD(args)` becomes the template.
    Call(&'t str),
    /// `OLD[index]` becomes the template.
    Subscript(&'t str),
    /// `OLD[index](args)` becomes the template.
    SubscriptCall(&'t str),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Example {
    pub before: String,
    pub after: Option<String>,
    /// A floor below the fix's `fix_since` (`"1.24"`), ...
    pub floor: Option<Version>,
    /// ... and what `migrate --fix --min-numpy <floor>` makes of `before`: a form that runs
    /// on that floor's NumPy and on NumPy 2.
    pub floor_after: Option<String>,
}

/// A name that NumPy 2 removed, renamed, moved or deprecated: a `[[name]]` row (rule
/// `NP201`), or a member of a `[[private_module]]` (rule `NP202`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NameRow {
    /// The rule that reports it.
    #[serde(skip, default = "name_code")]
    pub code: &'static str,
    /// For a member of a private module: that module.
    #[serde(skip)]
    pub module: Option<String>,
    pub path: String,
    pub removed: Option<Version>,
    pub deprecated: Option<Version>,
    #[serde(default = "existed_default")]
    pub existed: bool,
    replace: Option<String>,
    expr: Option<String>,
    call: Option<String>,
    subscript: Option<String>,
    subscript_call: Option<String>,
    /// With a `call` template taking `{args}`: the keywords it passes on unchanged.
    pub keywords: Option<Vec<String>>,
    /// With `expr`: fixed only as the value of this keyword argument.
    pub keyword: Option<String>,
    /// With `call`: fixed only where every positional argument is provably a class
    /// (`type(x)`, `int`, `np.float64`, a name bound by `class`).
    #[serde(default)]
    pub classes: bool,
    /// The oldest NumPy on which the fixed code runs.
    pub fix_since: Option<Version>,
    /// On NumPy 1.x the name is another object than its `replace` (a deprecated wrapper):
    /// fixed only where it is called.
    #[serde(default)]
    pub distinct: bool,
    pub message: Option<String>,
    pub example: Option<Example>,
}

fn existed_default() -> bool {
    true
}

fn name_code() -> &'static str {
    crate::rules::removed_name::CODE
}

/// A module that NumPy 2 made private, removed or emptied (`numpy.core.numeric`,
/// `numpy.lib.function_base`, `numpy.linalg.linalg`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrivateModuleRow {
    pub path: String,
    /// Where its public members live now.
    pub home: String,
    pub deprecated: Option<Version>,
    /// From when `import <path>` fails.
    pub removed: Option<Version>,
    /// For a module NumPy 2 still has: the release that took the listed members out of it.
    pub members_removed: Option<Version>,
    /// Members that are `<home>.<name>`, on every NumPy.
    #[serde(default)]
    members: Vec<String>,
    /// Members with another home.
    #[serde(default)]
    moved: BTreeMap<String, Moved>,
    /// Members that are still fine on NumPy 2.
    #[serde(default)]
    kept: Vec<String>,
    /// Members that still work on NumPy 2 but warn from a release.
    #[serde(default)]
    deprecated_members: BTreeMap<String, Version>,
    pub message: Option<String>,
    pub example: Option<Example>,
    /// The rows of `members` and `moved`, by member, made on first use.
    #[serde(skip)]
    member_rows: OnceLock<FxHashMap<String, NameRow>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Moved {
    path: String,
    fix_since: Option<Version>,
}

impl PrivateModuleRow {
    /// Whether NumPy 2 has no public module here any more (it keeps none of its members).
    pub fn is_private(&self) -> bool {
        self.kept.is_empty()
    }

    pub fn keeps(&self, member: &str) -> bool {
        self.kept.iter().any(|kept| kept == member)
    }

    /// How a finding says when NumPy dropped `member`, one it lists neither as moved nor as
    /// kept: deprecated since its release if it still works, else as the module went.
    pub fn other_member_lifecycle(&self, member: &str) -> String {
        match self.deprecated_members.get(member) {
            Some(deprecated) => crate::naming::lifecycle(Some(*deprecated), None),
            None => crate::naming::lifecycle(self.deprecated, self.removed),
        }
    }

    /// The members it lists (in `members` or `moved`).
    pub fn listed_members(&self) -> impl Iterator<Item = &str> {
        self.members
            .iter()
            .chain(self.moved.keys())
            .map(String::as_str)
    }

    /// The row of a listed member: `<path>.X` replaced by `<home>.X` or by where it moved.
    fn member(&self, member: &str) -> Option<&NameRow> {
        let rows = self.member_rows.get_or_init(|| {
            let homed = self.members.iter().map(|member| {
                let replace = format!("{}.{member}", self.home);
                (member, self.member_row(member, Some(replace), None))
            });
            let moved = self.moved.iter().map(|(member, moved)| {
                let row = self.member_row(member, Some(moved.path.clone()), moved.fix_since);
                (member, row)
            });
            homed
                .chain(moved)
                .map(|(member, row)| (member.clone(), row))
                .collect()
        });
        rows.get(member)
    }

    /// A member that is a removed name of NumPy's main namespace, for a module whose home is
    /// `numpy` (`numpy.core.numeric.float_`): `name`'s fix.
    fn composed_row(&self, member: &str, name: &NameRow) -> NameRow {
        NameRow {
            expr: name.expr.clone(),
            call: name.call.clone(),
            subscript: name.subscript.clone(),
            subscript_call: name.subscript_call.clone(),
            keywords: name.keywords.clone(),
            keyword: name.keyword.clone(),
            classes: name.classes,
            distinct: name.distinct,
            message: name.message.clone(),
            ..self.member_row(member, name.replace.clone(), name.fix_since)
        }
    }

    fn member_row(
        &self,
        member: &str,
        replace: Option<String>,
        fix_since: Option<Version>,
    ) -> NameRow {
        NameRow {
            code: crate::rules::private_module::CODE,
            module: Some(self.path.clone()),
            path: format!("{}.{member}", self.path),
            removed: self.removed.or(self.members_removed),
            deprecated: self.deprecated,
            existed: true,
            replace,
            expr: None,
            call: None,
            subscript: None,
            subscript_call: None,
            keywords: None,
            keyword: None,
            classes: false,
            fix_since,
            distinct: false,
            message: self.message.clone(),
            example: None,
        }
    }
}

impl NameRow {
    pub fn fix(&self) -> Option<Fix<'_>> {
        let fixes = [
            self.replace.as_deref().map(Fix::Replace),
            self.expr.as_deref().map(Fix::Expr),
            self.call.as_deref().map(Fix::Call),
            self.subscript.as_deref().map(Fix::Subscript),
            self.subscript_call.as_deref().map(Fix::SubscriptCall),
        ];
        fixes.into_iter().flatten().next()
    }

    fn fix_count(&self) -> usize {
        [
            &self.replace,
            &self.expr,
            &self.call,
            &self.subscript,
            &self.subscript_call,
        ]
        .iter()
        .filter(|fix| fix.is_some())
        .count()
    }
}

/// A dtype alias spelled as a string (`"int0"`, `"a10"`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DtypeStringRow {
    pub old: String,
    pub new: String,
    pub removed: Option<Version>,
    pub deprecated: Option<Version>,
    pub example: Option<Example>,
}

/// A keyword or positional argument that NumPy 2 removed, renamed or deprecated.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArgumentRow {
    /// The functions that take it, by qualified name.
    pub functions: Vec<String>,
    /// The keyword the row is about...
    pub keyword: Option<String>,
    /// ... or the positional argument (0-based).
    pub position: Option<usize>,
    pub deprecated: Option<Version>,
    pub removed: Option<Version>,
    /// The fix: the keyword gets this name,
    pub rename: Option<String>,
    /// or goes (a positional one with `later_keywords`: the positional arguments after it
    /// become these keywords, in order),
    #[serde(default)]
    pub remove: bool,
    #[serde(default)]
    pub later_keywords: Vec<String>,
    /// or becomes this positional argument (0-based; the ones before must be positional),
    pub to_position: Option<usize>,
    /// or the positional argument becomes this keyword,
    pub to_keyword: Option<String>,
    /// or its value changes.
    pub replace_value: Option<ValueChange>,
    pub fix_since: Option<Version>,
    pub message: Option<String>,
    pub example: Option<Example>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ValueChange {
    pub from: String,
    pub to: String,
}

/// A worked example of a rule that is code, not a table (`NP211`, `NP212`, ...): run by the
/// oracle like the rows' examples.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExampleRow {
    pub code: String,
    /// What it shows, in a few words (unique).
    pub name: String,
    /// When `before` stops working (it must fail on NumPy 2 from then on).
    pub deprecated: Option<Version>,
    pub removed: Option<Version>,
    pub before: String,
    /// What `migrate --fix` makes of `before`; absent when it is reported, not fixed.
    pub after: Option<String>,
    /// As for [`Example`].
    pub floor: Option<Version>,
    pub floor_after: Option<String>,
}

/// Since which NumPy a module can be imported by its own name (`import numpy.exceptions`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModuleRow {
    pub path: String,
    pub importable_since: Version,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTables {
    #[serde(default)]
    name: Vec<NameRow>,
    #[serde(default)]
    dtype_string: Vec<DtypeStringRow>,
    #[serde(default)]
    module: Vec<ModuleRow>,
    #[serde(default)]
    argument: Vec<ArgumentRow>,
    #[serde(default)]
    example: Vec<ExampleRow>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPrivateModules {
    private_module: Vec<PrivateModuleRow>,
}

pub struct Tables {
    /// The `[[name]]` rows. (Not here: the members of private modules, some 1,700 listed
    /// and 6,000 that are main-namespace names of modules whose home is `numpy`; their rows
    /// are made on first use by [`Tables::name`], as a run needs few of them.)
    pub names: Vec<NameRow>,
    /// `numpy.X` rows of the main namespace, by `X`.
    main_names_by_member: FxHashMap<String, usize>,
    /// The rows of `<private module>.X` for main-namespace names `X`, made on first use:
    /// at `module index × name_rows + name index`.
    composed: Vec<OnceLock<Box<NameRow>>>,
    pub dtype_strings: Vec<DtypeStringRow>,
    pub private_modules: Vec<PrivateModuleRow>,
    pub arguments: Vec<ArgumentRow>,
    pub examples: Vec<ExampleRow>,
    names_by_path: FxHashMap<String, usize>,
    arguments_by_function: FxHashMap<String, Vec<usize>>,
    private_modules_by_path: FxHashMap<String, usize>,
    modules: Vec<ModuleRow>,
}

impl Tables {
    fn embedded() -> Result<Self, String> {
        let raw = serde_json::from_str(NUMPY2_JSON)
            .map_err(|error| format!("rules/numpy2.toml: {error}"))?;
        let private = serde_json::from_str(PRIVATE_MODULES_JSON)
            .map_err(|error| format!("rules/private_modules.toml: {error}"))?;
        Self::new(raw, private)
    }

    #[cfg(test)]
    fn parse(names: &str, private_modules: &str) -> Result<Self, String> {
        let raw = toml::from_str(names).map_err(|error| error.to_string())?;
        let private = toml::from_str(private_modules).map_err(|error| error.to_string())?;
        Self::new(raw, private)
    }

    fn new(raw: RawTables, private: RawPrivateModules) -> Result<Self, String> {
        let names = raw.name;
        let main_names_by_member = names
            .iter()
            .enumerate()
            .filter_map(|(index, row)| {
                let member = row.path.strip_prefix("numpy.")?;
                (!member.contains('.')).then(|| (member.to_string(), index))
            })
            .collect();
        let composed = std::iter::repeat_with(OnceLock::new)
            .take(private.private_module.len() * names.len())
            .collect();
        let mut private_modules_by_path = FxHashMap::default();
        for (index, module) in private.private_module.iter().enumerate() {
            if private_modules_by_path
                .insert(module.path.clone(), index)
                .is_some()
            {
                return Err(format!("private module `{}` is listed twice", module.path));
            }
        }
        let mut names_by_path = FxHashMap::default();
        for (index, row) in names.iter().enumerate() {
            if row.fix_count() > 1 {
                return Err(format!("`{}` has more than one fix", row.path));
            }
            if row.keywords.is_some() && row.call.is_none() {
                return Err(format!("`{}`: `keywords` needs `call`", row.path));
            }
            if row.keyword.is_some() && row.expr.is_none() {
                return Err(format!("`{}`: `keyword` needs `expr`", row.path));
            }
            if row.classes && row.call.is_none() {
                return Err(format!("`{}`: `classes` needs `call`", row.path));
            }
            if names_by_path.insert(row.path.clone(), index).is_some() {
                return Err(format!("`{}` is listed twice", row.path));
            }
        }
        let mut arguments_by_function: FxHashMap<String, Vec<usize>> = FxHashMap::default();
        for (index, row) in raw.argument.iter().enumerate() {
            let actions = [
                row.rename.is_some(),
                row.remove,
                row.to_position.is_some(),
                row.to_keyword.is_some(),
                row.replace_value.is_some(),
            ];
            if actions.iter().filter(|action| **action).count() > 1
                || row.keyword.is_some() == row.position.is_some()
                || (!row.later_keywords.is_empty() && (!row.remove || row.position.is_none()))
            {
                return Err(format!(
                    "argument row of {:?}: one of `keyword`/`position`, at most one fix, `later_keywords` only with a removed `position`",
                    row.functions
                ));
            }
            for function in &row.functions {
                arguments_by_function
                    .entry(function.clone())
                    .or_default()
                    .push(index);
            }
        }
        Ok(Self {
            names,
            main_names_by_member,
            composed,
            arguments: raw.argument,
            examples: raw.example,
            arguments_by_function,
            dtype_strings: raw.dtype_string,
            private_modules: private.private_module,
            names_by_path,
            private_modules_by_path,
            modules: raw.module,
        })
    }

    pub fn name(&self, path: &str) -> Option<&NameRow> {
        if let Some(index) = self.names_by_path.get(path) {
            return Some(&self.names[*index]);
        }
        let (module, member) = path.rsplit_once('.')?;
        let module_index = *self.private_modules_by_path.get(module)?;
        let module = &self.private_modules[module_index];
        if let Some(row) = module.member(member) {
            return Some(row);
        }
        let name_index = *self.main_names_by_member.get(member)?;
        if module.home != "numpy" || module.keeps(member) {
            return None;
        }
        let row = self.composed[module_index * self.names.len() + name_index]
            .get_or_init(|| Box::new(module.composed_row(member, &self.names[name_index])));
        Some(row)
    }

    /// The main-namespace names that [`Tables::name`] knows as members of `module` too,
    /// besides its listed members.
    pub fn composed_members(&self, module: &PrivateModuleRow) -> impl Iterator<Item = &str> {
        let composes = module.home == "numpy";
        self.main_names_by_member
            .keys()
            .map(String::as_str)
            .filter(move |member| composes && !module.keeps(member))
    }

    /// The argument rows of the function `function` (a qualified name).
    pub fn arguments_of(&self, function: &str) -> impl Iterator<Item = &ArgumentRow> {
        self.arguments_by_function
            .get(function)
            .into_iter()
            .flatten()
            .map(|index| &self.arguments[*index])
    }

    pub fn private_module(&self, path: &str) -> Option<&PrivateModuleRow> {
        self.private_modules_by_path
            .get(path)
            .map(|index| &self.private_modules[*index])
    }

    /// Since which NumPy `module` can be imported by name; stdlib and `numpy` itself always.
    pub fn importable_since(&self, module: &str) -> Option<Version> {
        if !module.starts_with("numpy.") {
            return Some(Version::new(0, 0));
        }
        self.modules
            .iter()
            .find(|row| row.path == module)
            .map(|row| row.importable_since)
    }
}

/// The tables, parsed once.
pub fn tables() -> &'static Tables {
    static TABLES: LazyLock<Tables> =
        LazyLock::new(|| Tables::embedded().unwrap_or_else(|error| panic!("{error}")));
    &TABLES
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_tables_parse() {
        assert!(!tables().names.is_empty());
    }

    #[test]
    fn members_of_private_modules_are_listed_once() {
        let tables = tables();
        for module in &tables.private_modules {
            let mut seen = rustc_hash::FxHashSet::default();
            for member in module.listed_members() {
                let path = format!("{}.{member}", module.path);
                assert!(seen.insert(member), "`{path}` is listed twice");
                assert!(
                    !tables.names_by_path.contains_key(&path),
                    "`{path}` is a member and a `[[name]]` row"
                );
            }
        }
    }

    #[test]
    fn rejects_rows_with_two_fixes() {
        let text = "[[name]]\npath = \"numpy.x\"\nreplace = \"numpy.y\"\nexpr = \"1\"\n";
        assert!(Tables::parse(text, "private_module = []").is_err());
    }

    #[test]
    fn private_module_members_become_rows() {
        let names = "[[name]]\npath = \"numpy.float_\"\nreplace = \"numpy.float64\"\n";
        let modules = r#"
            [[private_module]]
            path = "numpy.core.numeric"
            home = "numpy"
            deprecated = "2.0"
            members = ["asarray"]
            moved = { normalize_axis_tuple = { path = "numpy.lib.array_utils.normalize_axis_tuple", fix_since = "2.0" } }
        "#;
        let tables = Tables::parse(names, modules).unwrap();
        let member = tables.name("numpy.core.numeric.asarray").unwrap();
        assert_eq!(
            (member.code, member.fix()),
            ("NP202", Some(Fix::Replace("numpy.asarray")))
        );
        let moved = tables
            .name("numpy.core.numeric.normalize_axis_tuple")
            .unwrap();
        assert_eq!(moved.fix_since, Some(Version::new(2, 0)));
        let composed = tables.name("numpy.core.numeric.float_").unwrap();
        assert_eq!(composed.fix(), Some(Fix::Replace("numpy.float64")));
        assert!(
            tables
                .private_module("numpy.core.numeric")
                .unwrap()
                .is_private()
        );
    }
}
