//! One parser per kind of file. Each finds the requirements (and locked versions) with their
//! places in the file and hands them to the [`Checker`].

mod conda;
mod pipfile_lock;
mod requirements;
mod setup_cfg;
mod toml_files;

use crate::check::Checker;
use crate::{Analysis, Kind};

pub fn analyze(kind: Kind, text: &str) -> Result<Analysis, String> {
    let mut checker = Checker::new(text);
    // A byte order mark is not part of any format's syntax.
    let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let body = &text[bom..];
    match kind {
        Kind::Pyproject => toml_files::pyproject(body, bom, &mut checker)?,
        Kind::Pipfile => toml_files::pipfile(body, bom, &mut checker)?,
        Kind::UvLock | Kind::PoetryLock | Kind::Pylock => {
            toml_files::lock(kind, body, bom, &mut checker)?;
        }
        Kind::Requirements => requirements::requirements(body, bom, &mut checker),
        Kind::SetupCfg => setup_cfg::setup_cfg(body, bom, &mut checker)?,
        Kind::Conda => conda::environment(body, bom, &mut checker)?,
        Kind::PipfileLock => pipfile_lock::pipfile_lock(body, bom, &mut checker)?,
    }
    checker.finish()
}

/// `line:column CODE` of each finding, ` *` marking the fixable ones: what the tests of the
/// formats compare.
#[cfg(test)]
pub fn positions(analysis: &Analysis) -> Vec<String> {
    analysis
        .findings
        .iter()
        .map(|finding| {
            let mark = if finding.fix.is_some() { " *" } else { "" };
            format!("{}:{} {}{mark}", finding.line, finding.column, finding.code)
        })
        .collect()
}
