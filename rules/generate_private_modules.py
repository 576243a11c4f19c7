#!/usr/bin/env python3
"""Generate rules/private_modules.toml, the `[[private_module]]` table of rule NP202.

    python3 rules/generate_private_modules.py NUMPY1_PYTHON NUMPY2_PYTHON \\
        [--np20 NUMPY20_PYTHON] [--extra NUMPY2X_PYTHON ...] [--output PATH] [--report PATH]

NUMPY1_PYTHON has NumPy 1.26.x, NUMPY2_PYTHON the newest NumPy 2.x (2.4.6 when this was
written). With --np20 (a NumPy 2.0.x interpreter) members and moves must also work there, and
`removed` is pinned to 2.0 when `import` already fails there. --extra adds more 2.x interpreters
(2.2, 2.3, ...) that check the `removed` versions of KNOWN_REMOVED. --report writes the whole
classification (with the names left out) as JSON. Standard library only (Python >= 3.11).
The output depends only on the interpreters (everything is sorted).

Each module is imported in a fresh process of each interpreter. Its names are those of its
`dir()` under NumPy 1.26 that do not start with `_`, plus EXTRA_NAMES (names 1.26 served only
through a module `__getattr__`). Each name X of module M (home H) is classified, first match wins:

1. excluded: bound to a module outside NumPy (`sys`, `warnings`) or to `numpy` itself.
2. `kept`: under the newest NumPy 2, `import M` and `M.X` work with warnings as errors, and M
   is not deprecated as a whole (in numpy.core nothing is kept, not even the names NumPy 2 still
   serves silently for old pickles: `multiarray.scalar`, the ufuncs of `_multiarray_umath`).
   For such modules `kept` also lists the names they gained in NumPy 2 (`numpy.lib.array_utils`)
   and their private `_` names and dunders (`__all__`) that still work, so that none is reported.
3. `moved`, curated (MOVES): M.X is, under 1.26, the object MOVES names; the target works under
   NumPy 2 (and is `impl2` there when given). `normalize_axis_index` ->
   `numpy.lib.array_utils.normalize_axis_index` (fix_since 2.0), `numpy.lib.math` -> `math`.
4. left to the name table: `H.X` is a `[[name]]` row of rules/numpy2.toml that is in effect by
   the newest NumPy 2 (removed or deprecated by then), and M.X is that object under 1.26
   (`numpy.core.float_`, `numpy.lib.in1d`, `numpy.lib.row_stack`). The engine gives `M.X` that
   row's fix when H is `numpy`; for another home the row's `replace` is written as a move
   (`numpy.matrixlib.defmatrix.mat` -> `numpy.asmatrix`).
5. `members`: `M.X is H.X` under 1.26, and `H.X` is public (in `dir(H)`) and works with
   warnings as errors under NumPy 2 (2.0.x, when given, and the newest).
6. `moved`, found: M.X is, under 1.26, the same object as the same-named public attribute of
   another SEARCH namespace (`numpy.linalg.linalg.asarray` -> `numpy.asarray`), or that
   attribute is a `[[name]]` row in effect whose `replace` is M.X (`Inf` -> `numpy.inf`).
   A module moves only to `numpy.<x>` (`numpy.core.records` -> `numpy.rec`). The target works
   under NumPy 2; `fix_since` comes from NAMESPACE_SINCE or the `[[name]]` row.
7. otherwise unlisted: reported with the row's `message`.

Module facts: `removed` is the release from which `import M` fails (2.0 when it fails under
2.0.x, else KNOWN_REMOVED; checked against every interpreter given). `deprecated` is 2.0 for
numpy.core and numpy.core.*, numpy.compat.*, numpy.linalg.linalg and numpy.fft.helper (checked:
some use warns or fails under 2.0.x and the newest). A module gets no row when every name is
kept and it is neither deprecated nor removed, or when numpy2.toml has a `[[name]]` row for
the module itself (the engine finds that first: `numpy.compat`).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tomllib
from pathlib import Path

RULES = Path(__file__).resolve().parent
OUTPUT = RULES / "private_modules.toml"
NAMES_TABLE = RULES / "numpy2.toml"

# ----------------------------------------------------------------------------------------------
# Which modules. `numpy.core` submodules are discovered under 1.26 (every one that imports there,
# but `tests`); the rest are listed. Value: the home, where the module's public names live now.
# ----------------------------------------------------------------------------------------------

CORE_HOMES = {"numpy.core.records": "numpy.rec", "numpy.core.defchararray": "numpy.char"}
CORE_SKIP = {"tests"}

LISTED: dict[str, str] = {
    "numpy.core": "numpy",
    "numpy.lib": "numpy",
    "numpy.lib.arraypad": "numpy",
    "numpy.lib.arraysetops": "numpy",
    "numpy.lib.arrayterator": "numpy.lib",
    "numpy.lib.format": "numpy.lib.format",
    "numpy.lib.function_base": "numpy",
    "numpy.lib.histograms": "numpy",
    "numpy.lib.index_tricks": "numpy",
    "numpy.lib.mixins": "numpy.lib.mixins",
    "numpy.lib.nanfunctions": "numpy",
    "numpy.lib.npyio": "numpy",
    "numpy.lib.polynomial": "numpy",
    "numpy.lib.recfunctions": "numpy.lib.recfunctions",
    "numpy.lib.scimath": "numpy.emath",
    "numpy.lib.shape_base": "numpy",
    "numpy.lib.stride_tricks": "numpy",
    "numpy.lib.twodim_base": "numpy",
    "numpy.lib.type_check": "numpy",
    "numpy.lib.ufunclike": "numpy",
    "numpy.lib.user_array": "numpy",
    "numpy.lib.utils": "numpy",
    "numpy.linalg.linalg": "numpy.linalg",
    "numpy.fft.helper": "numpy.fft",
    # No home: every name is reported ("use the standard library"). The schema requires a home;
    # `builtins` is where the few plain aliases (long, unicode, bytes, basestring) live.
    "numpy.compat": "builtins",
    "numpy.compat.py3k": "builtins",
    "numpy.matrixlib.defmatrix": "numpy.matrixlib",
    "numpy.polynomial.polyutils": "numpy.polynomial.polyutils",
    # Modules NumPy 2 keeps that stopped re-exporting names (release_notes.toml, section
    # "Runtime diff"): numpy.matlib re-exports the main namespace, so it lost what numpy lost.
    "numpy.matlib": "numpy",
    "numpy.ctypeslib": "numpy.ctypeslib",
    "numpy.ma.core": "numpy.ma.core",
    "numpy.ma.mrecords": "numpy.ma.mrecords",
    "numpy.polynomial.chebyshev": "numpy.polynomial.chebyshev",
    "numpy.polynomial.hermite": "numpy.polynomial.hermite",
    "numpy.polynomial.hermite_e": "numpy.polynomial.hermite_e",
    "numpy.polynomial.laguerre": "numpy.polynomial.laguerre",
    "numpy.polynomial.legendre": "numpy.polynomial.legendre",
    "numpy.polynomial.polynomial": "numpy.polynomial.polynomial",
}

# Modules whose import already warned under NumPy 1.26 (numpy.matlib: PendingDeprecationWarning
# since 1.19): imported once with warnings ignored, so that only their names are probed.
IMPORT_WARNS = {"numpy.matlib"}

# Modules whose names get no `members`/`moved` at all: every use is reported (numpy.compat:
# use the standard library).
NO_FIXES = {"numpy.compat", "numpy.compat.py3k"}

# Names that still resolve silently on NumPy 2 but are deprecated there in another way (so not
# `kept`), with the release: `container` warns only when subclassed (NumPy 2.4).
DEPRECATED_NAMES = {"numpy.lib.user_array.container": "2.4"}

# Dunders that code reads from modules (`np.lib.scimath.__all__`); with the private `_` names of
# modules not deprecated as a whole, they are listed only when `kept`.
DUNDERS = ["__all__", "__doc__", "__file__", "__name__", "__path__"]

# Names that NumPy 1.26 served only through the module's `__getattr__` (not in `dir()`).
EXTRA_NAMES = {"numpy.lib": ["math"], "numpy.core": ["MachAr"]}

# The release from which `import <path>` fails, where the interpreters given cannot pin it; they
# must agree (import works below it, fails from it). Also checked by hand: under NumPy 2.2.6 all
# four import, under 2.3.5 numpy.compat fails and the other two import.
KNOWN_REMOVED = {
    "numpy.compat": "2.3",
    "numpy.compat.py3k": "2.3",
    "numpy.linalg.linalg": "2.4",
    "numpy.fft.helper": "2.4",
}

# Modules that NumPy 2 still has but that lost names: the release whose module no longer has
# the listed members (`members_removed`); 2.0 when not listed here (checked with --np20).
KNOWN_MEMBERS_REMOVED = {
    "numpy.lib.recfunctions": "2.2",
    "numpy.polynomial.polyutils": "2.4",
    "numpy.ctypeslib": "2.2",
    "numpy.ma.mrecords": "2.2",
    "numpy.polynomial.chebyshev": "2.4",
    "numpy.polynomial.hermite": "2.4",
    "numpy.polynomial.hermite_e": "2.4",
    "numpy.polynomial.laguerre": "2.4",
    "numpy.polynomial.legendre": "2.4",
    "numpy.polynomial.polynomial": "2.4",
}

# Deprecated as a whole in NumPy 2.0 (with their submodules): `deprecated = "2.0"`.
DEPRECATED_2_0 = ("numpy.core", "numpy.compat", "numpy.linalg.linalg", "numpy.fft.helper")

# Curated moves, by member name: applied wherever M.X is, under 1.26, the object at `canonical`.
# Under NumPy 2 the target must work and, when `impl2` is given, be that object. `same = False`:
# a drop-in that is not the same object under 1.26 (safe_eval called ast.literal_eval).
MOVES = [
    {"name": "normalize_axis_index", "canonical": "numpy.core.multiarray.normalize_axis_index",
     "path": "numpy.lib.array_utils.normalize_axis_index", "fix_since": "2.0",
     "impl2": "numpy._core.multiarray.normalize_axis_index"},
    {"name": "normalize_axis_tuple", "canonical": "numpy.core.numeric.normalize_axis_tuple",
     "path": "numpy.lib.array_utils.normalize_axis_tuple", "fix_since": "2.0",
     "impl2": "numpy._core.numeric.normalize_axis_tuple"},
    {"name": "byte_bounds", "canonical": "numpy.lib.utils.byte_bounds",
     "path": "numpy.lib.array_utils.byte_bounds", "fix_since": "2.0",
     "impl2": "numpy.lib._array_utils_impl.byte_bounds"},
    {"name": "math", "canonical": "math", "path": "math"},
    {"name": "safe_eval", "canonical": "numpy.lib.utils.safe_eval", "path": "ast.literal_eval",
     "same": False},
    # numpy.core's `unicode` was numpy.str_ (not the builtin str of the removed numpy.unicode).
    {"name": "unicode", "canonical": "numpy.core.numerictypes.unicode", "path": "numpy.str_"},
    {"name": "unicode", "canonical": "numpy.core._type_aliases.unicode", "path": "builtins.str"},
    # numpy.core's `long` was the C long type, which NumPy 2 calls numpy.long.
    {"name": "long", "canonical": "numpy.core.numerictypes.long", "path": "numpy.long",
     "fix_since": "2.0"},
    # polyutils had its own RankWarning; NumPy 2's polynomials warn with numpy.exceptions'.
    {"name": "RankWarning", "canonical": "numpy.polynomial.polyutils.RankWarning",
     "path": "numpy.exceptions.RankWarning", "fix_since": "2.0"},
    # numpy.ma.core's Python 2 shims (gone in 2.0 and 2.2).
    {"name": "long", "canonical": "builtins.int", "path": "builtins.int"},
    {"name": "reduce", "canonical": "functools.reduce", "path": "functools.reduce"},
    # numpy.ma.mrecords' aliases of numpy names (gone in 2.2).
    {"name": "narray", "canonical": "numpy.array", "path": "numpy.array"},
    {"name": "recfromarrays", "canonical": "numpy.rec.fromarrays", "path": "numpy.rec.fromarrays"},
    {"name": "recfromrecords", "canonical": "numpy.rec.fromrecords",
     "path": "numpy.rec.fromrecords"},
]

# Public namespaces searched for another home (step 6), in order of preference.
SEARCH = [
    "numpy",
    "numpy.exceptions",
    "numpy.linalg",
    "numpy.fft",
    "numpy.rec",
    "numpy.char",
    "numpy.emath",
    "numpy.lib",
    "numpy.lib.stride_tricks",
    "numpy.lib.format",
    "numpy.lib.npyio",
    "numpy.ma",
    "builtins",
]

# The oldest NumPy where a namespace can be reached as an attribute (default: every 1.x).
NAMESPACE_SINCE = {"numpy.exceptions": "1.25", "numpy.lib.array_utils": "2.0"}

# ----------------------------------------------------------------------------------------------
# Messages and examples
# ----------------------------------------------------------------------------------------------


def message_for(path: str, home: str) -> str:
    if path == "numpy.core" or path.startswith("numpy.core."):
        private = "numpy._core" + path[len("numpy.core"):]
        return (
            f"`{path}` is private in NumPy 2 (renamed `{private}`; the `numpy.core` shim warns on "
            "use and will be removed). This name has no public equivalent: use the public NumPy "
            f"API where one does the job; `{private}` is internal and may change in any release"
        )
    if path == "numpy.lib":
        return (
            "NumPy 2.0 emptied `numpy.lib` (NEP 52): most of its names moved to the main `numpy` "
            "namespace; this one has no public equivalent (see the NumPy 2.0 migration guide)"
        )
    if path == "numpy.lib.user_array":
        return (
            "`numpy.lib.user_array.container` is deprecated from NumPy 2.4 (subclassing it warns) "
            "and has no replacement: subclass `numpy.lib.mixins.NDArrayOperatorsMixin` and hold an "
            "ndarray, or subclass `numpy.ndarray`"
        )
    if path in ("numpy.lib.npyio", "numpy.lib.stride_tricks"):
        sub = path.rsplit(".", 1)[1]
        return (
            f"In NumPy 2 `{path}` keeps only its public API; the rest moved to the private "
            f"`numpy.lib._{sub}_impl`. This name has no public equivalent"
        )
    if path.startswith("numpy.lib.") and home in ("numpy", "numpy.lib"):
        sub = path.rsplit(".", 1)[1]
        return (
            f"`{path}` is private from NumPy 2.0 (`numpy.lib._{sub}_impl`); its public functions "
            "are in the main `numpy` namespace, but this name has no public equivalent"
        )
    if path in ("numpy.linalg.linalg", "numpy.fft.helper"):
        private = path.replace(".linalg.linalg", ".linalg._linalg").replace(".helper", "._helper")
        return (
            f"`{path}` was made private in NumPy 2.0 (`{private}`) and removed in 2.4; its public "
            f"functions are in `{home}`, but this name has no public equivalent"
        )
    if path == "numpy.ma.core":
        return (
            "`numpy.ma.core` no longer has its Python 2 shims in NumPy 2 (`bytes`, `long`, "
            "`unicode`, `reduce` are fixed to the builtins and `functools.reduce`): use "
            "`inspect.signature` (or `inspect.getfullargspec`) for `getargspec`/`formatargspec`/"
            "`get_object_signature`, which differ in what they return"
        )
    if path == "numpy.ctypeslib":
        return (
            "`numpy.ctypeslib` no longer re-exports this name in NumPy 2 (from 2.2; `flagsobj` "
            "from 2.3): it has no public name, use `type(a.flags)` for `flagsobj`"
        )
    if path.startswith("numpy.compat"):
        return (
            "`numpy.compat` held Python 2/3 shims; deprecated in NumPy 2.0 and removed in 2.3. Use "
            "the standard library: `bytes`/`str` and `.encode()`/`.decode()` for asbytes/asstr/"
            "asunicode, `int` for long, `os.fspath`, `os.PathLike`, `pathlib.Path`, `pickle`, "
            "`contextlib.nullcontext`, `inspect.signature` for getargspec/formatargspec"
        )
    return (
        f"`{path}` no longer has this name in NumPy 2, and it has no public equivalent (it was "
        "an implementation detail of the module)"
    )


EXAMPLES: dict[str, dict[str, str]] = {}


def example(path: str, before: str, after: str | None = None) -> None:
    """A row's example: `before` runs under 1.26; `after` is what `migrate --fix` makes of it."""
    EXAMPLES[path] = {"before": before.lstrip("\n")}
    if after is not None:
        EXAMPLES[path]["after"] = after.lstrip("\n")


