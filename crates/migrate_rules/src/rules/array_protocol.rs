use migrate_engine::ast::{self as ast, AnyNodeRef, Stmt};
use migrate_engine::checker::{Checker, Rule};
use migrate_engine::diagnostic::Diagnostic;
use migrate_engine::edit::{Edit, Fix};
use migrate_engine::prefilter::{Atom, Triggers};
use migrate_engine::text_size::{Ranged, TextSize};

use crate::array_text::may_define_array_protocol;
use crate::naming;

/// ## What it does
/// Finds `__array__` methods that do not accept NumPy 2's `copy` keyword, and the
/// `__array_prepare__` / `__array_wrap__` protocol changes.
///
/// ## Why is this bad?
/// NumPy 2 calls `obj.__array__(dtype, copy=...)`. A method without `copy` makes NumPy fall
/// back with a `DeprecationWarning`: for `np.array(obj, copy=False)` since 2.0, and for
/// `np.array(obj)` and `copy=True` since 2.4 (`np.asarray(obj)` passes no `copy`). `__array_prepare__` is no longer called
/// (removed in 2.0), and `__array_wrap__` is passed `return_scalar` (deprecated without it).
///
/// ## Example
/// ```python
/// class Grid:
///     def __array__(self, dtype=None):
///         return self.values
/// ```
///
/// Use instead:
/// ```python
/// class Grid:
///     def __array__(self, dtype=None, copy=None):
///         if copy:
///             return np.array(self.__array__(dtype), copy=True)
///         return self.values
/// ```
///
/// ## Fix
/// Adding the parameter alone would change meaning: NumPy 2 then trusts the method to copy
/// when asked, and `np.array(grid)` would share `grid.values` where NumPy 1 copied it. So the
/// fix also honours `copy=True` by copying what the method returns, which keeps the NumPy 1
/// behaviour on both versions. Methods without a body (stubs, `...`) only get the parameter;
/// `@overload` declarations and the methods of a `typing.Protocol` are left alone (NumPy
/// calls the implementation, and a protocol describes what other classes define). Signatures with `*args`/`**kwargs` already accept `copy` and are not reported;
/// signatures with keyword-only parameters, and one-line methods, are reported, not fixed.
/// `__array_wrap__(self, arr[, context])` gains `[context=None, ]return_scalar=False`, which
/// it ignores: NumPy 1.x never passes it and NumPy 2 returns what the method returns with or
/// without it (only the warning goes).
pub struct ArrayProtocol;

pub const CODE: &str = "NP213";

impl Rule for ArrayProtocol {
    fn code(&self) -> &'static str {
        CODE
    }

    fn noqa_aliases(&self) -> &'static [&'static str] {
        &["NPY201"]
    }

    fn triggers(&self) -> Option<Triggers> {
        let definitions = ["__array__", "__array_prepare__", "__array_wrap__"]
            .iter()
            .map(|name| Atom::Where((*name).to_string(), may_define_array_protocol))
            .collect();
        Some(Triggers::any(definitions))
    }

    fn stmt<'a>(&self, checker: &mut Checker<'a>, stmt: &'a Stmt) {
        let Stmt::FunctionDef(function) = stmt else {
            return;
        };
        let Some(AnyNodeRef::StmtClassDef(class)) = checker.parent() else {
            return;
        };
        // Typing declarations: NumPy never calls them, and the implementation is checked.
        if is_overload(function) || is_protocol(class) {
            return;
        }
        match function.name.as_str() {
            "__array__" => array_method(checker, function),
            "__array_prepare__" => {
                let message = "`__array_prepare__` is no longer called since NumPy 2.0";
                let help = "Move its work to `__array_ufunc__` or `__array_wrap__`";
                checker
                    .report(Diagnostic::new(CODE, message, function.name.range()).with_help(help));
            }
            "__array_wrap__" => array_wrap(checker, function),
            _ => {}
        }
    }
}

fn array_method(checker: &mut Checker, function: &ast::StmtFunctionDef) {
    let parameters = &function.parameters;
    if parameters.kwarg.is_some() || parameters.iter().any(|p| p.name().as_str() == "copy") {
        return;
    }
    let diagnostic = Diagnostic::new(
        CODE,
        "`__array__` does not accept `copy`: NumPy 2 warns where it must call it without (`copy=False` since 2.0, `np.array(obj)` since 2.4)",
        function.name.range(),
    );
    let diagnostic = match fix(checker, function) {
        Ok(fix) => diagnostic
            .with_fix(fix)
            .with_help("Add `copy=None` and copy what it returns when `copy` is true"),
        Err(help) => diagnostic.with_help(help),
    };
    checker.report(diagnostic);
}

