#!/usr/bin/env python3
"""How much of the maintainers' own NumPy 2 migration does `migrate --check` flag, per kind of change?

The corpus (see shared/corpus/README.md) holds eleven packages at a release before their
NumPy 2 migration (`before/<pkg>/...`) and at their first NumPy-2-compatible release
(`after/<pkg>/...`, same relative paths). Between the two the maintainers changed many lines
by hand, for NumPy 2 and for other reasons.

What it measures, for each *kind* of NumPy 2 change (`KINDS` below):

* the lines of `before/` that are of that kind (all `.py`/`.pyi` files, which is what
  `migrate` reads; notebooks are left out);
* how many of them sit in files that no longer exist in `after/` (deleted or moved: all
  their lines are "removed", but that is not a migration, so they are reported apart);
* how many of them, in the files that still exist, the maintainers changed or removed, and
  how many of those `migrate --check` flags;
* how many of all the lines of the kind `migrate` flags (migrating means changing them all);
* the changed lines of the kind that `migrate` does not flag (path:line and text).

How:

1. `migrate --check --output-format concise before` is run in the corpus; a line is
   *flagged* when a finding (any code starting with `NP`) starts on it.
2. Each `before/` file is tokenized (`tokenize`, to tell code from strings and comments) and
   parsed (`ast`); its lines are classified into kinds by `classify_source` (regexes over the
   code with strings and comments blanked out, and `ast` for calls, keywords, imports and
   `def`s). Each finding of a kind is an *occurrence* with an anchor line (the line counted)
   and a span (the lines that make it up: the anchor, plus the line where a multi-line call
   starts or the rest of a multi-line `def` signature).
3. Each `before/` file with occurrences is aligned with its `after/` twin by
   `difflib.SequenceMatcher(autojunk=False)` over lines (it agrees with GNU diff); the
   before lines in `replace`/`delete` blocks are *changed*.
4. An occurrence is changed when a line of its span is changed, and flagged when a finding
   starts on a line of its span. Counts are of distinct anchor lines per kind; a line can
   be of several kinds.

Line numbers split on `\\r\\n`, `\\r` and `\\n`, as `migrate` does.

Usage: corpus_kinds.py [--corpus DIR] [--migrate BIN] [--out DIR] [--jobs N]
Writes OUT/corpus_kinds.md and OUT/corpus_kinds.json and prints the Markdown.
"""

from __future__ import annotations

import argparse
import ast
import difflib
import io
import json
import os
import re
import subprocess
import sys
import time
import tokenize
import tomllib
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
RULES_TOML = HERE.parent / "rules" / "numpy2.toml"

# (key, title, definition). "numpy alias" = `np`, `numpy` and every `import numpy as X` of
# the file; "code" = outside strings and comments (by `tokenize`).
KINDS = [
    ("numpy.core", "`numpy.core`",
     "code: a chain `<numpy alias>.core...` (attribute or `import`/`from` path), or `from numpy import core`"),
    ("numpy.lib private", "`numpy.lib` private",
     "code: `<alias>.lib.X` where X is a module NumPy 2 made private or removed (function_base, shape_base, "
     "index_tricks, type_check, arraysetops, twodim_base, nanfunctions, histograms, arraypad, ufunclike, utils, "
     "polynomial, arrayterator, emath, math) or one of the 181 other names `numpy.lib` lost in 2.0; "
     "`<alias>.lib.npyio.Y` / `.stride_tricks.Y` for Y other than the members NumPy 2 keeps; "
     "the same names in `from numpy.lib[.npyio|.stride_tricks] import Y`. Not `numpy.lib.scimath` (public in 2.x)"),
    ("linalg.linalg / fft.helper", "`linalg.linalg` / `fft.helper`",
     "code: chains `<alias>.linalg.linalg`, `<alias>.fft.helper`, and `from numpy.linalg import linalg` / "
     "`from numpy.fft import helper`"),
    ("numpy.compat", "`numpy.compat`", "code: chains `<alias>.compat`, `from numpy import compat`"),
    ("array copy=False", "`np.array(..., copy=False)`",
     "ast: a call of `<alias>.array` (or `array` imported from numpy) with the keyword `copy=False`; "
     "the line of the keyword (span: also the line where the call starts)"),
    (".ptp()", "`.ptp()`",
     "ast: a call `<expr>.ptp(...)` whose receiver is not a dotted name rooted at numpy (`np.ptp`, `np.ma.ptp`)"),
    (".newbyteorder()", "`.newbyteorder()`",
     "ast: a call `<expr>.newbyteorder(...)`, receiver neither rooted at numpy nor a dtype "
     "(`np.dtype(...)`, a name/attribute ending in `dtype`, or named `dt`, `*_dt`, `type`)"),
    (".itemset()", "`.itemset()`", "ast: a call `<expr>.itemset(...)`, receiver not rooted at numpy"),
    ("__array__ without copy", "`__array__` without `copy`",
     "ast: `def __array__(...)` with no parameter `copy` and no `**kwargs`; the `def` line "
     "(span: the whole signature)"),
    ("removed keywords", "removed keywords",
     "ast: a call of a numpy function (dotted name rooted at a numpy alias, or imported from numpy) named "
     "reshape with `newshape=`, percentile/quantile/nanpercentile/nanquantile with `interpolation=`, "
     "save with `fix_imports=`, corrcoef with `bias=`/`ddof=`, array2string with `style=`; the keyword's line"),
    ("doctest", "doctest with a removed name",
     "a line of a multi-line string literal starting with `>>>` or `...` that uses `np.<removed name>` or "
     "`numpy.<removed name>`"),
    ("removed names", "removed names (NP201, reference)",
     "code: a chain `<alias>.<removed name>...`, or `from numpy import <removed name>`; removed names are the "
     "`[[name]]` rows of rules/numpy2.toml that have `removed`"),
]

