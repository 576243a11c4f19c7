//! Every `--output-format` through the binary, each checked by what reads it: JSON parsed
//! with Ruff's field names, SARIF validated against the SARIF 2.1.0 schema, JUnit parsed as
//! XML; the text formats, `--statistics`, `--show-fixes`, the exit-status flags, `-o`,
//! colors, and the progress bar (on a terminal only). Snapshots in `snapshots/` (paths as `[TMP]`).

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::{Run, migrate, migrate_with_env, repo_root, write};
use serde_json::Value;

/// `np.float_` (fixable), `np.who` (no replacement), and a second file with `np.NaN`.
fn project() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    write(
        &root,
        "pkg/a.py",
        "import numpy as np\n\nx = np.float_(1)\nnp.who()\n",
    );
    write(&root, "pkg/b.py", "import numpy as np\ny = [np.NaN]\n");
    write(&root, "pkg/clean.py", "import numpy as np\n");
    (dir, root)
}

fn run_format(root: &Path, format: &str) -> Run {
    let run = migrate(root, &["--output-format", format, "pkg"], None);
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(run.stderr, "");
    run
}

fn snapshot(name: &str, text: &str, root: &Path) {
    let text = text.replace(&root.display().to_string(), "[TMP]");
    insta::with_settings!({
        snapshot_path => "../snapshots",
        prepend_module_to_snapshot => false,
        omit_expression => true,
    }, {
        insta::assert_snapshot!(format!("formats@{name}"), text);
    });
}

#[test]
fn full_is_the_default_and_shows_the_code_and_the_fix() {
    let (_dir, root) = project();
    let run = migrate(&root, &["pkg"], None);
    assert_eq!(run.stdout, run_format(&root, "full").stdout);
    snapshot("full", &run.stdout, &root);
    snapshot("concise", &run_format(&root, "concise").stdout, &root);
}

/// Ruff's fields for a finding (`ruff check --output-format json`, Ruff 0.17), and for a fix
/// and an edit.
const RUFF_FIELDS: &[&str] = &[
    "cell",
    "code",
    "end_location",
    "filename",
    "fix",
    "location",
    "message",
    "name",
    "noqa_row",
    "severity",
    "url",
];

fn keys(value: &Value) -> Vec<&str> {
    value
        .as_object()
        .expect("an object")
        .keys()
        .map(String::as_str)
        .collect()
}

#[test]
fn json_has_ruffs_fields() {
    let (_dir, root) = project();
    let run = run_format(&root, "json");
    let findings: Vec<Value> = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(findings.len(), 3);
    for finding in &findings {
        assert_eq!(keys(finding), RUFF_FIELDS);
        assert_eq!(keys(&finding["location"]), ["column", "row"]);
        assert!(Path::new(finding["filename"].as_str().unwrap()).is_absolute());
    }
    let fixed = &findings[0];
    assert_eq!(fixed["code"], "NP201");
    assert_eq!(
        fixed["location"],
        serde_json::json!({"column": 5, "row": 3})
    );
    assert_eq!(
        fixed["end_location"],
        serde_json::json!({"column": 14, "row": 3})
    );
    assert_eq!(keys(&fixed["fix"]), ["applicability", "edits", "message"]);
    let edit = &fixed["fix"]["edits"][0];
    assert_eq!(keys(edit), ["content", "end_location", "location"]);
    assert_eq!(edit["content"], "float64");
    assert!(findings[1]["fix"].is_null());
    snapshot("json", &run.stdout, &root);

    // The same objects, one per line.
    let lines = run_format(&root, "json-lines");
    let objects: Vec<Value> = lines
        .stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(objects, findings);
}

#[test]
fn github_prints_workflow_annotations() {
    let (_dir, root) = project();
    let run = run_format(&root, "github");
    let first = run.stdout.lines().next().unwrap();
    assert_eq!(
        first,
        format!(
            "::error title=migrate (NP201),file={}/pkg/a.py,line=3,col=5,endLine=3,endColumn=14\
             ::pkg/a.py:3:5: NP201 `np.float_` was removed in NumPy 2.0%0A  help: Replace with \
             `np.float64`",
            root.display()
        )
    );
    snapshot("github", &run.stdout, &root);
}

