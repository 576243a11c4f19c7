//! Hostile inputs: each gets a clear one-line error naming the file (or is handled), the
//! other files are still processed, and nothing is written that should not be.

mod common;

use std::fs;
use std::process::Command;

use common::{fix_stdin, migrate, migrate_within, write};

const OLD: &str = "import numpy as np\nx = np.float_(1)\n";
const NEW: &str = "import numpy as np\nx = np.float64(1)\n";

/// Run `--fix` on `name` next to a good file; return the run, after checking that the good
/// file was fixed and that `name` is byte-identical.
fn fix_next_to_a_good_file(name: &str, content: &[u8]) -> common::Run {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "good.py", OLD);
    write(dir.path(), name, content);
    let run = migrate(dir.path(), &["--fix", "good.py", name], None);
    assert_eq!(
        fs::read_to_string(dir.path().join("good.py")).unwrap(),
        NEW,
        "{run:?}"
    );
    assert_eq!(
        fs::read(dir.path().join(name)).unwrap(),
        content,
        "{name} was changed"
    );
    run
}

/// The single error line of a run.
fn error_line(run: &common::Run) -> &str {
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(lines.len(), 1, "expected one error line: {}", run.stderr);
    lines[0]
}

#[test]
fn invalid_utf8_is_an_error() {
    let run = fix_next_to_a_good_file("latin1.py", b"# coding: latin-1\nx = '\xe9'\n");
    assert_eq!(run.code, 2);
    assert_eq!(
        error_line(&run),
        "error: latin1.py: not valid UTF-8 (invalid byte at offset 23); only UTF-8 sources are supported"
    );
}

#[test]
fn a_nul_byte_is_an_error() {
    let run = fix_next_to_a_good_file("nul.py", b"import numpy as np\nx = np.float_\0\n");
    assert_eq!(run.code, 2);
    assert_eq!(
        error_line(&run),
        "error: nul.py: contains a NUL byte at offset 32; not a Python source file"
    );
}

#[test]
fn a_binary_file_named_py_is_an_error() {
    let png: Vec<u8> = [
        0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d,
    ]
    .into_iter()
    .chain(0..=255)
    .collect();
    let run = fix_next_to_a_good_file("image.py", &png);
    assert_eq!(run.code, 2);
    assert!(
        error_line(&run).starts_with("error: image.py: not valid UTF-8"),
        "{}",
        run.stderr
    );

    // Control characters that are valid UTF-8 do not parse (the file imports numpy, so the
    // prefilter lets it through to the parser).
    let run = fix_next_to_a_good_file("control.py", b"import numpy\n\x01\x02 numpy.float_ \x04\n");
    assert_eq!(run.code, 2);
    assert!(
        error_line(&run).starts_with("error: control.py: 2:1: syntax error"),
        "{}",
        run.stderr
    );
}

#[test]
fn syntax_errors_are_reported_and_the_file_is_untouched() {
    let run = fix_next_to_a_good_file("broken.py", b"import numpy as np\nx = np.float_(\ndef\n");
    assert_eq!(run.code, 2);
    assert_eq!(
        error_line(&run),
        "error: broken.py: 2:15: syntax error: Expected `)`, found newline"
    );
}

/// Invisible characters are named as CPython names them, not printed raw.
#[test]
fn invisible_characters_in_syntax_errors_are_named() {
    for (name, character, shown) in [
        ("zero_width.py", "\u{200b}", "U+200B"),
        ("bom.py", "\u{feff}", "U+FEFF"),
    ] {
        let source = format!("import numpy as np\nx = np.float_(1){character} + 1\n");
        let run = fix_next_to_a_good_file(name, source.as_bytes());
        assert_eq!(run.code, 2);
        assert_eq!(
            error_line(&run),
            format!("error: {name}: 2:17: syntax error: Got unexpected token {shown}")
        );
    }
}

/// Standard input is held to what a file is.
#[test]
fn a_nul_byte_on_stdin_is_an_error() {
    let (out, code) = fix_stdin(b"import numpy as np\nx = np.float_\0\n", &[]);
    assert_eq!(code, 2);
    // The editor gets its source back unchanged.
    assert_eq!(out, b"import numpy as np\nx = np.float_\0\n");
    let run = migrate(
        std::path::Path::new("."),
        &["-"],
        Some(b"import numpy as np\nx = np.float_\0\n"),
    );
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "error: -: contains a NUL byte at offset 32; not a Python source file\n"
    );
}

