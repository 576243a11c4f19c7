//! What a local name may hold: the values that its bindings assign, in the scope that owns it.
//! Rules use it to prove an expression's type (`arr = np.zeros(3)` ... `arr.ptp()`).

use ruff_python_ast::visitor::{Visitor, walk_expr, walk_stmt};
use ruff_python_ast::{self as ast, AnyNodeRef, Expr, ExprContext, Parameters, Stmt};

/// One binding of a name.
#[derive(Debug, Clone, Copy)]
pub enum Assigned<'a> {
    /// `name = value`, `name: T = value`.
    Value(&'a Expr),
    /// A parameter or an annotated name without a value: its annotation, if any.
    Annotated(Option<&'a Expr>),
    /// `class name: ...`.
    Class,
    /// `import name`, `from module import name`, or a `*` import that may bind it.
    Import,
    /// Any other binding: a function, a loop target, unpacking, `with ... as`, `+=`, ...
    Other,
}

/// Every binding of `name` in the innermost scope around the read that binds it, given the
/// read's ancestors (innermost first). `None` when the name is declared `global`/`nonlocal`
/// or no scope binds it.
pub fn assignments<'a>(
    name: &str,
    ancestors: impl Iterator<Item = AnyNodeRef<'a>>,
    module: &'a ast::ModModule,
) -> Option<Vec<Assigned<'a>>> {
    // Class bodies are not visible from the functions inside them.
    let mut in_function = false;
    for ancestor in ancestors {
        let found = match ancestor {
            AnyNodeRef::StmtFunctionDef(function) => {
                in_function = true;
                scope_bindings(name, Some(&function.parameters), &function.body)?
            }
            AnyNodeRef::ExprLambda(lambda) => {
                in_function = true;
                let parameter = lambda
                    .parameters
                    .as_deref()
                    .is_some_and(|parameters| parameters.iter().any(|p| p.name().as_str() == name));
                if parameter {
                    vec![Assigned::Annotated(None)]
                } else {
                    Vec::new()
                }
            }
            AnyNodeRef::StmtClassDef(class) if !in_function => {
                scope_bindings(name, None, &class.body)?
            }
            _ => Vec::new(),
        };
        if !found.is_empty() {
            return Some(found);
        }
    }
    let found = scope_bindings(name, None, &module.body)?;
    (!found.is_empty()).then_some(found)
}

/// The bindings of `name` in one scope (its parameters and its body, not nested scopes);
/// `None` when the body declares it `global` or `nonlocal`.
fn scope_bindings<'a>(
    name: &str,
    parameters: Option<&'a Parameters>,
    body: &'a [Stmt],
) -> Option<Vec<Assigned<'a>>> {
    let mut collector = Collector {
        name,
        found: Vec::new(),
        declared_elsewhere: false,
    };
    if let Some(parameters) = parameters {
        for parameter in parameters.iter() {
            if parameter.name().as_str() == name {
                collector
                    .found
                    .push(Assigned::Annotated(parameter.annotation()));
            }
        }
    }
    collector.visit_body(body);
    (!collector.declared_elsewhere).then_some(collector.found)
}

struct Collector<'n, 'a> {
    name: &'n str,
    found: Vec<Assigned<'a>>,
    declared_elsewhere: bool,
}

impl Collector<'_, '_> {
    fn is_name(&self, expr: &Expr) -> bool {
        matches!(expr, Expr::Name(name) if name.id.as_str() == self.name)
    }
}

