use migrate_engine::assignments::Assigned;
use migrate_engine::ast::{self as ast, AnyNodeRef, Expr};
use migrate_engine::checker::{Checker, Rule};
use migrate_engine::diagnostic::Diagnostic;
use migrate_engine::edit::{Edit, Fix};
use migrate_engine::prefilter::{Anchor, Atom, Inside, Triggers, skip_blanks, word_starts};
use migrate_engine::syntax_edits::remove_arguments;
use migrate_engine::text_size::Ranged;

use crate::naming;
use crate::version::Version;

/// ## What it does
/// Finds `np.array(x, copy=False, ...)`, and `np.array(x, copy=copy)` where `copy` is a
/// parameter that callers may set to `False`.
///
/// ## Why is this bad?
/// In NumPy 1.x, `copy=False` meant "copy only if needed". NumPy 2 gave it the meaning
/// "never copy": the same call raises `ValueError` whenever a copy is needed (a list, another
/// dtype, another memory order).
///
/// ## Example
/// ```python
/// a = np.array(values, copy=False)
/// b = np.array(values, dtype=np.float32, copy=False, subok=True)
/// ```
///
/// Use instead:
/// ```python
/// a = np.asarray(values)
/// b = np.asanyarray(values, dtype=np.float32)
/// ```
///
/// ## Fix
/// `np.asarray` (`np.asanyarray` with `subok=True`) keeps the 1.x meaning on every NumPy:
/// the other arguments (`dtype`, `order`, `like`) are passed on unchanged. With `ndmin`,
/// which `asarray` lacks, the fix is `copy=None` (NumPy 2's "copy if needed"), which NumPy
/// 1.x rejects: applied only with `--min-numpy 2.0` or later. `.astype(copy=False)` kept its
/// meaning and is not reported.
///
/// `np.array(x, copy=copy)` where `copy` is a parameter of the enclosing function that may
/// be `False`: callers written for NumPy 1 pass `False` meaning "copy if needed" (NumPy 2's
/// `None`, which NumPy 1.x rejects). Fixed to `copy=copy or None` from `--min-numpy 2.0`;
/// below it to `copy=copy or (None if np.lib.NumpyVersion(np.__version__) >= "2.0.0" else
/// False)`, the value SciPy and others call `copy_if_needed` (reported where the call does not
/// name the NumPy module, `from numpy import array`).
pub struct ArrayCopyFalse {
    pub min_numpy: Version,
}

pub const CODE: &str = "NP211";

/// The keywords `np.asarray` and `np.asanyarray` share with `np.array`.
const PASSED_ON: &[&str] = &["dtype", "order", "like"];

impl Rule for ArrayCopyFalse {
    fn code(&self) -> &'static str {
        CODE
    }

    fn noqa_aliases(&self) -> &'static [&'static str] {
        &["NPY201"]
    }

    fn triggers(&self) -> Option<Triggers> {
        // `copy=False`, or `copy=<a parameter>`: any value but `True`, from the bytes.
        let call = Anchor::Call(vec!["numpy.array".into()]);
        Some(Triggers::any(vec![Atom::Within(
            call,
            Inside::Check(may_pass_copy_other_than_true),
        )]))
    }

    fn expr<'a>(&self, checker: &mut Checker<'a>, expr: &'a Expr) {
        let Expr::Call(call) = expr else {
            return;
        };
        let Some(copy) = call.arguments.find_keyword("copy") else {
            return;
        };
        let parameter = match &copy.value {
            Expr::BooleanLiteral(ast::ExprBooleanLiteral { value: false, .. }) => None,
            Expr::Name(name) if is_parameter(checker, name.id.as_str()) => Some(name),
            _ => return,
        };
        if checker.qualified_name(&call.func).as_deref() != Some("numpy.array") {
            return;
        }
        if let Some(parameter) = parameter {
            self.report_parameter(checker, call, parameter.id.as_str());
            return;
        }
        let diagnostic = Diagnostic::new(
            CODE,
            "`np.array(..., copy=False)` raises on NumPy 2 when a copy is needed",
            call.range(),
        );
        let diagnostic = match self.fix(checker, call) {
            Ok((fix, help)) => diagnostic.with_fix(fix).with_help(help),
            Err(help) => diagnostic.with_help(help),
        };
        checker.report(diagnostic);
    }
}

