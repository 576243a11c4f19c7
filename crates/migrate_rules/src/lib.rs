//! The NumPy 2 migration rules of `migrate`.
//!
//! Tables (renames, removals, moves) are data in `rules/numpy2.toml`; rules that need logic
//! are Rust, one per file in [`rules`].

mod array_text;
mod compat;
mod dtype_slots;
mod naming;
mod numpy_types;
pub mod project;
#[cfg(test)]
mod release_notes;
pub mod rules;
pub mod table;
mod table_rule;
mod template;
mod triggers;
mod values;
pub mod version;

use migrate_engine::checker::{Rule, RuleSet};
use migrate_engine::semantic::TrackedModules;

use crate::table_rule::TableRule;
use crate::version::Version;

/// What a run asks of the rules.
#[derive(Debug, Clone)]
pub struct Options {
    /// The oldest NumPy the fixed code must still run on.
    pub min_numpy: Version,
    /// Codes (or code prefixes) to run; empty: all.
    pub select: Vec<String>,
    /// Codes (or code prefixes) not to run.
    pub ignore: Vec<String>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            min_numpy: Version::NUMPY_2,
            select: Vec::new(),
            ignore: Vec::new(),
        }
    }
}

/// What a rule is called and what it finds, for reports that describe their rules (SARIF,
/// `--statistics`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleInfo {
    pub code: &'static str,
    /// Kebab-case, like Ruff's rule names.
    pub name: &'static str,
    /// One sentence.
    pub summary: &'static str,
}

