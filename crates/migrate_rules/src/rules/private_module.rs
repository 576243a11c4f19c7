use migrate_engine::ast::Stmt;
use migrate_engine::checker::{Checker, Reference, Rule};
use migrate_engine::prefilter::Triggers;

use crate::table_rule::TableRule;

/// ## What it does
/// Finds uses and imports of the modules NumPy 2 made private, removed or emptied:
/// `numpy.core` and its submodules (now the private `numpy._core`), the private submodules
/// of `numpy.lib` (`function_base`, `arraysetops`, `npyio`'s moved functions, ...),
/// `numpy.lib.<function>` for the 150 functions that live in `numpy`, `numpy.linalg.linalg`,
/// `numpy.fft.helper` and `numpy.compat`, and rewrites them to the public home of each name.
///
/// ## Why is this bad?
/// On NumPy 2 every use of `numpy.core` warns (and goes in a later release), the private
/// `numpy.lib` modules cannot be imported, and `numpy.linalg.linalg` / `numpy.fft.helper`
/// are gone from 2.4.
///
/// ## Example
/// ```python
/// import numpy as np
/// import numpy.core.numeric as _nx
/// from numpy.core.multiarray import normalize_axis_index
///
/// x = _nx.asarray(data)
/// rec = np.core.records.fromarrays([a, b])
/// err = np.linalg.linalg.LinAlgError
/// ```
///
/// Use instead:
/// ```python
/// import numpy as np
/// import numpy as _nx
/// from numpy.lib.array_utils import normalize_axis_index
///
/// x = _nx.asarray(data)
/// rec = np.rec.fromarrays([a, b])
/// err = np.linalg.LinAlgError
/// ```
///
/// ## Fix
/// A member goes to its public home (`np.X`, `np.rec`, `np.char`, `np.linalg`,
/// `np.lib.array_utils` from NumPy 2.0 on, as `--min-numpy` allows). An import that binds the
/// module to a name is rebound to the home when every use is a member with a home there;
/// `from numpy.core.numeric import a, b` becomes `from numpy import a, b`. Members with no
/// public home are reported. The tables are generated from NumPy 1.26 and 2.x:
/// `rules/private_modules.toml`.
pub struct PrivateModule(pub TableRule);

pub const CODE: &str = "NP202";

impl Rule for PrivateModule {
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
