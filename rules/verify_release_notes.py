#!/usr/bin/env python3
"""Run the `check` snippet of every `[[change]]` of rules/release_notes.toml under NumPy 1.x
and NumPy 2.x, and compare what NumPy 2.x does with the row's `runtime`.

    python3 rules/verify_release_notes.py NUMPY1_PYTHON NUMPY2_PYTHON [ID ...]

e.g. /work/np-venvs/np126/bin/python (NumPy 1.26.4) and /work/np-venvs/np25/bin/python
(NumPy 2.5.5). Standard library only (Python >= 3.11, for tomllib).

Each snippet runs in a fresh process of each interpreter, with every warning recorded. It must
run without an exception under NumPy 1.x. Under NumPy 2.x its outcome is, first match wins:
`error` (it raises), `deprecation` (it warns with DeprecationWarning, PendingDeprecationWarning,
FutureWarning or NumPy's VisibleDeprecationWarning: an error under
`-W error::DeprecationWarning` for the first), `warning` (another warning), `changed` (it prints
something else than under NumPy 1.x), `same`.

A row's `after` is the fix written out: it must run under both without an exception, under
NumPy 2.x without any warning, and print under both what `check` prints under NumPy 1.x.

The script prints one line per row and exits with 1 when an outcome is not the row's `runtime`
or an `after` does not hold.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

TABLE = Path(__file__).resolve().parent / "release_notes.toml"

# Runs one snippet (argv[1]) and prints what happened as JSON.
RUNNER = r"""
import contextlib, io, json, sys, warnings
out = io.StringIO()
error = None
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    try:
        with contextlib.redirect_stdout(out):
            exec(compile(sys.argv[1], "<check>", "exec"), {"__name__": "__main__"})
    except BaseException as exc:
        error = f"{type(exc).__name__}: {exc}"
print(json.dumps({
    "error": error,
    "warnings": [f"{w.category.__name__}: {w.message}" for w in caught],
    "output": out.getvalue(),
}))
"""

DEPRECATIONS = (
    "DeprecationWarning",
    "PendingDeprecationWarning",
    "FutureWarning",
    "VisibleDeprecationWarning",
)


def run(python: str, snippet: str) -> dict:
    done = subprocess.run(
        [python, "-c", RUNNER, snippet], capture_output=True, text=True, timeout=120
    )
    if done.returncode != 0:
        return {"error": f"interpreter failed: {done.stderr.strip()}", "warnings": [], "output": ""}
    return json.loads(done.stdout.splitlines()[-1])


def outcome(old: dict, new: dict) -> str:
    if new["error"]:
        return "error"
    categories = [warning.split(":", 1)[0] for warning in new["warnings"]]
    if any(category in DEPRECATIONS for category in categories):
        return "deprecation"
    if categories:
        return "warning"
    return "changed" if new["output"] != old["output"] else "same"


def after_verdict(old: dict, after_old: dict, after_new: dict) -> str:
    """`, after ok`, or what is wrong with the fix."""
    for name, result in (("1.x", after_old), ("2.x", after_new)):
        if result["error"]:
            return f", AFTER FAILS ON {name}: {first_line(result)}"
        if result["output"] != old["output"]:
            return f", AFTER PRINTS OTHERWISE ON {name}: {first_line(result)}"
    if after_new["warnings"]:
        return f", AFTER WARNS ON 2.x: {first_line({**after_new, 'error': None})}"
    return ", after ok"


def first_line(result: dict) -> str:
    if result["error"]:
        return result["error"].splitlines()[0][:110]
    if result["warnings"]:
        return result["warnings"][0].splitlines()[0][:110]
    return result["output"].strip().replace("\n", " | ")[:110]


def main() -> int:
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    old_python, new_python, *only = sys.argv[1:]
    changes = tomllib.loads(TABLE.read_text(encoding="utf-8"))["change"]
    checked = [c for c in changes if "check" in c and (not only or c["id"] in only)]
    with ThreadPoolExecutor(max_workers=2) as pool:
        olds = list(pool.map(lambda c: run(old_python, c["check"]), checked))
        news = list(pool.map(lambda c: run(new_python, c["check"]), checked))
        fixed = [c for c in checked if "after" in c]
        after_olds = dict(zip((c["id"] for c in fixed), pool.map(lambda c: run(old_python, c["after"]), fixed)))
        after_news = dict(zip((c["id"] for c in fixed), pool.map(lambda c: run(new_python, c["after"]), fixed)))
    failures = 0
    for change, old, new in zip(checked, olds, news):
        if old["error"]:
            verdict = f"FAILS ON NUMPY 1.x: {first_line(old)}"
        else:
            seen = outcome(old, new)
            verdict = "ok" if seen == change["runtime"] else f"MISMATCH (saw {seen})"
            if change["id"] in after_olds:
                verdict += after_verdict(old, after_olds[change["id"]], after_news[change["id"]])
        failures += verdict not in ("ok", "ok, after ok")
        old_warned = f" [1.x warns: {first_line({**old, 'error': None})}]" if old["warnings"] else ""
        print(f"{change['id']}: {change['runtime']}: {verdict}: {first_line(new)}{old_warned}")
    unchecked = [c["id"] for c in changes if "check" not in c]
    print(f"\n{len(checked)} checked, {failures} failed; {len(unchecked)} rows have no check")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
