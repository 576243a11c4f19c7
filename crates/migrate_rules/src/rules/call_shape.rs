use migrate_engine::ast::{self as ast, Expr};
use migrate_engine::checker::{Checker, Rule};
use migrate_engine::diagnostic::Diagnostic;
use migrate_engine::edit::{Edit, Fix};
use migrate_engine::prefilter::{Anchor, Atom, Inside, Triggers, is_identifier_byte};
use migrate_engine::syntax_edits::remove_arguments;
use migrate_engine::text_size::Ranged;

use crate::naming;
use crate::triggers;

/// ## What it does
/// Finds calls whose shape NumPy 2 no longer accepts, whatever their names:
/// `np.sum(<generator>)` (a `TypeError` from 2.4), `np.finfo(None)` (deprecated, an error in
/// 2.5), the n-dimensional FFTs given `s=` without `axes=` or with `None` inside `s`
/// (deprecated in 2.0) and `np.fromstring` in binary mode, without `sep` (deprecated in 1.14,
/// an error from 2.3).
///
/// ## Why is this bad?
/// `np.sum` of a generator only ever summed with Python's `sum` (with a warning since 1.15);
/// `finfo(None)` meant the default float; `fftn(a, s=...)` guessed which axes `s` is for;
/// binary `fromstring` is `frombuffer` that copies.
///
/// ## Example
/// ```python
/// total = np.sum(x * x for x in values)
/// eps = np.finfo(None).eps
/// pixels = np.fromstring(image.tobytes(), dtype=np.uint8)
/// ```
///
/// Use instead:
/// ```python
/// total = sum(x * x for x in values)
/// eps = np.finfo(float).eps
/// pixels = np.frombuffer(image.tobytes(), dtype=np.uint8).copy()
/// ```
///
/// ## Fix
/// `np.sum(<generator>)` without other arguments becomes the builtin `sum(...)`, which is
/// what NumPy 1.x called. `np.fromstring(data, ...)` without `sep` becomes
/// `np.frombuffer(data, ...).copy()` where `data` is provably bytes (a bytes literal,
/// `.tobytes()`, `.encode(...)`): `frombuffer` of bytes is a read-only view, `fromstring` made
/// a writable copy, hence `.copy()`; a `str` (which `fromstring` encoded as UTF-8) would make
/// `frombuffer` raise, so other arguments are reported. `np.finfo(None)` becomes
/// `np.finfo(float)`: both are `np.dtype(None)`, float64. `np.fft.fftn(a, s=(3, 4))` gains
/// `axes=(-2, -1)`, the last `len(s)` axes NumPy 1.x transformed, where `s` is a literal
/// sequence. The others are reported.
pub struct CallShape;

pub const CODE: &str = "NP215";

/// The n-dimensional FFTs first (the first four): they default to `axes=None`.
const FFTS_WITH_AXES: &[&str] = &[
    "numpy.fft.fftn",
    "numpy.fft.ifftn",
    "numpy.fft.rfftn",
    "numpy.fft.irfftn",
    "numpy.fft.fft2",
    "numpy.fft.ifft2",
    "numpy.fft.rfft2",
    "numpy.fft.irfft2",
];

