use migrate_engine::ast::{self as ast, Expr};
use migrate_engine::checker::{Checker, Rule};
use migrate_engine::diagnostic::Diagnostic;
use migrate_engine::edit::{Edit, Fix};
use migrate_engine::prefilter::{Atom, Triggers, skip_blanks};
use migrate_engine::text_size::Ranged;

use crate::numpy_types::is_numpy_array;
use crate::triggers;
use crate::values;

/// ## What it does
/// Finds float or boolean literals in a list index of `.flat`: `a.flat[[1.0, 2.0]]`,
/// `a.flat[[True, False]]`, `a.flat[True]`.
///
/// ## Why is this bad?
/// NumPy 2.4 deprecates float indices into a flat iterator (NumPy 1.x truncated them to
/// integers) and 0-d boolean ones, and raises `IndexError` for boolean lists (which NumPy
/// 1.x read as the integers 1 and 0).
///
/// ## Example
/// ```python
/// picked = a.flat[[1.0, 2.0]]
/// ```
///
/// Use instead:
/// ```python
/// picked = a.flat[[1, 2]]
/// ```
///
/// ## Fix
/// Whole float literals become the integers NumPy 1.x used, where `a` is provably a NumPy
/// array (elsewhere reported "if `a` is one"). Other floats and booleans are reported: their
/// 1.x meaning (truncation, `True` as `1`) is rarely what the code means.
pub struct FlatFloatIndex;

pub const CODE: &str = "NP243";

impl Rule for FlatFloatIndex {
    fn code(&self) -> &'static str {
        CODE
    }

    fn triggers(&self) -> Option<Triggers> {
        Some(Triggers::any(vec![Atom::Where(
            "flat".into(),
            indexes_with_float_or_bool,
        )]))
    }

    fn expr<'a>(&self, checker: &mut Checker<'a>, expr: &'a Expr) {
        let Expr::Subscript(subscript) = expr else {
            return;
        };
        let Expr::Attribute(flat) = &*subscript.value else {
            return;
        };
        if flat.attr.as_str() != "flat" {
            return;
        }
        let elements: &[Expr] = match &*subscript.slice {
            Expr::List(ast::ExprList { elts, .. }) => elts,
            boolean @ Expr::BooleanLiteral(_) => std::slice::from_ref(boolean),
            _ => return,
        };
        let whole: Option<Vec<(&Expr, i64)>> = elements
            .iter()
            .filter(
                |element| !matches!(element, Expr::NumberLiteral(number) if number.value.is_int()),
            )
            .map(|element| values::whole_float_literal(element).map(|value| (element, value)))
            .collect();
        let odd = elements
            .iter()
            .any(|element| element.is_boolean_literal_expr() || values::is_float_literal(element));
        if !odd {
            return;
        }
        let receiver = checker.source().slice(flat.value.range()).to_string();
        let message = if elements.iter().any(Expr::is_boolean_literal_expr) {
            "Boolean indices into `.flat` are deprecated (a scalar) or an error (a list) since NumPy 2.4"
        } else {
            "Float indices into `.flat` are deprecated since NumPy 2.4"
        };
        let diagnostic = Diagnostic::new(CODE, message, subscript.slice.range());
        let proven = is_numpy_array(checker, &flat.value);
        let diagnostic = match whole {
            Some(whole) if proven => {
                let edits = whole
                    .into_iter()
                    .map(|(element, value)| Edit::replace(element.range(), value.to_string()));
                diagnostic
                    .with_fix(Fix::new(edits.collect()))
                    .with_help("Write the integers NumPy 1.x used")
            }
            Some(_) => diagnostic.with_help(format!(
                "If `{receiver}` is a NumPy array, write the integers NumPy 1.x used"
            )),
            None => diagnostic.with_help(
                "Use integer indices (NumPy 1.x truncated floats and read `True`/`False` as 1/0), or a boolean mask array on the array itself (`a.ravel()[mask]`)",
            ),
        };
        checker.report(diagnostic);
    }
}

/// Whether one of the `flat` at `starts` may be `.flat[...]` indexed with a float or a bool
/// (a `.` or an exponent after a digit, `True`, `False`); generous past the line's end.
fn indexes_with_float_or_bool(source: &str, starts: &[usize]) -> bool {
    let bytes = source.as_bytes();
    if starts.len() > triggers::MAX_OCCURRENCES {
        return true;
    }
    starts.iter().any(|&start| {
        let open = skip_blanks(bytes, start + "flat".len(), true);
        if !source[..start].trim_end().ends_with('.') || bytes.get(open) != Some(&b'[') {
            return false;
        }
        let rest = &source[open + 1..];
        let Some(index) = rest
            .split(['\n', '\r'])
            .next()
            .and_then(|line| line.split(']').next().filter(|_| line.contains(']')))
        else {
            return true;
        };
        index.contains("True")
            || index.contains("False")
            || index.as_bytes().windows(2).any(|pair| {
                pair[0].is_ascii_digit() && matches!(pair[1], b'.' | b'e' | b'E')
                    || pair[0] == b'.' && pair[1].is_ascii_digit()
            })
    })
}
