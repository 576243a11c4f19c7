//! What a local name may hold: the values that its bindings assign, in the scope that owns it.
//! Rules use it to prove an expression's type (`arr = np.zeros(3)` ... `arr.ptp()`).

use std::cell::{OnceCell, RefCell};
use std::rc::Rc;

use ruff_python_ast::visitor::{Visitor, walk_expr, walk_stmt};
use ruff_python_ast::{self as ast, AnyNodeRef, Expr, ExprContext, Parameters, Stmt};
use rustc_hash::{FxHashMap, FxHashSet};

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

/// The bindings of every name, one scope at a time, each scope read once on first use: a
/// file with many reads of names in one large scope stays linear.
#[derive(Default)]
pub struct Assignments<'a> {
    scopes: RefCell<FxHashMap<*const Stmt, Rc<ScopeBindings<'a>>>>,
    /// What a lambda's parameter holds. Like every list handed out, it lives as long as
    /// `self`: results may be memoized by the list's address.
    lambda_parameter: OnceCell<Rc<[Assigned<'a>]>>,
}

/// What one scope (its parameters and its body, not nested scopes) binds.
struct ScopeBindings<'a> {
    /// Each name's bindings in source order, `*` imports among them.
    by_name: FxHashMap<&'a str, Rc<[Assigned<'a>]>>,
    /// What a name bound nowhere else holds: the `*` imports, if any.
    unbound: Rc<[Assigned<'a>]>,
    /// Names declared `global` or `nonlocal`.
    declared_elsewhere: FxHashSet<&'a str>,
}

impl<'a> Assignments<'a> {
    /// Every binding of `name` in the innermost scope around the read that binds it, given
    /// the read's ancestors (innermost first), in source order. `None` when the name is
    /// declared `global`/`nonlocal` or no scope binds it.
    pub fn of(
        &self,
        name: &str,
        ancestors: impl Iterator<Item = AnyNodeRef<'a>>,
        module: &'a ast::ModModule,
    ) -> Option<Rc<[Assigned<'a>]>> {
        // Class bodies are not visible from the functions inside them.
        let mut in_function = false;
        for ancestor in ancestors {
            let found = match ancestor {
                AnyNodeRef::StmtFunctionDef(function) => {
                    in_function = true;
                    self.scope(Some(&function.parameters), &function.body)
                        .bindings(name)?
                }
                AnyNodeRef::ExprLambda(lambda) => {
                    in_function = true;
                    let parameter = lambda.parameters.as_deref().is_some_and(|parameters| {
                        parameters.iter().any(|p| p.name().as_str() == name)
                    });
                    if parameter {
                        let lambda_parameter = self
                            .lambda_parameter
                            .get_or_init(|| Rc::new([Assigned::Annotated(None)]));
                        return Some(Rc::clone(lambda_parameter));
                    }
                    continue;
                }
                AnyNodeRef::StmtClassDef(class) if !in_function => {
                    self.scope(None, &class.body).bindings(name)?
                }
                _ => continue,
            };
            if !found.is_empty() {
                return Some(found);
            }
        }
        let found = self.scope(None, &module.body).bindings(name)?;
        (!found.is_empty()).then_some(found)
    }

    fn scope(&self, parameters: Option<&'a Parameters>, body: &'a [Stmt]) -> Rc<ScopeBindings<'a>> {
        let key = body.as_ptr();
        if let Some(scope) = self.scopes.borrow().get(&key) {
            return Rc::clone(scope);
        }
        let mut collector = Collector::default();
        if let Some(parameters) = parameters {
            for parameter in parameters.iter() {
                collector.bind(
                    parameter.name().as_str(),
                    Assigned::Annotated(parameter.annotation()),
                );
            }
        }
        collector.visit_body(body);
        let scope = Rc::new(collector.finish());
        self.scopes.borrow_mut().insert(key, Rc::clone(&scope));
        scope
    }
}

impl<'a> ScopeBindings<'a> {
    /// The bindings of `name`; `None` when it is declared `global` or `nonlocal`.
    fn bindings(&self, name: &str) -> Option<Rc<[Assigned<'a>]>> {
        if self.declared_elsewhere.contains(name) {
            return None;
        }
        Some(Rc::clone(self.by_name.get(name).unwrap_or(&self.unbound)))
    }
}

