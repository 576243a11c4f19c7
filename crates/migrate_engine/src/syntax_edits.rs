//! Edits that know Python syntax: taking a name out of an import, removing or adding a
//! statement, and parenthesising an expression that replaces another.

use ruff_python_ast::{self as ast, AnyNodeRef, Expr, Stmt};
use ruff_python_parser::parse_expression;
use ruff_text_size::{Ranged, TextRange, TextSize};

use crate::edit::Edit;
use crate::source::SourceText;

/// Remove `names[index]` from an import that has other names too, leaving comments and line
/// breaks around it alone. `None` when it is the only name (remove the statement instead).
pub fn remove_import_name(source: &SourceText, names: &[ast::Alias], index: usize) -> Vec<Edit> {
    let alias = &names[index];
    if let Some(next) = names.get(index + 1) {
        // `a, b` -> `b`: the name, its comma and the blanks after it on the same line.
        let between = TextRange::new(alias.end(), next.start());
        let text = source.slice(between);
        let Some(comma) = text.find(',') else {
            return Vec::new();
        };
        let after_comma = &text[comma + 1..];
        let blanks = after_comma.len() - after_comma.trim_start_matches([' ', '\t']).len();
        let end = alias.end() + TextSize::try_from(comma + 1 + blanks).expect("a short gap");
        vec![Edit::delete(TextRange::new(alias.start(), end))]
    } else if index > 0 {
        // `a, b` -> `a`: the comma before it and the name.
        let previous = &names[index - 1];
        let between = TextRange::new(previous.end(), alias.start());
        let text = source.slice(between);
        let Some(comma) = text.find(',') else {
            return Vec::new();
        };
        let comma_start = previous.end() + TextSize::try_from(comma).expect("a short gap");
        if text.contains('#') || text.contains(['\n', '\r']) {
            // Keep the comment or line break that separates them.
            vec![
                Edit::delete(TextRange::at(comma_start, TextSize::from(1))),
                Edit::delete(alias.range()),
            ]
        } else {
            vec![Edit::delete(TextRange::new(comma_start, alias.end()))]
        }
    } else {
        Vec::new()
    }
}

/// Remove a whole simple statement. `body` is the block that holds it: a block cannot be
/// empty, so the only statement of a block becomes `pass`; so does a statement that shares
/// its line with another or with a comment (the comment is kept).
pub fn remove_statement(source: &SourceText, stmt: &Stmt, body: &[Stmt]) -> Edit {
    let alone_on_its_lines = source.indentation_before(stmt.start()).is_some()
        && source
            .slice(TextRange::new(stmt.end(), source.line_end(stmt.end())))
            .trim()
            .is_empty();
    if body.len() == 1 || !alone_on_its_lines {
        return Edit::replace(stmt.range(), "pass");
    }
    let start = source.line_start(stmt.start());
    let line_end = source.line_end(stmt.end());
    let newline = source.text()[line_end.to_usize()..]
        .chars()
        .take_while(|c| matches!(c, '\r' | '\n'))
        .take(2)
        .collect::<String>();
    let newline_len = match newline.as_str() {
        "\r\n" => 2,
        "" => 0,
        _ => 1,
    };
    Edit::delete(TextRange::new(
        start,
        line_end + TextSize::from(newline_len),
    ))
}

/// Insert `statement` on a new line after `stmt`, at the same indentation. `None` when `stmt`
/// does not start its line (it follows a `;` or a compound statement's colon).
pub fn insert_after_statement(source: &SourceText, stmt: &Stmt, statement: &str) -> Option<Edit> {
    let indentation = source.indentation_before(stmt.start())?;
    let end = source.line_end(stmt.end());
    Some(Edit::insert(
        end,
        format!("{}{indentation}{statement}", source.newline()),
    ))
}

/// Whether `replacement` (the text of an expression) must be parenthesised to take the place
/// of `replaced`, given the node that encloses `replaced`.
pub fn needs_parentheses(
    source: &SourceText,
    replacement: &str,
    replaced: TextRange,
    parent: Option<AnyNodeRef>,
) -> bool {
    let Ok(parsed) = parse_expression(replacement) else {
        return true;
    };
    let expr = parsed.expr();
    if is_parenthesized(source, replaced) {
        return false;
    }
    let Some(parent) = parent else {
        return false;
    };
    let is_value = |value: &Expr| value.range() == replaced;
    let postfix_operand = match parent {
        AnyNodeRef::ExprAttribute(attribute) => is_value(&attribute.value),
        AnyNodeRef::ExprSubscript(subscript) => is_value(&subscript.value),
        AnyNodeRef::ExprCall(call) => is_value(&call.func),
        _ => false,
    };
    let operand = matches!(
        parent,
        AnyNodeRef::ExprBinOp(_) | AnyNodeRef::ExprUnaryOp(_) | AnyNodeRef::ExprAwait(_)
    );
    match expr {
        Expr::Name(_)
        | Expr::Attribute(_)
        | Expr::Call(_)
        | Expr::Subscript(_)
        | Expr::StringLiteral(_)
        | Expr::BytesLiteral(_)
        | Expr::FString(_)
        | Expr::List(_)
        | Expr::Dict(_)
        | Expr::Set(_)
        | Expr::ListComp(_)
        | Expr::SetComp(_)
        | Expr::DictComp(_)
        | Expr::NoneLiteral(_)
        | Expr::BooleanLiteral(_)
        | Expr::EllipsisLiteral(_) => false,
        // `1.bit_length()` does not tokenize; `1.5.hex()` does.
        Expr::NumberLiteral(number) => postfix_operand && number.value.is_int(),
        _ => postfix_operand || operand,
    }
}

