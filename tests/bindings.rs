//! NumPy however real code binds it, end to end: `pytest.importorskip("numpy")`,
//! `importlib.import_module(...)`, and names the project's own modules re-export
//! (`from .compat import np`, `from pkg._compat import numpy as np`, chains, `*`), with and
//! without the prefilter, and a second `--fix` that changes nothing.

mod common;

use std::fs;
use std::path::Path;

use common::{migrate, write};

/// A project whose modules reach NumPy through each other.
fn project(dir: &Path) {
    write(dir, "pkg/__init__.py", "");
    write(
        dir,
        "pkg/_compat.py",
        "try:\n    import numpy as np\nexcept ImportError:  # optional\n    np = None\n\
         import numpy\n__all__ = [\"np\"]\n",
    );
    write(dir, "pkg/core/__init__.py", "");
    // Relative, absolute, and through a second module that re-exports under another name.
    write(
        dir,
        "pkg/core/relative.py",
        "from .._compat import np\n\nx = np.cumproduct([1, 2])\n",
    );
    write(
        dir,
        "pkg/core/absolute.py",
        "from pkg._compat import numpy as onp\n\ny = onp.NaN\n",
    );
    write(
        dir,
        "pkg/core/again.py",
        "from .._compat import np as numpy_\n",
    );
    write(
        dir,
        "pkg/core/chain.py",
        "from .again import numpy_\n\nz = numpy_.Inf\n",
    );
    write(
        dir,
        "pkg/core/star.py",
        "from pkg._compat import *\n\nw = np.float_(1)\n",
    );
    // Names that are no NumPy: a function of the same name, a local rebinding.
    write(
        dir,
        "pkg/other.py",
        "def np():\n    pass\n\nclass numpy:\n    NaN = 1\n",
    );
    write(
        dir,
        "pkg/core/not_numpy.py",
        "from ..other import np, numpy\n\nnp.cumproduct\nnumpy.NaN\n",
    );
    // `np.ptp` of a re-exported `np` is the function NumPy 2 keeps, not the method.
    write(
        dir,
        "pkg/core/not_a_method.py",
        "from .._compat import np\n\ndef span(x):\n    return np.ptp(x)\n",
    );
    // Two modules that import each other.
    write(dir, "pkg/cycle_a.py", "from .cycle_b import np\n\nnp.NaN\n");
    write(dir, "pkg/cycle_b.py", "from .cycle_a import np\n");
    write(
        dir,
        "tests/test_calls.py",
        "import importlib\nimport pytest\n\nnp = pytest.importorskip(\"numpy\")\n\n\
         def test_core():\n    numeric = importlib.import_module(\"numpy.core.numeric\")\n    \
         assert np.float_ is numeric.float_\n",
    );
}

const FIXED: &[(&str, &str)] = &[
    (
        "pkg/core/relative.py",
        "from .._compat import np\n\nx = np.cumprod([1, 2])\n",
    ),
    (
        "pkg/core/absolute.py",
        "from pkg._compat import numpy as onp\n\ny = onp.nan\n",
    ),
    (
        "pkg/core/chain.py",
        "from .again import numpy_\n\nz = numpy_.inf\n",
    ),
    (
        "pkg/core/star.py",
        "from pkg._compat import *\n\nw = np.float64(1)\n",
    ),
    (
        "tests/test_calls.py",
        "import importlib\nimport pytest\n\nnp = pytest.importorskip(\"numpy\")\n\n\
         def test_core():\n    numeric = importlib.import_module(\"numpy.core.numeric\")\n    \
         assert np.float64 is np.float64\n",
    ),
];

#[test]
fn numpy_bound_by_calls_and_project_modules_is_found_and_fixed() {
    let dir = tempfile::tempdir().unwrap();
    project(dir.path());
    let args = ["--check", "--output-format", "concise", "."];
    let check = migrate(dir.path(), &args, None);
    let unfiltered = migrate(dir.path(), &[&args[..], &["--no-prefilter"]].concat(), None);
    assert_eq!(
        check.stdout, unfiltered.stdout,
        "the prefilter drops findings"
    );
    for (path, line) in [
        ("pkg/core/relative.py", 3),
        ("pkg/core/absolute.py", 3),
        ("pkg/core/chain.py", 3),
        ("pkg/core/star.py", 3),
        ("tests/test_calls.py", 8),
    ] {
        assert!(
            check.stdout.contains(&format!("./{path}:{line}:")),
            "{path}:{line} not reported:\n{}",
            check.stdout
        );
    }
    for quiet in ["not_numpy.py", "not_a_method.py", "cycle_"] {
        assert!(!check.stdout.contains(quiet), "{}", check.stdout);
    }

    let fix = migrate(dir.path(), &["--fix", "."], None);
    assert_eq!(fix.code, 0, "{fix:?}");
    for (path, fixed) in FIXED {
        assert_eq!(
            fs::read_to_string(dir.path().join(path)).unwrap(),
            *fixed,
            "{path}"
        );
    }
    let again = migrate(dir.path(), &["--fix", "--diff", "."], None);
    assert!(!again.stdout.contains("+++"), "{}", again.stdout);
}

