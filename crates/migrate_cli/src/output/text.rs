//! The human-readable formats, laid out as Ruff's: `concise`, `full` (a code frame and the fix
//! as a diff), the `--statistics` table, the `--show-fixes` list and the summary.

use std::collections::BTreeMap;
use std::io::{self, Write};

use migrate_rules::rule_info;

use super::style::{self, Paint};
use super::{Summary, shown_path};
use crate::args::Mode;
use crate::finding::{DiffLine, Finding};
use crate::run::FileReport;

pub fn concise(out: &mut impl Write, report: &FileReport, paint: &Paint) -> io::Result<()> {
    let path = shown_path(&report.path);
    for finding in &report.findings {
        write!(
            out,
            "{}:{}: {}{} {}",
            paint.paint(style::EMPHASIS, &path),
            finding.location(),
            paint.paint(style::CODE, finding.code),
            fix_mark(finding, paint),
            finding.message
        )?;
        match &finding.help {
            Some(help) => writeln!(out, ". {help}")?,
            None => writeln!(out)?,
        }
    }
    Ok(())
}

fn fix_mark(finding: &Finding, paint: &Paint) -> String {
    if finding.fixable {
        format!(" [{}]", paint.paint(style::FIXABLE, "*"))
    } else {
        String::new()
    }
}

/// Each finding with the lines around it, the part it covers underlined, its advice, and its
/// fix as a diff.
pub fn full(out: &mut impl Write, report: &FileReport, paint: &Paint) -> io::Result<()> {
    for finding in &report.findings {
        writeln!(
            out,
            "{}{} {}",
            paint.paint(style::CODE, finding.code),
            fix_mark(finding, paint),
            paint.paint(style::EMPHASIS, &finding.message)
        )?;
        frame(out, report, finding, paint)?;
        if let Some(help) = &finding.help {
            writeln!(out, "{} {help}", paint.paint(style::HELP, "help:"))?;
        }
        if let Some(fix) = &finding.fix {
            fix_diff(out, &fix.hunks, paint)?;
        }
        writeln!(out)?;
    }
    Ok(())
}

/// ` --> path:line:col`, then the lines around the finding with its first line underlined.
fn frame(
    out: &mut impl Write,
    report: &FileReport,
    finding: &Finding,
    paint: &Paint,
) -> io::Result<()> {
    let frame = &finding.frame;
    let last = frame.first + frame.lines.len().saturating_sub(1);
    let width = last.max(frame.line).to_string().len();
    let gutter = |number: Option<usize>| {
        let number = number.map_or(String::new(), |number| number.to_string());
        paint.paint(style::GUTTER, format!("{number:>width$} |"))
    };
    writeln!(
        out,
        "{:width$}{} {}:{}",
        "",
        paint.paint(style::GUTTER, "-->"),
        shown_path(&report.path),
        finding.location()
    )?;
    writeln!(out, "{}", gutter(None))?;
    for (number, text) in (frame.first..).zip(&frame.lines) {
        writeln!(out, "{}", with_text(gutter(Some(number)), text))?;
        if number == frame.line {
            writeln!(
                out,
                "{} {}{}",
                gutter(None),
                frame.lead,
                paint.paint(style::UNDERLINE, "^".repeat(frame.width))
            )?;
        }
    }
    if last > frame.line {
        writeln!(out, "{}", gutter(None))?;
    }
    Ok(())
}

/// The lines a fix changes, with a line around each change, hunks apart marked `...`.
fn fix_diff(out: &mut impl Write, hunks: &[Vec<DiffLine>], paint: &Paint) -> io::Result<()> {
    let width = hunks
        .iter()
        .flatten()
        .map(|line| match line {
            DiffLine::Context(number, _) | DiffLine::Added(number, _) => *number,
            DiffLine::Removed(_) => 1,
        })
        .max()
        .unwrap_or(1)
        .to_string()
        .len();
    let gutter = |number: Option<usize>, mark: char| {
        let number = number.map_or(String::new(), |number| number.to_string());
        format!("{number:>width$} {mark}")
    };
    writeln!(out, "{}", paint.paint(style::GUTTER, gutter(None, '|')))?;
    for (index, hunk) in hunks.iter().enumerate() {
        if index > 0 {
            writeln!(
                out,
                "{}",
                paint.paint(style::GUTTER, format!("{:width$} ...", ""))
            )?;
        }
        for line in hunk {
            let shown = match line {
                DiffLine::Context(number, text) => {
                    with_text(paint.paint(style::GUTTER, gutter(Some(*number), '|')), text)
                }
                DiffLine::Removed(text) => {
                    paint.paint(style::REMOVED, with_text(gutter(None, '-'), text))
                }
                DiffLine::Added(number, text) => {
                    paint.paint(style::ADDED, with_text(gutter(Some(*number), '+'), text))
                }
            };
            writeln!(out, "{shown}")?;
        }
    }
    writeln!(out, "{}", paint.paint(style::GUTTER, gutter(None, '|')))
}

