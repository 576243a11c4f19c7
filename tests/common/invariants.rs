//! The fixer's invariants on one source, checked on generated programs by the property test
//! (`tests/properties.rs`) and on arbitrary text by the fuzz target (`fuzz/fuzz_targets/fix.rs`):
//!
//! 1. nothing panics, in checking or fixing;
//! 2. `check` and `fix` agree on whether the source parses (they may skip a source in which no
//!    rule can report without parsing it, and then report and change nothing), and when it
//!    parses the fixed text parses too (dropped fixes allowed);
//! 3. fixing is idempotent: fixing the fixed text changes nothing;
//! 4. no byte outside the edits changes: `edit::apply_fixes` debug-asserts it on every round;
//! 5. `check` and `fix` agree: without a finding that has a fix, `fix` returns the source;
//!    `fix`'s remaining findings are what `check` finds in the fixed text; and `check` finds
//!    the same with and without the prefilter (which may only skip sources in which no rule
//!    can report).
//!
//! Strictly, also:
//!
//! 6. no fix is dropped (a dropped fix is a rule whose fix does not parse: a bug, which the
//!    command line reports as one, but not an invariant of the engine);
//! 7. fixing converges: nothing fixable remains, unless a fix was dropped;
//! 8. comments are kept: the fixed text has the comments of the source, in order.

use std::path::Path;
use std::sync::OnceLock;

use migrate_engine::ast::PySourceType;
use migrate_engine::ast::token::TokenKind;
use migrate_engine::checker::RuleSet;
use migrate_engine::lint;
use migrate_engine::text_size::Ranged;

/// The default rules.
pub fn rules() -> &'static RuleSet {
    static RULES: OnceLock<RuleSet> = OnceLock::new();
    RULES.get_or_init(|| migrate_rules::rule_set(&migrate_rules::Options::default()))
}

/// The same rules without the prefilter: every source is parsed and checked.
fn unfiltered_rules() -> &'static RuleSet {
    static RULES: OnceLock<RuleSet> = OnceLock::new();
    RULES.get_or_init(|| {
        migrate_rules::rule_set(&migrate_rules::Options::default()).without_prefilter()
    })
}

/// Fail with the message unless the condition holds.
macro_rules! ensure {
    ($condition:expr, $($message:tt)+) => {
        if !$condition {
            return Err(format!($($message)+));
        }
    };
}

/// Check invariants 2, 3 and 5 (and, when `strict`, 6 to 8) for `source` as the file `path`
/// with the default rules. The error names the invariant broken.
pub fn check(source: &str, path: &Path, strict: bool) -> Result<(), String> {
    let rules = rules();
    let parses = lint::parses(source, path);
    let (diagnostics, fixed) = match (
        lint::check(source, path, rules),
        lint::fix(source, path, rules),
    ) {
        (Err(_), Err(_)) => {
            ensure!(
                !parses,
                "2: check reports a syntax error in a source that parses"
            );
            return Ok(());
        }
        (Ok(diagnostics), Ok(fixed)) => (diagnostics, fixed),
        (checked, fixed) => {
            return Err(format!(
                "2: check and fix disagree on whether the source parses: check {:?}, fix {:?}",
                checked.map(|d| d.len()),
                fixed.map(|f| f.fixed)
            ));
        }
    };
    if strict {
        ensure!(
            fixed.dropped.is_empty(),
            "6: a fix was dropped: {:?}",
            fixed.dropped
        );
        ensure!(
            !fixed.remaining.iter().any(|d| d.fix.is_some()),
            "7: fixable findings remain after fix: {:?}",
            fixed.remaining
        );
        ensure!(
            comments(source, path) == comments(&fixed.text, path),
            "8: fix changed the comments"
        );
    }
    if !parses {
        // `check` need not parse a source in which no rule can report (the prefilter); then
        // it reports nothing, and `fix` changes nothing.
        ensure!(
            diagnostics.is_empty() && fixed.text == source && fixed.fixed == 0,
            "2: findings or fixes in a source that does not parse"
        );
        return Ok(());
    }
    let unfiltered = lint::check(source, path, unfiltered_rules());
    ensure!(
        Ok(&diagnostics) == unfiltered.as_ref(),
        "5: the prefilter changes what check finds (may_report: {}): {diagnostics:?} vs \
         {unfiltered:?}",
        rules.may_report(source, path)
    );
    ensure!(
        lint::parses(&fixed.text, path),
        "2: the fixed text does not parse:\n{}",
        fixed.text
    );
    if !diagnostics.iter().any(|d| d.fix.is_some()) {
        ensure!(
            fixed.text == source,
            "5: fix changed a source in which check found nothing fixable"
        );
        ensure!(
            fixed.fixed == 0,
            "5: fix counted {} fixes that check did not offer",
            fixed.fixed
        );
    }
    let rechecked = lint::check(&fixed.text, path, rules);
    ensure!(
        Ok(&fixed.remaining) == rechecked.as_ref(),
        "5: fix's remaining findings {:?} are not what checking the fixed text finds: \
         {rechecked:?}",
        fixed.remaining
    );
    let again = lint::fix(&fixed.text, path, rules).map(|again| again.text);
    ensure!(
        Ok(&fixed.text) == again.as_ref(),
        "3: fixing the fixed text changed it again: {again:?}"
    );
    Ok(())
}

/// The text of every comment in `source`, in order.
pub fn comments<'s>(source: &'s str, path: &Path) -> Vec<&'s str> {
    let parsed = migrate_engine::parser::parse_unchecked_source(source, PySourceType::from(path));
    parsed
        .tokens()
        .iter()
        .filter(|token| token.kind() == TokenKind::Comment)
        .map(|token| &source[token.range()])
        .collect()
}
