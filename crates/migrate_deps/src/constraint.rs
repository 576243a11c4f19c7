//! Version constraints as written, with the byte range of each part: which releases they
//! exclude, and how to rewrite them so that they no longer exclude a release.
//!
//! Three spellings share one model: PEP 440 specifier lists (`>=1.22,<2`), Poetry constraints
//! (`^1.24`, `~1.24`, `>=1.2 <2 || ^3`) and conda match specs (`=1.26`, `>=1.22,<2|1.19.*`).
//! A constraint is a union of clauses; a clause is an intersection of pieces.

use std::ops::Range;
use std::str::FromStr;

use pep508_rs::pep440_rs::{Operator, Version, VersionSpecifier};

/// What one piece of a constraint says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Lt,
    Le,
    Gt,
    Ge,
    /// `==V` (PEP 440, conda), `V` or `=V` (Poetry): exactly that release.
    Eq,
    /// `===V`
    Arbitrary,
    Ne,
    /// `==V.*`, conda's `=V` and `V*`, Poetry's `V.*`: releases starting with V.
    Prefix,
    NePrefix,
    /// `~=V`
    Compatible,
    /// Poetry's `^V`
    Caret,
    /// Poetry's `~V`
    Tilde,
    /// `*`
    Any,
}

/// One piece, e.g. `<2` in `>=1.22,<2`.
#[derive(Debug, Clone)]
pub struct Piece {
    /// The piece, relative to the constraint's text.
    pub range: Range<usize>,
    /// The version as written (without `.*`), relative to the constraint's text.
    pub version_range: Range<usize>,
    pub op: Op,
    pub version: Version,
}

/// A union of intersections, each piece with its place in the text.
#[derive(Debug, Clone, Default)]
pub struct Constraint {
    pub clauses: Vec<Vec<Piece>>,
}

/// How a rewritten constraint spells "any version" when every piece goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Empty {
    /// Nothing at all (PEP 508, conda): the caller removes the whole specifier.
    Nothing,
    /// `*` (Poetry, Pipfile).
    Star,
}

impl Constraint {
    /// The range of text the pieces cover (from the first to the last), if any.
    pub fn span(&self) -> Option<Range<usize>> {
        let first = self.clauses.iter().flatten().next()?;
        let last = self.clauses.iter().flatten().last()?;
        Some(first.range.start..last.range.end)
    }

    /// Whether no release at or after `first` satisfies the constraint.
    pub fn excludes_from(&self, first: &Version) -> bool {
        !self.clauses.is_empty()
            && self
                .clauses
                .iter()
                .all(|clause| clause.iter().any(|piece| piece.excludes_from(first)))
    }

    /// The lowest release the constraint allows, as written (`>=1.22` → 1.22; `~=1.24` → 1.24),
    /// when every clause has one; the lowest over the clauses.
    pub fn lower_bound(&self) -> Option<Version> {
        self.clauses
            .iter()
            .map(|clause| {
                clause
                    .iter()
                    .filter(|piece| piece.is_lower_bound())
                    .map(|piece| piece.version.clone())
                    .max()
            })
            .collect::<Option<Vec<_>>>()?
            .into_iter()
            .min()
    }

