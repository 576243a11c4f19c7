//! TOML files, read with `toml_edit`'s spans: `pyproject.toml`, `Pipfile`, and the lock files
//! `uv.lock`, `poetry.lock`, `pylock.toml`.

use std::str::FromStr;

use pep508_rs::MarkerTree;
use toml_edit::{Document, Item, Value};

use crate::Kind;
use crate::check::{Checker, Context, Locked, Site, Syntax};

fn parse(text: &str) -> Result<Document<&str>, String> {
    Document::parse(text).map_err(|error| {
        let at = error.span().map_or(0, |span| span.start).min(text.len());
        let line = text[..at].matches('\n').count() + 1;
        format!(
            "not valid TOML: line {line}: {}",
            error.message().trim().replace('\n', "; ")
        )
    })
}

/// A TOML string value and where its text is: the characters between the quotes, when they
/// are the value itself (no escapes), else the start of the literal.
fn string_site<'a>(
    raw: &str,
    value: &'a Value,
    base: usize,
    syntax: Syntax<'a>,
    context: Context,
) -> Option<Site<'a>> {
    let text = value.as_str()?;
    let span = value.span()?;
    let literal = &raw[span.clone()];
    let quote = if literal.starts_with("\"\"\"") || literal.starts_with("'''") {
        3
    } else {
        1
    };
    let inner = span.start + quote..span.end.saturating_sub(quote).max(span.start + quote);
    let mut site = Site::new(text, base + inner.start, syntax, context);
    if raw.get(inner) != Some(text) {
        site.offset = base + span.start;
        site.verbatim = false;
    }
    Some(site)
}

/// The strings of an array of PEP 508 requirements.
fn requirement_array(
    raw: &str,
    item: Option<&Item>,
    base: usize,
    context: Context,
    checker: &mut Checker<'_>,
) {
    let Some(array) = item.and_then(Item::as_array) else {
        return;
    };
    for value in array {
        if let Some(site) = string_site(raw, value, base, Syntax::Pep508, context) {
            checker.site(&site);
        }
    }
}

/// Each array of a table of arrays (`[project.optional-dependencies]`, `[dependency-groups]`),
/// in `context` unless the array's name says it is for development.
fn requirement_arrays(
    raw: &str,
    item: Option<&Item>,
    base: usize,
    context: Context,
    checker: &mut Checker<'_>,
) {
    let Some(table) = item.and_then(Item::as_table_like) else {
        return;
    };
    for (name, array) in table.iter() {
        let context = Context::of_group(name, context);
        requirement_array(raw, Some(array), base, context, checker);
    }
}

/// `[project]`, `[build-system]`, `[dependency-groups]`, and the tables of Poetry, uv and PDM.
pub fn pyproject(raw: &str, base: usize, checker: &mut Checker<'_>) -> Result<(), String> {
    let document = parse(raw)?;
    let root = document.as_item();
    let project = root.get("project");
    requirement_array(
        raw,
        project.and_then(|p| p.get("dependencies")),
        base,
        Context::Runtime,
        checker,
    );
    requirement_arrays(
        raw,
        project.and_then(|p| p.get("optional-dependencies")),
        base,
        Context::Extra,
        checker,
    );
    requirement_array(
        raw,
        root.get("build-system").and_then(|b| b.get("requires")),
        base,
        Context::Build,
        checker,
    );
    requirement_arrays(
        raw,
        root.get("dependency-groups"),
        base,
        Context::Development,
        checker,
    );

    let tool = root.get("tool");
    if let Some(uv) = tool.and_then(|t| t.get("uv")) {
        for key in [
            "dev-dependencies",
            "constraint-dependencies",
            "override-dependencies",
        ] {
            requirement_array(raw, uv.get(key), base, Context::Development, checker);
        }
        requirement_array(
            raw,
            uv.get("build-constraint-dependencies"),
            base,
            Context::Build,
            checker,
        );
    }
    requirement_arrays(
        raw,
        tool.and_then(|t| t.get("pdm"))
            .and_then(|p| p.get("dev-dependencies")),
        base,
        Context::Development,
        checker,
    );

    if let Some(poetry) = tool.and_then(|t| t.get("poetry")) {
        let dependencies = poetry.get("dependencies");
        poetry_dependencies(raw, dependencies, base, Context::Runtime, checker);
        let development = poetry.get("dev-dependencies");
        poetry_dependencies(raw, development, base, Context::Development, checker);
        // Poetry's groups (`[tool.poetry.group.docs]`) are all for development: extras are
        // optional dependencies of the main group.
        if let Some(groups) = poetry.get("group").and_then(Item::as_table_like) {
            for (_, group) in groups.iter() {
                let dependencies = group.get("dependencies");
                poetry_dependencies(raw, dependencies, base, Context::Development, checker);
            }
        }
    }
    Ok(())
}

