//! Configuration end to end: `[tool.migrate]` found per file, `--config`, `--isolated`, the
//! command line over the file, errors that name file, key and line, exclusions (with
//! `--force-exclude`), `per-file-ignores`, and `# migrate: noqa` for a whole file.

mod common;

use std::fs;
use std::path::Path;

use common::{Run, migrate, write};

/// `np.NaN` (NP201, fixable), a dtype string (NP203) and `np.trapz` (NP201, fixable only
/// when the floor is NumPy 2).
const SOURCE: &str =
    "import numpy as np\nx = np.zeros(1, dtype='int0') + np.NaN\ny = np.trapz([1])\n";

/// `path:code` of each finding.
fn findings(run: &Run) -> Vec<String> {
    run.stdout
        .lines()
        .filter(|line| !line.starts_with("Found"))
        .map(|line| {
            let mut parts = line.splitn(4, ':');
            let path = parts.next().unwrap_or_default();
            let code = parts
                .nth(2)
                .and_then(|rest| rest.split_whitespace().next())
                .unwrap_or_default();
            format!("{path}:{code}")
        })
        .collect()
}

fn concise(dir: &Path, args: &[&str]) -> Run {
    migrate(dir, &[&["--output-format", "concise"], args].concat(), None)
}

#[test]
fn the_nearest_pyproject_with_a_migrate_table_applies() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "pyproject.toml",
        "[project]\nname = 'x'\n\n[tool.migrate]\nselect = ['NP201']\n",
    );
    write(root, "a.py", SOURCE);
    // Its own table: only NP203 there.
    write(
        root,
        "dtypes/pyproject.toml",
        "[tool.migrate]\nselect = ['NP203']\n",
    );
    write(root, "dtypes/b.py", SOURCE);
    // A pyproject.toml without the table is passed over, as Ruff passes over one without
    // `[tool.ruff]`: the root's table applies.
    write(root, "plain/pyproject.toml", "[project]\nname = 'plain'\n");
    write(root, "plain/c.py", SOURCE);

    let run = concise(root, &["."]);
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(
        findings(&run),
        [
            "./a.py:NP201",
            "./a.py:NP201",
            "./dtypes/b.py:NP203",
            "./plain/c.py:NP201",
            "./plain/c.py:NP201"
        ]
    );
    // Run from inside a folder, or on one file: the same settings for the same file.
    let inside = concise(&root.join("dtypes"), &["b.py"]);
    assert_eq!(findings(&inside), ["b.py:NP203"]);
}

#[test]
fn the_command_line_overrides_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "pyproject.toml",
        "[tool.migrate]\nselect = ['NP201']\nmin-numpy = '1.22'\n",
    );
    write(root, "a.py", SOURCE);

    // The file's floor: `np.trapz` becomes `trapezoid` of a compatibility import (NumPy 2.0).
    let run = concise(root, &["a.py"]);
    assert!(
        run.stdout
            .contains("Import `np.trapezoid` where it exists (NumPy >= 2.0), else `np.trapz`"),
        "{}",
        run.stdout
    );
    let floor = concise(root, &["--min-numpy", "2.0", "a.py"]);
    assert!(
        floor.stdout.contains("a.py:3:5: NP201 [*]"),
        "{}",
        floor.stdout
    );

    // `--select` replaces the file's selection; `--ignore` adds to it.
    assert_eq!(
        findings(&concise(root, &["--select", "NP203", "a.py"])),
        ["a.py:NP203"]
    );
    assert_eq!(
        findings(&concise(root, &["--ignore", "NP201", "a.py"])),
        Vec::<String>::new()
    );
}

#[test]
fn config_and_isolated_choose_the_file_or_none() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "pyproject.toml",
        "[tool.migrate]\nselect = ['NP201']\n",
    );
    write(
        root,
        "sub/pyproject.toml",
        "[tool.migrate]\nselect = ['NP201']\n",
    );
    write(root, "sub/a.py", SOURCE);
    write(
        root,
        "ci/migrate.toml",
        "[tool.migrate]\nselect = ['NP203']\nextend-exclude = ['skipped']\n",
    );
    write(root, "skipped/b.py", SOURCE);

    assert_eq!(
        findings(&concise(root, &["--isolated", "sub/a.py"])),
        ["sub/a.py:NP203", "sub/a.py:NP201", "sub/a.py:NP201"]
    );
    // One file for every path; its globs are relative to the current folder.
    let fixed = concise(root, &["--config", "ci/migrate.toml", "."]);
    assert_eq!(findings(&fixed), ["./sub/a.py:NP203"], "{fixed:?}");

    let both = migrate(root, &["--isolated", "--config", "ci/migrate.toml"], None);
    assert_eq!(both.code, 2);
    let missing = migrate(root, &["--config", "nowhere.toml", "."], None);
    assert_eq!(missing.code, 2);
    assert!(
        missing
            .stderr
            .starts_with("error: nowhere.toml: cannot read:"),
        "{}",
        missing.stderr
    );
}

