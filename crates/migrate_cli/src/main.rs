//! `migrate`: move Python code to NumPy 2.

mod args;
mod output;
mod run;
mod walk;

use std::collections::BTreeMap;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;
use migrate_engine::checker::RuleSet;
use migrate_rules::project::declared_min_numpy;
use migrate_rules::version::Version;
use migrate_rules::{Options, is_known_selector, rule_set};
use rayon::prelude::*;

use crate::args::{Args, Mode};
use crate::output::Summary;
use crate::run::FileReport;

/// Deeply nested code recurses deeply in the parser and the checks.
const WORKER_STACK: usize = 256 * 1024 * 1024;

fn main() -> ExitCode {
    let args = Args::parse();
    for selector in args.select.iter().chain(&args.ignore) {
        if !is_known_selector(selector) {
            eprintln!(
                "error: unknown rule code `{selector}` (known: {})",
                migrate_rules::CODES.join(", ")
            );
            return ExitCode::from(2);
        }
    }
    run::install_panic_hook();
    let pool = rayon::ThreadPoolBuilder::new()
        .stack_size(WORKER_STACK)
        .build()
        .expect("a thread pool");
    match pool.install(|| run(&args)) {
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
        return stdin(args, mode);
    }

    let (files, walk_errors) = walk::python_files(&args.paths);
    let rule_sets = RuleSets::new(args, &files);
    let reports: Vec<FileReport> = files
        .par_iter()
        .map(|path| run::file(path, mode, rule_sets.for_file(path)))
        .collect();

    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let mut err = io::stderr().lock();
    for error in &walk_errors {
        writeln!(err, "error: {}: {}", error.path.display(), error.message)?;
    }
    let mut summary = Summary::default();
    for report in &reports {
        summary.add(report);
        output::error(&mut err, report)?;
        match mode {
            Mode::Diff => {
                if let Some(diff) = &report.diff {
                    write!(out, "{diff}")?;
                }
            }
            Mode::Check | Mode::Fix => output::findings(&mut out, report, args.output_format)?,
        }
    }
    if mode == Mode::Diff {
        // The diff is the output; the summary must not land inside it.
        out.flush()?;
        output::summary(&mut err, mode, &summary)?;
    } else {
        output::summary(&mut out, mode, &summary)?;
    }
    out.flush()?;
    Ok(exit_code(mode, &summary, walk_errors.len()))
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
    let rules = rules_for(args, floor_for(args, &path));
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

fn rules_for(args: &Args, min_numpy: Version) -> RuleSet {
    let rules = rule_set(&Options {
        min_numpy,
        select: args.select.clone(),
        ignore: args.ignore.clone(),
    });
    if args.no_prefilter {
        rules.without_prefilter()
    } else {
        rules
    }
}

/// `--min-numpy`, else what the project of `path` declares, else NumPy 2.0.
fn floor_for(args: &Args, path: &Path) -> Version {
    if let Some(version) = args.min_numpy {
        return version;
    }
    let folder = path
        .parent()
        .filter(|parent| !parent.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let folder = std::fs::canonicalize(folder).unwrap_or_else(|_| folder.to_path_buf());
    declared_min_numpy(&folder).map_or(Version::NUMPY_2, |declared| declared.version)
}

/// One rule set per NumPy floor in use, and the floor of each folder.
struct RuleSets {
    floors: BTreeMap<PathBuf, Version>,
    sets: BTreeMap<Version, RuleSet>,
}

impl RuleSets {
    fn new(args: &Args, files: &[PathBuf]) -> Self {
        let mut floors = BTreeMap::new();
        let mut sets = BTreeMap::new();
        for file in files {
            let folder = file.parent().unwrap_or(Path::new("")).to_path_buf();
            let floor = *floors
                .entry(folder)
                .or_insert_with(|| floor_for(args, file));
            sets.entry(floor).or_insert_with(|| rules_for(args, floor));
        }
        Self { floors, sets }
    }

    fn for_file(&self, path: &Path) -> &RuleSet {
        let folder = path.parent().unwrap_or(Path::new(""));
        &self.sets[&self.floors[folder]]
    }
}