#[derive(Default)]
struct Collector<'a> {
    /// Each binding with its place in source order.
    by_name: FxHashMap<&'a str, Vec<(usize, Assigned<'a>)>>,
    /// The places of `from module import *`, which may bind any name.
    star_imports: Vec<usize>,
    declared_elsewhere: FxHashSet<&'a str>,
    next: usize,
}

impl<'a> Collector<'a> {
    fn bind(&mut self, name: &'a str, assigned: Assigned<'a>) {
        self.by_name
            .entry(name)
            .or_default()
            .push((self.next, assigned));
        self.next += 1;
    }

    fn finish(self) -> ScopeBindings<'a> {
        let stars = self.star_imports;
        let by_name = self
            .by_name
            .into_iter()
            .map(|(name, mut bindings)| {
                bindings.extend(stars.iter().map(|&at| (at, Assigned::Import)));
                bindings.sort_by_key(|&(at, _)| at);
                (
                    name,
                    bindings.into_iter().map(|(_, assigned)| assigned).collect(),
                )
            })
            .collect();
        ScopeBindings {
            by_name,
            unbound: stars.iter().map(|_| Assigned::Import).collect(),
            declared_elsewhere: self.declared_elsewhere,
        }
    }
}

impl<'a> Visitor<'a> for Collector<'a> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        match stmt {
            Stmt::FunctionDef(ast::StmtFunctionDef { name, .. }) => {
                self.bind(name.as_str(), Assigned::Other);
            }
            Stmt::ClassDef(ast::StmtClassDef { name, .. }) => {
                self.bind(name.as_str(), Assigned::Class);
            }
            Stmt::Assign(assign) => {
                for target in &assign.targets {
                    if let Expr::Name(name) = target {
                        self.bind(name.id.as_str(), Assigned::Value(&assign.value));
                    } else {
                        self.visit_expr(target);
                    }
                }
                self.visit_expr(&assign.value);
            }
            Stmt::AnnAssign(assign) => match &*assign.target {
                Expr::Name(name) => self.bind(
                    name.id.as_str(),
                    match &assign.value {
                        Some(value) => Assigned::Value(value),
                        None => Assigned::Annotated(Some(&assign.annotation)),
                    },
                ),
                _ => walk_stmt(self, stmt),
            },
            Stmt::Import(import) => {
                for alias in &import.names {
                    let bound = alias.asname.as_ref().map_or_else(
                        || alias.name.split('.').next().unwrap_or_default(),
                        |asname| asname.as_str(),
                    );
                    self.bind(bound, Assigned::Import);
                }
            }
            Stmt::ImportFrom(import) => {
                for alias in &import.names {
                    if &alias.name == "*" {
                        self.star_imports.push(self.next);
                        self.next += 1;
                    } else {
                        let bound = alias.asname.as_ref().unwrap_or(&alias.name);
                        self.bind(bound.as_str(), Assigned::Import);
                    }
                }
            }
            Stmt::Global(ast::StmtGlobal { names, .. })
            | Stmt::Nonlocal(ast::StmtNonlocal { names, .. }) => {
                self.declared_elsewhere
                    .extend(names.iter().map(|declared| declared.as_str()));
            }
            Stmt::Try(try_stmt) => {
                for handler in &try_stmt.handlers {
                    let ast::ExceptHandler::ExceptHandler(handler) = handler;
                    if let Some(bound) = &handler.name {
                        self.bind(bound.as_str(), Assigned::Other);
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
            Expr::Name(name) if name.ctx != ExprContext::Load => {
                self.bind(name.id.as_str(), Assigned::Other);
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
        if let Some(bound) = binds {
            self.bind(bound.as_str(), Assigned::Other);
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
        let found = Assignments::default().of(name, ancestors, module)?;
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
def h():
    w = 1
    from m import *
    w = 2
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
        // A `*` import may bind any name, in its place among the others.
        assert_eq!(
            kinds(source, "w", Some("h")).unwrap(),
            ["value 1", "import", "value 2"]
        );
        assert_eq!(kinds(source, "v", Some("h")).unwrap(), ["import"]);
    }
}
