//! The migration tables of `rules/numpy2.toml`, embedded in the binary.

use std::collections::HashMap;
use std::sync::LazyLock;

use serde::Deserialize;

use crate::version::Version;

const NUMPY2_TOML: &str = include_str!("../../../rules/numpy2.toml");

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
}

/// A name that NumPy 2 removed, renamed, moved or deprecated.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NameRow {
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
    /// The oldest NumPy on which the fixed code runs.
    pub fix_since: Option<Version>,
    pub message: Option<String>,
    pub example: Option<Example>,
}

fn existed_default() -> bool {
    true
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
}

pub struct Tables {
    pub names: Vec<NameRow>,
    pub dtype_strings: Vec<DtypeStringRow>,
    names_by_path: HashMap<String, usize>,
    modules: Vec<ModuleRow>,
}

impl Tables {
    fn parse(text: &str) -> Result<Self, String> {
        let raw: RawTables = toml::from_str(text).map_err(|error| error.to_string())?;
        let mut names_by_path = HashMap::new();
        for (index, row) in raw.name.iter().enumerate() {
            if row.fix_count() > 1 {
                return Err(format!("`{}` has more than one fix", row.path));
            }
            if row.keywords.is_some() && row.call.is_none() {
                return Err(format!("`{}`: `keywords` needs `call`", row.path));
            }
            if row.keyword.is_some() && row.expr.is_none() {
                return Err(format!("`{}`: `keyword` needs `expr`", row.path));
            }
            if names_by_path.insert(row.path.clone(), index).is_some() {
                return Err(format!("`{}` is listed twice", row.path));
            }
        }
        Ok(Self {
            names: raw.name,
            dtype_strings: raw.dtype_string,
            names_by_path,
            modules: raw.module,
        })
    }

    pub fn name(&self, path: &str) -> Option<&NameRow> {
        self.names_by_path
            .get(path)
            .map(|index| &self.names[*index])
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
    static TABLES: LazyLock<Tables> = LazyLock::new(|| {
        Tables::parse(NUMPY2_TOML).unwrap_or_else(|error| panic!("rules/numpy2.toml: {error}"))
    });
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
    fn rejects_rows_with_two_fixes() {
        let text = "[[name]]\npath = \"numpy.x\"\nreplace = \"numpy.y\"\nexpr = \"1\"\n";
        assert!(Tables::parse(text).is_err());
    }
}
