use migrate_engine::assignments::Assigned;
use migrate_engine::ast::{self as ast, AnyNodeRef, Expr};
use migrate_engine::checker::{Checker, Rule};
use migrate_engine::diagnostic::Diagnostic;
use migrate_engine::edit::{Edit, Fix};
use migrate_engine::prefilter::{Atom, Triggers};
use migrate_engine::syntax_edits::inside_parentheses;
use migrate_engine::text_size::{Ranged, TextRange};

use crate::array_text::{self, may_assign_array_attribute, may_call_array_method};

/// `x.ctypes.get_data()` and the other getters of `x.ctypes`, from the bytes alone.
fn may_call_ctypes_getter(source: &str, starts: &[usize]) -> bool {
    array_text::may_be_followed_by_attribute(source, starts, |attribute| {
        CTYPES_GETTERS
            .iter()
            .any(|(getter, _)| *getter == attribute)
    })
}
use crate::compat::spelled_elsewhere;
use crate::naming;
use crate::numpy_types::{enclosing_class, is_dtype, is_numpy_array, method_of};
use crate::triggers;

/// ## What it does
/// Finds calls of the ndarray (and NumPy scalar) methods that NumPy 2 removed:
/// `.ptp()`, `.itemset()`, `.newbyteorder()` (2.0), `.tostring()` (2.3),
/// `.ctypes.get_data()` / `get_shape()` / `get_strides()` / `get_as_parameter()` (2.4) and
/// `np.ndindex(...).ndincr()` (2.4); and assignments to array attributes that NumPy 2
/// forbids or deprecates: `.data` (2.0), `.strides` (2.4), `.shape` and `.dtype` (2.5).
///
/// ## Why is this bad?
/// They raise `AttributeError` on NumPy 2.
///
/// ## Example
/// ```python
/// a = np.zeros((2, 3))
/// span = a.ptp(axis=0)
/// a.itemset((0, 1), 5.0)
/// swapped = a.newbyteorder()
/// raw = a.tostring()
/// ```
///
/// Use instead:
/// ```python
/// a = np.zeros((2, 3))
/// span = np.ptp(a, axis=0)
/// a[0, 1] = 5.0
/// swapped = a.view(a.dtype.newbyteorder())
/// raw = a.tobytes()
/// ```
///
/// ## Fix
/// Only when the receiver is provably a NumPy array or scalar where it is used: built by a
/// NumPy function (`np.zeros(...)`, `np.asarray(...)`, `np.random.rand(...)`, methods and
/// subscripts of such arrays), or a name bound only to such values or annotated
/// `np.ndarray` / `npt.NDArray`. Any other receiver is reported, not fixed: masked arrays
/// still have `.ptp()`, and pandas or astropy objects have their own methods.
/// `dtype.newbyteorder()` still exists and is not reported; `.tostring()` of what is not
/// provably an array is reported only in files that import NumPy, and not on imported
/// modules (`ET.tostring(elem)`). `.itemset()` is fixed only as
/// a statement, `.newbyteorder()` only on a plain name (the fix reads it twice);
/// `it.ndincr()` becomes `next(it)` as a statement where `it` is provably an `np.ndindex`
/// (`ndincr` was `next(self)` returning `None`, `StopIteration` at the end included).
pub struct NdarrayMethod;

pub const CODE: &str = "NP212";

/// `arr.ctypes.get_*()` and the attribute that replaces each.
const CTYPES_GETTERS: &[(&str, &str)] = &[
    ("get_data", "data"),
    ("get_shape", "shape"),
    ("get_strides", "strides"),
    ("get_as_parameter", "_as_parameter_"),
];

