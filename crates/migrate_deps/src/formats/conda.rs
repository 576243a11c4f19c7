//! conda's `environment.yml`, read with `saphyr-parser` (whose events carry their spans):
//! `dependencies` holds conda match specs (`numpy>=1.22,<2`, `conda-forge::numpy=1.26`) and a
//! `pip:` list of pip requirement lines.

use std::borrow::Cow;

use saphyr_parser::{Event, Parser, ScalarStyle, Span};

use super::requirements;
use crate::check::{Checker, Context, Site, Syntax};

/// A YAML node with the spans of its scalars.
enum Node<'a> {
    Scalar {
        value: Cow<'a, str>,
        span: Span,
        style: ScalarStyle,
    },
    Sequence(Vec<Node<'a>>),
    Mapping(Vec<(Node<'a>, Node<'a>)>),
    Other,
}

impl Node<'_> {
    fn as_str(&self) -> Option<&str> {
        match self {
            Node::Scalar { value, .. } => Some(value),
            _ => None,
        }
    }

    fn get(&self, key: &str) -> Option<&Self> {
        match self {
            Node::Mapping(entries) => entries
                .iter()
                .find(|(name, _)| name.as_str() == Some(key))
                .map(|(_, value)| value),
            _ => None,
        }
    }
}

struct Events<'a> {
    parser: Parser<'a, saphyr_parser::StrInput<'a>>,
}

impl<'a> Events<'a> {
    fn next(&mut self) -> Result<(Event<'a>, Span), String> {
        match self.parser.next_event() {
            Some(Ok(event)) => Ok(event),
            Some(Err(error)) => Err(format!(
                "not valid YAML: line {} column {}: {}",
                error.marker().line(),
                error.marker().col() + 1,
                error.info()
            )),
            None => Ok((Event::StreamEnd, Span::default())),
        }
    }

    /// The node that starts with `event`.
    fn node(&mut self, event: Event<'a>, span: Span) -> Result<Node<'a>, String> {
        Ok(match event {
            Event::Scalar(value, style, _, _) => Node::Scalar { value, span, style },
            Event::SequenceStart(..) => {
                let mut items = Vec::new();
                loop {
                    match self.next()? {
                        (Event::SequenceEnd, _) => break,
                        (Event::StreamEnd, _) => {
                            return Err("not valid YAML: unclosed sequence".into());
                        }
                        (event, span) => items.push(self.node(event, span)?),
                    }
                }
                Node::Sequence(items)
            }
            Event::MappingStart(..) => {
                let mut entries = Vec::new();
                loop {
                    let key = match self.next()? {
                        (Event::MappingEnd, _) => break,
                        (Event::StreamEnd, _) => {
                            return Err("not valid YAML: unclosed mapping".into());
                        }
                        (event, span) => self.node(event, span)?,
                    };
                    let (event, span) = self.next()?;
                    entries.push((key, self.node(event, span)?));
                }
                Node::Mapping(entries)
            }
            _ => Node::Other,
        })
    }
}

/// The first document of `text`.
fn document(text: &str) -> Result<Option<Node<'_>>, String> {
    let mut events = Events {
        parser: Parser::new_from_str(text),
    };
    loop {
        match events.next()? {
            (Event::StreamStart | Event::DocumentStart(_), _) => {}
            (Event::StreamEnd | Event::DocumentEnd, _) => return Ok(None),
            (event, span) => return events.node(event, span).map(Some),
        }
    }
}

pub fn environment(text: &str, base: usize, checker: &mut Checker<'_>) -> Result<(), String> {
    let Some(root) = document(text)? else {
        return Ok(());
    };
    let Some(Node::Sequence(dependencies)) = root.get("dependencies") else {
        return Ok(());
    };
    let chars = CharOffsets::new(text);
    for dependency in dependencies {
        if let Some(site) = scalar_site(text, &chars, dependency, base, Syntax::Conda) {
            checker.site(&site);
            continue;
        }
        let Some(Node::Sequence(pip)) = dependency.get("pip") else {
            continue;
        };
        for line in pip {
            let Some(value) = line.as_str() else {
                continue;
            };
            if value.trim_start().starts_with('-') {
                if let Some(path) = requirements::included(value.trim()) {
                    checker.include(path);
                }
            } else if let Some(site) = scalar_site(text, &chars, line, base, Syntax::Pep508) {
                checker.site(&site);
            }
        }
    }
    Ok(())
}