/// A file name with control characters does not reach the terminal as escape sequences, nor
/// make a JUnit report that is not XML.
#[cfg(unix)]
#[test]
fn control_characters_in_file_names_are_spelled_out() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "we\x1bird\x07.py", OLD);
    let run = migrate(dir.path(), &["--output-format", "concise", "."], None);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stdout.starts_with("./weU+001BirdU+0007.py:2:5: NP201"),
        "{run:?}"
    );
    let run = migrate(dir.path(), &["--output-format", "junit", "."], None);
    assert_eq!(run.code, 1, "{run:?}");
    let report = roxmltree::Document::parse(&run.stdout).expect("well-formed XML");
    let suite = report
        .descendants()
        .find(|node| node.has_tag_name("testsuite"))
        .unwrap();
    assert!(
        suite
            .attribute("name")
            .unwrap()
            .ends_with("/weU+001BirdU+0007.py"),
        "{}",
        run.stdout
    );
}

#[test]
fn an_empty_file_is_fine() {
    let run = fix_next_to_a_good_file("empty.py", b"");
    assert_eq!(run.code, 0, "{run:?}");
    let (out, code) = fix_stdin(b"", &[]);
    assert_eq!((out.as_slice(), code), (&b""[..], 0));
}

#[test]
fn a_50_mb_file_is_checked() {
    let mut source = String::from("import numpy as np\n");
    let mut index = 0;
    while source.len() < 50_000_000 {
        source.push_str(&format!(
            "def f{index}(a, b):\n    return a + b * 2  # comment\n\n"
        ));
        index += 1;
    }
    source.push_str("x = np.float_\n");
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "big.py", &source);
    let run = migrate(dir.path(), &["--fix", "big.py"], None);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let fixed = fs::read_to_string(dir.path().join("big.py")).unwrap();
    assert_eq!(fixed.len(), source.len() + 1);
    assert!(fixed.ends_with("x = np.float64\n"));
}

/// Sources nested as deeply as CPython accepts: 199 brackets, 3,000 levels of operators.
fn nested_at_the_limit() -> Vec<(&'static str, String)> {
    let brackets = 199;
    let wrapped = |open: &str, close: &str| {
        format!(
            "import numpy as np\nx = {}np.float_{}\n",
            open.repeat(brackets),
            close.repeat(brackets)
        )
    };
    // Each term is two levels: its `+` and the `.` of `np.NaN`.
    let terms = vec!["np.NaN"; 1_500].join(" + ");
    let mut blocks = String::from("import numpy as np\n");
    for level in 0..1_000 {
        blocks.push_str(&format!("{}if x:\n", " ".repeat(level)));
    }
    blocks.push_str(&format!("{}y = np.float_\n", " ".repeat(1_000)));
    vec![
        ("parentheses", wrapped("(", ")")),
        ("lists", wrapped("[", "]")),
        ("calls", wrapped("f(", ")")),
        ("operators", format!("import numpy as np\nx = {terms}\n")),
        (
            "unary",
            format!("import numpy as np\nx = {}np.float_\n", "-".repeat(2_999)),
        ),
        ("blocks", blocks),
    ]
}

#[test]
fn nesting_up_to_the_limit_is_fixed() {
    for (name, source) in nested_at_the_limit() {
        let (fixed, code) = fix_stdin(source.as_bytes(), &[]);
        assert_eq!(code, 0, "{name}");
        let fixed = String::from_utf8(fixed).unwrap();
        assert!(
            !fixed.contains("np.float_") && !fixed.contains("np.NaN"),
            "{name}"
        );
    }
}

/// Sources nested far beyond what CPython accepts, each form that recurses somewhere.
fn nested_too_deeply() -> Vec<(&'static str, String)> {
    let header = "import numpy as np\nx = np.float_";
    let deep = 200_000;
    vec![
        ("plus.py", format!("{header}{}\n", "+1".repeat(1_000_000))),
        (
            "lists.py",
            format!("{header} + {}{}\n", "[".repeat(deep), "]".repeat(deep)),
        ),
        (
            "calls.py",
            format!("{header} + {}1{}\n", "f(".repeat(deep), ")".repeat(deep)),
        ),
        ("minus.py", format!("{header} + {}1\n", "-".repeat(deep))),
        ("not.py", format!("{header} + {}1\n", "not ".repeat(deep))),
        (
            "attributes.py",
            format!("{header}{}\n", ".real".repeat(deep)),
        ),
        (
            "one_over_the_limit.py",
            format!("{header} + {}1\n", "-".repeat(3_000)),
        ),
        (
            "brackets_over_the_limit.py",
            format!("{header} + {}1{}\n", "(".repeat(200), ")".repeat(200)),
        ),
    ]
}