impl Rule for CallShape {
    fn code(&self) -> &'static str {
        CODE
    }

    fn noqa_aliases(&self) -> &'static [&'static str] {
        &["NPY201"]
    }

    fn triggers(&self) -> Option<Triggers> {
        let call = |functions: &[&str], inside| {
            Atom::Within(
                Anchor::Call(functions.iter().map(ToString::to_string).collect()),
                inside,
            )
        };
        Some(Triggers::any(vec![
            call(&["numpy.sum"], Inside::Argument(0, may_be_generator)),
            triggers::call_with(["numpy.finfo"], &["None"]),
            call(FFTS_WITH_AXES, Inside::Keyword("s".to_string(), None)),
            triggers::references(["numpy.fromstring"]),
        ]))
    }

    fn expr<'a>(&self, checker: &mut Checker<'a>, expr: &'a Expr) {
        let Expr::Call(call) = expr else {
            return;
        };
        let Some(function) = checker.qualified_name(&call.func) else {
            return;
        };
        let arguments = &call.arguments;
        match function.as_str() {
            "numpy.sum" if matches!(arguments.args.first(), Some(Expr::Generator(_))) => {
                let diagnostic = Diagnostic::new(
                    CODE,
                    "`np.sum(<generator>)` was deprecated in NumPy 1.15 and raises from NumPy 2.4",
                    call.range(),
                );
                checker.report(match sum_of_generator(checker, call) {
                    Some(fix) => diagnostic
                        .with_fix(fix)
                        .with_help("Use the builtin `sum(...)`, which NumPy 1.x called"),
                    None => diagnostic
                        .with_help("Use `sum(...)`, or `np.sum(np.fromiter(generator, dtype))`"),
                });
            }
            "numpy.finfo"
                if arguments
                    .args
                    .first()
                    .is_some_and(Expr::is_none_literal_expr) =>
            {
                let message =
                    "`np.finfo(None)` was deprecated in NumPy 1.25 and raises from NumPy 2.5";
                let diagnostic = Diagnostic::new(CODE, message, call.range());
                let none = &arguments.args[0];
                // `np.dtype(None)` is float64 on every NumPy, and so is `np.dtype(float)`.
                checker.report(match naming::builtin(checker, "float") {
                    Some(float) => diagnostic
                        .with_fix(Fix::edit(Edit::replace(none.range(), float)))
                        .with_help("Pass `float`: `None` meant `np.dtype(None)`, which is float64"),
                    None => diagnostic
                        .with_help("Pass the dtype: `np.finfo(np.float64)` is what `None` meant"),
                });
            }
            name if FFTS_WITH_AXES.contains(&name)
                && arguments
                    .find_keyword("s")
                    .is_some_and(|s| holds_none(&s.value)) =>
            {
                let message = format!(
                    "`None` inside `s=` of `{}` is deprecated since NumPy 2.0",
                    naming::display(name)
                );
                let help = "Give every axis its length: `None` meant the input's length along that axis (`a.shape[axis]`)";
                checker.report(Diagnostic::new(CODE, message, call.range()).with_help(help));
            }
            // `fft2` and friends default to `axes=(-2, -1)`: only the n-dimensional ones
            // default to `None`.
            name if FFTS_WITH_AXES[..4].contains(&name)
                && arguments.find_keyword("axes").is_none()
                && arguments.args.len() < 3 =>
            {
                let Some(s) = arguments.find_keyword("s") else {
                    return;
                };
                let message = format!(
                    "`{}(..., s=...)` without `axes=` is deprecated since NumPy 2.0",
                    naming::display(name)
                );
                let diagnostic = Diagnostic::new(CODE, message, call.range());
                checker.report(match last_axes(arguments, &s.value) {
                    Some(axes) => diagnostic
                        .with_fix(Fix::edit(Edit::insert(s.end(), format!(", axes={axes}"))))
                        .with_help("Pass the axes NumPy 1.x took for `s`: the last `len(s)` ones"),
                    None => diagnostic.with_help(
                        "Pass `axes=` too: the axes `s` applies to (the last `len(s)` axes, as NumPy 1.x assumed)",
                    ),
                });
            }
            "numpy.fromstring" if binary_mode(checker, call) => {
                let message = "The binary mode of `np.fromstring` (no `sep`) was deprecated in NumPy 1.14 and raises from NumPy 2.3";
                let diagnostic = Diagnostic::new(CODE, message, call.range());
                checker.report(match from_buffer(checker, call) {
                    Some(fix) => diagnostic.with_fix(fix).with_help(
                        "Use `np.frombuffer(...).copy()`: `frombuffer` of bytes is read-only, `fromstring` returned a writable copy",
                    ),
                    None => diagnostic.with_help(
                        "Use `np.frombuffer(data, ...).copy()` where `data` is bytes (`.copy()` where the result is written to), `np.frombuffer(data.encode(), ...)` where it is a `str`",
                    ),
                });
            }
            _ => {}
        }
    }
}

/// `s=(None, 4)`, `s=[4, None]`: a literal sequence with a `None` in it.
fn holds_none(s: &Expr) -> bool {
    let elements = match s {
        Expr::Tuple(tuple) => &tuple.elts,
        Expr::List(list) => &list.elts,
        _ => return false,
    };
    elements.iter().any(Expr::is_none_literal_expr)
}

/// `(-2, -1)` for `s=(3, 4)`: the axes NumPy 1.x transformed when `s` came without `axes`
/// (`range(-len(s), 0)`), where `s` is a literal sequence of known length and no
/// `**kwargs` may hold an `axes`.
fn last_axes(arguments: &ast::Arguments, s: &Expr) -> Option<String> {
    let elements = match s {
        Expr::Tuple(tuple) => &tuple.elts,
        Expr::List(list) => &list.elts,
        _ => return None,
    };
    if elements.is_empty()
        || elements.iter().any(Expr::is_starred_expr)
        || arguments
            .keywords
            .iter()
            .any(|keyword| keyword.arg.is_none())
    {
        return None;
    }
    let axes: Vec<String> = (1..=elements.len())
        .rev()
        .map(|axis| format!("-{axis}"))
        .collect();
    Some(match axes.as_slice() {
        [axis] => format!("({axis},)"),
        _ => format!("({})", axes.join(", ")),
    })
}

