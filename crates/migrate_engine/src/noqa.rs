//! `# noqa` comments: `# noqa` silences every finding on its line, `# noqa: A, B` those codes.

use ruff_python_ast::token::{TokenKind, Tokens};
use ruff_python_trivia::find_trailing_pragma_offset;
use ruff_text_size::Ranged;
use rustc_hash::FxHashMap;

use crate::source::SourceText;

#[derive(Debug, PartialEq, Eq)]
enum Directive {
    All,
    Codes(Vec<String>),
}

/// The `noqa` directives of one file, by zero-based line.
#[derive(Debug, Default)]
pub struct NoqaDirectives {
    by_line: FxHashMap<usize, Directive>,
}

impl NoqaDirectives {
    pub fn from_tokens(tokens: &Tokens, source: &SourceText) -> Self {
        let mut by_line = FxHashMap::default();
        for token in tokens
            .iter()
            .filter(|token| token.kind() == TokenKind::Comment)
        {
            if let Some(directive) = parse_directive(source.slice(token.range())) {
                by_line.insert(source.line_number(token.range().start()), directive);
            }
        }
        Self { by_line }
    }

    /// Whether a finding of `code` on `line` is silenced; `aliases` are other codes that name
    /// the same finding (for `migrate`, Ruff's `NPY201`).
    pub fn suppresses(&self, line: usize, code: &str, aliases: &[&str]) -> bool {
        match self.by_line.get(&line) {
            None => false,
            Some(Directive::All) => true,
            Some(Directive::Codes(codes)) => codes
                .iter()
                .any(|listed| listed == code || aliases.contains(&listed.as_str())),
        }
    }
}

fn parse_directive(comment: &str) -> Option<Directive> {
    let offset = find_trailing_pragma_offset(comment)?;
    let pragma = comment[offset..].trim_start_matches('#').trim_start();
    let rest = pragma
        .get(..4)
        .filter(|word| word.eq_ignore_ascii_case("noqa"))?;
    let rest = &pragma[rest.len()..];
    let Some(codes) = rest.strip_prefix(':') else {
        // `# noqa` alone, or followed by prose: every code.
        return rest
            .chars()
            .next()
            .is_none_or(char::is_whitespace)
            .then_some(Directive::All);
    };
    let codes: Vec<String> = codes
        .split(|c: char| c == ',' || c.is_whitespace())
        .take_while(|word| word.is_empty() || is_code(word))
        .filter(|word| !word.is_empty())
        .map(str::to_owned)
        .collect();
    Some(if codes.is_empty() {
        Directive::All
    } else {
        Directive::Codes(codes)
    })
}

fn is_code(word: &str) -> bool {
    let letters = word.chars().take_while(char::is_ascii_uppercase).count();
    letters > 0 && letters < word.len() && word[letters..].chars().all(|c| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_forms_ruff_accepts() {
        assert_eq!(parse_directive("# noqa"), Some(Directive::All));
        assert_eq!(parse_directive("# NOQA"), Some(Directive::All));
        assert_eq!(
            parse_directive("# noqa: NP201, NPY201"),
            Some(Directive::Codes(vec!["NP201".into(), "NPY201".into()]))
        );
        assert_eq!(
            parse_directive("#noqa:NP201 E501 because"),
            Some(Directive::Codes(vec!["NP201".into(), "E501".into()]))
        );
        assert_eq!(
            parse_directive("# keep this # noqa: NP201"),
            Some(Directive::Codes(vec!["NP201".into()]))
        );
        assert_eq!(parse_directive("# noqanother"), None);
        assert_eq!(parse_directive("# a comment"), None);
    }
}