# ---------------------------------------------------------------------------------------
# Facts about NumPy used by the classifier
# ---------------------------------------------------------------------------------------

# numpy.lib submodules that NumPy 2.0 made private (`_<name>_impl`) or removed. Not
# `scimath`: `numpy.lib.scimath` and its nine functions are still public in 2.0.2 and 2.4.6.
LIB_PRIVATE_MODULES = {
    "function_base", "shape_base", "index_tricks", "type_check", "arraysetops",
    "twodim_base", "nanfunctions", "histograms", "arraypad", "ufunclike", "utils",
    "polynomial", "arrayterator", "emath", "math",
}
# What `numpy.lib.npyio` / `numpy.lib.stride_tricks` still have on NumPy 2.
LIB_KEPT_MEMBERS = {
    "npyio": {"DataSource", "NpzFile"},
    "stride_tricks": {"as_strided", "sliding_window_view"},
}
# Public names of `numpy.lib` on NumPy 1.26.4 that are gone from it on NumPy 2.0.2 and 2.4.6
# (`dir(numpy.lib)` under both; 150 of them are also `numpy.<name>`).
LIB_GONE_NAMES = set("""
DataSource RankWarning add_newdoc_ufunc angle append apply_along_axis apply_over_axes
array_split arraypad arraysetops arrayterator asarray_chkfinite asfarray average bartlett
bincount blackman broadcast_arrays broadcast_shapes broadcast_to byte_bounds c_ column_stack
common_type copy corrcoef cov delete deprecate deprecate_with_doc diag diag_indices
diag_indices_from diagflat diff digitize disp dsplit dstack ediff1d emath expand_dims extract
eye fill_diagonal fix flip fliplr flipud fromregex function_base genfromtxt get_array_wrap
get_include gradient hamming hanning histogram histogram2d histogram_bin_edges histogramdd
histograms hsplit i0 imag in1d index_exp index_tricks info insert interp intersect1d iscomplex
iscomplexobj isin isneginf isposinf isreal isrealobj issubclass_ issubdtype issubsctype
iterable ix_ kaiser kron load loadtxt lookfor mask_indices median meshgrid mgrid mintypecode
msort nan_to_num nanargmax nanargmin nancumprod nancumsum nanfunctions nanmax nanmean
nanmedian nanmin nanpercentile nanprod nanquantile nanstd nansum nanvar ndenumerate ndindex
ogrid packbits pad percentile piecewise place poly poly1d polyadd polyder polydiv polyfit
polyint polymul polynomial polysub polyval put_along_axis quantile r_ ravel_multi_index real
real_if_close recfromcsv recfromtxt roots rot90 row_stack s_ safe_eval save savetxt savez
savez_compressed select setdiff1d setxor1d shape_base show_runtime sinc sort_complex source
split take_along_axis tile trapz tri tril tril_indices tril_indices_from trim_zeros triu
triu_indices triu_indices_from twodim_base type_check typename ufunclike union1d unique
unpackbits unravel_index unwrap utils vander vectorize vsplit who math
""".split())

