use migrate_engine::ast::Stmt;
use migrate_engine::checker::{Checker, Reference, Rule};
use migrate_engine::prefilter::Triggers;

use crate::table_rule::TableRule;

/// ## What it does
/// Finds names that NumPy 2 removed, renamed, moved out of the main namespace or deprecated
/// (`np.float_`, `np.NaN`, `np.product`, `np.in1d`, `np.trapz`, `np.ComplexWarning`, ...),
/// wherever they are used or imported, and rewrites them to what replaces them.
///
/// ## Why is this bad?
/// The old names raise `AttributeError` (or `ImportError` in a `from numpy import`) on
/// NumPy 2; the deprecated ones warn now and go in a later 2.x release.
///
/// ## Example
/// ```python
/// import numpy as np
/// from numpy import NaN as missing
///
/// x = np.float_(np.NINF ** 2)
/// mask = np.in1d(a, b)
/// ```
///
/// Use instead:
/// ```python
/// import numpy as np
/// from numpy import nan as missing
///
/// x = np.float64((-np.inf) ** 2)
/// mask = np.isin(a, b).ravel()
/// ```
///
/// ## Fix
/// Every fix keeps the NumPy 1.x meaning (`np.isin` keeps the input's shape where `np.in1d`
/// returned a flat array, hence `.ravel()`), uses the file's own name for numpy, adds
/// parentheses where precedence needs them and never binds a builtin's name
/// (`np.sometrue` becomes `np.any`). A name newer than `--min-numpy` (`np.trapezoid`: 2.0,
/// `np.exceptions`: 1.25) comes through a compatibility import where NumPy is imported at
/// the top level (`try: from numpy import trapezoid` / `except ImportError: from numpy
/// import trapz as trapezoid`, the uses become `trapezoid`); elsewhere it is reported.
/// A name that is another object than its replacement on NumPy 1.x (`np.round_` is a
/// deprecated wrapper of `np.round`) is fixed where it is called; used as a value
/// (`@overload(np.round_)`, a dict key, `f is np.alltrue`) it is reported, since the
/// replacement would change what the code does on the 1.x it still supports.
/// The rows are data: `[[name]]` in `rules/numpy2.toml`.
pub struct RemovedName(pub TableRule);

pub const CODE: &str = "NP201";

impl Rule for RemovedName {
    fn code(&self) -> &'static str {
        CODE
    }

    fn noqa_aliases(&self) -> &'static [&'static str] {
        &["NPY201"]
    }

    fn triggers(&self) -> Option<Triggers> {
        Some(self.0.triggers())
    }

    fn reference<'a>(&self, checker: &mut Checker<'a>, reference: &Reference<'a>) {
        self.0.reference(checker, reference);
    }

    fn stmt<'a>(&self, checker: &mut Checker<'a>, stmt: &'a Stmt) {
        self.0.stmt(checker, stmt);
    }
}
