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
    let requirement = Requirement::<VerbatimUrl>::from_str(text).ok()?;
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
