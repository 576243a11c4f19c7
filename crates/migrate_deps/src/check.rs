//! From requirements and locked versions to findings: the rules `NP301`–`NP304`.

use std::ops::Range;
use std::str::FromStr;
use std::sync::LazyLock;

use pep508_rs::MarkerTree;
use pep508_rs::pep440_rs::Version;

use crate::constraint::{self, Constraint, Empty};
use crate::requirement::{self, only_before_numpy_2_pythons};
use crate::table::{compatibility, normalize};
use crate::{
    Analysis, BUILD_REQUIREMENT, Edit, Finding, Floor, LOCKED_TOO_OLD, NUMPY_PIN, TOO_OLD, noqa,
};

/// NumPy 2.0.0, the first release every numpy requirement must allow.
static NUMPY_2: LazyLock<Version> = LazyLock::new(|| Version::new([2, 0, 0]));
/// How many requirements that are not ones a file's error names (the first).
const SHOWN_ERRORS: usize = 3;
/// What build requirements should say instead.
const BUILD_AGAINST_NUMPY_2: &str = ">=2.0";

/// How a requirement is spelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax<'a> {
    /// A PEP 508 string: `numpy>=1.22,<2; python_version>='3.9'`.
    Pep508,
    /// A Poetry constraint for the package `name` (the key): `^1.24`.
    Poetry { name: &'a str },
    /// A PEP 440 specifier list for the package `name` (Pipfile): `>=1.22,<2`, `*`.
    Pep440 { name: &'a str },
    /// A conda match spec: `conda-forge::numpy>=1.22,<2`, `numpy=1.26`.
    Conda,
}

/// What a requirement is for. Only runtime requirements (and extras) declare the NumPy the
/// code runs on; every kind but `Build` is checked the same way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    /// What the package always needs (`[project] dependencies`, `install_requires`).
    Runtime,
    /// What an extra of it needs (`[project.optional-dependencies]`, `extras_require`).
    Extra,
    /// What its developers need: test, docs and dev groups, `[dependency-groups]`.
    Development,
    Build,
}

impl Context {
    /// The context of a group of requirements named `group` (an extra, a Poetry group):
    /// `Development` when its name says so (`dev`, `test`, `docs`, `lint`...), else `other`.
    pub fn of_group(group: &str, other: Context) -> Context {
        if crate::names_development(group) {
            Context::Development
        } else {
            other
        }
    }
}

/// A requirement in a file.
#[derive(Debug, Clone)]
pub struct Site<'a> {
    /// The requirement's text (a string's value).
    pub text: &'a str,
    /// Where it starts in the file.
    pub offset: usize,
    /// Whether the file holds `text` byte for byte at `offset`; if not (a TOML string with
    /// escapes), findings are reported there but not fixed.
    pub verbatim: bool,
    pub syntax: Syntax<'a>,
    pub context: Context,
}

impl<'a> Site<'a> {
    pub fn new(text: &'a str, offset: usize, syntax: Syntax<'a>, context: Context) -> Self {
        Self {
            text,
            offset,
            verbatim: true,
            syntax,
            context,
        }
    }
}

/// A version in a lock file.
#[derive(Debug, Clone)]
pub struct Locked<'a> {
    pub name: &'a str,
    pub version: &'a str,
    /// Where the version (or the package's entry) is in the file.
    pub range: Range<usize>,
    /// The environments it is locked for, when the lock says (`python_full_version < '3.9'`).
    pub marker: Option<MarkerTree>,
    /// How to update it: "run `uv lock --upgrade-package numpy`".
    pub how: String,
}

/// A requirement taken apart: its name and constraint, ranges relative to its text.
struct Parsed {
    name: String,
    /// Where the package's name is, when the text holds it.
    name_range: Option<Range<usize>>,
    /// What goes when every piece of the constraint goes (for PEP 508: the specifiers and the
    /// space before them).
    outer: Range<usize>,
    /// The requirement as shown in messages (without markers).
    display: Range<usize>,
    /// What goes with any change of the version (a conda build string, tied to the version).
    tail: Option<Range<usize>>,
    constraint: Constraint,
    empty: Empty,
    marker: Option<MarkerTree>,
}