/// NumPy 2 calls `__array_wrap__(arr, context, return_scalar)` positionally and, where that
/// raises `TypeError`, again with fewer arguments and a `DeprecationWarning`; it returns what
/// the method returns either way. So a `return_scalar=False` that the method ignores keeps
/// what it did on 2.x, and NumPy 1.x never passes it.
fn array_wrap(checker: &mut Checker, function: &ast::StmtFunctionDef) {
    let parameters = &function.parameters;
    // `*args` takes it positionally, as NumPy passes it.
    let accepts = parameters.kwarg.is_some()
        || parameters.vararg.is_some()
        || parameters
            .iter()
            .any(|p| p.name().as_str() == "return_scalar");
    if accepts {
        return;
    }
    let message = "`__array_wrap__` without `return_scalar` is deprecated since NumPy 2.0";
    let diagnostic = Diagnostic::new(CODE, message, function.name.range());
    let positional = parameters.posonlyargs.len() + parameters.args.len();
    let source = checker.source();
    // A new parameter must not hide a name the body reads from outside.
    let free = |name: &str| !source.slice(function.range()).contains(name);
    let added = match positional {
        3 if free("return_scalar") => Some(", return_scalar=False"),
        2 if free("return_scalar") && free("context") => {
            Some(", context=None, return_scalar=False")
        }
        _ => None,
    };
    checker.report(
        match added.and_then(|added| Some((added, parameters_end(checker, parameters)?))) {
            Some((added, at)) => diagnostic
                .with_fix(Fix::edit(Edit::insert(at, added)))
                .with_help(format!("Add `{}`: NumPy 1.x never passes it, NumPy 2 returns what the method returns either way", added.trim_start_matches(", "))),
            None => diagnostic.with_help(
                "Accept `(arr, context=None, return_scalar=False)`: NumPy 2 passes the three positionally",
            ),
        },
    );
}

/// `@overload` or `@typing.overload` (any module's: a name so spelled is a typing stub).
fn is_overload(function: &ast::StmtFunctionDef) -> bool {
    function
        .decorator_list
        .iter()
        .any(|decorator| spelled_last(&decorator.expression) == Some("overload"))
}

/// A class derived from `Protocol` or `typing.Protocol[T]`: it describes, not implements.
fn is_protocol(class: &ast::StmtClassDef) -> bool {
    class.bases().iter().any(|base| {
        let base = match base {
            ast::Expr::Subscript(subscript) => &*subscript.value,
            other => other,
        };
        spelled_last(base) == Some("Protocol")
    })
}

/// The last name of `x` or `a.b.x`.
fn spelled_last(expr: &ast::Expr) -> Option<&str> {
    match expr {
        ast::Expr::Name(name) => Some(name.id.as_str()),
        ast::Expr::Attribute(attribute) => Some(attribute.attr.as_str()),
        _ => None,
    }
}

/// After the last parameter that may be passed positionally: past a `/` that ends the
/// positional-only ones.
fn parameters_end(checker: &Checker, parameters: &ast::Parameters) -> Option<TextSize> {
    match parameters.args.last() {
        Some(last) => Some(last.end()),
        None => {
            let last = parameters.posonlyargs.last()?;
            let rest = &checker.source().text()[last.end().to_usize()..parameters.end().to_usize()];
            let slash = rest.find('/')?;
            Some(last.end() + TextSize::try_from(slash + 1).expect("a short signature"))
        }
    }
}

fn fix(checker: &Checker, function: &ast::StmtFunctionDef) -> Result<Fix, String> {
    const ADVICE: &str = "Add `copy=None` and honour it: copy when it is true, raise `ValueError` when it is false and a copy is needed";
    let parameters = &function.parameters;
    if parameters.vararg.is_some() || !parameters.kwonlyargs.is_empty() {
        return Err(ADVICE.to_string());
    }
    let positional: Vec<&ast::ParameterWithDefault> = parameters
        .posonlyargs
        .iter()
        .chain(&parameters.args)
        .collect();
    let Some((receiver, others)) = positional.split_first() else {
        return Err(ADVICE.to_string());
    };
    let source = checker.source();
    let insert_at = parameters_end(checker, parameters).ok_or(ADVICE)?;
    let mut edits = vec![Edit::insert(insert_at, ", copy=None")];
    if has_runtime_body(&function.body) {
        let first = first_statement_after_docstring(&function.body);
        let body_indent = source.indentation_before(first.start()).ok_or(ADVICE)?;
        let def_indent = source
            .indentation_before(function.start())
            .unwrap_or_default();
        let unit = body_indent
            .strip_prefix(def_indent)
            .filter(|unit| !unit.is_empty())
            .unwrap_or("    ");
        let numpy = naming::module_at(checker, "numpy", function.start()).ok_or(ADVICE)?;
        let arguments: Vec<&str> = others.iter().map(|p| p.name().as_str()).collect();
        let newline = source.newline();
        let text = format!(
            "if copy:{newline}{body_indent}{unit}return {}.array({}.__array__({}), copy=True){newline}{body_indent}",
            numpy.text,
            receiver.name().as_str(),
            arguments.join(", "),
        );
        edits.push(Edit::insert(first.start(), text));
        edits.extend(numpy.import);
    }
    Ok(Fix::new(edits))
}

/// Whether the body does something at run time (not a stub: `...`, `pass`, a docstring, or
/// `raise NotImplementedError`).
fn has_runtime_body(body: &[Stmt]) -> bool {
    body.iter().any(|stmt| match stmt {
        Stmt::Pass(_) => false,
        Stmt::Expr(expr) => {
            !(expr.value.is_ellipsis_literal_expr() || expr.value.is_string_literal_expr())
        }
        Stmt::Raise(raise) => !raise.exc.as_ref().is_some_and(|exc| {
            let exc = match &**exc {
                ast::Expr::Call(call) => &*call.func,
                other => other,
            };
            matches!(exc, ast::Expr::Name(name) if name.id.as_str() == "NotImplementedError")
        }),
        _ => true,
    })
}

fn first_statement_after_docstring(body: &[Stmt]) -> &Stmt {
    let docstring =
        matches!(body.first(), Some(Stmt::Expr(expr)) if expr.value.is_string_literal_expr());
    let index = usize::from(docstring && body.len() > 1);
    &body[index]
}
