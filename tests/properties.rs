//! Properties of the fixer on generated Python programs: the invariants of
//! `tests/common/invariants.rs` (which `fuzz/` checks on arbitrary bytes), here on programs
//! built from the pieces the rules look at.
//!
//! The programs: numpy imported in every form, removed names in expressions of every
//! precedence, the code rules' patterns, comments, strings, doctests, nested blocks that rebind
//! `np`, CRLF/CR/tab/BOM variants, `.pyi` paths, and small perturbations (a character deleted,
//! inserted, or a line repeated) so that sources that do not parse are exercised too.
//!
//! The seed is fixed so that CI runs the same 512 cases every time; set `PROPTEST_RNG_SEED`
//! (and `PROPTEST_CASES`) to explore others. A failure is shrunk, printed and recorded in
//! `tests/properties.proptest-regressions`, which is replayed first on later runs.

#[path = "common/invariants.rs"]
mod invariants;

use std::path::Path;

use migrate_engine::lint;
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::{Config, FileFailurePersistence, RngSeed, TestCaseError};

use crate::invariants::{comments, rules};

// ---------------------------------------------------------------------------------------------
// The pieces. In templates, `$m` is a reference to a module and `$e` a sub-expression.
// ---------------------------------------------------------------------------------------------

/// How the programs refer to numpy and its submodules (some bound by the imports below, some
/// not, some rebound).
const MODULES: &[&str] = &[
    "np",
    "np",
    "np",
    "np",
    "np",
    "np",
    "np",
    "numpy",
    "onp",
    "_nx",
    "numpy.core",
    "np.core.numeric",
    "np.lib",
    "np.ma",
    "np.char",
    "np.testing",
    "np.linalg.linalg",
    "function_base",
    "xp",
];

/// Attribute names: removed, renamed, moved, and fine ones.
const NAMES: &[&str] = &[
    "float_",
    "NaN",
    "NINF",
    "NZERO",
    "PINF",
    "PZERO",
    "Inf",
    "Infinity",
    "infty",
    "NAN",
    "INF",
    "product",
    "cumproduct",
    "in1d",
    "trapz",
    "sometrue",
    "alltrue",
    "cast",
    "AxisError",
    "ComplexWarning",
    "int0",
    "bool8",
    "math",
    "CLIP",
    "row_stack",
    "round_",
    "string_",
    "unicode_",
    "complex_",
    "cfloat",
    "mat",
    "msort",
    "asfarray",
    "add_newdoc",
    "deprecate",
    "int",
    "float",
    "object",
    "fix",
    "ones",
    "zeros",
    "array",
    "float64",
    "inf",
    "nan",
    "isin",
    "ndarray",
    "multiarray",
    "numeric",
    "normalize_axis_index",
    "assert_warns",
    "fft",
    "linalg",
];

/// Names that stand alone: from-imported ones, locals, literals.
const BARE: &[&str] = &[
    "float_",
    "n",
    "F",
    "in1d",
    "trapz",
    "AxisError",
    "NINF",
    "NaN",
    "sometrue",
    "ones",
    "normalize_axis_index",
    "a",
    "x",
    "arr",
    "self.a",
    "None",
    "1",
    "2.5",
    "'s'",
    "b\"b\"",
    "...",
    "np",
    "numpy",
];

const IMPORTS: &[&str] = &[
    "import numpy as np",
    "import numpy as np",
    "import numpy as np",
    "import numpy",
    "import numpy as onp",
    "import numpy.core.numeric as _nx",
    "import numpy.core",
    "import numpy.lib.function_base",
    "import numpy.ma",
    "import numpy.testing",
    "import numpy.char",
    "import numpy as np, os",
    "import os, numpy",
    "import numpy.array_api as xp",
    "import numpy.distutils",
    "from numpy import float_, NaN as n",
    "from numpy import *",
    "from numpy import in1d, trapz",
    "from numpy import (\n    AxisError,\n    NINF,  # from numpy\n)",
    "from numpy import sometrue",
    "from numpy import float_ as F",
    "from numpy import math",
    "from numpy import array, ndarray, ones",
    "from numpy.core.numeric import ones",
    "from numpy.core import multiarray",
    "from numpy.lib import function_base",
    "from numpy.core.multiarray import normalize_axis_index",
    "from numpy.testing import assert_warns",
    "from numpy.exceptions import AxisError",
    "from numpy.distutils import misc_util",
    "from numpy.lib import NumpyVersion",
    "from numpy.core.numeric import *",
    "from . import np",
    "import jax.numpy as np",
    "import math as np",
    "import numpy as np  # noqa",
    "import numpy as np; x = np.NaN",
];