/// Every rule, in code order.
pub const RULES: &[RuleInfo] = &[
    RuleInfo {
        code: rules::removed_name::CODE,
        name: "removed-name",
        summary: "A name NumPy 2 removed, renamed, moved or deprecated.",
    },
    RuleInfo {
        code: rules::private_module::CODE,
        name: "private-module",
        summary: "A private NumPy module (`numpy.core`, private `numpy.lib` submodules) whose members have a public home.",
    },
    RuleInfo {
        code: rules::dtype_alias::CODE,
        name: "dtype-alias",
        summary: "A dtype alias spelled as a string that NumPy 2 no longer accepts.",
    },
    // The dtype family (issue 12): abstract types as dtypes, spellings whose meaning changed.
    RuleInfo {
        code: rules::abstract_dtype::CODE,
        name: "abstract-dtype",
        summary: "An abstract scalar type (`np.floating`, `np.integer`) used as a dtype, which NumPy 2.3 rejects.",
    },
    RuleInfo {
        code: rules::dtype_spelling::CODE,
        name: "dtype-spelling",
        summary: "A dtype spelling NumPy 2 reads otherwise or deprecates (`\"i4,\"`, `(\"f8\", 1)`, `\"(2)i4,\"`, an integer `align`).",
    },
    RuleInfo {
        code: rules::array_copy_false::CODE,
        name: "array-copy-false",
        summary: "`np.array(x, copy=False)`, which raises on NumPy 2 when a copy is needed.",
    },
    RuleInfo {
        code: rules::ndarray_method::CODE,
        name: "ndarray-method",
        summary: "An ndarray method or attribute assignment that NumPy 2 removed.",
    },
    RuleInfo {
        code: rules::array_protocol::CODE,
        name: "array-protocol",
        summary: "An array protocol method (`__array__`, `__array_wrap__`, `__array_prepare__`) with a signature NumPy 2 changed.",
    },
    RuleInfo {
        code: rules::removed_argument::CODE,
        name: "removed-argument",
        summary: "A keyword or positional argument NumPy 2 removed or renamed.",
    },
    RuleInfo {
        code: rules::call_shape::CODE,
        name: "call-shape",
        summary: "A call whose meaning NumPy 2 changed (`np.sum` of a generator, `finfo(None)`, FFTs with `s` but no `axes`, binary `fromstring`).",
    },
    // call-family (issue 12)
    RuleInfo {
        code: rules::inexact_mode::CODE,
        name: "inexact-mode",
        summary: "A `side=`/`mode=` string NumPy 1.x matched by its first letter (`side=\"l\"`), an error from NumPy 2.3.",
    },
    RuleInfo {
        code: rules::ufunc_argument::CODE,
        name: "ufunc-argument",
        summary: "A ufunc argument NumPy 2 refuses: a one-dtype `signature=`, `extobj=`.",
    },
    RuleInfo {
        code: rules::doctest_name::CODE,
        name: "doctest-name",
        summary: "A removed NumPy name in a doctest example.",
    },
    // Values the source shows (NP231-NP239, branch value-family).
    RuleInfo {
        code: rules::int_out_of_bounds::CODE,
        name: "int-out-of-bounds",
        summary: "A Python int literal out of bounds for the fixed-width integer dtype it is converted to (NEP 50).",
    },
    RuleInfo {
        code: rules::nonzero_0d::CODE,
        name: "nonzero-0d",
        summary: "`nonzero` of a provably 0-d value, which NumPy 2.1 rejects.",
    },
    RuleInfo {
        code: rules::can_cast_scalar::CODE,
        name: "can-cast-python-scalar",
        summary: "`np.can_cast` of a Python number literal, which NumPy 2.0 rejects (NEP 50).",
    },
    RuleInfo {
        code: rules::float_as_integer::CODE,
        name: "float-as-integer",
        summary: "A float literal where NumPy 2 wants an integer (`np.tri(3.0)`, `np.rot90(a, 1.0)`, `np.bincount` of floats).",
    },
    RuleInfo {
        code: rules::timedelta_generic::CODE,
        name: "timedelta-generic-unit",
        summary: "`np.timedelta64` without a unit (the `generic` unit NumPy 2.5 deprecates).",
    },
    RuleInfo {
        code: rules::cross_2d::CODE,
        name: "cross-2d-vectors",
        summary: "`np.cross` of 2-element vectors, which NumPy 2.5 rejects.",
    },
    RuleInfo {
        code: rules::array_finalize_none::CODE,
        name: "array-finalize-none",
        summary: "`__array_finalize__ = None` in a class body, which NumPy 2.3 rejects.",
    },
    RuleInfo {
        code: rules::scalar_conversion::CODE,
        name: "scalar-conversion",
        summary: "`float()`, `int()` or `complex()` of an array with `ndim > 0`, which NumPy 2.4 rejects.",
    },
    RuleInfo {
        code: rules::tuple_result::CODE,
        name: "tuple-result",
        summary: "A list method or item assignment on the result of a NumPy function that returns a tuple since NumPy 2.0.",
    },
    // Namespaces family (issue 12, NP241-NP249).
    RuleInfo {
        code: rules::changed_default::CODE,
        name: "changed-default",
        summary: "A call that relies on a default NumPy 2.0 changed (`lstsq` without `rcond`, `genfromtxt`/`loadtxt` reading strings without `encoding`).",
    },
    RuleInfo {
        code: rules::ufunc_where::CODE,
        name: "ufunc-where-without-out",
        summary: "A ufunc called with `where=` and no `out=`, which NumPy 2.4 warns about.",
    },
    RuleInfo {
        code: rules::flat_float_index::CODE,
        name: "flat-float-index",
        summary: "Float or boolean literals in an index of `.flat`, which NumPy 2.4 deprecates or rejects.",
    },
];

/// Every rule's code, for `--select` validation and documentation.
pub const CODES: &[&str] = &codes();

const fn codes() -> [&'static str; RULES.len()] {
    let mut codes = [""; RULES.len()];
    let mut index = 0;
    while index < RULES.len() {
        codes[index] = RULES[index].code;
        index += 1;
    }
    codes
}

/// The description of the rule with `code`.
pub fn rule_info(code: &str) -> Option<&'static RuleInfo> {
    RULES.iter().find(|rule| rule.code == code)
}

/// Whether `selector` (`NP201`, `NP2`, `NP`, `ALL`, or Ruff's `NPY201`) names any rule.
pub fn is_known_selector(selector: &str) -> bool {
    selector == "ALL" || selector == "NPY201" || CODES.iter().any(|code| code.starts_with(selector))
}

