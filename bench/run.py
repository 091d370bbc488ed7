"""``make bench``: measure lichtenberg_data against its floors, side by side in one run.

Each row runs in its own process with a fresh temporary data folder (``LICHTENBERG_DATA_DIR``),
so its peak memory is its own and a crash in one row does not lose the others. The table is
printed and written to ``bench/results.json``. See ``bench/README.md``.

Usage::

    .venv/bin/python bench/run.py                  # every row (about 8-12 minutes on 2 cores)
    .venv/bin/python bench/run.py --quick          # fewer repeats (about half the time)
    .venv/bin/python bench/run.py --only refresh   # rows whose name contains "refresh" (repeatable)
    .venv/bin/python bench/run.py --only 1,2       # rows of issue items 1 and 2
    .venv/bin/python bench/run.py --profile        # also write pyinstrument profiles to bench/profiles/
    .venv/bin/python bench/run.py --list           # the rows
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _harness as h  # noqa: E402

RESULTS = h.ROOT / "bench" / "results.json"


# --------------------------------------------------------------------------- formatting

def _fmt_time(x: float | None) -> str:
    if x is None:
        return "-"
    if x < 1:
        return f"{x * 1000:.1f} ms" if x < 0.1 else f"{x * 1000:.0f} ms"
    return f"{x:.2f} s"


def _fmt_ratio(r: dict[str, Any]) -> str:
    if r.get("ratio") is None:
        return "-"
    ratio = r["ratio"]
    return f"{ratio:.3f}" if ratio < 0.1 else f"{ratio:.2f}"


def table(rows: list[dict[str, Any]]) -> str:
    """The results as a fixed-width text table (what is printed and copied into the README)."""
    head = ["#", "name", "value", "floor", "ratio", "target", "met", "peak MB"]
    body = []
    for r in rows:
        met = "yes" if r["met"] else ("n/a" if r["value"] is None and not r.get("error") else "NO")
        if r.get("error"):
            met = "ERROR"
        body.append([str(r.get("item", "")), r["name"], _fmt_time(r["value"]), _fmt_time(r["floor"]), _fmt_ratio(r),
                     r["target"], met, "-" if r.get("peak_mb") is None else f"{r['peak_mb']:.0f}"])
    widths = [max(len(x[i]) for x in [head, *body]) for i in range(len(head))]
    right = {2, 3, 4, 7}

    def line(cells: list[str]) -> str:
        return "  ".join(c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths)))

    out = [line(head), "  ".join("-" * w for w in widths)] + [line(b) for b in body]
    notes = []
    for r in rows:
        text = r.get("error") or r.get("note")
        floor = r.get("floor_what")
        notes.append(f"{r['name']}: floor = {floor}" + (f"; {text}" if text else ""))
    return "\n".join(out + [""] + notes)


# --------------------------------------------------------------------------- one row (child side)

def _child(name: str, result_path: Path, quick: bool, profile: bool) -> int:
    import _rows

    tmp = Path(os.environ.get("BENCH_TMP") or tempfile.mkdtemp(prefix="ld-bench-"))
    try:
        row = _rows.run_row(name, quick=quick, tmp=tmp, profile=profile)
    except Exception as exc:  # noqa: BLE001 - reported as the row's error, the table goes on
        traceback.print_exc()
        first = str(exc).strip().splitlines()
        result_path.write_text(json.dumps({"error": f"{type(exc).__name__}: {' | '.join(first[:1] + first[-4:])}"[:800]}),
                               encoding="utf-8")
        return 1
    _rows.dump(row, result_path)
    return 0


# --------------------------------------------------------------------------- orchestration

def _select(names: list[str], only: list[str]) -> list[str]:
    import _rows

    if not only:
        return names
    items = {s.name: str(s.item) for s in _rows.SPECS}
    wanted = [w.strip() for o in only for w in o.split(",") if w.strip()]
    chosen = [n for n in names if any(w == items[n] if w.isdigit() else w in n for w in wanted)]
    if not chosen:
        raise SystemExit(f"--only {', '.join(wanted)} matches no row; rows: {', '.join(names)}")
    return chosen


def _run_row(spec: Any, args: argparse.Namespace) -> dict[str, Any]:
    tmp = Path(tempfile.mkdtemp(prefix=f"ld-bench-{spec.name}-"))
    result_path = tmp / "result.json"
    env = h.env_with(LICHTENBERG_DATA_DIR=tmp / "data", BENCH_TMP=tmp / "work", MPLBACKEND="Agg")
    (tmp / "work").mkdir()
    cmd = [h.PYTHON, str(Path(__file__).resolve()), "--row", spec.name, "--result", str(result_path)]
    cmd += ["--quick"] if args.quick else []
    cmd += ["--profile"] if args.profile else []
    try:
        child = h.run_child(cmd, env=env, cwd=tmp / "work", timeout=args.timeout)
        row = json.loads(result_path.read_text(encoding="utf-8")) if result_path.exists() else {}
        if child.rc != 0 or "error" in row:
            tail = [ln for ln in child.stderr.strip().splitlines() if ln.strip()][-3:]
            error = row.get("error") or f"row process exited with {child.rc}: " + " | ".join(tail)[-600:]
            row = {"name": spec.name, "item": spec.item, "what": spec.what, "value": None, "unit": "s",
                   "floor": None, "ratio": None, "target": spec.target, "met": False, "peak_mb": None,
                   "floor_what": None, "error": error}
        row["row_process_s"] = round(child.wall_s, 2)
        row["row_process_peak_mb"] = round(child.peak_mb, 1)
        return row
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            print(f"    kept {tmp}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help="fewer repeats (for development)")
    p.add_argument("--only", action="append", default=[], metavar="NAME",
                   help="run rows whose name contains NAME, or whose issue item is NAME (comma-separated, repeatable)")
    p.add_argument("--list", action="store_true", help="list the rows and exit")
    p.add_argument("--profile", action="store_true", help="also profile the toolkit side (bench/profiles/)")
    p.add_argument("--out", type=Path, default=RESULTS, help=f"results file (default {RESULTS.relative_to(h.ROOT)})")
    p.add_argument("--timeout", type=float, default=420.0, help="seconds a row may take (default 420)")
    p.add_argument("--keep", action="store_true", help="keep each row's temporary folder")
    p.add_argument("--row", help=argparse.SUPPRESS)
    p.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    args = p.parse_args(argv)

    if args.row:
        return _child(args.row, args.result, args.quick, args.profile)

    import _rows

    if args.list:
        for s in _rows.SPECS:
            print(f"{s.item}  {s.name:22s} {s.what}  [target {s.target}]")
        return 0

    names = _select([s.name for s in _rows.SPECS], args.only)
    specs = [s for s in _rows.SPECS if s.name in names]
    machine = h.machine_info()
    started = h.now_iso()
    print(f"lichtenberg_data benchmark ({'quick' if args.quick else 'full'}), {started}")
    print(f"machine: {machine['cpu_model']}, {machine['cores_usable']}/{machine['cores']} cores, "
          f"{machine['ram_gb']} GB RAM, Python {machine['python']}, pandas {machine['pandas']}, "
          f"matplotlib {machine['matplotlib']}, "
          f"load {machine['load_average_at_start']}")
    t0 = time.perf_counter()
    rows = []
    for i, spec in enumerate(specs, start=1):
        print(f"[{i}/{len(specs)}] {spec.name}: {spec.what} ...", end="", flush=True)
        try:
            row = _run_row(spec, args)
        except Exception as exc:  # noqa: BLE001 - the table must still be written
            traceback.print_exc()
            row = {"name": spec.name, "item": spec.item, "value": None, "floor": None, "ratio": None,
                   "target": spec.target, "met": False, "peak_mb": None, "error": f"{type(exc).__name__}: {exc}"}
        status = "ERROR" if row.get("error") else ("met" if row["met"] else "MISSED")
        print(f" {status} ({row.get('row_process_s', 0):.1f} s)", flush=True)
        rows.append(row)
    total = time.perf_counter() - t0
    text = table(rows)
    print()
    print(text)
    print(f"\n{sum(r['met'] for r in rows)}/{len(rows)} targets met; bench took {total:.0f} s")
    doc = {
        "timestamp": started, "mode": "quick" if args.quick else "full",
        "selected": names, "duration_s": round(total, 1), "machine": machine,
        "ratio_definition": ("toolkit time / floor time, the median over pairs measured back to back (value and "
                             "floor are the medians of each side); below 1 = toolkit faster. notebooks: the median over builds of build / the bare kernels "
                             "measured right before and after it"),
        "rows": rows, "table": text.splitlines(),
    }
    args.out.write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
