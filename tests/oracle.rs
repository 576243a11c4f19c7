//! The oracle: every row of `rules/numpy2.toml`, through the `migrate` binary and real NumPy.
//!
//! Each `[[name]]` and `[[dtype_string]]` row carries an `example` (rules/README.md). For every
//! row this test proves:
//!
//! 1. With a fix: `migrate --fix - --min-numpy 2.0` turns `before` into exactly `after`, and
//!    `before` under NumPy 1.26 and the fixed source under NumPy 2 (with
//!    `-W error::DeprecationWarning`) both exit 0 and print the same. A row with
//!    `existed = false` has nothing to run on 1.x: its fixed source runs under NumPy 2 and its
//!    `before` fails under both.
//! 2. Without a fix: `migrate -` reports the row, `--fix` leaves the source byte-identical,
//!    `before` runs under NumPy 1.26 and fails under NumPy 2 once the row's `removed` (or
//!    `deprecated`) version is at or below that interpreter's.
//! 3. `fix_since` above 1.24: with `--min-numpy 1.24` the fix is not applied and the finding
//!    says which NumPy it needs.
//! 4. Removed before 1.25 (`np.int` & co): `before` fails under 1.26, so the runs of 1. and 2.
//!    use NumPy 1.23.5 for it.
//!
//! Two more follow from the same runs and test the table's own version data:
//!
//! 5. A row with a fix is needed: `before` fails under NumPy 2 (with the warning filter) once
//!    it is removed or deprecated there, as 2. asks of rows without one.
//! 6. `fix_since` holds: when it is 1.26 or older (or absent: every 1.x), the fixed source also
//!    runs under NumPy 1.26 and prints the same.
//! 7. An example with a `floor` below `fix_since` (a compatibility form that works from the
//!    floor up): `--fix --min-numpy <floor>` makes `floor_after`, which runs under NumPy 1.26
//!    (1.23 too for a floor below 1.25) and NumPy 2 and prints what `before` printed. Such
//!    rows skip 3.
//!
//! All failures are collected and reported together, row by row.
//!
//! The interpreters are virtualenvs `np1` (numpy==1.26.4), `np2` (the newest 2.x, made with
//! the newest Python from 3.12 on where the machine has one: NumPy 2.5 needs 3.12) and `np123`
//! (numpy==1.23.5) in `$MIGRATE_ORACLE_DIR`, else `target/oracle`; a missing one is created
//! (which needs `python3` with `venv` and `pip`, and fails the test without them).
//! `tests/oracle/runner.py` runs all the snippets of one interpreter in one process, forking a
//! child per snippet, so the Python side costs seconds rather than minutes.

mod common;

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::thread;
use std::time::Instant;

use migrate_rules::CODES;
use migrate_rules::table::tables;
use migrate_rules::version::Version;
use serde::{Deserialize, Serialize};

use common::Run;
use common::venv::{ensure_venv, ensure_venv_with, python_3_12_or_newer, python_command};

const TABLE: &str = "rules/numpy2.toml";
const PRIVATE_MODULES: &str = "rules/private_modules.toml";
/// `--min-numpy` for the fix itself, and for the version gating of property 3.
const MIN_NUMPY: &str = "2.0";
const GATED_MIN_NUMPY: Version = Version::new(1, 24);

// ---------------------------------------------------------------------------------------------
// The table
// ---------------------------------------------------------------------------------------------

/// One row of a table, as the checks see it.
struct Row {
    /// The table it is in.
    file: &'static str,
    /// How failures name it: `numpy.byte_bounds`, `dtype_string "a"`.
    label: String,
    /// Its line in the table.
    line: usize,
    /// The rule that reports it.
    code: &'static str,
    /// What a finding about the row mentions: `byte_bounds`, `"a"`.
    mentions: String,
    fixable: bool,
    existed: bool,
    removed: Option<Version>,
    deprecated: Option<Version>,
    fix_since: Option<Version>,
    before: String,
    after: Option<String>,
    /// A floor below `fix_since` and what `--fix` makes of `before` for it (`floor_after`).
    floor: Option<(Version, String)>,
}

impl Row {
    /// The NumPy whose `before` run is the reference: 1.23 for the names 1.24 removed.
    fn old_numpy(&self) -> Numpy {
        match self.removed {
            Some(removed) if removed < Version::new(1, 25) => Numpy::V1_23,
            _ => Numpy::V1_26,
        }
    }

    /// Whether the row is removed or deprecated in `numpy`, so that `before` must fail there.
    fn gone_in(&self, numpy: Version) -> bool {
        [self.removed, self.deprecated]
            .into_iter()
            .flatten()
            .any(|version| version <= numpy)
    }

    /// Why `before` must fail in `numpy`: `removed = "2.0"`, `deprecated = "1.23"`.
    fn gone_since(&self, numpy: Version) -> String {
        match (self.removed, self.deprecated) {
            (Some(removed), _) if removed <= numpy => format!("removed = \"{removed}\""),
            (_, Some(deprecated)) if deprecated <= numpy => {
                format!("deprecated = \"{deprecated}\"")
            }
            _ => format!("not gone in {numpy}"),
        }
    }
}

