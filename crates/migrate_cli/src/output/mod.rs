//! Printing a run's findings in each `--output-format`, the errors, and the summary.

mod github;
mod json;
mod junit;
mod sarif;
mod style;
mod text;

use std::borrow::Cow;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::args::{Mode, OutputFormat};
use crate::finding::Finding;
use crate::run::FileReport;

pub use style::color_wanted;

/// Totals over a run.
#[derive(Debug, Default)]
pub struct Summary {
    pub files: usize,
    pub findings: usize,
    pub fixable: usize,
    pub files_with_findings: usize,
    pub fixed: usize,
    pub files_fixed: usize,
    pub dropped: usize,
    pub errors: usize,
}

impl Summary {
    pub fn add(&mut self, report: &FileReport) {
        self.files += 1;
        self.findings += report.findings.len();
        self.fixable += report
            .findings
            .iter()
            .filter(|finding| finding.fixable)
            .count();
        self.files_with_findings += usize::from(!report.findings.is_empty());
        self.fixed += report.fixed;
        self.files_fixed += usize::from(report.fixed_text.is_some() && report.error.is_none());
        self.dropped += report.dropped.len();
        self.errors += usize::from(report.error.is_some());
    }

    pub fn merge(&mut self, other: &Self) {
        self.files += other.files;
        self.findings += other.findings;
        self.fixable += other.fixable;
        self.files_with_findings += other.files_with_findings;
        self.fixed += other.fixed;
        self.files_fixed += other.files_fixed;
        self.dropped += other.dropped;
        self.errors += other.errors;
    }
}

/// How the findings of a run are printed.
pub struct Printer {
    pub format: OutputFormat,
    pub mode: Mode,
    /// Counts per rule instead of the findings.
    pub statistics: bool,
    /// What `--fix` fixed, file by file.
    pub show_fixes: bool,
    /// ANSI colors (the human-readable formats only).
    pub color: bool,
    /// The current folder, for the absolute paths that machine-readable formats carry.
    pub cwd: PathBuf,
}

impl Printer {
    /// Whether `--statistics` has a form in this format.
    pub fn supports_statistics(format: OutputFormat) -> bool {
        matches!(
            format,
            OutputFormat::Full | OutputFormat::Concise | OutputFormat::Json
        )
    }

    /// The findings of `reports` (in path order), and for the human-readable formats `notes`
    /// and the summary after them.
    pub fn print(
        &self,
        out: &mut impl Write,
        reports: &[FileReport],
        summary: &Summary,
        notes: &[String],
    ) -> io::Result<()> {
        let paint = style::Paint::new(self.color);
        if self.statistics {
            return match self.format {
                OutputFormat::Json => json::statistics(out, reports),
                _ => {
                    text::statistics(out, reports, &paint)?;
                    text::notes(out, notes)?;
                    text::summary(out, self.mode, summary)
                }
            };
        }
        match self.format {
            OutputFormat::Full | OutputFormat::Concise => {
                for report in reports {
                    if self.format == OutputFormat::Full {
                        text::full(out, report, &paint)?;
                    } else {
                        text::concise(out, report, &paint)?;
                    }
                }
                if self.show_fixes && self.mode == Mode::Fix && summary.fixed > 0 {
                    text::fixes(out, reports, summary, &paint)?;
                }
                text::notes(out, notes)?;
                text::summary(out, self.mode, summary)
            }
            OutputFormat::Json => json::json(out, reports, &self.cwd),
            OutputFormat::JsonLines => json::json_lines(out, reports, &self.cwd),
            OutputFormat::Github => github::annotations(out, reports, &self.cwd),
            OutputFormat::Sarif => sarif::sarif(out, reports, &self.cwd),
            OutputFormat::Junit => junit::junit(out, reports, &self.cwd),
        }
    }
}

/// Print a run: `errors` (of paths and configurations) and each report's errors on stderr,
/// then to `out` the diff alone (with `--diff`: `notes` and the summary go to stderr, out of
/// the diff), or the report in the printer's format with `notes` (which count as nothing).
pub fn run(
    out: &mut impl Write,
    errors: &[String],
    reports: &[FileReport],
    summary: &Summary,
    printer: &Printer,
    notes: &[String],
) -> io::Result<()> {
    let mut err = io::stderr().lock();
    for error in errors {
        writeln!(err, "error: {error}")?;
    }
    for report in reports {
        self::error(&mut err, report)?;
    }
    if printer.mode == Mode::Diff {
        for diff in reports.iter().filter_map(|report| report.diff.as_ref()) {
            write!(out, "{diff}")?;
        }
        out.flush()?;
        text::notes(&mut err, notes)?;
        text::summary(&mut err, Mode::Diff, summary)
    } else {
        printer.print(out, reports, summary, notes)?;
        out.flush()
    }
}

pub fn error(err: &mut impl Write, report: &FileReport) -> io::Result<()> {
    if let Some(message) = &report.error {
        writeln!(
            err,
            "error: {}: {}",
            shown_path(&report.path),
            visible(message)
        )?;
    }
    for dropped in &report.dropped {
        writeln!(
            err,
            "warning: {}:{}:{}: {} fix not applied, the result would not parse (a bug in migrate): {}",
            shown_path(&report.path),
            dropped.position.line,
            dropped.position.column,
            dropped.code,
            dropped.message
        )?;
    }
    Ok(())
}

/// The message of a finding as one sentence: with its advice when it has no fix (a fix
/// carries its own description).
fn message_with_advice(finding: &Finding) -> String {
    match (&finding.help, finding.fixable) {
        (Some(help), false) => format!("{}. {help}", finding.message),
        _ => finding.message.clone(),
    }
}

/// The path of a report as the machine-readable formats carry it: absolute, as Ruff's.
fn absolute_path(path: &Path, cwd: &Path) -> String {
    if path.as_os_str() == "-" {
        return "-".to_string();
    }
    crate::patterns::absolute(path, cwd).display().to_string()
}

/// A path as the text formats print it: see [`visible`].
pub fn shown_path(path: &Path) -> String {
    visible(&path.display().to_string()).into_owned()
}

/// `text` with each invisible character (controls, format characters such as U+FEFF or
/// U+200B, separators other than the space) spelled as CPython spells it, `U+200B`: printed
/// raw, they hide what is wrong in a syntax error, and in a file name they reach the terminal
/// as escape sequences or make a report that is not XML.
pub fn visible(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_invisible) {
        return Cow::Borrowed(text);
    }
    let mut shown = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_invisible(c) {
            shown.push_str(&format!("U+{:04X}", u32::from(c)));
        } else {
            shown.push(c);
        }
    }
    Cow::Owned(shown)
}

fn is_invisible(c: char) -> bool {
    (c.is_control() && c != '\n')
        || (c.is_whitespace() && !matches!(c, ' ' | '\n'))
        || matches!(
            c,
            '\u{ad}'
                | '\u{34f}'
                | '\u{61c}'
                | '\u{180e}'
                | '\u{200b}'..='\u{200f}'
                | '\u{202a}'..='\u{202e}'
                | '\u{2060}'..='\u{2064}'
                | '\u{2066}'..='\u{206f}'
                | '\u{feff}'
                | '\u{fff9}'..='\u{fffb}'
        )
}
