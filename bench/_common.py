"""What every row module of the benchmark shares: the row context, the row spec, the result
record, peak-memory children, profiles, and the timed pair of child processes.

The row modules (``_rows.py``, ``_rows_retail.py``, ``_rows_business.py``, ``_rows_imports.py``)
import this module; it imports none of them, so the modules of ``bench/`` form no cycle.
"""

from __future__ import annotations

import os
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import _harness as h

ROOT = h.ROOT
PROFILES = ROOT / "bench" / "profiles"


@dataclass
class Ctx:
    """What a row function gets: the mode and a scratch folder."""

    quick: bool
    tmp: Path
    profile: bool = False

    def reps(self, full: int, quick: int) -> int:
        """Number of repeats for this mode."""
        return quick if self.quick else full

    @property
    def data_dir(self) -> Path:
        return Path(os.environ["LICHTENBERG_DATA_DIR"])


@dataclass(frozen=True)
class Spec:
    """One row: its name, the issue item it implements, a description, the target and the code."""

    name: str
    item: int
    what: str
    target: str
    func: Callable[[Ctx], dict[str, Any]]


def result(spec: Spec, *, value: float | None, floor: float | None, met: bool, peak_mb: float | None,
           floor_what: str, floor_peak_mb: float | None = None, samples: int = 0,
           value_iqr: list[float] | None = None, floor_iqr: list[float] | None = None, note: str = "",
           unit: str = "s", ratio: float | None = None, **extra: Any) -> dict[str, Any]:
    """A row of results.json; ``ratio`` defaults to ``value / floor`` (rows with paired
    measurements pass the median of the paired ratios instead, see :func:`_harness.paired_ratio`)."""
    if ratio is None:
        ratio = value / floor if value is not None and floor else None
    return {
        "name": spec.name, "item": spec.item, "what": spec.what,
        "value": rounded(value), "unit": unit, "floor": rounded(floor), "floor_what": floor_what,
        "ratio": rounded(ratio, 4), "target": spec.target, "met": bool(met),
        "peak_mb": rounded(peak_mb, 1), "floor_peak_mb": rounded(floor_peak_mb, 1),
        "samples": samples, "value_iqr": value_iqr, "floor_iqr": floor_iqr, "note": note,
        "extra": extra,
    }


def rounded(x: float | None, digits: int = 6) -> float | None:
    return None if x is None else round(float(x), digits)


def cli() -> list[str]:
    """The ``lichtenberg-data`` command of this venv (what cron runs)."""
    script = Path(h.PYTHON).parent / "lichtenberg-data"
    if script.exists():
        return [str(script)]
    return [h.PYTHON, "-m", "lichtenberg_data.cli"]


def peak_child(code: str, env: dict[str, str] | None = None) -> float:
    """Peak RSS (MB) of a fresh interpreter that runs ``code`` (imports included)."""
    return h.python_child(code, env=env).check("peak-memory child").peak_mb


def trim(text: str, frac: float = 0.01) -> str:
    """Drop the frames of a pyinstrument text report that took less than ``frac`` of the total."""
    lines, total, out = text.splitlines(), None, []
    for line in lines:
        m = re.match(r"^[\s│├└─]*([\d.]+) ", line)
        if m is None:
            out.append(line)
            continue
        value = float(m.group(1))
        total = total or value
        if value >= frac * total:
            out.append(line)
    text = "\n".join(out) + "\n"
    # paths of this machine say nothing to a reader and must not be committed
    return text.replace(str(ROOT) + "/", "").replace(sys.prefix + "/", "<venv>/").replace(str(Path.home()) + "/", "~/")


def profile_inprocess(name: str, fn: Callable[[], Any], min_s: float = 1.0) -> Path:
    """Profile ``fn`` with pyinstrument, repeating it for at least ``min_s`` so samples add up."""
    from pyinstrument import Profiler

    PROFILES.mkdir(parents=True, exist_ok=True)
    prof = Profiler(interval=0.0005)
    with prof:
        t0 = time.perf_counter()
        calls = 0
        while calls == 0 or time.perf_counter() - t0 < min_s:
            fn()
            calls += 1
    out = PROFILES / f"{name}.txt"
    text = prof.output_text(unicode=True, color=False, show_all=True, short_mode=False)
    out.write_text(f"# {name}: {calls} calls (frames under 1 % of the total dropped)\n" + trim(text), encoding="utf-8")
    return out


def profile_child(name: str, code: str, env: dict[str, str] | None = None) -> Path:
    """Profile a child interpreter running ``code`` with pyinstrument (text report).

    The code runs as a script file, not with ``-c``: pyinstrument drops the frame of ``-c`` code
    and then shows only its heaviest child (often the imports, not the call profiled)."""
    import tempfile

    PROFILES.mkdir(parents=True, exist_ok=True)
    out = PROFILES / f"{name}.txt"
    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / f"{name}.py"
        script.write_text(code, encoding="utf-8")
        h.run_child([h.PYTHON, "-m", "pyinstrument", "-i", "0.0005", "--show-all", "-r", "text", "-o", str(out),
                     str(script)], env=env).check(f"profile of {name}")
        text = out.read_text(encoding="utf-8").replace(folder + "/", "")
    out.write_text(f"# {name} (frames under 1 % of the total dropped)\n" + trim(text), encoding="utf-8")
    return out


#: A child script that times ``{op}`` after its imports and prints the seconds as ``BENCH_RESULT``.
TIMED = ("import time\nt0 = time.perf_counter()\n{op}\n"
         "print('BENCH_RESULT ' + __import__('json').dumps({{'s': time.perf_counter() - t0}}))")


def timed(imports: str, op: str) -> str:
    """Child code: ``imports`` untimed, then ``op`` timed (see :data:`TIMED`)."""
    return imports + "\n" + TIMED.format(op=op)


def paired_children(tool_code: str, floor_code: str, pairs: int, tool_env: Callable[[int], dict[str, str] | None],
                    what: str) -> tuple[list[h.Child], list[h.Child]]:
    """Run the toolkit's and the floor's child ``pairs`` times, alternated in ABBA order (pair
    ``i`` gets the toolkit environment ``tool_env(i)``, e.g. its own empty data folder)."""
    tool: list[h.Child] = []
    floor: list[h.Child] = []
    for i in range(pairs):
        pair = [("t", tool_code, tool_env(i)), ("f", floor_code, None)]
        for kind, code, env in pair if i % 2 == 0 else pair[::-1]:
            child = h.python_child(code, env=env).check(f"{what} ({'toolkit' if kind == 't' else 'floor'})")
            (tool if kind == "t" else floor).append(child)
    return tool, floor
