//! The release-notes inventory (`rules/release_notes.toml`) through the real binary: every item
//! classified fix or report is reported on its own `check` snippet, by the rule it names where
//! it names one (`rule:NP218`), and an item classified fix is changed by `--fix` (the
//! rows' own examples prove what the fix writes under NumPy 1.26 and 2.5: tests/oracle.rs).

mod common;

use common::{fix_stdin, migrate, repo_root};
use serde::Deserialize;

#[derive(Deserialize)]
struct Inventory {
    change: Vec<Change>,
}

#[derive(Deserialize)]
struct Change {
    id: String,
    verdict: String,
    covered_by: Vec<String>,
    check: Option<String>,
}

/// The codes `migrate --check` reports on `source`.
fn reported_codes(source: &str) -> Vec<String> {
    let run = migrate(
        std::path::Path::new("."),
        &[
            "--check",
            "-",
            "--stdin-filename",
            "check.py",
            "--output-format",
            "concise",
        ],
        Some(source.as_bytes()),
    );
    run.stdout
        .lines()
        .filter_map(|line| line.strip_prefix("check.py:"))
        .filter_map(|rest| rest.split_whitespace().nth(1))
        .map(str::to_owned)
        .collect()
}

#[test]
fn every_fix_and_report_of_the_release_notes_is_found_on_its_check() {
    let text = std::fs::read_to_string(repo_root().join("rules/release_notes.toml"))
        .expect("inventory read");
    let inventory: Inventory = toml::from_str(&text).expect("inventory parses");
    let mut failures = Vec::new();
    let mut checked = 0;
    for change in &inventory.change {
        let Some(check) = &change.check else { continue };
        if change.verdict == "left-out" || change.covered_by.is_empty() {
            continue;
        }
        checked += 1;
        let codes = reported_codes(check);
        let named: Vec<&str> = change
            .covered_by
            .iter()
            .filter_map(|reference| reference.strip_prefix("rule:"))
            .collect();
        if codes.is_empty() {
            failures.push(format!("{}: nothing reported", change.id));
        } else if !named.is_empty() && !named.iter().any(|code| codes.iter().any(|c| c == code)) {
            failures.push(format!("{}: reported {codes:?}, not {named:?}", change.id));
        }
        if change.verdict == "fix" {
            let (fixed, _) = fix_stdin(check.as_bytes(), &["--stdin-filename", "check.py"]);
            if fixed == check.as_bytes() {
                failures.push(format!(
                    "{}: classified fix, left unchanged by --fix",
                    change.id
                ));
            }
        }
    }
    assert!(checked > 100, "only {checked} items have a check");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
