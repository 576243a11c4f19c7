//! The command line.

use std::borrow::Cow;
use std::path::PathBuf;

use clap::Parser;
use migrate_rules::version::Version;

/// Move Python code to NumPy 2: report what NumPy 2 removed, renamed or changed, and fix it.
#[derive(Debug, Parser)]
#[command(
    name = "migrate",
    version,
    max_term_width = 100,
    args_conflicts_with_subcommands = true,
    disable_help_subcommand = true
)]
pub struct Args {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Files or folders to check (folders are searched for `.py` and `.pyi` files and `.ipynb`
    /// notebooks); `-` reads the source from standard input. Default: `.`, or standard input
    /// with `--stdin-filename`.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    #[command(flatten)]
    pub mode: ModeArgs,

    /// Only run these rules (codes or prefixes, comma-separated; `NPY201` selects all).
    /// Replaces the configuration's `select` (and its `ignore`).
    #[arg(long, value_delimiter = ',', value_name = "CODES")]
    pub select: Vec<String>,

    /// Do not run these rules (codes or prefixes, comma-separated), on top of the
    /// configuration's `ignore`.
    #[arg(long, value_delimiter = ',', value_name = "CODES")]
    pub ignore: Vec<String>,

    /// The oldest NumPy the fixed code must still run on. Fixes that need a newer one are
    /// reported, not applied. Default: `min-numpy` of the configuration, else the lower bound
    /// of `numpy` in the nearest `pyproject.toml`, `setup.cfg`, `setup.py` or
    /// `requirements*.txt`, else 2.0.
    #[arg(long, value_name = "X.Y")]
    pub min_numpy: Option<Version>,

    /// Read `[tool.migrate]` from this file for every path, instead of the nearest
    /// `pyproject.toml` of each file (its globs are then relative to the current folder).
    #[arg(long, value_name = "PATH", help_heading = "Configuration")]
    pub config: Option<PathBuf>,

    /// Read no configuration file.
    #[arg(long, conflicts_with = "config", help_heading = "Configuration")]
    pub isolated: bool,

    /// Leave out files and folders matching these globs (comma-separated), instead of the
    /// configuration's `exclude` or the defaults.
    #[arg(
        long,
        value_delimiter = ',',
        value_name = "GLOBS",
        help_heading = "File selection"
    )]
    pub exclude: Vec<String>,

    /// Leave out files and folders matching these globs too (comma-separated).
    #[arg(
        long,
        value_delimiter = ',',
        value_name = "GLOBS",
        help_heading = "File selection"
    )]
    pub extend_exclude: Vec<String>,

    /// Apply the exclusions to paths named on the command line too (as pre-commit names
    /// every file).
    #[arg(long, help_heading = "File selection")]
    pub force_exclude: bool,

    /// How findings are printed.
    #[arg(long, value_enum, default_value_t = OutputFormat::Full, help_heading = "Output")]
    pub output_format: OutputFormat,

    /// Write the report to this file instead of standard output.
    #[arg(short, long, value_name = "FILE", help_heading = "Output")]
    pub output_file: Option<PathBuf>,

    /// Print how many findings each rule has, instead of the findings.
    #[arg(long, help_heading = "Output")]
    pub statistics: bool,

    /// After `--fix`, list what was fixed in each file.
    #[arg(long, help_heading = "Output")]
    pub show_fixes: bool,

    /// Exit 0 even when something needs migrating (errors still exit 2).
    #[arg(long, help_heading = "Exit status")]
    pub exit_zero: bool,

    /// Exit 1 when `--fix` fixed anything, even if nothing is left.
    #[arg(long, help_heading = "Exit status")]
    pub exit_non_zero_on_fix: bool,

    /// Parse every file. By default a file that cannot contain anything to migrate (judged
    /// from its bytes: no import of numpy, none of the rules' trigger words) is not parsed,
    /// so its syntax errors are not reported either.
    #[arg(long)]
    pub no_prefilter: bool,

    /// The file name to report (and to find the project by) for source read from stdin.
    #[arg(long, value_name = "NAME")]
    pub stdin_filename: Option<PathBuf>,
}

impl Args {
    /// Whether the source comes from standard input: `-`, or no path with `--stdin-filename`
    /// (as Ruff, so that editor settings written for Ruff never rewrite the working folder).
    pub fn reads_stdin(&self) -> bool {
        match &self.paths[..] {
            [] => self.stdin_filename.is_some(),
            paths => paths.iter().any(|path| path.as_os_str() == "-"),
        }
    }

    /// The files and folders to walk: those named, else the current folder.
    pub fn walked_paths(&self) -> Cow<'_, [PathBuf]> {
        if self.paths.is_empty() {
            Cow::Owned(vec![PathBuf::from(".")])
        } else {
            Cow::Borrowed(&self.paths)
        }
    }
}

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// The dependency side: report what in pyproject.toml, requirements*.txt, setup.cfg,
    /// environment.yml, Pipfile and lock files holds the project on NumPy 1.x, and fix it (lock
    /// files are left to their tools).
    Deps(DepsArgs),
    /// Run the language server on stdin/stdout (LSP): diagnostics, quick fixes and
    /// `source.fixAll.migrate` in the editor, for Python files and notebooks.
    Server,
}

/// `migrate deps`: pins, build requirements and dependencies without NumPy 2 support.
#[derive(Debug, clap::Args)]
pub struct DepsArgs {
    /// Project folders or dependency files to check (folders are searched for them).
    #[arg(value_name = "PATH", default_value = ".")]
    pub paths: Vec<PathBuf>,

    #[command(flatten)]
    pub mode: ModeArgs,

    /// How findings are printed: `concise` (one line each) or `full` (with the line and the fix).
    #[arg(long, value_enum, default_value_t = OutputFormat::Concise)]
    pub output_format: OutputFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    /// Each finding with its code, underlined, and the fix as a diff (colored on a terminal).
    Full,
    /// One line per finding.
    Concise,
    /// A JSON array of findings, with Ruff's fields.
    Json,
    /// One JSON object per line, with Ruff's fields.
    JsonLines,
    /// GitHub Actions workflow annotations.
    Github,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
    /// JUnit XML: a test suite per file, a failing test case per finding.
    Junit,
}

/// What a run does with each file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Check,
    Fix,
    Diff,
}

/// `--check`, `--fix` or `--diff`, for `migrate` and `migrate deps`.
#[derive(Debug, clap::Args)]
pub struct ModeArgs {
    /// Report what needs migrating and change nothing (the default). Exit 1 if anything does.
    #[arg(long, conflicts_with_all = ["fix", "diff"])]
    pub check: bool,

    /// Rewrite the files in place, then report what is left.
    #[arg(long)]
    pub fix: bool,

    /// Print the changes `--fix` would make as a unified diff; write nothing.
    #[arg(long)]
    pub diff: bool,
}

impl ModeArgs {
    pub fn mode(&self) -> Mode {
        if self.diff {
            Mode::Diff
        } else if self.fix {
            Mode::Fix
        } else {
            Mode::Check
        }
    }
}
