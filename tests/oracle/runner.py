"""Run many Python snippets under one interpreter, importing numpy only once.

Used by `tests/oracle.rs`. Reads a JSON list of jobs from stdin:

    [{"id": "...", "source": "...", "deprecation_errors": true}, ...]

and writes one JSON object to stdout:

    {"numpy": "2.4.6", "python": "3.11.7",
     "results": [{"id": "...", "status": 0, "stdout": "...", "stderr": "..."}, ...]}

Each snippet runs in a child forked from this process, as `python example.py` would run it:
a fresh `__main__` module, the snippet saved as `example.py` in its own temporary folder (the
working directory, `sys.path[0]` and `__file__`, so `inspect.getsource` works), file
descriptors 1 and 2 redirected to files (so output written through the `sys.stdout` object
numpy bound at import time is captured too), and its own warning filters:
`deprecation_errors` is `-W error::DeprecationWarning`. `status` is the exit code, or minus
the signal number when the child was killed (a snippet gets TIMEOUT seconds).
"""

import os

# Forking after a BLAS library started its threads can deadlock the child.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import json
import platform
import shutil
import signal
import sys
import tempfile
import traceback
import types
import warnings

import numpy

TIMEOUT = 60


def run_child(job, folder):
    """In the forked child: run the snippet and leave through `os._exit`."""
    status = 1
    try:
        out = os.open(os.path.join(folder, "stdout"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
        err = os.open(os.path.join(folder, "stderr"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.dup2(out, 1)
        os.dup2(err, 2)
        for fd in (out, err, null):
            os.close(fd)
        signal.signal(signal.SIGALRM, signal.SIG_DFL)
        signal.alarm(TIMEOUT)

        path = os.path.join(folder, "example.py")
        with open(path, "w", encoding="utf-8") as f:
            f.write(job["source"])
        os.chdir(folder)
        sys.argv = [path]
        sys.path[0] = folder
        if job["deprecation_errors"]:
            warnings.filterwarnings("error", category=DeprecationWarning)
        main = types.ModuleType("__main__")
        main.__file__ = path
        main.__builtins__ = __builtins__
        sys.modules["__main__"] = main
        try:
            code = compile(job["source"], path, "exec")
            exec(code, main.__dict__)
            status = 0
        except SystemExit as e:
            if e.code is None:
                status = 0
            elif isinstance(e.code, int):
                status = e.code
            else:
                print(e.code, file=sys.stderr)
                status = 1
        except BaseException as e:
            # Leave this file's own frame out of the traceback, as `python example.py` would.
            traceback.print_exception(type(e), e, e.__traceback__.tb_next)
            status = 1
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except BaseException:
            status = status or 120
        os._exit(status)


def read(path):
    try:
        with open(path, "rb") as f:
            return f.read().decode("utf-8", errors="replace")
    except FileNotFoundError:
        return ""


def main():
    jobs = json.load(sys.stdin)
    parallel = max(1, os.cpu_count() or 1)
    root = tempfile.mkdtemp(prefix="migrate-oracle-")
    results = {}
    running = {}  # pid -> (job, folder)

    def reap_one():
        pid, wait_status = os.wait()
        job, folder = running.pop(pid)
        if os.WIFEXITED(wait_status):
            status = os.WEXITSTATUS(wait_status)
        else:
            status = -os.WTERMSIG(wait_status)
        results[job["id"]] = {
            "id": job["id"],
            "status": status,
            "stdout": read(os.path.join(folder, "stdout")),
            "stderr": read(os.path.join(folder, "stderr")),
        }

    try:
        for index, job in enumerate(jobs):
            while len(running) >= parallel:
                reap_one()
            folder = os.path.join(root, str(index))
            os.mkdir(folder)
            sys.stdout.flush()
            sys.stderr.flush()
            pid = os.fork()
            if pid == 0:
                run_child(job, folder)
            running[pid] = (job, folder)
        while running:
            reap_one()
    finally:
        shutil.rmtree(root, ignore_errors=True)

    json.dump(
        {
            "numpy": numpy.__version__,
            "python": platform.python_version(),
            "results": [results[job["id"]] for job in jobs],
        },
        sys.stdout,
    )


if __name__ == "__main__":
    main()