fn sarif_validator() -> jsonschema::Validator {
    let schema_path = repo_root().join("tests/sarif/sarif-schema-2.1.0-rtm.5.json");
    let mut schema: Value =
        serde_json::from_str(&fs::read_to_string(schema_path).unwrap()).unwrap();
    // The one erratum of this schema that stops it compiling: the `language` pattern has a
    // stray `]`, which no Rust regex engine accepts. Use the pattern it means.
    let fixed = replace_strings(
        &mut schema,
        "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$",
        "^[a-zA-Z]{2}(-[a-zA-Z]{2})?$",
    );
    assert_eq!(fixed, 2, "the erratum is where it was");
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .build(&schema)
        .expect("the SARIF schema compiles")
}

/// Replace every string `old` in `value` with `new`; how many there were.
fn replace_strings(value: &mut Value, old: &str, new: &str) -> usize {
    match value {
        Value::String(text) if text == old => {
            *text = new.to_string();
            1
        }
        Value::Array(items) => items
            .iter_mut()
            .map(|item| replace_strings(item, old, new))
            .sum(),
        Value::Object(fields) => fields
            .values_mut()
            .map(|field| replace_strings(field, old, new))
            .sum(),
        _ => 0,
    }
}

fn schema_errors(validator: &jsonschema::Validator, log: &Value) -> Vec<String> {
    validator
        .iter_errors(log)
        .map(|error| format!("{} at {}", error, error.instance_path()))
        .collect()
}

#[test]
fn sarif_is_valid_sarif_2_1_0() {
    let (_dir, root) = project();
    let run = run_format(&root, "sarif");
    let log: Value = serde_json::from_str(&run.stdout).unwrap();
    let validator = sarif_validator();
    assert_eq!(schema_errors(&validator, &log), Vec::<String>::new());
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 3);
    assert_eq!(
        results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        format!("file://{}/pkg/a.py", root.display())
    );
    assert_eq!(
        results[0]["fixes"][0]["artifactChanges"][0]["replacements"][0]["insertedContent"]["text"],
        "float64"
    );
    let rules = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    assert_eq!(rules.len(), migrate_rules::RULES.len());

    // The validation has teeth: a result without its required message fails it, and so
    // does a wrong version.
    let mut broken = log.clone();
    broken["runs"][0]["results"][0]
        .as_object_mut()
        .unwrap()
        .remove("message");
    assert_ne!(schema_errors(&validator, &broken), Vec::<String>::new());
    let mut wrong_version = log.clone();
    wrong_version["version"] = "2.0.0".into();
    assert_ne!(
        schema_errors(&validator, &wrong_version),
        Vec::<String>::new()
    );
    snapshot("sarif", &run.stdout, &root);
}

#[test]
fn junit_is_xml_with_a_failing_case_per_finding() {
    let (_dir, root) = project();
    let run = run_format(&root, "junit");
    let document = roxmltree::Document::parse(&run.stdout).expect("well-formed XML");
    let suites = document.root_element();
    assert_eq!(suites.tag_name().name(), "testsuites");
    assert_eq!(suites.attribute("tests"), Some("3"));
    assert_eq!(suites.attribute("failures"), Some("3"));
    let suites: Vec<roxmltree::Node> = suites
        .children()
        .filter(|node| node.has_tag_name("testsuite"))
        .collect();
    let names: Vec<String> = suites
        .iter()
        .map(|suite| {
            suite
                .attribute("name")
                .unwrap()
                .replace(&root.display().to_string(), "[TMP]")
        })
        .collect();
    assert_eq!(names, ["[TMP]/pkg/a.py", "[TMP]/pkg/b.py"]);
    for suite in &suites {
        for case in suite
            .children()
            .filter(|node| node.has_tag_name("testcase"))
        {
            assert!(
                case.attribute("name")
                    .unwrap()
                    .starts_with("org.migrate.NP")
            );
            let failure = case
                .children()
                .find(|node| node.has_tag_name("failure"))
                .expect("each case fails");
            assert!(failure.attribute("message").is_some());
        }
    }
    snapshot("junit", &run.stdout, &root);

    // Nothing found: one passing case.
    let clean = migrate(&root, &["--output-format", "junit", "pkg/clean.py"], None);
    assert_eq!(clean.code, 0);
    let document = roxmltree::Document::parse(&clean.stdout).unwrap();
    assert_eq!(document.root_element().attribute("failures"), Some("0"));
}