#[test]
fn nesting_beyond_cpythons_limits_is_an_error_of_its_file() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "good.py", OLD);
    let deep = nested_too_deeply();
    for (name, source) in &deep {
        write(dir.path(), name, source);
    }
    let run = migrate(dir.path(), &["--fix", "."], None);
    assert_eq!(run.code, 2, "{run:?}");
    assert_eq!(fs::read_to_string(dir.path().join("good.py")).unwrap(), NEW);
    for (name, source) in &deep {
        assert_eq!(
            &fs::read_to_string(dir.path().join(name)).unwrap(),
            source,
            "{name}"
        );
        let error = run
            .stderr
            .lines()
            .find(|line| line.contains(&format!("./{name}:")))
            .unwrap_or_else(|| panic!("no error for {name}: {}", run.stderr));
        assert!(
            error.contains("syntax error: too deeply nested to check: ")
                && error.contains("(CPython's limit is "),
            "{error}"
        );
    }
    let left: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .map(|entry| entry.unwrap().file_name())
        .filter(|name| name.to_string_lossy().starts_with(".tmp"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
    let (plus, source) = &deep[0];
    let (out, code) = fix_stdin(source.as_bytes(), &[]);
    assert_eq!(
        (out.as_slice(), code),
        (source.as_bytes(), 2),
        "{plus} on stdin"
    );
}

#[cfg(unix)]
#[test]
fn symlink_loops_and_dangling_links_are_errors_not_hangs() {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::create_dir(root.join("pkg")).unwrap();
    write(&root.join("pkg"), "good.py", OLD);
    symlink("..", root.join("pkg/up")).unwrap(); // a folder loop: not followed
    symlink("self.py", root.join("pkg/self.py")).unwrap(); // a link to itself
    symlink("missing.py", root.join("pkg/dangling.py")).unwrap();
    let run = migrate(
        root,
        &["--fix", "pkg", "pkg/self.py", "pkg/dangling.py"],
        None,
    );
    assert_eq!(run.code, 2, "{run:?}");
    let errors: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(
        errors,
        [
            "error: pkg/self.py: Too many levels of symbolic links (os error 40)",
            "error: pkg/dangling.py: No such file or directory (os error 2)",
        ]
    );
    assert_eq!(fs::read_to_string(root.join("pkg/good.py")).unwrap(), NEW);
}

/// A FIFO would block a run, a device such as `/dev/zero` would be read until memory runs out:
/// only regular files are read. A source named on the command line is an error naming it,
/// configuration skipped is a warning naming it, a folder whose ignore file is skipped is not
/// walked (the walk reads that file itself) and is an error naming the file.
#[cfg(unix)]
#[test]
fn fifos_and_devices_are_not_read() {
    use std::os::unix::fs::symlink;
    let limit = std::time::Duration::from_secs(60);
    let mkfifo = |path: &std::path::Path| {
        let made = Command::new("mkfifo")
            .arg(path)
            .status()
            .expect("mkfifo runs");
        assert!(made.success());
    };
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "good.py", OLD);
    write(root, "sub/inside.py", OLD);
    mkfifo(&root.join("pipe.py"));
    mkfifo(&root.join("pipe.toml"));
    mkfifo(&root.join("sub/.gitignore"));
    symlink("/dev/zero", root.join("pyproject.toml")).unwrap();

    let run = migrate_within(root, &["--fix", "good.py", "pipe.py"], limit);
    assert_eq!(run.code, 2, "{run:?}");
    let skipped = format!(
        "warning: {}: not a regular file (a FIFO, socket or device?), not read",
        root.join("pyproject.toml").display()
    );
    assert_eq!(
        run.stderr.lines().collect::<Vec<_>>(),
        [
            &skipped[..],
            "error: pipe.py: not a regular file (a FIFO, socket or device?), not read"
        ]
    );
    assert_eq!(fs::read_to_string(root.join("good.py")).unwrap(), NEW);

    let run = migrate_within(root, &["--config", "pipe.toml", "good.py"], limit);
    assert_eq!(run.code, 2, "{run:?}");
    assert_eq!(
        run.stderr,
        "error: pipe.toml: cannot read: not a regular file (a FIFO, socket or device?), not read\n"
    );

    let run = migrate_within(root, &["--fix", "--isolated", "."], limit);
    assert_eq!(run.code, 2, "{run:?}");
    assert_eq!(
        run.stderr,
        "error: ./sub/.gitignore: not a regular file (a FIFO, socket or device?), not read; \
         the folder is not checked\n"
    );
    assert_eq!(fs::read_to_string(root.join("sub/inside.py")).unwrap(), OLD);

    // `migrate deps`: a requirements file including a FIFO.
    write(root, "deps/requirements.txt", "-r pipe.txt\nnumpy<2\n");
    mkfifo(&root.join("deps/pipe.txt"));
    let run = migrate_within(root, &["deps", "deps"], limit);
    assert_eq!(run.code, 2, "{run:?}");
    assert_eq!(
        run.stderr,
        "error: deps/pipe.txt: not a regular file (a FIFO, socket or device?), not read \
         (included from deps/requirements.txt)\n"
    );

    fs::remove_file(root.join("sub/.gitignore")).unwrap();
    symlink("/dev/zero", root.join("sub/.ignore")).unwrap();
    let run = migrate_within(&root.join("sub"), &["--isolated", "."], limit);
    assert_eq!(run.code, 2, "{run:?}");
    assert_eq!(
        run.stderr,
        format!(
            "error: {}: not a regular file (a FIFO, socket or device?), not read; \
             the folder is not checked\n",
            root.join("sub/.ignore").display()
        )
    );
}

