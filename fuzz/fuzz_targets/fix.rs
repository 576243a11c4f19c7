//! Fuzz the fixer's invariants on arbitrary text.
//!
//! For every UTF-8 input, as a `.py` file (and, for a quarter of the inputs, as a `.pyi` stub):
//!
//! 1. nothing panics, in checking or fixing;
//! 2. `check` and `fix` agree on whether the input parses (they may skip a source in which
//!    no rule can report without parsing it, and then report and change nothing), and when it
//!    parses the fixed text parses too (dropped fixes allowed);
//! 3. fixing is idempotent: fixing the fixed text changes nothing;
//! 4. no byte outside the edits changes: `edit::apply_fixes` debug-asserts it on every round,
//!    so this target refuses to build without debug assertions;
//! 5. `check` and `fix` agree: without a finding that has a fix, `fix` returns the input;
//!    `fix`'s remaining findings are what `check` finds in the fixed text; and `check` finds
//!    the same with and without the prefilter (which may only skip sources in which no rule
//!    can report).
//!
//! With `MIGRATE_FUZZ_STRICT=1` in the environment, also:
//!
//! 6. no fix is dropped (a dropped fix is a rule whose fix does not parse: a bug, which the
//!    command line reports as one, but not an invariant of the engine);
//! 7. fixing converges: nothing fixable remains, unless a fix was dropped;
//! 8. comments are kept: the fixed text has the comments of the source, in order (the README
//!    promises that only code changes).
//!
//! A failing assertion names the invariant; libFuzzer saves the input under
//! `fuzz/artifacts/fix/`.

#![no_main]

#[cfg(not(debug_assertions))]
compile_error!(
    "build the fuzz target with debug assertions (cargo fuzz's default; do not pass --release \
     without --debug-assertions)"
);

use std::path::Path;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use migrate_engine::ast::PySourceType;
use migrate_engine::ast::token::TokenKind;
use migrate_engine::checker::RuleSet;
use migrate_engine::lint;
use migrate_engine::text_size::Ranged;

fn rules() -> &'static RuleSet {
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

fuzz_target!(|data: &[u8]| {
    let Ok(source) = std::str::from_utf8(data) else {
        return;
    };
    let path = if data.len() % 4 == 3 {
        Path::new("fuzz.pyi")
    } else {
        Path::new("fuzz.py")
    };
    check_invariants(source, path, rules());
});

fn strict() -> bool {
    static STRICT: OnceLock<bool> = OnceLock::new();
    *STRICT.get_or_init(|| std::env::var_os("MIGRATE_FUZZ_STRICT").is_some_and(|v| v != "0"))
}

fn check_invariants(source: &str, path: &Path, rules: &RuleSet) {
    let parses = lint::parses(source, path);
    let checked = lint::check(source, path, rules);
    let fixed = lint::fix(source, path, rules);
    let (diagnostics, fixed) = match (checked, fixed) {
        (Err(_), Err(_)) => {
            assert!(
                !parses,
                "2: check reports a syntax error in a source that parses"
            );
            return;
        }
        (Ok(diagnostics), Ok(fixed)) => (diagnostics, fixed),
        (checked, fixed) => panic!(
            "2: check and fix disagree on whether the input parses: check {:?}, fix {:?}",
            checked.map(|d| d.len()),
            fixed.map(|f| f.fixed)
        ),
    };
    if !parses {
        // `check` need not parse a source in which no rule can report (the prefilter); then
        // it reports nothing, and `fix` changes nothing.
        assert!(
            diagnostics.is_empty() && fixed.text == source && fixed.fixed == 0,
            "2: findings or fixes in a source that does not parse"
        );
        return;
    }

    // The prefilter only skips sources in which no rule reports.
    assert_eq!(
        diagnostics,
        lint::check(source, path, unfiltered_rules()).expect("the source parses"),
        "5: the prefilter changes what check finds (may_report: {})",
        rules.may_report(source)
    );

    // 2. The fixed text parses.
    assert!(
        lint::parses(&fixed.text, path),
        "2: the fixed text does not parse:\n{}",
        fixed.text
    );

    // 5. No fixable finding: the text is left as it was.
    if !diagnostics
        .iter()
        .any(|diagnostic| diagnostic.fix.is_some())
    {
        assert_eq!(
            fixed.text, source,
            "5: fix changed a text in which check found nothing fixable"
        );
        assert_eq!(
            fixed.fixed, 0,
            "5: fix counted fixes that check did not offer"
        );
    }

    if strict() {
        assert!(
            fixed.dropped.is_empty(),
            "6: a fix was dropped: {:?}",
            fixed.dropped
        );
        assert!(
            !fixed.remaining.iter().any(|d| d.fix.is_some()),
            "7: fixable findings remain after fix: {:?}",
            fixed.remaining
        );
        assert_eq!(
            comments(source, path),
            comments(&fixed.text, path),
            "8: fix changed the comments"
        );
    }

    // `remaining` is what checking the fixed text reports.
    let rechecked = lint::check(&fixed.text, path, rules).expect("the fixed text parses");
    assert_eq!(
        fixed.remaining, rechecked,
        "fix's remaining findings differ from checking the fixed text"
    );

    // 3. A second fix is a no-op.
    let again = lint::fix(&fixed.text, path, rules).expect("the fixed text parses");
    assert_eq!(
        again.text, fixed.text,
        "3: fixing the fixed text changed it again"
    );
}

/// The text of every comment in `source`, in order.
fn comments<'s>(source: &'s str, path: &Path) -> Vec<&'s str> {
    let parsed = migrate_engine::parser::parse_unchecked_source(source, PySourceType::from(path));
    parsed
        .tokens()
        .iter()
        .filter(|token| token.kind() == TokenKind::Comment)
        .map(|token| &source[token.range()])
        .collect()
}