/// Expressions built from sub-expressions: every precedence level and the rules' patterns.
const EXPRESSIONS: &[&str] = &[
    "$m.$n",
    "$m.$n",
    "$m.$n($e)",
    "$e ** 2",
    "2 ** $e",
    "-$e ** 2",
    "-$e",
    "+$e",
    "~$e",
    "not $e",
    "$e + $e",
    "$e * -$e",
    "$e @ $e",
    "$e < $e <= $e",
    "$e and $e or $e",
    "$e if $e else $e",
    "($e)",
    "$e.real",
    "$e.$n",
    "$e[0]",
    "$e[1:2, ...]",
    "$e($e)",
    "$e($e, axis=0)",
    "$e(*$e, **$e)",
    "lambda: $e",
    "lambda x=$e: x",
    "lambda np: np.$n",
    "[$e for x in $e if $e]",
    "{$e: $e for np in y}",
    "($e for x in y)",
    "[$e, $e]",
    "($e,)",
    "{$e}",
    "f\"{$e}\"",
    "f\"{$e!r:>{$e}}\"",
    "f'a{$e=}b'",
    "f\"{f'{$e}'}\"",
    "await $e",
    "(yield $e)",
    "(x := $e)",
    "$e is not None",
    "$e in $e",
    "\"$m.$n\"",
    "'''$m.$n'''",
    "(\n    $e  # $m.NaN\n    , $e\n)",
    "$e \\\n    + $e",
    "$m.array($e, copy=False)",
    "$m.array($e, dtype=$e, copy=False)",
    "$m.array($e, copy=False, ndmin=2)",
    "$m.array(copy=False, object=$e)",
    "$m.asarray($e).ptp()",
    "$e.ptp(axis=0)",
    "$m.zeros(3).ptp()",
    "$m.zeros(3).itemset(0, $e)",
    "$e.newbyteorder()",
    "$m.ones(2).tostring()",
    "$m.in1d($e, $e)",
    "$m.in1d($e, $e, invert=True)",
    "$m.in1d(ar1=$e, ar2=$e)",
    "in1d($e, $e)",
    "$m.sum(x for x in $e)",
    "$m.finfo(None)",
    "$m.reshape($e, newshape=(2, 3))",
    "$m.reshape(($e), newshape=($e))",
    "$m.maximum($e, $e, ($e))",
    "$m.array(($e), dtype=($e), copy=(False))",
    "$m.in1d(($e), ($e))",
    "($m).$n",
    "($m.$n)($e)",
    "$m.asfarray($e,  # $m.NaN\n)",
    "$m.msort(  # c\n    $e)",
    "$m.cast[$e](  # c\n    $e)",
    "$m.in1d($e,  # c\n    $e)",
    "$m.percentile($e, 50, interpolation=\"linear\")",
    "$m.fft.fftn($e, s=(2, 2))",
    "$m.dtype(\"int0\")",
    "$m.zeros(3, dtype=\"bool8\")",
    "$m.zeros(3, dtype=\"float_\")",
    "$e.view(\"i4,clongfloat\")",
    "$m.array($e, dtype=$m.floating)",
    "$e.astype(($m.integer, (2,)))",
    "$m.dtype(\"(2)i4,\")",
    "$m.dtype([(\"x\", \"f8\", 1)], 1)",
    "$m.maximum($e, $e, $e)",
    "$m.take($e, 0, mode=$m.CLIP)",
    "$m.cast[$e]($e)",
    "$m.product($e, axis=0)",
    "$m.trapz($e)",
    "$m.row_stack([$e, $e])",
    "$m.bincount($e, minlength=None)",
    "$m.corrcoef($e, bias=1)",
    "$m.save(\"f\", $e, fix_imports=True)",
    "$m.array2string($e, style=repr)",
    "$m.testing.assert_warns(Warning)",
    "$m.core.numeric.ones($e)",
    "$m.lib.function_base.trapz($e)",
];

