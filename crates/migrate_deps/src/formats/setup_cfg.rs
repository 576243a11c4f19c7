//! `setup.cfg`, read as `configparser` and setuptools read it: `[options]` `install_requires`,
//! `tests_require` (run time) and `setup_requires` (build time), and each key of
//! `[options.extras_require]`. A value on several lines holds one requirement a line; a value
//! on one line holds requirements separated by `;`.

use crate::check::{Checker, Context, Site, Syntax};

/// An option's value: its lines, each with its offset.
struct Option_<'a> {
    context: Context,
    lines: Vec<(usize, &'a str)>,
}

pub fn setup_cfg(text: &str, base: usize, checker: &mut Checker<'_>) -> Result<(), String> {
    let mut section = String::new();
    let mut current: Option<Option_<'_>> = None;
    let mut offset = 0;
    for (number, physical) in text.split_inclusive('\n').enumerate() {
        let line = physical.trim_end_matches(['\n', '\r']);
        let line_offset = offset;
        offset += physical.len();
        let trimmed = line.trim();
        if trimmed.starts_with(['#', ';']) {
            continue;
        }
        let indented = line.starts_with([' ', '\t']);
        if trimmed.is_empty() || (indented && current.is_some()) {
            if let Some(option) = &mut current {
                option.lines.push((line_offset, line));
            }
            continue;
        }
        flush(current.take(), base, checker);
        if let Some(header) = trimmed.strip_prefix('[') {
            let Some(name) = header.strip_suffix(']') else {
                return Err(format!("line {}: a section header without `]`", number + 1));
            };
            section = name.trim().to_ascii_lowercase();
            continue;
        }
        let Some(delimiter) = line.find(['=', ':']) else {
            if indented {
                continue;
            }
            return Err(format!(
                "line {}: neither a section, an option (`key = value`) nor a comment",
                number + 1
            ));
        };
        let key = line[..delimiter].trim().to_ascii_lowercase();
        let context = match (section.as_str(), key.as_str()) {
            ("options", "install_requires") => Some(Context::Runtime),
            ("options", "tests_require") => Some(Context::Development),
            ("options.extras_require", extra) => Some(Context::of_group(extra, Context::Extra)),
            ("options", "setup_requires") => Some(Context::Build),
            _ => None,
        };
        current = context.map(|context| Option_ {
            context,
            lines: vec![(line_offset + delimiter + 1, &line[delimiter + 1..])],
        });
    }
    flush(current, base, checker);
    Ok(())
}

fn flush(option: Option<Option_<'_>>, base: usize, checker: &mut Checker<'_>) {
    let Some(option) = option else {
        return;
    };
    let one_line = option
        .lines
        .iter()
        .skip(1)
        .all(|(_, line)| line.trim().is_empty());
    for (offset, line) in &option.lines {
        let line = without_comment(line);
        let parts: Vec<(usize, &str)> = if one_line {
            let mut start = 0;
            line.split(';')
                .map(|part| {
                    let at = start;
                    start += part.len() + 1;
                    (at, part)
                })
                .collect()
        } else {
            vec![(0, line)]
        };
        for (at, part) in parts {
            let requirement = part.trim();
            if requirement.is_empty() || requirement.starts_with("file:") {
                continue;
            }
            let lead = part.len() - part.trim_start().len();
            let site = Site::new(
                requirement,
                base + offset + at + lead,
                Syntax::Pep508,
                option.context,
            );
            checker.site(&site);
        }
    }
}

/// `line` up to an inline comment (` #`).
fn without_comment(line: &str) -> &str {
    line.find(" #").map_or(line, |at| &line[..at])
}

#[cfg(test)]
mod tests {
    use crate::{Kind, analyze, fix};

    const SETUP_CFG: &str = "[metadata]\nname = demo\n\n[options]\npython_requires = >=3.9\n\
        setup_requires =\n    oldest-supported-numpy\n    cython>=0.29\ninstall_requires =\n\
        \x20   numpy>=1.22,<2\n    # a comment line\n\n    scipy>=1.8,<1.13 ; python_version>='3.9'  # cap\n\
        tests_require = pytest; pandas==1.5.3\n\n[options.extras_require]\n\
        plot =\n\tmatplotlib>=3.5,<3.8\nall = numba<0.60\n\n[flake8]\nmax-line-length = 100\n";

    #[test]
    fn setup_cfg_options() {
        let analysis = analyze(Kind::SetupCfg, SETUP_CFG).unwrap();
        assert_eq!(
            super::super::positions(&analysis),
            [
                "7:5 NP302 *",
                "10:5 NP301 *",
                "13:5 NP303 *",
                "14:25 NP303 *",
                "18:2 NP303 *",
                "19:7 NP303 *"
            ]
        );
        let fixed = fix(Kind::SetupCfg, SETUP_CFG).unwrap();
        assert!(fixed.remaining.findings.is_empty());
        assert_eq!(
            fixed.text,
            SETUP_CFG
                .replace("    oldest-supported-numpy\n", "    numpy>=2.0\n")
                .replace("numpy>=1.22,<2", "numpy>=1.22")
                .replace("scipy>=1.8,<1.13 ;", "scipy>=1.8 ;")
                .replace("pandas==1.5.3", "pandas==2.2.2")
                .replace("matplotlib>=3.5,<3.8", "matplotlib>=3.5")
                .replace("numba<0.60", "numba")
        );
    }

    #[test]
    fn broken_setup_cfg_is_an_error() {
        assert!(analyze(Kind::SetupCfg, "[options\ninstall_requires = numpy\n").is_err());
        assert!(analyze(Kind::SetupCfg, "just words\n").is_err());
    }
}