# numpy.core ----------------------------------------------------------------------------------

example("numpy.core", '''
import numpy as np
a = np.core.asarray([[1, 2], [3, 4]])
print(np.core.transpose(a), np.core.inf, np.core.iinfo(np.int8).max)
''', '''
import numpy as np
a = np.asarray([[1, 2], [3, 4]])
print(np.transpose(a), np.inf, np.iinfo(np.int8).max)
''')
example("numpy.core._add_newdocs", '''
import numpy as np
print(np.core._add_newdocs.refer_to_array_attribute("T")[0])
''')
example("numpy.core._add_newdocs_scalars", '''
import numpy as np
print(np.core._add_newdocs_scalars.dtype("f8").itemsize)
''', '''
import numpy as np
print(np.dtype("f8").itemsize)
''')
example("numpy.core._asarray", '''
import numpy as np
a = np.core._asarray.require([1, 2, 3], dtype=float, requirements="C")
print(a, a.flags.c_contiguous)
''', '''
import numpy as np
a = np.require([1, 2, 3], dtype=float, requirements="C")
print(a, a.flags.c_contiguous)
''')
example("numpy.core._dtype", '''
import numpy as np
import numpy.core._dtype
print(np.core._dtype.np is np, np.core._dtype.__name__.split(".")[-1])
''')
example("numpy.core._dtype_ctypes", '''
import numpy as np
import numpy.core._dtype_ctypes
print(np.core._dtype_ctypes.np is np)
''')
example("numpy.core._exceptions", '''
import numpy as np
try:
    np.add(np.array([1]), np.array(["a"]))
except np.core._exceptions.UFuncTypeError as e:
    print("caught", type(e).__name__)
''')
example("numpy.core._internal", '''
import numpy as np
print(np.core._internal.dtype("i4").itemsize, np.core._internal.promote_types("i1", "f4"))
try:
    np.result_type(np.dtype("M8[s]"), np.dtype("U1"))
except np.core._internal.DTypePromotionError as e:
    print("caught", type(e).__name__)
''', '''
import numpy as np
print(np.dtype("i4").itemsize, np.promote_types("i1", "f4"))
try:
    np.result_type(np.dtype("M8[s]"), np.dtype("U1"))
except np.exceptions.DTypePromotionError as e:
    print("caught", type(e).__name__)
''')
example("numpy.core._machar", '''
import numpy as np
with np.core._machar.errstate(over="ignore"):
    print(np.core._machar.any([0, 1]))
''', '''
import numpy as np
with np.errstate(over="ignore"):
    print(np.any([0, 1]))
''')
example("numpy.core._methods", '''
import numpy as np
print(np.core._methods.asanyarray([1.0, 2.0, 4.0]))
''', '''
import numpy as np
print(np.asanyarray([1.0, 2.0, 4.0]))
''')
example("numpy.core._multiarray_tests", '''
import numpy as np
import numpy.core._multiarray_tests as t
print(sorted(t.__dict__)[0] == sorted(t.__dict__)[0])
''')
example("numpy.core._multiarray_umath", '''
import numpy as np
from numpy.core._multiarray_umath import array, add, zeros
print(add(array([1, 2]), zeros(2)), np.core._multiarray_umath.arange(3))
''', '''
import numpy as np
from numpy import array, add, zeros
print(add(array([1, 2]), zeros(2)), np.arange(3))
''')
example("numpy.core._operand_flag_tests", '''
import numpy.core._operand_flag_tests as t
print(t.inplace_add.nin)
''')
example("numpy.core._rational_tests", '''
import numpy.core._rational_tests as t
print(t.rational(1, 2))
''')
example("numpy.core._simd", '''
import numpy.core._simd as s
print(isinstance(s.targets, dict))
''')
example("numpy.core._string_helpers", '''
import numpy as np
print(np.core._string_helpers.english_upper("abc"))
''')
example("numpy.core._struct_ufunc_tests", '''
import numpy.core._struct_ufunc_tests as t
print(t.add_triplet.nin)
''')
example("numpy.core._type_aliases", '''
import numpy as np
print(np.core._type_aliases.sctypeDict["float64"] is np.float64, np.core._type_aliases.void is np.void)
print(np.core._type_aliases.unicode(12) + "!")
''', '''
import numpy as np
print(np.sctypeDict["float64"] is np.float64, np.void is np.void)
print(str(12) + "!")
''')
example("numpy.core._ufunc_config", '''
import numpy as np
with np.core._ufunc_config.errstate(divide="ignore"):
    print(np.array([1.0]) / 0)
print(np.core._ufunc_config.getbufsize())
''', '''
import numpy as np
with np.errstate(divide="ignore"):
    print(np.array([1.0]) / 0)
print(np.getbufsize())
''')
example("numpy.core.arrayprint", '''
import numpy as np
print(np.core.arrayprint.array2string(np.array([1.5, 2.0]), precision=2))
print(np.core.arrayprint.format_float_positional(0.25))
''', '''
import numpy as np
print(np.array2string(np.array([1.5, 2.0]), precision=2))
print(np.format_float_positional(0.25))
''')
example("numpy.core.defchararray", '''
import numpy as np
print(np.core.defchararray.upper(["ab", "cd"]), np.core.defchararray.str_len(["abc"]))
''', '''
import numpy as np
print(np.char.upper(["ab", "cd"]), np.char.str_len(["abc"]))
''')
example("numpy.core.einsumfunc", '''
import numpy as np
a = np.arange(4).reshape(2, 2)
print(np.core.einsumfunc.einsum("ij,jk->ik", a, a))
''', '''
import numpy as np
a = np.arange(4).reshape(2, 2)
print(np.einsum("ij,jk->ik", a, a))
''')
example("numpy.core.fromnumeric", '''
import numpy as np
a = np.array([[3, 1], [2, 5]])
print(np.core.fromnumeric.sum(a), np.core.fromnumeric.sort(a, axis=1))
''', '''
import numpy as np
a = np.array([[3, 1], [2, 5]])
print(np.sum(a), np.sort(a, axis=1))
''')
example("numpy.core.function_base", '''
import numpy as np
print(np.core.function_base.linspace(0, 1, 5), np.core.function_base.logspace(0, 2, 3))
''', '''
import numpy as np
print(np.linspace(0, 1, 5), np.logspace(0, 2, 3))
''')
example("numpy.core.getlimits", '''
import numpy as np
print(np.core.getlimits.finfo(np.float32).bits, np.core.getlimits.iinfo(np.int16).min)
''', '''
import numpy as np
print(np.finfo(np.float32).bits, np.iinfo(np.int16).min)
''')
example("numpy.core.memmap", '''
import os, tempfile
import numpy as np
from numpy.core.memmap import memmap
path = os.path.join(tempfile.mkdtemp(), "m.dat")
m = memmap(path, dtype=np.int16, mode="w+", shape=(3,))
m[:] = [1, 2, 3]
print(m, isinstance(m, np.ndarray))
''', '''
import os, tempfile
import numpy as np
from numpy import memmap
path = os.path.join(tempfile.mkdtemp(), "m.dat")
m = memmap(path, dtype=np.int16, mode="w+", shape=(3,))
m[:] = [1, 2, 3]
print(m, isinstance(m, np.ndarray))
''')
example("numpy.core.multiarray", '''
import numpy as np
from numpy.core.multiarray import array, dot
a = array([3, 1, 2])
print(dot(a, a), np.core.multiarray.concatenate([a, a]), np.core.multiarray.ndarray is np.ndarray)
''', '''
import numpy as np
from numpy import array, dot
a = array([3, 1, 2])
print(dot(a, a), np.concatenate([a, a]), np.ndarray is np.ndarray)
''')
example("numpy.core.numeric", '''
import numpy.core.numeric as _nx
a = _nx.asarray([[1, 2], [3, 4]])
print(_nx.zeros_like(a), _nx.isclose(a, a).all(), _nx.ones((2,)))
''', '''
import numpy as _nx
a = _nx.asarray([[1, 2], [3, 4]])
print(_nx.zeros_like(a), _nx.isclose(a, a).all(), _nx.ones((2,)))
''')
example("numpy.core.numerictypes", '''
import numpy as np
print(np.core.numerictypes.issubdtype(np.float32, np.floating), np.core.numerictypes.float("1.5"))
print(np.core.numerictypes.unicode("ab"), np.core.numerictypes.sctypeDict["int32"] is np.int32)
''', '''
import numpy as np
print(np.issubdtype(np.float32, np.floating), float("1.5"))
print(np.str_("ab"), np.sctypeDict["int32"] is np.int32)
''')
example("numpy.core.overrides", '''
import numpy as np
print(np.core.overrides.ARRAY_FUNCTIONS is not None)
''')
example("numpy.core.records", '''
import numpy as np
r = np.core.records.fromarrays([np.array([1, 2]), np.array([0.5, 1.5])], names="a,b")
print(r.a, r.b, isinstance(r, np.core.records.recarray))
''', '''
import numpy as np
r = np.rec.fromarrays([np.array([1, 2]), np.array([0.5, 1.5])], names="a,b")
print(r.a, r.b, isinstance(r, np.rec.recarray))
''')
example("numpy.core.shape_base", '''
import numpy as np
from numpy.core.shape_base import vstack, hstack
print(vstack([[1, 2], [3, 4]]), hstack([[1], [2]]), np.core.shape_base.atleast_2d(5))
''', '''
import numpy as np
from numpy import vstack, hstack
print(vstack([[1, 2], [3, 4]]), hstack([[1], [2]]), np.atleast_2d(5))
''')
example("numpy.core.umath", '''
import numpy as np
from numpy.core.umath import sqrt, add
print(sqrt(np.array([4.0, 9.0])), add(2, 3) == 5, np.core.umath.pi == np.pi)
''', '''
import numpy as np
from numpy import sqrt, add
print(sqrt(np.array([4.0, 9.0])), add(2, 3) == 5, np.pi == np.pi)
''')
# numpy.lib --------------------------------------------------------------------------------------

