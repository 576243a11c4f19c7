//! `migrate deps` end to end, on copies of `tests/fixtures/deps/`: the report (snapshots in
//! `snapshots/`), `--diff`, `--fix` (only the reported requirements change, byte for byte
//! everything else stays), a second run after `--fix`, exit codes and errors.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use common::{Run, migrate, repo_root};

fn snapshot(name: &str, value: &str) {
    insta::with_settings!({
        snapshot_path => "../snapshots",
        prepend_module_to_snapshot => false,
        omit_expression => true,
    }, {
        insta::assert_snapshot!(name, value);
    });
}

/// A copy of `tests/fixtures/deps/<name>` in a temporary folder.
fn fixture(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(
        &repo_root().join("tests/fixtures/deps").join(name),
        dir.path(),
    );
    dir
}

fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Every file under `root`, by path relative to it.
fn contents(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in fs::read_dir(folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let relative = path.strip_prefix(root).unwrap().to_path_buf();
                files.insert(relative, fs::read(&path).unwrap());
            }
        }
    }
    files
}

fn deps(dir: &Path, args: &[&str]) -> Run {
    let mut all = vec!["deps"];
    all.extend_from_slice(args);
    migrate(dir, &all, None)
}

fn codes(stdout: &str) -> Vec<&str> {
    stdout
        .lines()
        .filter_map(|line| line.split(": ").nth(1))
        .filter_map(|rest| rest.split_whitespace().next())
        .filter(|code| code.starts_with("NP3"))
        .collect()
}

const LOCK_FILES: &[&str] = &["uv.lock", "poetry.lock", "pylock.toml", "Pipfile.lock"];

#[test]
fn every_kind_of_file_is_reported_diffed_and_fixed() {
    let dir = fixture("project");
    let root = dir.path();
    let before = contents(root);

    let check = deps(root, &["."]);
    assert_eq!(check.code, 1, "{check:?}");
    assert!(check.stderr.is_empty(), "{}", check.stderr);
    snapshot("deps_project_check", &check.stdout);
    let full = deps(root, &["--output-format", "full"]);
    assert_eq!(full.code, 1);
    snapshot("deps_project_full", &full.stdout);
    // The file pinning the oldest versions on purpose is skipped unless named.
    assert!(!check.stdout.contains("minver.txt"));
    let named = deps(root, &["requirements/testing/minver.txt"]);
    assert_eq!(codes(&named.stdout), ["NP301", "NP303"], "{}", named.stdout);

    let diff = deps(root, &["--diff"]);
    assert_eq!(diff.code, 1, "{diff:?}");
    assert_eq!(contents(root), before, "--diff writes nothing");
    snapshot("deps_project_diff", &diff.stdout);
    assert!(
        diff.stderr.ends_with("Would fix 38 issues in 7 files.\n"),
        "{}",
        diff.stderr
    );

    let fix = deps(root, &["--fix"]);
    // Lock files are left to their tools: what they lock is still reported.
    assert_eq!(fix.code, 1, "{fix:?}");
    assert!(fix.stdout.starts_with("./Pipfile.lock:"), "{}", fix.stdout);
    assert!(
        fix.stdout.contains("Fixed 38 issues in 7 files.\n"),
        "{}",
        fix.stdout
    );
    let after = contents(root);

    // What --fix wrote is what --diff showed, and nothing else changed.
    let mut shown = Vec::new();
    for (path, old) in &before {
        let new = &after[path];
        if old != new {
            let name = format!("./{}", path.display());
            let old = String::from_utf8(old.clone()).unwrap();
            let new = String::from_utf8(new.clone()).unwrap();
            shown.push(
                similar::TextDiff::from_lines(&old, &new)
                    .unified_diff()
                    .context_radius(3)
                    .header(&name, &name)
                    .to_string(),
            );
            // Each changed line keeps its comment, and lines keep their endings.
            for (old_line, new_line) in old.lines().zip(new.lines()) {
                if let Some((_, comment)) = old_line.split_once(" #") {
                    assert!(new_line.ends_with(comment), "{old_line:?} -> {new_line:?}");
                }
            }
            assert_eq!(old.matches("\r\n").count(), new.matches("\r\n").count());
            assert_eq!(old.lines().count(), new.lines().count());
        }
    }
    let mut printed: Vec<String> =
        diff.stdout
            .split_inclusive('\n')
            .fold(Vec::new(), |mut files: Vec<String>, line| {
                match files.last_mut() {
                    Some(file) if !line.starts_with("--- ") => file.push_str(line),
                    _ => files.push(line.to_string()),
                }
                files
            });
    printed.sort();
    shown.sort();
    assert_eq!(shown, printed);
    for lock in LOCK_FILES {
        assert_eq!(
            after[Path::new(lock)],
            before[Path::new(lock)],
            "{lock} changed"
        );
    }
    assert_eq!(
        after[Path::new("requirements/testing/minver.txt")],
        before[Path::new("requirements/testing/minver.txt")]
    );

    // A second run finds only what the lock files (and the hash-pinned file) lock.
    let again = deps(root, &[]);
    assert_eq!(again.code, 1);
    snapshot("deps_project_after_fix", &again.stdout);
    assert!(codes(&again.stdout).iter().all(|code| *code == "NP304"));
    let diff_again = deps(root, &["--diff"]);
    assert_eq!(diff_again.code, 0, "{diff_again:?}");
    assert!(diff_again.stdout.is_empty());
}

