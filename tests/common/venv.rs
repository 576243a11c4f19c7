//! Python virtual environments for the tests that run Python tools (NumPy for the oracle,
//! pre-commit): made on first use with `python3 -m venv` and pip from PyPI, kept under
//! `target/` for the next run.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{SystemTime, UNIX_EPOCH};

/// A command for a Python interpreter, without the environment that would change how it runs.
pub fn python_command(program: &Path) -> Command {
    let mut command = Command::new(program);
    for var in [
        "PYTHONPATH",
        "PYTHONHOME",
        "PYTHONWARNINGS",
        "PYTHONSTARTUP",
    ] {
        command.env_remove(var);
    }
    command
}

/// Whether `python` runs `probe` (such as `-c "import numpy"`) successfully.
fn works(python: &Path, probe: &[&str]) -> bool {
    python_command(python)
        .args(probe)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

/// Run one step of creating a venv; on failure remove the half-made `scratch` and panic.
fn run_or_panic(command: &mut Command, what: &str, scratch: &Path) {
    let failure = match command.stdin(Stdio::null()).output() {
        Err(error) => format!("cannot start ({error})"),
        Ok(output) if !output.status.success() => format!(
            "failed ({}):\n{}{}",
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ),
        Ok(_) => return,
    };
    let _ = fs::remove_dir_all(scratch);
    panic!("`{what}` {failure}\nThis test needs python3 with venv and pip, and PyPI.");
}

/// A name for a scratch folder next to the venvs that no other process uses.
fn scratch_name(venv: &str, what: &str) -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_nanos());
    format!(".{venv}.{what}-{}-{nanos}", std::process::id())
}

/// The newest CPython from 3.12 on that this machine has (NumPy 2.5 needs 3.12): on `PATH`
/// (`python3.13`, pyenv's shims) or under `~/.pyenv/versions`; `None` when there is none.
pub fn python_3_12_or_newer() -> Option<PathBuf> {
    let pyenv = std::env::var_os("PYENV_ROOT")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| Path::new(&home).join(".pyenv")));
    (12..=15).rev().find_map(|minor| {
        let on_path = PathBuf::from(format!("python3.{minor}"));
        let candidates = std::iter::once(on_path).chain(pyenv.iter().flat_map(|pyenv| {
            fs::read_dir(pyenv.join("versions"))
                .into_iter()
                .flatten()
                .flatten()
                .filter(|entry| {
                    let name = entry.file_name();
                    let name = name.to_string_lossy();
                    name.strip_prefix(&format!("3.{minor}."))
                        .is_some_and(|patch| patch.bytes().all(|byte| byte.is_ascii_digit()))
                })
                .map(|entry| entry.path().join("bin/python"))
                .collect::<Vec<_>>()
        }));
        candidates
            .into_iter()
            .find(|python| works(python, &["-m", "venv", "--help"]))
    })
}

/// The python of `root/<name>`, creating the venv with `python3` and `requirement` installed
/// when its python does not run `probe`. It is built in a scratch folder and renamed into
/// place, so a racing test process sees all of it or none.
pub fn ensure_venv(root: &Path, name: &str, requirement: &str, probe: &[&str]) -> PathBuf {
    ensure_venv_with(Path::new("python3"), root, name, requirement, probe)
}

/// [`ensure_venv`] with the venv made by `interpreter`.
pub fn ensure_venv_with(
    interpreter: &Path,
    root: &Path,
    name: &str,
    requirement: &str,
    probe: &[&str],
) -> PathBuf {
    let target = root.join(name);
    let python = target.join("bin/python");
    if works(&python, probe) {
        return python;
    }
    fs::create_dir_all(root).unwrap_or_else(|error| panic!("{}: {error}", root.display()));
    let scratch = root.join(scratch_name(name, "tmp"));
    run_or_panic(
        python_command(interpreter)
            .args(["-m", "venv"])
            .arg(&scratch),
        &format!("{} -m venv {}", interpreter.display(), scratch.display()),
        &scratch,
    );
    run_or_panic(
        python_command(&scratch.join("bin/pip")).args(["install", "-q", requirement]),
        &format!("{}/bin/pip install -q {requirement}", scratch.display()),
        &scratch,
    );
    // A leftover that does not work (an interrupted run, a dangling link) goes first.
    if fs::symlink_metadata(&target).is_ok() && !works(&python, probe) {
        let aside = root.join(scratch_name(name, "broken"));
        if fs::rename(&target, &aside).is_ok() {
            let _ = fs::remove_dir_all(&aside);
        }
    }
    if let Err(error) = fs::rename(&scratch, &target) {
        // Another test process may have put its own in place meanwhile.
        let _ = fs::remove_dir_all(&scratch);
        assert!(
            works(&python, probe),
            "cannot move {} to {}: {error}",
            scratch.display(),
            target.display()
        );
    }
    assert!(
        works(&python, probe),
        "{} was just created but does not run {probe:?}",
        python.display()
    );
    python
}
