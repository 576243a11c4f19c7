//! Checking and fixing one source text: parse, resolve, run the rules, apply fixes.

use std::path::Path;

use ruff_python_ast::{ModModule, PySourceType};
use ruff_python_parser::{Parsed, parse_unchecked_source};
use ruff_text_size::Ranged;

use crate::checker::{Checker, RuleSet};
use crate::diagnostic::Diagnostic;
use crate::edit::apply_fixes;
use crate::noqa::NoqaDirectives;
use crate::semantic::SemanticModel;
use crate::source::{Position, SourceText};

/// The source does not parse; nothing is checked or written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub message: String,
    pub position: Position,
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
    let parsed = parse_unchecked_source(source, PySourceType::from(path));
    match parsed.errors().first() {
        None => Ok(parsed),
        Some(error) => Err(SyntaxError {
            message: error.error.to_string(),
            position: SourceText::new(source).position(error.location.start()),
        }),
    }
}

/// Whether `source` parses without errors (as a file at `path`).
pub fn parses(source: &str, path: &Path) -> bool {
    parse(source, path).is_ok()
}

/// The findings of `rules` in `source`, in source order, without those `# noqa` silences.
pub fn check(source: &str, path: &Path, rules: &RuleSet) -> Result<Vec<Diagnostic>, SyntaxError> {
    let parsed = parse(source, path)?;
    Ok(check_parsed(source, path, &parsed, rules))
}

fn check_parsed(
    source: &str,
    path: &Path,
    parsed: &Parsed<ModModule>,
    rules: &RuleSet,
) -> Vec<Diagnostic> {
    let text = SourceText::new(source);
    let model = SemanticModel::build(parsed.syntax(), source, rules.tracked());
    let mut diagnostics = Checker::new(&text, &model, path, parsed.syntax(), rules).run();
    if !diagnostics.is_empty() {
        let noqa = NoqaDirectives::from_tokens(parsed.tokens(), &text);
        diagnostics.retain(|diagnostic| {
            let line = text.line_number(diagnostic.start());
            !noqa.suppresses(line, diagnostic.code, rules.noqa_aliases(diagnostic.code))
        });
        diagnostics
            .sort_by(|a, b| (a.start(), a.code, &a.message).cmp(&(b.start(), b.code, &b.message)));
        diagnostics.dedup();
    }
    diagnostics
}

/// The outcome of fixing one source text.
#[derive(Debug)]
pub struct Fixed {
    /// The fixed text (the input itself when nothing was fixed).
    pub text: String,
    /// How many findings were fixed.
    pub fixed: usize,
    /// Findings whose fix was dropped because the result did not parse.
    pub dropped: Vec<Diagnostic>,
    /// What is left to report in the fixed text.
    pub remaining: Vec<Diagnostic>,
}

/// Fixes can enable or collide with other fixes: apply, re-check, repeat, up to this many times.
const MAX_ROUNDS: usize = 10;

/// Apply every fix the rules offer, round after round, never producing text that does not parse.
pub fn fix(source: &str, path: &Path, rules: &RuleSet) -> Result<Fixed, SyntaxError> {
    let mut text = source.to_string();
    let mut diagnostics = check(source, path, rules)?;
    let mut fixed = 0;
    let mut dropped = Vec::new();
    for _ in 0..MAX_ROUNDS {
        let fixable: Vec<&Diagnostic> = diagnostics
            .iter()
            .filter(|diagnostic| diagnostic.fix.is_some() && !dropped.contains(*diagnostic))
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
        let next = match parse(&applied.text, path) {
            Ok(parsed) => {
                fixed += applied.applied;
                Some((applied.text, parsed))
            }
            Err(_) => apply_one_by_one(&text, path, &fixable, &mut fixed, &mut dropped),
        };
        let Some((next_text, parsed)) = next else {
            break;
        };
        if next_text == text {
            break;
        }
        diagnostics = check_parsed(&next_text, path, &parsed, rules);
        text = next_text;
    }
    let remaining = diagnostics;
    Ok(Fixed {
        text,
        fixed,
        dropped,
        remaining,
    })
}

/// When the fixes together do not parse: apply them one at a time, keeping each that leaves
/// parsable text, and set aside the others.
fn apply_one_by_one(
    text: &str,
    path: &Path,
    fixable: &[&Diagnostic],
    fixed: &mut usize,
    dropped: &mut Vec<Diagnostic>,
) -> Option<(String, Parsed<ModModule>)> {
    let mut current = text.to_string();
    let mut parsed = None;
    for diagnostic in fixable {
        let fix = diagnostic.fix.as_ref().expect("only fixable diagnostics");
        let candidate = apply_fixes(&current, [fix]);
        match parse(&candidate.text, path) {
            Ok(result) if candidate.applied == 1 => {
                current = candidate.text;
                parsed = Some(result);
                *fixed += 1;
            }
            Ok(_) => {}
            Err(_) => dropped.push((*diagnostic).clone()),
        }
    }
    parsed.map(|parsed| (current, parsed))
}
