//! Refusing sources nested too deeply to check. The parser grows its own stack, but the
//! semantic model, the rules and dropping the tree recurse once per level of nesting: a file of
//! a million `+1` or `[` would overflow any stack. CPython refuses such files too (too many
//! nested parentheses, or a recursion error while compiling), so they are reported, not checked.

use ruff_python_ast::token::{TokenKind, Tokens};
use ruff_python_ast::{Mod, ModModule, PySourceType};
use ruff_python_parser::{Parsed, parse_unchecked_source};
use ruff_text_size::{Ranged, TextSize};

/// CPython's tokenizer refuses a 200th nested bracket.
pub const MAX_BRACKETS: usize = 199;
/// CPython 3.11 fails to compile `x = 1+1+...` of 3,000 terms; real code stays far below.
pub const MAX_LEVELS: usize = 3_000;

/// Why a source is refused, and where its nesting first went past the limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TooDeep {
    pub message: String,
    pub offset: TextSize,
}

/// Parse `source`, unless its nesting is beyond what CPython accepts (then the tree, already
/// built by the parser, is dropped on a stack grown to its depth).
pub fn parse(source: &str, source_type: PySourceType) -> Result<Parsed<ModModule>, TooDeep> {
    let parsed = parse_unchecked_source(source, source_type);
    let nesting = Nesting::of(parsed.tokens());
    match nesting.refusal() {
        None => Ok(parsed),
        Some(too_deep) => {
            drop_deep(parsed.into_syntax(), nesting.levels);
            Err(too_deep)
        }
    }
}

/// Dropping a tree recurses once per level; give it a stack with room for every level.
fn drop_deep(syntax: ModModule, levels: usize) {
    const STACK_PER_LEVEL: usize = 1024;
    let tree = Mod::Module(syntax);
    stacker::grow(levels.saturating_mul(STACK_PER_LEVEL) + (1 << 20), || {
        drop(tree)
    });
}

/// How deeply a source nests, measured on its tokens in one pass.
#[derive(Debug, Default)]
struct Nesting {
    /// The deepest bracket nesting, and where it first went past the limit.
    brackets: usize,
    brackets_at: TextSize,
    /// The deepest estimated nesting of syntax nodes, and where it first went past the limit.
    levels: usize,
    levels_at: TextSize,
}

impl Nesting {
    /// Each operator, `.`, call, subscript or display adds a level to the expression it extends
    /// (a left-deep `a+1+1` is as deep as it has operators); a separator (`,`, `=`, `and`, `or`,
    /// end of statement) starts a sibling, back at the level of the enclosing bracket.
    fn of(tokens: &Tokens) -> Self {
        let mut nesting = Nesting::default();
        // Per open bracket: the levels of its own segment when it opened.
        let mut open: Vec<usize> = Vec::new();
        let (mut enclosing, mut segment, mut indent) = (0usize, 0usize, 0usize);
        for token in tokens {
            match token.kind() {
                TokenKind::Lpar
                | TokenKind::Lsqb
                | TokenKind::Lbrace
                | TokenKind::FStringStart
                | TokenKind::TStringStart => {
                    segment += 1;
                    open.push(segment);
                    enclosing += segment;
                    segment = 0;
                    if !matches!(
                        token.kind(),
                        TokenKind::FStringStart | TokenKind::TStringStart
                    ) {
                        let brackets = open.len();
                        if brackets == MAX_BRACKETS + 1 && nesting.brackets <= MAX_BRACKETS {
                            nesting.brackets_at = token.start();
                        }
                        nesting.brackets = nesting.brackets.max(brackets);
                    }
                }
                TokenKind::Rpar
                | TokenKind::Rsqb
                | TokenKind::Rbrace
                | TokenKind::FStringEnd
                | TokenKind::TStringEnd => {
                    if let Some(outer) = open.pop() {
                        enclosing -= outer;
                        segment = outer;
                    }
                }
                TokenKind::Comma
                | TokenKind::Semi
                | TokenKind::Equal
                | TokenKind::And
                | TokenKind::Or
                | TokenKind::Newline => segment = 0,
                TokenKind::Indent => indent += 1,
                TokenKind::Dedent => indent = indent.saturating_sub(1),
                kind if kind.is_operator() || kind.is_keyword() => segment += 1,
                _ => {}
            }
            let levels = indent + open.len() + enclosing + segment;
            if levels > MAX_LEVELS && nesting.levels <= MAX_LEVELS {
                nesting.levels_at = token.start();
            }
            nesting.levels = nesting.levels.max(levels);
        }
        nesting
    }

    fn refusal(&self) -> Option<TooDeep> {
        if self.brackets > MAX_BRACKETS {
            return Some(TooDeep {
                message: format!(
                    "too deeply nested to check: {} nested brackets (CPython's limit is {MAX_BRACKETS})",
                    self.brackets
                ),
                offset: self.brackets_at,
            });
        }
        (self.levels > MAX_LEVELS).then(|| TooDeep {
            message: format!(
                "too deeply nested to check: {} levels (CPython's limit is about {MAX_LEVELS})",
                self.levels
            ),
            offset: self.levels_at,
        })
    }
}
