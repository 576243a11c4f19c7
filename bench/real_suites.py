#!/usr/bin/env python3
"""Real test suites before and after `migrate --fix`.

For each package of PACKAGES (pure Python, the last release before it supported NumPy 2, tests
shipped in the sdist) this downloads the sdist from PyPI (checked against the pinned sha256),
runs the package's own pytest suite on NumPy 1.26 and on NumPy 2.5 (two virtual environments
on one Python 3.12, every package pinned), then runs `migrate --fix` on a fresh copy of the
package source, checks that a second `--fix` changes nothing, and runs both suites again.

Per package it prints the tests that pass on 1.26 but not on 2.5 before the fix, those the fix
restores, those left (grouped by cause: the first error line and the package source line that
raised it), and any regression (passed before the fix, not after) on 1.26 and on 2.5. A test
counts as passed when pytest's JUnit XML reports it passed; a test missing from a run (its
module did not import) has not passed.

Exit status 1 when there is a regression, when a second `--fix` changes something, or when a
failure is left that KNOWN_LEFT does not explain (`--expect-left PKG=N` tolerates N such);
2 when the check itself cannot run (download, virtual environment, migrate crashing).

Everything lives under --work (default target/real-suites): sdists/, venvs/, results/ (the
"before" runs, which do not depend on the binary, cached per sdist and environment; --rerun
ignores the cache), runs/ (the trees tested) and logs/ (pytest and migrate output, the diff
of the fix). Standard library only.
"""

import argparse
import difflib
import glob
import hashlib
import html.parser
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import time
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PYTHON = "3.12"
NUMPY_OLD = "1.26.4"
NUMPY_NEW = "2.5.5"
# Every package in the environments, dependencies included (installed with --no-deps), so a
# run next year installs the same thing.
PINS = [
    "pytest==7.4.4",
    "iniconfig==2.3.1",
    "packaging==26.4",
    "pluggy==1.7.0",
    "pytest-subtests==0.11.0",
    "attrs==26.1.0",
    "pytest-benchmark==4.0.0",
    "py-cpuinfo==9.0.0",
    "six==1.17.0",
    "typing_extensions==4.16.0",
]
PYTEST_FLAGS = [
    "-p",
    "no:cacheprovider",
    "-o",
    "addopts=",
    "-W",
    "ignore",
    "--continue-on-collection-errors",
    "-q",
]

# name (as on PyPI's simple index), version, sdist file and its sha256, the folder `migrate
# --fix` runs on (the package, its tests included, as a user would), extra pytest arguments.
PACKAGES = [
    {
        "name": "quantities",
        "version": "0.15.0",
        "file": "quantities-0.15.0.tar.gz",
        "sha256": "9ea31e2a0d7517cf24d546b14146def9292639993a616cca61b875ef796b4b2b",
        "fix": "quantities",
        "pytest": [],
    },
    {
        "name": "patsy",
        "version": "0.5.6",
        "file": "patsy-0.5.6.tar.gz",
        "sha256": "95c6d47a7222535f84bff7f63d7303f2e297747a598db89cf5c67f0c0c7d2cdb",
        "fix": "patsy",
        "pytest": [],
    },
    {
        "name": "pint",
        "version": "0.23",
        "file": "Pint-0.23.tar.gz",
        "sha256": "e1509b91606dbc52527c600a4ef74ffac12fff70688aff20e9072409346ec9b4",
        "fix": "pint",
        # Benchmarks run once, as tests: timed rounds take minutes and fail on a busy machine.
        "pytest": ["--benchmark-disable"],
    },
]

# Left failures listed per cause on stdout; every one goes to logs/<package>-left.tsv.
SHOWN = 20

# Failures left after the fix that no codemod can fix, per package: (regex on the cause, why).
KNOWN_LEFT = {
    "quantities": [
        (r"^KeyError: 1$",
         "np.sctypeDict lost its integer keys (type numbers) in 2.0; the test reads them "
         "through a loop variable, and no name replaces them"),
        (r"^KeyError: <ufunc 'trunc'>$",
         "np.fix calls the ufunc np.trunc since 2.0, which quantities' table of unit-aware "
         "ufuncs lacks: a behaviour change inside NumPy, not in the source"),
        (r"^AssertionError: False is not true$",
         "NEP 50 promotion: float32 times a Python float stays float32 on 2.x, a value the "
         "test compares with what 1.x computed; nothing in the source spells it"),
    ],
    "pint": [
        (r"has no attribute 'cumproduct'",
         "the removed name is a string in a loop over names looked up with getattr(np, name); "
         "dropping it from the loop would remove Pint's np.cumproduct support on NumPy 1.x, "
         "so no exact fix exists (Pint 0.24 dropped it)"),
    ],
}