#[test]
fn errors_name_the_file_the_key_and_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "pyproject.toml",
        "[project]\nname = 'x'\n\n[tool.migrate]\nselect = ['NP201']\nselct = ['NP203']\n",
    );
    write(root, "a.py", SOURCE);
    let run = migrate(root, &["a.py"], None);
    assert_eq!(run.code, 2, "{run:?}");
    assert_eq!(
        run.stderr,
        format!(
            "error: {}:6: unknown key `selct` in [tool.migrate] (known keys: select, ignore, \
             exclude, extend-exclude, per-file-ignores, min-numpy, force-exclude)\n",
            root.join("pyproject.toml").display()
        )
    );

    // A broken file in one folder: the others are still checked, once it is reported once.
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "good/a.py", SOURCE);
    write(
        root,
        "bad/pyproject.toml",
        "[tool.migrate]\nmin-numpy = 'soon'\n",
    );
    write(root, "bad/a.py", SOURCE);
    write(root, "bad/deeper/b.py", SOURCE);
    let run = concise(root, &["--select", "NP203", "."]);
    assert_eq!(run.code, 2, "{run:?}");
    assert_eq!(findings(&run), ["./good/a.py:NP203"]);
    assert_eq!(
        run.stderr,
        format!(
            "error: {}:2: `min-numpy`: `soon` is not a version like `1.25`\n",
            root.join("bad/pyproject.toml").display()
        )
    );
}

#[test]
fn per_file_ignores_match_globs_and_names() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "pyproject.toml",
        "[tool.migrate.per-file-ignores]\n\"tests/*\" = [\"NP201\"]\n\"conftest.py\" = [\"NP2\"]\n\"!src/**\" = [\"NP203\"]\n",
    );
    for name in [
        "src/a.py",
        "tests/test_a.py",
        "src/conftest.py",
        "other/b.py",
    ] {
        write(root, name, SOURCE);
    }
    assert_eq!(
        findings(&concise(root, &["."])),
        [
            "./other/b.py:NP201",
            "./other/b.py:NP201",
            "./src/a.py:NP203",
            "./src/a.py:NP201",
            "./src/a.py:NP201",
        ]
    );
}

#[test]
fn exclusions_follow_ruff() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "pyproject.toml",
        "[tool.migrate]\nselect = ['NP203']\nextend-exclude = ['generated', 'legacy/*.py']\n",
    );
    for name in [
        "pkg/a.py",
        "pkg/generated/b.py",
        "generated/c.py",
        "legacy/d.py",
        "build/e.py",
    ] {
        write(root, name, SOURCE);
    }
    let files = |run: &Run| -> Vec<String> {
        findings(run)
            .into_iter()
            .map(|finding| finding.trim_end_matches(":NP203").to_string())
            .collect()
    };
    // `build` is excluded by default, `generated` anywhere, `legacy/*.py` under the root.
    assert_eq!(files(&concise(root, &["."])), ["./pkg/a.py"]);
    // From a subfolder, the globs are still relative to the configuration's folder.
    assert_eq!(
        files(&concise(&root.join("legacy"), &["."])),
        Vec::<String>::new()
    );
    // A file named on the command line is checked anyway...
    assert_eq!(
        files(&concise(root, &["legacy/d.py", "generated/c.py"])),
        ["generated/c.py", "legacy/d.py"]
    );
    // ...unless `--force-exclude` (as pre-commit, which names every file, needs).
    assert_eq!(
        files(&concise(
            root,
            &[
                "--force-exclude",
                "legacy/d.py",
                "generated/c.py",
                "pkg/a.py"
            ]
        )),
        ["pkg/a.py"]
    );
    // `exclude` replaces the defaults; `--extend-exclude` adds, relative to the current folder.
    write(
        root,
        "pyproject.toml",
        "[tool.migrate]\nselect = ['NP203']\nexclude = ['legacy']\n",
    );
    assert_eq!(
        files(&concise(root, &["--extend-exclude", "pkg/generated", "."])),
        ["./build/e.py", "./generated/c.py", "./pkg/a.py"]
    );
    assert_eq!(
        files(&concise(root, &["--exclude", "pkg,build,generated", "."])),
        ["./legacy/d.py"]
    );

    // Standard input named after an excluded file comes back as it was.
    let stdin = migrate(
        root,
        &[
            "--fix",
            "--force-exclude",
            "--stdin-filename",
            "legacy/x.py",
            "-",
        ],
        Some(SOURCE.as_bytes()),
    );
    assert_eq!(
        (stdin.code, stdin.stdout.as_str()),
        (0, SOURCE),
        "{stdin:?}"
    );
}

#[test]
fn migrate_noqa_silences_a_whole_file() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "all.py", format!("# migrate: noqa\n{SOURCE}"));
    write(
        root,
        "some.py",
        format!("{SOURCE}    # migrate: noqa: NP201\n"),
    );
    let run = concise(root, &["."]);
    assert_eq!(findings(&run), ["./some.py:NP203"]);
    let fixed = migrate(root, &["--fix", "."], None);
    assert_ne!(fixed.code, 2, "{fixed:?}");
    assert_eq!(
        fs::read_to_string(root.join("all.py")).unwrap(),
        format!("# migrate: noqa\n{SOURCE}")
    );
}
