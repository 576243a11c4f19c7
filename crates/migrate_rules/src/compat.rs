//! Code written for both NumPy 1 and 2 keeps the old spelling in the branch that only runs on
//! NumPy 1:
//!
//! ```python
//! try:
//!     from numpy.exceptions import AxisError
//! except ImportError:
//!     from numpy import AxisError
//!
//! if np.lib.NumpyVersion(np.__version__) >= "2.0.0":
//!     integrate = np.trapezoid
//! else:
//!     integrate = np.trapz
//! ```
//!
//! Such uses are not findings.

use migrate_engine::ast::{AnyNodeRef, ExceptHandler, Stmt};
use migrate_engine::checker::Checker;
use migrate_engine::text_size::{Ranged, TextRange, TextSize};

use crate::table::{Fix, NameRow};

/// Whether `at` is in an `except ImportError/AttributeError` handler whose `try` body, or in a
/// branch of a version test whose other branch, already spells the replacement of `row`.
pub fn in_compat_branch(checker: &Checker, at: TextSize, row: &NameRow) -> bool {
    replacement_marker(row).is_some_and(|marker| spelled_elsewhere(checker, at, marker))
}

/// Whether `at` is in an `except ImportError/AttributeError` handler whose `try` body, or in a
/// branch of a version test whose other branch, spells the word `marker` (`tobytes` for
/// `.tostring()`).
pub fn spelled_elsewhere(checker: &Checker, at: TextSize, marker: &str) -> bool {
    let source = checker.source();
    let mentions = |body: &[Stmt]| match (body.first(), body.last()) {
        (Some(first), Some(last)) => contains_word(
            source.slice(TextRange::new(first.start(), last.end())),
            marker,
        ),
        _ => false,
    };
    checker
        .statement_ancestors()
        .any(|ancestor| match ancestor {
            AnyNodeRef::StmtTry(try_stmt) => try_stmt.handlers.iter().any(|handler| {
                let ExceptHandler::ExceptHandler(handler) = handler;
                let catches = handler.type_.as_ref().is_none_or(|type_| {
                    let caught = source.slice(type_.range());
                    ["ImportError", "ModuleNotFoundError", "AttributeError"]
                        .iter()
                        .any(|error| caught.contains(error))
                });
                handler.range().contains(at) && catches && mentions(&try_stmt.body)
            }),
            AnyNodeRef::StmtIf(if_stmt) => {
                let tests_version = std::iter::once(&*if_stmt.test)
                    .chain(
                        if_stmt
                            .elif_else_clauses
                            .iter()
                            .filter_map(|clause| clause.test.as_ref()),
                    )
                    .any(|test| {
                        let test = source.slice(test.range()).to_ascii_lowercase();
                        test.contains("version") || test.contains("numpy")
                    });
                let branches = std::iter::once(&if_stmt.body[..]).chain(
                    if_stmt
                        .elif_else_clauses
                        .iter()
                        .map(|clause| &clause.body[..]),
                );
                tests_version
                    && branches
                        .filter(|body| !body.iter().any(|stmt| stmt.range().contains_inclusive(at)))
                        .any(mentions)
            }
            _ => false,
        })
}

/// A word that the new spelling has and the old one lacks: `trapezoid` for `np.trapz`,
/// `exceptions` for `np.AxisError`, `isin` for `np.in1d`.
fn replacement_marker(row: &NameRow) -> Option<&str> {
    let old_name = row.path.rsplit('.').next()?;
    match row.fix()? {
        Fix::Replace(new) => {
            let mut segments = new.rsplit('.');
            let new_name = segments.next()?;
            if new_name == old_name {
                segments.next()
            } else {
                Some(new_name)
            }
        }
        Fix::Expr(template)
        | Fix::Call(template)
        | Fix::Subscript(template)
        | Fix::SubscriptCall(template) => {
            let after = template.split("{numpy}.").nth(1)?;
            let word = after
                .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                .next()?;
            (!word.is_empty()).then_some(word)
        }
    }
}

fn contains_word(text: &str, word: &str) -> bool {
    text.match_indices(word).any(|(start, _)| {
        let is_ident = |c: char| c.is_alphanumeric() || c == '_';
        let before = text[..start]
            .chars()
            .next_back()
            .is_none_or(|c| !is_ident(c));
        let after = text[start + word.len()..]
            .chars()
            .next()
            .is_none_or(|c| !is_ident(c));
        before && after
    })
}
