use migrate_engine::ast::{self as ast, Expr};
use migrate_engine::checker::{Checker, Rule};
use migrate_engine::diagnostic::Diagnostic;
use migrate_engine::edit::{Edit, Fix};
use migrate_engine::prefilter::{Anchor, Atom, Inside, Triggers};
use migrate_engine::text_size::Ranged;

use crate::naming;
use crate::values;

/// ## What it does
/// Finds float literals passed where NumPy 2 wants an integer: the sizes and diagonal of
/// `np.tri`, `np.triu_indices`, `np.tril_indices` (deprecated in 2.5), the `k` of
/// `np.tril`, `np.triu`, `np.triu_indices_from`, `np.tril_indices_from` and `np.rot90`
/// (deprecated in 2.5), and a list of floats given to `np.bincount` (deprecated in 2.1, a
/// `TypeError` from 2.5).
///
/// ## Why is this bad?
/// NumPy 1.x converted the float to an integer; NumPy 2.5 warns that it "cannot convert
/// float safely to an integer", and `np.bincount` raises.
///
/// ## Example
/// ```python
/// lower = np.tri(3.0, k=-1.0)
/// counts = np.bincount([0.0, 2.0])
/// ```
///
/// Use instead:
/// ```python
/// lower = np.tri(3, k=-1)
/// counts = np.bincount([0, 2])
/// ```
///
/// ## Fix
/// A float literal with a whole value becomes that integer, which is what NumPy 1.x used.
/// Other floats (`2.5`) are reported: which integer was meant is the author's call.
pub struct FloatAsInteger;

pub const CODE: &str = "NP234";

/// An integer argument: its keyword and position.
type Slot = (&'static str, usize);

/// Each function, the integer arguments it checks and the NumPy that deprecated floats there.
const SLOTS: &[(&str, &[Slot], &str)] = &[
    ("numpy.tri", &[("N", 0), ("M", 1), ("k", 2)], "2.5"),
    ("numpy.triu_indices", &[("n", 0), ("k", 1), ("m", 2)], "2.5"),
    ("numpy.tril_indices", &[("n", 0), ("k", 1), ("m", 2)], "2.5"),
    ("numpy.triu_indices_from", &[("k", 1)], "2.5"),
    ("numpy.tril_indices_from", &[("k", 1)], "2.5"),
    ("numpy.triu", &[("k", 1)], "2.5"),
    ("numpy.tril", &[("k", 1)], "2.5"),
    ("numpy.rot90", &[("k", 1)], "2.5"),
];

impl Rule for FloatAsInteger {
    fn code(&self) -> &'static str {
        CODE
    }

    fn triggers(&self) -> Option<Triggers> {
        let functions = SLOTS
            .iter()
            .map(|(name, _, _)| (*name).to_string())
            .chain(["numpy.bincount".to_string()])
            .collect();
        Some(Triggers::any(vec![Atom::Within(
            Anchor::Call(functions),
            Inside::Check(may_hold_float),
        )]))
    }

    fn expr<'a>(&self, checker: &mut Checker<'a>, expr: &'a Expr) {
        let Expr::Call(call) = expr else {
            return;
        };
        let Some(function) = checker.qualified_name(&call.func) else {
            return;
        };
        let arguments = &call.arguments;
        if function == "numpy.bincount" {
            if let Some(
                Expr::List(ast::ExprList { elts, .. }) | Expr::Tuple(ast::ExprTuple { elts, .. }),
            ) = arguments.find_argument_value("x", 0)
            {
                let floats: Vec<&Expr> = elts
                    .iter()
                    .filter(|e| values::is_float_literal(e))
                    .collect();
                if !floats.is_empty()
                    && elts
                        .iter()
                        .all(|e| values::is_float_literal(e) || values::int_literal(e).is_some())
                {
                    report(
                        checker,
                        &function,
                        "was deprecated in NumPy 2.1 and raises from NumPy 2.5",
                        &floats,
                    );
                }
            }
            return;
        }
        let Some((_, slots, deprecated)) = SLOTS.iter().find(|(name, _, _)| *name == function)
        else {
            return;
        };
        let floats: Vec<&Expr> = slots
            .iter()
            .filter_map(|(keyword, position)| arguments.find_argument_value(keyword, *position))
            .filter(|value| values::is_float_literal(value))
            .collect();
        if !floats.is_empty() {
            report(
                checker,
                &function,
                &format!("is deprecated since NumPy {deprecated}"),
                &floats,
            );
        }
    }
}

fn report(checker: &mut Checker, function: &str, lifecycle: &str, floats: &[&Expr]) {
    let message = format!(
        "A float where `{}` wants an integer {lifecycle}",
        naming::display(function)
    );
    let diagnostic = Diagnostic::new(CODE, message, floats[0].range());
    let edits: Option<Vec<Edit>> = floats
        .iter()
        .map(|float| {
            values::whole_float_literal(float)
                .map(|whole| Edit::replace(float.range(), whole.to_string()))
        })
        .collect();
    checker.report(match edits {
        Some(edits) => diagnostic
            .with_fix(Fix::new(edits))
            .with_help("Write the integer NumPy 1.x used"),
        None => diagnostic.with_help("Pass the integer you mean (NumPy 1.x did not always truncate: `np.tri(2.5)` was 3 by 3)"),
    });
}

/// From the bytes alone, whether arguments may hold a float literal: a digit next to a `.`
/// or an exponent.
fn may_hold_float(arguments: &str) -> bool {
    let bytes = arguments.as_bytes();
    bytes.iter().enumerate().any(|(at, byte)| {
        matches!(byte, b'.' | b'e' | b'E')
            && (at
                .checked_sub(1)
                .and_then(|b| bytes.get(b))
                .is_some_and(u8::is_ascii_digit)
                || bytes.get(at + 1).is_some_and(u8::is_ascii_digit))
    })
}
