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
    let run = migrate(
        &corpus,
        &["--check", "--output-format", "concise", "before"],
        None,
    );
    // Exit 2 only for files that do not parse (the corpus has Python 2 files), never a crash.
    assert!(run.code == 1 || run.code == 2, "{}", run.stderr);
    for line in run.stderr.lines() {
        assert!(line.contains("syntax error"), "unexpected error: {line}");
    }
    // The prefilter never loses a finding: parsing every file finds the same.
    let unfiltered = migrate(
        &corpus,
        &[
            "--check",
            "--output-format",
            "concise",
            "--no-prefilter",
            "before",
        ],
        None,
    );
    assert_eq!(
        run.stdout, unfiltered.stdout,
        "the prefilter changes the findings"
    );
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

/// Every file under `root` (relative path, bytes).
fn files(root: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<(PathBuf, Vec<u8>)>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let bytes = std::fs::read(&path).unwrap();
                out.push((path.strip_prefix(root).unwrap().to_path_buf(), bytes));
            }
        }
    }
    let mut out = Vec::new();
    walk(root, root, &mut out);
    out.sort();
    out
}

/// The files whose names stderr's error lines give (`error: path: ...`).
fn error_files(stderr: &str) -> BTreeSet<String> {
    stderr
        .lines()
        .filter_map(|line| line.strip_prefix("error: ")?.split(": ").next())
        .map(str::to_string)
        .collect()
}

#[test]
#[ignore = "needs the corpus and ruff (run by .ci/run)"]
fn fix_whole_corpus() {
    let corpus = corpus();
    let copy = tempfile::tempdir().unwrap();
    let status = Command::new("cp")
        .arg("-r")
        .arg(corpus.join("before"))
        .arg(copy.path().join("before"))
        .status()
        .unwrap();
    assert!(status.success());
    let before = files(&copy.path().join("before"));

    let check = migrate(
        copy.path(),
        &["--check", "--output-format", "concise", "before"],
        None,
    );
    let unparsable_before = error_files(&check.stderr);
    let fix = migrate(copy.path(), &["--fix", "before"], None);
    assert!(fix.code == 1 || fix.code == 2, "{}", fix.stderr);
    // The only errors are the files that did not parse before; no fix was dropped.
    assert_eq!(
        error_files(&fix.stderr),
        unparsable_before,
        "{}",
        fix.stderr
    );
    assert!(!fix.stderr.contains("warning:"), "{}", fix.stderr);
    let fixed_count: usize = fix
        .stdout
        .lines()
        .find_map(|line| line.strip_prefix("Fixed ")?.split(' ').next()?.parse().ok())
        .expect("a `Fixed N issues` line");

    // Every changed file parses, for migrate's parser and for CPython's.
    let after = files(&copy.path().join("before"));
    assert_eq!(before.len(), after.len());
    let changed: Vec<&PathBuf> = before
        .iter()
        .zip(&after)
        .filter(|((_, old), (_, new))| old != new)
        .map(|((path, _), _)| path)
        .collect();
    let recheck = migrate(
        copy.path(),
        &["--check", "--output-format", "concise", "before"],
        None,
    );
    assert_eq!(
        error_files(&recheck.stderr),
        unparsable_before,
        "{}",
        recheck.stderr
    );
    let compile = Command::new("python3")
        .args([
            "-c",
            "import sys\nfor p in sys.argv[1:]:\n    compile(open(p, 'rb').read(), p, 'exec')",
        ])
        .args(
            changed
                .iter()
                .map(|path| copy.path().join("before").join(path)),
        )
        .output()
        .unwrap();
    assert!(
        compile.status.success(),
        "CPython rejects a fixed file: {}",
        String::from_utf8_lossy(&compile.stderr)
    );

    // A second fix changes nothing.
    let again = migrate(copy.path(), &["--diff", "before"], None);
    assert!(
        again.stdout.is_empty(),
        "a second fix would change:\n{}",
        again.stdout
    );

    // What Ruff still finds, migrate reports and has no fix for.
    let ours_unfixable = locations(&recheck.stdout, |code| code.starts_with("NP"));
    let fixable_left = locations(
        &recheck
            .stdout
            .lines()
            .filter(|line| line.contains("[*]"))
            .collect::<Vec<_>>()
            .join("\n"),
        |code| code.starts_with("NP"),
    );
    assert!(
        fixable_left.is_empty(),
        "fixable findings left after --fix: {fixable_left:#?}"
    );
    let ruff_left = ruff_npy201(copy.path(), "before");
    let unknown: Vec<&String> = ruff_left.difference(&ours_unfixable).collect();
    assert!(
        unknown.is_empty(),
        "Ruff finds what migrate does not report: {unknown:#?}"
    );
    println!(
        "corpus --fix: {} files, {} changed, {fixed_count} findings fixed, 0 dropped, 0 unparsable; \
         left: {} findings without a fix ({} of them Ruff's)",
        before.len(),
        changed.len(),
        ours_unfixable.len(),
        ruff_left.len()
    );
}