example("numpy.lib", '''
import numpy as np
a = np.array([[1, 2], [3, 4]])
print(np.lib.flip(a, 0), np.lib.pad(np.array([1]), 1), np.lib.emath.sqrt(-1), np.lib.math.floor(2.5))
''', '''
import math
import numpy as np
a = np.array([[1, 2], [3, 4]])
print(np.flip(a, 0), np.pad(np.array([1]), 1), np.emath.sqrt(-1), math.floor(2.5))
''')
example("numpy.lib.arraypad", '''
import numpy as np
print(np.lib.arraypad.pad(np.array([1, 2]), 2, mode="edge"))
''', '''
import numpy as np
print(np.pad(np.array([1, 2]), 2, mode="edge"))
''')
example("numpy.lib.arraysetops", '''
import numpy as np
from numpy.lib.arraysetops import unique, intersect1d
print(unique([3, 1, 3]), intersect1d([1, 2, 3], [2, 3, 4]), np.lib.arraysetops.setdiff1d([1, 2], [2]))
''', '''
import numpy as np
from numpy import unique, intersect1d
print(unique([3, 1, 3]), intersect1d([1, 2, 3], [2, 3, 4]), np.setdiff1d([1, 2], [2]))
''')
example("numpy.lib.arrayterator", '''
import numpy as np
it = np.lib.arrayterator.Arrayterator(np.arange(6).reshape(2, 3), 2)
print([str(b) for b in it])
''', '''
import numpy as np
it = np.lib.Arrayterator(np.arange(6).reshape(2, 3), 2)
print([str(b) for b in it])
''')
example("numpy.lib.format", '''
import numpy as np
import numpy.lib.format
print(np.lib.format.safe_eval("[1, (2, 3)]"), np.lib.format.dtype_to_descr(np.dtype("<i4")))
''', '''
import ast
import numpy as np
import numpy.lib.format
print(ast.literal_eval("[1, (2, 3)]"), np.lib.format.dtype_to_descr(np.dtype("<i4")))
''')
example("numpy.lib.function_base", '''
import numpy as np
x = np.array([1.0, 2.0, 4.0])
print(np.lib.function_base.percentile(x, 50), np.lib.function_base.diff(x), np.lib.function_base.average(x))
''', '''
import numpy as np
x = np.array([1.0, 2.0, 4.0])
print(np.percentile(x, 50), np.diff(x), np.average(x))
''')
example("numpy.lib.histograms", '''
import numpy as np
h, e = np.lib.histograms.histogram([1, 2, 2, 3], bins=3)
print(h, e, np.lib.histograms.histogram_bin_edges([0, 1], bins=2))
''', '''
import numpy as np
h, e = np.histogram([1, 2, 2, 3], bins=3)
print(h, e, np.histogram_bin_edges([0, 1], bins=2))
''')
example("numpy.lib.index_tricks", '''
import numpy as np
print(np.lib.index_tricks.r_[1:3, 7], np.lib.index_tricks.ix_([0, 1], [1])[0].shape)
''', '''
import numpy as np
print(np.r_[1:3, 7], np.ix_([0, 1], [1])[0].shape)
''')
example("numpy.lib.nanfunctions", '''
import numpy as np
x = np.array([1.0, np.nan, 3.0])
print(np.lib.nanfunctions.nanmean(x), np.lib.nanfunctions.nanmax(x))
''', '''
import numpy as np
x = np.array([1.0, np.nan, 3.0])
print(np.nanmean(x), np.nanmax(x))
''')
example("numpy.lib.npyio", '''
import io
import numpy as np
print(np.lib.npyio.loadtxt(io.StringIO("1 2\\n3 4")), isinstance(np.lib.npyio.DataSource(), np.lib.npyio.DataSource))
''', '''
import io
import numpy as np
print(np.loadtxt(io.StringIO("1 2\\n3 4")), isinstance(np.lib.npyio.DataSource(), np.lib.npyio.DataSource))
''')
example("numpy.lib.polynomial", '''
import numpy as np
p = np.lib.polynomial.poly1d([1, -3, 2])
print(np.lib.polynomial.polyval([1, 0], 3), sorted(str(r) for r in p.r))
''', '''
import numpy as np
p = np.poly1d([1, -3, 2])
print(np.polyval([1, 0], 3), sorted(str(r) for r in p.r))
''')
example("numpy.lib.recfunctions", '''
import numpy as np
import numpy.lib.recfunctions as rfn
a = np.array([(1, 2.0)], dtype=[("a", "i4"), ("b", "f8")])
print(rfn.structured_to_unstructured(a), isinstance(a.view(rfn.recarray), rfn.recarray))
''', '''
import numpy as np
import numpy.lib.recfunctions as rfn
a = np.array([(1, 2.0)], dtype=[("a", "i4"), ("b", "f8")])
print(rfn.structured_to_unstructured(a), isinstance(a.view(np.recarray), np.recarray))
''')
example("numpy.lib.scimath", '''
import numpy as np
from numpy.lib import scimath
print(scimath.sqrt(-4), scimath.asarray([1, 2]))
''', '''
import numpy as np
from numpy.lib import scimath
print(scimath.sqrt(-4), np.asarray([1, 2]))
''')
example("numpy.lib.shape_base", '''
import numpy as np
print(np.lib.shape_base.expand_dims(np.array([1, 2]), 0), np.lib.shape_base.tile([1, 2], 2))
''', '''
import numpy as np
print(np.expand_dims(np.array([1, 2]), 0), np.tile([1, 2], 2))
''')
example("numpy.lib.stride_tricks", '''
import numpy as np
from numpy.lib.stride_tricks import as_strided
x = np.arange(4)
print(np.lib.stride_tricks.broadcast_to(x, (2, 4)), as_strided(x, (2,), (x.itemsize,)))
''', '''
import numpy as np
from numpy.lib.stride_tricks import as_strided
x = np.arange(4)
print(np.broadcast_to(x, (2, 4)), as_strided(x, (2,), (x.itemsize,)))
''')
example("numpy.lib.twodim_base", '''
import numpy as np
print(np.lib.twodim_base.eye(2), np.lib.twodim_base.triu([[1, 2], [3, 4]]))
''', '''
import numpy as np
print(np.eye(2), np.triu([[1, 2], [3, 4]]))
''')
example("numpy.lib.type_check", '''
import numpy as np
print(np.lib.type_check.real([1 + 2j]), np.lib.type_check.nan_to_num(np.array([np.nan])))
''', '''
import numpy as np
print(np.real([1 + 2j]), np.nan_to_num(np.array([np.nan])))
''')
example("numpy.lib.ufunclike", '''
import numpy as np
print(np.lib.ufunclike.isposinf(np.array([np.inf, 1.0])), np.lib.ufunclike.isneginf(-np.inf))
''', '''
import numpy as np
print(np.isposinf(np.array([np.inf, 1.0])), np.isneginf(-np.inf))
''')
example("numpy.lib.user_array", '''
import numpy.lib.user_array as ua
print(ua.arange(3), ua.asarray([1, 2]))
''', '''
import numpy as ua
print(ua.arange(3), ua.asarray([1, 2]))
''')
example("numpy.lib.utils", '''
import numpy as np
print(np.lib.utils.safe_eval("{'a': (1, 2)}"), np.lib.utils.issubdtype(np.int8, np.integer))
''', '''
import ast
import numpy as np
print(ast.literal_eval("{'a': (1, 2)}"), np.issubdtype(np.int8, np.integer))
''')

