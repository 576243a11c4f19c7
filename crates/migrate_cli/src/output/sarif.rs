//! `sarif`: a SARIF 2.1.0 log, as code scanning services read it: one run, the rules
//! described, each finding a result with its region and its fix.

use std::io::{self, Write};
use std::path::Path;

use migrate_engine::source::Position;
use migrate_rules::RULES;
use serde::{Serialize, Serializer};
use serde_json::{Value, json};

use super::{absolute_path, message_with_advice};
use crate::finding::Finding;
use crate::run::FileReport;

/// The log is written as the results are made, one at a time: memory stays that of the
/// findings themselves. Fields are declared in the order `json!` (a sorted map) wrote them.
pub fn sarif(out: &mut impl Write, reports: &[FileReport], cwd: &Path) -> io::Result<()> {
    let log = Log {
        schema: "https://json.schemastore.org/sarif-2.1.0.json",
        runs: [Run {
            results: Results { reports, cwd },
            tool: json!({
                "driver": {
                    "name": "migrate",
                    "version": env!("CARGO_PKG_VERSION"),
                    "rules": rules(),
                },
            }),
        }],
        version: "2.1.0",
    };
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}

#[derive(Serialize)]
struct Log<'r> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    runs: [Run<'r>; 1],
    version: &'static str,
}

#[derive(Serialize)]
struct Run<'r> {
    results: Results<'r>,
    tool: Value,
}

/// The results of the findings, serialized as they are made.
struct Results<'r> {
    reports: &'r [FileReport],
    cwd: &'r Path,
}

impl Serialize for Results<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.reports.iter().flat_map(|report| {
            let uri = file_uri(&absolute_path(&report.path, self.cwd));
            report
                .findings
                .iter()
                .map(move |finding| result(finding, &uri))
        }))
    }
}

fn rules() -> Vec<Value> {
    RULES
        .iter()
        .map(|rule| {
            json!({
                "id": rule.code,
                "name": rule.name,
                "shortDescription": { "text": rule.summary },
                "fullDescription": { "text": rule.summary },
                "defaultConfiguration": { "level": "error" },
                "properties": { "name": rule.name },
            })
        })
        .collect()
}

fn result(finding: &Finding, uri: &str) -> Value {
    let mut result = json!({
        "ruleId": finding.code,
        "ruleIndex": RULES.iter().position(|rule| rule.code == finding.code),
        "level": "error",
        "message": { "text": message_with_advice(finding) },
        "locations": [{
            "physicalLocation": {
                "artifactLocation": { "uri": uri },
                "region": region(finding.start, finding.end),
            },
        }],
    });
    if let Some(fix) = &finding.fix {
        let replacements: Vec<Value> = fix
            .edits
            .iter()
            .map(|edit| {
                json!({
                    "deletedRegion": region(edit.start, edit.end),
                    "insertedContent": { "text": edit.content },
                })
            })
            .collect();
        result["fixes"] = json!([{
            "description": { "text": finding.help.as_deref().unwrap_or(&finding.message) },
            "artifactChanges": [{
                "artifactLocation": { "uri": uri },
                "replacements": replacements,
            }],
        }]);
    }
    result
}

/// SARIF regions count lines and columns from 1 and end after the last character, as the
/// positions of findings do.
fn region(start: Position, end: Position) -> Value {
    json!({
        "startLine": start.line,
        "startColumn": start.column,
        "endLine": end.line,
        "endColumn": end.column,
    })
}

/// A `file:` URI for an absolute path, percent-encoding what a URI path cannot hold.
fn file_uri(path: &str) -> String {
    if !path.starts_with('/') {
        // Standard input: a relative reference.
        return path.to_string();
    }
    let mut uri = String::from("file://");
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            uri.push(char::from(byte));
        } else {
            uri.push_str(&format!("%{byte:02X}"));
        }
    }
    uri
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_uris_are_encoded() {
        assert_eq!(file_uri("/a b/ü.py"), "file:///a%20b/%C3%BC.py");
        assert_eq!(file_uri("-"), "-");
    }
}