/// Simple statements (may span lines; continuation lines are indented with the statement).
const STATEMENTS: &[&str] = &[
    "x = $e",
    "x = $e",
    "$e",
    "print($e)",
    "assert $e, \"np.NaN\"",
    "x: \"$m.float_\" = $e",
    "x: $m.$n = $e",
    "x += $e",
    "a, b = $e, $e",
    "del x",
    "$m = $e",
    "np = None",
    "numpy = $e",
    "global np",
    "nonlocal np",
    "del np",
    "x = \"$m.NaN\"  # $m.NaN",
    "# $m.float_ in a comment",
    "\"\"\"Docstring with $m.NaN.\n\n>>> $m.float_(1)\n1.0\n>>> x = $m.NINF ** 2\n... $m.in1d(a, b)\n\"\"\"",
    "r'''\n>>> import numpy as np\n>>> np.$n\n'''",
    "raise $m.AxisError(\"x\") from None",
    "return $e",
    "yield $e",
    "pass",
    "x = $e; y = $e",
    "f(\n    $e,  # $m.NaN\n    key=$e,\n)",
    "a = $m.zeros(3)\na.shape = (3, 1)",
    "a = $m.arange(4)\na.data = $e\na.strides = (8,)\na.dtype = $e",
    "a = $m.array([1.0, 2.0])\nprint(a.ptp(), a.tostring(), a.ctypes.get_data())",
    "type T = $e",
    "x: \"list[$m.$n]\" = []",
    "$e  # noqa",
    "$e  # noqa: NP201",
    "$e  # noqa: NPY201",
    "import numpy as np",
    "from numpy import float_, NaN as n",
    "from numpy import *",
    "import numpy.core.numeric as _nx",
    "x = (np := $e)",
];

/// Blocks: a header (may have decorator lines) and the clauses that may follow the body.
const BLOCKS: &[(&str, &[&str])] = &[
    (
        "def f(a=$e, *args, b: \"$m.float_\" = $e, **kw) -> $e:",
        &[],
    ),
    ("def f(np):", &[]),
    ("def f(x: $m.$n) -> \"$m.$n\":", &[]),
    ("async def g():", &[]),
    ("@$m.deprecate\ndef h():", &[]),
    ("class C($e):", &[]),
    ("class A:", &[]),
    ("def __array__(self):", &[]),
    ("if $e:", &["elif $e:", "else:"]),
    ("if $e:", &[]),
    ("if np.__version__ >= \"2\":", &["else:"]),
    (
        "if np.lib.NumpyVersion(np.__version__) >= \"2.0.0\":",
        &["else:"],
    ),
    ("for x in $e:", &["else:"]),
    ("for np in range(3):", &[]),
    ("async for x in $e:", &[]),
    ("while $e:", &[]),
    ("try:", &["except ImportError:"]),
    (
        "try:",
        &[
            "except ($m.AxisError, ValueError) as np:",
            "else:",
            "finally:",
        ],
    ),
    ("try:", &["finally:"]),
    ("with $e as np:", &[]),
    ("with $e as (a, b), open(f):", &[]),
    ("def g[T: $m.$n](x: T) -> T:", &[]),
];

/// Methods of the array protocol, generated inside a class.
const PROTOCOL_METHODS: &[&str] = &[
    "def __array__(self):",
    "def __array__(self, dtype=None):",
    "def __array__(self, dtype=None, copy=None):",
    "def __array__(self, *args, **kwargs):",
    "def __array__(self, dtype):",
    "async def __array__(self):",
    "@property\ndef __array__(self):",
    "def __array_wrap__(self, arr, context=None):",
    "def __array_wrap__(self, arr, context=None, return_scalar=False):",
    "def __array_prepare__(self, arr, context=None):",
];

