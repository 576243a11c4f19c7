//! The pre-commit hooks: `.pre-commit-hooks.yaml` passes pre-commit's own manifest check and
//! has both hooks, and pre-commit (from PyPI, in a venv under `target/pre-commit`) runs them
//! in a throwaway git repository: `migrate-check` fails on a file with `np.float_`,
//! `migrate-fix` fixes it, and an excluded file stays excluded although pre-commit names it.
//!
//! The hooks run the binary this build made (`language: system` with its absolute path and
//! the published hooks' arguments), so that the test does not build it again through pip.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::venv::{ensure_venv, python_command};
use common::{repo_root, write};
use serde_json::Value;

fn pre_commit_python() -> PathBuf {
    ensure_venv(
        &repo_root().join("target/pre-commit"),
        "venv",
        "pre-commit>=3,<5",
        &["-m", "pre_commit", "--version"],
    )
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// The published hooks, as pre-commit reads them.
fn published_hooks(python: &Path) -> Vec<Value> {
    let manifest = repo_root().join(".pre-commit-hooks.yaml");
    let validated = python_command(python)
        .args(["-m", "pre_commit", "validate-manifest"])
        .arg(&manifest)
        .output()
        .unwrap();
    assert!(validated.status.success(), "{}", text(&validated));
    let loaded = python_command(python)
        .args([
            "-c",
            "import json, sys, yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))",
        ])
        .arg(&manifest)
        .output()
        .unwrap();
    assert!(loaded.status.success(), "{}", text(&loaded));
    serde_json::from_slice(&loaded.stdout).unwrap()
}

#[test]
fn the_manifest_has_both_hooks() {
    let hooks = published_hooks(&pre_commit_python());
    let summary: Vec<(&str, &str, &str)> = hooks
        .iter()
        .map(|hook| {
            (
                hook["id"].as_str().unwrap(),
                hook["entry"].as_str().unwrap(),
                hook["language"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("migrate-check", "migrate --check --force-exclude", "python"),
            ("migrate-fix", "migrate --fix --force-exclude", "python"),
        ]
    );
    for hook in &hooks {
        assert_eq!(
            hook["types_or"],
            serde_json::json!(["python", "pyi", "jupyter"])
        );
        assert_eq!(hook["require_serial"], true);
    }
}

/// `git` in `repo`, with an identity and no global configuration.
fn git(repo: &Path, args: &[&str]) {
    let output = Command::new("git")
        .args([
            "-c",
            "user.name=test",
            "-c",
            "user.email=test@example.invalid",
        ])
        .args(args)
        .current_dir(repo)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .expect("git runs");
    assert!(output.status.success(), "git {args:?}: {}", text(&output));
}

fn run_hook(python: &Path, repo: &Path, hook: &str) -> Output {
    python_command(python)
        .args([
            "-m",
            "pre_commit",
            "run",
            "--all-files",
            "--color",
            "never",
            hook,
        ])
        .current_dir(repo)
        .env("PRE_COMMIT_HOME", repo.join(".pre-commit-cache"))
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .expect("pre-commit runs")
}

#[test]
fn pre_commit_runs_the_hooks() {
    let python = pre_commit_python();
    let binary = env!("CARGO_BIN_EXE_migrate");
    // The published hooks, pointed at this build's binary.
    let hooks: Vec<String> = published_hooks(&python)
        .iter()
        .map(|hook| {
            let entry = hook["entry"].as_str().unwrap();
            let arguments = entry.strip_prefix("migrate ").expect("runs migrate");
            format!(
                "      - id: {}\n        name: {}\n        entry: {binary} {arguments}\n        \
                 language: system\n        types_or: [python, pyi]\n        require_serial: true\n",
                hook["id"].as_str().unwrap(),
                hook["name"].as_str().unwrap(),
            )
        })
        .collect();

    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path();
    git(repo, &["init", "-q"]);
    write(
        repo,
        ".pre-commit-config.yaml",
        format!("repos:\n  - repo: local\n    hooks:\n{}", hooks.concat()),
    );
    write(repo, ".gitignore", ".pre-commit-cache/\n");
    write(
        repo,
        "pyproject.toml",
        "[tool.migrate]\nextend-exclude = ['vendored']\n",
    );
    let old = "import numpy as np\n\nx = np.float_(1)\n";
    write(repo, "pkg/mod.py", old);
    write(repo, "vendored/lib.py", old);
    write(repo, "notes.txt", "np.float_\n");
    git(repo, &["add", "."]);

    let check = run_hook(&python, repo, "migrate-check");
    let output = text(&check);
    assert!(!check.status.success(), "{output}");
    assert!(
        output.contains("NP201 [*] `np.float_` was removed in NumPy 2.0"),
        "{output}"
    );
    assert!(output.contains("pkg/mod.py:3:5"), "{output}");
    assert!(!output.contains("vendored"), "{output}");
    assert_eq!(fs::read_to_string(repo.join("pkg/mod.py")).unwrap(), old);

    let fix = run_hook(&python, repo, "migrate-fix");
    let output = text(&fix);
    // pre-commit fails a hook that changed files.
    assert!(!fix.status.success(), "{output}");
    assert!(
        output.contains("files were modified by this hook"),
        "{output}"
    );
    assert_eq!(
        fs::read_to_string(repo.join("pkg/mod.py")).unwrap(),
        "import numpy as np\n\nx = np.float64(1)\n"
    );
    assert_eq!(
        fs::read_to_string(repo.join("vendored/lib.py")).unwrap(),
        old
    );

    git(repo, &["add", "."]);
    let again = run_hook(&python, repo, "migrate-check");
    assert!(again.status.success(), "{}", text(&again));
}