#[test]
fn statistics_count_findings_per_rule() {
    let (_dir, root) = project();
    let text = migrate(&root, &["--statistics", "pkg"], None);
    assert_eq!(text.code, 1);
    assert_eq!(
        text.stdout,
        "3\tNP201\t[-] removed-name\nFound 3 issues (2 fixable) in 2 files (3 files checked).\n"
    );
    let json = migrate(
        &root,
        &["--statistics", "--output-format", "json", "pkg"],
        None,
    );
    let rows: Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(
        rows,
        serde_json::json!([{
            "code": "NP201", "name": "removed-name", "count": 3,
            "fixable": false, "fixable_count": 2
        }])
    );
    let unsupported = migrate(
        &root,
        &["--statistics", "--output-format", "sarif", "pkg"],
        None,
    );
    assert_eq!(unsupported.code, 2);
}

#[test]
fn show_fixes_lists_what_fix_fixed() {
    let (_dir, root) = project();
    let run = migrate(
        &root,
        &["--fix", "--show-fixes", "--output-format", "concise", "pkg"],
        None,
    );
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(
        run.stdout,
        "pkg/a.py:4:1: NP201 `np.who` was removed in NumPy 2.0. Removed with no replacement: \
         use a debugger or an IDE variable explorer, or list arrays yourself, e.g. `{k: \
         (v.shape, v.dtype) for k, v in vars().items() if isinstance(v, np.ndarray)}`\n\
         \n\
         Fixed 2 issues:\n\
         - pkg/a.py:\n    1 × NP201 (removed-name)\n\
         - pkg/b.py:\n    1 × NP201 (removed-name)\n\
         \n\
         Fixed 2 issues in 2 files.\n\
         Found 1 issue (0 fixable) in 1 file (3 files checked).\n"
    );
}

#[test]
fn exit_status_flags() {
    let (_dir, root) = project();
    let zero = migrate(&root, &["--exit-zero", "pkg"], None);
    assert_eq!(zero.code, 0);
    assert!(zero.stdout.contains("Found 3 issues"));

    // `--fix` that leaves nothing exits 0, unless asked to say it fixed something.
    let fixable = ["--fix", "pkg/b.py"];
    write(&root, "pkg/b.py", "import numpy as np\ny = [np.NaN]\n");
    assert_eq!(migrate(&root, &fixable, None).code, 0);
    write(&root, "pkg/b.py", "import numpy as np\ny = [np.NaN]\n");
    let on_fix = migrate(
        &root,
        &[&fixable[..], &["--exit-non-zero-on-fix"]].concat(),
        None,
    );
    assert_eq!(on_fix.code, 1, "{on_fix:?}");
    assert_eq!(
        fs::read_to_string(root.join("pkg/b.py")).unwrap(),
        "import numpy as np\ny = [np.nan]\n"
    );
    // Errors are errors still.
    write(&root, "pkg/broken.py", "import numpy as np\nx = (np.NaN\n");
    assert_eq!(migrate(&root, &["--exit-zero", "pkg"], None).code, 2);
}