// ---------------------------------------------------------------------------------------------
// Strategies.
// ---------------------------------------------------------------------------------------------

/// Fill `$m`, `$n` and `$e` in `template`, in order, from the given choices.
fn fill(template: &str, module: &str, name: &str, exprs: &[String]) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut exprs = exprs.iter().cycle();
    let mut rest = template;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let placeholder = rest[at + 1..].chars().next();
        match placeholder {
            Some('m') => out.push_str(module),
            Some('n') => out.push_str(name),
            Some('e') => out.push_str(exprs.next().map_or("x", String::as_str)),
            _ => out.push('$'),
        }
        rest = &rest[at + 1 + placeholder.map_or(0, char::len_utf8)..];
    }
    out.push_str(rest);
    out
}

fn pick(items: &'static [&'static str]) -> impl Strategy<Value = &'static str> + Clone {
    proptest::sample::select(items)
}

fn leaf() -> impl Strategy<Value = String> + Clone {
    prop_oneof![
        (pick(MODULES), pick(NAMES)).prop_map(|(m, n)| format!("{m}.{n}")),
        pick(BARE).prop_map(str::to_string),
    ]
}

fn expr() -> impl Strategy<Value = String> + Clone {
    leaf().prop_recursive(3, 24, 3, |inner| {
        (
            pick(EXPRESSIONS),
            pick(MODULES),
            pick(NAMES),
            proptest::collection::vec(inner, 3),
        )
            .prop_map(|(template, m, n, exprs)| fill(template, m, n, &exprs))
    })
}

#[derive(Debug, Clone)]
enum Stmt {
    Simple(String),
    Block {
        header: String,
        body: Vec<Stmt>,
        clauses: Vec<(String, Vec<Stmt>)>,
    },
    /// `header: statement` on one line.
    OneLine(String, String),
}

fn simple() -> impl Strategy<Value = Stmt> + Clone {
    prop_oneof![
        (
            pick(STATEMENTS),
            pick(MODULES),
            pick(NAMES),
            proptest::collection::vec(expr(), 2)
        )
            .prop_map(|(template, m, n, exprs)| Stmt::Simple(fill(template, m, n, &exprs))),
        pick(IMPORTS).prop_map(|import| Stmt::Simple(import.to_string())),
    ]
}

fn stmt() -> impl Strategy<Value = Stmt> + Clone {
    simple().prop_recursive(3, 16, 3, |inner| {
        let block = (
            proptest::sample::select(BLOCKS),
            pick(MODULES),
            pick(NAMES),
            proptest::collection::vec(expr(), 3),
            proptest::collection::vec(inner.clone(), 0..3),
            proptest::collection::vec(proptest::collection::vec(inner.clone(), 1..3), 3),
            any::<bool>(),
        )
            .prop_map(
                |((header, clauses), m, n, exprs, body, clause_bodies, all_clauses)| {
                    let fill = |template: &str| fill(template, m, n, &exprs);
                    let clauses = clauses
                        .iter()
                        .enumerate()
                        // Keep the first clause (`try:` needs it), others by choice.
                        .filter(|(i, _)| *i == 0 || all_clauses)
                        .zip(clause_bodies)
                        .map(|((_, clause), body)| (fill(clause), body))
                        .collect();
                    Stmt::Block {
                        header: fill(header),
                        body,
                        clauses,
                    }
                },
            );
        let one_line = (
            pick(&[
                "if $e:",
                "while $e:",
                "for np in $e:",
                "with $e:",
                "class K:",
            ]),
            pick(MODULES),
            pick(NAMES),
            proptest::collection::vec(expr(), 2),
            simple(),
        )
            .prop_filter_map(
                "a one-line simple statement",
                |(header, m, n, exprs, body)| match body {
                    Stmt::Simple(body) if !body.contains('\n') && !body.starts_with('#') => {
                        Some(Stmt::OneLine(fill(header, m, n, &exprs), body))
                    }
                    _ => None,
                },
            );
        let protocol = (
            pick(&[
                "class A:",
                "class B(np.ndarray):",
                "class C(object, metaclass=M):",
            ]),
            pick(PROTOCOL_METHODS),
            proptest::collection::vec(inner.clone(), 0..3),
            proptest::collection::vec(inner.clone(), 0..2),
        )
            .prop_map(|(class, method, body, rest)| {
                let mut class_body = vec![Stmt::Block {
                    header: method.to_string(),
                    body,
                    clauses: Vec::new(),
                }];
                class_body.extend(rest);
                Stmt::Block {
                    header: class.to_string(),
                    body: class_body,
                    clauses: Vec::new(),
                }
            });
        prop_oneof![3 => block, 1 => one_line, 1 => protocol, 2 => inner]
    })
}