/// Array attributes whose assignment NumPy 2 forbids or deprecates: (attribute, since, what
/// to do instead).
const ASSIGNED_ATTRIBUTES: &[(&str, &str, &str)] = &[
    (
        "data",
        "was removed in NumPy 2.0",
        "Create a new array over the buffer: `np.frombuffer(buffer, dtype).reshape(shape)`",
    ),
    (
        "strides",
        "is deprecated since NumPy 2.4",
        "Use `np.lib.stride_tricks.as_strided(...)` or `sliding_window_view(...)` to get a view with other strides",
    ),
    (
        "shape",
        "is deprecated since NumPy 2.5",
        "Use `arr = arr.reshape(...)` (`np.reshape(arr, shape, copy=False)` from 2.1 refuses to copy)",
    ),
    (
        "dtype",
        "is deprecated since NumPy 2.5",
        "Use `arr = arr.view(new_dtype)`",
    ),
];

impl Rule for NdarrayMethod {
    fn code(&self) -> &'static str {
        CODE
    }

    fn stmt<'a>(&self, checker: &mut Checker<'a>, stmt: &'a ast::Stmt) {
        let ast::Stmt::Assign(ast::StmtAssign { targets, .. }) = stmt else {
            return;
        };
        for target in targets {
            let Expr::Attribute(attribute) = target else {
                continue;
            };
            let Some((name, status, help)) = ASSIGNED_ATTRIBUTES
                .iter()
                .find(|(name, ..)| *name == attribute.attr.as_str())
            else {
                continue;
            };
            if is_numpy_array(checker, &attribute.value) {
                let message = format!("Assigning `ndarray.{name}` {status}");
                checker.report(Diagnostic::new(CODE, message, target.range()).with_help(*help));
            }
        }
    }

    fn noqa_aliases(&self) -> &'static [&'static str] {
        &["NPY201"]
    }

    fn triggers(&self) -> Option<Triggers> {
        let numpy = vec![triggers::references(["numpy"])];

        let assignments = ASSIGNED_ATTRIBUTES
            .iter()
            .map(|(name, ..)| Atom::Where((*name).to_string(), may_assign_array_attribute))
            .collect();
        let method_calls = |names: &[&str]| {
            names
                .iter()
                .map(|name| Atom::Where((*name).to_string(), may_call_array_method))
                .collect()
        };
        let triggers = Triggers::any(method_calls(&["ptp", "itemset", "newbyteorder", "ndincr"]))
            .or(vec![vec![Atom::Where(
                "ctypes".to_string(),
                may_call_ctypes_getter,
            )]])
            // Only in files that use NumPy (`ET.tostring(elem)` is the XML one's).
            .or(vec![method_calls(&["tostring"]), numpy.clone()])
            .or(vec![assignments, numpy]);
        Some(triggers)
    }

    fn expr<'a>(&self, checker: &mut Checker<'a>, expr: &'a Expr) {
        let Expr::Call(call) = expr else {
            return;
        };
        let Expr::Attribute(method) = &*call.func else {
            return;
        };
        let receiver = &*method.value;
        let name = method.attr.as_str();
        if let Some((_, attribute)) = CTYPES_GETTERS.iter().find(|(getter, _)| *getter == name) {
            if matches!(receiver, Expr::Attribute(ctypes) if ctypes.attr.as_str() == "ctypes")
                && call.arguments.is_empty()
            {
                let message = format!("`.ctypes.{name}()` was removed in NumPy 2.4");
                let replaced = TextRange::new(method.attr.start(), call.end());
                let fix = Fix::edit(Edit::replace(replaced, *attribute));
                checker.report(
                    Diagnostic::new(CODE, message, call.range())
                        .with_fix(fix)
                        .with_help(format!("Use `.ctypes.{attribute}`")),
                );
            }
            return;
        }
        let (removed, replacement) = match name {
            "ptp" => ("2.0", "np.ptp(arr, ...)"),
            "itemset" => ("2.0", "arr[index] = value"),
            "newbyteorder" => ("2.0", "arr.view(arr.dtype.newbyteorder(...))"),
            "tostring" => ("2.3", "arr.tobytes()"),
            "ndincr" => ("2.4", "next(it)"),
            _ => return,
        };
        // `np.ptp(x)` and `np.ma.ptp(x)` are functions, not methods.
        if checker.qualified_name(receiver).is_some() {
            return;
        }
        if name == "newbyteorder"
            && (is_dtype(checker, receiver) || looks_like_dtype(checker, receiver))
        {
            return;
        }
        if name == "ndincr" {
            let message = "`ndindex.ndincr()` was removed in NumPy 2.4";
            let diagnostic = Diagnostic::new(CODE, message, call.range());
            checker.report(match ndincr(checker, call, receiver) {
                Ok(fix) => diagnostic
                    .with_fix(fix)
                    .with_help("Use `next(it)`, which `ndincr` called"),
                Err(why) => diagnostic.with_help(format!("Use `next(it)`; not fixed: {why}")),
            });
            return;
        }
        let receiver_text = checker.source().slice(receiver.range());
        if !is_numpy_array(checker, receiver) {
            if name == "tostring" && !may_be_array_tostring(checker, call, receiver) {
                return;
            }
            let message = format!(
                "`.{name}()` was removed from NumPy arrays in NumPy {removed} (if `{}` is one)",
                shortened(receiver_text)
            );
            let help = format!(
                "Use `{replacement}`; not fixed: `{}` is not provably a NumPy array",
                shortened(receiver_text)
            );
            checker.report(Diagnostic::new(CODE, message, call.range()).with_help(help));
            return;
        }
        let message = format!("`ndarray.{name}()` was removed in NumPy {removed}");
        let diagnostic = Diagnostic::new(CODE, message, call.range());
        let fixed = match name {
            "ptp" => ptp(checker, call, receiver),
            "itemset" => itemset(checker, call, receiver),
            "newbyteorder" => newbyteorder(checker, call, receiver),
            _ => Ok((
                Edit::replace(method.attr.range(), "tobytes"),
                "Use `.tobytes()`".to_string(),
                None,
            )),
        };
        let diagnostic = match fixed {
            Ok((edit, help, import)) => {
                let edits = std::iter::once(edit).chain(import).collect();
                diagnostic.with_fix(Fix::new(edits)).with_help(help)
            }
            Err(help) => diagnostic.with_help(help),
        };
        checker.report(diagnostic);
    }
}