/// Collects the findings of one file.
pub struct Checker<'a> {
    file: &'a str,
    findings: Vec<Finding>,
    /// Where each lower bound of numpy is, its version, the requirement, and whether it holds
    /// only for some environments or extras.
    floors: Vec<(usize, String, String, bool)>,
    includes: Vec<String>,
    /// Requirements that are not requirements, and why: where they start, the message.
    errors: Vec<(usize, String)>,
}

impl<'a> Checker<'a> {
    pub fn new(file: &'a str) -> Self {
        Self {
            file,
            findings: Vec::new(),
            floors: Vec::new(),
            includes: Vec::new(),
            errors: Vec::new(),
        }
    }

    pub fn include(&mut self, path: &str) {
        self.includes.push(path.to_string());
    }

    /// Check one requirement.
    pub fn site(&mut self, site: &Site<'_>) {
        if site.syntax == Syntax::Pep508
            && let Some(error) = requirement::name_error(site.text)
        {
            let text = site.text.trim();
            self.errors.push((
                site.offset,
                format!("`{text}` is not a requirement: {error}"),
            ));
            return;
        }
        let Some(parsed) = parse(site) else {
            return;
        };
        if parsed
            .marker
            .as_ref()
            .is_some_and(only_before_numpy_2_pythons)
        {
            return;
        }
        let text = site.text;
        let is_numpy =
            parsed.name == "numpy" || (site.syntax == Syntax::Conda && parsed.name == "numpy-base");
        let display = match site.syntax {
            Syntax::Poetry { name } | Syntax::Pep440 { name } => format!("{name} = \"{text}\""),
            Syntax::Pep508 | Syntax::Conda => text[parsed.display.clone()].to_string(),
        };

        if parsed.name == "oldest-supported-numpy" {
            let edit = parsed.name_range.clone().map(|name| Edit {
                range: name.start..parsed.outer.end,
                replacement: format!("numpy{BUILD_AGAINST_NUMPY_2}"),
            });
            self.report(
                site,
                &parsed,
                edit,
                BUILD_REQUIREMENT,
                format!("`{display}` builds against NumPy 1.x, and what it builds fails to import on NumPy 2"),
                "Build against NumPy 2 (what it builds runs on NumPy 1.x too)",
            );
            return;
        }
        if is_numpy {
            if matches!(site.context, Context::Runtime | Context::Extra)
                && let Some(lower) = parsed.constraint.lower_bound()
            {
                let conditional = site.context == Context::Extra
                    || parsed
                        .marker
                        .as_ref()
                        .is_some_and(|marker| !marker.is_true());
                self.floors.push((
                    site.offset + parsed.name_range.clone().map_or(0, |r| r.start),
                    lower.to_string(),
                    display.clone(),
                    conditional,
                ));
            }
            if !parsed.constraint.excludes_from(&NUMPY_2) {
                return;
            }
            if site.context == Context::Build {
                let edit = parsed.constraint.span().map(|span| Edit {
                    range: span,
                    replacement: BUILD_AGAINST_NUMPY_2.to_string(),
                });
                self.report(
                    site,
                    &parsed,
                    edit,
                    BUILD_REQUIREMENT,
                    format!("`{display}` in build requirements builds against NumPy 1.x, and what it builds fails to import on NumPy 2"),
                    "Build against NumPy 2 (what it builds runs on NumPy 1.x too)",
                );
            } else {
                let edit = lifted(text, &parsed, &NUMPY_2, "2.0.0");
                self.report(
                    site,
                    &parsed,
                    edit,
                    NUMPY_PIN,
                    format!("`{display}` excludes NumPy 2"),
                    "Allow NumPy 2",
                );
            }
            return;
        }
        let Some(row) = compatibility().get(&parsed.name) else {
            return;
        };
        if !parsed.constraint.excludes_from(row.version()) {
            return;
        }
        let edit = lifted(text, &parsed, row.version(), &row.first_compatible);
        self.report(
            site,
            &parsed,
            edit,
            TOO_OLD,
            format!(
                "`{display}` excludes {} {}, its first release that supports NumPy 2 ({})",
                row.name, row.first_compatible, row.date
            ),
            &format!("Allow {} {}", row.name, row.first_compatible),
        );
    }