    /// The text of the constraint once it no longer excludes `first`: a piece that caps the
    /// releases below `first` goes (`<2`, `<=1.26`), an exact pin is raised to `exact`
    /// (`==1.5.3` → `==2.2.2`), and a range that ends below `first` keeps only its lower end
    /// (`~=1.24`, `==1.*`, `^1.24`, `~1.24` → `>=1.24`, `>=1`). Lower bounds stay.
    /// `text` is the constraint's whole text; the result replaces [`Constraint::span`].
    /// `None` when every piece goes and `empty` is [`Empty::Nothing`].
    pub fn lifted(&self, text: &str, first: &Version, exact: &str, empty: Empty) -> Option<String> {
        let span = self.span()?;
        let mut out = String::new();
        let mut cursor = span.start;
        let mut any_clause_empty = false;
        for clause in &self.clauses {
            let Some(first_piece) = clause.first() else {
                continue;
            };
            // Text between clauses (`||`, `|`) is kept as written.
            out.push_str(&text[cursor..first_piece.range.start]);
            let mut kept = String::new();
            let mut previous_end = first_piece.range.start;
            for piece in clause {
                let separator = &text[previous_end..piece.range.start];
                previous_end = piece.range.end;
                let written = &text[piece.range.clone()];
                let replacement = if piece.excludes_from(first) {
                    match piece.op {
                        Op::Lt | Op::Le => None,
                        Op::Eq | Op::Arbitrary => {
                            let operator = &text[piece.range.start..piece.version_range.start];
                            Some(format!("{operator}{exact}"))
                        }
                        Op::Prefix | Op::Compatible | Op::Caret | Op::Tilde => {
                            Some(format!(">={}", &text[piece.version_range.clone()]))
                        }
                        Op::Gt | Op::Ge | Op::Ne | Op::NePrefix | Op::Any => {
                            Some(written.to_string())
                        }
                    }
                } else {
                    Some(written.to_string())
                };
                if let Some(replacement) = replacement {
                    if !kept.is_empty() {
                        kept.push_str(separator);
                    }
                    kept.push_str(&replacement);
                }
            }
            any_clause_empty |= kept.is_empty();
            out.push_str(&kept);
            cursor = clause.last().map_or(cursor, |piece| piece.range.end);
        }
        if any_clause_empty {
            // A clause that allows every release makes the whole union allow every release.
            return match empty {
                Empty::Nothing => None,
                Empty::Star => Some("*".to_string()),
            };
        }
        Some(out)
    }
}

impl Piece {
    /// Whether this piece allows no release at or after `first`.
    pub fn excludes_from(&self, first: &Version) -> bool {
        let release = self.version.release();
        match self.op {
            Op::Lt => self.version <= *first,
            Op::Le | Op::Eq | Op::Arbitrary => self.version < *first,
            Op::Prefix => bumped(release, release.len().saturating_sub(1)) <= *first,
            Op::Compatible if release.len() >= 2 => bumped(release, release.len() - 2) <= *first,
            Op::Caret => {
                let at = release
                    .iter()
                    .position(|part| *part != 0)
                    .unwrap_or(release.len().saturating_sub(1));
                bumped(release, at) <= *first
            }
            Op::Tilde => bumped(release, usize::from(release.len() >= 2)) <= *first,
            Op::Compatible | Op::Gt | Op::Ge | Op::Ne | Op::NePrefix | Op::Any => false,
        }
    }

    fn is_lower_bound(&self) -> bool {
        matches!(
            self.op,
            Op::Gt
                | Op::Ge
                | Op::Eq
                | Op::Arbitrary
                | Op::Prefix
                | Op::Compatible
                | Op::Caret
                | Op::Tilde
        )
    }
}

/// The release `release[..=at]` with its last part plus one: the first release after every
/// release starting with `release[..=at]`.
fn bumped(release: &[u64], at: usize) -> Version {
    let mut parts: Vec<u64> = release.iter().take(at + 1).copied().collect();
    if parts.is_empty() {
        parts.push(0);
    }
    if let Some(last) = parts.last_mut() {
        *last += 1;
    }
    Version::new(parts)
}

/// A comma-separated PEP 440 specifier list (`>= 1.22, <2`, `==1.26.*`), `offset` being where
/// `text` starts in the string the ranges refer to. `None` if a piece does not parse.
pub fn pep440(text: &str, offset: usize) -> Option<Constraint> {
    if text.trim().is_empty() {
        return Some(Constraint::default());
    }
    let mut clause = Vec::new();
    let mut start = 0;
    for part in text.split(',') {
        let range = trimmed(text, start..start + part.len());
        start += part.len() + 1;
        let written = &text[range.clone()];
        let specifier = VersionSpecifier::from_str(written).ok()?;
        let op = match specifier.operator() {
            Operator::Equal => Op::Eq,
            Operator::EqualStar => Op::Prefix,
            Operator::ExactEqual => Op::Arbitrary,
            Operator::NotEqual => Op::Ne,
            Operator::NotEqualStar => Op::NePrefix,
            Operator::TildeEqual => Op::Compatible,
            Operator::LessThan => Op::Lt,
            Operator::LessThanEqual => Op::Le,
            Operator::GreaterThan => Op::Gt,
            Operator::GreaterThanEqual => Op::Ge,
        };
        let operator_length = written
            .find(|c: char| c.is_ascii_alphanumeric())
            .unwrap_or(written.len());
        let version_text = written[operator_length..].trim_end_matches(".*");
        let version_start = range.start + operator_length;
        clause.push(Piece {
            range: range.start + offset..range.end + offset,
            version_range: version_start + offset..version_start + version_text.len() + offset,
            op,
            version: specifier.version().clone(),
        });
    }
    Some(Constraint {
        clauses: vec![clause],
    })
}