# others -----------------------------------------------------------------------------------------

example("numpy.linalg.linalg", '''
import numpy as np
from numpy.linalg.linalg import LinAlgError
try:
    np.linalg.linalg.inv(np.zeros((2, 2)))
except LinAlgError as e:
    print("singular:", e)
print(np.linalg.linalg.eigvalsh(np.eye(2)), np.linalg.linalg.det(np.eye(3)) == 1.0)
''', '''
import numpy as np
from numpy.linalg import LinAlgError
try:
    np.linalg.inv(np.zeros((2, 2)))
except LinAlgError as e:
    print("singular:", e)
print(np.linalg.eigvalsh(np.eye(2)), np.linalg.det(np.eye(3)) == 1.0)
''')
example("numpy.fft.helper", '''
import numpy as np
from numpy.fft.helper import fftshift, fftfreq
print(fftshift(np.arange(4)), fftfreq(4), np.fft.helper.rfftfreq(4, d=0.5))
''', '''
import numpy as np
from numpy.fft import fftshift, fftfreq
print(fftshift(np.arange(4)), fftfreq(4), np.fft.rfftfreq(4, d=0.5))
''')
example("numpy.compat.py3k", '''
from numpy.compat.py3k import asstr, isfileobj
print(asstr(b"ab"), isfileobj(None))
''')
example("numpy.matrixlib.defmatrix", '''
import numpy as np
m = np.matrixlib.defmatrix.mat([[1, 2], [3, 4]])
print(m * m, np.matrixlib.defmatrix.asmatrix([1]).shape)
''', '''
import numpy as np
m = np.asmatrix([[1, 2], [3, 4]])
print(m * m, np.matrixlib.defmatrix.asmatrix([1]).shape)
''')
example("numpy.polynomial.polyutils", '''
import numpy as np
print(np.polynomial.polyutils.absolute(-2), np.polynomial.polyutils.as_series([[1, 2]])[0])
''', '''
import numpy as np
print(np.absolute(-2), np.polynomial.polyutils.as_series([[1, 2]])[0])
''')