/// A small change that usually breaks the program.
#[derive(Debug, Clone)]
enum Perturbation {
    None,
    Delete(Index),
    Insert(Index, char),
    RepeatLine(Index),
}

fn perturbation() -> impl Strategy<Value = Perturbation> {
    prop_oneof![
        6 => Just(Perturbation::None),
        2 => any::<Index>().prop_map(Perturbation::Delete),
        1 => (
            any::<Index>(),
            proptest::sample::select(&[
                '(', ')', '[', ']', ':', ',', '.', '"', '\'', '#', '\\', '\n', '\r', '\t', ' ',
                '=', '*', 'x', 'é', '\u{feff}', '\u{c}',
            ][..])
        )
            .prop_map(|(at, c)| Perturbation::Insert(at, c)),
        1 => any::<Index>().prop_map(Perturbation::RepeatLine),
    ]
}

/// A whole source file and its path.
#[derive(Debug, Clone)]
struct Program {
    path: &'static str,
    source: String,
}

fn render(stmts: &[Stmt], depth: usize, indent: &str, out: &mut Vec<String>) {
    let prefix = indent.repeat(depth);
    let push = |out: &mut Vec<String>, text: &str| {
        for line in text.split('\n') {
            out.push(format!("{prefix}{line}"));
        }
    };
    for stmt in stmts {
        match stmt {
            Stmt::Simple(text) => push(out, text),
            Stmt::OneLine(header, body) => push(out, &format!("{header} {body}")),
            Stmt::Block {
                header,
                body,
                clauses,
            } => {
                push(out, header);
                render_body(body, depth + 1, indent, out);
                for (clause, body) in clauses {
                    push(out, clause);
                    render_body(body, depth + 1, indent, out);
                }
            }
        }
    }
}

fn render_body(body: &[Stmt], depth: usize, indent: &str, out: &mut Vec<String>) {
    if body.is_empty() {
        out.push(format!("{}pass", indent.repeat(depth)));
    } else {
        render(body, depth, indent, out);
    }
}

/// The imports and statements of a program: most are dense (many findings), some sparse (an
/// import or two and one statement: the prefilter then decides on little).
fn contents() -> impl Strategy<Value = (Vec<&'static str>, Vec<Stmt>)> {
    let dense = (
        any::<bool>(),
        proptest::collection::vec(pick(IMPORTS), 0..3),
        proptest::collection::vec(stmt(), 0..6),
    )
        .prop_map(|(np, mut imports, stmts)| {
            if np {
                imports.insert(0, "import numpy as np");
            }
            (imports, stmts)
        });
    let sparse = (
        proptest::collection::vec(pick(IMPORTS), 0..3),
        proptest::collection::vec(simple(), 1..2),
    );
    prop_oneof![3 => dense, 1 => sparse]
}

