//! A progress bar on standard error, for runs over many files on a terminal. Nothing is drawn
//! anywhere else (a pipe, a file, CI logs): the bar is for a person watching.

use std::sync::atomic::{AtomicBool, Ordering};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Runs over fewer files finish before a bar would say anything.
const MANY_FILES: u64 = 200;

/// Whether a run that has found `files` so far shows the bar.
pub fn visible(stderr_is_terminal: bool, files: u64) -> bool {
    stderr_is_terminal && files >= MANY_FILES
}

/// Files found by the walk (the length) and checked (the position). The walk is still going
/// while files are checked, so the length grows; the bar appears once the run is large.
pub struct Progress {
    bar: ProgressBar,
    stderr_is_terminal: bool,
    shown: AtomicBool,
}

impl Progress {
    pub fn new(stderr_is_terminal: bool) -> Self {
        let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::hidden());
        bar.set_style(
            ProgressStyle::with_template("{bar:40} {pos}/{len} files {elapsed} {wide_msg}")
                .expect("a valid template"),
        );
        Self {
            bar,
            stderr_is_terminal,
            shown: AtomicBool::new(false),
        }
    }

    /// The walk found one more file.
    pub fn found(&self) {
        self.bar.inc_length(1);
        let files = self.bar.length().unwrap_or(0);
        if visible(self.stderr_is_terminal, files) && !self.shown.swap(true, Ordering::Relaxed) {
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
        }
    }

    /// One more file was checked.
    pub fn checked(&self) {
        self.bar.inc(1);
    }

    /// Remove the bar before the report is printed.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_large_runs_on_a_terminal_show_a_bar() {
        assert!(visible(true, 5_000));
        assert!(!visible(true, 3));
        assert!(!visible(false, 5_000));
    }

    #[test]
    fn a_bar_off_a_terminal_stays_hidden() {
        let progress = Progress::new(false);
        for _ in 0..1_000 {
            progress.found();
            progress.checked();
        }
        assert!(progress.bar.is_hidden());
        assert!(!progress.shown.load(Ordering::Relaxed));
        progress.finish();
    }
}
