//! How many files of a tree each rule's triggers let through (the files the prefilter makes
//! `migrate` parse): `cargo run --release -p migrate_rules --example prefilter_counts DIR`;
//! with a rule's code after `DIR`, the files that rule alone lets through.
use std::path::{Path, PathBuf};

use migrate_rules::{CODES, Options, rule_set};

fn python_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            python_files(&path, out);
        } else if path.extension().is_some_and(|ext| ext == "py") {
            out.push(path);
        }
    }
}

fn main() {
    let root = PathBuf::from(std::env::args().nth(1).expect("a directory"));
    let mut files = Vec::new();
    python_files(&root, &mut files);
    let sources: Vec<(PathBuf, String)> = files
        .into_iter()
        .filter_map(|path| Some((path.clone(), std::fs::read_to_string(&path).ok()?)))
        .collect();
    let count = |select: Vec<String>, ignore: Vec<String>| {
        let rules = rule_set(&Options {
            select,
            ignore,
            ..Options::default()
        });
        sources
            .iter()
            .filter(|(path, source)| rules.may_report(source, path))
            .count()
    };
    if let Some(code) = std::env::args().nth(2) {
        let rules = rule_set(&Options {
            select: vec![code],
            ..Options::default()
        });
        for (path, source) in &sources {
            if rules.may_report(source, path) {
                println!("{}", path.display());
            }
        }
        return;
    }
    println!(
        "{} files; all rules let {} through",
        sources.len(),
        count(Vec::new(), Vec::new())
    );
    println!("rule  alone  all-but-it");
    for code in CODES {
        let code = (*code).to_string();
        println!(
            "{code} {:6} {:6}",
            count(vec![code.clone()], Vec::new()),
            count(Vec::new(), vec![code.clone()])
        );
    }
}
