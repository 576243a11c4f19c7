//! `# noqa` comments: `# noqa` silences every finding on its line, `# noqa: A, B` those codes;
//! `# migrate: noqa` on a line of its own silences the whole file, `# migrate: noqa: A, B`
//! those codes in the whole file (as Ruff's `# ruff: noqa` does for Ruff).

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

impl Directive {
    fn covers(&self, code: &str, aliases: &[&str]) -> bool {
        match self {
            Directive::All => true,
            Directive::Codes(codes) => codes
                .iter()
                .any(|listed| listed == code || aliases.contains(&listed.as_str())),
        }
    }

    /// Both directives' codes (two file-wide comments add up).
    fn union(self, other: Directive) -> Directive {
        match (self, other) {
            (Directive::Codes(mut codes), Directive::Codes(more)) => {
                codes.extend(more);
                Directive::Codes(codes)
            }
            _ => Directive::All,
        }
    }
}

/// The `noqa` directives of one file: per zero-based line, and for the whole file.
#[derive(Debug, Default)]
pub struct NoqaDirectives {
    by_line: FxHashMap<usize, Directive>,
    file: Option<Directive>,
}

impl NoqaDirectives {
    pub fn from_tokens(tokens: &Tokens, source: &SourceText) -> Self {
        let mut directives = Self::default();
        for token in tokens
            .iter()
            .filter(|token| token.kind() == TokenKind::Comment)
        {
            let comment = source.slice(token.range());
            // Every directive says `noqa` (in any case); most comments do not.
            if !comment
                .as_bytes()
                .windows(4)
                .any(|word| word.eq_ignore_ascii_case(b"noqa"))
            {
                continue;
            }
            // A file-wide directive is a comment of its own, not one after code.
            let own_line = source.indentation_before(token.start()).is_some();
            if let Some(directive) = own_line.then(|| parse_file_directive(comment)).flatten() {
                directives.file = Some(match directives.file.take() {
                    Some(earlier) => earlier.union(directive),
                    None => directive,
                });
            } else if let Some(directive) = parse_directive(comment) {
                directives
                    .by_line
                    .insert(source.line_number(token.start()), directive);
            }
        }
        directives
    }

    /// Whether the file has no directive at all.
    pub fn is_empty(&self) -> bool {
        self.by_line.is_empty() && self.file.is_none()
    }

    /// Whether a finding of `code` on `line` is silenced; `aliases` are other codes that name
    /// the same finding (for `migrate`, Ruff's `NPY201`).
    pub fn suppresses(&self, line: usize, code: &str, aliases: &[&str]) -> bool {
        [self.file.as_ref(), self.by_line.get(&line)]
            .into_iter()
            .flatten()
            .any(|directive| directive.covers(code, aliases))
    }
}

/// `# migrate: noqa` or `# migrate: noqa: A, B` (the comment is the whole of it).
fn parse_file_directive(comment: &str) -> Option<Directive> {
    let rest = comment.strip_prefix('#')?.trim_start();
    let rest = rest.strip_prefix("migrate:")?.trim_start();
    parse_noqa(rest)
}

fn parse_directive(comment: &str) -> Option<Directive> {
    let offset = find_trailing_pragma_offset(comment)?;
    parse_noqa(comment[offset..].trim_start_matches('#').trim_start())
}

/// `noqa`, `noqa: A, B`, or `noqa` followed by prose.
fn parse_noqa(pragma: &str) -> Option<Directive> {
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

    #[test]
    fn parses_file_directives() {
        assert_eq!(
            parse_file_directive("# migrate: noqa"),
            Some(Directive::All)
        );
        assert_eq!(parse_file_directive("#migrate:NOQA"), Some(Directive::All));
        assert_eq!(
            parse_file_directive("# migrate: noqa: NP201,NP203"),
            Some(Directive::Codes(vec!["NP201".into(), "NP203".into()]))
        );
        assert_eq!(parse_file_directive("# ruff: noqa"), None);
        assert_eq!(parse_file_directive("# migrate: noqanother"), None);
        assert_eq!(parse_file_directive("# see migrate: noqa"), None);
    }

    fn directives(source: &str) -> NoqaDirectives {
        let parsed = ruff_python_parser::parse_module(source).unwrap();
        NoqaDirectives::from_tokens(parsed.tokens(), &SourceText::new(source))
    }

    #[test]
    fn a_file_directive_covers_every_line() {
        let all = directives("x = 1\n    # migrate: noqa\ny = 2\n");
        assert!(all.suppresses(0, "NP201", &[]));
        assert!(all.suppresses(2, "NP203", &[]));

        let codes = directives("# migrate: noqa: NP201\n# migrate: noqa: NPY201\nx = 1\n");
        assert!(codes.suppresses(2, "NP201", &[]));
        assert!(codes.suppresses(2, "NP211", &["NPY201"]));
        assert!(!codes.suppresses(2, "NP203", &[]));

        // After code, it is no directive at all.
        let trailing = directives("x = 1  # migrate: noqa\ny = 2\n");
        assert!(!trailing.suppresses(0, "NP201", &[]));
        assert!(!trailing.suppresses(1, "NP201", &[]));
    }
}