/// A Poetry constraint: `^1.24`, `~1.24`, `~=1.24`, `1.24.3`, `1.24.*`, `*`, `>=1.2,<2`,
/// `>=1.2 <2`, alternatives joined by `||` (or `|`).
pub fn poetry(text: &str) -> Option<Constraint> {
    let mut clauses = Vec::new();
    for (start, alternative) in split_keep_offsets(text, &["||", "|"]) {
        let mut clause = Vec::new();
        for (piece_start, word) in words(alternative, |c| c == ',' || c.is_whitespace()) {
            let start = start + piece_start;
            clause.push(piece(text, start..start + word.len(), Dialect::Poetry)?);
        }
        if clause.is_empty() {
            return None;
        }
        clauses.push(clause);
    }
    Some(Constraint { clauses })
}

/// The version part of a conda match spec (`=1.26`, `==1.26.4`, `>=1.22,<2`, `1.26.*`,
/// `>=1.22|1.19.*`), `offset` being where `text` starts.
pub fn conda(text: &str, offset: usize) -> Option<Constraint> {
    let mut clauses = Vec::new();
    for (start, alternative) in split_keep_offsets(text, &["|"]) {
        let mut clause = Vec::new();
        for (piece_start, word) in words(alternative, |c| c == ',') {
            let start = start + piece_start;
            let mut piece = piece(text, start..start + word.len(), Dialect::Conda)?;
            piece.range = piece.range.start + offset..piece.range.end + offset;
            piece.version_range =
                piece.version_range.start + offset..piece.version_range.end + offset;
            clause.push(piece);
        }
        if clause.is_empty() {
            return None;
        }
        clauses.push(clause);
    }
    Some(Constraint { clauses })
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Dialect {
    Poetry,
    Conda,
}

/// One piece of a Poetry or conda constraint, at `range` of `text`.
fn piece(text: &str, range: Range<usize>, dialect: Dialect) -> Option<Piece> {
    let written = &text[range.clone()];
    if written == "*" {
        return Some(Piece {
            version_range: range.clone(),
            range,
            op: Op::Any,
            version: Version::new([0]),
        });
    }
    const OPERATORS: &[(&str, Op)] = &[
        ("===", Op::Arbitrary),
        ("==", Op::Eq),
        ("!=", Op::Ne),
        ("~=", Op::Compatible),
        (">=", Op::Ge),
        ("<=", Op::Le),
        (">", Op::Gt),
        ("<", Op::Lt),
        ("^", Op::Caret),
        ("~", Op::Tilde),
        ("=", Op::Eq),
    ];
    let (operator, mut op) = OPERATORS
        .iter()
        .find(|(operator, _)| written.starts_with(operator))
        .map_or(("", Op::Eq), |(operator, op)| (*operator, *op));
    if dialect == Dialect::Conda && operator == "=" {
        // conda's `numpy=1.26` is "1.26.*"
        op = Op::Prefix;
    }
    let after_operator = &written[operator.len()..];
    let leading = after_operator.len() - after_operator.trim_start().len();
    let mut version_text = after_operator.trim_start();
    for wildcard in [".*", "*"] {
        if let Some(stripped) = version_text.strip_suffix(wildcard) {
            version_text = stripped;
            op = match op {
                Op::Eq => Op::Prefix,
                Op::Ne => Op::NePrefix,
                other => other,
            };
        }
    }
    if dialect == Dialect::Conda && operator.is_empty() && op == Op::Eq {
        // A bare conda version (`numpy 1.26`) matches its patch releases too.
        op = Op::Prefix;
    }
    let version = Version::from_str(version_text).ok()?;
    let version_start = range.start + operator.len() + leading;
    Some(Piece {
        version_range: version_start..version_start + version_text.len(),
        range,
        op,
        version,
    })
}

/// `text` split at any of `separators`, each part with its offset.
fn split_keep_offsets<'a>(text: &'a str, separators: &[&str]) -> Vec<(usize, &'a str)> {
    let mut parts = Vec::new();
    let mut start = 0;
    let mut at = 0;
    while at < text.len() {
        if let Some(separator) = separators.iter().find(|sep| text[at..].starts_with(**sep)) {
            parts.push((start, &text[start..at]));
            at += separator.len();
            start = at;
        } else {
            at += text[at..].chars().next().map_or(1, char::len_utf8);
        }
    }
    parts.push((start, &text[start..]));
    parts
}

