//! Edits that know Python syntax: taking a name out of an import, removing or adding a
//! statement, and parenthesising an expression that replaces another.

use ruff_python_ast::{self as ast, AnyNodeRef, Expr, Stmt};
use ruff_python_parser::parse_expression;
use ruff_python_trivia::{SimpleTokenKind, SimpleTokenizer};
use ruff_text_size::{Ranged, TextRange, TextSize};

use crate::edit::Edit;
use crate::source::SourceText;

/// Remove `names[index]` from an import that has other names too, leaving comments and line
/// breaks around it alone. Empty when it is the only name (remove the statement instead).
pub fn remove_import_name(source: &SourceText, names: &[ast::Alias], index: usize) -> Vec<Edit> {
    let ranges: Vec<TextRange> = names.iter().map(Ranged::range).collect();
    if ranges.len() == 1 {
        return Vec::new();
    }
    remove_list_items(source, &ranges, &[index])
}

/// The text of a call's arguments, inside its parentheses.
pub fn inside_parentheses(arguments: &ast::Arguments) -> TextRange {
    TextRange::new(
        arguments.start() + TextSize::from(1),
        arguments.end() - TextSize::from(1),
    )
}

/// Where the argument at `index` (in source order) starts, counting its own parentheses:
/// at `(r)` in `f(a, (r))`, whose expression starts at `r`.
pub fn argument_start(source: &str, arguments: &ast::Arguments, index: usize) -> TextSize {
    let (from, separator) = match index.checked_sub(1) {
        None => (arguments.start(), SimpleTokenKind::LParen),
        Some(previous) => {
            let previous = arguments.iter_source_order().nth(previous);
            let previous = previous.expect("an argument before the one at index");
            (previous.end(), SimpleTokenKind::Comma)
        }
    };
    code_after(source, from, separator)
}

/// Where a keyword argument's value starts, counting its own parentheses: at `(2)` in
/// `newshape=(2)`, whose expression starts at `2`.
pub fn keyword_value_start(source: &str, keyword: &ast::Keyword) -> TextSize {
    let name_end = keyword.arg.as_ref().map_or(keyword.start(), Ranged::end);
    code_after(source, name_end, SimpleTokenKind::Equals)
}

/// The start of the first token after the first `separator` from `offset` on, past comments
/// and line breaks. The parser vouches for the separator and the token.
fn code_after(source: &str, offset: TextSize, separator: SimpleTokenKind) -> TextSize {
    let mut tokens = SimpleTokenizer::starts_at(offset, source).skip_trivia();
    tokens.find(|token| token.kind() == separator);
    tokens.next().map_or(offset, |token| token.start())
}

/// Remove the arguments at `indices` (in source order) from a call, with their commas.
pub fn remove_arguments(
    source: &SourceText,
    arguments: &ast::Arguments,
    indices: &[usize],
) -> Vec<Edit> {
    let ranges: Vec<TextRange> = arguments
        .iter_source_order()
        .map(|argument| argument.range())
        .collect();
    if indices.len() == ranges.len() {
        // Every argument: everything between the parentheses goes, unless a comment is there.
        let inner = inside_parentheses(arguments);
        if !source.slice(inner).contains('#') {
            return vec![Edit::delete(inner)];
        }
    }
    remove_list_items(source, &ranges, indices)
}

/// Remove `items[indices]` from a comma-separated list, with the commas that separate them,
/// keeping comments and line breaks.
fn remove_list_items(source: &SourceText, items: &[TextRange], indices: &[usize]) -> Vec<Edit> {
    let removed = |index: usize| indices.contains(&index);
    let mut edits = Vec::new();
    let mut index = 0;
    while index < items.len() {
        if !removed(index) {
            index += 1;
            continue;
        }
        // A run of removed items, `first..=last`.
        let first = index;
        while index + 1 < items.len() && removed(index + 1) {
            index += 1;
        }
        let last = index;
        index += 1;
        let kept_before = (0..first).rev().find(|i| !removed(*i));
        if let Some(next) = items.get(last + 1) {
            // `a, b, c` -> `c`: up to the comma after the run and the blanks after it.
            let gap = TextRange::new(items[last].end(), next.start());
            let span = TextRange::new(items[first].start(), next.start());
            let text = source.slice(gap);
            match text.find(',') {
                Some(comma) if !source.slice(span).contains('#') => {
                    let after = &text[comma + 1..];
                    let blanks = after.len() - after.trim_start_matches([' ', '\t']).len();
                    let end = items[last].end()
                        + TextSize::try_from(comma + 1 + blanks).expect("a short gap");
                    edits.push(Edit::delete(TextRange::new(items[first].start(), end)));
                }
                _ => edits
                    .extend((first..=last).flat_map(|i| item_and_comma_after(source, items, i))),
            }
        } else if let Some(span) = trailing_comma_end(source, items[last])
            .map(|end| TextRange::new(items[first].start(), end))
            .filter(|span| !source.slice(*span).contains('#'))
            .filter(|_| {
                !kept_before
                    .is_some_and(|previous| same_line(source, items[previous], items[first]))
            })
        {
            // One item a line, with a trailing comma: the run's lines, or the run and its
            // comma when a comment follows on its line.
            edits.push(whole_lines(source, span).unwrap_or_else(|| Edit::delete(span)));
        } else if let Some(previous) = kept_before {
            // `a, b, c` -> `a`: from the comma after the last kept item.
            let span = TextRange::new(items[previous].end(), items[last].end());
            let text = source.slice(span);
            match text.find(',') {
                Some(comma) if !text.contains('#') && !text.contains(['\n', '\r']) => {
                    let start =
                        items[previous].end() + TextSize::try_from(comma).expect("a short gap");
                    edits.push(Edit::delete(TextRange::new(start, items[last].end())));
                }
                _ => edits
                    .extend((first..=last).flat_map(|i| comma_before_and_item(source, items, i))),
            }
        }
    }
    edits
}