#[test]
fn a_folder_given_as_a_file_and_a_missing_path_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("odd.py")).unwrap();
    write(dir.path(), "good.py", OLD);
    let run = migrate(dir.path(), &["--fix", "good.py", "missing.py"], None);
    assert_eq!(run.code, 2);
    assert_eq!(
        error_line(&run),
        "error: missing.py: No such file or directory (os error 2)"
    );
    assert_eq!(fs::read_to_string(dir.path().join("good.py")).unwrap(), NEW);
    // A folder that ends in `.py` is a folder: walked, not read.
    let run = migrate(dir.path(), &["odd.py"], None);
    assert_eq!(run.code, 0, "{run:?}");
}

/// Unreadable files and folders. Root reads everything, so the binary runs as `nobody` then.
#[cfg(unix)]
#[test]
fn unreadable_files_and_folders_are_errors() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::set_permissions(root, fs::Permissions::from_mode(0o777)).unwrap();
    for name in ["good.py", "secret.py"] {
        write(root, name, OLD);
        fs::set_permissions(root.join(name), fs::Permissions::from_mode(0o666)).unwrap();
    }
    fs::create_dir(root.join("locked")).unwrap();
    write(&root.join("locked"), "inside.py", OLD);
    fs::set_permissions(root.join("secret.py"), fs::Permissions::from_mode(0o000)).unwrap();
    fs::set_permissions(root.join("locked"), fs::Permissions::from_mode(0o000)).unwrap();

    let output = if is_root() {
        // `nobody` must be able to run the binary and reach the folder.
        Command::new("runuser")
            .args([
                "-u",
                "nobody",
                "--",
                env!("CARGO_BIN_EXE_migrate"),
                "--fix",
                ".",
            ])
            .current_dir(root)
            .output()
            .expect("runuser (util-linux) runs the binary as nobody")
    } else {
        Command::new(env!("CARGO_BIN_EXE_migrate"))
            .args(["--fix", "."])
            .current_dir(root)
            .output()
            .unwrap()
    };
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    let mut errors: Vec<&str> = stderr.lines().collect();
    errors.sort_unstable();
    assert_eq!(errors.len(), 2, "{stderr}");
    assert!(
        errors[0].starts_with("error: ./locked: ") && errors[0].contains("Permission denied"),
        "{stderr}"
    );
    assert!(
        errors[1].starts_with("error: ./secret.py: cannot read: Permission denied"),
        "{stderr}"
    );
    assert_eq!(fs::read_to_string(root.join("good.py")).unwrap(), NEW);
    fs::set_permissions(root.join("locked"), fs::Permissions::from_mode(0o755)).unwrap();
}

