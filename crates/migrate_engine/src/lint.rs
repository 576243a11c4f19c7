//! Checking and fixing one source text: parse, resolve, run the rules, apply fixes.

use std::collections::BTreeMap;
use std::path::Path;

use ruff_python_ast::token::{TokenKind, Tokens};
use ruff_python_ast::{ModModule, PySourceType};
use ruff_python_parser::Parsed;
use ruff_text_size::{Ranged, TextRange, TextSize};

use crate::checker::{Checker, Rule, RuleSet};
use crate::diagnostic::Diagnostic;
use crate::edit::{Fix, apply_fixes};
use crate::nesting;
use crate::noqa::NoqaDirectives;
use crate::project::ProjectFile;
use crate::semantic::SemanticModel;
use crate::source::{Position, SourceText};

/// The source does not parse; nothing is checked or written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub message: String,
    pub position: Position,
    /// Where the error is, as an offset (a notebook reports it in the cell it is in).
    pub offset: TextSize,
}

impl std::fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{}: syntax error: {}",
            self.position.line, self.position.column, self.message
        )
    }
}

fn parse(source: &str, path: &Path) -> Result<Parsed<ModModule>, SyntaxError> {
    let parsed =
        nesting::parse(source, PySourceType::from(path)).map_err(|too_deep| SyntaxError {
            message: too_deep.message,
            position: SourceText::new(source).position(too_deep.offset),
            offset: too_deep.offset,
        })?;
    match parsed.errors().first() {
        None => Ok(parsed),
        Some(error) => Err(SyntaxError {
            message: error.error.to_string(),
            position: SourceText::new(source).position(error.location.start()),
            offset: error.location.start(),
        }),
    }
}

/// Whether `source` parses without errors (as a file at `path`).
pub fn parses(source: &str, path: &Path) -> bool {
    parse(source, path).is_ok()
}

/// The findings of `rules` in `source`, in source order, without those `# noqa` silences.
/// A source in which no rule can report (see [`crate::prefilter`]) is not even parsed.
pub fn check(source: &str, path: &Path, rules: &RuleSet) -> Result<Vec<Diagnostic>, SyntaxError> {
    check_in_project(source, path, rules, &rules.project_file(path))
}

/// [`check`], with the project as the file sees it.
fn check_in_project(
    source: &str,
    path: &Path,
    rules: &RuleSet,
    project: &ProjectFile,
) -> Result<Vec<Diagnostic>, SyntaxError> {
    let active = rules.active(source, project);
    if active.is_empty() {
        return Ok(Vec::new());
    }
    let parsed = parse(source, path)?;
    Ok(check_parsed(source, path, &parsed, rules, project, active))
}

/// Run `active`, the rules of `rules` that may report in `source`.
fn check_parsed<'r>(
    source: &str,
    path: &Path,
    parsed: &Parsed<ModModule>,
    rules: &'r RuleSet,
    project: &ProjectFile,
    active: Vec<&'r dyn Rule>,
) -> Vec<Diagnostic> {
    if active.is_empty() {
        return Vec::new();
    }
    let text = SourceText::new(source);
    let model = SemanticModel::build(parsed.syntax(), source, rules.tracked(), Some(project));
    let mut diagnostics = Checker::new(&text, &model, path, parsed.syntax(), active).run();
    if !diagnostics.is_empty() {
        withdraw_fixes_that_remove_comments(&mut diagnostics, parsed.tokens(), source);
        let noqa = NoqaDirectives::from_tokens(parsed.tokens(), &text);
        if !noqa.is_empty() {
            diagnostics.retain(|diagnostic| {
                let line = text.line_number(diagnostic.start());
                !noqa.suppresses(line, diagnostic.code, rules.noqa_aliases(diagnostic.code))
            });
        }
        diagnostics
            .sort_by(|a, b| (a.start(), a.code, &a.message).cmp(&(b.start(), b.code, &b.message)));
        diagnostics.dedup();
    }
    diagnostics
}

