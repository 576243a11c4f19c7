//! `[tool.migrate]` in a `pyproject.toml`: what it says, checked key by key, with errors that
//! name the file, the key and the line.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use migrate_rules::is_known_selector;
use migrate_rules::version::Version;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::patterns::{FilePattern, FilePatterns};

/// The keys of `[tool.migrate]`, as they are spelled there.
const KEYS: &[&str] = &[
    "select",
    "ignore",
    "exclude",
    "extend-exclude",
    "per-file-ignores",
    "min-numpy",
    "force-exclude",
];

/// The settings of one `[tool.migrate]` table. A key that is absent is `None` (or empty):
/// the default, or what the command line says.
#[derive(Debug)]
pub struct Config {
    /// The folder its globs are relative to.
    pub root: PathBuf,
    pub select: Option<Vec<String>>,
    pub ignore: Vec<String>,
    /// Replaces the default exclusions.
    pub exclude: Option<FilePatterns>,
    pub extend_exclude: FilePatterns,
    pub per_file_ignores: Vec<(FilePattern, Vec<String>)>,
    pub min_numpy: Option<Version>,
    pub force_exclude: bool,
}

/// A `pyproject.toml` that cannot be used: not TOML, or a bad key or value in `[tool.migrate]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub path: PathBuf,
    pub line: Option<usize>,
    pub message: String,
}

impl std::error::Error for ConfigError {}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}: {}", self.path.display(), self.message),
            None => write!(f, "{}: {}", self.path.display(), self.message),
        }
    }
}

impl Config {
    /// The `[tool.migrate]` table of the file at `path`, if it has one; its globs are
    /// relative to `root`.
    pub fn read(path: &Path, root: &Path) -> Result<Option<Self>, ConfigError> {
        let text = migrate_rules::project::read_config_file(path).map_err(|error| ConfigError {
            path: path.to_path_buf(),
            line: None,
            message: format!("cannot read: {error}"),
        })?;
        Self::parse(&text, path, root)
    }

    fn parse(text: &str, path: &Path, root: &Path) -> Result<Option<Self>, ConfigError> {
        let error = |span: Option<Range<usize>>, message: String| ConfigError {
            path: path.to_path_buf(),
            line: span.map(|span| line_of(text, span.start)),
            message,
        };
        let document =
            DeTable::parse(text).map_err(|parse| error(parse.span(), parse.message().into()))?;
        let Some(tool) = document.get_ref().get("tool") else {
            return Ok(None);
        };
        let Some(table) = tool.get_ref().get("migrate") else {
            return Ok(None);
        };
        let table = match table.get_ref() {
            DeValue::Table(table) => table,
            other => {
                return Err(error(
                    Some(table.span()),
                    format!("`tool.migrate` must be a table, not {}", other.type_str()),
                ));
            }
        };
        let mut config = Config {
            root: root.to_path_buf(),
            select: None,
            ignore: Vec::new(),
            exclude: None,
            extend_exclude: FilePatterns::empty(),
            per_file_ignores: Vec::new(),
            min_numpy: None,
            force_exclude: false,
        };
        for (key, value) in table {
            let name = key.get_ref().as_ref();
            let bad = |message: String| error(Some(value.span()), message);
            let globs = |patterns: Vec<String>| {
                FilePatterns::new(patterns.iter().map(String::as_str), root)
                    .map_err(|message| bad(format!("`{name}`: {message}")))
            };
            match name {
                "select" => config.select = Some(codes(name, value, &error)?),
                "ignore" => config.ignore = codes(name, value, &error)?,
                "exclude" => config.exclude = Some(globs(strings(name, value, &error)?)?),
                "extend-exclude" => config.extend_exclude = globs(strings(name, value, &error)?)?,
                "per-file-ignores" => {
                    config.per_file_ignores = per_file_ignores(value, root, &error)?
                }
                "min-numpy" => {
                    let version = string(name, value, &error)?;
                    config.min_numpy = Some(
                        version
                            .parse()
                            .map_err(|message| bad(format!("`{name}`: {message}")))?,
                    );
                }
                "force-exclude" => {
                    config.force_exclude = value.get_ref().as_bool().ok_or_else(|| {
                        bad(format!(
                            "`{name}` must be true or false, not {}",
                            describe(value)
                        ))
                    })?;
                }
                _ => {
                    return Err(error(
                        Some(key.span()),
                        format!(
                            "unknown key `{name}` in [tool.migrate] (known keys: {})",
                            KEYS.join(", ")
                        ),
                    ));
                }
            }
        }
        Ok(Some(config))
    }
}

/// Makes an error at a span of the text being read.
type Error<'e> = dyn Fn(Option<Range<usize>>, String) -> ConfigError + 'e;

fn describe(value: &Spanned<DeValue>) -> String {
    match value.get_ref() {
        DeValue::String(text) => format!("the string \"{text}\""),
        other => other.type_str().to_string(),
    }
}

fn string(name: &str, value: &Spanned<DeValue>, error: &Error) -> Result<String, ConfigError> {
    value.get_ref().as_str().map(str::to_owned).ok_or_else(|| {
        error(
            Some(value.span()),
            format!("`{name}` must be a string, not {}", describe(value)),
        )
    })
}

fn strings(
    name: &str,
    value: &Spanned<DeValue>,
    error: &Error,
) -> Result<Vec<String>, ConfigError> {
    let not_a_list = || {
        error(
            Some(value.span()),
            format!(
                "`{name}` must be a list of strings, not {}",
                describe(value)
            ),
        )
    };
    let DeValue::Array(items) = value.get_ref() else {
        return Err(not_a_list());
    };
    items
        .iter()
        .map(|item| {
            item.get_ref()
                .as_str()
                .map(str::to_owned)
                .ok_or_else(not_a_list)
        })
        .collect()
}

