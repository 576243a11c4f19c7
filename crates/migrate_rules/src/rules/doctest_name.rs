use memchr::memmem;
use migrate_engine::ast::visitor::{Visitor, walk_expr};
use migrate_engine::ast::{self as ast, Expr, ExprContext, PySourceType};
use migrate_engine::checker::{Checker, Rule};
use migrate_engine::diagnostic::Diagnostic;
use migrate_engine::edit::{Edit, Fix};
use migrate_engine::nesting;
use migrate_engine::prefilter::{Atom, Triggers};
use migrate_engine::text_size::{Ranged, TextRange, TextSize};

use crate::naming::{self, display};
use crate::table::{self, tables};

/// ## What it does
/// Finds names that NumPy 2 removed or moved in the code of doctest examples (`>>>` and
/// `...` lines of docstrings), where `np` or `numpy` is NumPy.
///
/// ## Why is this bad?
/// Doctests run the examples: `>>> np.float_(1)` fails on NumPy 2, and documentation that
/// shows removed names misleads readers.
///
/// ## Example
/// ```python
/// def half(x):
///     """
///     >>> half(np.float_(3))
///     1.5
///     """
/// ```
///
/// Use instead:
/// ```python
/// def half(x):
///     """
///     >>> half(np.float64(3))
///     1.5
///     """
/// ```
///
/// ## Fix
/// Renames and moves within NumPy (`np.float_` → `np.float64`, `np.core.numeric.x` →
/// `np.x`) are fixed in place when the docstring spells its text byte for byte (no escape
/// sequences); other findings are reported. Expected outputs are not changed: check them
/// with your doctest runner (NumPy 2 also changed scalar reprs, `np.float64(1.5)`).
pub struct DoctestName;

pub const CODE: &str = "NP221";

impl Rule for DoctestName {
    fn code(&self) -> &'static str {
        CODE
    }

    fn noqa_aliases(&self) -> &'static [&'static str] {
        &["NPY201"]
    }

    fn triggers(&self) -> Option<Triggers> {
        Some(Triggers::any(vec![Atom::Where(
            ">>>".into(),
            spells_listed_name,
        )]))
    }

    fn expr<'a>(&self, checker: &mut Checker<'a>, expr: &'a Expr) {
        let Expr::StringLiteral(string) = expr else {
            return;
        };
        let is_statement = matches!(checker.parent(), Some(ast::AnyNodeRef::StmtExpr(_)));
        let value = string.value.to_str();
        if !is_statement || !value.contains(">>>") {
            return;
        }
        // Offsets in the value are offsets in the file when the source spells the value.
        let content = string
            .as_single_part_string()
            .map(ast::StringLiteral::content_range)
            .filter(|range| checker.source().slice(*range) == value);
        for example in examples(value) {
            for found in removed_names(&example.code) {
                let file_range =
                    content.map(|content| example.to_value(found.range) + content.start());
                let row = found.row;
                let message = format!(
                    "`{}` in a doctest {}",
                    display(&row.path),
                    naming::lifecycle(row.deprecated, row.removed)
                );
                let diagnostic =
                    Diagnostic::new(CODE, message, file_range.unwrap_or(string.range()));
                let diagnostic = match (file_range, found.replacement) {
                    (Some(range), Some(replacement)) => {
                        let help = format!("Replace with `{replacement}`");
                        diagnostic
                            .with_fix(Fix::edit(Edit::replace(range, replacement)))
                            .with_help(help)
                    }
                    _ => match &row.message {
                        Some(message) => diagnostic.with_help(message.clone()),
                        None => diagnostic,
                    },
                };
                checker.report(diagnostic);
            }
        }
    }
}

/// The code of one doctest example, and where each of its lines sits in the docstring.
struct Example {
    code: String,
    /// For each line of `code`: its start in `code` and in the docstring's value.
    lines: Vec<(usize, usize)>,
}

impl Example {
    fn to_value(&self, range: TextRange) -> TextRange {
        let start = range.start().to_usize();
        let (code_start, value_start) = self
            .lines
            .iter()
            .rev()
            .find(|(code_start, _)| *code_start <= start)
            .copied()
            .unwrap_or_default();
        let offset = value_start + (start - code_start);
        TextRange::at(
            TextSize::try_from(offset).expect("a docstring under 4 GiB"),
            range.len(),
        )
    }
}

/// The examples of a docstring: a `>>> ` line and the `... ` lines that continue it.
fn examples(value: &str) -> Vec<Example> {
    let mut examples: Vec<Example> = Vec::new();
    let mut offset = 0;
    for line in lines_with_endings(value) {
        let text = line.trim_end_matches(['\n', '\r']);
        let indent = text.len() - text.trim_start().len();
        let rest = &text[indent..];
        let prompt = [">>> ", "... "]
            .into_iter()
            .find(|prompt| rest.starts_with(prompt));
        let bare = rest == ">>>" || rest == "...";
        if let Some(prompt) = prompt.or(bare.then_some("")) {
            let code = if bare { "" } else { &rest[prompt.len()..] };
            let value_start = offset + indent + prompt.len();
            if rest.starts_with(">>>") || examples.is_empty() {
                examples.push(Example {
                    code: String::new(),
                    lines: Vec::new(),
                });
            }
            let example = examples.last_mut().expect("pushed above");
            example.lines.push((example.code.len(), value_start));
            example.code.push_str(code);
            example.code.push('\n');
        }
        offset += line.len();
    }
    examples
}

/// The lines of `text` with their endings: `\n`, `\r\n` or `\r`, as Python reads a source
/// (a docstring's value keeps the source's line endings; a lone `\r` ends a line too).
fn lines_with_endings(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let end = match rest.find(['\n', '\r']) {
            Some(at) if rest[at..].starts_with("\r\n") => at + 2,
            Some(at) => at + 1,
            None => rest.len(),
        };
        let (line, after) = rest.split_at(end);
        rest = after;
        Some(line)
    })
}