# Modules NumPy 2 keeps that stopped re-exporting names --------------------------------------

example("numpy.matlib", '''
import warnings
warnings.simplefilter("ignore", PendingDeprecationWarning)
import numpy as np
import numpy.matlib as ml
print(ml.float_(1), ml.NaN, ml.eye(2).shape)
''', '''
import warnings
warnings.simplefilter("ignore", PendingDeprecationWarning)
import numpy as np
import numpy.matlib as ml
print(np.float64(1), np.nan, ml.eye(2).shape)
''')

example("numpy.ctypeslib", '''
import numpy as np
print(np.ctypeslib.asarray([1, 2]), np.ctypeslib.ndarray is np.ndarray, np.ctypeslib.c_intp)
''', '''
import numpy as np
print(np.asarray([1, 2]), np.ndarray is np.ndarray, np.ctypeslib.c_intp)
''')

example("numpy.ma.core", '''
import numpy as np
print(np.ma.core.long("7"), np.ma.core.reduce(lambda a, b: a + b, [1, 2]), np.ma.core.masked)
''', '''
import functools
import numpy as np
print(int("7"), functools.reduce(lambda a, b: a + b, [1, 2]), np.ma.core.masked)
''')

example("numpy.ma.mrecords", '''
import numpy as np
import numpy.ma.mrecords as mr
r = mr.fromarrays([np.array([1, 2])], names="a")
print(isinstance(r, mr.MaskedArray), mr.masked is np.ma.masked, r.a)
''', '''
import numpy as np
import numpy.ma.mrecords as mr
r = mr.fromarrays([np.array([1, 2])], names="a")
print(isinstance(r, np.ma.MaskedArray), np.ma.masked is np.ma.masked, r.a)
''')

