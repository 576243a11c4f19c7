//! `migrate deps`: the dependency files of a project, checked, fixed or diffed by
//! `migrate_deps`, reported like `migrate` reports code.

use std::collections::BTreeSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use migrate_deps::{FileCheck, Kind};
use migrate_engine::source::SourceText;
use migrate_engine::text_size::{TextRange, TextSize};
use migrate_rules::project::{DeclaredFloor, Projects};
use migrate_rules::version::Version;

use crate::args::{DepsArgs, Mode};
use crate::finding::{About, Finding};
use crate::output::{Printer, Summary};
use crate::run::{self, FileReport};
use crate::walk::DefaultExclusions;
use crate::{ExitFlags, exit_code, output, walk};

pub fn main(args: &DepsArgs) -> ExitCode {
    crate::exit_status(run(args))
}

fn run(args: &DepsArgs) -> anyhow::Result<ExitCode> {
    let mode = args.mode.mode();
    let mut files = Vec::new();
    let walk_errors = walk::files(
        &args.paths,
        |path| Kind::of(path).is_some(),
        Arc::new(DefaultExclusions::new()),
        |path| {
            files.push(path);
        },
    );
    files.sort();
    let checked = migrate_deps::check_files(&files);
    let named: Vec<PathBuf> = args
        .paths
        .iter()
        .filter_map(|path| fs::canonicalize(path).ok())
        .collect();
    let is_named = |path: &Path| {
        fs::canonicalize(path).is_ok_and(|path| named.iter().any(|root| path.starts_with(root)))
    };
    let mut notes: Vec<String> = checked
        .iter()
        .flat_map(|file| {
            file.unfollowed.iter().map(|url| {
                format!(
                    "note: {}: the include `{url}` is not followed (URLs are not read); \
                     download it and name it to check it",
                    file.path.display()
                )
            })
        })
        .collect();
    let reports: Vec<FileReport> = checked
        .iter()
        .map(|file| {
            if mode == Mode::Check || is_named(&file.path) {
                return report(file, mode);
            }
            // An include from outside the paths given is someone else's to change.
            let report = report(file, Mode::Check);
            if report.findings.iter().any(|finding| finding.fixable) {
                let path = file.path.display();
                notes.push(format!(
                    "note: {path} is included from the paths given but outside them, so it is \
                     not changed; to fix it: `migrate deps --fix {path}`"
                ));
            }
            report
        })
        .collect();
    let mut summary = Summary::default();
    for report in &reports {
        summary.add(report);
    }
    notes.extend(floor_notes(&checked));
    let errors: Vec<String> = walk_errors
        .iter()
        .map(|error| format!("{}: {}", error.path.display(), error.message))
        .collect();
    let printer = Printer {
        format: args.output_format,
        mode,
        statistics: false,
        show_fixes: false,
        color: false,
        cwd: std::env::current_dir()?,
    };
    output::run(
        &mut io::stdout().lock(),
        &errors,
        &reports,
        &summary,
        &printer,
        &notes,
    )?;
    Ok(exit_code(
        mode,
        &summary,
        walk_errors.len(),
        ExitFlags::default(),
    ))
}

/// Check, fix or diff one file.
fn report(file: &FileCheck, mode: Mode) -> FileReport {
    let mut report = FileReport {
        path: file.path.clone(),
        ..FileReport::default()
    };
    let (analysis, text, kind) = match (&file.outcome, &file.text, file.kind) {
        (Ok(analysis), Some(text), Some(kind)) => (analysis, text, kind),
        (Err(error), _, _) => {
            report.error = Some(error.clone());
            return report;
        }
        _ => unreachable!("a checked file has its text and kind"),
    };
    if mode == Mode::Check {
        report.findings = findings(text, &analysis.findings);
        return report;
    }
    let fixed = match migrate_deps::fix(kind, text) {
        Ok(fixed) => fixed,
        Err(error) => {
            report.error = Some(error);
            return report;
        }
    };
    report.findings = findings(&fixed.text, &fixed.remaining.findings);
    report.fixed = fixed.fixed;
    if fixed.text != *text {
        if mode == Mode::Diff {
            report.diff = Some(run::unified_diff(
                text,
                &fixed.text,
                &file.path.display().to_string(),
            ));
        } else if let Err(error) = run::write_atomically(&file.path, text.as_bytes(), &fixed.text) {
            report.error = Some(error);
            report.fixed = 0;
            report.findings = findings(text, &analysis.findings);
        }
        report.fixed_text = Some(fixed.text);
    }
    report
}

fn findings(text: &str, findings: &[migrate_deps::Finding]) -> Vec<Finding> {
    let source = SourceText::new(text);
    let offset = |at: usize| TextSize::try_from(at).unwrap_or_default();
    findings
        .iter()
        .map(|finding| {
            let about = About {
                code: finding.code,
                message: &finding.message,
                help: finding.help.as_deref(),
                fixable: finding.fix.is_some(),
            };
            let range = TextRange::new(offset(finding.range.start), offset(finding.range.end));
            Finding::new(&about, range, None, &|at| (None, &source, at))
        })
        .collect()
}