    /// Check one locked version.
    pub fn locked(&mut self, locked: &Locked<'_>) {
        if locked
            .marker
            .as_ref()
            .is_some_and(only_before_numpy_2_pythons)
        {
            return;
        }
        let Ok(version) = Version::from_str(locked.version) else {
            return;
        };
        let name = normalize(locked.name);
        let (first, first_text) = if name == "numpy" {
            (NUMPY_2.clone(), "2.0.0".to_string())
        } else if let Some(row) = compatibility().get(&name) {
            (row.version().clone(), row.first_compatible.clone())
        } else {
            return;
        };
        if version >= first {
            return;
        }
        let message = if name == "numpy" {
            format!("numpy {} is locked, a NumPy 1.x", locked.version)
        } else {
            format!(
                "{name} {} is locked, older than {first_text}, its first release that supports NumPy 2",
                locked.version
            )
        };
        self.findings.push(Finding {
            range: locked.range.clone(),
            line: 0,
            column: 0,
            code: LOCKED_TOO_OLD,
            message,
            help: Some(format!(
                "Lock files are left to their tool: once the requirements allow it, {}",
                locked.how
            )),
            fix: None,
        });
    }

    fn report(
        &mut self,
        site: &Site<'_>,
        parsed: &Parsed,
        edit: Option<Edit>,
        code: &'static str,
        message: String,
        advice: &str,
    ) {
        let text = site.text;
        let start = parsed.name_range.clone().map_or(0, |name| name.start);
        let edit = edit.map(|mut edit| {
            if let Some(tail) = parsed
                .tail
                .clone()
                .filter(|tail| tail.start >= edit.range.end)
            {
                edit.range.end = tail.end;
            }
            edit
        });
        let fixed = edit.as_ref().map(|edit| {
            let display = parsed.display.clone();
            let shown = match site.syntax {
                Syntax::Poetry { name } | Syntax::Pep440 { name } => {
                    format!(
                        "{name} = \"{}\"",
                        crate::apply(text, std::slice::from_ref(edit))
                    )
                }
                Syntax::Pep508 | Syntax::Conda => format!(
                    "{}{}{}",
                    &text[display.start..edit.range.start.max(display.start)],
                    edit.replacement,
                    &text[edit.range.end.min(display.end)..display.end]
                ),
            };
            shown.trim().to_string()
        });
        let reason = (!site.verbatim).then_some("the string has escapes");
        let help = match (&fixed, &reason) {
            (Some(fixed), None) => format!("{advice}: `{fixed}`"),
            (Some(fixed), Some(reason)) => {
                format!("{advice}: `{fixed}` (not fixed automatically: {reason})")
            }
            (None, Some(reason)) => format!("{advice} ({reason})"),
            (None, None) => advice.to_string(),
        };
        let fix = match reason {
            None => edit.map(|edit| Edit {
                range: edit.range.start + site.offset..edit.range.end + site.offset,
                replacement: edit.replacement,
            }),
            Some(_) => None,
        };
        self.findings.push(Finding {
            range: site.offset + start..site.offset + text.len(),
            line: 0,
            column: 0,
            code,
            message,
            help: Some(help),
            fix,
        });
    }

