//! Proving that an expression is a NumPy array (or a NumPy scalar), from what it is built
//! with: `np.zeros(3)`, `np.asarray(x).T`, `a[0]` of such an array, or a name bound only to
//! such values or annotated `np.ndarray` / `npt.NDArray[...]`; or that it is a class.

use migrate_engine::assignments::Assigned;
use migrate_engine::ast::{self as ast, AnyNodeRef, Expr, Stmt};
use migrate_engine::checker::Checker;

/// NumPy functions that return a plain `ndarray` (not a subclass) or a NumPy scalar.
pub(crate) const ARRAY_FUNCTIONS: &[&str] = &[
    "array",
    "asarray",
    "ascontiguousarray",
    "asfortranarray",
    "zeros",
    "ones",
    "empty",
    "full",
    "zeros_like",
    "ones_like",
    "empty_like",
    "full_like",
    "arange",
    "linspace",
    "logspace",
    "geomspace",
    "eye",
    "identity",
    "diag",
    "fromfunction",
    "fromiter",
    "frombuffer",
    "fromfile",
    "fromstring",
    "loadtxt",
    "genfromtxt",
    "concatenate",
    "stack",
    "vstack",
    "hstack",
    "dstack",
    "column_stack",
    "tile",
    "repeat",
    "sort",
    "argsort",
    "cumsum",
    "cumprod",
    "diff",
    "clip",
    "abs",
    "absolute",
    "sqrt",
    "exp",
    "log",
    "sin",
    "cos",
    "dot",
    "matmul",
    "outer",
    "transpose",
    "reshape",
    "ravel",
    "copy",
    "indices",
    "histogram_bin_edges",
    "ndarray",
];

/// `numpy.random` functions that return arrays.
pub(crate) const RANDOM_FUNCTIONS: &[&str] = &[
    "rand",
    "randn",
    "random",
    "random_sample",
    "uniform",
    "normal",
    "randint",
    "standard_normal",
    "permutation",
    "poisson",
    "exponential",
    "binomial",
    "beta",
    "gamma",
];

/// Methods of an array that return an array (or a NumPy scalar).
pub(crate) const ARRAY_METHODS: &[&str] = &[
    "copy",
    "reshape",
    "astype",
    "ravel",
    "flatten",
    "squeeze",
    "transpose",
    "swapaxes",
    "sum",
    "mean",
    "min",
    "max",
    "cumsum",
    "round",
    "clip",
    "repeat",
    "take",
    "conj",
    "byteswap",
];

/// How deep the proof may look through names and expressions.
const MAX_DEPTH: u32 = 6;

/// Whether `expr` is provably a NumPy array or scalar.
pub fn is_numpy_array<'a>(checker: &Checker<'a>, expr: &'a Expr) -> bool {
    is_array(checker, expr, 0)
}

fn is_array<'a>(checker: &Checker<'a>, expr: &'a Expr, depth: u32) -> bool {
    if depth > MAX_DEPTH {
        return false;
    }
    match expr {
        Expr::Call(call) => {
            if let Some(name) = checker.qualified_name(&call.func) {
                return is_array_function(&name);
            }
            if is_view_as_ndarray(checker, expr) {
                return true;
            }
            match &*call.func {
                Expr::Attribute(method) => {
                    ARRAY_METHODS.contains(&method.attr.as_str())
                        && is_array(checker, &method.value, depth + 1)
                }
                _ => false,
            }
        }
        Expr::Attribute(attribute) => {
            attribute.attr.as_str() == "T" && is_array(checker, &attribute.value, depth + 1)
                || is_ndarray_view_property(checker, attribute)
        }
        Expr::Subscript(subscript) => is_array(checker, &subscript.value, depth + 1),
        Expr::BinOp(binop) => {
            (is_array(checker, &binop.left, depth + 1)
                && is_number_or_array(checker, &binop.right, depth + 1))
                || (is_array(checker, &binop.right, depth + 1)
                    && is_number_or_array(checker, &binop.left, depth + 1))
        }
        Expr::UnaryOp(unary) => is_array(checker, &unary.operand, depth + 1),
        Expr::Name(name) => {
            checker.every_assignment("array", depth, &name.id, |assigned| match assigned {
                Assigned::Value(value) => is_array(checker, value, depth + 1),
                Assigned::Annotated(Some(annotation)) => is_array_annotation(checker, annotation),
                Assigned::Annotated(None)
                | Assigned::Class
                | Assigned::Import
                | Assigned::Other => false,
            })
        }
        _ => false,
    }
}

