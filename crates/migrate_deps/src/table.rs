//! The first release of each package that supports NumPy 2: `rules/numpy2_dependencies.toml`,
//! embedded at compile time.

use std::collections::HashMap;
use std::str::FromStr;
use std::sync::LazyLock;

use pep508_rs::pep440_rs::Version;
use serde::Deserialize;

const TABLE: &str = include_str!("../../../rules/numpy2_dependencies.toml");

/// One row of the table.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Row {
    /// The name on PyPI.
    pub name: String,
    /// Other names of the same package (conda's `pytables` for `tables`).
    #[serde(default)]
    pub also: Vec<String>,
    /// The first release that supports NumPy 2, as written (`2.2.2`).
    pub first_compatible: String,
    /// Its release date (`2024-04-10`).
    pub date: String,
    /// The release notes that say so.
    pub source: String,
    #[serde(skip)]
    pub version: Option<Version>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Table {
    package: Vec<Row>,
}

/// The rows, by normalized name (and by each `also` name).
#[derive(Debug)]
pub struct Compatibility {
    rows: Vec<Row>,
    by_name: HashMap<String, usize>,
}

impl Compatibility {
    fn parse(text: &str) -> Result<Self, String> {
        let table: Table = toml::from_str(text).map_err(|error| error.to_string())?;
        let mut rows = table.package;
        let mut by_name = HashMap::new();
        for (index, row) in rows.iter_mut().enumerate() {
            row.version =
                Some(Version::from_str(&row.first_compatible).map_err(|error| {
                    format!("{}: `{}`: {error}", row.name, row.first_compatible)
                })?);
            for name in std::iter::once(&row.name).chain(&row.also) {
                if by_name.insert(normalize(name), index).is_some() {
                    return Err(format!("`{name}` has two rows"));
                }
            }
        }
        Ok(Self { rows, by_name })
    }

    /// The row of the package named `name` (any spelling: `Scikit_Learn`).
    pub fn get(&self, name: &str) -> Option<&Row> {
        self.by_name
            .get(&normalize(name))
            .map(|index| &self.rows[*index])
    }

    pub fn rows(&self) -> &[Row] {
        &self.rows
    }
}

impl Row {
    pub fn version(&self) -> &Version {
        self.version.as_ref().expect("set when the table is read")
    }
}

/// The table embedded in the binary.
pub fn compatibility() -> &'static Compatibility {
    static COMPATIBILITY: LazyLock<Compatibility> = LazyLock::new(|| {
        Compatibility::parse(TABLE).expect("rules/numpy2_dependencies.toml is valid")
    });
    &COMPATIBILITY
}

/// A package name as PEP 503 compares them: lower case, runs of `-`, `_`, `.` as one `-`.
pub fn normalize(name: &str) -> String {
    let mut normalized = String::with_capacity(name.len());
    let mut separator = false;
    for c in name.trim().chars() {
        if matches!(c, '-' | '_' | '.') {
            separator = true;
        } else {
            if separator && !normalized.is_empty() {
                normalized.push('-');
            }
            separator = false;
            normalized.push(c.to_ascii_lowercase());
        }
    }
    normalized
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_valid_and_sourced() {
        let table = compatibility();
        assert!(table.rows().len() >= 20, "{} rows", table.rows().len());
        for row in table.rows() {
            assert_eq!(
                normalize(&row.name),
                row.name,
                "names are written normalized"
            );
            assert!(
                row.source.starts_with("https://"),
                "{}: source {}",
                row.name,
                row.source
            );
            let date = row.date.as_bytes();
            assert!(
                date.len() == 10
                    && date[4] == b'-'
                    && date[7] == b'-'
                    && row
                        .date
                        .replace('-', "")
                        .bytes()
                        .all(|b| b.is_ascii_digit())
                    && ("2024-01-01".."2026-12-31").contains(&row.date.as_str()),
                "{}: date {}",
                row.name,
                row.date
            );
        }
        assert_eq!(table.get("Scikit_Learn").unwrap().first_compatible, "1.4.2");
        assert_eq!(table.get("pytables").unwrap().name, "tables");
        assert!(table.get("numpy").is_none());
    }

    #[test]
    fn a_name_in_two_rows_is_refused() {
        let text = "[[package]]\nname = 'a'\nfirst_compatible = '1'\ndate = '2024-01-01'\n\
                    source = 'https://x'\n[[package]]\nname = 'b'\nalso = ['A']\n\
                    first_compatible = '1'\ndate = '2024-01-01'\nsource = 'https://x'\n";
        assert!(Compatibility::parse(text).unwrap_err().contains("two rows"));
    }

    #[test]
    fn names_normalize() {
        assert_eq!(normalize("Scikit_Learn"), "scikit-learn");
        assert_eq!(normalize("zope.interface"), "zope-interface");
        assert_eq!(normalize("a--_b"), "a-b");
    }
}
