//! Jupyter notebooks end to end: a fix rewrites only the `source` strings of the cells it
//! changes and keeps every other byte; positions are cells; bad notebooks are errors.

mod common;

use std::fs;
use std::path::Path;

use common::{fix_stdin, migrate, repo_root};

fn fixture(name: &str) -> String {
    fs::read_to_string(repo_root().join("tests/fixtures").join(name)).unwrap()
}

/// The notebook with each `(old, new)` replaced exactly once: what a fix must produce.
fn replaced(text: &str, replacements: &[(&str, &str)]) -> String {
    replacements
        .iter()
        .fold(text.to_string(), |text, (old, new)| {
            assert_eq!(text.matches(old).count(), 1, "{old} is not unique");
            text.replacen(old, new, 1)
        })
}

/// The keys of every object, in the order they are written.
fn keys_in_order(json: &str) -> Vec<&str> {
    json.lines()
        .filter_map(|line| line.trim_start().strip_prefix('"')?.split_once("\": "))
        .map(|(key, _)| key)
        .collect()
}

#[test]
fn fix_rewrites_only_the_changed_source_strings() {
    let original = fixture("NP201_notebook.ipynb");
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("nb.ipynb"), &original).unwrap();
    let run = migrate(dir.path(), &["--fix", "nb.ipynb"], None);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout.starts_with("Fixed 5 issues in 1 file.\n"),
        "{}",
        run.stdout
    );
    let fixed = fs::read_to_string(dir.path().join("nb.ipynb")).unwrap();

    // Byte for byte: the changed lines of the changed cells, nothing else (not the markdown,
    // the outputs, the magics, the `%%bash` cell, the `noqa` line, the final newline).
    let expected = replaced(
        &original,
        &[
            (
                "    \"from numpy import VisibleDeprecationWarning, ndarray\\n\",\n",
                "    \"from numpy import ndarray\\n\",\n    \"from numpy.exceptions import VisibleDeprecationWarning\\n\",\n",
            ),
            (
                "\"x = np.float_(1)  # café ☕\\n\"",
                "\"x = np.float64(1)  # café ☕\\n\"",
            ),
            ("\"z = np.NaN\"", "\"z = np.nan\""),
            (
                "v = np.cast[float](1)\"",
                "v = np.asarray(1).astype(float)\"",
            ),
            ("np.in1d(a, [1])", "np.isin(a, [1]).ravel()"),
        ],
    );
    assert_eq!(fixed, expected);
    assert_eq!(keys_in_order(&fixed), keys_in_order(&original));
    let parsed: serde_json::Value = serde_json::from_str(&fixed).expect("valid JSON");
    assert_eq!(parsed["cells"].as_array().unwrap().len(), 7);

    let again = migrate(dir.path(), &["--fix", "nb.ipynb"], None);
    assert_eq!(again.code, 0, "{again:?}");
    assert_eq!(
        fs::read_to_string(dir.path().join("nb.ipynb")).unwrap(),
        expected
    );
    assert!(
        again.stdout.starts_with("Found 0 issues"),
        "{}",
        again.stdout
    );
}

#[test]
fn escapes_indentation_and_the_missing_final_newline_are_kept() {
    let original = fixture("NP201_notebook_ascii.ipynb");
    let (fixed, code) = fix_stdin(original.as_bytes(), &["--stdin-filename", "a.ipynb"]);
    assert_eq!(code, 0);
    let expected = replaced(
        &original,
        &[
            ("np.product([1, 2]) # \\u00e9", "np.prod([1, 2]) # \\u00e9"),
            ("np.float_(np.NINF)", "np.float64(-np.inf)"),
        ],
    );
    assert_eq!(String::from_utf8(fixed).unwrap(), expected);
    assert!(!expected.ends_with('\n'));
}