/// A list of rule codes or prefixes, each one that names some rule.
fn codes(name: &str, value: &Spanned<DeValue>, error: &Error) -> Result<Vec<String>, ConfigError> {
    let codes = strings(name, value, error)?;
    if let Some(unknown) = codes.iter().find(|code| !is_known_selector(code)) {
        return Err(error(
            Some(value.span()),
            format!(
                "unknown rule code `{unknown}` in `{name}` (known: {})",
                migrate_rules::CODES.join(", ")
            ),
        ));
    }
    Ok(codes)
}

fn per_file_ignores(
    value: &Spanned<DeValue>,
    root: &Path,
    error: &Error,
) -> Result<Vec<(FilePattern, Vec<String>)>, ConfigError> {
    let DeValue::Table(table) = value.get_ref() else {
        return Err(error(
            Some(value.span()),
            format!(
                "`per-file-ignores` must be a table of globs to lists of codes, not {}",
                describe(value)
            ),
        ));
    };
    table
        .iter()
        .map(|(pattern, codes_value)| {
            let pattern_text = pattern.get_ref().as_ref();
            let pattern = FilePattern::new(pattern_text, root).map_err(|message| {
                error(
                    Some(pattern.span()),
                    format!("`per-file-ignores`: {message}"),
                )
            })?;
            let name = format!("per-file-ignores.\"{pattern_text}\"");
            Ok((pattern, codes(&name, codes_value, error)?))
        })
        .collect()
}

/// The one-based line of byte `offset` in `text`.
fn line_of(text: &str, offset: usize) -> usize {
    let before = text.get(..offset).unwrap_or(text);
    before.bytes().filter(|byte| *byte == b'\n').count() + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Option<Config>, String> {
        Config::parse(text, Path::new("pyproject.toml"), Path::new("/project"))
            .map_err(|error| error.to_string())
    }

    #[test]
    fn reads_every_key() {
        let config = parse(
            "[project]\nname = 'x'\n\n[tool.migrate]\nselect = ['NP2']\nignore = ['NP203']\n\
             exclude = ['vendored']\nextend-exclude = ['generated/*.py']\nmin-numpy = '1.22'\n\
             force-exclude = true\n\n[tool.migrate.per-file-ignores]\n'tests/*' = ['NP201']\n",
        )
        .unwrap()
        .unwrap();
        assert_eq!(config.select, Some(vec!["NP2".to_string()]));
        assert_eq!(config.ignore, ["NP203"]);
        assert!(
            config
                .exclude
                .unwrap()
                .matches(Path::new("/project/a/vendored"))
        );
        assert!(
            config
                .extend_exclude
                .matches(Path::new("/project/generated/x.py"))
        );
        assert_eq!(config.min_numpy, Some(Version::new(1, 22)));
        assert!(config.force_exclude);
        let (pattern, codes) = &config.per_file_ignores[0];
        assert!(pattern.matches(Path::new("/project/tests/test_a.py")));
        assert_eq!(codes, &["NP201"]);
    }

    #[test]
    fn a_file_without_the_table_has_no_config() {
        assert!(parse("[project]\nname = 'x'\n").unwrap().is_none());
        assert!(parse("[tool.ruff]\nselect = ['E']\n").unwrap().is_none());
    }

    #[test]
    fn errors_name_the_file_the_key_and_the_line() {
        assert_eq!(
            parse("[tool.migrate]\nselect = ['NP201']\nselct = ['NP201']\n").unwrap_err(),
            "pyproject.toml:3: unknown key `selct` in [tool.migrate] (known keys: select, \
             ignore, exclude, extend-exclude, per-file-ignores, min-numpy, force-exclude)"
        );
        assert_eq!(
            parse("[tool.migrate]\n\nmin-numpy = 'two'\n").unwrap_err(),
            "pyproject.toml:3: `min-numpy`: `two` is not a version like `1.25`"
        );
        assert_eq!(
            parse("[tool.migrate]\nmin-numpy = 1.22\n").unwrap_err(),
            "pyproject.toml:2: `min-numpy` must be a string, not float"
        );
        assert_eq!(
            parse("[tool.migrate]\nselect = 'NP201'\n").unwrap_err(),
            "pyproject.toml:2: `select` must be a list of strings, not the string \"NP201\""
        );
        assert!(
            parse("[tool.migrate]\nignore = [\n  'NP201',\n  'XY1',\n]\n")
                .unwrap_err()
                .starts_with(
                    "pyproject.toml:2: unknown rule code `XY1` in `ignore` (known: NP201,"
                )
        );
        assert_eq!(
            parse("[tool.migrate]\nexclude = ['a[b']\n").unwrap_err(),
            "pyproject.toml:2: `exclude`: `a[b` is not a valid glob: error parsing glob \
             '/project/a[b': unclosed character class; missing ']'"
        );
        assert!(
            parse("[tool.migrate.per-file-ignores]\n'x.py' = ['NP9']\n")
                .unwrap_err()
                .starts_with(
                    "pyproject.toml:2: unknown rule code `NP9` in `per-file-ignores.\"x.py\"`"
                )
        );
        assert_eq!(
            parse("[tool.migrate]\nforce-exclude = 'yes'\n").unwrap_err(),
            "pyproject.toml:2: `force-exclude` must be true or false, not the string \"yes\""
        );
        assert_eq!(
            parse("[tool]\nmigrate = 3\n").unwrap_err(),
            "pyproject.toml:2: `tool.migrate` must be a table, not integer"
        );
        let syntax = parse("[tool.migrate]\nselect = [\n").unwrap_err();
        assert!(syntax.starts_with("pyproject.toml:"), "{syntax}");
    }
}