/// Whether `name` is a parameter of the function the checker is in (not rebound in it) that
/// callers may set to `False`: not in `__array__` (whose `copy` NumPy 2 passes), not with a
/// default other than `True`/`False` (`None` or a compatibility constant: written for
/// NumPy 2), and not where a test has shown it true (`if copy: ...`).
fn is_parameter(checker: &Checker, name: &str) -> bool {
    let mut ancestors = checker.statement_ancestors();
    let mut guarded = false;
    let function = ancestors.find_map(|ancestor| match ancestor {
        AnyNodeRef::StmtFunctionDef(function) => {
            Some((function.name.as_str() != "__array__", &*function.parameters))
        }
        AnyNodeRef::ExprLambda(lambda) => lambda.parameters.as_deref().map(|p| (true, p)),
        AnyNodeRef::StmtIf(if_stmt) => {
            guarded |= shown_true(checker, if_stmt, name);
            None
        }
        _ => None,
    });
    let Some((true, parameters)) = function else {
        return false;
    };
    let parameter = parameters.iter().find(|p| p.name().as_str() == name);
    let may_be_false = parameter.is_some_and(|parameter| {
        parameter
            .default()
            .is_none_or(|default| default.is_boolean_literal_expr())
    });
    may_be_false
        && !guarded
        && checker.assignments(name).is_some_and(|assigned| {
            assigned
                .iter()
                .all(|assigned| matches!(assigned, Assigned::Annotated(_)))
        })
}

/// Whether the checker is in a branch of `if_stmt` that runs only when `name` is true: the
/// body of `if name:` (or `elif name:`), or a clause after `if not name:` (or `elif not name:`).
fn shown_true(checker: &Checker, if_stmt: &ast::StmtIf, name: &str) -> bool {
    let is_name = |expr: &Expr| matches!(expr, Expr::Name(n) if n.id.as_str() == name);
    let is_not_name = |expr: &Expr| matches!(expr, Expr::UnaryOp(unary) if unary.op == ast::UnaryOp::Not && is_name(&unary.operand));
    let Some(at) = checker.ancestors().next().map(|node| node.start()) else {
        return false;
    };
    let clauses = std::iter::once((Some(&*if_stmt.test), &if_stmt.body[..])).chain(
        if_stmt
            .elif_else_clauses
            .iter()
            .map(|clause| (clause.test.as_ref(), &clause.body[..])),
    );
    let mut after_not_name = false;
    for (test, body) in clauses {
        let inside = body
            .first()
            .zip(body.last())
            .is_some_and(|(first, last)| first.start() <= at && at <= last.end());
        if inside {
            return after_not_name || test.is_some_and(is_name);
        }
        after_not_name |= test.is_some_and(is_not_name);
    }
    false
}

impl ArrayCopyFalse {
    /// `np.array(x, copy=copy)` with `copy` a parameter: callers written for NumPy 1 pass
    /// `False` meaning "copy if needed", which NumPy 2 turned into "never copy". Fixed to
    /// `copy or None` from a 2.0 floor; below it, NumPy 1.x rejects `None`, so the value is
    /// chosen by version, through the module the call names (`np` of `np.array`).
    fn report_parameter(&self, checker: &mut Checker, call: &ast::ExprCall, name: &str) {
        let message = format!(
            "`np.array(..., copy={name})` raises on NumPy 2 when `{name}` is `False` and a copy is needed"
        );
        let Some(copy) = call.arguments.find_keyword("copy") else {
            return;
        };
        let if_needed = if self.min_numpy >= Version::NUMPY_2 {
            Some("None".to_string())
        } else if let Expr::Attribute(attribute) = &*call.func {
            let numpy = checker.source().slice(attribute.value.range());
            Some(format!(
                "(None if {numpy}.lib.NumpyVersion({numpy}.__version__) >= \"2.0.0\" else False)"
            ))
        } else {
            None
        };
        let diagnostic = Diagnostic::new(CODE, message, call.range());
        let diagnostic = match if_needed {
            Some(if_needed) => diagnostic
                .with_fix(Fix::edit(Edit::replace(
                    copy.value.range(),
                    format!("{name} or {if_needed}"),
                )))
                .with_help(format!(
                    "Pass `copy={name} or {if_needed}`: `False` keeps meaning \"copy if needed\" (NumPy 2's `None`)"
                )),
            None => diagnostic.with_help(format!(
                "Pass `copy={name} or copy_if_needed` with `copy_if_needed = None if np.lib.NumpyVersion(np.__version__) >= \"2.0.0\" else False` (NumPy 1.x rejects `copy=None`)"
            )),
        };
        checker.report(diagnostic);
    }

