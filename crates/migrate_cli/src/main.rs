//! `migrate`: move Python code to NumPy 2.

mod args;
mod config;
mod deps;
mod finding;
mod output;
mod patterns;
mod progress;
mod run;
mod settings;
mod walk;

use std::fs::File;
use std::io::{self, IsTerminal, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::{Arc, mpsc};

use clap::Parser;
use migrate_rules::is_known_selector;
use rayon::prelude::*;

use crate::args::{Args, Command, Mode};
use crate::output::{Printer, Summary};
use crate::progress::Progress;
use crate::run::FileReport;
use crate::settings::Settings;
use crate::walk::Exclusions;

#[cfg(unix)]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// Deeply nested code recurses deeply in the parser and the checks.
const WORKER_STACK: usize = 256 * 1024 * 1024;

fn main() -> ExitCode {
    let args = Args::parse();
    if let Some(Command::Deps(deps)) = &args.command {
        return deps::main(deps);
    }
    for selector in args.select.iter().chain(&args.ignore) {
        if !is_known_selector(selector) {
            eprintln!(
                "error: unknown rule code `{selector}` (known: {})",
                migrate_rules::CODES.join(", ")
            );
            return ExitCode::from(2);
        }
    }
    if args.statistics && !Printer::supports_statistics(args.output_format) {
        eprintln!("error: --statistics prints in the full, concise and json output formats only");
        return ExitCode::from(2);
    }
    if let Some(Command::Server) = args.command {
        return server(&args);
    }
    run::install_panic_hook();
    exit_status(run(&args))
}

/// The exit status of a command: its own, or 2 after printing why it could not run.
fn exit_status(outcome: anyhow::Result<ExitCode>) -> ExitCode {
    outcome.unwrap_or_else(|error| {
        eprintln!("error: {error:#}");
        ExitCode::from(2)
    })
}

fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let mode = args.mode.mode();
    let settings = Arc::new(Settings::new(args)?);
    if args.paths.iter().any(|path| path.as_os_str() == "-") {
        if args.paths.len() > 1 {
            anyhow::bail!("`-` (standard input) cannot be combined with other paths");
        }
        // One file: one thread (with a large stack), no pool.
        return std::thread::scope(|scope| {
            std::thread::Builder::new()
                .stack_size(WORKER_STACK)
                .spawn_scoped(scope, || stdin(args, mode, &settings))?
                .join()
                .unwrap_or_else(|_| anyhow::bail!("internal error (a bug in migrate)"))
        });
    }

    let pool = rayon::ThreadPoolBuilder::new()
        .stack_size(WORKER_STACK)
        .build()?;
    let progress = Progress::new(io::stderr().is_terminal());
    // Room for the walk to run ahead: with a short queue the walk blocks on every send once
    // full and each file checked wakes it (a context switch per file, 3% of the CPU).
    let (send, found) = mpsc::sync_channel(1 << 16);
    // Files are checked as the walk finds them; only the reports with something to say are
    // kept, then printed in path order.
    let (
        walk_errors,
        Checked {
            summary,
            mut reports,
        },
    ) = std::thread::scope(|scope| {
        let (settings, progress) = (&settings, &progress);
        let walk = scope.spawn(move || {
            walk::python_files(&args.paths, settings.clone(), |path| {
                // A file whose configuration cannot be used is not checked; the error is
                // reported once, below.
                if let Some(rules) = settings.for_file(&path) {
                    progress.found();
                    // Sending fails only when the checking side is gone (it panicked).
                    let _ = send.send((path, rules));
                }
            })
        });
        let checked = pool.install(|| {
            found
                .into_iter()
                .par_bridge()
                .map(|(path, rules)| {
                    let report = run::file(&path, mode, &rules);
                    progress.checked();
                    report
                })
                .fold(Checked::default, Checked::add)
                .reduce(Checked::default, Checked::merge)
        });
        let walk_errors = walk.join().unwrap_or_else(|_| {
            vec![walk::WalkError {
                path: PathBuf::from("."),
                message: "internal error while listing files (a bug in migrate)".to_string(),
            }]
        });
        (walk_errors, checked)
    });
    progress.finish();
    reports.sort_by(|a, b| a.path.cmp(&b.path));

    let config_errors = settings.errors();
    let errors: Vec<String> = config_errors
        .iter()
        .map(ToString::to_string)
        .chain(
            walk_errors
                .iter()
                .map(|error| format!("{}: {}", error.path.display(), error.message)),
        )
        .collect();
    let (mut out, is_terminal) = destination(args, io::stdout())?;
    output::run(
        &mut out,
        &errors,
        &reports,
        &summary,
        &printer(args, mode, is_terminal)?,
        &[],
    )?;
    Ok(exit_code(mode, &summary, errors.len(), ExitFlags::of(args)))
}

/// Where the report goes: `-o FILE`, else `default` (and whether that is a terminal).
fn destination(
    args: &Args,
    default: impl Write + IsTerminal + 'static,
) -> anyhow::Result<(io::BufWriter<Box<dyn Write>>, bool)> {
    Ok(match &args.output_file {
        Some(path) => {
            let file = File::create(path)
                .map_err(|error| anyhow::anyhow!("cannot write {}: {error}", path.display()))?;
            (io::BufWriter::new(Box::new(file)), false)
        }
        None => {
            let is_terminal = default.is_terminal();
            (io::BufWriter::new(Box::new(default)), is_terminal)
        }
    })
}

