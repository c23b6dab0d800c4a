"""Time of ``import iocirc``, of the first xarray object, and of the ``iocirc`` command.

Usage::

    python benchmarks/bench_import.py [--repeat N]

Each figure is the median of ``--repeat`` fresh interpreters (imports are cached
within a process, so only a new process measures them):

* ``import xarray``: the floor; every use of iocirc needs xarray (and pandas);
* ``import iocirc``: the package and what it imports at import time;
* ``first xarray object``: ``xr.DataArray([1.0])`` after ``import iocirc``.
  xarray checks, when it makes its first object, whether the data are a dask
  array, and imports dask to know (about 0.2-0.3 s when dask is installed). That
  cost is xarray's; iocirc makes no xarray object at import, so it is paid once,
  by the first table;
* ``iocirc --help``: the command line's start (``python -m iocirc --help``);

and which heavy modules ``import iocirc`` loads (scipy, matplotlib, dask, pooch,
openpyxl, netCDF4 should not be among them: they are imported where used).
Target: ``import iocirc`` within 0.15 s of ``import xarray``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys

HEAVY = ("scipy", "matplotlib", "dask", "pooch", "openpyxl", "netCDF4", "python_calamine")

_FIRST_OBJECT = """
import time, iocirc, xarray as xr
start = time.perf_counter()
xr.DataArray([1.0])
print(time.perf_counter() - start)
"""

_LOADED = """
import json, sys, iocirc
print(json.dumps(sorted({m.split(".")[0] for m in sys.modules})))
"""


def _run(code: str) -> str:
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout


def time_import(statement: str, repeat: int) -> float:
    """Median seconds of ``statement`` in fresh interpreters."""
    code = (
        f"import time\nstart = time.perf_counter()\n{statement}\nprint(time.perf_counter() - start)"
    )
    return statistics.median(float(_run(code)) for _ in range(repeat))


def time_first_object(repeat: int) -> float:
    return statistics.median(float(_run(_FIRST_OBJECT)) for _ in range(repeat))


def time_help(repeat: int) -> float:
    """Median wall seconds of ``python -m iocirc --help`` (the whole process)."""
    code = (
        "import subprocess, sys, time\n"
        "start = time.perf_counter()\n"
        "subprocess.run([sys.executable, '-m', 'iocirc', '--help'], capture_output=True, "
        "check=True)\n"
        "print(time.perf_counter() - start)"
    )
    try:
        return statistics.median(float(_run(code)) for _ in range(repeat))
    except subprocess.CalledProcessError:  # a version of iocirc without the command
        return float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=7, help="fresh interpreters per figure")
    args = parser.parse_args()
    rows = {
        "import xarray": time_import("import xarray", args.repeat),
        "import iocirc": time_import("import iocirc", args.repeat),
        "first xarray object": time_first_object(args.repeat),
        "iocirc --help": time_help(args.repeat),
    }
    for name, seconds in rows.items():
        print(f"{name:<22} {seconds:6.3f} s   (median of {args.repeat})")
    loaded = set(json.loads(_run(_LOADED)))
    heavy = sorted(loaded & set(HEAVY))
    print(f"heavy modules loaded by import iocirc: {', '.join(heavy) or 'none'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