/// The rows of the tables that have an example, and how many rows there are; a row that
/// cannot be checked (no example, or half of one) is a failure.
fn load_rows(failures: &mut Failures) -> (Vec<Row>, usize) {
    let read = |table: &'static str| {
        let text = fs::read_to_string(common::repo_root().join(table)).expect("the table reads");
        move |key_line: String| {
            let line = text
                .lines()
                .position(|line| line.trim() == key_line)
                .map_or(0, |index| index + 1);
            (table, line)
        }
    };
    let names_table = read(TABLE);
    let modules_table = read(PRIVATE_MODULES);
    let tables = tables();
    let base = |(file, line): (&'static str, usize),
                label: String,
                code: &'static str,
                mentions: String| Row {
        file,
        line,
        label,
        code,
        mentions,
        fixable: false,
        existed: true,
        removed: None,
        deprecated: None,
        fix_since: None,
        before: String::new(),
        after: None,
        floor: None,
    };

    let mut rows = Vec::new();
    // `[[name]]` rows (members of private modules are rows too, proved by their module's).
    for row in tables.names.iter().filter(|row| row.module.is_none()) {
        let mentions = row.path.rsplit('.').next().unwrap_or_default().to_string();
        let at = names_table(format!("path = \"{}\"", row.path));
        rows.push((
            Row {
                fixable: row.fix().is_some(),
                existed: row.existed,
                removed: row.removed,
                deprecated: row.deprecated,
                fix_since: row.fix_since,
                ..base(at, row.path.clone(), "NP201", mentions)
            },
            row.example
                .as_ref()
                .map(|e| (&e.before, &e.after, floor_of(e.floor, &e.floor_after))),
        ));
    }
    for row in &tables.dtype_strings {
        let at = names_table(format!("old = \"{}\"", row.old));
        rows.push((
            Row {
                fixable: true,
                removed: row.removed,
                deprecated: row.deprecated,
                ..base(
                    at,
                    format!("dtype_string \"{}\"", row.old),
                    "NP203",
                    format!("\"{}\"", row.old),
                )
            },
            row.example
                .as_ref()
                .map(|e| (&e.before, &e.after, floor_of(e.floor, &e.floor_after))),
        ));
    }
    for row in &tables.private_modules {
        let mentions = row.path.rsplit('.').next().unwrap_or_default().to_string();
        let at = modules_table(format!("path = \"{}\"", row.path));
        let example = row.example.as_ref();
        rows.push((
            Row {
                fixable: example.is_some_and(|e| e.after.is_some()),
                removed: row.removed,
                deprecated: row.deprecated,
                ..base(at, row.path.clone(), "NP202", mentions)
            },
            example.map(|e| (&e.before, &e.after, floor_of(e.floor, &e.floor_after))),
        ));
    }
    for row in &tables.arguments {
        let (key, mentions) = match (&row.keyword, row.position) {
            (Some(keyword), _) => (format!("keyword = \"{keyword}\""), format!("{keyword}=")),
            (None, position) => (
                format!("position = {}", position.unwrap_or_default()),
                "positional".to_string(),
            ),
        };
        let fixable = row.rename.is_some()
            || row.remove
            || row.to_position.is_some()
            || row.to_keyword.is_some()
            || row.replace_value.is_some();
        let label = format!("argument {mentions} of {}", row.functions.join(", "));
        rows.push((
            Row {
                fixable,
                removed: row.removed,
                deprecated: row.deprecated,
                fix_since: row.fix_since,
                ..base(names_table(key), label, "NP214", mentions)
            },
            row.example
                .as_ref()
                .map(|e| (&e.before, &e.after, floor_of(e.floor, &e.floor_after))),
        ));
    }
    for row in &tables.examples {
        let code = CODES
            .iter()
            .find(|code| **code == row.code)
            .unwrap_or_else(|| panic!("example `{}`: unknown code {}", row.name, row.code));
        let at = names_table(format!("name = \"{}\"", row.name));
        rows.push((
            Row {
                fixable: row.after.is_some(),
                removed: row.removed,
                deprecated: row.deprecated,
                ..base(at, format!("example \"{}\"", row.name), code, String::new())
            },
            Some((
                &row.before,
                &row.after,
                floor_of(row.floor, &row.floor_after),
            )),
        ));
    }

    rows.sort_by_key(|(row, _)| (row.file, row.line));
    let total = rows.len();
    let rows = rows
        .into_iter()
        .filter_map(|(mut row, example)| {
            let Some((before, after, floor)) = example else {
                failures.add(&row, "has no `example`: nothing proves it".to_string());
                return None;
            };
            if row.fixable && after.is_none() {
                failures.add(&row, "has a fix but no `example.after`".to_string());
            }
            if !row.fixable && after.is_some() {
                failures.add(&row, "has `example.after` but no fix".to_string());
            }
            match floor {
                Ok(floor) => row.floor = floor,
                Err(why) => failures.add(&row, why),
            }
            row.before = before.clone();
            row.after = after.clone();
            Some(row)
        })
        .collect();
    (rows, total)
}

/// `floor` and `floor_after` of an example: both or neither.
fn floor_of(
    floor: Option<Version>,
    floor_after: &Option<String>,
) -> Result<Option<(Version, String)>, String> {
    match (floor, floor_after) {
        (Some(floor), Some(after)) => Ok(Some((floor, after.clone()))),
        (None, None) => Ok(None),
        _ => Err("`floor` and `floor_after` go together".to_string()),
    }
}

