//! What a rule reports.

use ruff_text_size::{Ranged, TextRange};

use crate::edit::Fix;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The rule's code, e.g. `NP201`.
    pub code: &'static str,
    pub message: String,
    pub range: TextRange,
    pub fix: Option<Fix>,
    /// What the fix does, or, without a fix, what to do instead and why no fix was made.
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn new(code: &'static str, message: impl Into<String>, range: TextRange) -> Self {
        Self {
            code,
            message: message.into(),
            range,
            fix: None,
            help: None,
        }
    }

    #[must_use]
    pub fn with_fix(mut self, fix: Fix) -> Self {
        self.fix = Some(fix);
        self
    }

    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

impl Ranged for Diagnostic {
    fn range(&self) -> TextRange {
        self.range
    }
}
