//! The NumPy 2 migration rules of `migrate`.
//!
//! Tables (renames, removals, moves) are data in `rules/numpy2.toml`; rules that need logic
//! are Rust, one per file in [`rules`].

mod compat;
mod naming;
mod numpy_types;
pub mod project;
pub mod rules;
pub mod table;
mod table_rule;
mod template;
mod triggers;
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

/// Every rule's code, for `--select` validation and documentation.
pub const CODES: &[&str] = &[
    rules::removed_name::CODE,
    rules::private_module::CODE,
    rules::dtype_alias::CODE,
    rules::array_copy_false::CODE,
    rules::ndarray_method::CODE,
    rules::array_protocol::CODE,
    rules::removed_argument::CODE,
    rules::doctest_name::CODE,
    rules::call_shape::CODE,
];

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