/// A fixed file is still the file it was: owner, group, mode, extended attributes and hard
/// links (the tests run as root, which can give a file any owner).
#[cfg(target_os = "linux")]
#[test]
fn a_fixed_file_keeps_its_owner_mode_attributes_and_links() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt, chown};
    if !is_root() {
        eprintln!("NOTICE: not root, a file of another owner cannot be made; skipped");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "owned.py", OLD);
    chown(root.join("owned.py"), Some(1234), Some(5678)).unwrap();
    fs::set_permissions(root.join("owned.py"), fs::Permissions::from_mode(0o640)).unwrap();
    let attribute = rustix::fs::setxattr(
        root.join("owned.py"),
        "user.test",
        b"kept",
        rustix::fs::XattrFlags::empty(),
    );
    if attribute.is_err() {
        eprintln!("NOTICE: no user.* extended attributes on this filesystem; not tested");
    }
    write(root, "linked.py", OLD);
    fs::hard_link(root.join("linked.py"), root.join("other_name.py")).unwrap();
    let inode = fs::metadata(root.join("linked.py")).unwrap().ino();

    let run = migrate(root, &["--fix", "owned.py", "linked.py"], None);
    assert_eq!(run.code, 0, "{run:?}");
    let owned = fs::metadata(root.join("owned.py")).unwrap();
    assert_eq!(fs::read_to_string(root.join("owned.py")).unwrap(), NEW);
    assert_eq!(
        (owned.uid(), owned.gid(), owned.mode() & 0o7777),
        (1234, 5678, 0o640)
    );
    if attribute.is_ok() {
        let mut value = [0; 16];
        let length =
            rustix::fs::getxattr(root.join("owned.py"), "user.test", &mut value[..]).unwrap();
        assert_eq!(&value[..length], b"kept");
    }
    for name in ["linked.py", "other_name.py"] {
        assert_eq!(fs::read_to_string(root.join(name)).unwrap(), NEW, "{name}");
        assert_eq!(
            fs::metadata(root.join(name)).unwrap().ino(),
            inode,
            "{name}"
        );
    }
}

/// The rename of a fix needs only the folder's permission: a read-only file of another user
/// in a world-writable folder must still not be replaced.
#[cfg(unix)]
#[test]
fn a_file_we_may_not_write_is_not_replaced() {
    use std::os::unix::fs::PermissionsExt;
    if !is_root() {
        eprintln!("NOTICE: not root, cannot run as another user; skipped");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::set_permissions(root, fs::Permissions::from_mode(0o777)).unwrap();
    write(root, "readonly.py", OLD);
    fs::set_permissions(root.join("readonly.py"), fs::Permissions::from_mode(0o444)).unwrap();
    let output = Command::new("runuser")
        .args(["-u", "nobody", "--", env!("CARGO_BIN_EXE_migrate")])
        .args(["--fix", "readonly.py"])
        .current_dir(root)
        .output()
        .expect("runuser (util-linux) runs the binary as nobody");
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert_eq!(
        stderr,
        "error: readonly.py: cannot write, file left unchanged: Permission denied (os error 13)\n"
    );
    assert_eq!(fs::read_to_string(root.join("readonly.py")).unwrap(), OLD);
    // What was not written is still to migrate.
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        stdout.ends_with("Found 1 issue (1 fixable) in 1 file (1 file checked).\n"),
        "{stdout}"
    );
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().unwrap().stdout == b"0\n"
}

#[test]
fn a_panic_is_an_error_of_its_file_only() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["a.py", "b.py", "c.py"] {
        write(dir.path(), name, OLD);
    }
    let output = Command::new(env!("CARGO_BIN_EXE_migrate"))
        .args(["--fix", "."])
        .current_dir(dir.path())
        .env("MIGRATE_DEBUG_PANIC_ON", "b.py")
        .output()
        .unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    assert!(
        lines[0].starts_with(
            "error: ./b.py: internal error (a bug in migrate), file left unchanged: panicked at"
        ),
        "{stderr}"
    );
    assert_eq!(fs::read_to_string(dir.path().join("a.py")).unwrap(), NEW);
    assert_eq!(fs::read_to_string(dir.path().join("b.py")).unwrap(), OLD);
    assert_eq!(fs::read_to_string(dir.path().join("c.py")).unwrap(), NEW);
}