type Fixed = Result<(Edit, String, Option<Edit>), String>;

/// `a.ptp(axis)` -> `np.ptp(a, axis)`.
fn ptp<'a>(checker: &Checker<'a>, call: &'a ast::ExprCall, receiver: &'a Expr) -> Fixed {
    let numpy = naming::module_at(checker, "numpy", call.start())
        .ok_or("Use `np.ptp(arr, ...)`: no name for numpy is free here")?;
    let source = checker.source();
    let mut text = format!("{}.ptp({}", numpy.text, argument(checker, receiver));
    let arguments = &call.arguments;
    if !arguments.is_empty() {
        text.push_str(", ");
        text.push_str(source.slice(inside_parentheses(arguments)));
    }
    text.push(')');
    let help = format!("Use `{}.ptp(...)`", numpy.text);
    Ok((Edit::replace(call.range(), text), help, numpy.import))
}

/// `a.itemset(i, v)` as a statement -> `a.flat[i] = v`; `a.itemset((i, j), v)` and
/// `a.itemset(i, j, v)` -> `a[i, j] = v`; `a.itemset(v)` -> `a.flat[0] = v`.
fn itemset<'a>(checker: &Checker<'a>, call: &'a ast::ExprCall, receiver: &'a Expr) -> Fixed {
    let statement = matches!(checker.parent(), Some(AnyNodeRef::StmtExpr(stmt)) if stmt.value.range() == call.range());
    let args = &call.arguments.args;
    if !statement
        || !call.arguments.keywords.is_empty()
        || args.is_empty()
        || args.iter().any(Expr::is_starred_expr)
    {
        return Err(
            "Use `arr[index] = value`; not fixed: the call is not a statement of its own"
                .to_string(),
        );
    }
    let source = checker.source();
    let target = atom(checker, receiver);
    let (value, indices) = args.split_last().expect("not empty");
    let value = source.slice(value.range());
    let text = match indices {
        [] => format!("{target}.flat[0] = {value}"),
        [Expr::Tuple(tuple)] => {
            let items: Vec<&str> = tuple
                .elts
                .iter()
                .map(|item| source.slice(item.range()))
                .collect();
            format!("{target}[{}] = {value}", items.join(", "))
        }
        [index] => format!("{target}.flat[{}] = {value}", source.slice(index.range())),
        _ => {
            let items: Vec<&str> = indices
                .iter()
                .map(|item| source.slice(item.range()))
                .collect();
            format!("{target}[{}] = {value}", items.join(", "))
        }
    };
    Ok((
        Edit::replace(call.range(), text),
        "Assign to the element instead".to_string(),
        None,
    ))
}