#[test]
fn real_projects_from_the_corpus() {
    for project in ["pandas-2.0.3", "scipy-1.11.4"] {
        let dir = fixture(project);
        let check = deps(dir.path(), &[]);
        assert_eq!(check.code, 1, "{check:?}");
        let diff = deps(dir.path(), &["--diff"]);
        snapshot(
            &format!("deps_{project}"),
            &format!(
                "{}\n--- the diff of `--fix` ---\n{}",
                check.stdout, diff.stdout
            ),
        );
        let fix = deps(dir.path(), &["--fix"]);
        assert_eq!(fix.code, 0, "{fix:?}");
        let again = deps(dir.path(), &[]);
        assert_eq!(again.code, 0, "{again:?}");
        assert!(codes(&again.stdout).is_empty(), "{}", again.stdout);
    }
}

#[test]
fn exit_codes_and_errors() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    // Nothing to check.
    let empty = deps(root, &[]);
    assert_eq!(empty.code, 0, "{empty:?}");
    assert_eq!(
        empty.stdout,
        "Found 0 issues (0 fixable) in 0 files (0 files checked).\n"
    );

    // Nothing to change: the note about the NumPy floor does not count.
    fs::write(
        root.join("pyproject.toml"),
        "[project]\nname = \"ok\"\ndependencies = [\"numpy>=1.23\", \"pandas>=2.2.2\"]\n",
    )
    .unwrap();
    let clean = deps(root, &["--check"]);
    assert_eq!(clean.code, 0, "{clean:?}");
    assert_eq!(
        clean.stdout,
        "note: ./pyproject.toml:3:18: `numpy>=1.23` declares NumPy 1.23 as the oldest supported: \
         `migrate` keeps fixed code working on NumPy 1.23 (its default `--min-numpy`) and \
         reports, instead of applying, the fixes that need a newer NumPy; raise the bound to \
         `numpy>=2.0` once you drop NumPy 1.x\n\
         Found 0 issues (0 fixable) in 0 files (1 file checked).\n"
    );

    // A file that does not parse is an error (exit 2), named on stderr and left as it is;
    // the other files are still checked.
    fs::write(
        root.join("environment.yml"),
        "dependencies:\n  - [numpy<2\n",
    )
    .unwrap();
    fs::write(root.join("requirements.txt"), "numpy<2\n-r missing.txt\n").unwrap();
    let broken = deps(root, &["--fix"]);
    assert_eq!(broken.code, 2, "{broken:?}");
    assert!(
        broken
            .stderr
            .contains("error: ./environment.yml: not valid YAML"),
        "{}",
        broken.stderr
    );
    assert!(
        broken
            .stderr
            .contains("error: ./missing.txt: cannot read: No such file or directory (os error 2) (included from ./requirements.txt)"),
        "{}",
        broken.stderr
    );
    assert_eq!(
        fs::read_to_string(root.join("requirements.txt")).unwrap(),
        "numpy\n-r missing.txt\n"
    );
    assert_eq!(
        fs::read_to_string(root.join("environment.yml")).unwrap(),
        "dependencies:\n  - [numpy<2\n"
    );

    // A path that does not exist, and a file of no known kind, are errors too.
    let missing = deps(root, &["nowhere"]);
    assert_eq!(missing.code, 2);
    assert!(
        missing.stderr.contains("error: nowhere:"),
        "{}",
        missing.stderr
    );
    fs::write(root.join("deps.json"), "{}").unwrap();
    let unknown = deps(root, &["deps.json"]);
    assert_eq!(unknown.code, 2);
    assert!(
        unknown
            .stderr
            .contains("error: deps.json: not a dependency file `migrate deps` reads"),
        "{}",
        unknown.stderr
    );
}

