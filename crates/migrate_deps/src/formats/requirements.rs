//! pip requirements files: one requirement a line, `#` comments, `\` continuations, options
//! (`-r`/`-c` includes, `--hash`, `-e`, `--index-url`, ...). Lines that are not PEP 508
//! requirements (paths, URLs, options) are passed over, as are requirements with URLs.

use crate::check::{Checker, Context, Locked, Site, Syntax};
use crate::constraint::Op;

pub fn requirements(text: &str, base: usize, checker: &mut Checker<'_>) {
    for line in logical_lines(text) {
        let first = line[0];
        let content = without_comment(first.1);
        let trimmed_start = content.len() - content.trim_start().len();
        let content = content.trim();
        if content.is_empty() {
            continue;
        }
        let offset = base + first.0 + trimmed_start;
        if content.starts_with('-') {
            if let Some(path) = included(content) {
                checker.include(path);
            }
            continue;
        }
        // Options after the requirement (`--hash=...`) start with whitespace and a dash.
        let end = content
            .char_indices()
            .find(|(at, c)| c.is_whitespace() && content[at + 1..].trim_start().starts_with('-'))
            .map_or(content.len(), |(at, _)| at);
        let requirement = content[..end].trim_end();
        let hashed = line
            .iter()
            .any(|(_, part)| without_comment(part).contains("--hash"));
        if hashed && let Some(locked) = locked(requirement, offset) {
            checker.locked(&locked);
            continue;
        }
        checker.site(&Site::new(
            requirement,
            offset,
            Syntax::Pep508,
            Context::Runtime,
        ));
    }
}

/// A requirement pinned with hashes (`numpy==1.26.4 --hash=sha256:...`, as `pip-compile
/// --generate-hashes` writes them): a locked version, for the tool that wrote the file to update.
fn locked(requirement: &str, offset: usize) -> Option<Locked<'_>> {
    let parsed = crate::requirement::parse(requirement)?;
    let [piece] = parsed.constraint.clauses.first()?.as_slice() else {
        return None;
    };
    if piece.op != Op::Eq {
        return None;
    }
    let name = &requirement[parsed.name_range.clone()];
    Some(Locked {
        name,
        version: &requirement[piece.version_range.clone()],
        range: offset + parsed.name_range.start..offset + requirement.len(),
        marker: Some(parsed.marker),
        how: format!(
            "regenerate this hash-pinned file with the tool that wrote it \
             (`pip-compile --upgrade-package {name}`, `uv pip compile --upgrade-package {name}`)"
        ),
    })
}

/// The physical lines of each logical line (joined by a trailing `\`), each with its offset
/// and without its line ending and backslash.
fn logical_lines(text: &str) -> Vec<Vec<(usize, &str)>> {
    let mut lines = Vec::new();
    let mut current: Vec<(usize, &str)> = Vec::new();
    let mut offset = 0;
    for physical in text.split_inclusive('\n') {
        let line = physical.trim_end_matches(['\n', '\r']);
        let continued = line.ends_with('\\')
            && !without_comment(line).is_empty()
            && !line.trim_start().starts_with('#');
        current.push((
            offset,
            line.strip_suffix('\\')
                .filter(|_| continued)
                .unwrap_or(line),
        ));
        offset += physical.len();
        if !continued {
            lines.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        lines.push(current);
    }
    lines
}

/// `line` up to a comment: `#` at its start or after whitespace.
fn without_comment(line: &str) -> &str {
    let mut previous = ' ';
    for (at, c) in line.char_indices() {
        if c == '#' && previous.is_whitespace() {
            return &line[..at];
        }
        previous = c;
    }
    line
}

/// The file of `-r FILE`, `-rFILE`, `--requirement FILE`, `--requirement=FILE`, and the same
/// for constraints (`-c`, `--constraint`).
pub(super) fn included(option: &str) -> Option<&str> {
    let long = ["--requirement", "--constraint"]
        .iter()
        .find_map(|flag| option.strip_prefix(flag));
    let rest = match long {
        Some(rest) if rest.starts_with(['=', ' ', '\t']) => rest,
        Some(_) => return None,
        None => ["-r", "-c"]
            .iter()
            .find_map(|flag| option.strip_prefix(flag))?,
    };
    let path = rest
        .trim_start_matches('=')
        .trim()
        .trim_matches(['"', '\'']);
    (!path.is_empty()).then_some(path)
}

#[cfg(test)]
mod tests {
    use crate::{Kind, analyze, fix};

    const REQUIREMENTS: &str = "# Runtime\r\n\
        -r base.txt\r\n\
        --constraint=constraints.txt\r\n\
        --index-url https://pypi.org/simple\r\n\
        -e .\r\n\
        ./vendored/pkg\r\n\
        numpy>=1.22,<2  # not yet\r\n\
        pandas==1.5.3 ; python_version >= \"3.9\"\r\n\
        scipy==1.11.4 \\\r\n    --hash=sha256:0123\r\n\
        numexpr<2.10 --global-option=build\r\n\
        matplotlib<3.8 # noqa: NP303\r\n\
        requests @ https://example.org/requests.whl\r\n";

    #[test]
    fn requirements_files() {
        let analysis = analyze(Kind::Requirements, REQUIREMENTS).unwrap();
        assert_eq!(analysis.includes, ["base.txt", "constraints.txt"]);
        assert_eq!(
            super::super::positions(&analysis),
            ["7:1 NP301 *", "8:1 NP303 *", "9:1 NP304", "11:1 NP303 *"]
        );
        assert!(
            analysis.findings[2]
                .help
                .as_ref()
                .unwrap()
                .contains("pip-compile --upgrade-package scipy")
        );

        let fixed = fix(Kind::Requirements, REQUIREMENTS).unwrap();
        assert_eq!(
            fixed.text,
            REQUIREMENTS
                .replace("numpy>=1.22,<2  #", "numpy>=1.22  #")
                .replace("pandas==1.5.3 ;", "pandas==2.2.2 ;")
                .replace("numexpr<2.10 --", "numexpr --")
        );
        assert_eq!(fixed.remaining.findings.len(), 1);
    }

    #[test]
    fn include_forms() {
        use super::included;
        assert_eq!(included("-r base.txt"), Some("base.txt"));
        assert_eq!(included("-rbase.txt"), Some("base.txt"));
        assert_eq!(included("--requirement=base.txt"), Some("base.txt"));
        assert_eq!(included("--requirement 'a b.txt'"), Some("a b.txt"));
        assert_eq!(included("-c c.txt"), Some("c.txt"));
        assert_eq!(included("--constraints-x"), None);
        assert_eq!(included("-e ."), None);
        assert_eq!(included("--index-url x"), None);
    }
}