/// A line of the frame or diff: the gutter, then the text if there is any (no trailing blank).
fn with_text(gutter: String, text: &str) -> String {
    if text.is_empty() {
        gutter
    } else {
        format!("{gutter} {text}")
    }
}

/// Findings per rule, most first, as Ruff's (and Flake8's) `--statistics`: count, code, and
/// whether all (`[*]`), some (`[-]`) or none (`[ ]`) are fixable.
pub fn statistics(out: &mut impl Write, reports: &[FileReport], paint: &Paint) -> io::Result<()> {
    let rows = counts(reports);
    let any_fixable = rows.iter().any(|row| row.fixable > 0);
    let count_width = rows
        .iter()
        .map(|row| row.count.to_string().len())
        .max()
        .unwrap_or(1);
    let code_width = rows.iter().map(|row| row.code.len()).max().unwrap_or(0);
    for row in &rows {
        let mark = if !any_fixable {
            String::new()
        } else if row.fixable == row.count {
            format!("[{}] ", paint.paint(style::FIXABLE, "*"))
        } else if row.fixable > 0 {
            format!("[{}] ", paint.paint(style::FIXABLE, "-"))
        } else {
            "[ ] ".to_string()
        };
        writeln!(
            out,
            "{}\t{}\t{mark}{}",
            paint.paint(style::EMPHASIS, format!("{:>count_width$}", row.count)),
            paint.paint(style::CODE, format!("{:<code_width$}", row.code)),
            row.name
        )?;
    }
    Ok(())
}

/// The findings of one rule.
pub struct RuleCount {
    pub code: &'static str,
    pub name: &'static str,
    pub count: usize,
    pub fixable: usize,
}

/// Findings per rule, most first (then by code).
pub fn counts(reports: &[FileReport]) -> Vec<RuleCount> {
    let mut by_code: BTreeMap<&'static str, (usize, usize)> = BTreeMap::new();
    for finding in reports.iter().flat_map(|report| &report.findings) {
        let (count, fixable) = by_code.entry(finding.code).or_default();
        *count += 1;
        *fixable += usize::from(finding.fixable);
    }
    let mut rows: Vec<RuleCount> = by_code
        .into_iter()
        .map(|(code, (count, fixable))| RuleCount {
            code,
            name: rule_info(code).map_or("", |info| info.name),
            count,
            fixable,
        })
        .collect();
    rows.sort_by_key(|row| std::cmp::Reverse(row.count));
    rows
}

/// `--show-fixes`: what was fixed, file by file and rule by rule, as Ruff lists it.
pub fn fixes(
    out: &mut impl Write,
    reports: &[FileReport],
    summary: &Summary,
    paint: &Paint,
) -> io::Result<()> {
    let width = reports
        .iter()
        .flat_map(|report| report.fixed_codes.values())
        .max()
        .map_or(1, |most| most.to_string().len());
    writeln!(out)?;
    writeln!(
        out,
        "{}",
        paint.paint(
            style::DONE,
            format!("Fixed {}:", plural(summary.fixed, "issue"))
        )
    )?;
    for report in reports
        .iter()
        .filter(|report| !report.fixed_codes.is_empty())
    {
        writeln!(
            out,
            "{} {}{}",
            paint.paint(style::FIXABLE, "-"),
            paint.paint(style::EMPHASIS, shown_path(&report.path)),
            paint.paint(style::FIXABLE, ":")
        )?;
        let mut fixed: Vec<(&&str, &usize)> = report.fixed_codes.iter().collect();
        fixed.sort_by_key(|(_, count)| std::cmp::Reverse(**count));
        for (code, count) in fixed {
            let name = rule_info(code).map_or("", |info| info.name);
            writeln!(
                out,
                "    {count:>width$} × {} ({name})",
                paint.paint(style::CODE, code)
            )?;
        }
    }
    writeln!(out)
}

/// Lines that say something about the run but count as nothing.
pub fn notes(out: &mut impl Write, notes: &[String]) -> io::Result<()> {
    for note in notes {
        writeln!(out, "{note}")?;
    }
    Ok(())
}

fn plural(count: usize, word: &str) -> String {
    if count == 1 {
        format!("{count} {word}")
    } else {
        format!("{count} {word}s")
    }
}

pub fn summary(out: &mut impl Write, mode: Mode, summary: &Summary) -> io::Result<()> {
    match mode {
        Mode::Fix if summary.fixed > 0 => {
            writeln!(
                out,
                "Fixed {} in {}.",
                plural(summary.fixed, "issue"),
                plural(summary.files_fixed, "file")
            )?;
        }
        Mode::Diff => {
            return writeln!(
                out,
                "Would fix {} in {}.",
                plural(summary.fixed, "issue"),
                plural(summary.files_fixed, "file")
            );
        }
        _ => {}
    }
    writeln!(
        out,
        "Found {} ({} fixable) in {} ({} checked).",
        plural(summary.findings, "issue"),
        summary.fixable,
        plural(summary.files_with_findings, "file"),
        plural(summary.files, "file"),
    )
}
