use migrate_engine::ast::{Expr, ExprCall};
use migrate_engine::checker::{Checker, Rule};
use migrate_engine::diagnostic::Diagnostic;
use migrate_engine::edit::{Edit, Fix};
use migrate_engine::prefilter::{Anchor, Atom, Inside, Triggers};
use migrate_engine::text_size::{Ranged, TextSize};

/// ## What it does
/// Finds calls of a NumPy ufunc with `where=` and no `out=`:
/// `np.add(a, b, where=mask)`, `np.sqrt(x, where=x > 0)`.
///
/// ## Why is this bad?
/// NumPy 2.4 warns (`UserWarning: 'where' used without 'out', expect uninitialized memory in
/// output`): where the mask is false, the result holds whatever the new array's memory held,
/// on every NumPy.
///
/// ## Example
/// ```python
/// roots = np.sqrt(x, where=x > 0)
/// ```
///
/// Use instead:
/// ```python
/// roots = np.sqrt(x, where=x > 0, out=np.zeros_like(x))
/// ```
///
/// ## Fix
/// Adds `out=None` (`out=(None, None)` for `divmod`, `frexp`, `modf`), the default on every
/// NumPy and the form the warning names for uninitialised output meant on purpose: the result
/// is what it was. An output array filled with a value (`out=np.zeros_like(x)`) is what most
/// code means; the help says so.
pub struct UfuncWhere;

pub const CODE: &str = "NP242";

/// The ufuncs of NumPy's main namespace (1.26 and 2.x) with one output, by number of inputs.
const UNARY: &[&str] = &[
    "abs",
    "absolute",
    "arccos",
    "arccosh",
    "arcsin",
    "arcsinh",
    "arctan",
    "arctanh",
    "bitwise_not",
    "cbrt",
    "ceil",
    "conj",
    "conjugate",
    "cos",
    "cosh",
    "deg2rad",
    "degrees",
    "exp",
    "exp2",
    "expm1",
    "fabs",
    "floor",
    "invert",
    "isfinite",
    "isinf",
    "isnan",
    "isnat",
    "log",
    "log10",
    "log1p",
    "log2",
    "logical_not",
    "negative",
    "positive",
    "rad2deg",
    "radians",
    "reciprocal",
    "rint",
    "sign",
    "signbit",
    "sin",
    "sinh",
    "spacing",
    "sqrt",
    "square",
    "tan",
    "tanh",
    "trunc",
];
const BINARY: &[&str] = &[
    "add",
    "arctan2",
    "bitwise_and",
    "bitwise_or",
    "bitwise_xor",
    "copysign",
    "divide",
    "equal",
    "float_power",
    "floor_divide",
    "fmax",
    "fmin",
    "fmod",
    "gcd",
    "greater",
    "greater_equal",
    "heaviside",
    "hypot",
    "lcm",
    "ldexp",
    "left_shift",
    "less",
    "less_equal",
    "logaddexp",
    "logaddexp2",
    "logical_and",
    "logical_or",
    "logical_xor",
    "maximum",
    "minimum",
    "mod",
    "multiply",
    "nextafter",
    "not_equal",
    "power",
    "remainder",
    "right_shift",
    "subtract",
    "true_divide",
];
/// The ufuncs with two outputs, and their number of inputs.
const TWO_OUTPUTS: &[(&str, usize)] = &[("divmod", 2), ("frexp", 1), ("modf", 1)];

impl Rule for UfuncWhere {
    fn code(&self) -> &'static str {
        CODE
    }

    fn triggers(&self) -> Option<Triggers> {
        let ufuncs = UNARY
            .iter()
            .chain(BINARY)
            .chain(TWO_OUTPUTS.iter().map(|(name, _)| name))
            .map(|name| format!("numpy.{name}"))
            .collect();
        Some(Triggers::any(vec![Atom::Within(
            Anchor::Call(ufuncs),
            Inside::Keyword("where".into(), None),
        )]))
    }

    fn expr<'a>(&self, checker: &mut Checker<'a>, expr: &'a Expr) {
        if let Expr::Call(call) = expr
            && let Some(function) = checker.qualified_name(&call.func)
            && let Some(name) = function.strip_prefix("numpy.")
            && let Some((inputs, out)) = ufunc(name)
            && let Some(insert_at) = missing_out(call, inputs)
        {
            let message = format!(
                "`np.{name}` with `where=` and no `out=` warns from NumPy 2.4: the masked-out entries are uninitialised memory"
            );
            let diagnostic = Diagnostic::new(CODE, message, call.range())
                .with_fix(Fix::edit(Edit::insert(insert_at, format!(", out={out}"))))
                .with_help(format!(
                    "Add `out={out}` (what it was); pass an initialised array (`out=np.zeros_like(...)`) if the masked-out entries are read"
                ));
            checker.report(diagnostic);
        }
    }
}

/// The number of inputs of the ufunc `name` and the `out` that is its default.
fn ufunc(name: &str) -> Option<(usize, &'static str)> {
    if UNARY.contains(&name) {
        Some((1, "None"))
    } else if BINARY.contains(&name) {
        Some((2, "None"))
    } else {
        TWO_OUTPUTS
            .iter()
            .find(|(ufunc, _)| *ufunc == name)
            .map(|(_, inputs)| (*inputs, "(None, None)"))
    }
}

/// Where `out=` goes (after the last argument) when `call` passes `where=` other than
/// `True` and no output, positionally or as a keyword, nor anything that may hold one.
fn missing_out(call: &ExprCall, inputs: usize) -> Option<TextSize> {
    let arguments = &call.arguments;
    let where_ = arguments.find_keyword("where")?;
    let passes_output = arguments.args.len() > inputs
        || arguments.find_keyword("out").is_some()
        || arguments
            .keywords
            .iter()
            .any(|keyword| keyword.arg.is_none())
        || arguments.args.iter().any(Expr::is_starred_expr);
    // `where=True` is the default, and NumPy does not warn about it.
    let always = matches!(&where_.value, Expr::BooleanLiteral(literal) if literal.value);
    if passes_output || always {
        return None;
    }
    let last_argument = arguments.args.iter().map(Ranged::end);
    last_argument
        .chain(arguments.keywords.iter().map(Ranged::end))
        .max()
}