impl<'a> Visitor<'a> for Collector<'_, 'a> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        match stmt {
            Stmt::FunctionDef(ast::StmtFunctionDef { name, .. }) => {
                if name.as_str() == self.name {
                    self.found.push(Assigned::Other);
                }
            }
            Stmt::ClassDef(ast::StmtClassDef { name, .. }) => {
                if name.as_str() == self.name {
                    self.found.push(Assigned::Class);
                }
            }
            Stmt::Assign(assign) => {
                for target in &assign.targets {
                    if self.is_name(target) {
                        self.found.push(Assigned::Value(&assign.value));
                    } else {
                        self.visit_expr(target);
                    }
                }
                self.visit_expr(&assign.value);
            }
            Stmt::AnnAssign(assign) if self.is_name(&assign.target) => {
                self.found.push(match &assign.value {
                    Some(value) => Assigned::Value(value),
                    None => Assigned::Annotated(Some(&assign.annotation)),
                });
            }
            Stmt::Import(import) => {
                for alias in &import.names {
                    let bound = alias.asname.as_ref().map_or_else(
                        || alias.name.split('.').next().unwrap_or_default(),
                        |asname| asname.as_str(),
                    );
                    if bound == self.name {
                        self.found.push(Assigned::Import);
                    }
                }
            }
            Stmt::ImportFrom(import) => {
                for alias in &import.names {
                    let bound = alias.asname.as_ref().unwrap_or(&alias.name);
                    if bound.as_str() == self.name || &alias.name == "*" {
                        self.found.push(Assigned::Import);
                    }
                }
            }
            Stmt::Global(ast::StmtGlobal { names, .. })
            | Stmt::Nonlocal(ast::StmtNonlocal { names, .. }) => {
                if names.iter().any(|declared| declared.as_str() == self.name) {
                    self.declared_elsewhere = true;
                }
            }
            Stmt::Try(try_stmt) => {
                for handler in &try_stmt.handlers {
                    let ast::ExceptHandler::ExceptHandler(handler) = handler;
                    if handler
                        .name
                        .as_ref()
                        .is_some_and(|bound| bound.as_str() == self.name)
                    {
                        self.found.push(Assigned::Other);
                    }
                }
                walk_stmt(self, stmt);
            }
            _ => walk_stmt(self, stmt),
        }
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        match expr {
            // Any other store: unpacking, loop and `with` targets, `+=`, `:=`, `del`.
            Expr::Name(name) if name.ctx != ExprContext::Load && name.id.as_str() == self.name => {
                self.found.push(Assigned::Other);
            }
            // Nested scopes bind their own names (an assignment expression aside, rare).
            Expr::Lambda(_)
            | Expr::ListComp(_)
            | Expr::SetComp(_)
            | Expr::DictComp(_)
            | Expr::Generator(_) => {}
            _ => walk_expr(self, expr),
        }
    }

    fn visit_pattern(&mut self, pattern: &'a ast::Pattern) {
        let binds = match pattern {
            ast::Pattern::MatchAs(pattern) => pattern.name.as_ref(),
            ast::Pattern::MatchStar(pattern) => pattern.name.as_ref(),
            ast::Pattern::MatchMapping(pattern) => pattern.rest.as_ref(),
            _ => None,
        };
        if binds.is_some_and(|bound| bound.as_str() == self.name) {
            self.found.push(Assigned::Other);
        }
        ruff_python_ast::visitor::walk_pattern(self, pattern);
    }
}

#[cfg(test)]
mod tests {
    use ruff_python_ast::PySourceType;
    use ruff_python_parser::parse_unchecked_source;

    use super::*;

    fn kinds(source: &str, name: &str, inside: Option<&str>) -> Option<Vec<String>> {
        let parsed = parse_unchecked_source(source, PySourceType::Python);
        let module = parsed.syntax();
        let function = inside.map(|inside| {
            module
                .body
                .iter()
                .find_map(|stmt| {
                    stmt.as_function_def_stmt()
                        .filter(|f| f.name.as_str() == inside)
                })
                .expect("the function")
        });
        let ancestors = function.into_iter().map(AnyNodeRef::from);
        let found = assignments(name, ancestors, module)?;
        Some(
            found
                .iter()
                .map(|assigned| match assigned {
                    Assigned::Value(value) => format!("value {}", &source[value.range()]),
                    Assigned::Annotated(annotation) => {
                        format!(
                            "annotated {}",
                            annotation.map_or("-", |a| &source[a.range()])
                        )
                    }
                    Assigned::Class => "class".to_string(),
                    Assigned::Import => "import".to_string(),
                    Assigned::Other => "other".to_string(),
                })
                .collect(),
        )
    }

    use ruff_text_size::Ranged;

    #[test]
    fn finds_the_values_a_name_is_bound_to() {
        let source = "\
import numpy as np
a = np.zeros(3)
b, c = 1, 2
class K: pass
def f(x: np.ndarray, y):
    z = np.ones(2)
    z += 1
    return x, y, z, a
def g():
    global a
";
        assert_eq!(kinds(source, "a", None).unwrap(), ["value np.zeros(3)"]);
        assert_eq!(kinds(source, "b", None).unwrap(), ["other"]);
        assert_eq!(kinds(source, "np", None).unwrap(), ["import"]);
        assert_eq!(kinds(source, "K", None).unwrap(), ["class"]);
        assert_eq!(
            kinds(source, "x", Some("f")).unwrap(),
            ["annotated np.ndarray"]
        );
        assert_eq!(kinds(source, "y", Some("f")).unwrap(), ["annotated -"]);
        assert_eq!(
            kinds(source, "z", Some("f")).unwrap(),
            ["value np.ones(2)", "other"]
        );
        // Free in `f`: the module's binding.
        assert_eq!(
            kinds(source, "a", Some("f")).unwrap(),
            ["value np.zeros(3)"]
        );
        assert_eq!(kinds(source, "a", Some("g")), None);
        assert_eq!(kinds(source, "undefined", None), None);
    }
}