class Broken(Exception):
    """The check itself could not run."""


def log(message):
    print(message, flush=True)


def run(args, cwd=None, env=None, timeout=1800, output=None):
    """Run a command; its output goes to `output` (a path) or is returned."""
    with open(output, "w") if output else open(os.devnull, "w") as sink:
        try:
            done = subprocess.run(
                [str(arg) for arg in args],
                cwd=cwd,
                env=env,
                stdout=sink if output else subprocess.PIPE,
                stderr=subprocess.STDOUT,
                timeout=timeout,
                text=True,
            )
        except subprocess.TimeoutExpired:
            raise Broken(f"timed out after {timeout} s: {' '.join(map(str, args))}")
    return done.returncode, done.stdout


# --- sdists -------------------------------------------------------------------------------


class Links(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.hrefs += [value for key, value in attrs if key == "href"]


def fetch(url):
    for attempt in range(3):
        try:
            with urllib.request.urlopen(url, timeout=60) as response:
                return response.read()
        except OSError as error:
            if attempt == 2:
                raise Broken(f"cannot fetch {url}: {error}")
            time.sleep(5)


def sdist(package, work):
    """The sdist, from the cache or from PyPI's simple index, its sha256 checked."""
    path = work / "sdists" / package["file"]
    if not path.exists():
        index = f"https://pypi.org/simple/{package['name']}/"
        links = Links()
        links.feed(fetch(index).decode())
        urls = [
            href
            for href in links.hrefs
            if href.split("#")[0].rsplit("/", 1)[-1] == package["file"]
        ]
        if not urls:
            raise Broken(f"{package['file']} is not on {index}")
        url, _, fragment = urls[0].partition("#")
        if fragment != f"sha256={package['sha256']}":
            raise Broken(f"{index} gives {fragment or 'no hash'} for {package['file']}")
        data = fetch(urllib.parse.urljoin(index, url))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.with_suffix(".part").write_bytes(data)
        path.with_suffix(".part").rename(path)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != package["sha256"]:
        raise Broken(f"{path}: sha256 {digest}, expected {package['sha256']}")
    return path


def unpack(archive, into):
    """A fresh copy of the sdist's tree at `into`."""
    if into.exists():
        shutil.rmtree(into)
    into.parent.mkdir(parents=True, exist_ok=True)
    scratch = into.with_name(into.name + ".unpack")
    shutil.rmtree(scratch, ignore_errors=True)
    if archive.name.endswith(".zip"):
        with zipfile.ZipFile(archive) as zipped:
            zipped.extractall(scratch)
    else:
        with tarfile.open(archive) as tarred:
            tarred.extractall(scratch, filter="data")
    (top,) = scratch.iterdir()
    top.rename(into)
    scratch.rmdir()


# --- environments -------------------------------------------------------------------------


def python312(given):
    candidates = [given] if given else []
    candidates += [shutil.which(f"python{PYTHON}")]
    candidates += sorted(glob.glob(os.path.expanduser(f"~/.pyenv/versions/{PYTHON}*/bin/python{PYTHON}")))
    for candidate in filter(None, candidates):
        code, out = run([candidate, "-c", "import sys; print(sys.version.split()[0])"])
        if code == 0 and out.startswith(PYTHON + "."):
            return candidate, out.strip()
    raise Broken(f"no Python {PYTHON} found (pass --python)")


def venv(work, python, numpy):
    """A virtual environment with NumPy `numpy` and PINS, made once."""
    spec = "\n".join([python[1], f"numpy=={numpy}", *PINS]) + "\n"
    path = work / "venvs" / f"numpy-{numpy}"
    stamp = path / "real-suites-spec.txt"
    if stamp.exists() and stamp.read_text() == spec:
        return path
    log(f"making {path} (Python {python[1]}, NumPy {numpy})")
    shutil.rmtree(path, ignore_errors=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    for args in (
        [python[0], "-m", "venv", path],
        [path / "bin/python", "-m", "pip", "install", "-q", "--no-deps", "--only-binary=:all:",
         f"numpy=={numpy}", *PINS],
    ):
        code, out = run(args)
        if code != 0:
            raise Broken(f"{' '.join(map(str, args))} failed:\n{out}")
    stamp.write_text(spec)
    return path


# --- test runs ----------------------------------------------------------------------------

ERROR_LINE = re.compile(r"^E\s+(\S.*)$", re.M)
# `path.py:12: in function` or `path.py:12: ValueError`: a frame of the traceback in the
# package's own tree (relative to it; not `/usr/...`, `../venvs/...` or `<frozen ...>`).
FRAME = re.compile(r"^([^\s/<.][^:\s]*\.py):(\d+): ", re.M)


def cause(element):
    """The first error line of a failure, and the last frame in the package's own source."""
    text = element.text or ""
    first = ERROR_LINE.search(text)
    line = first.group(1) if first else (element.get("message") or element.tag).splitlines()[0]
    frames = FRAME.findall(text)
    where = f"{frames[-1][0]}:{frames[-1][1]}" if frames else ""
    return re.sub(r" at 0x[0-9a-f]+", "", line.strip()), where


def outcomes(junit):
    """{test id: [status, cause, where]} and {module: (cause, where)} of collection errors."""
    tests, broken_modules = {}, {}
    for case in ET.parse(junit).getroot().iter("testcase"):
        classname, name = case.get("classname") or "", case.get("name") or ""
        bad = [child for child in case if child.tag in ("failure", "error")]
        if not classname:
            # A module (or the root conftest, name "") that failed to import.
            if bad:
                broken_modules[name] = cause(bad[0])
            continue
        key = f"{classname}::{name}"
        status = "failed" if bad else "skipped" if case.find("skipped") is not None else "passed"
        old = tests.get(key)
        if old is None or old[0] == "passed" or status == "failed":
            tests[key] = [status, *cause(bad[0])] if bad else [status, "", ""]
    return tests, broken_modules


def suite(package, tree, environment, label, work, timeout):
    junit = work / "logs" / f"{package['name']}-{label}.xml"
    started = time.monotonic()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTEST_ADDOPTS")}
    env.update(PYTHONDONTWRITEBYTECODE="1", PYTHONHASHSEED="0", MPLBACKEND="Agg")
    code, _ = run(
        [environment / "bin/python", "-m", "pytest", *PYTEST_FLAGS, f"--junitxml={junit}",
         *package["pytest"]],
        cwd=tree,
        env=env,
        timeout=timeout,
        output=work / "logs" / f"{package['name']}-{label}.txt",
    )
    if not junit.exists():
        raise Broken(f"pytest wrote no report (exit {code}); see {junit.with_suffix('.txt')}")
    tests, broken_modules = outcomes(junit)
    return {"tests": tests, "broken_modules": broken_modules,
            "seconds": round(time.monotonic() - started, 1)}


def passed(result):
    return {key for key, (status, _, _) in result["tests"].items() if status == "passed"}


def why_not(result, key):
    """Why `key` did not pass in `result`: its failure, or the import error of its module."""
    if key in result["tests"]:
        status, line, where = result["tests"][key]
        return (line or status), where
    classname = key.split("::")[0]
    for module, (line, where) in sorted(result["broken_modules"].items(), key=lambda m: -len(m[0])):
        if module == "" or classname == module or classname.startswith(module + "."):
            return f"not collected: {line}", where
    return "not run", ""


# --- migrate ------------------------------------------------------------------------------


def snapshot(tree):
    return {
        path.relative_to(tree).as_posix(): path.read_bytes()
        for path in sorted(tree.rglob("*"))
        if path.is_file()
    }


def migrate_fix(binary, package, tree, work):
    """`migrate --fix` on the package, twice: what the first changed, whether the second did."""
    before = snapshot(tree)
    report = work / "logs" / f"{package['name']}-fix.txt"
    command = [binary, "--fix", "--exit-zero", package["fix"]]
    code, _ = run(command, cwd=tree, output=report)
    if code != 0:
        raise Broken(f"migrate --fix exited {code}; see {report}")
    after = snapshot(tree)
    code, _ = run(command, cwd=tree, output=report.with_name(f"{package['name']}-fix2.txt"))
    if code != 0:
        raise Broken(f"the second migrate --fix exited {code}")
    again = snapshot(tree)
    diff = []
    for name in sorted(set(before) | set(after)):
        old, new = before.get(name, b""), after.get(name, b"")
        if old != new:
            diff += difflib.unified_diff(
                old.decode(errors="replace").splitlines(keepends=True),
                new.decode(errors="replace").splitlines(keepends=True),
                f"a/{name}",
                f"b/{name}",
            )
    (work / "logs" / f"{package['name']}-fix.diff").write_text("".join(diff))
    lines = [line for line in report.read_text().splitlines() if line.strip()]
    return {
        "files": sum(1 for name in set(before) | set(after) if before.get(name) != after.get(name)),
        "added": sum(1 for line in diff if line.startswith("+") and not line.startswith("+++")),
        "removed": sum(1 for line in diff if line.startswith("-") and not line.startswith("---")),
        "second_fix_changed": sorted(name for name in after if again.get(name) != after[name]),
        "summary": lines[-1] if lines else "",
    }


# --- the check ----------------------------------------------------------------------------


def before_runs(package, archive, environments, work, rerun, timeout):
    """The suites on the unfixed package, cached: they do not depend on the binary."""
    key = hashlib.sha256(
        json.dumps([package, [str(e) for e in environments], PINS, PYTEST_FLAGS,
                    [(e / "real-suites-spec.txt").read_text() for e in environments]]).encode()
    ).hexdigest()[:16]
    cache = work / "results" / f"{package['name']}-{package['version']}-before-{key}.json"
    if cache.exists() and not rerun:
        return json.loads(cache.read_text()), True
    tree = work / "runs" / package["name"] / "before"
    unpack(archive, tree)
    results = [
        suite(package, tree, environment, f"{numpy}-before", work, timeout)
        for environment, numpy in zip(environments, (NUMPY_OLD, NUMPY_NEW))
    ]
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_text(json.dumps(results))
    return results, False


def check(package, binary, environments, work, args):
    archive = sdist(package, work)
    (old_before, new_before), cached = before_runs(
        package, archive, environments, work, args.rerun, args.timeout
    )
    tree = work / "runs" / package["name"] / "after"
    unpack(archive, tree)
    fixes = migrate_fix(binary, package, tree, work)
    old_after, new_after = (
        suite(package, tree, environment, f"{numpy}-after", work, args.timeout)
        for environment, numpy in zip(environments, (NUMPY_OLD, NUMPY_NEW))
    )

    baseline = passed(old_before)
    broken = baseline - passed(new_before)
    restored = broken & passed(new_after)
    left = sorted(broken - restored)
    regressions_old = sorted(baseline - passed(old_after))
    regressions_new = sorted(passed(new_before) - passed(new_after))

    log(f"\n== {package['name']} {package['version']}")
    log(f"migrate --fix {package['fix']}: {fixes['files']} files changed "
        f"(+{fixes['added']} -{fixes['removed']} lines, diff in "
        f"{work / 'logs' / (package['name'] + '-fix.diff')}); {fixes['summary']}")
    if fixes["second_fix_changed"]:
        log(f"SECOND --fix CHANGED: {', '.join(fixes['second_fix_changed'])}")
    else:
        log("a second --fix changes nothing")
    log(f"  {'run':<24}{'passed':>8}{'not passed':>12}{'seconds':>9}")
    for label, result in (
        (f"NumPy {NUMPY_OLD} before", old_before),
        (f"NumPy {NUMPY_NEW} before", new_before),
        (f"NumPy {NUMPY_OLD} after", old_after),
        (f"NumPy {NUMPY_NEW} after", new_after),
    ):
        total = set(result["tests"]) | baseline
        seconds = f"{result['seconds']}{' (cached)' if cached and 'before' in label else ''}"
        log(f"  {label:<24}{len(passed(result)):>8}{len(total - passed(result)):>12}  {seconds}")
    log(f"failing on {NUMPY_NEW} (passed on {NUMPY_OLD}): {len(broken)}")
    log(f"restored by the fix: {len(restored)}")
    log(f"left: {len(left)}")

    unexplained = 0
    listing = work / "logs" / f"{package['name']}-left.tsv"
    listing.write_text("")
    groups = {}
    for key in left:
        groups.setdefault(why_not(new_after, key), []).append(key)
    for (line, where), keys in sorted(groups.items(), key=lambda group: -len(group[1])):
        reason = next(
            (why for pattern, why in KNOWN_LEFT.get(package["name"], [])
             if re.search(pattern, line)),
            None,
        )
        unexplained += 0 if reason else len(keys)
        log(f"  [{len(keys)}] {line}" + (f"  (at {where})" if where else ""))
        log(f"      {'known, not codemod-fixable: ' + reason if reason else 'NOT EXPLAINED'}")
        for key in keys[:SHOWN]:
            log(f"      {key}")
        if len(keys) > SHOWN:
            log(f"      ... and {len(keys) - SHOWN} more, all in {listing}")
        with open(listing, "a") as every:
            every.writelines(f"{key}\t{line}\t{where}\n" for key in keys)
    for label, regressions, result in (
        (NUMPY_OLD, regressions_old, old_after),
        (NUMPY_NEW, regressions_new, new_after),
    ):
        log(f"regressions on {label} (passed before the fix, not after): {len(regressions)}")
        for key in regressions:
            line, where = why_not(result, key)
            log(f"  {key}: {line}" + (f"  (at {where})" if where else ""))
    return {
        "broken": len(broken),
        "restored": len(restored),
        "left": len(left),
        "unexplained": unexplained,
        "regressions": len(regressions_old) + len(regressions_new),
        "second_fix": len(fixes["second_fix_changed"]),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--migrate", default=os.environ.get("MIGRATE_BIN"),
                        help="the migrate binary (default: $MIGRATE_BIN)")
    parser.add_argument("--work", type=Path, default=ROOT / "target" / "real-suites")
    parser.add_argument("--python", help=f"a Python {PYTHON} for the environments")
    parser.add_argument("--packages", help="comma-separated names (default: all)")
    parser.add_argument("--expect-left", action="append", default=[], metavar="PKG=N",
                        help="tolerate N left failures that KNOWN_LEFT does not explain")
    parser.add_argument("--rerun", action="store_true", help="rerun the cached before-runs")
    parser.add_argument("--timeout", type=int, default=1800, help="seconds per pytest run")
    args = parser.parse_args()
    if not args.migrate:
        parser.error("give the migrate binary: --migrate PATH or MIGRATE_BIN")
    binary = Path(args.migrate).resolve()
    tolerated = {}
    for item in args.expect_left:
        name, _, count = item.partition("=")
        tolerated[name] = int(count)
    chosen = args.packages.split(",") if args.packages else [p["name"] for p in PACKAGES]
    unknown = set(chosen) - {p["name"] for p in PACKAGES}
    if unknown:
        parser.error(f"unknown packages: {', '.join(sorted(unknown))}")

    started = time.monotonic()
    work = args.work.resolve()
    (work / "logs").mkdir(parents=True, exist_ok=True)
    try:
        python = python312(args.python)
        environments = [venv(work, python, numpy) for numpy in (NUMPY_OLD, NUMPY_NEW)]
        log(f"migrate: {binary}; Python {python[1]}; NumPy {NUMPY_OLD} and {NUMPY_NEW}")
        totals = {
            p["name"]: check(p, binary, environments, work, args)
            for p in PACKAGES
            if p["name"] in chosen
        }
    except Broken as error:
        log(f"real-suites: cannot run: {error}")
        return 2

    log(f"\n{'package':<12}{'failing':>9}{'restored':>10}{'left':>6}{'unexplained':>13}"
        f"{'regressions':>13}")
    failed = False
    for name, total in totals.items():
        log(f"{name:<12}{total['broken']:>9}{total['restored']:>10}{total['left']:>6}"
            f"{total['unexplained']:>13}{total['regressions']:>13}")
        failed |= total["unexplained"] > tolerated.get(name, 0)
        failed |= bool(total["regressions"] or total["second_fix"])
    log(f"real-suites: {'FAILED' if failed else 'ok'} in {time.monotonic() - started:.0f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