# Keywords removed from NumPy functions: last component of the numpy function -> keywords.
REMOVED_KEYWORDS = {
    "reshape": {"newshape"},
    "percentile": {"interpolation"},
    "quantile": {"interpolation"},
    "nanpercentile": {"interpolation"},
    "nanquantile": {"interpolation"},
    "save": {"fix_imports"},
    "corrcoef": {"bias", "ddof"},
    "array2string": {"style"},
}

DOCTEST_ALIASES = ("np", "numpy")


def load_removed_names(toml_path: Path) -> list[str]:
    """`[[name]]` paths of rules/numpy2.toml that NumPy removed (rows with `removed`), minus
    the leading `numpy.`: `float_`, `NaN`, `matrixlib.mat`, ... Rows only deprecated
    (`np.fix`, `np.char.array`, ...) are left out: nothing to migrate for NumPy 2."""
    with open(toml_path, "rb") as f:
        rows = tomllib.load(f)["name"]
    return sorted(r["path"].removeprefix("numpy.") for r in rows if "removed" in r)


# ---------------------------------------------------------------------------------------
# Step 1: run migrate
# ---------------------------------------------------------------------------------------

FINDING_RE = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<code>NP\w*)\b")


def run_migrate(migrate: Path, corpus: Path) -> dict:
    """`migrate --check before` in the corpus: flagged lines per path relative to before/."""
    version = subprocess.run([str(migrate), "--version"], capture_output=True, text=True).stdout.strip()
    t0 = time.monotonic()
    proc = subprocess.run(
        [str(migrate), "--check", "--output-format", "concise", "before"],
        cwd=corpus, capture_output=True, text=True, errors="replace",
    )
    seconds = time.monotonic() - t0
    flagged: dict[str, set[int]] = defaultdict(set)
    codes: dict[str, int] = defaultdict(int)
    for line in proc.stdout.splitlines():
        m = FINDING_RE.match(line)
        if m:
            rel = Path(m["path"]).relative_to("before").as_posix()
            flagged[rel].add(int(m["line"]))
            codes[m["code"]] += 1
    if not codes and proc.returncode not in (0, 1):
        sys.exit(f"migrate failed ({proc.returncode}):\n{proc.stderr}")
    errors = [l for l in proc.stderr.splitlines() if l.startswith("error")]
    return {"version": version, "seconds": round(seconds, 2), "returncode": proc.returncode,
            "findings": sum(codes.values()), "codes": dict(sorted(codes.items())),
            "errors": errors, "flagged": flagged}


# ---------------------------------------------------------------------------------------
# Step 2: classify the lines of one file
# ---------------------------------------------------------------------------------------

NEWLINE_RE = re.compile(r"\r\n|\r|\n")
IMPORT_AS_RE = re.compile(r"^\s*import\s+numpy\s+as\s+(\w+)", re.M)


def read_lines(path: Path) -> list[str]:
    return NEWLINE_RE.split(path.read_text(encoding="utf-8", errors="replace"))


def mask_strings_and_comments(lines: list[str]) -> tuple[list[str], list[tuple[int, int]], str | None]:
    """Blank out strings and comments (to spaces, keeping columns). Also returns the line
    ranges (first, last) of multi-line string literals, where doctests live."""
    blanks: dict[int, list[tuple[int, int]]] = defaultdict(list)  # line -> [(start, end)]
    strings = []
    error = None
    readline = io.StringIO("\n".join(lines)).readline
    try:
        for tok in tokenize.generate_tokens(readline):
            if tok.type not in (tokenize.STRING, tokenize.COMMENT):
                continue
            (sr, sc), (er, ec) = tok.start, tok.end
            if sr == er:
                blanks[sr].append((sc, ec))
                continue
            strings.append((sr, er))
            blanks[sr].append((sc, len(lines[sr - 1])))
            for r in range(sr + 1, er):
                blanks[r].append((0, len(lines[r - 1])))
            blanks[er].append((0, ec))
    except (tokenize.TokenError, IndentationError, SyntaxError) as e:
        error = f"tokenize: {e}"
    masked = list(lines)
    for r, spans in blanks.items():
        chars = list(lines[r - 1])
        for s, e in spans:
            chars[s:e] = " " * (e - s)
        masked[r - 1] = "".join(chars)
    return masked, strings, error