for _kind, _call in [("chebyshev", "chebval"), ("hermite", "hermval"), ("hermite_e", "hermeval"),
                     ("laguerre", "lagval"), ("legendre", "legval"), ("polynomial", "polyval")]:
    example(f"numpy.polynomial.{_kind}", f'''
import numpy as np
print(np.polynomial.{_kind}.la.norm([3.0, 4.0]), np.polynomial.{_kind}.{_call}(1.0, [1, 2]))
''', f'''
import numpy as np
print(np.linalg.norm([3.0, 4.0]), np.polynomial.{_kind}.{_call}(1.0, [1, 2]))
''')



# ----------------------------------------------------------------------------------------------
# The probe: runs inside an interpreter, reads a JSON request on stdin, answers JSON on stdout.
# ----------------------------------------------------------------------------------------------

PROBE = r'''
import importlib, json, sys, types, warnings

def resolve(path):
    """Follow a dotted path as code would: attributes, importing a submodule where one is missing."""
    parts = path.split(".")
    obj = importlib.import_module(parts[0])
    for i in range(1, len(parts)):
        try:
            obj = getattr(obj, parts[i])
        except AttributeError:
            obj = importlib.import_module(".".join(parts[: i + 1]))
    return obj

def status(fn):
    """'ok', 'warn: ...' or 'error: ...' for fn(), with every warning an error."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            fn()
            return "ok"
        except Warning as w:
            return "warn: %s: %s" % (type(w).__name__, (str(w).splitlines() or [""])[0][:200])
        except BaseException as e:
            return "error: %s: %s" % (type(e).__name__, (str(e).splitlines() or [""])[0][:200])

MISSING = object()

def quiet(fn):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return fn()
        except BaseException:
            return MISSING

req = json.loads(sys.stdin.read())
mode = req["mode"]
import numpy
out = {"version": numpy.__version__}

if mode == "inventory":
    # NumPy 1.x, one module per process: its names, and where else each object lives.
    path = req["path"]
    out["import"] = status(lambda: importlib.import_module(path))
    mod = quiet(lambda: importlib.import_module(path))
    if mod is not MISSING:
        names = set(n for n in dir(mod) if not n.startswith("_")) | set(req["extra"])
        if req["private"]:
            # Also private names and a few dunders: listed only if still `kept` on NumPy 2.
            names |= set(n for n in dir(mod) if n.startswith("_") and not n.startswith("__"))
            names |= set(n for n in req["dunders"] if hasattr(mod, n))
        names = sorted(names)
        objs = {x: quiet(lambda: getattr(mod, x)) for x in names}
        search = {}
        for ns in req["search"]:
            nsmod = quiet(lambda: resolve(ns))
            if nsmod is not MISSING:
                search[ns] = nsmod
        top = {y: quiet(lambda: getattr(numpy, y)) for y in dir(numpy) if not y.startswith("_")}
        info = {}
        for x, obj in objs.items():
            if obj is MISSING:
                continue
            i = {"type": type(obj).__name__, "ufunc": isinstance(obj, numpy.ufunc), "same": []}
            if isinstance(obj, types.ModuleType):
                i["module"] = obj.__name__
                if obj is numpy or not obj.__name__.startswith("numpy."):
                    i["excluded"] = "module " + obj.__name__
                i["same"] = ["numpy." + y for y, o in sorted(top.items()) if o is obj]
            else:
                for ns, nsmod in search.items():
                    if quiet(lambda: getattr(nsmod, x)) is obj:
                        i["same"].append(ns + "." + x)
            # Identity with: numpy.X, <home>.X and its [[name]] row's replacement, the curated
            # moves of that name, and the replacements of the [[name]] rows among `same`.
            hx = req["home"] + "." + x
            cands = {"numpy." + x, hx} | {p for m in req["moves"] if m["name"] == x
                                          for p in (m["canonical"], m["path"])}
            cands.update(req["replaces"][s] for s in i["same"] + [hx] if s in req["replaces"])
            ident = {}
            for c in sorted(cands):
                o = quiet(lambda: resolve(c))
                ident[c] = o is not MISSING and o is obj
            i["ident"] = ident
            info[x] = i
        out["names"] = info

elif mode == "module":
    # NumPy 2.x, one module per process: does `import M` work, and `M.X` for each X.
    path = req["path"]
    if req["quiet_import"]:
        quiet(lambda: importlib.import_module(path))
    imp = status(lambda: importlib.import_module(path))
    if imp == "ok":
        mod = importlib.import_module(path)
        get = lambda x: getattr(mod, x)
    else:
        get = lambda x: getattr(resolve(path), x)
    out["import"] = imp
    out["names"] = {x: imp if imp.startswith("warn") else status(lambda: get(x)) for x in req["names"]}
    # Names new in this NumPy (`numpy.lib.array_utils`): fine here, so not to be reported.
    out["new"] = {}
    if imp == "ok" and req["private"]:
        mod = importlib.import_module(path)
        new = set(n for n in dir(mod) if not n.startswith("__")) | set(n for n in req["dunders"] if hasattr(mod, n))
        out["new"] = {x: status(lambda: get(x)) for x in sorted(new - set(req["names"]))}

elif mode == "targets":
    # Do these paths work (warnings as errors), are they public (in dir() of their parent), and
    # are some pairs the same object.
    res = {}
    for path in req["paths"]:
        st = status(lambda: resolve(path))
        parent, _, name = path.rpartition(".")
        public = False
        if st == "ok" and parent:
            pm = quiet(lambda: resolve(parent))
            public = pm is not MISSING and name in dir(pm)
        elif st == "ok":
            public = True
        res[path] = {"status": st, "public": public}
    out["paths"] = res
    out["pairs"] = {}
    for a, b in req["pairs"]:
        oa, ob = quiet(lambda: resolve(a)), quiet(lambda: resolve(b))
        out["pairs"][a + " " + b] = oa is not MISSING and oa is ob

print(json.dumps(out, sort_keys=True))
'''


def deprecated_whole(path: str) -> bool:
    return path in DEPRECATED_2_0 or path.startswith(tuple(p + "." for p in DEPRECATED_2_0))


def probe(python: str, request: dict) -> dict:
    proc = subprocess.run(
        [python, "-c", PROBE], input=json.dumps(request), capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        raise SystemExit(f"probe {request['mode']} failed under {python}:\n{proc.stderr}")
    return json.loads(proc.stdout)


def probe_all(python: str, requests: list[dict]) -> list[dict]:
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=8) as pool:
        return list(pool.map(lambda r: probe(python, r), requests))


def core_submodules(python: str) -> list[str]:
    code = (
        "import json, pkgutil, numpy.core as c; "
        "print(json.dumps(sorted(m.name for m in pkgutil.iter_modules(c.__path__))))"
    )
    out = subprocess.run([python, "-c", code], capture_output=True, text=True, check=True).stdout
    return ["numpy.core." + m for m in json.loads(out) if m not in CORE_SKIP]


def vkey(v: str) -> tuple[int, int]:
    major, minor = v.split(".")[:2]
    return int(major), int(minor)


