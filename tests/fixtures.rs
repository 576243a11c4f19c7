//! One fixture per rule and import form (`tests/fixtures/*.py`), and notebooks
//! (`tests/fixtures/*.ipynb`), run through the binary.
//! The snapshot shows what `migrate` reports (with code frames) and the diff `--fix` makes;
//! the test also checks that the fixed file parses and that fixing it again changes nothing.

mod common;

use std::fs;
use std::path::Path;

use common::migrate;

/// Extra arguments from a first line such as `# args: --min-numpy 1.22`.
fn fixture_args(source: &str) -> Vec<&str> {
    source
        .lines()
        .next()
        .and_then(|line| line.strip_prefix("# args:"))
        .map(|args| args.split_whitespace().collect())
        .unwrap_or_default()
}

fn snapshot_of(path: &Path) -> String {
    let source = fs::read_to_string(path).unwrap();
    let name = path.file_name().unwrap().to_str().unwrap();
    let folder = path.parent().unwrap();
    let args = fixture_args(&source);
    let with = |extra: &[&'static str]| -> Vec<&str> { [&args[..], extra, &[name]].concat() };

    let check = migrate(folder, &with(&["--output-format", "full"]), None);
    assert_ne!(check.code, 2, "{name}: {}", check.stderr);
    // The prefilter never loses a finding.
    let unfiltered = migrate(
        folder,
        &with(&["--output-format", "full", "--no-prefilter"]),
        None,
    );
    assert_eq!(
        check.stdout, unfiltered.stdout,
        "{name}: the prefilter changes the findings"
    );
    let diff = migrate(folder, &with(&["--diff"]), None);
    assert_ne!(diff.code, 2, "{name}: {}", diff.stderr);

    // Fix a copy: the result parses (checking it is not an error) and a second fix is a no-op.
    let copy = tempfile::tempdir().unwrap();
    fs::copy(path, copy.path().join(name)).unwrap();
    let fixed = migrate(copy.path(), &with(&["--fix"]), None);
    assert_ne!(fixed.code, 2, "{name}: {}", fixed.stderr);
    let again = migrate(copy.path(), &with(&["--diff"]), None);
    assert_eq!(
        again.code, 0,
        "{name}: a second fix would change:\n{}",
        again.stdout
    );
    assert!(again.stdout.is_empty());

    format!(
        "exit code {}\n{}\n--- the diff of `--fix` ---\n{}",
        check.code, check.stdout, diff.stdout
    )
}

#[test]
fn fixtures() {
    insta::glob!("fixtures/*.{py,ipynb}", |path| {
        let snapshot = snapshot_of(path);
        insta::with_settings!({
            snapshot_path => "../snapshots",
            prepend_module_to_snapshot => false,
            omit_expression => true,
        }, {
            insta::assert_snapshot!(snapshot);
        });
    });
}
