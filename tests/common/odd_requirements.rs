//! Requirement strings that parsers get wrong, and the dependency files that hold them: what the
//! no-panic tests of `migrate_deps` and `migrate_rules` (unit tests, which include this file)
//! and of the binary (`tests/deps.rs`) feed every reader.

/// Names ending in `-`, `.` or `_` (which `pep508_rs` 0.9 panics on), empty and odd extras,
/// URLs, markers, versions and unicode, each after several names.
pub fn odd_requirements() -> Vec<String> {
    let names = [
        "numpy", "numpy-", "numpy.", "numpy_", "x-", "a--", "b-.", "n_-", "ñumpy", "numpy-ñ",
    ];
    let rests = [
        "",
        "<2",
        "-<2",
        "==1",
        ">=1.22,<2",
        "[x]",
        "[]",
        "[,]",
        "[x-]",
        "[x-,y]",
        "[ x. ]",
        "[x",
        "]",
        "@ https://x",
        " @ file:///tmp/x-",
        "@",
        " ; python_version<'3'",
        ";",
        "; extra == 'x-'",
        "; python_version ~= '3'",
        "; python_version in '3.8 3.9'",
        "; 'a' < 'b'",
        "; os_name == 'nt' and (",
        "; python_full_version >= '3.9' or platform_release < '5'",
        " (>=1)",
        " (",
        "~=",
        "~=1",
        "===x",
        "==1.*.*",
        "==1.26.*,!=1.26.1",
        ">=1.2.3.4.5.6.7.8",
        "==1.0+local-",
        ">=1!2",
        ">=１.２",
        "^1.24 || ~1",
        "=1.26=py_0",
        ">=1.22|1.19.*",
        "<2.0.0rc1",
        " 1.26",
    ];
    let mut all: Vec<String> = names
        .iter()
        .flat_map(|name| rests.iter().map(move |rest| format!("{name}{rest}")))
        .collect();
    all.extend(
        [
            "",
            " ",
            "-",
            ".",
            "_",
            "[",
            "@",
            ";",
            "#",
            "\\",
            "\"",
            "'",
            "-r",
            "-e .",
            "--hash",
            "numpy # comment",
            "numpy\u{feff}",
            "\u{200b}numpy-<2",
            "conda-forge::numpy-",
            "numpy-base=1.26",
            "oldest-supported-numpy-",
            "pandas_==1.5.3",
        ]
        .map(str::to_string),
    );
    all
}

/// Files holding every one of `requirements` where a requirement goes, by name: requirements,
/// `pyproject.toml` (`[project]`, extras, build requirements, dependency groups, Poetry),
/// `setup.cfg`, `setup.py`, `environment.yml` (conda and pip) and `Pipfile`.
pub fn files_holding(requirements: &[String]) -> Vec<(&'static str, String)> {
    // TOML's and Python's double-quoted strings escape the same two characters.
    let quoted = |requirement: &String| {
        format!(
            "\"{}\"",
            requirement.replace('\\', "\\\\").replace('"', "\\\"")
        )
    };
    let quoted_list = requirements
        .iter()
        .map(quoted)
        .collect::<Vec<_>>()
        .join(", ");
    let yaml = |requirement: &String| format!("'{}'", requirement.replace('\'', "''"));
    let lines = requirements.join("\n");
    let indented: String = requirements
        .iter()
        .map(|requirement| format!("    {requirement}\n"))
        .collect();
    let poetry: String = requirements
        .iter()
        .enumerate()
        .map(|(at, requirement)| format!("p{at} = {}\n", quoted(requirement)))
        .collect();
    let conda: String = requirements
        .iter()
        .map(|requirement| format!("  - {}\n", yaml(requirement)))
        .collect();
    let pip: String = requirements
        .iter()
        .map(|requirement| format!("      - {}\n", yaml(requirement)))
        .collect();
    vec![
        ("requirements.txt", format!("{lines}\n")),
        (
            "pyproject.toml",
            format!(
                "[build-system]\nrequires = [{quoted_list}]\n[project]\nname = 'x'\n\
                 dependencies = [{quoted_list}]\n[project.optional-dependencies]\n\
                 extra = [{quoted_list}]\n[dependency-groups]\ndev = [{quoted_list}]\n\
                 [tool.poetry.dependencies]\n{poetry}\
                 numpy = [{{ version = \"^1.24\", python = \"<3.12\" }}]\n"
            ),
        ),
        (
            "setup.cfg",
            format!(
                "[options]\ninstall_requires =\n{indented}setup_requires =\n{indented}\
                 [options.extras_require]\nall =\n{indented}"
            ),
        ),
        (
            "setup.py",
            format!(
                "from setuptools import setup\nsetup(install_requires=[{quoted_list}], \
                 setup_requires=[{quoted_list}])\n"
            ),
        ),
        (
            "environment.yml",
            format!("dependencies:\n{conda}  - pip:\n{pip}"),
        ),
        ("Pipfile", format!("[packages]\n{poetry}")),
    ]
}