/// `a.newbyteorder(order)` -> `a.view(a.dtype.newbyteorder(order))`, for a plain name `a`,
/// or `a.byteswap()` / `a.copy()` (same dtype as `a`).
fn newbyteorder<'a>(checker: &Checker<'a>, call: &'a ast::ExprCall, receiver: &'a Expr) -> Fixed {
    let dtype_of = match receiver {
        Expr::Name(name) => Some(name),
        Expr::Call(inner) => match &*inner.func {
            Expr::Attribute(method) if matches!(method.attr.as_str(), "byteswap" | "copy") => {
                method.value.as_name_expr()
            }
            _ => None,
        },
        _ => None,
    };
    let Some(dtype_of) = dtype_of else {
        return Err("Use `arr.view(arr.dtype.newbyteorder(...))`; not fixed: the receiver would be evaluated twice".to_string());
    };
    let source = checker.source();
    let text = format!(
        "{}.view({}.dtype.newbyteorder{})",
        source.slice(receiver.range()),
        dtype_of.id,
        source.slice(call.arguments.range())
    );
    Ok((
        Edit::replace(call.range(), text),
        "Change the byte order of a view's dtype".to_string(),
        None,
    ))
}

/// `it.ndincr()` as a statement -> `next(it)`, where `it` is provably an `np.ndindex`: every
/// 1.x `ndincr` was `next(self)` (with a warning) and returned `None`, so only its value
/// differs.
fn ndincr<'a>(
    checker: &Checker<'a>,
    call: &'a ast::ExprCall,
    receiver: &'a Expr,
) -> Result<Fix, &'static str> {
    let is_ndindex = |expr: &'a Expr| matches!(expr, Expr::Call(inner) if checker.qualified_name(&inner.func).as_deref() == Some("numpy.ndindex"));
    let provable = is_ndindex(receiver)
        || matches!(receiver, Expr::Name(name) if checker.every_assignment("ndindex", 0, &name.id, |assigned| {
            matches!(assigned, Assigned::Value(value) if is_ndindex(value))
        }));
    if !provable {
        return Err("the receiver is not provably an `np.ndindex`");
    }
    let statement = matches!(checker.parent(), Some(AnyNodeRef::StmtExpr(stmt)) if stmt.value.range() == call.range());
    if !statement || !call.arguments.is_empty() {
        return Err("`next(it)` returns the index where `ndincr()` returned `None`");
    }
    let next = naming::builtin(checker, "next").ok_or("`next` is rebound in this file")?;
    let text = format!("{next}({})", argument(checker, receiver));
    Ok(Fix::edit(Edit::replace(call.range(), text)))
}

/// `expr` as a call argument.
fn argument<'a>(checker: &Checker<'a>, expr: &'a Expr) -> String {
    let text = checker.source().slice(expr.range());
    if matches!(
        expr,
        Expr::Named(_) | Expr::Yield(_) | Expr::YieldFrom(_) | Expr::Lambda(_)
    ) {
        format!("({text})")
    } else {
        text.to_string()
    }
}