fn printer(args: &Args, mode: Mode, is_terminal: bool) -> anyhow::Result<Printer> {
    Ok(Printer {
        format: args.output_format,
        mode,
        statistics: args.statistics,
        show_fixes: args.show_fixes,
        color: output::color_wanted(is_terminal, |name| std::env::var(name).ok())
            && args.output_file.is_none(),
        cwd: std::env::current_dir()?,
    })
}

/// The totals of the files checked so far, and the reports with something to print.
#[derive(Default)]
struct Checked {
    summary: Summary,
    reports: Vec<FileReport>,
}

impl Checked {
    fn add(mut self, mut report: FileReport) -> Self {
        self.summary.add(&report);
        // Written (with `--fix`) or shown (with `--diff`) by now.
        report.fixed_text = None;
        let has_output = !report.findings.is_empty()
            || report.error.is_some()
            || !report.dropped.is_empty()
            || report.fixed > 0
            || report.diff.is_some();
        if has_output {
            self.reports.push(report);
        }
        self
    }

    fn merge(mut self, other: Self) -> Self {
        self.summary.merge(&other.summary);
        self.reports.extend(other.reports);
        self
    }
}

/// `migrate server`: the language server on stdio, with the rules a run would use per file.
fn server(args: &Args) -> ExitCode {
    let served = Settings::for_server(args).and_then(|settings| {
        migrate_server::stdio(|path| {
            settings.for_file(path).unwrap_or_else(|| {
                // Editors show a server's stderr in its log.
                for error in settings.errors() {
                    eprintln!("error: {error}");
                }
                settings.no_rules()
            })
        })
    });
    exit_status(served)
}

/// What the exit status flags ask.
#[derive(Debug, Default, Clone, Copy)]
pub struct ExitFlags {
    /// `--exit-zero`
    pub zero: bool,
    /// `--exit-non-zero-on-fix`
    pub non_zero_on_fix: bool,
}

impl ExitFlags {
    fn of(args: &Args) -> Self {
        Self {
            zero: args.exit_zero,
            non_zero_on_fix: args.exit_non_zero_on_fix,
        }
    }
}

/// `2` for any error, else `1` when something needs migrating (unless `--exit-zero`) or
/// `--fix` fixed something (with `--exit-non-zero-on-fix`), else `0`.
pub fn exit_code(mode: Mode, summary: &Summary, other_errors: usize, flags: ExitFlags) -> ExitCode {
    let left = match mode {
        Mode::Diff => summary.files_fixed > 0,
        Mode::Check | Mode::Fix => summary.findings > 0,
    };
    let fixed = mode == Mode::Fix && summary.fixed > 0;
    if summary.errors + other_errors > 0 {
        ExitCode::from(2)
    } else if flags.zero {
        ExitCode::SUCCESS
    } else if left || (fixed && flags.non_zero_on_fix) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// The editor path: source on stdin; with `--fix`, the whole (fixed) source on stdout and the
/// findings on stderr. A `--stdin-filename` that `--force-exclude` excludes is not checked
/// (its source comes back unchanged).
fn stdin(args: &Args, mode: Mode, settings: &Settings) -> anyhow::Result<ExitCode> {
    let mut bytes = Vec::new();
    io::stdin().read_to_end(&mut bytes)?;
    let path = args
        .stdin_filename
        .clone()
        .unwrap_or_else(|| PathBuf::from("-"));
    let excluded = args.stdin_filename.is_some() && settings.is_excluded_explicitly(&path);
    let report = match settings.for_file(&path) {
        _ if excluded => None,
        Some(rules) => Some(run::guarded(&path, || match std::str::from_utf8(&bytes) {
            Ok(source) => run::source_text(source, &path, mode, &rules),
            Err(_) => FileReport {
                path: path.clone(),
                error: Some("not valid UTF-8; only UTF-8 sources are supported".to_string()),
                ..FileReport::default()
            },
        })),
        None => None,
    };
    let config_errors = settings.errors();
    let mut err = io::stderr().lock();
    for error in &config_errors {
        writeln!(err, "error: {error}")?;
    }
    let mut summary = Summary::default();
    if let Some(report) = &report {
        output::error(&mut err, report)?;
        summary.add(report);
    }
    let reports: &[FileReport] = report.as_slice();
    match mode {
        Mode::Fix => {
            let text = report
                .as_ref()
                .and_then(|report| report.fixed_text.as_deref());
            let mut out = io::stdout().lock();
            out.write_all(text.map_or(&bytes[..], str::as_bytes))?;
            out.flush()?;
            let (mut findings, is_terminal) = destination(args, io::stderr())?;
            printer(args, mode, is_terminal)?.print(&mut findings, reports, &summary, &[])?;
            findings.flush()?;
        }
        Mode::Diff => {
            let mut out = io::stdout().lock();
            if let Some(diff) = report.as_ref().and_then(|report| report.diff.as_ref()) {
                write!(out, "{diff}")?;
            }
            out.flush()?;
        }
        Mode::Check => {
            let (mut out, is_terminal) = destination(args, io::stdout())?;
            printer(args, mode, is_terminal)?.print(&mut out, reports, &summary, &[])?;
            out.flush()?;
        }
    }
    Ok(exit_code(
        mode,
        &summary,
        config_errors.len(),
        ExitFlags::of(args),
    ))
}
