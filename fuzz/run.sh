#!/usr/bin/env bash
# Fuzz the fixer's invariants: fuzz/run.sh [SECONDS] (default 600); TARGET=requirements
# fuzzes the dependency readers instead.
#
# Installs cargo-fuzz when missing, writes the seed corpora (seed.sh), then runs the target
# (`fix` by default, with the dictionary python.dict) on one core. Works on the stable toolchain:
# RUSTC_BOOTSTRAP=1 lets stable rustc take the -Z flags cargo fuzz passes.
#
# Environment: SANITIZER: none by default (about 6 times as many executions per second as
# AddressSanitizer here, and the code under test has no unsafe of its own), or address;
# FUZZ_ARGS: more libFuzzer flags. Debug assertions are always on (the target requires them).
# libFuzzer's log: fuzz/artifacts/TARGET/fuzz-0.log; crashes: fuzz/artifacts/TARGET/crash-*.
# Minimize one: RUSTC_BOOTSTRAP=1 cargo fuzz tmin -s none fix fuzz/artifacts/fix/crash-...
set -euo pipefail
seconds="${1:-600}"
target="${TARGET:-fix}"
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"
export RUSTC_BOOTSTRAP=1

if ! cargo fuzz --version >/dev/null 2>&1; then
    cargo install cargo-fuzz --locked
fi
./seed.sh
mkdir -p "artifacts/$target"
dictionary=()
if [ "$target" = fix ]; then
    dictionary=(-dict="$here/python.dict")
fi

# -jobs=1 -workers=1: one fuzzing process on one core (libFuzzer then logs to fuzz-0.log in
# the current folder, hence the cd); -timeout: an input taking 10 s is reported as a hang.
cd "artifacts/$target"
# shellcheck disable=SC2086
cargo fuzz run --fuzz-dir "$here" -s "${SANITIZER:-none}" "$target" "$here/corpus/$target" -- \
    "${dictionary[@]}" \
    -max_total_time="$seconds" \
    -timeout=10 \
    -jobs=1 -workers=1 \
    -print_final_stats=1 \
    -artifact_prefix="$here/artifacts/$target/" \
    ${FUZZ_ARGS:-} || status=$?
# The summary: the last status lines, the totals, and any failure.
grep -aE '^#[0-9]+|^Done|^stat::|panicked|ERROR|SUMMARY|^artifact_prefix|Test unit written' fuzz-0.log \
    | grep -av 'NEW\|REDUCE' | tail -n 20 >&2 || true
ls "$here/artifacts/$target"/crash-* "$here/artifacts/$target"/timeout-* \
    "$here/artifacts/$target"/oom-* 2>/dev/null \
    | sed 's/^/found: /' >&2 || true
exit "${status:-0}"
