//! The command line end to end: modes, exit codes, stdin, errors, file discovery, options,
//! and the bytes a fix must not touch.

mod common;

use std::fs;
use std::path::Path;

use common::{fix_stdin, migrate, write};

const NEEDS_MIGRATION: &str = "import numpy as np\nx = np.float_(1)\n";
const MIGRATED: &str = "import numpy as np\nx = np.float64(1)\n";

#[test]
fn check_reports_each_finding_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.py", NEEDS_MIGRATION);
    write(dir.path(), "clean.py", MIGRATED);
    let run = migrate(
        dir.path(),
        &["--check", "--output-format", "concise", "."],
        None,
    );
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(
        run.stdout,
        "./a.py:2:5: NP201 [*] `np.float_` was removed in NumPy 2.0. Replace with `np.float64`\n\
         Found 1 issue (1 fixable) in 1 file (2 files checked).\n"
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("a.py")).unwrap(),
        NEEDS_MIGRATION
    );

    let clean = migrate(dir.path(), &["clean.py"], None);
    assert_eq!(clean.code, 0, "{clean:?}");
    assert_eq!(
        clean.stdout,
        "Found 0 issues (0 fixable) in 0 files (1 file checked).\n"
    );
}

#[test]
fn fix_rewrites_in_place_then_reports_what_is_left() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.py", NEEDS_MIGRATION);
    let run = migrate(dir.path(), &["--fix", "a.py"], None);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout.starts_with("Fixed 1 issue in 1 file.\n"),
        "{}",
        run.stdout
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("a.py")).unwrap(),
        MIGRATED
    );

    // `np.who` has no replacement: it is left, and the exit code says so.
    write(
        dir.path(),
        "b.py",
        "import numpy as np\nnp.who()\nx = np.NaN\n",
    );
    let run = migrate(
        dir.path(),
        &["--fix", "--output-format", "concise", "b.py"],
        None,
    );
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stdout
            .contains("b.py:2:1: NP201 `np.who` was removed in NumPy 2.0"),
        "{}",
        run.stdout
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("b.py")).unwrap(),
        "import numpy as np\nnp.who()\nx = np.nan\n"
    );
}

#[cfg(unix)]
#[test]
fn fix_keeps_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "tool.py", NEEDS_MIGRATION);
    let path = dir.path().join("tool.py");
    fs::set_permissions(&path, fs::Permissions::from_mode(0o751)).unwrap();
    let run = migrate(dir.path(), &["--fix", "tool.py"], None);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        fs::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o751
    );
    assert_eq!(fs::read_to_string(&path).unwrap(), MIGRATED);
}

#[test]
fn diff_shows_the_fix_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.py", NEEDS_MIGRATION);
    let run = migrate(dir.path(), &["--diff", "a.py"], None);
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(
        run.stdout,
        "--- a.py\n+++ a.py\n@@ -1,2 +1,2 @@\n import numpy as np\n-x = np.float_(1)\n+x = np.float64(1)\n"
    );
    assert_eq!(run.stderr, "Would fix 1 issue in 1 file.\n");
    assert_eq!(
        fs::read_to_string(dir.path().join("a.py")).unwrap(),
        NEEDS_MIGRATION
    );

    write(dir.path(), "clean.py", MIGRATED);
    let clean = migrate(dir.path(), &["--diff", "clean.py"], None);
    assert_eq!((clean.code, clean.stdout.as_str()), (0, ""));
}

#[test]
fn stdin_fix_prints_the_whole_source_and_findings_on_stderr() {
    let (fixed, code) = fix_stdin(NEEDS_MIGRATION.as_bytes(), &[]);
    assert_eq!(
        (String::from_utf8(fixed).unwrap().as_str(), code),
        (MIGRATED, 0)
    );

    // Unchanged source comes back byte for byte; what is left goes to stderr.
    let source = "import numpy as np\nnp.who()\n";
    let run = migrate(
        Path::new("."),
        &[
            "--fix",
            "-",
            "--stdin-filename",
            "pkg/mod.py",
            "--output-format",
            "concise",
        ],
        Some(source.as_bytes()),
    );
    assert_eq!(run.code, 1);
    assert_eq!(run.stdout, source);
    assert!(
        run.stderr.starts_with("pkg/mod.py:2:1: NP201 `np.who`"),
        "{}",
        run.stderr
    );

    let check = migrate(
        Path::new("."),
        &["--output-format", "concise", "-"],
        Some(NEEDS_MIGRATION.as_bytes()),
    );
    assert_eq!(check.code, 1);
    assert!(
        check.stdout.starts_with("-:2:5: NP201 [*]"),
        "{}",
        check.stdout
    );
}

