//! Tests of `rules/release_notes.toml`, the inventory of what NumPy 2.0–2.5's release notes
//! say broke: its rows are well formed, link rows of the tables that exist, every item with a
//! fix or a report is covered by a row, and `rules/README.md` lists what was left out.

use serde::Deserialize;

use crate::table::{Tables, tables};
use crate::version::Version;

const INVENTORY: &str = include_str!("../../../rules/release_notes.toml");
const README: &str = include_str!("../../../rules/README.md");
/// The heading of the README section that lists the items left out.
const LEFT_OUT_HEADING: &str = "### Left out";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Inventory {
    change: Vec<Change>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Change {
    id: String,
    release: String,
    section: String,
    summary: String,
    trigger: String,
    deprecated: Option<Version>,
    removed: Option<Version>,
    verdict: String,
    reason: String,
    covered_by: Vec<String>,
    check: Option<String>,
    runtime: Option<String>,
    /// The fix written out, for a fix that no row covers yet.
    after: Option<String>,
}

fn inventory() -> Vec<Change> {
    toml::from_str::<Inventory>(INVENTORY)
        .unwrap_or_else(|error| panic!("rules/release_notes.toml: {error}"))
        .change
}

/// Whether `reference` (`name:numpy.float_`, `argument:numpy.save:fix_imports`, ...) names a
/// row of the tables.
fn exists(tables: &Tables, reference: &str) -> bool {
    let Some((kind, what)) = reference.split_once(':') else {
        return false;
    };
    match kind {
        "name" => tables.names.iter().any(|row| row.path == what),
        "module" => tables.private_module(what).is_some(),
        "dtype" => tables.dtype_strings.iter().any(|row| row.old == what),
        "example" => tables.examples.iter().any(|row| row.name == what),
        "rule" => crate::CODES.contains(&what),
        "argument" => what.rsplit_once(':').is_some_and(|(function, argument)| {
            tables.arguments_of(function).any(|row| {
                row.keyword.as_deref() == Some(argument)
                    || row
                        .position
                        .is_some_and(|position| position.to_string() == argument)
            })
        }),
        _ => false,
    }
}

fn is_release(text: &str) -> bool {
    let parts: Vec<&str> = text.split('.').collect();
    parts.len() == 3
        && parts
            .iter()
            .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()))
}

fn is_kebab_case(text: &str) -> bool {
    !text.is_empty()
        && !text.starts_with('-')
        && !text.ends_with('-')
        && text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

#[test]
fn release_notes_rows_are_well_formed() {
    let tables = tables();
    let changes = inventory();
    let mut seen = rustc_hash::FxHashSet::default();
    for change in &changes {
        let id = &change.id;
        assert!(is_kebab_case(id), "`{id}`: ids are kebab-case");
        assert!(seen.insert(id), "`{id}` is listed twice");
        assert!(
            is_release(&change.release),
            "`{id}`: release `{}`",
            change.release
        );
        assert!(
            ["fix", "report", "left-out"].contains(&change.verdict.as_str()),
            "`{id}`: verdict `{}` is not fix, report or left-out",
            change.verdict
        );
        for text in [
            &change.section,
            &change.summary,
            &change.trigger,
            &change.reason,
        ] {
            assert!(!text.trim().is_empty(), "`{id}` has an empty field");
        }
        assert_eq!(
            change.check.is_some(),
            change.runtime.is_some(),
            "`{id}`: `check` and `runtime` go together"
        );
        assert!(
            change.after.is_none() || (change.verdict == "fix" && change.check.is_some()),
            "`{id}`: `after` is the fix of a `check`"
        );
        if let Some(runtime) = &change.runtime {
            assert!(
                ["error", "deprecation", "warning", "changed", "same"].contains(&runtime.as_str()),
                "`{id}`: runtime `{runtime}`"
            );
        }
        if let (Some(deprecated), Some(removed)) = (change.deprecated, change.removed) {
            assert!(deprecated <= removed, "`{id}`: removed before deprecated");
        }
        for reference in &change.covered_by {
            assert!(
                exists(tables, reference),
                "`{id}`: `{reference}` is not a row of rules/numpy2.toml or rules/private_modules.toml"
            );
        }
    }
}

/// Lists every item with a fix or a report that no row of the tables covers yet.
#[test]
fn release_notes_fixes_and_reports_are_covered() {
    let uncovered: Vec<String> = inventory()
        .iter()
        .filter(|change| change.verdict != "left-out" && change.covered_by.is_empty())
        .map(|change| format!("{} ({}): {}", change.id, change.verdict, change.trigger))
        .collect();
    assert!(
        uncovered.is_empty(),
        "{} items of rules/release_notes.toml have no row in the tables (`covered_by` is empty):\n{}",
        uncovered.len(),
        uncovered.join("\n")
    );
}

/// The README's "Left out" list is the left-out items, each `` - `id`: reason ``, in file order.
#[test]
fn readme_lists_every_left_out_item() {
    let (_, section) = README
        .split_once(LEFT_OUT_HEADING)
        .expect("rules/README.md has a `### Left out` section");
    let listed: Vec<&str> = section
        .lines()
        .skip(1)
        .take_while(|line| !line.starts_with('#'))
        .filter(|line| line.starts_with("- `"))
        .collect();
    let expected: Vec<String> = inventory()
        .iter()
        .filter(|change| change.verdict == "left-out")
        .map(|change| format!("- `{}`: {}", change.id, change.reason))
        .collect();
    assert_eq!(
        listed,
        expected,
        "rules/README.md's `{LEFT_OUT_HEADING}` list must be these lines:\n{}",
        expected.join("\n")
    );
}
