//! The command line.

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
    /// notebooks); `-` reads the source from standard input.
    #[arg(value_name = "PATH", default_value = ".")]
    pub paths: Vec<PathBuf>,

    /// Report what needs migrating and change nothing (the default). Exit 1 if anything does.
    #[arg(long, conflicts_with_all = ["fix", "diff"])]
    pub check: bool,

    /// Rewrite files in place, then report what is left.
    #[arg(long)]
    pub fix: bool,

    /// Print the changes `--fix` would make as a unified diff; write nothing.
    #[arg(long)]
    pub diff: bool,

    /// Only run these rules (codes or prefixes, comma-separated; `NPY201` selects all).
    #[arg(long, value_delimiter = ',', value_name = "CODES")]
    pub select: Vec<String>,

    /// Do not run these rules (codes or prefixes, comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "CODES")]
    pub ignore: Vec<String>,

    /// The oldest NumPy the fixed code must still run on. Fixes that need a newer one are
    /// reported, not applied. Default: the lower bound of `numpy` in the nearest
    /// `pyproject.toml` or `requirements*.txt`, else 2.0.
    #[arg(long, value_name = "X.Y")]
    pub min_numpy: Option<Version>,

    /// How findings are printed: `concise` (one line each) or `full` (with the code and the fix).
    #[arg(long, value_enum, default_value_t = OutputFormat::Concise)]
    pub output_format: OutputFormat,

    /// Parse every file. By default a file that cannot contain anything to migrate (judged
    /// from its bytes: no import of numpy, none of the rules' trigger words) is not parsed,
    /// so its syntax errors are not reported either.
    #[arg(long)]
    pub no_prefilter: bool,

    /// The file name to report (and to find the project by) for source read from stdin.
    #[arg(long, value_name = "NAME")]
    pub stdin_filename: Option<PathBuf>,
}

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// The dependency side: report what in pyproject.toml, requirements*.txt, setup.cfg,
    /// environment.yml, Pipfile and lock files holds the project on NumPy 1.x, and fix it.
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

    /// Report what holds the project on NumPy 1.x and change nothing (the default). Exit 1 if
    /// anything does.
    #[arg(long, conflicts_with_all = ["fix", "diff"])]
    pub check: bool,

    /// Rewrite the dependency files in place (lock files are left to their tools), then report
    /// what is left.
    #[arg(long)]
    pub fix: bool,

    /// Print the changes `--fix` would make as a unified diff; write nothing.
    #[arg(long)]
    pub diff: bool,

    /// How findings are printed: `concise` (one line each) or `full` (with the line and the fix).
    #[arg(long, value_enum, default_value_t = OutputFormat::Concise)]
    pub output_format: OutputFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    Concise,
    Full,
}

/// What a run does with each file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Check,
    Fix,
    Diff,
}

impl Args {
    pub fn mode(&self) -> Mode {
        Mode::of(self.fix, self.diff)
    }
}

impl DepsArgs {
    pub fn mode(&self) -> Mode {
        Mode::of(self.fix, self.diff)
    }
}

impl Mode {
    fn of(fix: bool, diff: bool) -> Mode {
        if diff {
            Mode::Diff
        } else if fix {
            Mode::Fix
        } else {
            Mode::Check
        }
    }
}
