"""Measuring helpers of the benchmark: timing, child processes with their peak memory, machine info.

Nothing here knows about lichtenberg_data; :mod:`_rows` uses these helpers to build the rows.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
#: The launcher every child is started by (see :func:`run_child`).
SPAWN = Path(__file__).resolve().parent / "_spawn.py"


# --------------------------------------------------------------------------- statistics

def median(xs: Sequence[float]) -> float | None:
    """The median, ``None`` for no samples."""
    return float(statistics.median(xs)) if xs else None


def paired_ratio(a: Sequence[float], b: Sequence[float]) -> float | None:
    """The median of ``a[i] / b[i]`` over pairs measured back to back.

    On a shared machine a burst of load slows both members of a pair alike, so the ratio of
    each pair is steadier than the ratio of the two medians.
    """
    return float(statistics.median(x / y for x, y in zip(a, b))) if a and b else None


def spread(xs: Sequence[float]) -> list[float] | None:
    """The 25th and 75th percentile (the interquartile range), for the noise of a measurement."""
    if len(xs) < 2:
        return None
    q = statistics.quantiles(xs, n=4, method="inclusive")
    return [round(q[0], 6), round(q[2], 6)]


# --------------------------------------------------------------------------- in-process timing

def _once(fn: Callable[[], Any]) -> float:
    gc.collect()
    enabled = gc.isenabled()
    gc.disable()  # as timeit does: a collection triggered by the other side must not land here
    try:
        t0 = time.perf_counter()
        fn()
        return time.perf_counter() - t0
    finally:
        if enabled:
            gc.enable()


def interleaved(a: Callable[[], Any], b: Callable[[], Any], *, repeats: int, budget_s: float = 20.0,
                min_repeats: int = 5) -> tuple[list[float], list[float]]:
    """Time ``a`` and ``b`` alternately (ABBA order), after one untimed warm-up call of each.

    Alternating puts both sides under the same machine noise; the ABBA order cancels any
    effect of going first. Stops after ``repeats`` pairs, or earlier once ``budget_s`` is used
    (but not before ``min_repeats``).
    """
    a()
    b()
    ta: list[float] = []
    tb: list[float] = []
    start = time.perf_counter()
    for i in range(repeats):
        if i % 2 == 0:
            ta.append(_once(a))
            tb.append(_once(b))
        else:
            tb.append(_once(b))
            ta.append(_once(a))
        if i + 1 >= min_repeats and time.perf_counter() - start > budget_s:
            break
    return ta, tb


# --------------------------------------------------------------------------- child processes

@dataclass
class Child:
    """What a child process did: exit code, wall time, peak memory, output."""

    rc: int
    wall_s: float
    peak_mb: float
    stdout: str
    stderr: str
    result: dict[str, Any] = field(default_factory=dict)

    def check(self, what: str) -> Child:
        """Raise with the end of stderr when the child failed."""
        if self.rc != 0:
            lines = (self.stderr + "\n" + self.stdout).strip().splitlines()
            bad = [ln for ln in lines if any(w in ln for w in ("WARNING", "ERROR", "Error", "error:", "failed"))]
            tail = "\n".join((bad or lines)[-6:])
            raise RuntimeError(f"{what} exited with {self.rc}: {tail}")
        return self


def _kill_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGKILL)


def run_child(cmd: Sequence[str], *, env: dict[str, str] | None = None, cwd: str | Path | None = None,
              timeout: float = 600.0) -> Child:
    """Run ``cmd`` and return its exit code, wall time and peak RSS (``ru_maxrss`` via ``wait4``).

    ``wait4`` gives the resource usage of exactly this child (and of the children it waited
    for), so the peak memory is per process, not the maximum over every child so far as
    ``RUSAGE_CHILDREN`` would be. The child is started by a bare launcher (``_spawn.py``):
    started from this process directly, its peak would start at this process's size (Linux
    copies the high-water mark at fork). Output goes to temporary files (no pipe can fill up).
    A line ``BENCH_RESULT {json}`` on stdout is parsed into :attr:`Child.result`.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.NamedTemporaryFile(suffix=".json") as report:
        t0 = time.perf_counter()
        # its own process group, so that a timeout or Ctrl-C also ends what the child started
        proc = subprocess.Popen([PYTHON, "-I", "-S", str(SPAWN), report.name, *cmd], env=env, cwd=cwd, stdout=out,
                                stderr=err, stdin=subprocess.DEVNULL, start_new_session=True)
        timer = threading.Timer(timeout, _kill_group, (proc.pid,))  # a blocking wait4 is exact; the timer ends a hang
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        except BaseException:
            _kill_group(proc.pid)
            os.wait4(proc.pid, 0)
            raise
        finally:
            timer.cancel()
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        peak = usage.ru_maxrss / 1024.0
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        stderr = err.read().decode("utf-8", "replace")
        spawned = Path(report.name).read_text(encoding="utf-8")
    if spawned:  # the command's own numbers (absent when the launcher was killed)
        own = json.loads(spawned)
        proc.returncode, wall, peak = own["rc"], own["wall_s"], own["peak_mb"]
    if wall > timeout:
        stderr += f"\n[bench] killed after {timeout:.0f} s"
    result: dict[str, Any] = {}
    for line in stdout.splitlines():
        if line.startswith("BENCH_RESULT "):
            result = json.loads(line[len("BENCH_RESULT "):])
    return Child(proc.returncode, wall, peak, stdout, stderr, result)


def python_child(code: str, *, env: dict[str, str] | None = None, cwd: str | Path | None = None,
                 timeout: float = 600.0) -> Child:
    """Run ``code`` in a fresh interpreter of the project's venv (see :func:`run_child`)."""
    return run_child([PYTHON, "-c", code], env=env, cwd=cwd, timeout=timeout)


def report_line(**values: Any) -> str:
    """Python source that prints a ``BENCH_RESULT`` line; used inside child scripts."""
    return f"print('BENCH_RESULT ' + __import__('json').dumps({values!r}))"


def env_with(**extra: str | Path) -> dict[str, str]:
    """The current environment with some variables set; bytecode caches allowed, as a user has
    them (with ``PYTHONDONTWRITEBYTECODE`` every child would compile the package's modules again:
    0.05 s of an IHK import)."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.update({k: str(v) for k, v in extra.items()})
    env.setdefault("PYTHONHASHSEED", "0")
    return env


def self_peak_mb() -> float:
    """Peak RSS of this process so far, MB."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


# --------------------------------------------------------------------------- machine

def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _ram_gb() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return None


def _version(module: str) -> str | None:
    from importlib import metadata

    try:
        return metadata.version(module)
    except metadata.PackageNotFoundError:
        return None


def machine_info() -> dict[str, Any]:
    """CPU model, cores, RAM, OS, Python and the versions of the libraries that matter here."""
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        usable = os.cpu_count()
    try:
        load = [round(x, 2) for x in os.getloadavg()]
    except OSError:  # pragma: no cover
        load = None
    return {
        "cpu_model": _cpu_model(),
        "cores": os.cpu_count(),
        "cores_usable": usable,
        "ram_gb": _ram_gb(),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "pandas": _version("pandas"),
        "pyarrow": _version("pyarrow"),
        "geopandas": _version("geopandas"),
        "shapely": _version("shapely"),
        "openpyxl": _version("openpyxl"),
        "matplotlib": _version("matplotlib"),
        "lichtenberg_data": _version("lichtenberg_data"),
        "load_average_at_start": load,
    }


def now_iso() -> str:
    """Local time with offset, seconds."""
    return datetime.now().astimezone().isoformat(timespec="seconds")