/// A fix never removes a comment: one whose edits would replace a comment without carrying
/// it over (`np.msort(a  # why\n)` rebuilt from its arguments) is withdrawn, and the finding
/// says why it is left to a human.
fn withdraw_fixes_that_remove_comments(
    diagnostics: &mut [Diagnostic],
    tokens: &Tokens,
    source: &str,
) {
    let mut comments = tokens
        .iter()
        .filter(|token| token.kind() == TokenKind::Comment)
        .map(Ranged::range)
        .peekable();
    if comments.peek().is_none() {
        return;
    }
    let comments: Vec<TextRange> = comments.collect();
    for diagnostic in diagnostics {
        let Some(fix) = &diagnostic.fix else {
            continue;
        };
        let removes_a_comment = fix.edits().iter().any(|edit| {
            let first = comments.partition_point(|comment| comment.start() < edit.start());
            comments[first..]
                .iter()
                .take_while(|comment| comment.end() <= edit.end())
                .any(|comment| !edit.content().contains(&source[*comment]))
        });
        if removes_a_comment {
            diagnostic.fix = None;
            let advice = "Not fixed automatically: the fix would remove a comment";
            diagnostic.help = Some(match diagnostic.help.take() {
                Some(help) => format!("{advice}. {help}"),
                None => advice.to_string(),
            });
        }
    }
}

/// The outcome of fixing one source text.
#[derive(Debug)]
pub struct Fixed {
    /// The fixed text (the input itself when nothing was fixed).
    pub text: String,
    /// How many findings were fixed.
    pub fixed: usize,
    /// How many findings of each rule were fixed (they add up to `fixed`).
    pub fixed_codes: BTreeMap<&'static str, usize>,
    /// Findings whose fix was dropped because the result did not parse (a bug in a rule).
    pub dropped: Vec<DroppedFix>,
    /// What is left to report in the fixed text.
    pub remaining: Vec<Diagnostic>,
}

/// A fix that was not applied because the text would not parse with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DroppedFix {
    pub code: &'static str,
    pub message: String,
    /// Where the finding was, in the text of the round that tried it.
    pub position: Position,
}

/// Fixes can enable or collide with other fixes: apply, re-check, repeat, up to this many times.
const MAX_ROUNDS: usize = 10;

/// Apply every fix the rules offer, round after round, never producing text that does not parse.
pub fn fix(source: &str, path: &Path, rules: &RuleSet) -> Result<Fixed, SyntaxError> {
    let mut text = source.to_string();
    let project = rules.project_file(path);
    let mut diagnostics = check_in_project(source, path, rules, &project)?;
    let mut fixed_codes = BTreeMap::new();
    let mut dropped: Vec<DroppedFix> = Vec::new();
    for _ in 0..MAX_ROUNDS {
        let fixable: Vec<&Diagnostic> = diagnostics
            .iter()
            .filter(|diagnostic| diagnostic.fix.is_some())
            .collect();
        if fixable.is_empty() {
            break;
        }
        let applied = apply_fixes(
            &text,
            fixable
                .iter()
                .filter_map(|diagnostic| diagnostic.fix.as_ref()),
        );
        let (next_text, parsed) = match parse(&applied.text, path) {
            Ok(parsed) => {
                count_codes(&mut fixed_codes, &fixable, &applied.taken);
                (applied.text, parsed)
            }
            Err(_) => {
                let kept = keep_parsable_fixes(&text, path, &fixable, &mut dropped);
                count_codes(&mut fixed_codes, &kept.diagnostics, &kept.taken);
                (kept.text, kept.parsed)
            }
        };
        if next_text == text {
            break;
        }
        // A fix may bring in what another rule reports: the rules that may are asked again.
        let active = rules.active(&next_text, &project);
        diagnostics = check_parsed(&next_text, path, &parsed, rules, &project, active);
        text = next_text;
    }
    // A fix set aside in one round may have been applied in a later one (two removals that
    // empty an import together, one after the other): only those still waiting count.
    dropped.retain(|dropped| {
        diagnostics.iter().any(|left| {
            left.fix.is_some() && left.code == dropped.code && left.message == dropped.message
        })
    });
    // Each round sets aside the same fixes again.
    dropped.sort_by(|a, b| {
        let key = |d: &DroppedFix| {
            (
                d.position.line,
                d.position.column,
                d.code,
                d.message.clone(),
            )
        };
        key(a).cmp(&key(b))
    });
    dropped.dedup();
    Ok(Fixed {
        text,
        fixed: fixed_codes.values().sum(),
        fixed_codes,
        dropped,
        remaining: diagnostics,
    })
}