/// `np.fromstring(...)` in binary mode: no `sep`, or `sep=""`, and no `**kwargs` that might
/// hold one.
fn binary_mode(checker: &Checker, call: &ast::ExprCall) -> bool {
    let arguments = &call.arguments;
    if arguments
        .keywords
        .iter()
        .any(|keyword| keyword.arg.is_none())
    {
        return false;
    }
    arguments.find_keyword("sep").is_none_or(|sep| {
        matches!(&sep.value, Expr::StringLiteral(_))
            && matches!(checker.source().slice(sep.value.range()), "\"\"" | "''")
    })
}

/// `np.fromstring(data, ...)` -> `np.frombuffer(data, ...).copy()`, where `data` is provably
/// bytes and every other argument means the same to `frombuffer` (`dtype`, `count`, `like`;
/// `sep=""` goes).
fn from_buffer(checker: &Checker, call: &ast::ExprCall) -> Option<Fix> {
    let Expr::Attribute(function) = call.func.as_ref() else {
        return None;
    };
    let arguments = &call.arguments;
    let is_bytes = match arguments.args.first()? {
        Expr::BytesLiteral(_) => true,
        Expr::Call(inner) => matches!(
            inner.func.as_ref(),
            Expr::Attribute(method) if matches!(method.attr.as_str(), "tobytes" | "encode")
        ),
        _ => false,
    };
    let passes_on = |keyword: &ast::Keyword| {
        keyword
            .arg
            .as_ref()
            .is_some_and(|arg| matches!(arg.as_str(), "dtype" | "count" | "like" | "sep"))
    };
    if !is_bytes
        || arguments.args.len() > 3
        || arguments.args.iter().any(Expr::is_starred_expr)
        || !arguments.keywords.iter().all(passes_on)
    {
        return None;
    }
    let mut edits = vec![Edit::replace(function.attr.range(), "frombuffer")];
    if let Some(sep) = arguments
        .iter_source_order()
        .position(|argument| matches!(argument, ast::ArgOrKeyword::Keyword(keyword) if keyword.arg.as_ref().is_some_and(|arg| arg.as_str() == "sep")))
    {
        edits.extend(remove_arguments(checker.source(), arguments, &[sep]));
    }
    edits.push(Edit::insert(call.end(), ".copy()"));
    Some(Fix::new(edits))
}

/// From the bytes alone, whether an argument may be a generator: `x for x in y`, maybe in
/// parentheses, with `for` outside any other brackets (`[x for x in y]` is a list).
fn may_be_generator(argument: &str) -> bool {
    let mut text = argument.trim();
    while let Some(inner) = text
        .strip_prefix('(')
        .and_then(|rest| rest.strip_suffix(')'))
    {
        text = inner.trim();
    }
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    for (at, byte) in bytes.iter().enumerate() {
        match byte {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            // A string or comment may hold anything: not read.
            b'"' | b'\'' | b'#' | b'\\' => return true,
            b'f' if depth == 0 && text[at..].starts_with("for") => {
                let is_word = |byte: Option<&u8>| byte.copied().is_some_and(is_identifier_byte);
                if !is_word(at.checked_sub(1).and_then(|before| bytes.get(before)))
                    && !is_word(bytes.get(at + 3))
                {
                    return true;
                }
            }
            _ => {}
        }
    }
    false
}

/// `np.sum(x for x in y)` -> `sum(x for x in y)`, when nothing else is passed.
fn sum_of_generator(checker: &Checker, call: &ast::ExprCall) -> Option<Fix> {
    if call.arguments.len() != 1 {
        return None;
    }
    let builtin = naming::builtin(checker, "sum")?;
    Some(Fix::edit(Edit::replace(call.func.range(), builtin)))
}

#[cfg(test)]
mod tests {
    use super::may_be_generator;

    #[test]
    fn generators_from_the_bytes() {
        assert!(may_be_generator("x for x in y"));
        assert!(may_be_generator(" ((x * 2 for x in y)) "));
        assert!(may_be_generator("f(x) for x in (y)"));
        assert!(may_be_generator("len(s) for s in 'ab'"));
        assert!(!may_be_generator("[x for x in y]"));
        assert!(!may_be_generator("{x for x in y}"));
        assert!(!may_be_generator("before + format"));
        assert!(!may_be_generator("(a)(x for x in y)"));
    }
}