#[test]
fn a_re_exported_member_is_reported_where_it_is_imported_from_numpy() {
    // `F` is `np.float_` in `compat.py`, which is reported and fixed; `use.py` is right as it
    // is once it is (as `from scipy.fftpack import fftshift` is, whatever scipy imports).
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "pkg/__init__.py", "");
    write(
        dir.path(),
        "pkg/compat.py",
        "try:\n    from numpy import float_ as F\nexcept ImportError:\n    F = None\n",
    );
    write(
        dir.path(),
        "pkg/use.py",
        "from .compat import F\n\ny = F(1)\n",
    );
    let run = migrate(
        dir.path(),
        &["--fix", "--output-format", "concise", "pkg"],
        None,
    );
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        fs::read_to_string(dir.path().join("pkg/use.py")).unwrap(),
        "from .compat import F\n\ny = F(1)\n"
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("pkg/compat.py")).unwrap(),
        "try:\n    from numpy import float64 as F\nexcept ImportError:\n    F = None\n",
    );
}

#[test]
fn no_new_numpy_import_where_numpy_is_optional() {
    // `NINF` becomes `-numpy.inf`, which needs a name for NumPy: a file that imports it only
    // in `try` gets none (the finding is reported); one that imports it plainly gets one.
    let dir = tempfile::tempdir().unwrap();
    let optional =
        "try:\n    from numpy import NINF\nexcept ImportError:\n    NINF = None\nx = NINF\n";
    write(dir.path(), "optional.py", optional);
    write(
        dir.path(),
        "required.py",
        "from numpy import NINF\nx = NINF\n",
    );
    let run = migrate(
        dir.path(),
        &["--fix", "--output-format", "concise", "."],
        None,
    );
    assert!(
        run.stdout.contains("optional.py:5:5: NP201 `np.NINF`"),
        "{run:?}"
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("optional.py")).unwrap(),
        optional
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("required.py")).unwrap(),
        "import numpy\nx = -numpy.inf\n"
    );
}

#[cfg(unix)]
#[test]
fn a_module_that_is_no_regular_file_is_not_read() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "pkg/__init__.py", "");
    let fifo = dir.path().join("pkg/compat.py");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|status| status.success()) {
        eprintln!("NOTICE: mkfifo is not available: test skipped");
        return;
    }
    write(
        dir.path(),
        "pkg/use.py",
        "from .compat import np\n\nnp.NaN\n",
    );
    let run = migrate(dir.path(), &["--check", "pkg/use.py"], None);
    assert_eq!(run.code, 0, "{run:?}");
}

#[cfg(unix)]
#[test]
fn modules_and_packages_reached_through_symbolic_links_are_read() {
    // The folders' listings are read once per run: a link counts as what it points to.
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "pkg/__init__.py", "");
    write(dir.path(), "shared/compat.py", "import numpy as np\n");
    write(dir.path(), "shared/sub/__init__.py", "import numpy\n");
    std::os::unix::fs::symlink("../shared/compat.py", dir.path().join("pkg/compat.py")).unwrap();
    std::os::unix::fs::symlink("../shared/sub", dir.path().join("pkg/sub")).unwrap();
    write(
        dir.path(),
        "pkg/use.py",
        "from .compat import np\nfrom .sub import numpy\n\nnp.NaN\nnumpy.Inf\n",
    );
    for prefilter in [&[][..], &["--no-prefilter"]] {
        let run = migrate(
            dir.path(),
            &[&["--check", "pkg/use.py"], prefilter].concat(),
            None,
        );
        assert_eq!(run.code, 1, "{run:?}");
        assert!(run.stdout.contains("--> pkg/use.py:4:1"), "{run:?}");
        assert!(run.stdout.contains("--> pkg/use.py:5:1"), "{run:?}");
    }
}