/// A Poetry dependency table: `numpy = "^1.24"`, `numpy = { version = "^1.24", ... }`, or an
/// array of such tables (one per environment).
fn poetry_dependencies(
    raw: &str,
    item: Option<&Item>,
    base: usize,
    context: Context,
    checker: &mut Checker<'_>,
) {
    let Some(table) = item.and_then(Item::as_table_like) else {
        return;
    };
    for (name, dependency) in table.iter() {
        if name == "python" {
            continue;
        }
        let syntax = Syntax::Poetry { name };
        let context = match dependency.get("optional").and_then(Item::as_bool) {
            Some(true) if context == Context::Runtime => Context::Extra,
            _ => context,
        };
        for value in version_values(dependency) {
            if let Some(site) = string_site(raw, value, base, syntax, context) {
                checker.site(&site);
            }
        }
    }
}

/// The version constraints of a dependency written as a string, a table with `version`, or an
/// array of tables with `version`.
fn version_values(dependency: &Item) -> Vec<&Value> {
    if let Some(value) = dependency.as_value().filter(|value| value.is_str()) {
        return vec![value];
    }
    if let Some(array) = dependency.as_array() {
        return array
            .iter()
            .filter_map(|entry| entry.as_inline_table()?.get("version"))
            .collect();
    }
    dependency
        .get("version")
        .and_then(Item::as_value)
        .into_iter()
        .collect()
}

/// `Pipfile`: every table of packages (`[packages]`, `[dev-packages]`, custom categories).
pub fn pipfile(raw: &str, base: usize, checker: &mut Checker<'_>) -> Result<(), String> {
    let document = parse(raw)?;
    for (category, table) in document.as_table().iter() {
        if matches!(category, "source" | "requires" | "scripts" | "pipenv") {
            continue;
        }
        let Some(table) = table.as_table_like() else {
            continue;
        };
        for (name, dependency) in table.iter() {
            let syntax = Syntax::Pep440 { name };
            for value in version_values(dependency) {
                if let Some(site) = string_site(raw, value, base, syntax, Context::Runtime) {
                    checker.site(&site);
                }
            }
        }
    }
    Ok(())
}