// ---------------------------------------------------------------------------------------------
// Failures, collected and reported together
// ---------------------------------------------------------------------------------------------

#[derive(Default)]
struct Failures(BTreeMap<(&'static str, usize, String), Vec<String>>);

impl Failures {
    fn add(&mut self, row: &Row, why: String) {
        self.0
            .entry((row.file, row.line, row.label.clone()))
            .or_default()
            .push(why);
    }

    fn assert_none(self, rows: usize) {
        if self.0.is_empty() {
            return;
        }
        let mut report = String::new();
        for ((file, line, label), reasons) in &self.0 {
            report.push_str(&format!("\n=== {label} ({file}:{line})\n"));
            for reason in reasons {
                report.push_str(&format!("- {}\n", reason.replace('\n', "\n  ")));
            }
        }
        panic!(
            "{} of {rows} rows of the tables fail the oracle:\n{report}",
            self.0.len()
        );
    }
}

/// Where two texts part, for a failure message: `line 3: "a" != "b"`.
fn first_difference(expected: &str, actual: &str) -> String {
    let mut expected_lines = expected.split_inclusive('\n');
    let mut actual_lines = actual.split_inclusive('\n');
    for line in 1.. {
        match (expected_lines.next(), actual_lines.next()) {
            (Some(want), Some(got)) if want == got => continue,
            (None, None) => break,
            (want, got) => {
                return format!(
                    "line {line}: expected {:?}, got {:?}",
                    want.unwrap_or("(end)"),
                    got.unwrap_or("(end)")
                );
            }
        }
    }
    "no difference".to_string()
}

/// `text` as an indented block whose line ends can be seen.
fn block(text: &str) -> String {
    if text.is_empty() {
        return "    (nothing)".to_string();
    }
    text.lines()
        .map(|line| format!("    |{line}"))
        .collect::<Vec<_>>()
        .join("\n")
        + if text.ends_with('\n') {
            ""
        } else {
            "\n    (no newline at the end)"
        }
}

// ---------------------------------------------------------------------------------------------
// What `migrate` makes of each row
// ---------------------------------------------------------------------------------------------

/// `migrate` on one row's `before`.
struct Migrated {
    /// `--fix -` with `--min-numpy 2.0`.
    fix: Run,
    /// `-` (check) with `--min-numpy 2.0`.
    check: Run,
    /// `--fix -` and `-` with `--min-numpy 1.24`, for rows whose fix needs a newer NumPy.
    gated: Option<(Run, Run)>,
    /// `--fix -` with `--min-numpy` the example's `floor`.
    floor_fix: Option<Run>,
}

impl Migrated {
    /// The fixed source, when `--fix` worked.
    fn fixed_source(&self) -> Option<&str> {
        matches!(self.fix.code, 0 | 1).then_some(self.fix.stdout.as_str())
    }
}

fn migrate_rows(rows: &[Row]) -> Vec<Migrated> {
    let cwd = tempfile::tempdir().expect("a temporary folder");
    let run = |mode: &[&str], source: &str, min_numpy: &str| {
        let args = [
            mode,
            &[
                "--stdin-filename",
                "example.py",
                "--min-numpy",
                min_numpy,
                "--output-format",
                "concise",
            ],
        ]
        .concat();
        common::migrate(cwd.path(), &args, Some(source.as_bytes()))
    };
    let gated = GATED_MIN_NUMPY.to_string();
    parallel_map(rows, |row| Migrated {
        fix: run(&["--fix", "-"], &row.before, MIN_NUMPY),
        check: run(&["-"], &row.before, MIN_NUMPY),
        floor_fix: row
            .floor
            .as_ref()
            .map(|(floor, _)| run(&["--fix", "-"], &row.before, &floor.to_string())),
        // A row with a `floor` example proves its form below `fix_since` (7.) instead.
        gated: row
            .fix_since
            .filter(|since| *since > GATED_MIN_NUMPY && row.floor.is_none())
            .map(|_| {
                (
                    run(&["--fix", "-"], &row.before, &gated),
                    run(&["-"], &row.before, &gated),
                )
            }),
    })
}

fn describe_run(run: &Run) -> String {
    format!(
        "exit {}, stdout:\n{}\n  stderr:\n{}",
        run.code,
        block(&run.stdout),
        block(&run.stderr)
    )
}

/// `f` over `items` on a few threads, results in order.
fn parallel_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = thread::available_parallelism()
        .map_or(2, |n| n.get())
        .max(2);
    let chunk = items.len().div_ceil(threads).max(1);
    let f = &f;
    thread::scope(|scope| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .map(|part| scope.spawn(move || part.iter().map(f).collect::<Vec<_>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|handle| handle.join().expect("a migrate thread"))
            .collect()
    })
}

// ---------------------------------------------------------------------------------------------
// The interpreters
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Numpy {
    V1_23,
    V1_26,
    V2,
}

impl Numpy {
    const ALL: [Numpy; 3] = [Numpy::V1_26, Numpy::V2, Numpy::V1_23];

    fn venv(self) -> &'static str {
        match self {
            Numpy::V1_23 => "np123",
            Numpy::V1_26 => "np1",
            Numpy::V2 => "np2",
        }
    }

    fn requirement(self) -> &'static str {
        match self {
            Numpy::V1_23 => "numpy==1.23.5",
            Numpy::V1_26 => "numpy==1.26.4",
            Numpy::V2 => "numpy>=2,<3",
        }
    }

    fn accepts(self, version: Version) -> bool {
        match self {
            Numpy::V1_23 => version == Version::new(1, 23),
            Numpy::V1_26 => version == Version::new(1, 26),
            Numpy::V2 => version.major == 2,
        }
    }

    /// The venv's python, made on first use. NumPy 2 comes from the newest Python from 3.12
    /// on where there is one (NumPy 2.5 needs 3.12), so that it is the newest NumPy 2.
    fn python(self, root: &Path) -> PathBuf {
        let newest = (self == Numpy::V2).then(python_3_12_or_newer).flatten();
        let Some(interpreter) = newest else {
            return ensure_venv(
                root,
                self.venv(),
                self.requirement(),
                &["-c", "import numpy"],
            );
        };
        let version = python_command(&interpreter)
            .args(["-c", "import sys; print('%d.%d' % sys.version_info[:2])"])
            .output()
            .map(|output| String::from_utf8_lossy(&output.stdout).trim().to_string())
            .unwrap_or_default();
        let probe =
            format!("import sys, numpy; assert '%d.%d' % sys.version_info[:2] == '{version}'");
        ensure_venv_with(
            &interpreter,
            root,
            self.venv(),
            self.requirement(),
            &["-c", &probe],
        )
    }

    /// NumPy 2 runs turn DeprecationWarning into errors (`-W error::DeprecationWarning`).
    fn deprecation_errors(self) -> bool {
        self == Numpy::V2
    }
}