#[test]
fn findings_are_reported_by_cell_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    fs::copy(
        repo_root().join("tests/fixtures/NP201_notebook.ipynb"),
        dir.path().join("nb.ipynb"),
    )
    .unwrap();
    fs::write(dir.path().join("a.py"), "import numpy as np\nnp.NaN\n").unwrap();
    // Folders are searched for notebooks too.
    let run = migrate(dir.path(), &["--output-format", "concise", "."], None);
    assert_eq!(run.code, 1, "{run:?}");
    let lines: Vec<&str> = run
        .stdout
        .lines()
        .map(|line| line.split(": NP").next().unwrap())
        .collect();
    assert_eq!(
        lines,
        [
            "./a.py:2:1",
            "./nb.ipynb:cell 2:2:19",
            "./nb.ipynb:cell 3:1:5",
            "./nb.ipynb:cell 5:2:5",
            "./nb.ipynb:cell 6:2:5",
            "./nb.ipynb:cell 7:2:12",
            "Found 6 issues (6 fixable) in 2 files (2 files checked).",
        ]
    );
}

fn write_notebook(dir: &Path, name: &str, text: &str) {
    fs::write(dir.join(name), text).unwrap();
}

#[test]
fn broken_notebooks_are_errors_and_stay_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let not_json = "{\"cells\": [\n";
    let syntax = r#"{"cells": [{"cell_type": "markdown", "source": "x"},
        {"cell_type": "code", "source": ["import numpy as np\n", "x = np.float_(\n"]}], "metadata": {}}"#;
    write_notebook(dir.path(), "broken.ipynb", not_json);
    write_notebook(dir.path(), "syntax.ipynb", syntax);
    write_notebook(
        dir.path(),
        "good.ipynb",
        r#"{"cells": [{"cell_type": "code", "source": "import numpy as np\nnp.NaN"}]}"#,
    );
    let run = migrate(dir.path(), &["--fix", "."], None);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr
            .contains("error: ./broken.ipynb: not a notebook: not valid JSON: EOF while parsing"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("error: ./syntax.ipynb: cell 2:3:1: syntax error:"),
        "{}",
        run.stderr
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("broken.ipynb")).unwrap(),
        not_json
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("syntax.ipynb")).unwrap(),
        syntax
    );
    // The good notebook beside them is fixed.
    assert_eq!(
        fs::read_to_string(dir.path().join("good.ipynb")).unwrap(),
        r#"{"cells": [{"cell_type": "code", "source": "import numpy as np\nnp.nan"}]}"#
    );
}

#[test]
fn nbformat_3_notebooks_are_checked_and_fixed_in_their_worksheets() {
    // nbformat 3 keeps cells in worksheets, a code cell's text under `input` and its
    // language on the cell; real packages still ship such notebooks.
    let original = r#"{
 "metadata": {"name": ""},
 "nbformat": 3,
 "nbformat_minor": 0,
 "worksheets": [
  {
   "cells": [
    {"cell_type": "heading", "level": 1, "metadata": {}, "source": ["np.NaN"]},
    {"cell_type": "code", "collapsed": false, "input": ["import numpy as np\n", "x = np.float_(1)"], "language": "python", "metadata": {}, "outputs": []}
   ],
   "metadata": {}
  },
  {
   "cells": [
    {"cell_type": "code", "input": "y = np.NaN", "language": "python", "metadata": {}, "outputs": []},
    {"cell_type": "code", "input": "z = np.NaN", "language": "julia", "metadata": {}, "outputs": []}
   ],
   "metadata": {}
  }
 ]
}
"#;
    let dir = tempfile::tempdir().unwrap();
    write_notebook(dir.path(), "old.ipynb", original);
    let check = migrate(dir.path(), &["--check", "old.ipynb"], None);
    assert_eq!(check.code, 1, "{check:?}");
    assert!(check.stdout.contains("old.ipynb:cell 2:2:5"), "{check:?}");
    assert!(check.stdout.contains("old.ipynb:cell 3:1:5"), "{check:?}");
    assert!(check.stdout.contains("Found 2 issues"), "{check:?}");

    let fix = migrate(dir.path(), &["--fix", "old.ipynb"], None);
    assert_eq!(fix.code, 0, "{fix:?}");
    let expected = replaced(
        original,
        &[
            ("\"x = np.float_(1)\"", "\"x = np.float64(1)\""),
            ("\"y = np.NaN\"", "\"y = np.nan\""),
        ],
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("old.ipynb")).unwrap(),
        expected
    );
    let again = migrate(dir.path(), &["--fix", "old.ipynb"], None);
    assert_eq!(again.code, 0, "{again:?}");
    assert_eq!(
        fs::read_to_string(dir.path().join("old.ipynb")).unwrap(),
        expected
    );
}