class Classifier:
    """Finds the occurrences of every kind in one file.

    `self.found[kind][anchor] = set(span lines)`: anchor is the line counted, the span the
    lines checked for a change or a finding."""

    def __init__(self, lines: list[str], removed_names: list[str]):
        self.lines = lines
        self.text = "\n".join(lines)
        self.removed = removed_names
        self.removed_set = set(removed_names)
        self.found: dict[str, dict[int, set[int]]] = defaultdict(lambda: defaultdict(set))
        self.aliases = {"np", "numpy"} | set(IMPORT_AS_RE.findall(self.text))
        self.from_numpy: dict[str, str] = {}  # local name -> "numpy.X" (from numpy import X)
        self.notes: list[str] = []
        alias_re = "|".join(map(re.escape, sorted(self.aliases)))
        self.chain_re = re.compile(rf"(?<![\w.])(?:{alias_re})(?:\.\w+)+")
        names_re = "|".join(re.escape(n) for n in sorted(removed_names, key=len, reverse=True))
        doc_alias = "|".join(DOCTEST_ALIASES)
        self.doctest_re = re.compile(rf"(?<![\w.])(?:{doc_alias})\.(?:{names_re})(?!\w)")

    def add(self, kind: str, anchor: int, *span: int) -> None:
        self.found[kind][anchor].update((anchor,) + span)

    # -- dotted module paths -----------------------------------------------------------

    def path_kinds(self, path: str) -> set[str]:
        """Kinds of a dotted name rooted at numpy, spelled `numpy.a.b.c`."""
        parts = path.split(".")
        kinds = set()
        if len(parts) < 2 or parts[0] != "numpy":
            return kinds
        if parts[1] == "core":
            kinds.add("numpy.core")
        if parts[1] == "compat":
            kinds.add("numpy.compat")
        if parts[1:3] in (["linalg", "linalg"], ["fft", "helper"]):
            kinds.add("linalg.linalg / fft.helper")
        if parts[1] == "lib" and len(parts) >= 3:
            sub = parts[2]
            if sub in LIB_PRIVATE_MODULES or sub in LIB_GONE_NAMES:
                kinds.add("numpy.lib private")
            elif sub in LIB_KEPT_MEMBERS and len(parts) >= 4 and parts[3] not in LIB_KEPT_MEMBERS[sub]:
                kinds.add("numpy.lib private")
        for i in range(2, len(parts) + 1):
            if ".".join(parts[1:i]) in self.removed_set:
                kinds.add("removed names")
        return kinds

    def normalize(self, dotted: str) -> str:
        root, _, rest = dotted.partition(".")
        if root in self.aliases:
            return "numpy" + ("." + rest if rest else "")
        if root in self.from_numpy:
            return self.from_numpy[root] + ("." + rest if rest else "")
        return dotted

    def scan_code_chains(self, masked: list[str]) -> None:
        """Attribute chains and `import` paths rooted at a numpy alias, in code only."""
        for no, line in enumerate(masked, 1):
            if "." not in line:
                continue
            for m in self.chain_re.finditer(line):
                for kind in self.path_kinds(self.normalize(m.group(0))):
                    self.add(kind, no)

    def scan_doctests(self, strings: list[tuple[int, int]]) -> None:
        """`>>>`/`...` lines of multi-line string literals that use a removed name."""
        seen = set()
        for first, last in strings:
            for no in range(first + 1, last + 1):
                if no in seen:
                    continue
                seen.add(no)
                stripped = self.lines[no - 1].lstrip()
                if stripped.startswith((">>>", "...")) and self.doctest_re.search(stripped):
                    self.add("doctest", no)

    # -- ast ---------------------------------------------------------------------------

    def dotted(self, node: ast.AST) -> str | None:
        """`a.b.c` for a Name/Attribute chain, normalized to `numpy.` when rooted at numpy."""
        parts = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if not isinstance(node, ast.Name):
            return None
        parts.append(node.id)
        return self.normalize(".".join(reversed(parts)))

    def scan_ast(self, tree: ast.AST) -> None:
        # First pass: names imported from numpy (`from numpy import percentile`).
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module == "numpy":
                for a in node.names:
                    self.from_numpy[a.asname or a.name] = f"numpy.{a.name}"
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                self.visit_import_from(node)
            elif isinstance(node, ast.Call):
                self.visit_call(node)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == "__array__":
                self.visit_array_def(node)

    def visit_import_from(self, node: ast.ImportFrom) -> None:
        """`from numpy import core`, `from numpy.lib.npyio import loadtxt`: the kind is on
        the imported name's line. (A module path that is itself of a kind, e.g.
        `from numpy.core.numeric import x`, is found on the `from` line by the chain scan.)"""
        if node.level != 0 or not node.module or node.module.split(".")[0] != "numpy":
            return
        module_kinds = self.path_kinds(node.module)
        for a in node.names:
            for kind in self.path_kinds(f"{node.module}.{a.name}") - module_kinds:
                self.add(kind, a.lineno)

    def visit_call(self, node: ast.Call) -> None:
        func = node.func
        target = self.dotted(func)
        if target and target.startswith("numpy."):
            if target == "numpy.array":
                for kw in node.keywords:
                    if kw.arg == "copy" and isinstance(kw.value, ast.Constant) and kw.value.value is False:
                        self.add("array copy=False", kw.lineno, node.lineno)
            removed = REMOVED_KEYWORDS.get(target.rsplit(".", 1)[1], set())
            for kw in node.keywords:
                if kw.arg in removed:
                    self.add("removed keywords", kw.lineno, node.lineno)
        if isinstance(func, ast.Attribute) and func.attr in ("ptp", "newbyteorder", "itemset"):
            receiver = self.dotted(func.value)
            if receiver and (receiver == "numpy" or receiver.startswith("numpy.")):
                return  # np.ptp(...), np.ma.ptp(...): functions, not methods
            if func.attr == "newbyteorder" and self.is_dtype(func.value):
                return  # dtype.newbyteorder() still exists
            self.add(f".{func.attr}()", func.end_lineno, node.lineno)

    def is_dtype(self, receiver: ast.AST) -> bool:
        """Is `receiver.newbyteorder()` the dtype method (which NumPy 2 keeps)? Yes when the
        receiver is `np.dtype(...)` or a name or attribute ending in `dtype`, or named `dt`,
        `*_dt` or `type` (what the corpus calls its dtype variables: all five such receivers
        in before/ hold dtypes)."""
        if isinstance(receiver, ast.Call) and self.dotted(receiver.func) == "numpy.dtype":
            return True
        last = receiver.id if isinstance(receiver, ast.Name) else getattr(receiver, "attr", "")
        return last.endswith("dtype") or last in ("dt", "type") or last.endswith("_dt")

    def visit_array_def(self, node: ast.FunctionDef) -> None:
        a = node.args
        params = [p.arg for p in a.posonlyargs + a.args + a.kwonlyargs]
        if "copy" in params:
            return
        if a.kwarg is not None:
            self.notes.append(f"__array__ with **{a.kwarg.arg} at line {node.lineno}: accepts copy, not counted")
            return
        last = max(node.lineno, node.body[0].lineno - 1)
        self.add("__array__ without copy", node.lineno, *range(node.lineno, last + 1))


