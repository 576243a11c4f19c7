use migrate_engine::ast::{Expr, ExprCall};
use migrate_engine::checker::{Checker, Rule};
use migrate_engine::diagnostic::Diagnostic;
use migrate_engine::prefilter::{Anchor, Atom, Inside, Triggers, is_identifier_byte};
use migrate_engine::text_size::Ranged;

use crate::triggers;

/// ## What it does
/// Finds calls that rely on a default NumPy 2.0 changed: `np.linalg.lstsq` without `rcond`,
/// `np.genfromtxt` with `dtype=None` or `converters=` and `np.loadtxt` with `converters=`,
/// without `encoding`.
///
/// ## Why is this bad?
/// NumPy 1.x's `lstsq` used `rcond=-1` (with a `FutureWarning`); NumPy 2.0 uses machine
/// precision times `max(M, N)`, so the rank and solution of ill-conditioned systems change.
/// NumPy 2.0 reads text with `encoding=None`: `genfromtxt(dtype=None)` returns `str` columns
/// where 1.x returned `bytes`, and converters get `str` where they got `bytes`.
///
/// ## Example
/// ```python
/// x, residuals, rank, sv = np.linalg.lstsq(a, b)
/// table = np.genfromtxt(f, delimiter=",", dtype=None)
/// ```
///
/// Use instead:
/// ```python
/// x, residuals, rank, sv = np.linalg.lstsq(a, b, rcond=None)
/// table = np.genfromtxt(f, delimiter=",", dtype=None, encoding=None)
/// ```
///
/// ## Fix
/// None: `rcond=-1` keeps the 1.x results and `rcond=None` takes the new ones on every
/// NumPy; `encoding="bytes"` keeps 1.x's bytes (NumPy 2 warns about it) and `encoding=None`
/// gives `str` on every NumPy. Which one is what the code means. Reported.
pub struct ChangedDefault;

pub const CODE: &str = "NP241";

const LSTSQ: &str = "numpy.linalg.lstsq";
const GENFROMTXT: &str = "numpy.genfromtxt";
const LOADTXT: &str = "numpy.loadtxt";

impl Rule for ChangedDefault {
    fn code(&self) -> &'static str {
        CODE
    }

    fn triggers(&self) -> Option<Triggers> {
        let call = |functions: &[&str], check| {
            Atom::Within(
                Anchor::Call(triggers::owned(functions)),
                Inside::Check(check),
            )
        };
        Some(Triggers::any(vec![
            call(&[LSTSQ], may_omit_rcond),
            call(&[GENFROMTXT, LOADTXT], may_read_strings),
        ]))
    }

    fn expr<'a>(&self, checker: &mut Checker<'a>, expr: &'a Expr) {
        if let Expr::Call(call) = expr
            && let Some(function) = checker.qualified_name(&call.func)
            && let Some((message, help)) = relies_on_default(call, &function)
        {
            checker.report(Diagnostic::new(CODE, message, call.range()).with_help(help));
        }
    }
}

/// The finding's message and help, when `call` of `function` relies on a changed default.
fn relies_on_default(call: &ExprCall, function: &str) -> Option<(&'static str, &'static str)> {
    let arguments = &call.arguments;
    // `**kwargs` or `*args` may pass the argument.
    if arguments
        .keywords
        .iter()
        .any(|keyword| keyword.arg.is_none())
        || arguments.args.iter().any(Expr::is_starred_expr)
    {
        return None;
    }
    match function {
        // `rcond` is the third positional argument.
        LSTSQ if arguments.find_keyword("rcond").is_none() && arguments.args.len() < 3 => Some((
            "`np.linalg.lstsq` without `rcond` uses another default since NumPy 2.0 (machine precision times `max(M, N)`, not `-1`)",
            "Pass `rcond=None` for the new results on every NumPy (it silences 1.x's FutureWarning), or `rcond=-1` to keep the 1.x results",
        )),
        GENFROMTXT | LOADTXT if reads_strings(call, function) => Some((
            "Without `encoding`, NumPy 2.0 reads text as `str` where 1.x gave `bytes` (string columns, converters' arguments)",
            "Pass `encoding=None` and handle `str` on every NumPy; `encoding=\"bytes\"` keeps bytes, but NumPy 2 warns about it",
        )),
        _ => None,
    }
}

/// Whether the arguments `text` surely pass `name=...` to the call itself (not to a call
/// inside it); `false` where strings make the brackets uncertain.
fn surely_passes_keyword(text: &str, name: &str) -> bool {
    if text.contains(['"', '\'', '#']) {
        return false;
    }
    let mut depth = 0usize;
    let bytes = text.as_bytes();
    (0..bytes.len()).any(|at| {
        match bytes[at] {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        depth == 0
            && text[at..].starts_with(name)
            && (at == 0 || !is_identifier_byte(bytes[at - 1]))
            && text[at + name.len()..]
                .trim_start()
                .strip_prefix('=')
                .is_some_and(|value| !value.starts_with('='))
    })
}

/// Whether `lstsq(...)` arguments may leave `rcond` out (the rule's own test reads the count
/// of positional arguments; this one only the keyword).
fn may_omit_rcond(arguments: &str) -> bool {
    !surely_passes_keyword(arguments, "rcond")
}

/// Whether `genfromtxt(...)`/`loadtxt(...)` arguments may pass `dtype=None` or `converters=`
/// without `encoding=`.
fn may_read_strings(arguments: &str) -> bool {
    (arguments.contains("None") || arguments.contains("converters"))
        && !surely_passes_keyword(arguments, "encoding")
}

/// `genfromtxt(..., dtype=None)` or a `converters=` argument, without `encoding`.
fn reads_strings(call: &ExprCall, function: &str) -> bool {
    let arguments = &call.arguments;
    if arguments.find_keyword("encoding").is_some() {
        return false;
    }
    let dtype_none = function == GENFROMTXT
        && arguments
            .find_keyword("dtype")
            .is_some_and(|dtype| dtype.value.is_none_literal_expr());
    dtype_none || arguments.find_keyword("converters").is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_of_the_call_itself() {
        assert!(!may_omit_rcond("a, b, rcond=None"));
        assert!(!may_omit_rcond("a, b, rcond = -1"));
        assert!(may_omit_rcond("a, b"));
        assert!(may_omit_rcond("a, f(b, rcond=1)"));
        assert!(may_omit_rcond("a, b, myrcond=1"));
        assert!(may_omit_rcond("a, b, rcond == 1"));
        assert!(may_omit_rcond("a, 'x', rcond=None"));
        assert!(may_read_strings("'f.csv', dtype=None"));
        assert!(may_read_strings("f, converters={0: g}"));
        assert!(!may_read_strings("f, dtype=None, encoding=None"));
        assert!(!may_read_strings("f, dtype=float"));
    }
}