/// Count the diagnostics whose fix was taken, by code.
fn count_codes(
    counts: &mut BTreeMap<&'static str, usize>,
    diagnostics: &[&Diagnostic],
    taken: &[bool],
) {
    for (diagnostic, _) in diagnostics.iter().zip(taken).filter(|(_, taken)| **taken) {
        *counts.entry(diagnostic.code).or_default() += 1;
    }
}

struct Kept<'d> {
    text: String,
    parsed: Parsed<ModModule>,
    /// The diagnostics whose fixes were tried together, and whether each was applied.
    diagnostics: Vec<&'d Diagnostic>,
    taken: Vec<bool>,
}

/// When the fixes together do not parse: add them one at a time to the set that still
/// parses, and set aside each that breaks it. Fixes keep their offsets into `text`.
fn keep_parsable_fixes<'d>(
    text: &str,
    path: &Path,
    fixable: &[&'d Diagnostic],
    dropped: &mut Vec<DroppedFix>,
) -> Kept<'d> {
    let source = SourceText::new(text);
    let mut kept: Vec<&Fix> = Vec::new();
    for diagnostic in fixable {
        let fix = diagnostic.fix.as_ref().expect("only fixable diagnostics");
        if kept.contains(&fix) {
            continue;
        }
        let candidate = apply_fixes(text, kept.iter().copied().chain([fix]));
        if parse(&candidate.text, path).is_ok() {
            kept.push(fix);
        } else {
            dropped.push(DroppedFix {
                code: diagnostic.code,
                message: diagnostic.message.clone(),
                position: source.position(diagnostic.start()),
            });
        }
    }
    let diagnostics: Vec<&Diagnostic> = fixable
        .iter()
        .copied()
        .filter(|diagnostic| {
            diagnostic
                .fix
                .as_ref()
                .is_some_and(|fix| kept.contains(&fix))
        })
        .collect();
    let applied = apply_fixes(
        text,
        diagnostics
            .iter()
            .filter_map(|diagnostic| diagnostic.fix.as_ref()),
    );
    let parsed = parse(&applied.text, path).expect("checked fix by fix");
    Kept {
        text: applied.text,
        parsed,
        diagnostics,
        taken: applied.taken,
    }
}

#[cfg(test)]
mod tests {
    use ruff_python_ast::Expr;

    use super::*;
    use crate::checker::Rule;
    use crate::edit::Edit;
    use crate::semantic::TrackedModules;

    /// Rewrites `bad` into text that does not parse and `good` into `fine`.
    struct Careless;

    impl Rule for Careless {
        fn code(&self) -> &'static str {
            "T001"
        }

        fn expr<'a>(&self, checker: &mut Checker<'a>, expr: &'a Expr) {
            let Expr::Name(name) = expr else {
                return;
            };
            let replacement = match name.id.as_str() {
                "bad" => "(",
                "good" => "fine",
                _ => return,
            };
            let fix = Fix::edit(Edit::replace(name.range(), replacement));
            checker.report(
                Diagnostic::new("T001", format!("`{}`", name.id), name.range()).with_fix(fix),
            );
        }
    }

    #[test]
    fn fixes_that_break_the_code_are_dropped_and_reported() {
        let rules = RuleSet::new(vec![Box::new(Careless)], TrackedModules::default());
        let source = "a = good\nb = bad\nc = good\n";
        let fixed = fix(source, Path::new("t.py"), &rules).unwrap();
        assert_eq!(fixed.text, "a = fine\nb = bad\nc = fine\n");
        assert_eq!(fixed.fixed, 2);
        assert_eq!(fixed.fixed_codes, BTreeMap::from([("T001", 2)]));
        assert_eq!(
            fixed.dropped,
            [DroppedFix {
                code: "T001",
                message: "`bad`".to_string(),
                position: Position { line: 2, column: 5 },
            }]
        );
        assert!(parses(&fixed.text, Path::new("t.py")));
        // What is left is the finding whose fix was dropped, still offered.
        assert_eq!(fixed.remaining.len(), 1);
    }

    #[test]
    fn a_dropped_fix_is_reported_once_over_the_rounds() {
        let rules = RuleSet::new(vec![Box::new(Careless)], TrackedModules::default());
        let fixed = fix("a = bad\nb = good\nc = bad\n", Path::new("t.py"), &rules).unwrap();
        let lines: Vec<usize> = fixed.dropped.iter().map(|d| d.position.line).collect();
        assert_eq!(lines, [1, 3]);
    }
}