def classify_source(lines: list[str], removed_names: list[str]) -> tuple[dict, list[str]]:
    """Occurrences of every kind in one file's lines: {kind: {anchor: sorted span}}, notes."""
    c = Classifier(lines, removed_names)
    masked, strings, error = mask_strings_and_comments(lines)
    if error:
        c.notes.append(error)
    try:
        tree = ast.parse(c.text)
    except (SyntaxError, ValueError) as e:
        tree = None
        c.notes.append(f"ast: {type(e).__name__}: {e}: call/def kinds not checked")
    if tree is not None:
        c.scan_ast(tree)  # fills from_numpy, used by the chain scan
    c.scan_code_chains(masked)
    c.scan_doctests(strings)
    found = {k: {a: sorted(s) for a, s in v.items()} for k, v in c.found.items()}
    return found, c.notes


# ---------------------------------------------------------------------------------------
# Step 3: which before lines did the maintainers change?
# ---------------------------------------------------------------------------------------

def changed_lines(before: list[str], after: list[str]) -> set[int]:
    """1-based before lines that are deleted or replaced when aligning before with after.
    The common head and tail are trimmed first (same result, much faster)."""
    lo = 0
    while lo < min(len(before), len(after)) and before[lo] == after[lo]:
        lo += 1
    hi = 0
    while hi < min(len(before), len(after)) - lo and before[-1 - hi] == after[-1 - hi]:
        hi += 1
    a, b = before[lo:len(before) - hi], after[lo:len(after) - hi]
    changed = set()
    for tag, i1, i2, _, _ in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag in ("replace", "delete"):
            changed.update(range(lo + i1 + 1, lo + i2 + 1))
    return changed