/// The class around the node being checked, when `expr` is `self` there, that class derives
/// from `np.ndarray` directly and does not define `view` itself.
fn ndarray_subclass_of_self<'a>(
    checker: &Checker<'a>,
    expr: &'a Expr,
) -> Option<&'a ast::StmtClassDef> {
    let Expr::Name(name) = expr else {
        return None;
    };
    if name.id.as_str() != "self"
        || !checker.every_assignment("self parameter", 0, "self", |assigned| {
            matches!(assigned, Assigned::Annotated(_))
        })
    {
        return None;
    }
    let class = enclosing_class(checker)?;
    let derives = class
        .bases()
        .iter()
        .any(|base| checker.qualified_name(base).as_deref() == Some("numpy.ndarray"));
    (derives && method_of(class, "view").is_none()).then_some(class)
}

/// The innermost class around the node being checked.
pub(crate) fn enclosing_class<'a>(checker: &Checker<'a>) -> Option<&'a ast::StmtClassDef> {
    checker
        .statement_ancestors()
        .find_map(|ancestor| match ancestor {
            AnyNodeRef::StmtClassDef(class) => Some(class),
            _ => None,
        })
}

/// The method `name` that `class` defines in its body.
pub(crate) fn method_of<'a>(
    class: &'a ast::StmtClassDef,
    name: &str,
) -> Option<&'a ast::StmtFunctionDef> {
    class.body.iter().find_map(|stmt| match stmt {
        Stmt::FunctionDef(function) if function.name.as_str() == name => Some(function),
        _ => None,
    })
}

/// `self.view(np.ndarray)` (or `type=np.ndarray`) in a class derived from `np.ndarray`:
/// exactly an `ndarray`, whatever the subclass overrides (but `view`).
fn is_view_as_ndarray<'a>(checker: &Checker<'a>, expr: &'a Expr) -> bool {
    let Expr::Call(call) = expr else {
        return false;
    };
    let Expr::Attribute(method) = &*call.func else {
        return false;
    };
    let arguments = &call.arguments;
    let class = match (&arguments.args[..], &arguments.keywords[..]) {
        ([class], []) => class,
        ([], [keyword])
            if keyword
                .arg
                .as_ref()
                .is_some_and(|arg| arg.as_str() == "type") =>
        {
            &keyword.value
        }
        _ => return false,
    };
    method.attr.as_str() == "view"
        && checker.qualified_name(class).as_deref() == Some("numpy.ndarray")
        && ndarray_subclass_of_self(checker, &method.value).is_some()
}

/// `self.name` where the class (derived from `np.ndarray`) defines `name` as a plain
/// `@property` that only returns `self.view(np.ndarray)`: the idiom for the bare array of a
/// subclass (`Quantity.magnitude`).
fn is_ndarray_view_property<'a>(checker: &Checker<'a>, attribute: &'a ast::ExprAttribute) -> bool {
    let Some(class) = ndarray_subclass_of_self(checker, &attribute.value) else {
        return false;
    };
    let Some(property) = method_of(class, attribute.attr.as_str()) else {
        return false;
    };
    let is_property = matches!(&property.decorator_list[..], [decorator]
        if matches!(&decorator.expression, Expr::Name(name) if name.id.as_str() == "property"));
    let returned = match &property.body[..] {
        [
            Stmt::Return(ast::StmtReturn {
                value: Some(value), ..
            }),
        ]
        | [
            Stmt::Expr(_),
            Stmt::Return(ast::StmtReturn {
                value: Some(value), ..
            }),
        ] => value,
        _ => return false,
    };
    is_property
        && checker.model().is_builtin_visible("property")
        && is_view_as_ndarray(checker, returned)
}

fn is_number_or_array<'a>(checker: &Checker<'a>, expr: &'a Expr, depth: u32) -> bool {
    expr.is_number_literal_expr() || is_array(checker, expr, depth)
}

fn is_array_function(qualified: &str) -> bool {
    if let Some(name) = qualified.strip_prefix("numpy.random.") {
        return RANDOM_FUNCTIONS.contains(&name);
    }
    qualified
        .strip_prefix("numpy.")
        .is_some_and(|name| ARRAY_FUNCTIONS.contains(&name))
}

