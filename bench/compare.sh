#!/usr/bin/env bash
# migrate against Ruff's NPY201 and against reading the bytes, on the `before/` corpus
# (real packages' sources from PyPI, fetched by shared/corpus/fetch.sh).
#
# Usage: bench/compare.sh [RUNS]      (RUNS: timed runs per command, default 10)
#
# Prints the median wall time of each command and the ratios the speed targets are about:
#   check      migrate --check vs ruff check --select NPY201 --no-cache --isolated vs `cat`,
#              and migrate's own NPY201 counterpart alone (--select NP201)
#   fix        the same with --fix, each on a fresh copy of the corpus
#   peak RSS   of each, from /usr/bin/time
#   scaling    migrate --check on the corpus copied x1, x2 and x4
#   stdin      one small file through `migrate --fix -` (the editor's path)
# Installs what it needs: hyperfine (apt-get) and Ruff (pip, in target/ruff-venv).
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-10}"
work="$PWD/target/bench"
mkdir -p "$work"

shared=""
for candidate in "${MIGRATE_SHARED:-}" ../shared /work/shared; do
  if [[ -n "$candidate" && -x "$candidate/corpus/fetch.sh" ]]; then shared=$candidate; break; fi
done
[[ -n "$shared" ]] || { echo "shared/corpus/fetch.sh not found: set MIGRATE_SHARED" >&2; exit 1; }
corpus_root="$PWD/target/corpus"
echo "fetching the corpus into $corpus_root ..." >&2
bash "$shared/corpus/fetch.sh" "$corpus_root" > "$work/fetch.log"
corpus="$corpus_root/before"

if ! command -v hyperfine >/dev/null; then
  echo "installing hyperfine ..." >&2
  if [[ $(id -u) == 0 ]]; then apt-get install -y -q hyperfine >&2; else sudo apt-get install -y -q hyperfine >&2; fi
fi
ruff="$PWD/target/ruff-venv/bin/ruff"
if ! "$ruff" --version 2>/dev/null | grep -q "0.17.6"; then
  echo "installing ruff ..." >&2
  python3 -m venv target/ruff-venv
  target/ruff-venv/bin/pip install -q ruff==0.17.6
fi
cargo build --release -q
migrate="$PWD/target/release/migrate"

# What both tools check: Python files and notebooks.
sources="\\( -name '*.py' -o -name '*.pyi' -o -name '*.ipynb' \\)"
files=$(eval "find $corpus $sources" | wc -l)
bytes=$(eval "find $corpus $sources -print0" | xargs -0 cat | wc -c)
echo "corpus: $files files, $((bytes / 1000000)) MB; $(nproc) cores; $("$ruff" --version); migrate $("$migrate" --version | cut -d' ' -f2)"
echo

read_all="find $corpus $sources -print0 | xargs -0 cat > /dev/null"
ruff_check="$ruff check --select NPY201 --no-cache --isolated -q $corpus"
hyperfine --style none --warmup 2 --runs "$runs" -i --export-json "$work/check.json" \
  -n cat "$read_all" \
  -n ruff "$ruff_check" \
  -n migrate "$migrate --check $corpus" \
  -n migrate-np201 "$migrate --check --select NP201 $corpus" > /dev/null

copy="$work/copy"
fresh_copy="rm -rf $copy && cp -r $corpus $copy"
hyperfine --style none --warmup 1 --runs "$runs" -i --export-json "$work/fix.json" \
  --prepare "$fresh_copy" \
  -n ruff "$ruff check --select NPY201 --fix --no-cache --isolated -q $copy" \
  -n migrate "$migrate --fix $copy" > /dev/null

# Peak RSS: the median of three runs of each.
peak_rss() {
  for _ in 1 2 3; do
    /usr/bin/time -f "%M" "$@" 2>&1 >/dev/null | tail -n1
  done | sort -n | sed -n 2p
}
{
  echo "ruff-check $(peak_rss $ruff_check)"
  echo "migrate-check $(peak_rss "$migrate" --check "$corpus")"
  eval "$fresh_copy"
  echo "ruff-fix $(peak_rss "$ruff" check --select NPY201 --fix --no-cache --isolated -q "$copy")"
  eval "$fresh_copy"
  echo "migrate-fix $(peak_rss "$migrate" --fix "$copy")"
} > "$work/rss.txt"

# Scaling: the corpus copied twice and four times (hard links: the same bytes, other paths).
for times in 2 4; do
  scaled="$work/x$times"
  if [[ ! -d "$scaled" ]]; then
    mkdir -p "$scaled"
    for copy_index in $(seq "$times"); do cp -al "$corpus" "$scaled/$copy_index"; done
  fi
done
hyperfine --style none --warmup 1 --runs "$runs" -i --export-json "$work/scaling.json" \
  -n x1 "$migrate --check $corpus" \
  -n x2 "$migrate --check $work/x2" \
  -n x4 "$migrate --check $work/x4" > /dev/null

# The editor's path: a small file on stdin, its fixed source on stdout.
hyperfine --style none --warmup 20 --runs 200 -i --export-json "$work/stdin.json" \
  -n stdin "$migrate --fix - < examples/sample/analysis.py" > /dev/null

python3 bench/report.py "$work"