# ---------------------------------------------------------------------------------------
# Per file: steps 2 and 3 (run in worker processes)
# ---------------------------------------------------------------------------------------

# A file without any of these can have no line of any kind (every numpy alias comes from a
# line with `numpy`; the method kinds need their method name).
MAY_HAVE_KINDS_RE = re.compile(r"numpy|np\.|ptp|newbyteorder|itemset|__array__")


def analyse_file(args: tuple[str, str, list[str]]) -> dict:
    corpus, rel, removed_names = args
    before_path = Path(corpus, "before", rel)
    after_path = Path(corpus, "after", rel)
    deleted = not after_path.is_file()
    text = before_path.read_text(encoding="utf-8", errors="replace")
    if not MAY_HAVE_KINDS_RE.search(text):
        return {"path": rel, "deleted": deleted, "notes": [], "occurrences": []}
    lines = NEWLINE_RE.split(text)
    found, notes = classify_source(lines, removed_names)
    changed: set[int] = set()
    if found and not deleted:
        changed = changed_lines(lines, read_lines(after_path))
    occurrences = []
    for kind, anchors in found.items():
        for anchor, span in sorted(anchors.items()):
            occurrences.append({
                "kind": kind, "path": rel, "line": anchor, "span": span,
                "text": lines[anchor - 1].strip()[:200],
                "deleted_file": deleted,
                "changed": any(l in changed for l in span),
            })
    return {"path": rel, "deleted": deleted, "notes": notes, "occurrences": occurrences}


def deleted_by_package(results: list[dict]) -> dict[str, int]:
    counts = defaultdict(int)
    for r in results:
        if r["deleted"]:
            counts[r["path"].split("/", 1)[0]] += 1
    return dict(sorted(counts.items()))


def list_before_files(corpus: Path) -> list[str]:
    root = corpus / "before"
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*")
                  if p.suffix in (".py", ".pyi") and p.is_file())


# ---------------------------------------------------------------------------------------
# Step 4: count and report
# ---------------------------------------------------------------------------------------

def pct(n: int, d: int) -> str:
    return f"{100 * n / d:.0f}%" if d else "–"


def summarize(occurrences: list[dict], flagged: dict[str, set[int]]) -> list[dict]:
    by_kind = defaultdict(list)
    for o in occurrences:
        o["flagged"] = any(l in flagged.get(o["path"], ()) for l in o["span"])
        by_kind[o["kind"]].append(o)
    out = []
    for key, title, definition in KINDS:
        occ = sorted(by_kind.get(key, []), key=lambda o: (o["path"], o["line"]))
        kept = [o for o in occ if not o["deleted_file"]]
        changed = [o for o in kept if o["changed"]]
        out.append({
            "kind": key, "title": title, "definition": definition,
            "lines": len(occ),
            "in_deleted_files": len(occ) - len(kept),
            "in_kept_files": len(kept),
            "changed": len(changed),
            "changed_flagged": sum(o["flagged"] for o in changed),
            "flagged": sum(o["flagged"] for o in occ),
            "by_package": package_counts(occ),
            "occurrences": occ,
        })
    return out


def package_counts(occ: list[dict]) -> dict:
    counts = defaultdict(lambda: {"lines": 0, "changed": 0, "flagged": 0})
    for o in occ:
        c = counts[o["path"].split("/", 1)[0]]
        c["lines"] += 1
        c["changed"] += o["changed"] and not o["deleted_file"]
        c["flagged"] += o["flagged"]
    return dict(sorted(counts.items()))


def spread_examples(occ: list[dict], limit: int) -> list[dict]:
    """Up to `limit` occurrences, taken round-robin over packages so that one package
    does not fill the list."""
    per_pkg = defaultdict(list)
    for o in occ:
        per_pkg[o["path"].split("/", 1)[0]].append(o)
    queues = [per_pkg[p] for p in sorted(per_pkg)]
    picked = []
    while len(picked) < limit and any(queues):
        for q in queues:
            if q and len(picked) < limit:
                picked.append(q.pop(0))
    return sorted(picked, key=lambda o: (o["path"], o["line"]))