/// `np.ndarray`, `npt.NDArray[...]`, `NDArray[np.float64]` (also as strings).
fn is_array_annotation<'a>(checker: &Checker<'a>, annotation: &'a Expr) -> bool {
    let annotation = match annotation {
        Expr::StringLiteral(string) => {
            match checker.model().string_annotation(string.range.start()) {
                Some(parsed) if parsed.kind().is_simple() => parsed.expression(),
                _ => return false,
            }
        }
        other => other,
    };
    let annotation = match annotation {
        Expr::Subscript(subscript) => &subscript.value,
        other => other,
    };
    checker
        .qualified_name(annotation)
        .is_some_and(|name| matches!(name.as_str(), "numpy.ndarray" | "numpy.typing.NDArray"))
}

/// Whether `expr` is provably a dtype: `x.dtype`, `np.dtype(...)`, or a name only bound to
/// those.
pub fn is_dtype<'a>(checker: &Checker<'a>, expr: &'a Expr) -> bool {
    is_dtype_within(checker, expr, 0)
}

fn is_dtype_within<'a>(checker: &Checker<'a>, expr: &'a Expr, depth: u32) -> bool {
    if depth > MAX_DEPTH {
        return false;
    }
    match expr {
        Expr::Attribute(attribute) => attribute.attr.as_str() == "dtype",
        Expr::Call(call) => checker.qualified_name(&call.func).as_deref() == Some("numpy.dtype"),
        Expr::Name(name) => checker.every_assignment("dtype", depth, &name.id, |assigned| {
            matches!(assigned, Assigned::Value(value) if is_dtype_within(checker, value, depth + 1))
        }),
        _ => false,
    }
}

/// NumPy's scalar types, abstract and concrete, under names every NumPy from 1.x to 2.x has.
const SCALAR_TYPES: &[&str] = &[
    "generic",
    "number",
    "integer",
    "signedinteger",
    "unsignedinteger",
    "inexact",
    "floating",
    "complexfloating",
    "flexible",
    "character",
    "bool_",
    "int8",
    "int16",
    "int32",
    "int64",
    "uint8",
    "uint16",
    "uint32",
    "uint64",
    "intc",
    "uintc",
    "intp",
    "uintp",
    "int_",
    "uint",
    "byte",
    "ubyte",
    "short",
    "ushort",
    "longlong",
    "ulonglong",
    "float16",
    "float32",
    "float64",
    "half",
    "single",
    "double",
    "longdouble",
    "complex64",
    "complex128",
    "csingle",
    "cdouble",
    "clongdouble",
    "str_",
    "bytes_",
    "void",
    "object_",
    "datetime64",
    "timedelta64",
];

/// Builtin classes, by name.
const BUILTIN_CLASSES: &[&str] = &[
    "int",
    "float",
    "complex",
    "bool",
    "str",
    "bytes",
    "bytearray",
    "memoryview",
    "object",
    "list",
    "tuple",
    "dict",
    "set",
    "frozenset",
    "type",
    "range",
    "slice",
];

/// Whether `expr` is provably a class: `type(x)`, a builtin class (`int`), a NumPy scalar
/// type (`np.float64`, `np.integer`), or a name bound only by `class` statements.
pub fn is_class<'a>(checker: &Checker<'a>, expr: &'a Expr) -> bool {
    let builtin = |name: &str| checker.model().is_builtin_visible(name);
    match expr {
        Expr::Call(call) => {
            matches!(&*call.func, Expr::Name(func) if func.id.as_str() == "type" && builtin("type"))
                && call.arguments.keywords.is_empty()
                && matches!(&call.arguments.args[..], [arg] if !arg.is_starred_expr())
        }
        Expr::Name(name) if BUILTIN_CLASSES.contains(&name.id.as_str()) && builtin(&name.id) => {
            true
        }
        _ => {
            if let Some(qualified) = checker.qualified_name(expr) {
                return qualified
                    .strip_prefix("numpy.")
                    .is_some_and(|name| SCALAR_TYPES.contains(&name));
            }
            let Expr::Name(name) = expr else {
                return false;
            };
            checker.every_assignment("class", 0, &name.id, |assigned| {
                matches!(assigned, Assigned::Class)
            })
        }
    }
}