    /// The findings with their lines and columns, less those a `# noqa` comment silences; or
    /// the requirements that are not requirements, by line.
    pub fn finish(self) -> Result<Analysis, String> {
        let lines = LineIndex::new(self.file);
        if !self.errors.is_empty() {
            let mut errors: Vec<String> = self
                .errors
                .iter()
                .take(SHOWN_ERRORS)
                .map(|(offset, error)| {
                    format!("line {}: {error}", lines.position(self.file, *offset).0)
                })
                .collect();
            if self.errors.len() > SHOWN_ERRORS {
                errors.push(format!(
                    "and {} more such lines",
                    self.errors.len() - SHOWN_ERRORS
                ));
            }
            return Err(errors.join("; "));
        }
        let mut findings: Vec<Finding> = self
            .findings
            .into_iter()
            .filter_map(|mut finding| {
                let (line, column) = lines.position(self.file, finding.range.start);
                if noqa::suppresses(lines.line_text(self.file, line), finding.code) {
                    return None;
                }
                finding.line = line;
                finding.column = column;
                Some(finding)
            })
            .collect();
        findings.sort_by_key(|finding| finding.range.start);
        let floors = self
            .floors
            .into_iter()
            .map(|(offset, version, requirement, conditional)| {
                let (line, column) = lines.position(self.file, offset);
                Floor {
                    line,
                    column,
                    version,
                    requirement,
                    conditional,
                }
            })
            .collect();
        Ok(Analysis {
            findings,
            floors,
            includes: self.includes,
        })
    }
}

/// The edit that makes the constraint allow `first`.
fn lifted(text: &str, parsed: &Parsed, first: &Version, exact: &str) -> Option<Edit> {
    let span = parsed.constraint.span()?;
    Some(
        match parsed.constraint.lifted(text, first, exact, parsed.empty) {
            Some(replacement) => Edit {
                range: span,
                replacement,
            },
            None => Edit {
                range: parsed.outer.clone(),
                replacement: String::new(),
            },
        },
    )
}

fn parse(site: &Site<'_>) -> Option<Parsed> {
    let text = site.text;
    match site.syntax {
        Syntax::Pep508 => {
            let parsed = requirement::parse(text)?;
            Some(Parsed {
                name: parsed.name,
                display: parsed.name_range.start..parsed.specifier_outer.end,
                name_range: Some(parsed.name_range),
                outer: parsed.specifier_outer,
                constraint: parsed.constraint,
                empty: Empty::Nothing,
                marker: Some(parsed.marker),
                tail: None,
            })
        }
        Syntax::Poetry { name } | Syntax::Pep440 { name } => {
            let constraint = match site.syntax {
                Syntax::Poetry { .. } => constraint::poetry(text)?,
                _ if text.trim() == "*" => Constraint::default(),
                _ => constraint::pep440(text, 0)?,
            };
            Some(Parsed {
                name: normalize(name),
                name_range: None,
                outer: 0..text.len(),
                display: 0..text.len(),
                constraint,
                empty: Empty::Star,
                marker: None,
                tail: None,
            })
        }
        Syntax::Conda => conda_spec(text),
    }
}

/// A conda match spec: `[channel::]name[ ][version[ build]]`, or `name=version=build`.
fn conda_spec(text: &str) -> Option<Parsed> {
    let start = text.rfind("::").map_or(0, |at| at + 2);
    let start = start + (text[start..].len() - text[start..].trim_start().len());
    let name_end = start
        + text[start..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || "-_.".contains(c)))
            .unwrap_or(text.len() - start);
    if name_end == start {
        return None;
    }
    let rest = &text[name_end..];
    if rest.starts_with('[') {
        return None;
    }
    let version_start = name_end + (rest.len() - rest.trim_start().len());
    let word_end = version_start
        + text[version_start..]
            .find(char::is_whitespace)
            .unwrap_or(text.len() - version_start);
    // In `=1.26=py311_0` and `==1.26.4=py311_0` the second `=` starts the build string.
    let word = &text[version_start..word_end];
    let operator_length = word.len() - word.trim_start_matches(['=', '<', '>', '!', '~']).len();
    // A `=` right after a version (not an operator's) starts the build string.
    let version_end = word
        .char_indices()
        .skip(operator_length)
        .find(|(at, c)| {
            *c == '='
                && word[..*at]
                    .chars()
                    .next_back()
                    .is_some_and(|previous| previous.is_ascii_alphanumeric() || previous == '*')
        })
        .map_or(word_end, |(at, _)| version_start + at);
    let end = text.trim_end().len();
    let constraint = constraint::conda(&text[version_start..version_end], version_start)?;
    Some(Parsed {
        name: normalize(&text[start..name_end]),
        name_range: Some(start..name_end),
        outer: name_end..version_end,
        display: start..version_end,
        constraint,
        empty: Empty::Nothing,
        marker: None,
        tail: (version_end < end).then_some(version_end..end),
    })
}

