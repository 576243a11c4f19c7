//! `Pipfile.lock`, read with `serde_json`; raw values borrowed from the text give the places of
//! the locked versions.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::str::FromStr;

use pep508_rs::MarkerTree;
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::check::{Checker, Locked};

#[derive(Deserialize)]
struct Package<'a> {
    #[serde(borrow)]
    version: Option<&'a RawValue>,
    markers: Option<String>,
}

pub fn pipfile_lock(text: &str, base: usize, checker: &mut Checker<'_>) -> Result<(), String> {
    let invalid = |error: serde_json::Error| format!("not valid JSON: {error}");
    let sections: BTreeMap<Cow<'_, str>, &RawValue> =
        serde_json::from_str(text).map_err(invalid)?;
    for (section, packages) in &sections {
        if section.starts_with('_') {
            continue;
        }
        let Ok(packages) =
            serde_json::from_str::<BTreeMap<Cow<'_, str>, Package<'_>>>(packages.get())
        else {
            continue;
        };
        for (name, package) in &packages {
            let Some(raw) = package.version else {
                continue;
            };
            let Ok(version) = serde_json::from_str::<String>(raw.get()) else {
                continue;
            };
            let Some(version) = version.strip_prefix("==") else {
                continue;
            };
            let start = raw.get().as_ptr() as usize - text.as_ptr() as usize;
            checker.locked(&Locked {
                name,
                version,
                range: base + start..base + start + raw.get().len(),
                marker: package
                    .markers
                    .as_deref()
                    .map(|marker| MarkerTree::from_str(marker).unwrap_or(MarkerTree::TRUE)),
                how: "run `pipenv lock`".to_string(),
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::{Kind, analyze};

    #[test]
    fn pipfile_lock() {
        let text = r#"{
    "_meta": {"hash": {"sha256": "00"}, "pipfile-spec": 6},
    "default": {
        "numpy": {
            "hashes": ["sha256:01"],
            "index": "pypi",
            "markers": "python_version >= '3.9'",
            "version": "==1.26.4"
        },
        "pandas": {"version": "==2.2.2"}
    },
    "develop": {
        "scipy": {"version": "==1.11.4"},
        "numpy": {"version": "==1.24.4", "markers": "python_version < '3.9'"}
    }
}
"#;
        let analysis = analyze(Kind::PipfileLock, text).unwrap();
        assert_eq!(
            super::super::positions(&analysis),
            ["8:24 NP304", "13:30 NP304"]
        );
        assert!(
            analyze(Kind::PipfileLock, "{")
                .unwrap_err()
                .starts_with("not valid JSON")
        );
    }
}