/// A scalar's value as a requirement, placed where its characters are in the file.
fn scalar_site<'n>(
    text: &str,
    chars: &CharOffsets,
    node: &'n Node<'_>,
    base: usize,
    syntax: Syntax<'n>,
) -> Option<Site<'n>> {
    let Node::Scalar { value, span, style } = node else {
        return None;
    };
    let start = chars.byte(span.start.index());
    let end = chars.byte(span.end.index());
    let raw = text.get(start..end).unwrap_or("");
    let quoted = matches!(style, ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted);
    let mut site = Site::new(value, base + start, syntax, Context::Runtime);
    if quoted && raw.len() >= 2 && raw.get(1..raw.len() - 1) == Some(value.as_ref()) {
        site.offset += 1;
    } else if raw != value.as_ref() {
        site.verbatim = false;
    }
    Some(site)
}

/// Byte offsets of character indices (the parser counts characters).
struct CharOffsets {
    /// `None` when the text is ASCII: then they are the same.
    bytes: Option<Vec<usize>>,
    len: usize,
}

impl CharOffsets {
    fn new(text: &str) -> Self {
        Self {
            bytes: (!text.is_ascii()).then(|| text.char_indices().map(|(at, _)| at).collect()),
            len: text.len(),
        }
    }

    fn byte(&self, index: usize) -> usize {
        match &self.bytes {
            None => index.min(self.len),
            Some(bytes) => bytes.get(index).copied().unwrap_or(self.len),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::{Kind, analyze, fix};

    const ENVIRONMENT: &str = "# Development environment ü\nname: demo\nchannels:\n  - conda-forge\n\
        dependencies:\n  - python=3.11\n  - numpy>=1.22,<2  # pinned for now\n  - \"pandas=1.5\"\n\
        \x20 - conda-forge::scipy 1.11.*\n  - 'matplotlib-base<3.8'\n  - pytables=3.8.0=py311h_0\n\
        \x20 - pip\n  - pip:\n      - -r requirements-pip.txt\n      - numba==0.59.1\n      - xarray\n";

    #[test]
    fn environment_files() {
        let analysis = analyze(Kind::Conda, ENVIRONMENT).unwrap();
        assert_eq!(
            super::super::positions(&analysis),
            [
                "7:5 NP301 *",
                "8:6 NP303 *",
                "9:18 NP303 *",
                "10:6 NP303 *",
                "11:5 NP303 *",
                "15:9 NP303 *"
            ]
        );
        assert_eq!(analysis.includes, ["requirements-pip.txt"]);
        let fixed = fix(Kind::Conda, ENVIRONMENT).unwrap();
        assert_eq!(
            fixed.text,
            ENVIRONMENT
                .replace("numpy>=1.22,<2", "numpy>=1.22")
                .replace("\"pandas=1.5\"", "\"pandas>=1.5\"")
                .replace("scipy 1.11.*", "scipy >=1.11")
                .replace("'matplotlib-base<3.8'", "'matplotlib-base'")
                .replace("numba==0.59.1", "numba==0.60.0")
                .replace("pytables=3.8.0=py311h_0", "pytables>=3.8.0")
        );
        assert!(fixed.remaining.findings.is_empty());
    }

    #[test]
    fn broken_yaml_is_an_error() {
        let error = analyze(Kind::Conda, "dependencies:\n  - [numpy\n").unwrap_err();
        assert!(error.starts_with("not valid YAML"), "{error}");
        assert!(analyze(Kind::Conda, "").unwrap().findings.is_empty());
    }
}
