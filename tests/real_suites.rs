//! Real packages' own test suites on NumPy 1.26 and 2.5, before and after `migrate --fix`
//! (`bench/real_suites.py`). Slow and networked (sdists and NumPy from PyPI), so ignored by
//! default: `.ci/run` runs it with `--ignored`.

use std::process::Command;

#[test]
#[ignore = "downloads packages from PyPI and runs their test suites (about 3 minutes)"]
fn real_suites() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
    let status = Command::new("python3")
        .arg(format!("{root}/bench/real_suites.py"))
        .args(["--migrate", env!("CARGO_BIN_EXE_migrate")])
        .status()
        .expect("python3 runs bench/real_suites.py");
    assert!(
        status.success(),
        "bench/real_suites.py failed ({status}): a regression, a left failure, or see its output"
    );
}
