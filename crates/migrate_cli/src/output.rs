//! Printing findings, diffs and the summary.

use std::io::{self, Write};

use crate::args::{Mode, OutputFormat};
use crate::run::FileReport;
use crate::walk::WalkError;

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

/// Print a run: the paths that could not be walked, each report's errors and findings (or its
/// diff), `notes` (which count as nothing), then `summary`. With `--diff` the diff alone goes
/// to stdout.
pub fn run(
    walk_errors: &[WalkError],
    reports: &[FileReport],
    summary: &Summary,
    mode: Mode,
    format: OutputFormat,
    notes: &[String],
) -> io::Result<()> {
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let mut err = io::stderr().lock();
    for error in walk_errors {
        writeln!(err, "error: {}: {}", error.path.display(), error.message)?;
    }
    for report in reports {
        self::error(&mut err, report)?;
        match mode {
            Mode::Diff => {
                if let Some(diff) = &report.diff {
                    write!(out, "{diff}")?;
                }
            }
            Mode::Check | Mode::Fix => findings(&mut out, report, format)?,
        }
    }
    if mode == Mode::Diff {
        // The diff is the output; the summary must not land inside it.
        out.flush()?;
        for note in notes {
            writeln!(err, "{note}")?;
        }
        self::summary(&mut err, mode, summary)?;
    } else {
        for note in notes {
            writeln!(out, "{note}")?;
        }
        self::summary(&mut out, mode, summary)?;
    }
    out.flush()
}

pub fn findings(out: &mut impl Write, report: &FileReport, format: OutputFormat) -> io::Result<()> {
    match format {
        OutputFormat::Concise => concise(out, report),
        OutputFormat::Full => full(out, report),
    }
}

fn concise(out: &mut impl Write, report: &FileReport) -> io::Result<()> {
    let path = report.path.display();
    for finding in &report.findings {
        let mark = if finding.fixable { " [*]" } else { "" };
        write!(
            out,
            "{path}:{}: {}{mark} {}",
            finding.location(),
            finding.code,
            finding.message
        )?;
        match &finding.help {
            Some(help) => writeln!(out, ". {help}")?,
            None => writeln!(out)?,
        }
    }
    Ok(())
}

/// Each finding with the line it is on, the part underlined, and the fix or advice.
fn full(out: &mut impl Write, report: &FileReport) -> io::Result<()> {
    let path = report.path.display();
    for finding in &report.findings {
        let mark = if finding.fixable { " [*]" } else { "" };
        let number = finding.line.to_string();
        let gutter = " ".repeat(number.len());
        let excerpt = &finding.excerpt;
        // Keep tabs before the underline so that it lines up under them.
        let lead: String = excerpt
            .line
            .chars()
            .take(excerpt.start)
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        writeln!(out, "{}{mark} {}", finding.code, finding.message)?;
        writeln!(out, "{gutter}--> {path}:{}", finding.location())?;
        writeln!(out, "{gutter} |")?;
        writeln!(out, "{number} | {}", excerpt.line)?;
        writeln!(out, "{gutter} | {lead}{}", "^".repeat(excerpt.width))?;
        writeln!(out, "{gutter} |")?;
        if let Some(help) = &finding.help {
            writeln!(out, "help: {help}")?;
        }
        writeln!(out)?;
    }
    Ok(())
}

pub fn error(err: &mut impl Write, report: &FileReport) -> io::Result<()> {
    if let Some(message) = &report.error {
        writeln!(err, "error: {}: {message}", report.path.display())?;
    }
    for dropped in &report.dropped {
        writeln!(
            err,
            "warning: {}:{}:{}: {} fix not applied, the result would not parse (a bug in migrate): {}",
            report.path.display(),
            dropped.position.line,
            dropped.position.column,
            dropped.code,
            dropped.message
        )?;
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