/// As with Ruff, `--stdin-filename` without a path reads standard input: editor settings
/// copied from Ruff's must not rewrite every file of the working folder.
#[test]
fn stdin_filename_without_a_path_reads_stdin_and_writes_no_file() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.py", NEEDS_MIGRATION);
    let source = "import numpy as np\ny = np.NaN\n";
    let fix = migrate(
        dir.path(),
        &["--fix", "--stdin-filename", "x.py"],
        Some(source.as_bytes()),
    );
    assert_eq!(
        (fix.code, fix.stdout.as_str()),
        (0, "import numpy as np\ny = np.nan\n"),
        "{fix:?}"
    );
    let check = migrate(
        dir.path(),
        &["--output-format", "concise", "--stdin-filename", "x.py"],
        Some(source.as_bytes()),
    );
    assert_eq!(check.code, 1, "{check:?}");
    assert!(check.stdout.starts_with("x.py:2:5: NP201 [*]"), "{check:?}");
    assert_eq!(
        fs::read_to_string(dir.path().join("a.py")).unwrap(),
        NEEDS_MIGRATION
    );
}

/// `-o` naming a source (itself, through a link, or under a folder checked) is refused before
/// anything is read or written: the report would replace the code.
#[test]
fn an_output_file_that_is_an_input_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.py", NEEDS_MIGRATION);
    write(dir.path(), "pkg/b.py", NEEDS_MIGRATION);
    fs::hard_link(dir.path().join("a.py"), dir.path().join("link.py")).unwrap();
    for (args, through) in [
        (&["-o", "a.py", "--check", "a.py"][..], "a.py"),
        (&["-o", "./a.py", "--check", "a.py"], "a.py"),
        (&["-o", "pkg/b.py", "--fix", "."], "."),
        #[cfg(unix)]
        (&["-o", "link.py", "--fix", "a.py"], "a.py"),
    ] {
        let run = migrate(dir.path(), args, None);
        let output = args[1];
        assert_eq!(run.code, 2, "{args:?}: {run:?}");
        assert_eq!(
            run.stderr,
            format!(
                "error: -o {output}: a file this run checks (through `{through}`); \
                 the report would overwrite it\n"
            ),
        );
        assert_eq!(run.stdout, "");
        for source in ["a.py", "pkg/b.py"] {
            assert_eq!(
                fs::read_to_string(dir.path().join(source)).unwrap(),
                NEEDS_MIGRATION,
                "{args:?}"
            );
        }
    }
    // A report beside the sources is fine.
    let run = migrate(dir.path(), &["-o", "report.txt", "a.py"], None);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        fs::read_to_string(dir.path().join("report.txt"))
            .unwrap()
            .contains("NP201")
    );
}

/// A failed write of the report says what it was writing.
#[cfg(target_os = "linux")]
#[test]
fn a_report_that_cannot_be_written_is_named() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.py", NEEDS_MIGRATION);
    let run = migrate(dir.path(), &["-o", "/dev/full", "a.py"], None);
    assert_eq!(run.code, 2, "{run:?}");
    assert_eq!(
        run.stderr,
        "error: cannot write the report to /dev/full: No space left on device (os error 28)\n"
    );
}

/// A file named twice (`a.py`, `./a.py`, and under `.`) is fixed once, not found changed on
/// disk by its second fix.
#[test]
fn a_file_named_twice_is_fixed_once() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.py", NEEDS_MIGRATION);
    let run = migrate(dir.path(), &["--fix", "a.py", "./a.py", "."], None);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.stderr, "");
    assert!(
        run.stdout.starts_with("Fixed 1 issue in 1 file."),
        "{run:?}"
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("a.py")).unwrap(),
        MIGRATED
    );
}

#[test]
fn a_fix_changes_only_the_bytes_it_must() {
    // BOM, CRLF, tabs, a form feed, comments and strings that spell old names.
    let source = "\u{feff}import numpy as np\r\n\
                  \x0c\r\n\
                  # np.float_ in a comment\r\n\
                  if True:\r\n\
                  \tx = np.float_(1)  # np.NaN\r\n\
                  \ts = 'np.float_'; t = \"\"\"np.NaN\r\n\
                  np.Inf\"\"\"\r\n\
                  y = {'k': np.NaN}\r\n";
    let expected = source
        .replace("x = np.float_(1)", "x = np.float64(1)")
        .replace("{'k': np.NaN}", "{'k': np.nan}");
    let (fixed, code) = fix_stdin(source.as_bytes(), &[]);
    assert_eq!(code, 0);
    assert_eq!(String::from_utf8(fixed).unwrap(), expected);

    // An inserted import uses the file's own line ending and goes after the BOM and docstring.
    let source = "\u{feff}\"\"\"Doc.\"\"\"\r\nfrom numpy import *\r\nr = math.pi\r\nv = NaN\r\n";
    let (fixed, _) = fix_stdin(source.as_bytes(), &[]);
    assert_eq!(
        String::from_utf8(fixed).unwrap(),
        "\u{feff}\"\"\"Doc.\"\"\"\r\nimport numpy\r\nfrom numpy import *\r\nr = math.pi\r\nv = numpy.nan\r\n"
    );
}