# ----------------------------------------------------------------------------------------------
# Classification
# ----------------------------------------------------------------------------------------------


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("np1", help="python with NumPy 1.26")
    ap.add_argument("np2", help="python with the newest NumPy 2.x")
    ap.add_argument("--np20", help="python with NumPy 2.0.x")
    ap.add_argument("--extra", action="append", default=[], help="another NumPy 2.x python")
    ap.add_argument("--output", default=str(OUTPUT), help="default: rules/private_modules.toml")
    ap.add_argument("--report", help="write the classification, names left out included, as JSON")
    args = ap.parse_args()

    name_rows = {row["path"]: row for row in tomllib.loads(NAMES_TABLE.read_text())["name"]}
    replaces = {p: r["replace"] for p, r in name_rows.items() if r.get("replace")}

    homes = {p: CORE_HOMES.get(p, "numpy") for p in core_submodules(args.np1)}
    homes.update(LISTED)
    modules = sorted(homes)

    # 1. Under 1.26: the names of every module, and identities.
    requests = [
        {"mode": "inventory", "path": p, "home": homes[p], "extra": EXTRA_NAMES.get(p, []),
         "private": not deprecated_whole(p), "dunders": DUNDERS, "search": SEARCH, "moves": MOVES,
         "replaces": replaces}
        for p in modules
    ]
    inv = dict(zip(modules, probe_all(args.np1, requests)))
    v1 = inv[modules[0]]["version"]
    if vkey(v1) != (1, 26):
        raise SystemExit(f"{args.np1} has NumPy {v1}, not 1.26")

    skipped = {p: inv[p]["import"] for p in modules if "names" not in inv[p]}
    modules = [p for p in modules if p not in skipped]

    # 2. Under each NumPy 2: `import M` and `M.X`.
    twos = [("np2", args.np2)] + ([("np20", args.np20)] if args.np20 else [])
    twos += [(f"extra{i}", p) for i, p in enumerate(args.extra)]
    new: dict[str, dict[str, dict]] = {}
    versions = {"np1": v1}
    for key, python in twos:
        reqs = [{"mode": "module", "path": p, "names": sorted(inv[p]["names"]), "dunders": DUNDERS,
                 "private": not deprecated_whole(p), "quiet_import": p in IMPORT_WARNS}
                for p in modules]
        new[key] = dict(zip(modules, probe_all(python, reqs)))
        versions[key] = new[key][modules[0]]["version"]
    v2, v20 = versions["np2"], versions.get("np20")
    if v20 is not None and vkey(v20) != (2, 0):
        raise SystemExit(f"--np20 has NumPy {v20}")
    checked = [k for k, _ in twos if not k.startswith("extra")]

    # 3. Under each NumPy 2: the targets.
    targets = {m["path"] for m in MOVES}
    for p in modules:
        for x, i in inv[p]["names"].items():
            hx = f"{homes[p]}.{x}"
            targets.update([hx, *i["same"]])
            targets.update(replaces[s] for s in [*i["same"], hx] if s in replaces)
    pairs = [[m["path"], m["impl2"]] for m in MOVES if "impl2" in m]
    tinfo = {k: probe(py, {"mode": "targets", "paths": sorted(targets), "pairs": pairs})
             for k, py in twos if k in checked}
    for m in MOVES:
        for k in checked:
            t = tinfo[k]["paths"][m["path"]]
            if t["status"] != "ok" or ("impl2" in m and not tinfo[k]["pairs"][f"{m['path']} {m['impl2']}"]):
                raise SystemExit(f"curated move to {m['path']} does not hold under {versions[k]}: {t}")

    def effective(row: dict) -> bool:
        """A [[name]] row that applies under the newest NumPy 2: removed or deprecated by then."""
        return not row.get("existed", True) or any(
            row.get(k) and vkey(row[k]) <= vkey(v2) for k in ("removed", "deprecated")
        )

    def works2(target: str) -> bool:
        return all(
            tinfo[k]["paths"][target]["status"] == "ok" and tinfo[k]["paths"][target]["public"]
            for k in checked
        )

    def move_to(target: str, since: str | None) -> dict[str, str]:
        return {"path": target} | ({"fix_since": since} if since else {})

    def find_home(x: str, i: dict, hx: str) -> dict[str, str] | None:
        """Step 6: the first SEARCH namespace whose X is M.X (or a [[name]] row `numpy.X`
        in effect whose `replace` is M.X), working on NumPy 2."""
        for s in i["same"]:
            if s == hx:
                continue
            if s in name_rows and effective(name_rows[s]):
                row = name_rows[s]
                rep = row.get("replace")
                if rep and (i["ident"].get(rep) or row.get("fix_since")) and works2(rep):
                    return move_to(rep, row.get("fix_since"))
            elif works2(s):
                return move_to(s, NAMESPACE_SINCE.get(s.rpartition(".")[0]))
        return None

    # 4. Classify.
    rows, report = [], {"versions": versions, "skipped": skipped, "modules": {}}
    for path in modules:
        home = homes[path]
        names = inv[path]["names"]
        # Deprecated as a whole (numpy.core): nothing in it is `kept`, even what NumPy 2 still
        # serves silently for old pickles (`multiarray.scalar`, the ufuncs of _multiarray_umath).
        whole = deprecated_whole(path)
        after = new["np2"][path]["names"]
        c = {k: [] for k in ("kept", "members", "name_row", "unlisted", "excluded")}
        moved: dict[str, dict[str, str]] = {}
        deprecated_members: dict[str, str] = {}
        for x, i in sorted(names.items()):
            ident = i["ident"]
            hx = f"{home}.{x}"
            # 1. Not a member: a module outside NumPy (`sys`), unless a curated move names it.
            mv = next((m for m in MOVES if m["name"] == x and ident.get(m["canonical"])), None)
            if x.startswith("_"):
                # A private name or dunder (modules not deprecated as a whole): listed only when
                # still fine on NumPy 2 (`numpy.lib._iotools`, `numpy.lib.scimath.__all__`), so
                # that the engine does not report it; otherwise reported like any unlisted name.
                if after[x] == "ok":
                    c["kept"].append(x)
            elif "excluded" in i and not mv:
                c["excluded"].append(x)
            # 2. Still fine on NumPy 2 (or working, but deprecated in another way).
            elif after[x] == "ok" and not whole and f"{path}.{x}" in DEPRECATED_NAMES:
                deprecated_members[x] = DEPRECATED_NAMES[f"{path}.{x}"]
            elif after[x] == "ok" and not whole:
                c["kept"].append(x)
            elif path in NO_FIXES:
                c["unlisted"].append(x)
            # 3. Curated move.
            elif mv:
                if "fix_since" not in mv and mv.get("same", True) and not ident.get(mv["path"]):
                    raise SystemExit(f"{path}.{x} is not {mv['path']} under {v1}")
                moved[x] = move_to(mv["path"], mv.get("fix_since"))
            # 4. `<home>.X` is a [[name]] row: its fix applies. The engine composes that only
            # for home `numpy`; elsewhere the row's `replace` is written out as a move.
            elif ident.get(hx) and hx in name_rows and effective(name_rows[hx]):
                row = name_rows[hx]
                if home == "numpy":
                    c["name_row"].append(x)
                elif row.get("replace") and works2(row["replace"]) and (
                    ident.get(row["replace"]) or row.get("fix_since")
                ):
                    moved[x] = move_to(row["replace"], row.get("fix_since"))
                else:
                    c["unlisted"].append(x)
            # 5. `<home>.X` is the same object and works on NumPy 2.
            elif ident.get(hx) and works2(hx):
                c["members"].append(x)
            # 6. Another public home, or a [[name]] row's replacement, of the same object.
            elif found := find_home(x, i, hx):
                moved[x] = found
            # 7. No public equivalent: reported with the row's message.
            else:
                c["unlisted"].append(x)

        # Names that the module has only on NumPy 2 and that work there: kept as well (else the
        # engine would report `np.lib.array_utils`, the home of some fixes, as gone).
        if not whole:
            c["kept"] = sorted(c["kept"] + [x for x, st in new["np2"][path]["new"].items() if st == "ok"])

        # Module facts.
        imports = {k: new[k][path]["import"] for k, _ in twos}
        removed = None
        if imports["np2"].startswith("error"):
            if path in KNOWN_REMOVED:
                removed = KNOWN_REMOVED[path]
            elif v20 is not None and imports["np20"].startswith("error"):
                removed = "2.0"
            elif v20 is None and path.startswith(("numpy.core.", "numpy.lib.")):
                removed = "2.0"  # NEP 52 made these private in 2.0; pass --np20 to check it
            else:
                raise SystemExit(f"{path}: cannot tell from which release `import` fails; add it to KNOWN_REMOVED")
            for k, _ in twos:
                if imports[k].startswith("error") != (vkey(versions[k]) >= vkey(removed)):
                    raise SystemExit(f"{path}: removed = {removed} contradicts {versions[k]}: {imports[k]}")
        elif path in KNOWN_REMOVED:
            raise SystemExit(f"{path} still imports under {v2}")
        deprecated = "2.0" if whole else None
        # A module that still imports, but lost names: when they went.
        members_removed = None
        if not whole and removed is None and (c["members"] or moved):
            members_removed = KNOWN_MEMBERS_REMOVED.get(path, "2.0")
            if v20 is not None and members_removed == "2.0":
                lost = [x for x in c["members"] + sorted(moved) if new["np20"][path]["names"].get(x) != "ok"]
                if not lost:
                    raise SystemExit(f"{path}: every listed name still works under {versions['np20']}: add it to KNOWN_MEMBERS_REMOVED")
        if whole:
            # Under 2.0 (when given) and the newest, some use must warn or fail.
            for k in checked:
                if imports[k] == "ok" and all(s == "ok" for s in new[k][path]["names"].values()):
                    raise SystemExit(f"{path}: deprecated, yet nothing warns under {versions[k]}")

        entry = {"home": home, "removed": removed, "deprecated": deprecated,
                 "members_removed": members_removed, "import": imports,
                 "moved": moved, **c}
        # The engine gives every `<path>.X` the fix of a [[name]] row `numpy.X` when the home is
        # `numpy`: flag the names where that row is not about the same object.
        if home == "numpy":
            entry["composed_fix_of_other_object"] = [
                x for x in c["unlisted"] + c["excluded"]
                if f"numpy.{x}" in name_rows and any(
                    name_rows[f"numpy.{x}"].get(k) for k in ("replace", "expr", "call", "subscript", "subscript_call"))
            ]
            for x in entry["composed_fix_of_other_object"]:
                print(f"warning: {path}.{x} is not numpy.{x}, yet the engine gives it that row's fix",
                      file=sys.stderr)
        report["modules"][path] = entry
        if not (moved or c["members"] or c["name_row"] or c["unlisted"] or removed or deprecated):
            entry["no_row"] = "every name is kept"
            continue
        if path in name_rows:
            # `listed()` in the engine finds the [[name]] row first: a row here would be dead.
            entry["no_row"] = f"numpy2.toml has a [[name]] row `{path}`, which takes precedence"
            continue
        row = {"path": path}
        row["home"] = home
        if deprecated:
            row["deprecated"] = deprecated
        if removed:
            row["removed"] = removed
        if members_removed:
            row["members_removed"] = members_removed
        row |= {"members": c["members"], "moved": moved, "kept": c["kept"],
                "deprecated_members": deprecated_members, "message": message_for(path, home)}
        row["example"] = EXAMPLES.get(path)
        rows.append(row)

    if args.report:
        Path(args.report).write_text(json.dumps(report, indent=1, sort_keys=True) + "\n")

    problems = []
    for row in rows:
        ex = row["example"]
        if ex is None:
            problems.append(f"{row['path']}: no example")
        elif (row["members"] or row["moved"]) and "after" not in ex:
            problems.append(f"{row['path']}: has fixes, so its example needs `after`")
    for path in sorted(set(EXAMPLES) - {r["path"] for r in rows}):
        problems.append(f"{path}: example for a module with no row")
    if problems:
        raise SystemExit("\n".join(problems))

    others = ", ".join(versions[k] for k, _ in twos if k != "np2")
    checked_too = f" (also checked against {others})" if others else ""
    header = f"""\
# GENERATED by rules/generate_private_modules.py: do not edit; change the script and rerun it.
# Rule NP202: modules NumPy 2 made private, removed or emptied ([[private_module]], schema in
# rules/README.md; facts: shared/reference/numpy2-api.md, sections E-G of "The table").
# Generated from NumPy {v1} and {v2}{checked_too}.
# Regenerate (each PYTHON is an interpreter with that NumPy installed):
#   python3 rules/generate_private_modules.py PYTHON_1_26 PYTHON_2_NEWEST --np20 PYTHON_2_0 \\
#       --extra PYTHON_2_2 --extra PYTHON_2_3
# Member lists: `kept` still works silently on NumPy {v2}; `members` are <home>.X; `moved` have
# another home. A member that is also a [[name]] row of numpy2.toml (numpy.core.float_,
# numpy.lib.in1d) is left out here: it gets that row's fix. Every other name is reported with
# the row's `message`. `numpy.compat` itself is the [[name]] row `numpy.compat` of numpy2.toml.
"""
    Path(args.output).write_text(header + "".join("\n" + render(r) for r in rows))
    print(f"wrote {len(rows)} rows to {args.output}", file=sys.stderr)