/// `expr` where a subscript or attribute follows it.
fn atom<'a>(checker: &Checker<'a>, expr: &'a Expr) -> String {
    let text = checker.source().slice(expr.range());
    if matches!(
        expr,
        Expr::Name(_) | Expr::Attribute(_) | Expr::Call(_) | Expr::Subscript(_)
    ) {
        text.to_string()
    } else {
        format!("({text})")
    }
}

/// `tostring` is a common name elsewhere (`ET.tostring(elem)`, astropy's `Header.tostring()`):
/// a receiver that is not provably an array is reported only in a file that imports NumPy,
/// when it is not an imported module or name, not `self` in a class that defines `tostring`
/// itself, the call passes nothing but the array method's `order`, and it is not the
/// fallback of code that tries `.tobytes()` first; nor where the receiver is provably not an
/// array (an instance of a class from outside NumPy, or narrowed to one by `isinstance`) or
/// the result is used as a `str` (`.encode(...)`).
fn may_be_array_tostring<'a>(
    checker: &Checker<'a>,
    call: &'a ast::ExprCall,
    receiver: &'a Expr,
) -> bool {
    let arguments = &call.arguments;
    let array_arguments = arguments.args.iter().all(may_be_order)
        && arguments.args.len() <= 1
        && arguments.keywords.iter().all(|keyword| {
            keyword
                .arg
                .as_ref()
                .is_some_and(|arg| arg.as_str() == "order")
        });
    // `x.tostring().encode(...)`: a `str`, where the array method gave `bytes`.
    let encoded = matches!(checker.parent(), Some(AnyNodeRef::ExprAttribute(attribute)) if attribute.attr.as_str() == "encode");
    if !array_arguments
        || encoded
        || spelled_elsewhere(checker, call.start(), "tobytes")
        || not_an_array(checker, receiver, 2)
        || narrowed_to_other_class(checker, call, receiver)
    {
        return false;
    }
    let model = checker.model();
    let imports_numpy = model.bindings().any(|binding| {
        binding
            .kind
            .qualified_name()
            .is_some_and(|name| name == "numpy" || name.starts_with("numpy."))
    });
    let mut base = receiver;
    while let Expr::Attribute(attribute) = base {
        base = &attribute.value;
    }
    let imported = matches!(base, Expr::Name(name) if checker.every_assignment("import", 0, &name.id, |assigned| {
        matches!(assigned, Assigned::Import)
    }));
    let own_method = matches!(receiver, Expr::Name(name) if name.id.as_str() == "self")
        && enclosing_class(checker).is_some_and(|class| method_of(class, "tostring").is_some());
    imports_numpy && !imported && !own_method
}

/// What `ndarray.tostring(order)` may be passed positionally: an order letter, or a name
/// that says it is one (`v.tostring(self.encoding)` is pandas' `TermValue`).
fn may_be_order(argument: &Expr) -> bool {
    match argument {
        Expr::StringLiteral(literal) => {
            matches!(literal.value.to_str(), "C" | "F" | "A" | "K")
        }
        Expr::Name(name) => name.id.as_str().contains("order"),
        Expr::Attribute(attribute) => attribute.attr.as_str().contains("order"),
        _ => false,
    }
}

/// A class not NumPy's: a `CapWords` name imported from outside NumPy (`Header`,
/// `fits.Header`), or a class of this module whose bases are not NumPy's.
fn foreign_class<'a>(checker: &Checker<'a>, class: &'a Expr) -> bool {
    let mut base = class;
    while let Expr::Attribute(attribute) = base {
        base = &attribute.value;
    }
    let (Expr::Name(root), Some(last)) = (base, class_name(class)) else {
        return false;
    };
    let cap_words = last.starts_with(|c: char| c.is_ascii_uppercase())
        && last.chars().any(|c| c.is_ascii_lowercase());
    let Some(assigned) = checker.assignments(&root.id) else {
        return false;
    };
    match &*assigned {
        [Assigned::Import, ..] => {
            cap_words
                && assigned
                    .iter()
                    .all(|assigned| matches!(assigned, Assigned::Import))
                && checker.model().bindings_named(&root.id).all(|binding| {
                    checker
                        .import_site(binding.range.start())
                        .is_some_and(|site| !naming::imports_from_numpy(site.stmt))
                })
        }
        [Assigned::Class] => checker.module().body.iter().any(|stmt| {
            matches!(stmt, ast::Stmt::ClassDef(definition)
            if definition.name.as_str() == root.id.as_str()
                && definition.bases().iter().all(|base| {
                    checker.qualified_name(base).is_none_or(|base| !base.starts_with("numpy"))
                }))
        }),
        _ => false,
    }
}