/// `uv.lock` and `poetry.lock` (`[[package]]`), `pylock.toml` (`[[packages]]`).
pub fn lock(kind: Kind, raw: &str, base: usize, checker: &mut Checker<'_>) -> Result<(), String> {
    let document = parse(raw)?;
    let root = document.as_item();
    let key = if kind == Kind::Pylock {
        "packages"
    } else {
        "package"
    };
    let Some(packages) = root.get(key).and_then(Item::as_array_of_tables) else {
        return Ok(());
    };
    let created_by = root
        .get("created-by")
        .and_then(Item::as_str)
        .unwrap_or("the tool that wrote it");
    for package in packages {
        let (Some(name), Some(version)) = (
            package.get("name").and_then(Item::as_str),
            package.get("version").and_then(Item::as_value),
        ) else {
            continue;
        };
        let Some(version_text) = version.as_str() else {
            continue;
        };
        // The project itself, in uv.lock.
        if package
            .get("source")
            .and_then(|source| source.get("editable").or_else(|| source.get("virtual")))
            .is_some()
        {
            continue;
        }
        let marker = match kind {
            Kind::UvLock => package
                .get("resolution-markers")
                .and_then(Item::as_array)
                .map(|markers| {
                    let mut any = MarkerTree::FALSE;
                    for marker in markers.iter().filter_map(Value::as_str) {
                        any.or(MarkerTree::from_str(marker).unwrap_or(MarkerTree::TRUE));
                    }
                    any
                }),
            _ => ["markers", "marker"]
                .iter()
                .find_map(|key| package.get(key).and_then(Item::as_str))
                .map(|marker| MarkerTree::from_str(marker).unwrap_or(MarkerTree::TRUE)),
        };
        let how = match kind {
            Kind::UvLock => format!("run `uv lock --upgrade-package {name}`"),
            Kind::PoetryLock => format!("run `poetry update --lock {name}`"),
            _ => format!("regenerate it with `{created_by}` (its `created-by`)"),
        };
        let span = version.span().unwrap_or(0..0);
        checker.locked(&Locked {
            name,
            version: version_text,
            range: base + span.start..base + span.end,
            marker,
            how,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::{Kind, analyze, fix};

    #[test]
    fn the_numpy_floor_is_the_lowest_a_runtime_declaration_allows() {
        let floor = |text: &str| {
            crate::analyze(Kind::Pyproject, text)
                .unwrap()
                .numpy_floor()
                .map(|floor| floor.version.clone())
        };
        let by_python = "[project]\ndependencies = [\"numpy>=1.21; python_version<'3.12'\", \
            \"numpy>=1.26; python_version>='3.12'\"]\n";
        assert_eq!(floor(by_python).as_deref(), Some("1.21"));
        let always = "[project]\ndependencies = ['numpy>=1.22', 'numpy>=1.23', \
            \"numpy>=1.20; python_version<'3.10'\"]\n";
        assert_eq!(floor(always).as_deref(), Some("1.23"));
        // Extras are alternatives; test, docs and dev groups, and build requirements, do not
        // count.
        let extras = "[project]\ndependencies = ['scipy']\n\
            [project.optional-dependencies]\nfast = ['numpy>=1.24']\nplot = ['numpy>=1.22']\n\
            test = ['numpy>=1.19']\n[dependency-groups]\ndev = ['numpy>=1.18']\n\
            [build-system]\nrequires = ['numpy>=1.17']\n";
        assert_eq!(floor(extras).as_deref(), Some("1.22"));
        let poetry = "[tool.poetry.dependencies]\npython = '^3.9'\nnumpy = '^1.23'\n\
            [tool.poetry.group.dev.dependencies]\nnumpy = '^1.20'\n";
        assert_eq!(floor(poetry).as_deref(), Some("1.23"));
        assert_eq!(floor("[project]\ndependencies = ['numpy<2']\n"), None);
    }

    const PYPROJECT: &str = r#"[build-system]
requires = [
    "setuptools>=61",
    "oldest-supported-numpy",  # build against the oldest numpy
    'numpy==1.22.3; python_version=="3.9"',
]

[project]
name = "demo"
dependencies = [
    "numpy>=1.22,<2",
    "pandas >=1.3, <2.2",
    "scipy",
]

[project.optional-dependencies]
ml = ["scikit-learn~=1.3.0"]

[dependency-groups]
test = ["pytest", "pyarrow<15", { include-group = "ml" }]

[tool.poetry.dependencies]
python = "^3.9"
numpy = "^1.24"
matplotlib = { version = "~3.7", optional = true }
h5py = [
    { version = "<3.11", python = "<3.10" },
    { version = ">=3.11", python = ">=3.10" },
]

[tool.poetry.group.dev.dependencies]
numba = "0.59.1"

[tool.uv]
dev-dependencies = ["xarray<2024.6"]
"#;

    #[test]
    fn pyproject_tables() {
        let analysis = analyze(Kind::Pyproject, PYPROJECT).unwrap();
        assert_eq!(
            super::super::positions(&analysis),
            [
                "4:6 NP302 *",
                "5:6 NP302 *",
                "11:6 NP301 *",
                "12:6 NP303 *",
                "17:8 NP303 *",
                "20:20 NP303 *",
                "24:10 NP301 *",
                "25:27 NP303 *",
                "27:18 NP303 *",
                "32:10 NP303 *",
                "35:22 NP303 *"
            ]
        );
        assert_eq!(analysis.floors[0].version, "1.22");

        let fixed = fix(Kind::Pyproject, PYPROJECT).unwrap();
        assert_eq!(fixed.fixed, 11);
        assert!(
            fixed.remaining.findings.is_empty(),
            "{:?}",
            fixed.remaining.findings
        );
        let expected = PYPROJECT
            .replace("\"oldest-supported-numpy\"", "\"numpy>=2.0\"")
            .replace("'numpy==1.22.3;", "'numpy>=2.0;")
            .replace("\"numpy>=1.22,<2\"", "\"numpy>=1.22\"")
            .replace("\"pandas >=1.3, <2.2\"", "\"pandas >=1.3\"")
            .replace("scikit-learn~=1.3.0", "scikit-learn>=1.3.0")
            .replace("\"pyarrow<15\"", "\"pyarrow\"")
            .replace("numpy = \"^1.24\"", "numpy = \">=1.24\"")
            .replace("\"~3.7\"", "\">=3.7\"")
            .replace("\"<3.11\"", "\"*\"")
            .replace("\"0.59.1\"", "\"0.60.0\"")
            .replace("\"xarray<2024.6\"", "\"xarray\"");
        assert_eq!(fixed.text, expected);
    }

    #[test]
    fn escaped_strings_are_reported_not_fixed() {
        let text = "[project]\ndependencies = [\"numpy\\u003c2\"]\n";
        let fixed = fix(Kind::Pyproject, text).unwrap();
        assert_eq!(fixed.text, text);
        assert_eq!(fixed.remaining.findings.len(), 1);
        assert!(fixed.remaining.findings[0].fix.is_none());
    }

    #[test]
    fn byte_order_mark_and_crlf_stay() {
        let text = "\u{feff}[project]\r\ndependencies = [\r\n  'numpy<2',\r\n]\r\n";
        let analysis = analyze(Kind::Pyproject, text).unwrap();
        assert_eq!(super::super::positions(&analysis), ["3:4 NP301 *"]);
        let fixed = fix(Kind::Pyproject, text).unwrap();
        assert_eq!(fixed.text, text.replace("'numpy<2'", "'numpy'"));
    }

    #[test]
    fn invalid_toml_is_an_error() {
        let error = analyze(Kind::Pyproject, "[project\n").unwrap_err();
        assert!(error.starts_with("not valid TOML: line 1: "), "{error}");
    }

    #[test]
    fn pipfile() {
        let text = "[[source]]\nurl = \"https://pypi.org/simple\"\n\n[packages]\nnumpy = \"<2\"\npandas = {version = \"==1.5.3\", extras = [\"excel\"]}\nrequests = \"*\"\n\n[dev-packages]\nscipy = \">=1.9,<1.12\"\n";
        let fixed = fix(Kind::Pipfile, text).unwrap();
        assert_eq!(fixed.fixed, 3);
        assert_eq!(
            fixed.text,
            text.replace("\"<2\"", "\"*\"")
                .replace("==1.5.3", "==2.2.2")
                .replace("\">=1.9,<1.12\"", "\">=1.9\"")
        );
    }

    #[test]
    fn uv_lock() {
        let text = r#"version = 1
requires-python = ">=3.8"
resolution-markers = ["python_full_version >= '3.9'", "python_full_version < '3.9'"]

[[package]]
name = "demo"
version = "0.1.0"
source = { editable = "." }

[[package]]
name = "numpy"
version = "1.24.4"
source = { registry = "https://pypi.org/simple" }
resolution-markers = ["python_full_version < '3.9'"]

[[package]]
name = "numpy"
version = "1.26.4"
source = { registry = "https://pypi.org/simple" }
resolution-markers = ["python_full_version >= '3.9'"]

[[package]]
name = "pandas"
version = "2.2.3"
source = { registry = "https://pypi.org/simple" }
"#;
        let analysis = analyze(Kind::UvLock, text).unwrap();
        assert_eq!(analysis.findings.len(), 1, "{:?}", analysis.findings);
        let finding = &analysis.findings[0];
        assert_eq!(
            (finding.line, finding.column, finding.code),
            (18, 11, "NP304")
        );
        assert!(
            finding
                .help
                .as_ref()
                .unwrap()
                .contains("uv lock --upgrade-package numpy")
        );
        // Lock files are never changed.
        assert_eq!(fix(Kind::UvLock, text).unwrap().text, text);
    }

    #[test]
    fn poetry_lock_and_pylock() {
        let poetry = "[[package]]\nname = \"scipy\"\nversion = \"1.11.4\"\ndescription = \"\"\noptional = false\npython-versions = \">=3.9\"\n\n[[package]]\nname = \"numpy\"\nversion = \"1.24.4\"\nmarkers = \"python_version < \\\"3.9\\\"\"\n\n[metadata]\nlock-version = \"2.0\"\n";
        let analysis = analyze(Kind::PoetryLock, poetry).unwrap();
        assert_eq!(analysis.findings.len(), 1);
        assert!(
            analysis.findings[0]
                .help
                .as_ref()
                .unwrap()
                .contains("poetry update --lock scipy")
        );

        let pylock = "lock-version = \"1.0\"\ncreated-by = \"uv\"\n\n[[packages]]\nname = \"numpy\"\nversion = \"1.26.4\"\nmarker = \"python_full_version >= '3.9'\"\n";
        let analysis = analyze(Kind::Pylock, pylock).unwrap();
        assert_eq!(analysis.findings.len(), 1);
        assert_eq!(analysis.findings[0].line, 6);
        assert!(analysis.findings[0].help.as_ref().unwrap().contains("`uv`"));
    }
}
