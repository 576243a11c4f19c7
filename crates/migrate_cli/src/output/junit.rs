//! `junit`: JUnit XML, as CI systems show test results: a test suite per file with findings,
//! a failing test case per finding (the layout of Ruff's).

use std::io::{self, Write};
use std::path::Path;

use super::{absolute_path, message_with_advice, visible};
use crate::run::FileReport;

pub fn junit(out: &mut impl Write, reports: &[FileReport], cwd: &Path) -> io::Result<()> {
    let with_findings: Vec<&FileReport> = reports
        .iter()
        .filter(|report| !report.findings.is_empty())
        .collect();
    let total: usize = with_findings
        .iter()
        .map(|report| report.findings.len())
        .sum();
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    if total == 0 {
        // A suite with one passing case, so that the report says the check ran.
        writeln!(
            out,
            r#"<testsuites name="migrate" tests="1" skipped="0" failures="0" errors="0">"#
        )?;
        writeln!(
            out,
            r#"    <testsuite name="migrate" tests="1" skipped="0" errors="0" failures="0">"#
        )?;
        writeln!(
            out,
            r#"        <testcase name="No issues found" classname="migrate"/>"#
        )?;
        writeln!(out, "    </testsuite>")?;
        return writeln!(out, "</testsuites>");
    }
    writeln!(
        out,
        r#"<testsuites name="migrate" tests="{total}" skipped="0" failures="{total}" errors="0">"#
    )?;
    for report in with_findings {
        let file = absolute_path(&report.path, cwd);
        let classname = file
            .strip_suffix(".pyi")
            .or_else(|| file.strip_suffix(".py"))
            .unwrap_or(&file);
        let count = report.findings.len();
        writeln!(
            out,
            r#"    <testsuite name="{}" tests="{count}" skipped="0" errors="0" failures="{count}" package="org.migrate">"#,
            escape(&file)
        )?;
        for finding in &report.findings {
            let message = message_with_advice(finding);
            let (line, column) = (finding.start.line, finding.start.column);
            writeln!(
                out,
                r#"        <testcase name="org.migrate.{}" classname="{}" line="{line}" column="{column}">"#,
                finding.code,
                escape(classname)
            )?;
            writeln!(
                out,
                r#"            <failure message="{}">line {line}, col {column}, {}</failure>"#,
                escape(&message),
                escape(&message)
            )?;
            writeln!(out, "        </testcase>")?;
        }
        writeln!(out, "    </testsuite>")?;
    }
    writeln!(out, "</testsuites>")
}

/// Text for XML attributes and content (controls, which XML 1.0 cannot carry even escaped, are
/// spelled out).
fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in visible(text).chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&apos;"),
            '\n' => escaped.push_str("&#10;"),
            c => escaped.push(c),
        }
    }
    escaped
}
