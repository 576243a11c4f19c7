use migrate_engine::ast::Expr;
use migrate_engine::checker::{Checker, Rule};
use migrate_engine::diagnostic::Diagnostic;
use migrate_engine::edit::{Edit, Fix};
use migrate_engine::prefilter::{Triggers, word_starts};
use migrate_engine::text_size::Ranged;

use crate::dtype_slots::{self, Callee, Piece};
use crate::naming;
use crate::triggers::references;

/// ## What it does
/// Finds NumPy's abstract scalar types used as a dtype: `np.generic`, `np.number`,
/// `np.integer`, `np.signedinteger`, `np.unsignedinteger`, `np.inexact`, `np.floating`,
/// `np.complexfloating`, `np.flexible` and `np.character`, where a dtype is made:
/// `dtype=...`, `np.dtype(...)`, `.astype(...)`, `.view(...)`, the dtype argument of
/// NumPy's constructors and the fields of structured dtypes.
///
/// ## Why is this bad?
/// No array has an abstract type. NumPy 1.x replaced each by a concrete one with a
/// `DeprecationWarning` (since 1.19): `np.floating` by `np.float64`, `np.integer` by
/// `np.int_`. NumPy 2.3 raises `TypeError` instead.
///
/// ## Example
/// ```python
/// a = np.array(values, dtype=np.floating)
/// ```
///
/// Use instead:
/// ```python
/// a = np.array(values, dtype=np.float64)
/// ```
///
/// ## Fix
/// The type becomes the one NumPy 1.x used in its place, the same on every NumPy from 1.x
/// (`np.int_` and `np.uint` follow NumPy's default integer, as before). The same types
/// as categories (`np.issubdtype(t, np.integer)`, `isinstance`) are left alone, and so is
/// `dtype=` of a function that is not NumPy's: it may read the type as a category, as
/// astropy's `Quantity(x, dtype=np.inexact)` does.
pub struct AbstractDtype;

pub const CODE: &str = "NP204";

/// The abstract types, and the concrete type NumPy 1.x made of each (its
/// `DeprecationWarning` names it).
const ABSTRACT: &[(&str, &str)] = &[
    ("generic", "void"),
    ("number", "float64"),
    ("integer", "int_"),
    ("signedinteger", "int_"),
    ("unsignedinteger", "uint"),
    ("inexact", "float64"),
    ("floating", "float64"),
    ("complexfloating", "complex128"),
    ("flexible", "void"),
    ("character", "bytes_"),
];

impl Rule for AbstractDtype {
    fn code(&self) -> &'static str {
        CODE
    }

    fn triggers(&self) -> Option<Triggers> {
        // A reference to an abstract type, and one of their names where a dtype is expected.
        let names = ABSTRACT.iter().map(|(name, _)| format!("numpy.{name}"));
        Some(Triggers {
            alternatives: vec![vec![
                vec![references(names)],
                dtype_slots::triggers(mentions_abstract, false),
            ]],
        })
    }

    fn expr<'a>(&self, checker: &mut Checker<'a>, expr: &'a Expr) {
        let Expr::Call(call) = expr else {
            return;
        };
        for (spec, callee) in dtype_slots::slots(checker, call) {
            // A question about a dtype reads an abstract type as a category; so may another
            // library's `dtype=` (astropy's `Quantity(x, dtype=np.inexact)`).
            if matches!(callee, Callee::Query | Callee::Other) {
                continue;
            }
            dtype_slots::walk(spec, &mut |piece| {
                if let Piece::Type(dtype) = piece {
                    check_type(checker, dtype);
                }
            });
        }
    }
}

fn check_type<'a>(checker: &mut Checker<'a>, dtype: &'a Expr) {
    let Some(name) = checker.qualified_name(dtype) else {
        return;
    };
    let Some((old, new)) = name
        .strip_prefix("numpy.")
        .and_then(|name| ABSTRACT.iter().find(|(old, _)| *old == name))
    else {
        return;
    };
    let message = format!(
        "The abstract type `np.{old}` as a dtype was deprecated in NumPy 1.19 and removed in NumPy 2.3; NumPy 1.x used `np.{new}`"
    );
    let help = format!("Use `np.{new}`");
    let diagnostic = Diagnostic::new(CODE, message, dtype.range());
    let edits = match dtype {
        Expr::Attribute(attribute) => Some(vec![Edit::replace(attribute.attr.range(), *new)]),
        Expr::Name(name) => checker.model().resolve_name(name).and_then(|resolution| {
            let source = checker.source();
            let numpy = naming::numpy_at(checker, &resolution, source.slice(name.range()))?;
            let mut edits: Vec<Edit> = numpy.edits().collect();
            edits.push(Edit::replace(name.range(), format!("{}.{new}", numpy.text)));
            Some(edits)
        }),
        _ => None,
    };
    let diagnostic = match edits {
        Some(edits) => diagnostic.with_fix(Fix::new(edits)),
        None => diagnostic,
    };
    checker.report(diagnostic.with_help(help));
}

/// Whether `text` names an abstract type.
fn mentions_abstract(text: &str) -> bool {
    ABSTRACT
        .iter()
        .any(|(name, _)| word_starts(text, name).next().is_some())
}