fn oracle_dir() -> PathBuf {
    match std::env::var_os("MIGRATE_ORACLE_DIR") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => common::repo_root().join("target/oracle"),
    }
}

// ---------------------------------------------------------------------------------------------
// Running the snippets
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Snippet {
    /// The row's `example.before`.
    Before,
    /// What `migrate --fix` made of it.
    Fixed,
    /// What `migrate --fix --min-numpy <floor>` made of it.
    FloorFixed,
}

#[derive(Serialize)]
struct Job<'a> {
    id: String,
    source: &'a str,
    deprecation_errors: bool,
}

#[derive(Deserialize)]
struct RunnerReport {
    numpy: String,
    python: String,
    results: Vec<Outcome>,
}

/// One snippet's run.
#[derive(Deserialize)]
struct Outcome {
    id: String,
    /// The exit code; minus the signal when the snippet was killed.
    status: i32,
    stdout: String,
    stderr: String,
}

impl Outcome {
    fn ok(&self) -> bool {
        self.status == 0
    }

    fn describe(&self) -> String {
        if self.ok() {
            return format!("exit 0, printed:\n{}", block(&self.stdout));
        }
        let status = if self.status == -14 {
            "killed by SIGALRM: over the runner's time limit".to_string()
        } else if self.status < 0 {
            format!("killed by signal {}", -self.status)
        } else {
            format!("exit {}", self.status)
        };
        let stderr: Vec<&str> = self.stderr.lines().collect();
        let tail = stderr[stderr.len().saturating_sub(4)..]
            .iter()
            .map(|line| format!("{line}\n"))
            .collect::<String>();
        format!(
            "{status}, printed:\n{}\n  error:\n{}",
            block(&self.stdout),
            block(&tail)
        )
    }
}

/// Every run of every snippet, by row, snippet and interpreter.
struct Runs {
    outcomes: HashMap<(usize, Snippet, Numpy), Outcome>,
    versions: HashMap<Numpy, String>,
    /// "NumPy 2.5.5 on Python 3.13.0", for the summary.
    interpreters: HashMap<Numpy, String>,
}

impl Runs {
    fn get(&self, row: usize, snippet: Snippet, numpy: Numpy) -> Option<&Outcome> {
        self.outcomes.get(&(row, snippet, numpy))
    }

    /// The run the plan promised; only a bug in this test lacks it.
    fn expect(&self, row: usize, snippet: Snippet, numpy: Numpy) -> &Outcome {
        self.get(row, snippet, numpy)
            .unwrap_or_else(|| panic!("no run of row {row} {snippet:?} under {numpy:?}"))
    }

    /// How failure messages name an interpreter: `NumPy 2.4.6 with -W error::DeprecationWarning`.
    fn name(&self, numpy: Numpy) -> String {
        let filter = if numpy.deprecation_errors() {
            " with -W error::DeprecationWarning"
        } else {
            ""
        };
        format!("NumPy {}{filter}", self.versions[&numpy])
    }

    fn numpy2(&self) -> Version {
        self.versions[&Numpy::V2].parse().expect("a NumPy version")
    }
}

