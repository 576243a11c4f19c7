//! `github`: one GitHub Actions workflow command per finding, which GitHub shows as an
//! annotation on the line (in the form Ruff prints).

use std::io::{self, Write};
use std::path::Path;

use super::{absolute_path, shown_path};
use crate::run::FileReport;

pub fn annotations(out: &mut impl Write, reports: &[FileReport], cwd: &Path) -> io::Result<()> {
    for report in reports {
        let file = absolute_path(&report.path, cwd);
        for finding in &report.findings {
            let mut message = format!(
                "{}:{}: {} {}",
                shown_path(&report.path),
                finding.location(),
                finding.code,
                finding.message
            );
            if let Some(help) = &finding.help {
                message.push_str(&format!("\n  help: {help}"));
            }
            writeln!(
                out,
                "::error title={},file={},line={},col={},endLine={},endColumn={}::{}",
                escape_property(&format!("migrate ({})", finding.code)),
                escape_property(&file),
                finding.start.line,
                finding.start.column,
                finding.end.line,
                finding.end.column,
                escape_data(&message)
            )?;
        }
    }
    Ok(())
}

/// The message of a workflow command: `%`, CR and LF are encoded.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A property of a workflow command: also `:` and `,`, which separate properties.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workflow_command_escapes() {
        assert_eq!(escape_data("50% done\r\nnext"), "50%25 done%0D%0Anext");
        assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
    }
}
