//! Fuzz the dependency readers: every UTF-8 input, as each kind of dependency file `migrate
//! deps` reads, and as one requirement in every place a requirement goes
//! (`tests/common/odd_requirements.rs`, shared with the no-panic tests). Checking, fixing and
//! the NumPy floor must never panic; a fixed file must be read again without error (`fix`
//! checks it, and says so in its error).
//!
//! A failing input is saved under `fuzz/artifacts/requirements/`.

#![no_main]

// Only its files: the requirements come from libFuzzer.
#[allow(dead_code)]
#[path = "../../tests/common/odd_requirements.rs"]
mod odd_requirements;

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use migrate_deps::Kind;

const KINDS: &[Kind] = &[
    Kind::Pyproject,
    Kind::Requirements,
    Kind::SetupCfg,
    Kind::Conda,
    Kind::Pipfile,
    Kind::UvLock,
    Kind::PoetryLock,
    Kind::Pylock,
    Kind::PipfileLock,
];

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for &kind in KINDS {
        read(kind, text);
    }
    for (name, file) in odd_requirements::files_holding(&[text.to_string()]) {
        if let Some(kind) = Kind::of(Path::new(name)) {
            read(kind, &file);
        }
    }
});

fn read(kind: Kind, text: &str) {
    if let Ok(analysis) = migrate_deps::analyze(kind, text) {
        let _ = analysis.numpy_floor();
        if let Err(error) = migrate_deps::fix(kind, text) {
            assert!(
                !error.contains("a bug in migrate"),
                "{kind:?}: {error}\n{text}"
            );
        }
    }
}
