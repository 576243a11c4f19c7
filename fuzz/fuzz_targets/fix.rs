//! Fuzz the fixer's invariants (`tests/common/invariants.rs`, shared with the property test)
//! on arbitrary text: every UTF-8 input, as a `.py` file (and, for a quarter of the inputs, as
//! a `.pyi` stub). Invariant 4 (no byte outside the edits changes) is debug-asserted by
//! `edit::apply_fixes` on every round, so this target refuses to build without debug
//! assertions. With `MIGRATE_FUZZ_STRICT=1` in the environment the strict invariants (6 to 8:
//! no dropped fix, nothing fixable left, comments kept) are checked too.
//!
//! A failing assertion names the invariant; libFuzzer saves the input under
//! `fuzz/artifacts/fix/`.

#![no_main]

#[cfg(not(debug_assertions))]
compile_error!(
    "build the fuzz target with debug assertions (cargo fuzz's default; do not pass --release \
     without --debug-assertions)"
);

#[path = "../../tests/common/invariants.rs"]
mod invariants;

use std::path::Path;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(source) = std::str::from_utf8(data) else {
        return;
    };
    let path = if data.len() % 4 == 3 {
        Path::new("fuzz.pyi")
    } else {
        Path::new("fuzz.py")
    };
    if let Err(broken) = invariants::check(source, path, strict()) {
        panic!("{broken}");
    }
});

fn strict() -> bool {
    static STRICT: OnceLock<bool> = OnceLock::new();
    *STRICT.get_or_init(|| std::env::var_os("MIGRATE_FUZZ_STRICT").is_some_and(|v| v != "0"))
}
