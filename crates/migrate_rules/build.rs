//! Embeds the tables of `rules/` as JSON: the same data, which the binary reads at startup in
//! a fraction of the time TOML takes (an editor's save action starts one process per save).
//! A table that is not valid TOML fails the build, naming the file.

use std::path::PathBuf;
use std::{env, fs};

fn main() {
    let out_dir = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    for table in ["numpy2", "private_modules"] {
        let path = format!("../../rules/{table}.toml");
        println!("cargo::rerun-if-changed={path}");
        let text = fs::read_to_string(&path).unwrap_or_else(|error| panic!("{path}: {error}"));
        let value: toml::Value =
            toml::from_str(&text).unwrap_or_else(|error| panic!("rules/{table}.toml: {error}"));
        let json = serde_json::to_string(&value).expect("TOML values are JSON values");
        fs::write(out_dir.join(format!("{table}.json")), json).expect("OUT_DIR is writable");
    }
}
