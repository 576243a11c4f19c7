//! `migrate` over real packages (the corpus of `../shared/corpus/fetch.sh`), compared with
//! Ruff's NPY201. Slow and networked to set up, so ignored by default: `.ci/run` fetches the
//! corpus and Ruff, then runs these with `--ignored`, setting
//! `MIGRATE_CORPUS` (a folder with `before/`) and `MIGRATE_RUFF` (a `ruff` executable).

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::migrate;

fn corpus() -> PathBuf {
    let dir = std::env::var_os("MIGRATE_CORPUS").expect("MIGRATE_CORPUS names the corpus folder");
    let dir = PathBuf::from(dir);
    assert!(
        dir.join("before").is_dir(),
        "{} has no before/",
        dir.display()
    );
    dir
}

fn ruff() -> PathBuf {
    PathBuf::from(std::env::var_os("MIGRATE_RUFF").expect("MIGRATE_RUFF names a ruff executable"))
}

/// `path:line:col` of every finding in concise output lines that carry `code`.
fn locations(output: &str, code: impl Fn(&str) -> bool) -> BTreeSet<String> {
    output
        .lines()
        .filter_map(|line| {
            let mut parts = line.splitn(4, ':');
            let (path, row, column, rest) =
                (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
            let finding_code = rest.trim_start().split(' ').next()?;
            (row.parse::<u32>().is_ok() && code(finding_code))
                .then(|| format!("{path}:{row}:{column}"))
        })
        .collect()
}

fn ruff_npy201(dir: &Path, target: &str) -> BTreeSet<String> {
    let output = Command::new(ruff())
        .args([
            "check",
            "--select",
            "NPY201",
            "--no-cache",
            "--isolated",
            "--output-format",
            "concise",
            "--exit-zero",
            target,
        ])
        .current_dir(dir)
        .output()
        .expect("ruff runs");
    locations(&String::from_utf8(output.stdout).unwrap(), |code| {
        code == "NPY201"
    })
}

#[test]
#[ignore = "needs the corpus and ruff (run by .ci/run)"]
fn check_reports_every_location_ruff_reports() {
    let corpus = corpus();
    let run = migrate(&corpus, &["--check", "before"], None);
    // Exit 2 only for files that do not parse (the corpus has Python 2 files), never a crash.
    assert!(run.code == 1 || run.code == 2, "{}", run.stderr);
    for line in run.stderr.lines() {
        assert!(line.contains("syntax error"), "unexpected error: {line}");
    }
    let ours = locations(&run.stdout, |code| code.starts_with("NP"));
    let ruffs = ruff_npy201(&corpus, "before");
    let missed: Vec<&String> = ruffs.difference(&ours).collect();
    assert!(
        missed.is_empty(),
        "Ruff reports {} locations migrate does not: {missed:#?}",
        missed.len()
    );
    println!(
        "ruff: {} locations; migrate: {} locations, {} beyond ruff",
        ruffs.len(),
        ours.len(),
        ours.difference(&ruffs).count()
    );
}
