//! The note that fixes were made for NumPy 2 on the strength of an assumption: where nothing
//! gives or declares the oldest NumPy a project supports, its floor is 2.0, and a fix such as
//! `np.trapz` → `np.trapezoid` then breaks the code on the NumPy 1.x its users may still have.

use std::collections::BTreeSet;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use migrate_engine::checker::RuleSet;
use migrate_engine::edit::Fix;
use migrate_engine::lint;

use crate::args::Mode;
use crate::run::FileReport;
use crate::settings::Settings;

/// The projects of a run where a fix needs NumPy 2 although no floor says so.
#[derive(Default)]
pub struct AssumedFloors {
    /// One file is enough for a project's note: the others are not checked again.
    noted: Mutex<BTreeSet<PathBuf>>,
}

impl AssumedFloors {
    /// Fix, diff or check the file at `path` with `fix` (its run with `rules`), and remember it
    /// when a fix made needs NumPy 2 on an assumed floor: one that its rules on NumPy 1.x make
    /// differently or not at all. Only for a file on an assumed floor is the source `read`
    /// (as it is before `fix` writes it) and, when fixed, checked twice more.
    pub fn run(
        &self,
        settings: &Settings,
        path: &Path,
        (mode, rules): (Mode, &RuleSet),
        read: impl FnOnce() -> Option<String>,
        fix: impl FnOnce() -> FileReport,
    ) -> FileReport {
        let noted = || self.noted.lock().unwrap_or_else(PoisonError::into_inner);
        let on_numpy_1 = (mode != Mode::Check)
            .then(|| settings.rules_on_numpy_1(path))
            .flatten();
        let root = on_numpy_1
            .as_ref()
            .and_then(|_| settings.project_roots(std::iter::once(path)).pop_first())
            .filter(|root| !noted().contains(root));
        let on_numpy_1 = on_numpy_1.filter(|_| root.is_some());
        let source = on_numpy_1.as_ref().and_then(|_| read());
        let report = fix();
        // A panic of the rules was the file's error in `fix` already; here it means no note.
        let needs_numpy_2 = |source: &str, on_numpy_1: &RuleSet| {
            catch_unwind(AssertUnwindSafe(|| {
                fixes(source, path, rules) != fixes(source, path, on_numpy_1)
            }))
            .unwrap_or(false)
        };
        if let (Some(on_numpy_1), Some(source), Some(root)) = (on_numpy_1, source, root)
            && report.fixed > 0
            && needs_numpy_2(&source, &on_numpy_1)
        {
            noted().insert(root);
        }
        report
    }

    /// One note per project: to print on stderr.
    pub fn notes(&self) -> Vec<String> {
        self.noted
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .map(|root| {
                format!(
                    "note: no NumPy requirement found for {}; fixes assume NumPy >= 2.0 (set \
                     `min-numpy` or declare numpy, e.g. `numpy>=1.22`, to keep fixed code \
                     working on NumPy 1.x)",
                    root.display()
                )
            })
            .collect()
    }
}

/// The fixes `rules` find in `source` (none when it does not parse).
fn fixes(source: &str, path: &Path, rules: &RuleSet) -> Vec<Fix> {
    lint::check(source, path, rules)
        .map(|diagnostics| {
            diagnostics
                .into_iter()
                .filter_map(|diagnostic| diagnostic.fix)
                .collect()
        })
        .unwrap_or_default()
}
