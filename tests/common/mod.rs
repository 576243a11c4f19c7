//! Running the built `migrate` binary from end-to-end tests.
#![allow(dead_code)] // Each test binary uses its own part of this module.

pub mod odd_requirements;
pub mod venv;

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// What one run of `migrate` did.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Run `migrate` with `args` in `cwd`, feeding `stdin` if given.
pub fn migrate(cwd: &Path, args: &[&str], stdin: Option<&[u8]>) -> Run {
    migrate_with_env(cwd, args, stdin, &[])
}

/// [`migrate`] with environment variables set (or, with an empty value, removed).
pub fn migrate_with_env(
    cwd: &Path,
    args: &[&str],
    stdin: Option<&[u8]>,
    env: &[(&str, &str)],
) -> Run {
    let (code, stdout, stderr) = run_binary(cwd, args, stdin, env);
    Run {
        code,
        stdout: String::from_utf8(stdout).expect("utf-8 stdout"),
        stderr: String::from_utf8(stderr).expect("utf-8 stderr"),
    }
}

/// [`migrate`] without stdin, killed after `limit`: a run that would block (on a FIFO, say)
/// fails the test instead of hanging it.
pub fn migrate_within(cwd: &Path, args: &[&str], limit: Duration) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_migrate"))
        .args(args)
        .current_dir(cwd)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("migrate starts");
    let drain = |mut stream: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut text = String::new();
            stream.read_to_string(&mut text).expect("utf-8 output");
            text
        })
    };
    let stdout = drain(Box::new(child.stdout.take().expect("piped")));
    let stderr = drain(Box::new(child.stderr.take().expect("piped")));
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("migrate runs") {
            break status;
        }
        if started.elapsed() > limit {
            child.kill().expect("migrate killed");
            child.wait().expect("migrate reaped");
            panic!("migrate {args:?} still running after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Run {
        code: status.code().expect("migrate exits, not killed"),
        stdout: stdout.join().expect("stdout read"),
        stderr: stderr.join().expect("stderr read"),
    }
}

/// `source` through `migrate --fix -` (the editor path): the bytes it prints and its exit code.
pub fn fix_stdin(source: &[u8], args: &[&str]) -> (Vec<u8>, i32) {
    let mut all = vec!["--fix", "-"];
    all.extend_from_slice(args);
    let (code, stdout, _) = run_binary(Path::new("."), &all, Some(source), &[]);
    (stdout, code)
}

fn run_binary(
    cwd: &Path,
    args: &[&str],
    stdin: Option<&[u8]>,
    env: &[(&str, &str)],
) -> (i32, Vec<u8>, Vec<u8>) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_migrate"));
    // Colors are the environment's to decide: the tests set what they test.
    command.env_remove("FORCE_COLOR").env_remove("NO_COLOR");
    for (name, value) in env {
        if value.is_empty() {
            command.env_remove(name);
        } else {
            command.env(name, value);
        }
    }
    let mut child = command
        .args(args)
        .current_dir(cwd)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("migrate starts");
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .expect("piped")
            .write_all(input)
            .expect("stdin written");
    }
    let output = child.wait_with_output().expect("migrate finishes");
    let code = output.status.code().expect("migrate exits, not killed");
    (code, output.stdout, output.stderr)
}

/// Write `content` to `dir/name`, creating its folders.
pub fn write(dir: &Path, name: &str, content: impl AsRef<[u8]>) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().expect("a file in a folder")).expect("folder made");
    std::fs::write(path, content).expect("file written");
}

/// The repository's root (tests run from the CLI crate's folder).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("repo root")
}