/// What the declared lower bound of numpy means for `migrate` on the project's code: one note
/// per NumPy floor in force for the folders of the files checked, and one per project that
/// declares none where `migrate` looks.
fn floor_notes(checked: &[FileCheck]) -> Vec<String> {
    let files: Vec<(PathBuf, &FileCheck)> = checked
        .iter()
        .filter(|file| file.outcome.is_ok())
        .filter_map(|file| Some((fs::canonicalize(&file.path).ok()?, file)))
        .collect();
    let projects = Projects::default();
    let mut declared: BTreeSet<(PathBuf, Version)> = BTreeSet::new();
    let mut undeclared: BTreeSet<PathBuf> = BTreeSet::new();
    for (path, _) in &files {
        let folder = path.parent().unwrap_or(Path::new("/"));
        match projects.declared_min_numpy(folder) {
            Some(DeclaredFloor { version, file }) => {
                declared.insert((file, version));
            }
            None => {
                undeclared.insert(projects.root(folder));
            }
        }
    }
    let mut notes: Vec<String> = declared
        .into_iter()
        .map(|(file, version)| {
            let checked = files
                .iter()
                .find(|(path, _)| *path == file)
                .map(|(_, file)| *file);
            let place = match checked.and_then(|checked| floor_of(checked, version)) {
                Some(place) => place,
                None => checked
                    .map_or(file, |checked| checked.path.clone())
                    .display()
                    .to_string(),
            };
            let meaning = if version < Version::NUMPY_2 {
                format!(
                    "`migrate` keeps fixed code working on NumPy {version} (its default \
                     `--min-numpy`) and reports, instead of applying, the fixes that need a \
                     newer NumPy; raise the bound to `numpy>=2.0` once you drop NumPy 1.x"
                )
            } else {
                format!(
                    "`migrate` fixes code for NumPy {version} and later (its default `--min-numpy`)"
                )
            };
            format!("note: {place} declares NumPy {version} as the oldest supported: {meaning}")
        })
        .collect();
    // A folder without a project file of its own belongs to the project around it.
    let outermost: Vec<&PathBuf> = undeclared
        .iter()
        .filter(|root| {
            !undeclared
                .iter()
                .any(|other| other != *root && root.starts_with(other))
        })
        .collect();
    for root in outermost {
        let inside: Vec<(&PathBuf, &FileCheck)> = files
            .iter()
            .filter(|(path, _)| path.starts_with(root))
            .map(|(path, file)| (path, *file))
            .collect();
        // The root as the command line spells it: the shown path of a file in it, cut as deep.
        let shown = inside
            .first()
            .and_then(|(path, file)| {
                let depth = path.components().count() - root.components().count();
                file.path.ancestors().nth(depth)
            })
            .filter(|folder| !folder.as_os_str().is_empty())
            .map_or_else(|| ".".to_string(), |folder| folder.display().to_string());
        let inside: Vec<&FileCheck> = inside.into_iter().map(|(_, file)| file).collect();
        let elsewhere = inside.iter().find_map(|file| {
            let floor = file.outcome.as_ref().ok()?.numpy_floor()?;
            Some((floor.version.parse::<Version>().ok()?, located(file, floor)))
        });
        notes.push(match elsewhere {
            Some((version, place)) => format!(
                "note: {shown}: no lower bound of numpy where `migrate` looks for one ({WHERE_MIGRATE_LOOKS}), \
                 so it fixes code for NumPy 2.0 and later; {place} declares NumPy {version}: pass `--min-numpy {version}` (or \
                 declare it in pyproject.toml) to keep fixed code working on NumPy {version}"
            ),
            None => format!(
                "note: {shown}: no lower bound of numpy is declared ({WHERE_MIGRATE_LOOKS}), \
                 so `migrate` fixes code for NumPy 2.0 and later (`--min-numpy 2.0`); declare the oldest NumPy you support, e.g. \
                 `numpy>=1.22`, to keep fixed code working on NumPy 1.x"
            ),
        });
    }
    notes
}

/// Where the NumPy floor of the code is read (see `migrate_rules::project`).
const WHERE_MIGRATE_LOOKS: &str = "the runtime requirements of the project's folder: \
    `[project]` and Poetry dependencies in pyproject.toml, setup.cfg, a literal \
    `install_requires` in setup.py, requirements*.txt and environment*.yml, not those for \
    development or building";

/// `path:line:col: \`requirement\`` of the numpy lower bound of `version` that `file` declares.
fn floor_of(file: &FileCheck, version: Version) -> Option<String> {
    let floor = file
        .outcome
        .as_ref()
        .ok()?
        .floors
        .iter()
        .find(|floor| floor.version.parse::<Version>().ok() == Some(version))?;
    Some(located(file, floor))
}

/// `path:line:col: \`requirement\`` of `floor` in `file`.
fn located(file: &FileCheck, floor: &migrate_deps::Floor) -> String {
    format!(
        "{}:{}:{}: `{}`",
        file.path.display(),
        floor.line,
        floor.column,
        floor.requirement
    )
}