fn program() -> impl Strategy<Value = Program> {
    (
        contents(),
        pick(&["\n", "\n", "\n", "\r\n", "\r"]),
        pick(&["    ", "    ", "\t", "  ", " "]),
        any::<(bool, bool)>(),
        perturbation(),
        prop_oneof![6 => Just("t.py"), 1 => Just("t.pyi"), 1 => Just("__init__.py")],
    )
        .prop_map(
            |((imports, stmts), newline, indent, (bom, trailing), perturbation, path)| {
                let mut lines: Vec<String> = imports.iter().map(|s| s.to_string()).collect();
                render(&stmts, 0, indent, &mut lines);
                let mut source = String::new();
                if bom {
                    source.push('\u{feff}');
                }
                source.push_str(&lines.join("\n"));
                if trailing {
                    source.push('\n');
                }
                let source = source.replace('\n', newline);
                Program {
                    path,
                    source: perturb(source, &perturbation),
                }
            },
        )
}

fn perturb(mut source: String, perturbation: &Perturbation) -> String {
    let boundaries =
        |source: &str| -> Vec<usize> { source.char_indices().map(|(i, _)| i).collect::<Vec<_>>() };
    match perturbation {
        Perturbation::None => {}
        Perturbation::Delete(at) => {
            let chars = boundaries(&source);
            if !chars.is_empty() {
                source.remove(chars[at.index(chars.len())]);
            }
        }
        Perturbation::Insert(at, c) => {
            let mut chars = boundaries(&source);
            chars.push(source.len());
            source.insert(chars[at.index(chars.len())], *c);
        }
        Perturbation::RepeatLine(at) => {
            let lines: Vec<&str> = source.split_inclusive('\n').collect();
            if !lines.is_empty() {
                let i = at.index(lines.len());
                let mut repeated = lines[..=i].concat();
                repeated.push_str(lines[i]);
                repeated.push_str(&lines[i + 1..].concat());
                source = repeated;
            }
        }
    }
    source
}

// ---------------------------------------------------------------------------------------------
// The properties.
// ---------------------------------------------------------------------------------------------

fn config() -> Config {
    let mut config = Config {
        cases: 512,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/properties.proptest-regressions"
        )))),
        ..Config::default()
    };
    if std::env::var_os("PROPTEST_RNG_SEED").is_none() {
        config.rng_seed = RngSeed::Fixed(0x6e75_6d70_7932);
    }
    if let Some(cases) = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|cases| cases.parse().ok())
    {
        config.cases = cases;
    }
    config
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn fixing_keeps_the_invariants(program in program()) {
        invariants::check(&program.source, Path::new(program.path), false)
            .map_err(TestCaseError::fail)?;
    }
}

/// How well the generator covers the rules, and what the fixer does that is not an invariant
/// but is worth a look: `cargo test --test properties -- --ignored --nocapture` prints the
/// share of programs that parse, have findings and get fixed, and each program where a fix
/// was dropped (a rule whose fix breaks the code) or a comment changed.
#[test]
#[ignore = "a report on the generator, not a test"]
fn generator_coverage() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;

    let mut runner = TestRunner::new(config());
    let strategy = program();
    let (mut parsed, mut found, mut changed, mut dropped, mut lost) = (0, 0, 0, 0, 0);
    let mut codes = std::collections::BTreeMap::<&str, usize>::new();
    let total = config().cases.max(1000);
    for _ in 0..total {
        let program = strategy.new_tree(&mut runner).unwrap().current();
        let path = Path::new(program.path);
        let Ok(fixed) = lint::fix(&program.source, path, rules()) else {
            continue;
        };
        parsed += 1;
        let diagnostics = lint::check(&program.source, path, rules()).unwrap();
        found += usize::from(!diagnostics.is_empty());
        for diagnostic in &diagnostics {
            *codes.entry(diagnostic.code).or_default() += 1;
        }
        changed += usize::from(fixed.text != program.source);
        if !fixed.dropped.is_empty() {
            dropped += 1;
            println!("dropped {:?} in:\n{}\n---", fixed.dropped, program.source);
        }
        if comments(&program.source, path) != comments(&fixed.text, path) {
            lost += 1;
            println!(
                "comments changed in:\n{}\n-> fixed:\n{}\n---",
                program.source, fixed.text
            );
        }
    }
    println!(
        "{total} programs: {parsed} parse, {found} with findings, {changed} changed by fix, \
         {dropped} with a dropped fix, {lost} with changed comments; findings by code: {codes:?}"
    );
}