def render_markdown(kinds: list[dict], meta: dict, examples: int) -> str:
    out = ["# Kinds of NumPy 2 change in the corpus: what the maintainers changed, what migrate flags", ""]
    out.append(f"migrate: `{meta['migrate_version']}`; corpus `{meta['corpus']}`; "
               f"{meta['files']} `.py`/`.pyi` files in before/, {meta['deleted_files']} of them gone "
               f"from after/; migrate: {meta['migrate_findings']} findings "
               f"({', '.join(f'{k} {v}' for k, v in meta['migrate_codes'].items())}); "
               f"run time {meta['seconds']} s.")
    out.append("")
    out.append("| kind | lines in before/ | in deleted files | changed by maintainers "
               "| changed & flagged | % | all lines flagged | % |")
    out.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for k in kinds:
        out.append(f"| {k['title']} | {k['lines']} | {k['in_deleted_files']} | {k['changed']} "
                   f"| {k['changed_flagged']} | {pct(k['changed_flagged'], k['changed'])} "
                   f"| {k['flagged']} | {pct(k['flagged'], k['lines'])} |")
    out += ["", "\"changed by maintainers\" counts lines in files that still exist in after/; "
            "\"all lines flagged\" counts every line of the kind in before/, deleted files included. "
            f"Files gone from after/ per package: "
            f"{', '.join(f'{k} {v}' for k, v in meta['deleted_by_package'].items())}.", ""]
    out += ["How each kind is recognised:", ""]
    out += [f"* {k['title']}: {k['definition']}." for k in kinds]
    out.append("")
    for k in kinds:
        missed = [o for o in k["occurrences"] if o["changed"] and not o["deleted_file"] and not o["flagged"]]
        out.append(f"## {k['title']}: {len(missed)} changed lines not flagged")
        out.append("")
        if not missed:
            out += ["(none)", ""]
            continue
        shown = spread_examples(missed, examples)
        if len(missed) > len(shown):
            out += [f"{len(shown)} of {len(missed)}, spread over packages (all in the JSON):", ""]
        out.append("```")
        out += [f"{o['path']}:{o['line']}: {o['text']}" for o in shown]
        out += ["```", ""]
    return "\n".join(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=Path("/work/cache/corpus"))
    ap.add_argument("--migrate", type=Path, default=Path("/work/main/target/release/migrate"))
    ap.add_argument("--out", type=Path, default=Path("/work/cache/kinds"))
    ap.add_argument("--rules", type=Path, default=RULES_TOML, help="numpy2.toml with the [[name]] rows")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--examples", type=int, default=30, help="unflagged changed lines shown per kind")
    args = ap.parse_args()
    t0 = time.monotonic()
    corpus, migrate = args.corpus.resolve(), args.migrate.resolve()

    removed_names = load_removed_names(args.rules)
    mig = run_migrate(migrate, corpus)
    files = list_before_files(corpus)
    jobs = [(str(corpus), rel, removed_names) for rel in files]
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        results = list(pool.map(analyse_file, jobs, chunksize=32))

    occurrences = [o for r in results for o in r["occurrences"]]
    kinds = summarize(occurrences, mig["flagged"])
    meta = {
        "corpus": str(corpus), "migrate": str(migrate), "migrate_version": mig["version"],
        "migrate_seconds": mig["seconds"], "migrate_findings": mig["findings"],
        "migrate_codes": mig["codes"], "migrate_errors": mig["errors"],
        "files": len(files), "deleted_files": sum(r["deleted"] for r in results),
        "deleted_by_package": deleted_by_package(results),
        "removed_names": removed_names,
        "notes": {r["path"]: r["notes"] for r in results if r["notes"]},
        "seconds": round(time.monotonic() - t0, 1),
    }
    md = render_markdown(kinds, meta, args.examples)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "corpus_kinds.md").write_text(md + "\n")
    with open(args.out / "corpus_kinds.json", "w") as f:
        json.dump({"meta": meta, "kinds": kinds}, f, indent=1)
    print(md)
    print(f"\nwrote {args.out / 'corpus_kinds.md'} and {args.out / 'corpus_kinds.json'}", file=sys.stderr)


if __name__ == "__main__":
    main()
