#!/usr/bin/env bash
# Write the seed corpora (not committed), one file each, named by a hash of its content:
# fuzz/corpus/fix/: every tests/fixtures/*.py, and every `example.before` (and the `before` of
# the worked `[[example]]` rows) of rules/numpy2.toml and rules/private_modules.toml;
# fuzz/corpus/requirements/: every dependency file under tests/fixtures/deps/, and each of
# their lines.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
out="$here/corpus/fix"
mkdir -p "$out"

for file in "$root"/tests/fixtures/*.py; do
    cp "$file" "$out/$(sha1sum <"$file" | cut -c1-16)"
done

python3 - "$out" "$root/rules/numpy2.toml" "$root/rules/private_modules.toml" <<'PY'
import hashlib, pathlib, sys, tomllib

out = pathlib.Path(sys.argv[1])

def befores(value):
    """Every `before` string anywhere in the table: `example.before`, `[[example]]` rows."""
    if isinstance(value, dict):
        if isinstance(value.get("before"), str):
            yield value["before"]
        for item in value.values():
            yield from befores(item)
    elif isinstance(value, list):
        for item in value:
            yield from befores(item)

count = 0
for table in sys.argv[2:]:
    with open(table, "rb") as f:
        for snippet in befores(tomllib.load(f)):
            data = snippet.encode()
            (out / hashlib.sha1(data).hexdigest()[:16]).write_bytes(data)
            count += 1
print(f"seed: {count} examples from the rule tables", file=sys.stderr)
PY
echo "seed: $(ls "$out" | wc -l) files in ${out#"$root/"}" >&2

out="$here/corpus/requirements"
mkdir -p "$out"
find "$root/tests/fixtures/deps" -type f ! -name '*.md' -print0 |
    while IFS= read -r -d '' file; do
        cp "$file" "$out/$(sha1sum <"$file" | cut -c1-16)"
        while IFS= read -r line; do
            printf '%s' "$line" >"$out/$(printf '%s' "$line" | sha1sum | cut -c1-16)"
        done <"$file"
    done
echo "seed: $(ls "$out" | wc -l) files in ${out#"$root/"}" >&2