/// The non-empty runs of `text` between separator characters, each with its offset. An operator
/// followed by a space (`>= 1.2`) stays one word.
fn words(text: &str, is_separator: impl Fn(char) -> bool) -> Vec<(usize, &str)> {
    let mut words: Vec<(usize, &str)> = Vec::new();
    let mut start = None;
    for (index, c) in text.char_indices() {
        if is_separator(c) {
            if let Some(from) = start.take() {
                words.push((from, &text[from..index]));
            }
        } else if start.is_none() {
            start = Some(index);
        }
    }
    if let Some(from) = start {
        words.push((from, &text[from..]));
    }
    // Join a bare operator with the version after it.
    let mut joined: Vec<(usize, &str)> = Vec::new();
    for (offset, word) in words {
        if let Some((previous_offset, previous)) = joined.last_mut()
            && !previous.is_empty()
            && previous.chars().all(|c| "<>=!~^".contains(c))
        {
            *previous = &text[*previous_offset..offset + word.len()];
            continue;
        }
        joined.push((offset, word));
    }
    joined
}

/// `range` of `text` without its leading and trailing whitespace.
pub fn trimmed(text: &str, range: Range<usize>) -> Range<usize> {
    let part = &text[range.clone()];
    let start = range.start + (part.len() - part.trim_start().len());
    let end = range.end - (part.len() - part.trim_end().len());
    start..end.max(start)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(text: &str) -> Version {
        Version::from_str(text).unwrap()
    }

    fn lift(constraint: &Constraint, text: &str, first: &str) -> Option<String> {
        let span = constraint.span().unwrap();
        constraint
            .lifted(text, &v(first), first, Empty::Nothing)
            .map(|new| format!("{}{new}{}", &text[..span.start], &text[span.end..]))
    }

    #[test]
    fn pep440_exclusion() {
        let excludes = |text: &str, first: &str| pep440(text, 0).unwrap().excludes_from(&v(first));
        assert!(excludes("<2", "2.0.0"));
        assert!(excludes(">=1.22,<2", "2.0.0"));
        assert!(excludes("~=1.24", "2.0.0"));
        assert!(excludes("==1.*", "2.0.0"));
        assert!(excludes("==1.26.4", "2.0.0"));
        assert!(excludes("<=1.26.4", "2.0.0"));
        assert!(excludes("<2.0.0rc1", "2.0.0"));
        assert!(excludes("~=2.1.0", "2.2.2"));
        assert!(!excludes("~=2.1", "2.2.2"));
        assert!(!excludes("==2.2.*", "2.2.2"));
        assert!(!excludes("<3", "2.0.0"));
        assert!(!excludes(">=1.22", "2.0.0"));
        assert!(!excludes("!=2.0.0", "2.0.0"));
        assert!(!excludes("<=2.0", "2.0.0"));
        assert!(!excludes("==2.0.0", "2.0.0"));
        assert!(!excludes("", "2.0.0"));
        assert!(pep440("<<2", 0).is_none());
    }

    #[test]
    fn pep440_lifting_keeps_the_lower_bound_and_the_spacing() {
        let lifted = |text: &str, first: &str| lift(&pep440(text, 0).unwrap(), text, first);
        assert_eq!(lifted(">=1.22,<2", "2.0.0").unwrap(), ">=1.22");
        assert_eq!(lifted("<2,>=1.22", "2.0.0").unwrap(), ">=1.22");
        assert_eq!(lifted(" >= 1.22 , < 2", "2.0.0").unwrap(), " >= 1.22");
        assert_eq!(lifted("~=1.24", "2.0.0").unwrap(), ">=1.24");
        assert_eq!(lifted("~= 1.24.3", "2.0.0").unwrap(), ">=1.24.3");
        assert_eq!(lifted("==1.*", "2.0.0").unwrap(), ">=1");
        assert_eq!(lifted("==1.26.*", "2.0.0").unwrap(), ">=1.26");
        assert_eq!(lifted("==1.5.3", "2.2.2").unwrap(), "==2.2.2");
        assert_eq!(lifted("== 1.5.3", "2.2.2").unwrap(), "== 2.2.2");
        assert_eq!(lifted(">=1.3,!=1.4,<2.2", "2.2.2").unwrap(), ">=1.3,!=1.4");
        assert_eq!(lifted("<2", "2.0.0"), None);
        assert_eq!(lifted("<2,<=1.26", "2.0.0"), None);
    }

    #[test]
    fn poetry_semantics() {
        let excludes = |text: &str, first: &str| poetry(text).unwrap().excludes_from(&v(first));
        assert!(excludes("^1.24", "2.0.0"));
        assert!(excludes("^1", "2.0.0"));
        assert!(!excludes("^2.0", "2.0.0"));
        assert!(excludes("^0.2.3", "0.3.0"));
        assert!(!excludes("^0.2.3", "0.2.9"));
        assert!(excludes("^0.0.3", "0.0.4"));
        assert!(excludes("~1.24", "2.0.0"));
        assert!(excludes("~1.24", "1.25"));
        assert!(!excludes("~1", "1.25"));
        assert!(excludes("~1", "2.0"));
        assert!(excludes("1.26.4", "2.0.0"));
        assert!(excludes("1.26.*", "2.0.0"));
        assert!(excludes(">=1.22 <2", "2.0.0"));
        assert!(excludes(">= 1.22, < 2", "2.0.0"));
        assert!(!excludes("*", "2.0.0"));
        assert!(!excludes("^1.24 || ^2.0", "2.0.0"));
        assert!(excludes("^1.22 || ~1.19", "2.0.0"));
        assert!(poetry("^x").is_none());
    }

    #[test]
    fn poetry_lifting() {
        let lifted = |text: &str, first: &str| {
            poetry(text)
                .unwrap()
                .lifted(text, &v(first), first, Empty::Star)
                .unwrap()
        };
        assert_eq!(lifted("^1.24", "2.0.0"), ">=1.24");
        assert_eq!(lifted("~1.24", "2.0.0"), ">=1.24");
        assert_eq!(lifted(">=1.22,<2", "2.0.0"), ">=1.22");
        assert_eq!(lifted(">=1.22 <2", "2.0.0"), ">=1.22");
        assert_eq!(lifted(">= 1.22 < 2", "2.0.0"), ">= 1.22");
        assert_eq!(lifted("<2", "2.0.0"), "*");
        assert_eq!(lifted("1.5.3", "2.2.2"), "2.2.2");
        assert_eq!(lifted("==1.5.3", "2.2.2"), "==2.2.2");
        assert_eq!(lifted("^1.22 || ^1.24", "2.0.0"), ">=1.22 || >=1.24");
    }

    #[test]
    fn conda_specs() {
        let excludes = |text: &str| conda(text, 0).unwrap().excludes_from(&v("2.0.0"));
        assert!(excludes("<2"));
        assert!(excludes("=1.26"));
        assert!(excludes("==1.26.4"));
        assert!(excludes(">=1.22,<2"));
        assert!(excludes("1.26.*"));
        assert!(excludes("1.26"));
        assert!(!excludes(">=1.22"));
        assert!(!excludes(">=1.22,<2|>=2.1"));
        assert!(!excludes("=2"));
        let text = "=1.26";
        let constraint = conda(text, 0).unwrap();
        assert_eq!(
            constraint
                .lifted(text, &v("2.0.0"), "2.0.0", Empty::Nothing)
                .unwrap(),
            ">=1.26"
        );
    }

    #[test]
    fn lower_bounds() {
        let lower = |text: &str| pep440(text, 0).unwrap().lower_bound();
        assert_eq!(lower(">=1.22,<2"), Some(v("1.22")));
        assert_eq!(lower("~=1.24.3"), Some(v("1.24.3")));
        assert_eq!(lower("<2"), None);
        assert_eq!(
            poetry("^1.24 || >=1.21").unwrap().lower_bound(),
            Some(v("1.21"))
        );
    }
}