    fn fix(&self, checker: &Checker, call: &ast::ExprCall) -> Result<(Fix, String), String> {
        let arguments = &call.arguments;
        let source = checker.source();
        if arguments.args.iter().any(Expr::is_starred_expr) || arguments.args.len() > 2 {
            return Err("Use `np.asarray(...)` (the call passes its arguments in a way the fix does not handle)".to_string());
        }
        let keyword = |name: &str| arguments.find_keyword(name);
        let position = |name: &str| {
            arguments
                .iter_source_order()
                .position(|argument| matches!(argument, ast::ArgOrKeyword::Keyword(k) if k.arg.as_ref().is_some_and(|arg| arg.as_str() == name)))
                .expect("the keyword is there")
        };
        if keyword("ndmin").is_some() {
            if self.min_numpy < Version::NUMPY_2 {
                return Err(format!(
                    "`copy=None` (copy only if needed) needs NumPy >= 2.0, and this project supports NumPy {} (--min-numpy); \
                     `np.asarray` has no `ndmin`",
                    self.min_numpy
                ));
            }
            let copy = keyword("copy").expect("checked by the caller");
            return Ok((
                Fix::edit(Edit::replace(copy.value.range(), "None")),
                "Use `copy=None`: copy only if needed".to_string(),
            ));
        }
        let mut removed = vec![position("copy")];
        let function = match keyword("subok").map(|subok| &subok.value) {
            None => "asarray",
            Some(Expr::BooleanLiteral(subok)) => {
                removed.push(position("subok"));
                if subok.value { "asanyarray" } else { "asarray" }
            }
            Some(_) => {
                return Err(
                    "Use `np.asarray(...)` or `np.asanyarray(...)` depending on `subok`"
                        .to_string(),
                );
            }
        };
        let unknown = arguments.keywords.iter().find(|keyword| {
            keyword.arg.as_ref().is_none_or(|arg| {
                !matches!(arg.as_str(), "copy" | "subok") && !PASSED_ON.contains(&arg.as_str())
            })
        });
        if unknown.is_some() {
            return Err(format!("Use `np.{function}(...)`"));
        }

        let mut edits = Vec::new();
        match &*call.func {
            Expr::Attribute(attribute) => {
                edits.push(Edit::replace(attribute.attr.range(), function))
            }
            Expr::Name(name) => {
                let resolution = checker
                    .model()
                    .resolve_name(name)
                    .expect("resolved by the caller");
                let numpy = naming::numpy_at(checker, &resolution, source.slice(name.range()))
                    .ok_or_else(|| format!("Use `np.{function}(...)`"))?;
                edits.extend(numpy.edits());
                edits.push(Edit::replace(
                    name.range(),
                    format!("{}.{function}", numpy.text),
                ));
            }
            _ => return Err(format!("Use `np.{function}(...)`")),
        }
        edits.extend(remove_arguments(source, arguments, &removed));
        Ok((
            Fix::new(edits),
            format!("Use `np.{function}(...)`, which copies only when needed on every NumPy"),
        ))
    }
}

/// Whether call arguments may pass `copy=` something other than `True`.
fn may_pass_copy_other_than_true(arguments: &str) -> bool {
    let bytes = arguments.as_bytes();
    word_starts(arguments, "copy").any(|start| {
        let equals = skip_blanks(bytes, start + 4, true);
        if bytes.get(equals) != Some(&b'=') || bytes.get(equals + 1) == Some(&b'=') {
            return false;
        }
        let value = &arguments[equals + 1..];
        let end = value.find([',', ')', '#']).unwrap_or(value.len());
        value[..end].trim() != "True"
    })
}

#[cfg(test)]
mod tests {
    use super::may_pass_copy_other_than_true;

    #[test]
    fn copy_other_than_true_may_matter() {
        for yes in [
            "x, copy=False",
            "x, copy = copy)",
            "x,\n copy=(True)",
            "x, copy=c, dtype=d",
        ] {
            assert!(may_pass_copy_other_than_true(yes), "{yes:?}");
        }
        for no in [
            "x, copy=True",
            "x, copy = True )",
            "x, dtype=d",
            "f(copy)",
            "x, copy == y",
        ] {
            assert!(!may_pass_copy_other_than_true(no), "{no:?}");
        }
    }
}
