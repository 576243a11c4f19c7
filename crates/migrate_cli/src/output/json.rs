//! `json` and `json-lines`: each finding as an object with Ruff's fields, so that tools that
//! read `ruff check --output-format json` read these too.

use std::io::{self, Write};
use std::path::Path;

use migrate_engine::source::Position;
use migrate_rules::rule_info;
use serde::Serializer;
use serde_json::{Value, json};

use super::{absolute_path, message_with_advice};
use crate::finding::Finding;
use crate::run::FileReport;

/// The array is written as the findings are turned into objects, one at a time: memory stays
/// that of the findings themselves.
pub fn json(out: &mut impl Write, reports: &[FileReport], cwd: &Path) -> io::Result<()> {
    serde_json::Serializer::pretty(&mut *out).collect_seq(objects(reports, cwd))?;
    writeln!(out)
}

pub fn json_lines(out: &mut impl Write, reports: &[FileReport], cwd: &Path) -> io::Result<()> {
    for finding in objects(reports, cwd) {
        serde_json::to_writer(&mut *out, &finding)?;
        writeln!(out)?;
    }
    Ok(())
}

/// `--statistics` with `--output-format json`: Ruff's fields.
pub fn statistics(out: &mut impl Write, reports: &[FileReport]) -> io::Result<()> {
    let rows: Vec<Value> = super::text::counts(reports)
        .into_iter()
        .map(|row| {
            json!({
                "code": row.code,
                "name": row.name,
                "count": row.count,
                "fixable": row.fixable == row.count,
                "fixable_count": row.fixable,
            })
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &rows)?;
    writeln!(out)
}

fn location(position: Position) -> Value {
    json!({ "row": position.line, "column": position.column })
}

fn objects<'r>(reports: &'r [FileReport], cwd: &'r Path) -> impl Iterator<Item = Value> + 'r {
    reports.iter().flat_map(move |report| {
        let filename = absolute_path(&report.path, cwd);
        report
            .findings
            .iter()
            .map(move |finding| object(finding, &filename))
    })
}

fn object(finding: &Finding, filename: &str) -> Value {
    let fix = finding.fix.as_ref().map(|fix| {
        let edits: Vec<Value> = fix
            .edits
            .iter()
            .map(|edit| {
                json!({
                    "content": edit.content,
                    "location": location(edit.start),
                    "end_location": location(edit.end),
                })
            })
            .collect();
        json!({
            "applicability": "safe",
            "edits": edits,
            "message": finding.help,
        })
    });
    json!({
        "cell": finding.cell,
        "code": finding.code,
        "end_location": location(finding.end),
        "filename": filename,
        "fix": fix,
        "location": location(finding.start),
        "message": message_with_advice(finding),
        "name": rule_info(finding.code).map(|info| info.name),
        "noqa_row": finding.start.line,
        "severity": "error",
        "url": null,
    })
}
