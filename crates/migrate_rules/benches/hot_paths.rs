//! The engine's hot paths with the NumPy 2 rules: the prefilter (most files stop there),
//! parsing and checking a file, and fixing one. `cargo bench -p migrate_rules`.
//!
//! The inputs are built here from snippets of ordinary scientific code so that the benches
//! need nothing downloaded; `bench/compare.sh` measures whole runs on real packages.

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use migrate_engine::lint;

/// Code that uses NumPy and needs no migration.
const CLEAN_NUMPY: &str = r##"
def normalize(values, axis=0, eps=1e-12):
    """Scale `values` to unit norm along `axis`."""
    values = np.asarray(values, dtype=np.float64)
    norms = np.sqrt(np.sum(values * values, axis=axis, keepdims=True))
    return values / np.maximum(norms, eps)


class Grid:
    def __init__(self, shape, spacing=1.0):
        self.shape = tuple(shape)
        self.spacing = spacing
        self.values = np.zeros(self.shape, dtype=np.float32)

    def coordinates(self):
        axes = [np.arange(n) * self.spacing for n in self.shape]
        return np.meshgrid(*axes, indexing="ij")
"##;

/// Code with no NumPy at all.
const PLAIN: &str = r##"
def parse_header(lines):
    """Split `key: value` lines into a dict, skipping comments."""
    header = {}
    for line in lines:
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, _, value = line.partition(":")
        header[key.strip().lower()] = value.strip()
    return header


class Cache:
    def __init__(self, size=128):
        self.size = size
        self.items = {}

    def get(self, key, default=None):
        return self.items.get(key, default)
"##;

/// Code with something to migrate in most functions.
const NEEDS_MIGRATION: &str = r##"
def legacy(values, out):
    values = np.array(values, copy=False)
    total = np.product(values.shape)
    spread = values.ptp()
    if np.any(np.isnan(values)) or np.Inf in values:
        values[np.in1d(values, [np.NaN])] = 0
    np.maximum(values, 0, out)
    return np.float_(total) * spread + np.trapz(values)
"##;

fn module(body: &str, copies: usize) -> String {
    format!("import os\nimport numpy as np\n{}", body.repeat(copies))
}

fn hot_paths(c: &mut Criterion) {
    let rules = migrate_rules::rule_set(&migrate_rules::Options::default());
    let path = Path::new("module.py");
    let plain = PLAIN.repeat(200);
    let clean = module(CLEAN_NUMPY, 200);
    let dirty = module(NEEDS_MIGRATION, 200);

    let mut group = c.benchmark_group("prefilter");
    for (name, source) in [
        ("without numpy", &plain),
        ("numpy, nothing to migrate", &clean),
    ] {
        group.throughput(Throughput::Bytes(source.len() as u64));
        group.bench_function(name, |b| {
            b.iter(|| rules.may_report(black_box(source), path))
        });
    }
    group.finish();

    let mut group = c.benchmark_group("parse and check");
    group.throughput(Throughput::Bytes(dirty.len() as u64));
    group.bench_function("needs migration", |b| {
        b.iter(|| lint::check(black_box(&dirty), path, &rules).expect("parses"))
    });
    group.finish();

    let mut group = c.benchmark_group("fix");
    group.throughput(Throughput::Bytes(dirty.len() as u64));
    group.bench_function("needs migration", |b| {
        b.iter(|| lint::fix(black_box(&dirty), path, &rules).expect("parses"))
    });
    group.finish();
}

criterion_group!(benches, hot_paths);
criterion_main!(benches);