#[test]
fn the_code_command_is_unchanged_beside_the_subcommand() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("a.py"),
        "import numpy as np\nx = np.float_(1)\n",
    )
    .unwrap();
    fs::write(dir.path().join("requirements.txt"), "numpy<2\n").unwrap();
    // `migrate PATH` checks code, not dependencies.
    let code = migrate(dir.path(), &["."], None);
    assert_eq!(code.code, 1);
    assert!(code.stdout.contains("NP201"), "{}", code.stdout);
    assert!(!code.stdout.contains("NP301"), "{}", code.stdout);
    // Options of the code command are not options of `deps`.
    let wrong = migrate(dir.path(), &["deps", "--min-numpy", "1.22"], None);
    assert_eq!(wrong.code, 2, "{wrong:?}");
    let wrong = migrate(dir.path(), &["--check", "deps"], None);
    assert_eq!(wrong.code, 2, "{wrong:?}");
}

#[test]
fn a_floor_declared_where_migrate_does_not_look_is_pointed_out() {
    // The code's floor is read in the project's folder, not in `requirements/`.
    let dir = tempfile::tempdir().unwrap();
    common::write(
        dir.path(),
        "requirements/base.txt",
        "scipy
numpy>=1.21
",
    );
    let run = deps(dir.path(), &[]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout.contains(
            "./requirements/base.txt:2:1: `numpy>=1.21` declares NumPy 1.21: pass `--min-numpy 1.21`"
        ),
        "{}",
        run.stdout
    );
}

#[test]
fn a_floor_in_setup_cfg_or_setup_py_is_the_default_min_numpy() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("setup.cfg"),
        "[options]\ninstall_requires =\n    numpy>=1.21\n",
    )
    .unwrap();
    let run = deps(dir.path(), &[]);
    assert!(
        run.stdout.contains(
            "note: ./setup.cfg:3:5: `numpy>=1.21` declares NumPy 1.21 as the oldest supported"
        ),
        "{}",
        run.stdout
    );
    // The code check keeps a fix that needs NumPy 2.0 working on 1.21: `np.trapz` is not
    // renamed outright.
    let other = tempfile::tempdir().unwrap();
    fs::write(
        other.path().join("setup.py"),
        "from setuptools import setup\nsetup(name='x', install_requires=['numpy >= 1.4'])\n",
    )
    .unwrap();
    fs::write(
        other.path().join("a.py"),
        "import numpy as np\nnp.trapz([1, 2])\n",
    )
    .unwrap();
    let run = common::migrate(other.path(), &["--diff", "a.py"], None);
    assert!(
        run.stdout.contains("except ImportError:  # NumPy < 2.0"),
        "{run:?}"
    );
}

