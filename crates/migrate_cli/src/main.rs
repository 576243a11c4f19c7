//! `migrate`: move Python code to NumPy 2.

mod args;
mod deps;
mod output;
mod run;
mod settings;
mod walk;

use std::io::{self, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::mpsc;

use clap::Parser;
use migrate_rules::is_known_selector;
use rayon::prelude::*;

use crate::args::{Args, Command, Mode};
use crate::output::Summary;
use crate::run::FileReport;
use crate::settings::RuleSets;

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
    if let Some(Command::Server) = args.command {
        return server(&args);
    }
    run::install_panic_hook();
    match run(&args) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(2)
        }
    }
}

fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let mode = args.mode();
    if args.paths.iter().any(|path| path.as_os_str() == "-") {
        if args.paths.len() > 1 {
            anyhow::bail!("`-` (standard input) cannot be combined with other paths");
        }
        // One file: one thread (with a large stack), no pool.
        return std::thread::scope(|scope| {
            std::thread::Builder::new()
                .stack_size(WORKER_STACK)
                .spawn_scoped(scope, || stdin(args, mode))?
                .join()
                .unwrap_or_else(|_| anyhow::bail!("internal error (a bug in migrate)"))
        });
    }

    let pool = rayon::ThreadPoolBuilder::new()
        .stack_size(WORKER_STACK)
        .build()?;
    let rule_sets = RuleSets::new(args);
    let (send, found) = mpsc::sync_channel(1024);
    // Files are checked as the walk finds them; only the reports with something to say are
    // kept, then printed in path order.
    let (
        walk_errors,
        Checked {
            summary,
            mut reports,
        },
    ) = std::thread::scope(|scope| {
        let walk = scope.spawn(move || {
            walk::python_files(&args.paths, |path| {
                // Sending fails only when the checking side is gone (it panicked).
                let _ = send.send(path);
            })
        });
        let checked = pool.install(|| {
            found
                .into_iter()
                .par_bridge()
                .map(|path| run::file(&path, mode, &rule_sets.for_file(&path)))
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
    reports.sort_by(|a, b| a.path.cmp(&b.path));

    output::run(
        &walk_errors,
        &reports,
        &summary,
        mode,
        args.output_format,
        &[],
    )?;
    Ok(exit_code(mode, &summary, walk_errors.len()))
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
    let rule_sets = RuleSets::for_server(args);
    match migrate_server::stdio(|path| rule_sets.for_file(path)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(2)
        }
    }
}

fn exit_code(mode: Mode, summary: &Summary, walk_errors: usize) -> ExitCode {
    if summary.errors + walk_errors > 0 {
        ExitCode::from(2)
    } else if match mode {
        Mode::Diff => summary.files_fixed > 0,
        Mode::Check | Mode::Fix => summary.findings > 0,
    } {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// The editor path: source on stdin; with `--fix`, the whole (fixed) source on stdout and the
/// findings on stderr.
fn stdin(args: &Args, mode: Mode) -> anyhow::Result<ExitCode> {
    let mut bytes = Vec::new();
    io::stdin().read_to_end(&mut bytes)?;
    let path = args
        .stdin_filename
        .clone()
        .unwrap_or_else(|| PathBuf::from("-"));
    let rules = RuleSets::new(args).for_file(&path);
    let report = run::guarded(&path, || match std::str::from_utf8(&bytes) {
        Ok(source) => run::source_text(source, &path, mode, &rules),
        Err(_) => FileReport {
            path: path.clone(),
            error: Some("not valid UTF-8; only UTF-8 sources are supported".to_string()),
            ..FileReport::default()
        },
    });
    let mut out = io::stdout().lock();
    let mut err = io::stderr().lock();
    output::error(&mut err, &report)?;
    let mut summary = Summary::default();
    summary.add(&report);
    match mode {
        Mode::Fix => {
            let text = report.fixed_text.as_deref().map(str::as_bytes);
            out.write_all(text.unwrap_or(&bytes))?;
            output::findings(&mut err, &report, args.output_format)?;
        }
        Mode::Diff => {
            if let Some(diff) = &report.diff {
                write!(out, "{diff}")?;
            }
        }
        Mode::Check => {
            output::findings(&mut out, &report, args.output_format)?;
            output::summary(&mut out, mode, &summary)?;
        }
    }
    out.flush()?;
    Ok(exit_code(mode, &summary, 0))
}