/// `Header` of `Header` or `fits.Header`.
fn class_name(class: &Expr) -> Option<&str> {
    match class {
        Expr::Name(name) => Some(name.id.as_str()),
        Expr::Attribute(attribute) => Some(attribute.attr.as_str()),
        _ => None,
    }
}

/// A value provably not a NumPy array: a name bound only to instances of a foreign class
/// (`Header(...)`, `fits.Header.fromstring(...)`, an alternate constructor) or to `.copy()`
/// of such a name, `depth` names deep.
fn not_an_array<'a>(checker: &Checker<'a>, value: &'a Expr, depth: u32) -> bool {
    match value {
        Expr::Call(call) => match &*call.func {
            Expr::Attribute(method)
                if method.attr.as_str().starts_with("from") && foreign_class(checker, &method.value) =>
            {
                true
            }
            Expr::Attribute(method) if method.attr.as_str() == "copy" && call.arguments.is_empty() => {
                not_an_array(checker, &method.value, depth)
            }
            class => foreign_class(checker, class),
        },
        Expr::Name(name) if depth > 0 => checker.every_assignment("not an array", depth, &name.id, |assigned| {
            matches!(assigned, Assigned::Value(value) if not_an_array(checker, value, depth - 1))
        }),
        _ => false,
    }
}

/// Inside `if isinstance(x, fits.Header):` (or its `elif`), with `x` the receiver and the
/// class foreign.
fn narrowed_to_other_class<'a>(
    checker: &Checker<'a>,
    call: &'a ast::ExprCall,
    receiver: &'a Expr,
) -> bool {
    let Expr::Name(name) = receiver else {
        return false;
    };
    let inside = |body: &[ast::Stmt]| {
        body.first()
            .zip(body.last())
            .is_some_and(|(first, last)| first.start() <= call.start() && call.end() <= last.end())
    };
    let narrows = |test: &'a Expr| {
        let Expr::Call(isinstance) = test else {
            return false;
        };
        let [Expr::Name(tested), class] = &isinstance.arguments.args[..] else {
            return false;
        };
        matches!(&*isinstance.func, Expr::Name(function) if function.id.as_str() == "isinstance")
            && checker.model().is_builtin_visible("isinstance")
            && tested.id == name.id
            && foreign_class(checker, class)
    };
    checker.statement_ancestors().any(|ancestor| {
        let AnyNodeRef::StmtIf(if_stmt) = ancestor else {
            return false;
        };
        if inside(&if_stmt.body) {
            return narrows(&if_stmt.test);
        }
        if_stmt
            .elif_else_clauses
            .iter()
            .any(|clause| inside(&clause.body) && clause.test.as_ref().is_some_and(&narrows))
    })
}

/// Names like `dtype`, `dt`, `self.dtype`: `newbyteorder()` on those is the dtype method.
fn looks_like_dtype(checker: &Checker, receiver: &Expr) -> bool {
    let text = checker.source().slice(receiver.range());
    array_text::looks_like_dtype(text.rsplit(['.', ' ']).next().unwrap_or(text))
}

fn shortened(text: &str) -> String {
    let first_line = text.lines().next().unwrap_or_default();
    if first_line.len() == text.len() && text.chars().count() <= 30 {
        text.to_string()
    } else {
        format!("{}...", first_line.chars().take(27).collect::<String>())
    }
}