fn same_line(source: &SourceText, before: TextRange, after: TextRange) -> bool {
    !source
        .slice(TextRange::new(before.end(), after.start()))
        .contains(['\n', '\r'])
}

/// The end of the comma that follows `item` (and the blanks after it), if a comma does.
fn trailing_comma_end(source: &SourceText, item: TextRange) -> Option<TextSize> {
    let after = &source.text()[item.end().to_usize()..];
    let blanks = after.len() - after.trim_start_matches([' ', '\t']).len();
    after[blanks..].starts_with(',').then(|| {
        let rest = &after[blanks + 1..];
        let trailing_blanks = rest.len() - rest.trim_start_matches([' ', '\t']).len();
        item.end() + TextSize::try_from(blanks + 1 + trailing_blanks).expect("a short gap")
    })
}

/// The deletion of the whole lines of `range`, when nothing else is on them.
fn whole_lines(source: &SourceText, range: TextRange) -> Option<Edit> {
    source.indentation_before(range.start())?;
    let line_end = source.line_end(range.end());
    if !source
        .slice(TextRange::new(range.end(), line_end))
        .trim()
        .is_empty()
    {
        return None;
    }
    let newline = source.text()[line_end.to_usize()..]
        .chars()
        .take_while(|c| matches!(c, '\r' | '\n'))
        .take(2)
        .collect::<String>();
    let newline_len = if newline == "\r\n" {
        2
    } else {
        u32::from(!newline.is_empty())
    };
    Some(Edit::delete(TextRange::new(
        source.line_start(range.start()),
        line_end + TextSize::from(newline_len),
    )))
}

fn item_and_comma_after(source: &SourceText, items: &[TextRange], index: usize) -> Vec<Edit> {
    let mut edits = vec![Edit::delete(items[index])];
    if let Some(next) = items.get(index + 1)
        && let Some(comma) = source
            .slice(TextRange::new(items[index].end(), next.start()))
            .find(',')
    {
        let at = items[index].end() + TextSize::try_from(comma).expect("a short gap");
        edits.push(Edit::delete(TextRange::at(at, TextSize::from(1))));
    }
    edits
}

fn comma_before_and_item(source: &SourceText, items: &[TextRange], index: usize) -> Vec<Edit> {
    let mut edits = vec![Edit::delete(items[index])];
    if let Some(previous) = index.checked_sub(1).map(|i| items[i])
        && let Some(comma) = source
            .slice(TextRange::new(previous.end(), items[index].start()))
            .find(',')
    {
        let at = previous.end() + TextSize::try_from(comma).expect("a short gap");
        edits.push(Edit::delete(TextRange::at(at, TextSize::from(1))));
    }
    edits
}

/// Remove a whole simple statement. `body` is the block that holds it: a block cannot be
/// empty, so the only statement of a block becomes `pass`; so does a statement that shares
/// its line with another or with a comment (the comment is kept). `None` when a comment is
/// inside the statement (`from x import (a,  # why`): it would be lost.
pub fn remove_statement(source: &SourceText, stmt: &Stmt, body: &[Stmt]) -> Option<Edit> {
    if source.slice(stmt.range()).contains('#') {
        return None;
    }
    let lines = (body.len() > 1)
        .then(|| whole_lines(source, stmt.range()))
        .flatten();
    Some(lines.unwrap_or_else(|| Edit::replace(stmt.range(), "pass")))
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
    use crate::edit::{Fix, apply_fixes};

    /// `call` with the arguments at `indices` removed.
    fn without(call: &str, indices: &[usize]) -> String {
        let parsed = parse_expression(call).unwrap();
        let arguments = &parsed.expr().as_call_expr().unwrap().arguments;
        let source = SourceText::new(call);
        let fix = Fix::new(remove_arguments(&source, arguments, indices));
        apply_fixes(call, [&fix]).text
    }

    #[test]
    fn removes_arguments_with_their_commas() {
        assert_eq!(without("f(x, copy=False)", &[1]), "f(x)");
        assert_eq!(
            without("f(x, copy=False, order='C')", &[1]),
            "f(x, order='C')"
        );
        assert_eq!(without("f(x, copy=False, subok=True)", &[1, 2]), "f(x)");
        assert_eq!(
            without("f(x, copy=False, subok=True, order='C')", &[1, 2]),
            "f(x, order='C')"
        );
        assert_eq!(without("f(*x, copy=False, **y)", &[1]), "f(*x, **y)");
        assert_eq!(without("f(x, copy=False,)", &[1]), "f(x,)");
        assert_eq!(without("f(copy=False)", &[0]), "f()");
        assert_eq!(
            without("f(\n    x,  # the data\n    copy=False,\n)", &[1]),
            "f(\n    x,  # the data\n)"
        );
        assert_eq!(
            without("f(\n    x,\n    copy=False  # no copy\n)", &[1]),
            "f(\n    x\n      # no copy\n)"
        );
    }

    #[test]
    fn builtins_are_sorted_for_binary_search() {
        assert!(BUILTINS.windows(2).all(|pair| pair[0] < pair[1]));
        assert!(is_python_builtin("any"));
        assert!(!is_python_builtin("float64"));
    }
}
