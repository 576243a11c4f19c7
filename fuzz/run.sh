#!/usr/bin/env bash
# Fuzz the fixer's invariants: fuzz/run.sh [SECONDS] (default 600).
#
# Installs cargo-fuzz when missing, writes the seed corpus (seed.sh), then runs the `fix`
# target on one core with the dictionary python.dict. Works on the stable toolchain:
# RUSTC_BOOTSTRAP=1 lets stable rustc take the -Z flags cargo fuzz passes.
#
# Environment: SANITIZER: none by default (about 6 times as many executions per second as
# AddressSanitizer here, and the code under test has no unsafe of its own), or address;
# FUZZ_ARGS: more libFuzzer flags. Debug assertions are always on (the target requires them).
# libFuzzer's log: fuzz/artifacts/fix/fuzz-0.log; crashes: fuzz/artifacts/fix/crash-*.
# Minimize one: RUSTC_BOOTSTRAP=1 cargo fuzz tmin -s none fix fuzz/artifacts/fix/crash-...
set -euo pipefail
seconds="${1:-600}"
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"
export RUSTC_BOOTSTRAP=1

if ! cargo fuzz --version >/dev/null 2>&1; then
    cargo install cargo-fuzz --locked
fi
./seed.sh
mkdir -p artifacts/fix

# -jobs=1 -workers=1: one fuzzing process on one core (libFuzzer then logs to fuzz-0.log in
# the current folder, hence the cd); -timeout: an input taking 10 s is reported as a hang.
cd artifacts/fix
# shellcheck disable=SC2086
cargo fuzz run --fuzz-dir "$here" -s "${SANITIZER:-none}" fix "$here/corpus/fix" -- \
    -dict="$here/python.dict" \
    -max_total_time="$seconds" \
    -timeout=10 \
    -jobs=1 -workers=1 \
    -print_final_stats=1 \
    -artifact_prefix="$here/artifacts/fix/" \
    ${FUZZ_ARGS:-} || status=$?
# The summary: the last status lines, the totals, and any failure.
grep -aE '^#[0-9]+|^Done|^stat::|panicked|ERROR|SUMMARY|^artifact_prefix|Test unit written' fuzz-0.log \
    | grep -av 'NEW\|REDUCE' | tail -n 20 >&2 || true
ls "$here"/artifacts/fix/crash-* "$here"/artifacts/fix/timeout-* "$here"/artifacts/fix/oom-* 2>/dev/null \
    | sed 's/^/found: /' >&2 || true
exit "${status:-0}"
