//! `migrate`: move Python code to NumPy 2.

mod args;
mod config;
mod deps;
mod finding;
mod floor_note;
mod output;
mod patterns;
mod progress;
mod run;
mod settings;
mod walk;

use std::fs::{self, File};
use std::io::{self, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Arc, mpsc};

use anyhow::Context;
use clap::Parser;
use migrate_rules::is_known_selector;
use rayon::prelude::*;

use crate::args::{Args, Command, Mode};
use crate::floor_note::AssumedFloors;
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
    refuse_an_output_file_among_the_inputs(args)?;
    let settings = Arc::new(Settings::new(args)?);
    if args.reads_stdin() {
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
    let assumed_floors = AssumedFloors::default();
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
            walk::python_files(&args.walked_paths(), settings.clone(), |path| {
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
                    let report = assumed_floors.run(
                        settings,
                        &path,
                        (mode, &rules),
                        || std::fs::read_to_string(&path).ok(),
                        || run::file(&path, mode, &rules),
                    );
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

    warn_unreadable_requirements(&settings);
    for note in assumed_floors.notes() {
        eprintln!("{note}");
    }
    let config_errors = settings.errors();
    let errors: Vec<String> = config_errors
        .iter()
        .map(ToString::to_string)
        .chain(
            walk_errors
                .iter()
                .map(|error| format!("{}: {}", output::shown_path(&error.path), error.message)),
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
    )
    .with_context(|| report_destination(args, "standard output"))?;
    Ok(exit_code(mode, &summary, errors.len(), ExitFlags::of(args)))
}

/// Files that declare requirements but could not be read for the NumPy floor (which is then
/// what the others declare): worth knowing, not an error of the files checked.
fn warn_unreadable_requirements(settings: &Settings) {
    for unreadable in settings.unreadable_requirements() {
        eprintln!("warning: {unreadable}; the NumPy floor is worked out without it");
    }
}

/// `-o` naming a file the run checks would overwrite that source with the report. Refused
/// before anything is read: a file named (or the same file through a link), or a Python file
/// under a folder named (a hard link under another name there is not looked for).
fn refuse_an_output_file_among_the_inputs(args: &Args) -> anyhow::Result<()> {
    let Some(output) = &args.output_file else {
        return Ok(());
    };
    // A report file that does not exist yet cannot be an input.
    let Ok(canonical_output) = fs::canonicalize(output) else {
        return Ok(());
    };
    for path in args.walked_paths().iter() {
        let overwrites_an_input = if path.is_dir() {
            walk::is_python(&canonical_output)
                && fs::canonicalize(path).is_ok_and(|folder| canonical_output.starts_with(folder))
        } else {
            is_same_file(path, output)
        };
        if overwrites_an_input {
            anyhow::bail!(
                "-o {}: a file this run checks (through `{}`); the report would overwrite it",
                output.display(),
                path.display()
            );
        }
    }
    Ok(())
}

/// Whether two existing files are one: the same inode (a hard link counts) where there are
/// inodes, else the same canonical path.
fn is_same_file(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let inode =
            |path: &Path| fs::metadata(path).map(|metadata| (metadata.dev(), metadata.ino()));
        matches!((inode(a), inode(b)), (Ok(a), Ok(b)) if a == b)
    }
    #[cfg(not(unix))]
    {
        matches!((fs::canonicalize(a), fs::canonicalize(b)), (Ok(a), Ok(b)) if a == b)
    }
}

/// What a failed write of the report was writing: `-o FILE`, else `default`.
fn report_destination(args: &Args, default: &str) -> String {
    let file = args
        .output_file
        .as_ref()
        .map(|path| path.display().to_string());
    format!(
        "cannot write the report to {}",
        file.as_deref().unwrap_or(default)
    )
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
    let assumed_floors = AssumedFloors::default();
    let path = args
        .stdin_filename
        .clone()
        .unwrap_or_else(|| PathBuf::from("-"));
    let excluded = args.stdin_filename.is_some() && settings.is_excluded_explicitly(&path);
    let report = match settings.for_file(&path) {
        _ if excluded => None,
        Some(rules) => Some(assumed_floors.run(
            settings,
            &path,
            (mode, &rules),
            || run::decode(&bytes).ok().map(str::to_string),
            || {
                run::guarded(&path, || match run::decode(&bytes) {
                    Ok(source) => run::source_text(source, &path, mode, &rules),
                    Err(message) => FileReport::error(&path, message),
                })
            },
        )),
        None => None,
    };
    warn_unreadable_requirements(settings);
    for note in assumed_floors.notes() {
        eprintln!("{note}");
    }
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
            out.write_all(text.map_or(&bytes[..], str::as_bytes))
                .and_then(|()| out.flush())
                .context("cannot write the fixed source to standard output")?;
            let (mut findings, is_terminal) = destination(args, io::stderr())?;
            printer(args, mode, is_terminal)?
                .print(&mut findings, reports, &summary, &[])
                .and_then(|()| findings.flush())
                .with_context(|| report_destination(args, "standard error"))?;
        }
        Mode::Diff => {
            let mut out = io::stdout().lock();
            let diff = report.as_ref().and_then(|report| report.diff.as_ref());
            out.write_all(diff.map_or(&b""[..], |diff| diff.as_bytes()))
                .and_then(|()| out.flush())
                .context("cannot write the diff to standard output")?;
        }
        Mode::Check => {
            let (mut out, is_terminal) = destination(args, io::stdout())?;
            printer(args, mode, is_terminal)?
                .print(&mut out, reports, &summary, &[])
                .and_then(|()| out.flush())
                .with_context(|| report_destination(args, "standard output"))?;
        }
    }
    Ok(exit_code(
        mode,
        &summary,
        config_errors.len(),
        ExitFlags::of(args),
    ))
}