#[test]
fn a_requirement_name_ending_in_punctuation_is_an_error_not_a_panic() {
    for (line, name) in [
        ("numpy-<2", "numpy-"),
        ("x-==1", "x-"),
        ("matplo-[x]", "matplo-"),
        ("a-@ https://x", "a-"),
        ("numpy_ >=1.22", "numpy_"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        common::write(dir.path(), "q/requirements.txt", format!("scipy\n{line}\n"));
        for args in [&["q"][..], &["--fix", "q"]] {
            let run = deps(dir.path(), args);
            assert_eq!(run.code, 2, "{line}: {run:?}");
            assert!(
                run.stderr.contains(&format!(
                    "error: q/requirements.txt: line 2: `{line}` is not a requirement: `{name}` is not a package name"
                )),
                "{line}: {}",
                run.stderr
            );
            assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
        }
    }
    // An extra's name, in pyproject.toml.
    let dir = tempfile::tempdir().unwrap();
    common::write(
        dir.path(),
        "pyproject.toml",
        "[project]\nname = 'x'\ndependencies = [\n  'numpy[x-]<2',\n]\n",
    );
    let run = deps(dir.path(), &[]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr
            .contains("pyproject.toml: line 4: `numpy[x-]<2` is not a requirement: `x-` is not the name of an extra"),
        "{}",
        run.stderr
    );
}

#[test]
fn code_commands_warn_about_a_requirement_that_is_not_one_and_check_the_code() {
    let dir = tempfile::tempdir().unwrap();
    common::write(dir.path(), "p/requirements.txt", "numpy-<2\n");
    let source = "import numpy as np\nx = np.float_(1)\n";
    common::write(dir.path(), "p/a.py", source);
    let warning = "warning: p/requirements.txt: line 1: `numpy-<2` is not a requirement";
    let check = migrate(dir.path(), &["--check", "p"], None);
    assert_eq!(check.code, 1, "{check:?}");
    assert!(check.stdout.contains("NP201"), "{}", check.stdout);
    assert!(check.stdout.contains("1 file checked"), "{}", check.stdout);
    assert!(check.stderr.contains(warning), "{}", check.stderr);
    assert!(!check.stderr.contains("internal error"), "{}", check.stderr);

    let fixed = migrate(
        dir.path(),
        &["--fix", "-", "--stdin-filename", "p/a.py"],
        Some(source.as_bytes()),
    );
    assert_eq!(fixed.code, 0, "{fixed:?}");
    assert_eq!(fixed.stdout, "import numpy as np\nx = np.float64(1)\n");
    assert!(fixed.stderr.contains(warning), "{}", fixed.stderr);
}

/// `np.AxisError` → `np.exceptions.AxisError` needs NumPy 1.25: below that floor the fix
/// imports it with a fallback.
const AXIS_ERROR: &str = "import numpy as np\ntry:\n    pass\nexcept np.AxisError:\n    pass\n";
const BELOW_1_25: &str = "except ImportError:  # NumPy < 1.25";

#[test]
fn the_numpy_floor_is_the_lowest_over_markers() {
    let dir = tempfile::tempdir().unwrap();
    common::write(
        dir.path(),
        "pyproject.toml",
        "[project]\nname = 'x'\ndependencies = [\n  \"numpy>=1.21; python_version<'3.12'\",\n  \
         \"numpy>=1.26; python_version>='3.12'\",\n]\n",
    );
    common::write(dir.path(), "a.py", AXIS_ERROR);
    let run = migrate(dir.path(), &["--diff", "a.py"], None);
    assert!(run.stdout.contains(BELOW_1_25), "{run:?}");
    assert!(
        !run.stdout.contains("+except np.exceptions.AxisError"),
        "{run:?}"
    );
    // With only the newer one, the plain rename.
    common::write(
        dir.path(),
        "pyproject.toml",
        "[project]\nname = 'x'\ndependencies = [\"numpy>=1.26; python_version>='3.12'\"]\n",
    );
    let run = migrate(dir.path(), &["--diff", "a.py"], None);
    assert!(
        run.stdout.contains("+except np.exceptions.AxisError"),
        "{run:?}"
    );
}

#[test]
fn a_development_file_fixed_by_deps_does_not_raise_the_floor_of_the_code() {
    // A real project: its runtime requirement says NumPy 1.18; `deps --fix` rewrites
    // `oldest-supported-numpy` in its development requirements to `numpy>=2.0`.
    let dir = tempfile::tempdir().unwrap();
    common::write(dir.path(), "requirements.txt", "numpy>=1.18\nscipy\n");
    common::write(
        dir.path(),
        "requirements-dev.txt",
        "oldest-supported-numpy\npytest\n",
    );
    common::write(dir.path(), "a.py", AXIS_ERROR);
    let fixed = deps(dir.path(), &["--fix", "."]);
    assert_eq!(fixed.code, 0, "{fixed:?}");
    assert_eq!(
        fs::read_to_string(dir.path().join("requirements-dev.txt")).unwrap(),
        "numpy>=2.0\npytest\n"
    );
    let run = migrate(dir.path(), &["--diff", "a.py"], None);
    assert!(run.stdout.contains(BELOW_1_25), "{run:?}");
}

#[test]
fn fix_changes_only_files_under_the_paths_given() {
    let dir = tempfile::tempdir().unwrap();
    common::write(
        dir.path(),
        "proj/requirements.txt",
        "-r ../shared/requirements-shared.txt\nscipy<1.10\n",
    );
    let shared = "numpy<2  # shared with other projects\n";
    common::write(dir.path(), "shared/requirements-shared.txt", shared);
    for mode in ["--diff", "--fix"] {
        let run = deps(dir.path(), &[mode, "proj"]);
        assert_eq!(run.code, 1, "{run:?}");
        let output = format!("{}{}", run.stdout, run.stderr);
        assert!(
            output.contains(
                "note: shared/requirements-shared.txt is included from the paths given but \
                 outside them, so it is not changed; to fix it: `migrate deps --fix \
                 shared/requirements-shared.txt`"
            ),
            "{mode}: {output}"
        );
        assert!(!output.contains("+numpy"), "{mode}: {output}");
        assert_eq!(
            fs::read_to_string(dir.path().join("shared/requirements-shared.txt")).unwrap(),
            shared
        );
    }
    assert_eq!(
        fs::read_to_string(dir.path().join("proj/requirements.txt")).unwrap(),
        "-r ../shared/requirements-shared.txt\nscipy\n"
    );
    // Named, it is fixed.
    let run = deps(dir.path(), &["--fix", "shared/requirements-shared.txt"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        fs::read_to_string(dir.path().join("shared/requirements-shared.txt")).unwrap(),
        "numpy  # shared with other projects\n"
    );
}

#[test]
fn odd_requirements_in_every_file_are_errors_or_findings_never_panics() {
    let dir = tempfile::tempdir().unwrap();
    let odd = common::odd_requirements::odd_requirements();
    for (name, text) in common::odd_requirements::files_holding(&odd) {
        common::write(dir.path(), name, text);
    }
    common::write(dir.path(), "a.py", "import numpy as np\nx = np.float_(1)\n");
    let runs = [
        deps(dir.path(), &[]),
        deps(dir.path(), &["--fix"]),
        migrate(dir.path(), &["--check", "."], None),
        migrate(dir.path(), &["--fix", "."], None),
    ];
    for run in &runs {
        assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
        assert!(!run.stderr.contains("internal error"), "{}", run.stderr);
        assert_ne!(run.code, 101, "{}", run.stderr);
    }
    let [check, _, code, fix] = &runs;
    assert_eq!(check.code, 2, "{}", check.stderr);
    let first = odd.iter().position(|text| text == "numpy-<2").unwrap() + 1;
    assert!(
        check.stderr.contains(&format!(
            "error: ./requirements.txt: line {first}: `numpy-<2` is not a requirement"
        )),
        "{}",
        check.stderr
    );
    assert!(code.stdout.contains("NP201"), "{code:?}");
    assert!(
        code.stderr.contains("warning: pyproject.toml: line "),
        "{}",
        code.stderr
    );
    assert_eq!(fix.code, 0, "{fix:?}");
    assert_eq!(
        fs::read_to_string(dir.path().join("a.py")).unwrap(),
        "import numpy as np\nx = np.float64(1)\n"
    );
}

#[test]
fn a_fix_that_needs_numpy_2_on_an_assumed_floor_is_noted_once() {
    // Nothing declares NumPy: its floor is assumed to be 2.0, and `np.trapz` becomes
    // `np.trapezoid`, which NumPy 1.26 does not have.
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join(".git")).unwrap();
    let trapz = "import numpy as np\nnp.trapz([1, 2])\n";
    common::write(dir.path(), "a.py", trapz);
    common::write(dir.path(), "sub/b.py", trapz);
    let note = "note: no NumPy requirement found for .; fixes assume NumPy >= 2.0 (set \
                `min-numpy` or declare numpy, e.g. `numpy>=1.22`, to keep fixed code working \
                on NumPy 1.x)\n";
    let diff = migrate(dir.path(), &["--diff", "."], None);
    assert_eq!(
        diff.stderr,
        format!("{note}Would fix 2 issues in 2 files.\n")
    );
    let fix = migrate(dir.path(), &["--fix", "."], None);
    assert_eq!(fix.stderr.matches(note).count(), 1, "{}", fix.stderr);
    assert!(
        fs::read_to_string(dir.path().join("a.py"))
            .unwrap()
            .contains("np.trapezoid")
    );
    let stdin = migrate(
        dir.path(),
        &["--fix", "-", "--stdin-filename", "c.py"],
        Some(trapz.as_bytes()),
    );
    assert!(stdin.stderr.contains(note), "{}", stdin.stderr);

    // A fix that works on NumPy 1.x, a checked floor, or a declared one: no note.
    common::write(dir.path(), "a.py", "import numpy as np\nx = np.float_(1)\n");
    let fix = migrate(dir.path(), &["--fix", "a.py"], None);
    assert!(!fix.stderr.contains("note:"), "{}", fix.stderr);
    common::write(dir.path(), "a.py", trapz);
    for args in [
        &["--check", "a.py"][..],
        &["--diff", "--min-numpy", "2.0", "a.py"],
    ] {
        let run = migrate(dir.path(), args, None);
        assert!(!run.stderr.contains("note:"), "{args:?}: {}", run.stderr);
    }
    common::write(dir.path(), "requirements.txt", "numpy>=2.0\n");
    let declared = migrate(dir.path(), &["--diff", "a.py"], None);
    assert!(declared.stdout.contains("+np.trapezoid"), "{declared:?}");
    assert!(!declared.stderr.contains("note:"), "{}", declared.stderr);
}

#[test]
fn an_include_by_url_is_said_to_be_not_followed() {
    let dir = tempfile::tempdir().unwrap();
    let requirements = "-r https://example.com/base.txt\nnumpy<2\n";
    fs::write(dir.path().join("requirements.txt"), requirements).unwrap();
    let run = deps(dir.path(), &["--fix", "."]);
    assert_eq!(run.code, 0, "{run:?}");
    // Notes go with the report, as the others of `deps` do.
    assert!(
        run.stdout.contains(
            "the include `https://example.com/base.txt` is not followed (URLs are not read)"
        ),
        "{run:?}"
    );
    assert!(!run.stderr.contains("cannot read"), "{run:?}");
    assert_eq!(
        fs::read_to_string(dir.path().join("requirements.txt")).unwrap(),
        "-r https://example.com/base.txt\nnumpy\n"
    );
}