fn selected(code: &str, selectors: &[String]) -> bool {
    selectors.iter().any(|selector| {
        selector == "ALL" || selector == "NPY201" || code.starts_with(selector.as_str())
    })
}

/// The rules `options` select, with the modules they need resolved.
pub fn rule_set(options: &Options) -> RuleSet {
    let all: Vec<Box<dyn Rule>> = vec![
        Box::new(rules::removed_name::RemovedName(TableRule {
            code: rules::removed_name::CODE,
            min_numpy: options.min_numpy,
        })),
        Box::new(rules::private_module::PrivateModule(TableRule {
            code: rules::private_module::CODE,
            min_numpy: options.min_numpy,
        })),
        Box::new(rules::dtype_alias::DtypeAlias),
        // The dtype family (issue 12).
        Box::new(rules::abstract_dtype::AbstractDtype),
        Box::new(rules::dtype_spelling::DtypeSpelling),
        Box::new(rules::array_copy_false::ArrayCopyFalse {
            min_numpy: options.min_numpy,
        }),
        Box::new(rules::ndarray_method::NdarrayMethod),
        Box::new(rules::array_protocol::ArrayProtocol),
        Box::new(rules::removed_argument::RemovedArgument {
            min_numpy: options.min_numpy,
        }),
        Box::new(rules::doctest_name::DoctestName),
        Box::new(rules::call_shape::CallShape),
        Box::new(rules::inexact_mode::InexactMode),
        Box::new(rules::ufunc_argument::UfuncArgument {
            min_numpy: options.min_numpy,
        }),
        // Values the source shows (NP231-NP239, branch value-family).
        Box::new(rules::int_out_of_bounds::IntOutOfBounds),
        Box::new(rules::nonzero_0d::Nonzero0d),
        Box::new(rules::can_cast_scalar::CanCastScalar),
        Box::new(rules::float_as_integer::FloatAsInteger),
        Box::new(rules::timedelta_generic::TimedeltaGeneric),
        Box::new(rules::cross_2d::Cross2d),
        Box::new(rules::array_finalize_none::ArrayFinalizeNone {
            min_numpy: options.min_numpy,
        }),
        Box::new(rules::scalar_conversion::ScalarConversion),
        Box::new(rules::tuple_result::TupleResult),
        // Namespaces family (issue 12, NP241-NP249).
        Box::new(rules::changed_default::ChangedDefault),
        Box::new(rules::ufunc_where::UfuncWhere),
        Box::new(rules::flat_float_index::FlatFloatIndex),
    ];
    let rules = all
        .into_iter()
        .filter(|rule| options.select.is_empty() || selected(rule.code(), &options.select))
        .filter(|rule| !selected(rule.code(), &options.ignore))
        .collect();
    RuleSet::new(rules, tracked_modules())
}

/// `numpy`, the other modules fixes refer to (`math`, `ast`), and the names star imports of
/// NumPy modules bring in.
fn tracked_modules() -> TrackedModules {
    let mut tracked = TrackedModules::default();
    tracked.track("numpy");
    let tables = table::tables();
    for module in &tables.private_modules {
        for member in module
            .listed_members()
            .chain(tables.composed_members(module))
        {
            tracked.add_export(&module.path, member);
        }
    }
    for row in &tables.names {
        if let Some((module, name)) = row.path.rsplit_once('.') {
            tracked.add_export(module, name);
        }
        if let Some(table::Fix::Replace(new)) = row.fix() {
            let root = new.split('.').next().unwrap_or(new);
            if root != "builtins" {
                tracked.track(root);
            }
        }
    }
    tracked
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_is_described_once() {
        let rules = rule_set(&Options::default());
        let codes: Vec<&str> = rules.rules().map(|rule| rule.code()).collect();
        assert_eq!(codes.len(), RULES.len());
        for code in codes {
            let info = rule_info(code).expect("described");
            assert_eq!(RULES.iter().filter(|rule| rule.code == code).count(), 1);
            assert!(!info.name.is_empty() && info.summary.ends_with('.'));
        }
        assert!(CODES.is_sorted());
    }
}