# ----------------------------------------------------------------------------------------------
# TOML
# ----------------------------------------------------------------------------------------------


def qstr(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)


def name_list(key: str, names: list[str], width: int = 100) -> list[str]:
    one = f"{key} = [" + ", ".join(qstr(n) for n in names) + "]"
    if len(one) <= width:
        return [one]
    lines, line = [f"{key} = ["], "   "
    for n in names:
        item = " " + qstr(n) + ","
        if len(line) + len(item) > width:
            lines.append(line)
            line = "   "
        line += item
    return lines + [line, "]"]


def render(row: dict) -> str:
    lines = ["[[private_module]]", f"path = {qstr(row['path'])}"]
    for key in ("home", "deprecated", "removed", "members_removed"):
        if key in row:
            lines.append(f"{key} = {qstr(row[key])}")
    if row["members"]:
        lines += name_list("members", row["members"])
    for x, mv in sorted(row["moved"].items()):
        fields = ", ".join(f"{k} = {qstr(v)}" for k, v in mv.items())
        lines.append(f"moved.{x} = {{ {fields} }}")
    if row["kept"]:
        lines += name_list("kept", row["kept"])
    for x, version in sorted(row["deprecated_members"].items()):
        lines.append(f"deprecated_members.{x} = {qstr(version)}")
    lines.append(f"message = {qstr(row['message'])}")
    for key in ("before", "after"):
        if key in row["example"]:
            text = row["example"][key]
            if "'''" in text or not text.endswith("\n"):
                raise SystemExit(f"{row['path']}: example.{key} cannot be a ''' string")
            lines.append(f"example.{key} = '''\n{text}'''")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