#[test]
fn output_file_takes_the_report() {
    let (_dir, root) = project();
    let run = migrate(
        &root,
        &["--output-format", "json", "-o", "report.json", "pkg"],
        None,
    );
    assert_eq!((run.code, run.stdout.as_str()), (1, ""));
    let report: Vec<Value> =
        serde_json::from_str(&fs::read_to_string(root.join("report.json")).unwrap()).unwrap();
    assert_eq!(report.len(), 3);
    // Never colored, even when forced: a file is not a terminal.
    let forced = migrate_with_env(
        &root,
        &["-o", "report.txt", "pkg"],
        None,
        &[("FORCE_COLOR", "1")],
    );
    assert_eq!(forced.code, 1);
    assert!(
        !fs::read_to_string(root.join("report.txt"))
            .unwrap()
            .contains('\u{1b}')
    );
}

#[test]
fn colors_only_on_a_terminal_or_when_forced() {
    let (_dir, root) = project();
    let piped = migrate(&root, &["pkg"], None);
    assert!(!piped.stdout.contains('\u{1b}'));
    let forced = migrate_with_env(&root, &["pkg"], None, &[("FORCE_COLOR", "1")]);
    assert!(
        forced.stdout.contains("\u{1b}[1m\u{1b}[31mNP201\u{1b}[0m"),
        "{}",
        forced.stdout
    );
    let json = migrate_with_env(
        &root,
        &["--output-format", "json", "pkg"],
        None,
        &[("FORCE_COLOR", "1")],
    );
    assert!(!json.stdout.contains('\u{1b}'));
}

/// A folder of 400 files that need migrating.
fn many_files() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for index in 0..400 {
        write(
            dir.path(),
            &format!("m{index}.py"),
            "import numpy as np\nx = np.NaN\n",
        );
    }
    dir
}

#[test]
fn a_progress_bar_on_a_terminal() {
    let dir = many_files();
    // `script` (util-linux) runs the command on a pseudo-terminal and copies what it shows.
    let command = format!(
        "{} --output-format concise . > /dev/null",
        env!("CARGO_BIN_EXE_migrate")
    );
    let output = std::process::Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .current_dir(dir.path())
        .output()
        .expect("script (util-linux) runs");
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let screen = String::from_utf8_lossy(&output.stdout);
    assert!(screen.contains(" files "), "{screen:?}");
    // The bar is cleared before the report.
    assert!(screen.contains("\u{1b}[2K"), "{screen:?}");
}

#[test]
fn no_progress_bar_off_a_terminal() {
    let dir = many_files();
    let run = migrate(dir.path(), &["--output-format", "concise", "."], None);
    assert_eq!(run.code, 1);
    assert_eq!(run.stderr, "");
    assert_eq!(run.stdout.lines().count(), 401);
}

/// `json` and `sarif` stream their findings: their peak memory is that of `concise` (the
/// findings themselves), not kilobytes of JSON values more per finding (4.6 and 14 times as
/// much before, on this file).
#[test]
fn json_and_sarif_take_no_more_memory_than_concise() {
    if !Path::new("/usr/bin/time").exists() {
        eprintln!("NOTICE: no /usr/bin/time to measure peak memory; skipped");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let source = format!("import numpy as np\n{}", "np.float_\n".repeat(30_000));
    write(dir.path(), "many.py", source);
    let peak_kilobytes = |format: &str| -> u64 {
        let output = std::process::Command::new("/usr/bin/time")
            .args(["-f", "%M", env!("CARGO_BIN_EXE_migrate")])
            .args(["--output-format", format, "-o", "report", "many.py"])
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(1), "{format}: {output:?}");
        // `time` says the status first, then the peak.
        let stderr = String::from_utf8(output.stderr).unwrap();
        let peak = stderr.lines().last().expect("a peak");
        peak.parse().expect("peak memory in KB")
    };
    let concise = peak_kilobytes("concise");
    for format in ["json", "sarif"] {
        let peak = peak_kilobytes(format);
        assert!(
            peak * 4 <= concise * 5,
            "{format}: {peak} KB, concise {concise} KB"
        );
    }
}