struct Found {
    range: TextRange,
    row: &'static table::NameRow,
    /// The replacement text, for renames within NumPy.
    replacement: Option<String>,
}

/// Chains `np.<removed name>` (or `numpy.`) in an example's code.
fn removed_names(code: &str) -> Vec<Found> {
    let Ok(parsed) = nesting::parse(code, PySourceType::Python) else {
        return Vec::new();
    };
    if !parsed.errors().is_empty() {
        return Vec::new();
    }
    let mut finder = Finder {
        code,
        found: Vec::new(),
    };
    finder.visit_body(&parsed.syntax().body);
    finder.found
}

struct Finder<'c> {
    code: &'c str,
    found: Vec<Found>,
}

/// Whether `source` (which has examples, `>>>` at `prompts`) spells a listed name from `np` or
/// `numpy` as one word (`np.float_`) on a line of an example, as the rule reports it. A line
/// of an example is read loosely: whatever follows a `>>>` or `...` on its line in the source
/// (the prompt may come after the quotes that open the string, or an escaped line break).
fn spells_listed_name(source: &str, prompts: &[usize]) -> bool {
    let continuations: Vec<usize> = memmem::find_iter(source.as_bytes(), "...").collect();
    let mut starts: Vec<usize> = prompts.iter().copied().chain(continuations).collect();
    starts.sort_unstable();
    let mut scanned_to = 0;
    starts.into_iter().any(|start| {
        if start < scanned_to {
            return false;
        }
        scanned_to = source[start..]
            .find(['\n', '\r'])
            .map_or(source.len(), |end| start + end);
        spells_listed_name_in(&source[start..scanned_to])
    })
}

fn spells_listed_name_in(code: &str) -> bool {
    let is_identifier_char = |c: char| c.is_alphanumeric() || c == '_';
    let tables = tables();
    let mut path = String::new();
    ["np.", "numpy."].iter().any(|base| {
        code.match_indices(base).any(|(start, _)| {
            if code[..start]
                .chars()
                .next_back()
                .is_some_and(is_identifier_char)
            {
                return false;
            }
            let rest = &code[start + base.len()..];
            let chain = &rest[..rest
                .find(|c: char| !is_identifier_char(c) && c != '.')
                .unwrap_or(rest.len())];
            chain
                .match_indices('.')
                .map(|(dot, _)| dot)
                .chain([chain.len()])
                .any(|end| {
                    path.clear();
                    path.push_str("numpy.");
                    path.push_str(&chain[..end]);
                    tables.name(&path).is_some_and(|row| row.module.is_none())
                        || tables.private_module(&path).is_some()
                })
        })
    })
}

impl Finder<'_> {
    /// The chain's base name and attributes, if it is `np.a.b` or `numpy.a.b`.
    fn chain(expr: &Expr) -> Option<(&str, Vec<&Expr>)> {
        let mut links = vec![expr];
        let mut current = expr;
        while let Expr::Attribute(attribute) = current {
            current = &attribute.value;
            links.push(current);
        }
        let Expr::Name(base) = current else {
            return None;
        };
        links.reverse();
        matches!(base.id.as_str(), "np" | "numpy").then_some((base.id.as_str(), links))
    }
}

impl<'a> Visitor<'a> for Finder<'_> {
    fn visit_expr(&mut self, expr: &'a Expr) {
        let Expr::Attribute(attribute) = expr else {
            walk_expr(self, expr);
            return;
        };
        if attribute.ctx != ExprContext::Load {
            walk_expr(self, expr);
            return;
        }
        let Some((base, links)) = Self::chain(expr) else {
            walk_expr(self, expr);
            return;
        };
        let mut path = "numpy".to_string();
        let mut paths = vec![path.clone()];
        for link in &links[1..] {
            path.push('.');
            path.push_str(&link.as_attribute_expr().expect("links are attributes").attr);
            paths.push(path.clone());
        }
        // The longest listed prefix.
        // Written as one word (`np.float_`, not `np . float_`), as the prefilter looks for it.
        let spelled = |index: usize| {
            let written = &self.code
                [links[0].range().start().to_usize()..links[index].range().end().to_usize()];
            written.strip_prefix(base) == paths[index].strip_prefix("numpy")
        };
        if let Some((index, row)) = paths
            .iter()
            .enumerate()
            .rev()
            .find_map(|(i, path)| Some((i, tables().name(path)?)))
            .filter(|(index, _)| spelled(*index))
        {
            let replacement = match row.fix() {
                Some(table::Fix::Replace(new)) if row.fix_since.is_none() => new
                    .strip_prefix("numpy.")
                    .map(|rest| format!("{base}.{rest}")),
                _ => None,
            };
            self.found.push(Found {
                range: links[index].range(),
                row,
                replacement,
            });
        }
        // The chain's own links are done; its other children are not chains.
    }
}

#[cfg(test)]
mod tests {
    use super::examples;

    #[test]
    fn examples_end_at_any_line_break() {
        // Found by fuzzing: after a lone `\r` (a line break to Python), a blank line ends the
        // example, and what follows is prose, not code.
        let found = examples(">>> x = 1\r\rnumpy.bytes0\r>>> z\n");
        let codes: Vec<&str> = found.iter().map(|example| example.code.as_str()).collect();
        assert_eq!(codes, ["x = 1\n", "z\n"]);
        let found = examples(">>> a(\r\n... b)\r\n");
        assert_eq!(found[0].code, "a(\nb)\n");
        assert_eq!(found[0].lines, [(0, 4), (3, 12)]);
    }
}