/// Line starts, for positions.
struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(at, _)| at + 1));
        Self { starts }
    }

    /// 1-based line and column (in characters) of `offset`.
    fn position(&self, text: &str, offset: usize) -> (usize, usize) {
        let line = self.starts.partition_point(|start| *start <= offset);
        let start = self.starts[line - 1];
        (line, text[start..offset].chars().count() + 1)
    }

    /// The text of 1-based `line`, without its line ending.
    fn line_text<'t>(&self, text: &'t str, line: usize) -> &'t str {
        let start = self.starts[line - 1];
        let end = self.starts.get(line).map_or(text.len(), |next| next - 1);
        text[start..end].trim_end_matches('\r')
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Check `text` as one requirement of `syntax`; the findings, and the text after fixing.
    fn run(
        text: &str,
        syntax: Syntax<'_>,
        context: Context,
    ) -> (Vec<(&'static str, String)>, String) {
        let mut checker = Checker::new(text);
        checker.site(&Site::new(text, 0, syntax, context));
        let analysis = checker.finish().unwrap();
        let edits: Vec<Edit> = analysis
            .findings
            .iter()
            .filter_map(|f| f.fix.clone())
            .collect();
        let found = analysis
            .findings
            .iter()
            .map(|finding| (finding.code, finding.help.clone().unwrap_or_default()))
            .collect();
        (found, crate::apply(text, &edits))
    }

    fn fixed(text: &str) -> String {
        run(text, Syntax::Pep508, Context::Runtime).1
    }

    #[test]
    fn numpy_pins_are_lifted_keeping_the_lower_bound() {
        assert_eq!(fixed("numpy>=1.22,<2"), "numpy>=1.22");
        assert_eq!(fixed("numpy~=1.24"), "numpy>=1.24");
        assert_eq!(fixed("numpy==1.*"), "numpy>=1");
        assert_eq!(fixed("numpy<2"), "numpy");
        assert_eq!(
            fixed("numpy <2 ; python_version >= '3.9'"),
            "numpy ; python_version >= '3.9'"
        );
        assert_eq!(fixed("numpy (<2)"), "numpy");
        assert_eq!(fixed("numpy (>=1.22, <2)"), "numpy (>=1.22)");
        assert_eq!(fixed("numpy[dev]>=1.22,<1.27"), "numpy[dev]>=1.22");
        assert_eq!(fixed("numpy==1.26.4"), "numpy==2.0.0");
        assert_eq!(fixed("NumPy <2.0.0rc1,>= 1.23"), "NumPy >= 1.23");
        // Nothing to do.
        assert_eq!(fixed("numpy>=1.22,<3"), "numpy>=1.22,<3");
        assert_eq!(
            fixed("numpy<2; python_version<'3.9'"),
            "numpy<2; python_version<'3.9'"
        );
        let (found, _) = run("numpy>=1.22,<2", Syntax::Pep508, Context::Runtime);
        assert_eq!(
            found,
            [(NUMPY_PIN, "Allow NumPy 2: `numpy>=1.22`".to_string())]
        );
    }

    /// After its fix, a requirement has nothing left to fix and is still a valid requirement.
    #[test]
    fn fixes_settle_in_one_pass() {
        let cases: &[(&str, Syntax<'_>, Context)] = &[
            ("numpy>=1.22,<2,!=1.23.0", Syntax::Pep508, Context::Runtime),
            ("numpy<2,<=1.26", Syntax::Pep508, Context::Runtime),
            ("numpy===1.26.4", Syntax::Pep508, Context::Runtime),
            ("numpy==1.26.*,!=1.26.1", Syntax::Pep508, Context::Runtime),
            (
                "numpy (<2); python_version>'3.9'",
                Syntax::Pep508,
                Context::Runtime,
            ),
            (
                "numpy[extra] ( >=1.22 , <2 )",
                Syntax::Pep508,
                Context::Runtime,
            ),
            ("numpy>=1.25,<2,!=1.26.0", Syntax::Pep508, Context::Build),
            (
                "oldest-supported-numpy[x]>=2022",
                Syntax::Pep508,
                Context::Build,
            ),
            ("pandas==1.5.3,<2", Syntax::Pep508, Context::Runtime),
            ("pandas>=1.5,<=2.1.4", Syntax::Pep508, Context::Runtime),
            (
                "^1.22 || ~1.24",
                Syntax::Poetry { name: "numpy" },
                Context::Runtime,
            ),
            (
                ">=1.2 <2.2 || 1.5.3",
                Syntax::Poetry { name: "pandas" },
                Context::Runtime,
            ),
            (
                ">=1.22,<2",
                Syntax::Pep440 { name: "numpy" },
                Context::Runtime,
            ),
            ("numpy >=1.22,<2|1.19.*", Syntax::Conda, Context::Runtime),
            ("numpy 1.26.4 py311_0", Syntax::Conda, Context::Runtime),
        ];
        for (text, syntax, context) in cases {
            let (found, fixed) = run(text, *syntax, *context);
            assert_eq!(found.len(), 1, "{text}: {found:?}");
            let (again, unchanged) = run(&fixed, *syntax, *context);
            assert!(again.is_empty(), "{text} -> {fixed}: {again:?}");
            assert_eq!(unchanged, fixed);
            let valid = match syntax {
                Syntax::Pep508 => requirement::parse(&fixed).is_some(),
                Syntax::Poetry { .. } => constraint::poetry(&fixed).is_some(),
                Syntax::Pep440 { .. } => fixed == "*" || constraint::pep440(&fixed, 0).is_some(),
                Syntax::Conda => conda_spec(&fixed).is_some(),
            };
            assert!(valid, "{text} -> {fixed}");
        }
    }

    #[test]
    fn build_requirements_build_against_numpy_2() {
        let build = |text: &str| run(text, Syntax::Pep508, Context::Build);
        let (found, text) = build("oldest-supported-numpy>=2022.8.16; python_version<'3.12'");
        assert_eq!(found[0].0, BUILD_REQUIREMENT);
        assert_eq!(text, "numpy>=2.0; python_version<'3.12'");
        assert_eq!(build("oldest-supported-numpy").1, "numpy>=2.0");
        assert_eq!(
            build("numpy==1.22.3; python_version=='3.9' and platform_system=='Windows'").1,
            "numpy>=2.0; python_version=='3.9' and platform_system=='Windows'"
        );
        assert_eq!(build("numpy>=1.25,<2").1, "numpy>=2.0");
        assert!(build("numpy>=1.25").0.is_empty());
        assert!(build("numpy").0.is_empty());
    }

    #[test]
    fn too_old_dependencies_are_raised_or_lifted() {
        assert_eq!(fixed("pandas==1.5.3"), "pandas==2.2.2");
        assert_eq!(fixed("pandas<2.2"), "pandas");
        assert_eq!(fixed("pandas>=1.3,<2.2"), "pandas>=1.3");
        assert_eq!(fixed("pandas~=2.1.0"), "pandas>=2.1.0");
        assert_eq!(
            fixed("scikit_learn==1.3.2 ; extra == 'ml'"),
            "scikit_learn==1.4.2 ; extra == 'ml'"
        );
        assert_eq!(fixed("pandas>=1.3"), "pandas>=1.3");
        assert_eq!(fixed("pandas==2.2.2"), "pandas==2.2.2");
        assert_eq!(fixed("requests==2.0"), "requests==2.0");
        let (found, _) = run("scipy<1.13", Syntax::Pep508, Context::Runtime);
        assert_eq!(found[0].0, TOO_OLD);
    }

    #[test]
    fn poetry_and_pipfile_constraints() {
        let poetry = |text: &str, name| run(text, Syntax::Poetry { name }, Context::Runtime).1;
        assert_eq!(poetry("^1.24", "numpy"), ">=1.24");
        assert_eq!(poetry("<2", "numpy"), "*");
        assert_eq!(poetry("1.26.4", "numpy"), "2.0.0");
        assert_eq!(poetry("^1.5", "pandas"), ">=1.5");
        assert_eq!(poetry("^2.0", "numpy"), "^2.0");
        let pipfile = |text: &str| run(text, Syntax::Pep440 { name: "numpy" }, Context::Runtime).1;
        assert_eq!(pipfile(">=1.22,<2"), ">=1.22");
        assert_eq!(pipfile("<2"), "*");
        assert_eq!(pipfile("*"), "*");
    }

    #[test]
    fn conda_specs() {
        let conda = |text: &str| run(text, Syntax::Conda, Context::Runtime);
        assert_eq!(conda("numpy<2").1, "numpy");
        assert_eq!(conda("numpy>=1.22,<2").1, "numpy>=1.22");
        assert_eq!(conda("numpy=1.26").1, "numpy>=1.26");
        assert_eq!(
            conda("conda-forge::numpy =1.26").1,
            "conda-forge::numpy >=1.26"
        );
        assert_eq!(conda("numpy 1.26.*").1, "numpy >=1.26");
        assert_eq!(conda("pytables=3.8").1, "pytables>=3.8");
        assert_eq!(conda("numpy-base<2").1, "numpy-base");
        // A build string is tied to its version: it goes with it.
        assert_eq!(conda("numpy=1.26.4=py311h64a7726_0").1, "numpy>=1.26.4");
        assert_eq!(conda("numpy 1.26.4 py311h64a7726_0").1, "numpy >=1.26.4");
        assert_eq!(conda("scipy==1.11.4=py311h_0").1, "scipy==1.13.0");
        assert!(conda("numpy").0.is_empty());
        assert!(conda("python=3.11").0.is_empty());
    }

    #[test]
    fn locked_versions() {
        let text = "numpy 1.26.4";
        let mut checker = Checker::new(text);
        for (name, version) in [
            ("numpy", "1.26.4"),
            ("Pandas", "2.2.1"),
            ("pandas", "2.2.2"),
            ("requests", "1.0"),
        ] {
            checker.locked(&Locked {
                name,
                version,
                range: 0..5,
                marker: None,
                how: format!("run `uv lock --upgrade-package {name}`"),
            });
        }
        checker.locked(&Locked {
            name: "numpy",
            version: "1.24.4",
            range: 0..5,
            marker: Some(MarkerTree::from_str("python_full_version < '3.9'").unwrap()),
            how: String::new(),
        });
        let findings = checker.finish().unwrap().findings;
        assert_eq!(findings.len(), 2);
        assert!(
            findings
                .iter()
                .all(|finding| finding.code == LOCKED_TOO_OLD && finding.fix.is_none())
        );
        assert!(
            findings[1].message.starts_with("pandas 2.2.1 is locked"),
            "{}",
            findings[1].message
        );
    }

    #[test]
    fn floors_and_positions() {
        let text = "a\r\n  numpy>=1.22.4,<2\n";
        let mut checker = Checker::new(text);
        checker.site(&Site::new(
            &text[5..21],
            5,
            Syntax::Pep508,
            Context::Runtime,
        ));
        let analysis = checker.finish().unwrap();
        assert_eq!(
            (analysis.findings[0].line, analysis.findings[0].column),
            (2, 3)
        );
        assert_eq!(
            analysis.floors,
            [Floor {
                line: 2,
                column: 3,
                version: "1.22.4".to_string(),
                requirement: "numpy>=1.22.4,<2".to_string(),
                conditional: false,
            }]
        );
    }

    #[test]
    fn noqa_silences() {
        let text = "numpy<2  # noqa: NP301\npandas<2  # noqa: NP301\n";
        let mut checker = Checker::new(text);
        checker.site(&Site::new(&text[..7], 0, Syntax::Pep508, Context::Runtime));
        checker.site(&Site::new(
            &text[23..31],
            23,
            Syntax::Pep508,
            Context::Runtime,
        ));
        let findings = checker.finish().unwrap().findings;
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].code, TOO_OLD);
    }
}