/// Which snippets each property needs, under which NumPy.
fn plan(rows: &[Row], migrated: &[Migrated]) -> Vec<(usize, Snippet, Numpy)> {
    let mut plan = Vec::new();
    for (index, (row, migrated)) in rows.iter().zip(migrated).enumerate() {
        plan.push((index, Snippet::Before, Numpy::V1_26));
        plan.push((index, Snippet::Before, Numpy::V2));
        if row.old_numpy() == Numpy::V1_23 {
            plan.push((index, Snippet::Before, Numpy::V1_23));
        }
        if let Some((floor, _)) = &row.floor
            && migrated.floor_fix.as_ref().is_some_and(|run| run.code <= 1)
        {
            let below_1_25 = *floor < Version::new(1, 25);
            if below_1_25 && row.old_numpy() != Numpy::V1_23 {
                plan.push((index, Snippet::Before, Numpy::V1_23));
            }
            for numpy in [Numpy::V1_26, Numpy::V2] {
                plan.push((index, Snippet::FloorFixed, numpy));
            }
            if below_1_25 {
                plan.push((index, Snippet::FloorFixed, Numpy::V1_23));
            }
        }
        if row.fixable && migrated.fixed_source().is_some() {
            plan.push((index, Snippet::Fixed, Numpy::V2));
            // An example with a `floor` and no `fix_since` proves its 1.x form through 7.
            let floor_only = row.fix_since.is_none() && row.floor.is_some();
            if !floor_only
                && row
                    .fix_since
                    .is_none_or(|since| since <= Version::new(1, 26))
            {
                plan.push((index, Snippet::Fixed, Numpy::V1_26));
            }
        }
    }
    plan
}