/// Whether the expression at `range` is wrapped in its own parentheses.
fn is_parenthesized(source: &SourceText, range: TextRange) -> bool {
    let text = source.text();
    let before = text[..range.start().to_usize()].trim_end();
    let after = text[range.end().to_usize()..].trim_start();
    before.ends_with('(') && after.starts_with(')')
}

/// Python's builtin names: a fix must never bind them at module level.
pub fn is_python_builtin(name: &str) -> bool {
    BUILTINS.binary_search(&name).is_ok()
}

const BUILTINS: &[&str] = &[
    "ArithmeticError",
    "AssertionError",
    "AttributeError",
    "BaseException",
    "BaseExceptionGroup",
    "BlockingIOError",
    "BrokenPipeError",
    "BufferError",
    "BytesWarning",
    "ChildProcessError",
    "ConnectionAbortedError",
    "ConnectionError",
    "ConnectionRefusedError",
    "ConnectionResetError",
    "DeprecationWarning",
    "EOFError",
    "Ellipsis",
    "EncodingWarning",
    "EnvironmentError",
    "Exception",
    "ExceptionGroup",
    "False",
    "FileExistsError",
    "FileNotFoundError",
    "FloatingPointError",
    "FutureWarning",
    "GeneratorExit",
    "IOError",
    "ImportError",
    "ImportWarning",
    "IndentationError",
    "IndexError",
    "InterruptedError",
    "IsADirectoryError",
    "KeyError",
    "KeyboardInterrupt",
    "LookupError",
    "MemoryError",
    "ModuleNotFoundError",
    "NameError",
    "None",
    "NotADirectoryError",
    "NotImplemented",
    "NotImplementedError",
    "OSError",
    "OverflowError",
    "PendingDeprecationWarning",
    "PermissionError",
    "ProcessLookupError",
    "PythonFinalizationError",
    "RecursionError",
    "ReferenceError",
    "ResourceWarning",
    "RuntimeError",
    "RuntimeWarning",
    "StopAsyncIteration",
    "StopIteration",
    "SyntaxError",
    "SyntaxWarning",
    "SystemError",
    "SystemExit",
    "TabError",
    "TimeoutError",
    "True",
    "TypeError",
    "UnboundLocalError",
    "UnicodeDecodeError",
    "UnicodeEncodeError",
    "UnicodeError",
    "UnicodeTranslateError",
    "UnicodeWarning",
    "UserWarning",
    "ValueError",
    "Warning",
    "ZeroDivisionError",
    "__build_class__",
    "__debug__",
    "__doc__",
    "__import__",
    "__loader__",
    "__name__",
    "__package__",
    "__spec__",
    "abs",
    "aiter",
    "all",
    "anext",
    "any",
    "ascii",
    "bin",
    "bool",
    "breakpoint",
    "bytearray",
    "bytes",
    "callable",
    "chr",
    "classmethod",
    "compile",
    "complex",
    "copyright",
    "credits",
    "delattr",
    "dict",
    "dir",
    "divmod",
    "enumerate",
    "eval",
    "exec",
    "exit",
    "filter",
    "float",
    "format",
    "frozenset",
    "getattr",
    "globals",
    "hasattr",
    "hash",
    "help",
    "hex",
    "id",
    "input",
    "int",
    "isinstance",
    "issubclass",
    "iter",
    "len",
    "license",
    "list",
    "locals",
    "map",
    "max",
    "memoryview",
    "min",
    "next",
    "object",
    "oct",
    "open",
    "ord",
    "pow",
    "print",
    "property",
    "quit",
    "range",
    "repr",
    "reversed",
    "round",
    "set",
    "setattr",
    "slice",
    "sorted",
    "staticmethod",
    "str",
    "sum",
    "super",
    "tuple",
    "type",
    "vars",
    "zip",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtins_are_sorted_for_binary_search() {
        assert!(BUILTINS.windows(2).all(|pair| pair[0] < pair[1]));
        assert!(is_python_builtin("any"));
        assert!(!is_python_builtin("float64"));
    }
}