#[test]
fn new_python_syntax_parses_and_is_fixed() {
    let source = "\
import numpy as np

type Vector[T: np.generic] = np.ndarray  # PEP 695 (3.12)

def first[T](items: list[T]) -> T:
    return items[0] * np.float_(1)

class Box[T]:
    value: T

name = f\"{np.NaN!r:>{10}} {f'{np.Inf}'} {\"nested\"}\"  # PEP 701 (3.12)

match np.float_(2):
    case 2.0 if np.NaN != np.NaN:
        pass
    case _:
        pass

try:
    pass
except ValueError, TypeError:  # PEP 758 (3.14)
    x = np.Inf

template = t\"{np.PINF}\"  # PEP 750 (3.14)
";
    let (fixed, code) = fix_stdin(source.as_bytes(), &[]);
    assert_eq!(code, 0);
    let fixed = String::from_utf8(fixed).unwrap();
    let expected = source
        .replace("np.float_", "np.float64")
        .replace("np.NaN", "np.nan")
        .replace("np.Inf", "np.inf")
        .replace("np.PINF", "np.inf");
    assert_eq!(fixed, expected);
}

#[test]
fn tabs_form_feeds_and_crlf_survive() {
    let source = "import numpy as np\r\n\x0c\r\nclass A:\r\n\tdef f(self):\r\n\t\treturn np.float_\t# tab\r\n\x0c\r\n";
    let (fixed, code) = fix_stdin(source.as_bytes(), &[]);
    assert_eq!(code, 0);
    assert_eq!(
        String::from_utf8(fixed).unwrap(),
        source.replace("np.float_", "np.float64")
    );
}

/// Reads of a name bound thousands of times in one scope: each proof about the name (an
/// array? a tuple result? a dtype?) is made once per binding list, not once per read, so
/// the run stays linear where it used to take hours.
#[test]
fn many_reads_of_a_name_bound_many_times_stay_linear() {
    let repeat = 5_000;
    let mut source = String::from("import numpy as np\n");
    for _ in 0..repeat {
        source.push_str("x = np.zeros(3)\nx.ptp()\nint(x)\nd = x.dtype\nnp.dtype(d)\n");
        source.push_str("g = np.meshgrid(a, b)\ng[0] = 1\ng.append(2)\n");
    }
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "many.py", &source);
    let report = fs::File::create(dir.path().join("report.txt")).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_migrate"))
        .current_dir(dir.path())
        .args(["--check", "--output-format", "concise", "many.py"])
        .stdout(report)
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // A bound on a hang, not a timing: quadratic work here takes hours.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(300);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if std::time::Instant::now() > deadline {
            child.kill().unwrap();
            panic!("migrate --check did not finish within 300 s");
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    };
    assert_eq!(status.code(), Some(1));
    let report = fs::read_to_string(dir.path().join("report.txt")).unwrap();
    // `.ptp()` and both changes of `g` are reported at every repetition.
    assert_eq!(
        report.matches("NP239").count(),
        2 * repeat,
        "{}",
        &report[..2000]
    );
    assert!(report.matches("ptp").count() >= repeat);
}

#[test]
fn findings_on_one_long_line_cost_what_the_line_does() {
    let findings = 20_000;
    let source = format!(
        "import numpy as np\nx = [{}]\n",
        vec!["np.float_"; findings].join(", ")
    );
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "long.py", &source);
    // GNU time prints the peak resident set size of the run, in KB, as its last line.
    let run = Command::new("/usr/bin/time")
        .current_dir(dir.path())
        .args([
            "-f",
            "%M",
            env!("CARGO_BIN_EXE_migrate"),
            "--check",
            "long.py",
        ])
        .output()
        .expect("GNU time at /usr/bin/time");
    assert_eq!(run.status.code(), Some(1));
    let report = String::from_utf8(run.stdout).unwrap();
    assert_eq!(report.matches("NP201 [*]").count(), findings);
    // Each frame shows a window of the line: twice 100 bytes around the finding and `…`.
    let longest = report
        .lines()
        .map(|line| line.chars().count())
        .max()
        .unwrap();
    assert!(longest < 300, "a line of {longest} characters");
    let stderr = String::from_utf8(run.stderr).unwrap();
    let peak_kb: u64 = stderr.lines().last().unwrap().trim().parse().unwrap();
    assert!(peak_kb < 500_000, "{peak_kb} KB");
}

#[test]
fn a_named_expression_passed_as_a_keyword_is_parenthesized() {
    let source = "import numpy as np\nnp.maximum([1, 5], (3, 2), out := np.empty(2))\nnp.maximum(a, b, (o := c))\n";
    let (fixed, code) = fix_stdin(source.as_bytes(), &[]);
    assert_eq!(
        (String::from_utf8(fixed).unwrap().as_str(), code),
        (
            "import numpy as np\nnp.maximum([1, 5], (3, 2), out=(out := np.empty(2)))\nnp.maximum(a, b, out=((o := c)))\n",
            0
        )
    );
}