fn run_snippets(rows: &[Row], migrated: &[Migrated]) -> Runs {
    let plan = plan(rows, migrated);
    let root = oracle_dir();
    let runner = common::repo_root().join("tests/oracle/runner.py");
    let reports: Vec<(Numpy, RunnerReport)> = thread::scope(|scope| {
        let handles: Vec<_> = Numpy::ALL
            .into_iter()
            .map(|numpy| {
                let (root, runner, plan) = (&root, &runner, &plan);
                scope.spawn(move || {
                    let python = numpy.python(root);
                    let canaries = CANARIES.iter().map(|(id, source)| Job {
                        id: id.to_string(),
                        source,
                        deprecation_errors: numpy.deprecation_errors(),
                    });
                    let jobs: Vec<Job> = plan
                        .iter()
                        .filter(|(_, _, on)| *on == numpy)
                        .map(|&(index, snippet, _)| Job {
                            id: format!("{index}:{snippet:?}"),
                            source: match snippet {
                                Snippet::Before => &rows[index].before,
                                Snippet::Fixed => migrated[index].fixed_source().expect("planned"),
                                Snippet::FloorFixed => migrated[index]
                                    .floor_fix
                                    .as_ref()
                                    .map(|run| run.stdout.as_str())
                                    .expect("planned"),
                            },
                            deprecation_errors: numpy.deprecation_errors(),
                        })
                        .chain(canaries)
                        .collect();
                    (numpy, run_runner(&python, runner, &jobs))
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|handle| {
                // A venv that cannot be made fails the test with its own message.
                handle
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    });

    let mut runs = Runs {
        outcomes: HashMap::new(),
        versions: HashMap::new(),
        interpreters: HashMap::new(),
    };
    for (numpy, report) in reports {
        let version = report.numpy.parse::<Version>().ok();
        assert!(
            version.is_some_and(|version| numpy.accepts(version)),
            "{}/{} has NumPy {} (Python {}) where the oracle wants {}: delete it and the test \
             recreates it",
            root.display(),
            numpy.venv(),
            report.numpy,
            report.python,
            numpy.requirement(),
        );
        for outcome in report.results {
            if outcome.id.starts_with("canary") {
                check_canary(numpy, &outcome);
                continue;
            }
            let (index, snippet) = outcome.id.split_once(':').expect("an id row:snippet");
            let snippet = match snippet {
                "Before" => Snippet::Before,
                "FloorFixed" => Snippet::FloorFixed,
                _ => Snippet::Fixed,
            };
            let index = index.parse().expect("a row index");
            runs.outcomes.insert((index, snippet, numpy), outcome);
        }
        runs.interpreters.insert(
            numpy,
            format!("NumPy {} on Python {}", report.numpy, report.python),
        );
        runs.versions.insert(numpy, report.numpy);
    }
    runs
}

/// Snippets that prove the runner itself works: it captures what a snippet prints, and under
/// NumPy 2 a DeprecationWarning fails the run as `-W error::DeprecationWarning` would.
const CANARIES: [(&str, &str); 2] = [
    ("canary-print", "print('canary', 1)\n"),
    (
        "canary-warning",
        "import warnings\nwarnings.warn('canary', DeprecationWarning)\nprint('warned')\n",
    ),
];

fn check_canary(numpy: Numpy, outcome: &Outcome) {
    let works = match outcome.id.as_str() {
        "canary-print" => outcome.ok() && outcome.stdout == "canary 1\n",
        _ if numpy.deprecation_errors() => {
            !outcome.ok()
                && outcome.stdout.is_empty()
                && outcome.stderr.contains("DeprecationWarning: canary")
        }
        _ => outcome.ok() && outcome.stdout == "warned\n",
    };
    assert!(
        works,
        "tests/oracle/runner.py is broken: {} under {numpy:?} gave {}\n{}",
        outcome.id,
        outcome.describe(),
        outcome.stderr
    );
}

/// All `jobs` through `tests/oracle/runner.py` under `python`.
fn run_runner(python: &Path, runner: &Path, jobs: &[Job]) -> RunnerReport {
    let mut child = python_command(python)
        .arg(runner)
        .env("PYTHONIOENCODING", "utf-8")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|error| panic!("{} cannot start: {error}", python.display()));
    let input = serde_json::to_vec(jobs).expect("jobs as JSON");
    // The runner reads all of its input before it writes; a failed write shows in its stderr.
    let _ = child.stdin.take().expect("piped").write_all(&input);
    let output = child.wait_with_output().expect("the runner finishes");
    assert!(
        output.status.success(),
        "{} {} failed ({}):\n{}",
        python.display(),
        runner.display(),
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap_or_else(|error| {
        panic!(
            "the runner's report under {} is not JSON ({error}):\n{}",
            python.display(),
            String::from_utf8_lossy(&output.stdout)
        )
    })
}

// ---------------------------------------------------------------------------------------------
// The properties
// ---------------------------------------------------------------------------------------------

/// 1. A fix turns `before` into `after`, and the fixed source does under NumPy 2 what `before`
///    did under 1.x. With `existed = false`, `before` fails everywhere and only the fixed source
///    has to run.
fn check_fix(index: usize, row: &Row, migrated: &Migrated, runs: &Runs, failures: &mut Failures) {
    if !row.fixable {
        return;
    }
    let Some(fixed) = migrated.fixed_source() else {
        failures.add(
            row,
            format!(
                "`migrate --fix - --min-numpy {MIN_NUMPY}` failed: {}",
                describe_run(&migrated.fix)
            ),
        );
        return;
    };
    if let Some(after) = &row.after
        && fixed != after
    {
        failures.add(
            row,
            format!(
                "`migrate --fix - --min-numpy {MIN_NUMPY}` does not make `after` of `before` \
                 ({}).\nexpected (`after`):\n{}\nactual:\n{}",
                first_difference(after, fixed),
                block(after),
                block(fixed)
            ),
        );
    }

    let after_run = runs.expect(index, Snippet::Fixed, Numpy::V2);
    if !after_run.ok() {
        failures.add(
            row,
            format!(
                "the fixed source fails under {}: {}",
                runs.name(Numpy::V2),
                after_run.describe()
            ),
        );
    }
    if !row.existed {
        for numpy in [Numpy::V1_26, Numpy::V2] {
            let before = runs.expect(index, Snippet::Before, numpy);
            if before.ok() {
                failures.add(
                    row,
                    format!(
                        "`existed = false`, but `before` runs under {}: {}",
                        runs.name(numpy),
                        before.describe()
                    ),
                );
            }
        }
        return;
    }
    let old = row.old_numpy();
    let before = runs.expect(index, Snippet::Before, old);
    if !before.ok() {
        failures.add(
            row,
            format!(
                "`before` fails under {}: {}",
                runs.name(old),
                before.describe()
            ),
        );
    }
    if before.ok() && after_run.ok() && before.stdout != after_run.stdout {
        failures.add(
            row,
            format!(
                "`before` under {} and the fixed source under {} print different things.\n\
                 before:\n{}\nfixed:\n{}",
                runs.name(old),
                runs.name(Numpy::V2),
                block(&before.stdout),
                block(&after_run.stdout)
            ),
        );
    }
}

/// 2. A row without a fix is reported and left alone; `before` runs under 1.x and fails under
///    NumPy 2 once the row is removed or deprecated there.
fn check_report_only(
    index: usize,
    row: &Row,
    migrated: &Migrated,
    runs: &Runs,
    failures: &mut Failures,
) {
    if row.fixable {
        return;
    }
    if migrated.check.code != 1 || !reports(&migrated.check.stdout, row) {
        failures.add(
            row,
            format!(
                "`migrate - --min-numpy {MIN_NUMPY}` does not report it (a {} finding that \
                 mentions `{}`, and exit 1): {}",
                row.code,
                row.mentions,
                describe_run(&migrated.check)
            ),
        );
    }
    if migrated.fix.code == 2 || migrated.fix.stdout != row.before {
        failures.add(
            row,
            format!(
                "`migrate --fix - --min-numpy {MIN_NUMPY}` changes a row that has no fix: {}",
                describe_run(&migrated.fix)
            ),
        );
    }

    let old = if row.existed {
        row.old_numpy()
    } else {
        Numpy::V1_26
    };
    let before = runs.expect(index, Snippet::Before, old);
    if before.ok() != row.existed {
        let what = if row.existed {
            "`before` fails"
        } else {
            "`existed = false`, but `before` runs"
        };
        failures.add(
            row,
            format!("{what} under {}: {}", runs.name(old), before.describe()),
        );
    }
    let numpy2 = runs.numpy2();
    let why = if !row.existed {
        "`existed = false`".to_string()
    } else if row.gone_in(numpy2) {
        row.gone_since(numpy2)
    } else {
        return;
    };
    let before = runs.expect(index, Snippet::Before, Numpy::V2);
    if before.ok() {
        failures.add(
            row,
            format!(
                "{why}, yet `before` runs under {}: {}",
                runs.name(Numpy::V2),
                before.describe()
            ),
        );
    }
}

/// Whether `stdout` of `migrate -` has a finding of the row's rule that mentions its name.
fn reports(stdout: &str, row: &Row) -> bool {
    stdout.lines().any(|line| {
        line.starts_with("example.py:")
            && line.contains(&format!(" {} ", row.code))
            && line.contains(&row.mentions)
    })
}

/// 3. A fix that needs a NumPy newer than `--min-numpy 1.24` is not applied; the finding says
///    which NumPy it needs.
fn check_version_gating(row: &Row, migrated: &Migrated, failures: &mut Failures) {
    let (Some(since), Some((fix, check))) = (row.fix_since, &migrated.gated) else {
        return;
    };
    if fix.code == 2 || fix.stdout != row.before {
        failures.add(
            row,
            format!(
                "`fix_since = \"{since}\"`, but `migrate --fix - --min-numpy {GATED_MIN_NUMPY}` \
                 changes `before`: {}",
                describe_run(fix)
            ),
        );
    }
    let names_version = check.stdout.lines().any(|line| {
        line.starts_with("example.py:")
            && line.contains(&format!(" {} ", row.code))
            && line
                .split_once("needs NumPy >=")
                .is_some_and(|(_, rest)| rest.trim_start().starts_with(&since.to_string()))
    });
    if check.code != 1 || !names_version {
        failures.add(
            row,
            format!(
                "`migrate - --min-numpy {GATED_MIN_NUMPY}` should report it with \"needs NumPy \
                 >= {since}\" (and exit 1): {}",
                describe_run(check)
            ),
        );
    }
}

/// 4. A row removed before 1.25 cannot run under 1.26 (its other runs use 1.23.5).
fn check_removed_before_1_25(index: usize, row: &Row, runs: &Runs, failures: &mut Failures) {
    if row.old_numpy() != Numpy::V1_23 {
        return;
    }
    let before = runs.expect(index, Snippet::Before, Numpy::V1_26);
    if before.ok() {
        failures.add(
            row,
            format!(
                "{}, yet `before` runs under {}: {}",
                row.gone_since(Version::new(1, 24)),
                runs.name(Numpy::V1_26),
                before.describe()
            ),
        );
    }
}

/// 5. A row with a fix is needed: `before` fails under NumPy 2 once the row is removed or
///    deprecated there (`existed = false` rows are checked by 1.).
fn check_fixed_row_breaks_on_numpy2(index: usize, row: &Row, runs: &Runs, failures: &mut Failures) {
    if !row.fixable || !row.existed || !row.gone_in(runs.numpy2()) {
        return;
    }
    let before = runs.expect(index, Snippet::Before, Numpy::V2);
    if before.ok() {
        failures.add(
            row,
            format!(
                "{}, yet `before` runs under {}: {}",
                row.gone_since(runs.numpy2()),
                runs.name(Numpy::V2),
                before.describe()
            ),
        );
    }
}

/// 6. `fix_since` at or below 1.26 (or absent) promises that the fixed source runs there too.
fn check_fix_since(index: usize, row: &Row, runs: &Runs, failures: &mut Failures) {
    let Some(fixed) = runs.get(index, Snippet::Fixed, Numpy::V1_26) else {
        return;
    };
    let since = row
        .fix_since
        .map_or("no `fix_since` (every 1.x)".to_string(), |since| {
            format!("`fix_since = \"{since}\"`")
        });
    // What 1.26 must print: what `before` printed, or for a name that never existed, what the
    // fixed source prints under NumPy 2.
    let (reference, reference_name) = if row.existed {
        (
            runs.expect(index, Snippet::Before, row.old_numpy()),
            format!("`before` under {}", runs.name(row.old_numpy())),
        )
    } else {
        (
            runs.expect(index, Snippet::Fixed, Numpy::V2),
            format!("the fixed source under {}", runs.name(Numpy::V2)),
        )
    };
    if !fixed.ok() {
        failures.add(
            row,
            format!(
                "{since}, but the fixed source fails under {}: {}",
                runs.name(Numpy::V1_26),
                fixed.describe()
            ),
        );
    } else if reference.ok() && fixed.stdout != reference.stdout {
        failures.add(
            row,
            format!(
                "{since}, but the fixed source under {} prints something else than \
                 {reference_name}.\nexpected:\n{}\nactual:\n{}",
                runs.name(Numpy::V1_26),
                block(&reference.stdout),
                block(&fixed.stdout)
            ),
        );
    }
}

/// 7. With a `floor` below `fix_since`: `migrate --fix --min-numpy <floor>` makes exactly
///    `floor_after` of `before`, which runs under NumPy 1.26 (and 1.23 for a floor below 1.25)
///    and under NumPy 2 (with the warning filter), printing what `before` printed under 1.x.
fn check_floor(index: usize, row: &Row, migrated: &Migrated, runs: &Runs, failures: &mut Failures) {
    let (Some((floor, floor_after)), Some(fix)) = (&row.floor, &migrated.floor_fix) else {
        return;
    };
    if fix.code > 1 {
        failures.add(
            row,
            format!(
                "`migrate --fix - --min-numpy {floor}` failed: {}",
                describe_run(fix)
            ),
        );
        return;
    }
    if &fix.stdout != floor_after {
        failures.add(
            row,
            format!(
                "`migrate --fix - --min-numpy {floor}` does not make `floor_after` of `before` \
                 ({}).\nexpected (`floor_after`):\n{}\nactual:\n{}",
                first_difference(floor_after, &fix.stdout),
                block(floor_after),
                block(&fix.stdout)
            ),
        );
    }
    let mut numpys = vec![Numpy::V1_26, Numpy::V2];
    if *floor < Version::new(1, 25) {
        numpys.push(Numpy::V1_23);
    }
    for numpy in numpys {
        let reference_numpy = match numpy {
            Numpy::V1_23 => Numpy::V1_23,
            _ => row.old_numpy(),
        };
        let reference = runs.expect(index, Snippet::Before, reference_numpy);
        let fixed = runs.expect(index, Snippet::FloorFixed, numpy);
        if !fixed.ok() {
            failures.add(
                row,
                format!(
                    "the source fixed for floor {floor} fails under {}: {}",
                    runs.name(numpy),
                    fixed.describe()
                ),
            );
        } else if reference.ok() && fixed.stdout != reference.stdout {
            failures.add(
                row,
                format!(
                    "the source fixed for floor {floor} under {} prints something else than \
                     `before` under {}.\nexpected:\n{}\nactual:\n{}",
                    runs.name(numpy),
                    runs.name(reference_numpy),
                    block(&reference.stdout),
                    block(&fixed.stdout)
                ),
            );
        }
    }
}

#[test]
fn every_row_of_the_table_holds_under_real_numpy() {
    let started = Instant::now();
    let mut failures = Failures::default();
    let (rows, total) = load_rows(&mut failures);
    assert!(!rows.is_empty(), "the tables have no rows");

    let migrated = migrate_rows(&rows);
    let migrate_time = started.elapsed();
    let runs = run_snippets(&rows, &migrated);

    for (index, (row, migrated)) in rows.iter().zip(&migrated).enumerate() {
        check_fix(index, row, migrated, &runs, &mut failures);
        check_report_only(index, row, migrated, &runs, &mut failures);
        check_version_gating(row, migrated, &mut failures);
        check_removed_before_1_25(index, row, &runs, &mut failures);
        check_fixed_row_breaks_on_numpy2(index, row, &runs, &mut failures);
        check_fix_since(index, row, &runs, &mut failures);
        check_floor(index, row, migrated, &runs, &mut failures);
    }
    eprintln!(
        "oracle: {} rows, {} snippet runs under {}; migrate {:.1?}, total {:.1?}",
        rows.len(),
        runs.outcomes.len(),
        [Numpy::V1_23, Numpy::V1_26, Numpy::V2]
            .map(|numpy| runs.interpreters[&numpy].as_str())
            .join(" / "),
        migrate_time,
        started.elapsed()
    );
    failures.assert_none(total);
}

/// `distinct` (a `[[name]]` row whose name is another object than its replacement on NumPy
/// 1.x, fixed only where called) says what `old is new` says under NumPy 1.23 and 1.26.
#[test]
fn distinct_rows_are_the_names_that_are_other_objects_on_numpy_1() {
    let rows: Vec<(&str, &str, bool)> = tables()
        .names
        .iter()
        .filter(|row| row.module.is_none() && row.existed)
        .filter_map(|row| match row.fix()? {
            migrate_rules::table::Fix::Replace(new) => Some((row.path.as_str(), new, row.distinct)),
            _ => None,
        })
        .collect();
    let input: String = rows
        .iter()
        .map(|(old, new, _)| format!("{old} {new}\n"))
        .collect();
    // For each line `old new`: `distinct`, `same`, or `missing` (either is absent here).
    let probe = r#"
import importlib, sys, warnings
warnings.simplefilter("ignore")
def resolve(path):
    parts = path.split(".")
    found = importlib.import_module(parts[0])
    for index, part in enumerate(parts[1:], 1):
        try:
            found = getattr(found, part)
        except AttributeError:
            found = importlib.import_module(".".join(parts[: index + 1]))
    return found
for line in sys.stdin:
    old, new = line.split()
    try:
        print("distinct" if resolve(old) is not resolve(new) else "same")
    except Exception:
        print("missing")
"#;
    let mut distinct_somewhere = vec![false; rows.len()];
    for numpy in [Numpy::V1_23, Numpy::V1_26] {
        let mut child = python_command(&numpy.python(&oracle_dir()))
            .args(["-c", probe])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("python runs");
        child
            .stdin
            .take()
            .expect("piped")
            .write_all(input.as_bytes())
            .expect("the probe reads its input");
        let output = child.wait_with_output().expect("the probe finishes");
        let verdicts: Vec<&str> = std::str::from_utf8(&output.stdout)
            .expect("ASCII")
            .lines()
            .collect();
        assert_eq!(verdicts.len(), rows.len(), "{output:?}");
        for (index, verdict) in verdicts.iter().enumerate() {
            distinct_somewhere[index] |= *verdict == "distinct";
        }
    }
    let wrong: Vec<String> = rows
        .iter()
        .zip(&distinct_somewhere)
        .filter(|((_, _, flagged), distinct)| flagged != *distinct)
        .map(|((old, new, flagged), _)| format!("{old} -> {new}: distinct = {flagged}"))
        .collect();
    assert!(wrong.is_empty(), "rows/numpy2.toml: {wrong:#?}");
}
