//! PEP 508 requirement strings (`numpy[extra] >=1.22, <2 ; python_version >= "3.9"`), parsed
//! by `pep508_rs`, with the byte ranges of their parts so that a fix rewrites only the version
//! specifiers and keeps the rest as written.

use std::ops::Range;
use std::str::FromStr;

use pep508_rs::{MarkerTree, Requirement, VerbatimUrl, VersionOrUrl};

use crate::constraint::{self, Constraint};

/// A requirement string and where its parts are in it.
#[derive(Debug, Clone)]
pub struct Pep508 {
    /// The normalized name (`scikit-learn` for `Scikit_Learn`).
    pub name: String,
    /// The name as written.
    pub name_range: Range<usize>,
    /// From the end of the name and extras to the end of the specifiers (and their parentheses):
    /// what goes when every specifier goes.
    pub specifier_outer: Range<usize>,
    pub constraint: Constraint,
    pub marker: MarkerTree,
}

/// Parse `text` as a PEP 508 requirement. `None` if it is not one, or names a URL.
pub fn parse(text: &str) -> Option<Pep508> {
    let requirement = requirement(text).ok()?;
    let specifiers = match &requirement.version_or_url {
        None => 0,
        Some(VersionOrUrl::VersionSpecifier(specifiers)) => specifiers.len(),
        Some(VersionOrUrl::Url(_)) => return None,
    };

    let name_start = text.len() - text.trim_start().len();
    let name_end = name_start
        + text[name_start..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || "-_.".contains(c)))
            .unwrap_or(text.len() - name_start);
    let mut after_name = name_end;
    let rest = &text[name_end..];
    if rest.trim_start().starts_with('[') {
        after_name = name_end + rest.find(']')? + 1;
    }
    // The specifiers run to the marker (`;`) or the end.
    let specifier_end = text[after_name..]
        .find(';')
        .map_or(text.len(), |at| after_name + at);
    let outer = constraint::trimmed(text, after_name..specifier_end);
    let (inner, outer_end) = if text[outer.clone()].starts_with('(') {
        let close = outer.start + text[outer.clone()].rfind(')')?;
        (outer.start + 1..close, close + 1)
    } else {
        (outer.clone(), outer.end)
    };
    let constraint = constraint::pep440(&text[inner.clone()], inner.start)?;
    let pieces: usize = constraint.clauses.iter().map(Vec::len).sum();
    if pieces != specifiers {
        return None;
    }
    Some(Pep508 {
        name: requirement.name.to_string(),
        name_range: name_start..name_end,
        specifier_outer: after_name..outer_end.max(after_name),
        constraint,
        marker: requirement.marker,
    })
}

/// `text` as a PEP 508 requirement, or why it is not one. `pep508_rs` 0.9 panics on a name or
/// an extra that ends in `-`, `.` or `_` when something follows it (`numpy-<2`, `a[x-]`), so
/// those are refused here before it sees them.
pub fn requirement(text: &str) -> Result<Requirement<VerbatimUrl>, String> {
    if let Some(error) = name_error(text) {
        return Err(error);
    }
    Requirement::<VerbatimUrl>::from_str(text).map_err(|error| error.message.to_string())
}

/// Why the name or an extra of `text` is not a PEP 508 name when it ends in `-`, `.` or `_`
/// (`x-`, `x.`, `x_`). What does not start like a name (a path, a URL) is left to the parser.
pub(crate) fn name_error(text: &str) -> Option<String> {
    let (name, ends_badly) = leading_name(text);
    if ends_badly {
        return Some(format!(
            "`{name}` is not a package name: a name ends with a letter or a digit"
        ));
    }
    let after_name = &text.trim_start()[name.len()..];
    let extras = after_name.trim_start().strip_prefix('[')?;
    let extras = extras.split(']').next().unwrap_or(extras);
    extras.split(',').find_map(|extra| {
        let (extra, ends_badly) = leading_name(extra);
        ends_badly.then(|| {
            format!("`{extra}` is not the name of an extra: a name ends with a letter or a digit")
        })
    })
}

/// The name `text` starts with (after whitespace), and whether it starts like a name but ends
/// in punctuation.
fn leading_name(text: &str) -> (&str, bool) {
    let text = text.trim_start();
    let is_name_char = |c: char| c.is_ascii_alphanumeric() || "-_.".contains(c);
    let name = &text[..text.find(|c| !is_name_char(c)).unwrap_or(text.len())];
    let ends_badly =
        name.starts_with(|c: char| c.is_ascii_alphanumeric()) && name.ends_with(['-', '_', '.']);
    (name, ends_badly)
}

/// Whether `marker` can only hold on Python 3.8 or older, where no NumPy 2 exists: such a
/// requirement needs no change.
pub fn only_before_numpy_2_pythons(marker: &MarkerTree) -> bool {
    let numpy_2_pythons =
        MarkerTree::from_str("python_full_version >= '3.9'").expect("a valid marker");
    marker.is_disjoint(&numpy_2_pythons)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_of_requirements() {
        let text = "numpy[extra] >= 1.22, <2 ; python_version >= '3.9'";
        let parsed = parse(text).unwrap();
        assert_eq!(parsed.name, "numpy");
        assert_eq!(&text[parsed.name_range.clone()], "numpy");
        assert_eq!(&text[parsed.specifier_outer.clone()], " >= 1.22, <2");
        assert_eq!(&text[parsed.constraint.span().unwrap()], ">= 1.22, <2");

        let text = "Scikit_Learn (>=1.0,<1.4)";
        let parsed = parse(text).unwrap();
        assert_eq!(parsed.name, "scikit-learn");
        assert_eq!(&text[parsed.specifier_outer.clone()], " (>=1.0,<1.4)");
        assert_eq!(&text[parsed.constraint.span().unwrap()], ">=1.0,<1.4");

        let parsed = parse("numpy").unwrap();
        assert!(parsed.constraint.clauses.is_empty());
        assert!(parse("numpy @ https://example.org/numpy.whl").is_none());
        assert!(parse("numpy <<2").is_none());
        assert!(parse("-r other.txt").is_none());
    }

    #[test]
    fn names_ending_in_punctuation_are_errors_not_panics() {
        for text in [
            "numpy-<2",
            "x-==1",
            "matplo-[x]",
            "a-@ https://x",
            "a_",
            "b. >=1",
        ] {
            let error = requirement(text).unwrap_err();
            assert!(error.contains("is not a package name"), "{text}: {error}");
            assert!(parse(text).is_none());
        }
        for text in ["numpy[x-]", "numpy[a, b.]>=1", "numpy [ c_ ]"] {
            let error = requirement(text).unwrap_err();
            assert!(
                error.contains("not the name of an extra"),
                "{text}: {error}"
            );
        }
        assert_eq!(name_error("./vendored/pkg"), None);
        assert_eq!(name_error("numpy[x]>=1.2"), None);
        assert!(requirement("numpy-base>=1").is_ok());
    }

    #[test]
    fn markers_for_old_pythons_only() {
        let marker = |text: &str| parse(text).unwrap().marker;
        assert!(only_before_numpy_2_pythons(&marker(
            "numpy<2; python_version<'3.9'"
        )));
        assert!(only_before_numpy_2_pythons(&marker(
            "numpy<2; python_version=='3.8' and sys_platform=='win32'"
        )));
        assert!(!only_before_numpy_2_pythons(&marker(
            "numpy<2; python_version<'3.10'"
        )));
        assert!(!only_before_numpy_2_pythons(&marker("numpy<2")));
        assert!(!only_before_numpy_2_pythons(&marker(
            "numpy<2; sys_platform=='win32'"
        )));
    }
}