#[test]
fn errors_name_the_file_and_do_not_stop_the_others() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a_good.py", NEEDS_MIGRATION);
    write(
        dir.path(),
        "b_syntax.py",
        "import numpy as np\nx = np.float_(\n",
    );
    write(
        dir.path(),
        "c_latin1.py",
        b"import numpy as np\nx = '\xe9'\n",
    );
    write(dir.path(), "d_nul.py", b"import numpy as np\0\n");
    let run = migrate(dir.path(), &["--fix", ".", "missing.py"], None);
    assert_eq!(run.code, 2, "{run:?}");
    let errors: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(
        errors,
        [
            "error: missing.py: No such file or directory (os error 2)",
            "error: ./b_syntax.py: 3:1: syntax error: unexpected EOF while parsing",
            "error: ./c_latin1.py: not valid UTF-8 (invalid byte at offset 24); only UTF-8 sources are supported",
            "error: ./d_nul.py: contains a NUL byte at offset 18; not a Python source file",
        ]
    );
    // The good file is fixed; the others are untouched.
    assert_eq!(
        fs::read_to_string(dir.path().join("a_good.py")).unwrap(),
        MIGRATED
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("b_syntax.py")).unwrap(),
        "import numpy as np\nx = np.float_(\n"
    );
}

#[test]
fn folders_are_walked_for_python_files_the_project_owns() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    for name in [
        "pkg/mod.py",
        "pkg/types.pyi",
        "pkg/notes.txt",
        ".venv/lib/x.py",
        "env/pyvenv.cfg",
        "env/lib/x.py",
        "lib/site-packages/dep.py",
        "build/lib/x.py",
        "pkg/__pycache__/x.py",
        "node_modules/x.py",
        ".git/hooks/x.py",
        "generated/skip.py",
        "generated/keep.py",
    ] {
        write(root, name, NEEDS_MIGRATION);
    }
    write(root, ".gitignore", "generated/skip.py\n");
    write(root, "script", NEEDS_MIGRATION);
    let run = migrate(
        root,
        &["--check", "--output-format", "concise", ".", "script"],
        None,
    );
    let files: Vec<&str> = run
        .stdout
        .lines()
        .filter_map(|line| line.split_once(':').map(|(path, _)| path))
        .filter(|path| !path.starts_with("Found"))
        .collect();
    assert_eq!(
        files,
        [
            "./generated/keep.py",
            "./pkg/mod.py",
            "./pkg/types.pyi",
            "script"
        ],
        "{}",
        run.stdout
    );
}

#[test]
fn select_and_ignore_choose_rules() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "a.py",
        "import numpy as np\nx = np.zeros(1, dtype='int0') + np.NaN\n",
    );
    let codes = |args: &[&str]| -> Vec<String> {
        let concise = ["--output-format", "concise", "a.py"];
        let run = migrate(dir.path(), &[args, &concise].concat(), None);
        run.stdout
            .lines()
            .filter_map(|line| line.split(": ").nth(1))
            .filter_map(|rest| rest.split(' ').next())
            .map(str::to_string)
            .collect()
    };
    assert_eq!(codes(&[]), ["NP203", "NP201"]);
    assert_eq!(codes(&["--select", "NP201"]), ["NP201"]);
    assert_eq!(codes(&["--ignore", "NP201"]), ["NP203"]);
    assert_eq!(codes(&["--select", "NP2", "--ignore", "NP203"]), ["NP201"]);

    let unknown = migrate(dir.path(), &["--select", "XYZ1", "a.py"], None);
    assert_eq!(unknown.code, 2);
    assert!(
        unknown.stderr.contains("unknown rule code `XYZ1`"),
        "{}",
        unknown.stderr
    );
}

#[test]
fn min_numpy_comes_from_the_project() {
    let dir = tempfile::tempdir().unwrap();
    let source = "import numpy as np\ny = np.trapz([1, 2])\n";
    write(
        dir.path(),
        "old/pyproject.toml",
        "[project]\nname = 'old'\ndependencies = ['numpy>=1.22']\n",
    );
    write(dir.path(), "old/src/a.py", source);
    write(dir.path(), "new/requirements.txt", "numpy>=2.0\n");
    write(dir.path(), "new/a.py", source);

    let run = migrate(dir.path(), &["--diff", "old", "new"], None);
    assert!(
        run.stdout.contains("+y = np.trapezoid([1, 2])"),
        "{}",
        run.stdout
    );
    // Below 2.0, a compatibility import.
    assert!(
        run.stdout.contains(
            "+except ImportError:  # NumPy < 2.0\n+    from numpy import trapz as trapezoid\n"
        ) && run.stdout.contains("+y = trapezoid([1, 2])"),
        "{}",
        run.stdout
    );

    let check = migrate(dir.path(), &["old/src/a.py"], None);
    assert!(
        check
            .stdout
            .contains("Import `np.trapezoid` where it exists (NumPy >= 2.0), else `np.trapz`"),
        "{}",
        check.stdout
    );
    // The flag wins over the project.
    let forced = migrate(
        dir.path(),
        &["--diff", "--min-numpy", "2.0", "old/src/a.py"],
        None,
    );
    assert!(forced.stdout.contains("np.trapezoid"), "{}", forced.stdout);
}

#[test]
fn bad_arguments_exit_2() {
    let run = migrate(Path::new("."), &["--min-numpy", "two"], None);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("is not a version like `1.25`"),
        "{}",
        run.stderr
    );
}
