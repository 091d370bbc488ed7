"""Rows of issue 10: business dynamics over 24 monthly IHK snapshots, and the 12 real
Bodenrichtwert editions. Registered at the end of ``_rows.py`` (``ROWS``); shared pieces from ``_common.py``."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import _harness as h
from _common import ROOT, peak_child, profile_inprocess, result

N_ROWS, N_MONTHS = 400_000, 24


def _store_snapshots(folder: Path) -> None:
    """24 IHK-shaped months of 400,000 rows in the data folder.

    The first month is ``sample_ihk(400_000)`` with real Planungsraum keys, imported through
    ``ld.import_file`` like a real file. The 23 months after it vary that parsed table month to
    month (1.1 % exits, 1.4 % entries with new ids, 0.2 % moves, 0.05 % sector switches) and are
    written by the store's own monthly writer (``_store.write_processed``), which an import of each
    month would also end in: 23 more CSV parses would only lengthen the set-up, not the measurement.
    """
    import numpy as np
    import pandas as pd

    import lichtenberg_data as ld
    from lichtenberg_data import _store
    from lichtenberg_data.demo.business import _lor_areas, _with_areas, sample_ihk

    rng = np.random.default_rng(7)
    frame = pd.read_csv(io.BytesIO(sample_ihk(N_ROWS, seed=7)), dtype=str, keep_default_na=False)
    folder.mkdir(parents=True, exist_ok=True)
    first = folder / "IHKBerlin_Gewerbedaten_01-2023.csv"
    _with_areas(frame, _lor_areas(), rng).to_csv(first, index=False)
    ld.import_file("ihk_gewerbedaten", first)
    first.unlink()
    table = ld.load("ihk_gewerbedaten")
    attrs, next_id = table.attrs, 900_000_000
    for i in range(1, N_MONTHS):
        keep = rng.random(len(table)) >= 0.011
        new = table.sample(int(0.014 * N_ROWS), random_state=i).copy()
        new["opendata_id"] = [str(next_id + j) for j in range(len(new))]
        next_id += len(new)
        table = pd.concat([table[keep], new], ignore_index=True)
        movers = np.flatnonzero(rng.random(len(table)) < 0.002)
        donors = table.sample(len(movers), random_state=100 + i)
        for col in ("planungsraum_id", "planungsraum", "bezirksregion", "bezirk", "bezirk_id", "latitude", "longitude"):
            table.loc[movers, col] = donors[col].to_numpy()
        switch = np.flatnonzero(rng.random(len(table)) < 0.0005)
        table.loc[switch, ["nace_id", "abschnitt"]] = table[["nace_id", "abschnitt"]].sample(
            len(switch), random_state=i).to_numpy()
        table["date"] = pd.Timestamp(2023 + i // 12, i % 12 + 1, 1)
        table.attrs = attrs
        _store.write_processed("ihk_gewerbedaten", table)


_FLOOR_SQL = "SELECT count(*), sum(hash(opendata_id)), count(planungsraum_id) FROM {scan}"


def row_dynamics(spec: Any, ctx: Any) -> dict[str, Any]:
    import lichtenberg_data as ld
    from lichtenberg_data import _partitions

    _store_snapshots(ctx.tmp / "ihk")
    scan = _partitions.scan_sql("ihk_gewerbedaten")
    tool = lambda: ld.business.dynamics("planungsraum")  # noqa: E731

    def floor() -> Any:
        import duckdb

        return duckdb.connect().execute(_FLOOR_SQL.format(scan=scan)).fetchall()

    ta, tb = h.interleaved(tool, floor, repeats=ctx.reps(7, 3), budget_s=ctx.reps(40, 12), min_repeats=3)
    out = tool()
    peak = peak_child("import lichtenberg_data as ld\nld.business.dynamics('planungsraum')")
    floor_peak = peak_child(f"import duckdb\nduckdb.connect().execute({_FLOOR_SQL.format(scan=scan)!r}).fetchall()")
    value, fl = h.median(ta), h.median(tb)
    ratio = h.paired_ratio(ta, tb)
    extra: dict[str, Any] = {"months": N_MONTHS, "rows_per_month": N_ROWS, "result_rows": int(len(out)),
                             "entries_last_month": int(out.loc[out["stand"] == out["stand"].max(), "zugaenge"].sum())}
    if ctx.profile:
        extra["profile"] = str(profile_inprocess(spec.name, tool).relative_to(ROOT))
    return result(spec, value=value, floor=fl, met=value < 5.0 and peak < 1536 and ratio <= 3, ratio=ratio,
                        peak_mb=peak, floor_peak_mb=floor_peak,
                        floor_what="DuckDB scanning opendata_id and planungsraum_id of all 24 partitions",
                        samples=len(ta), value_iqr=h.spread(ta), floor_iqr=h.spread(tb),
                        note="ld.business.dynamics('planungsraum') in DuckDB over the monthly Parquet files: one "
                             "scan aggregated by id and area (month bit masks), a month-to-month join only for "
                             "the businesses that moved (their rows rebuilt from the masks); peak of a fresh process", **extra)


def row_brw_import(spec: Any, ctx: Any) -> dict[str, Any]:
    from lichtenberg_data.demo import SNAPSHOT

    files = sorted((SNAPSHOT / "bodenrichtwerte").glob("broker_*.xls"))
    timed = ("import time\nt0 = time.perf_counter()\n{op}\n"
             "print('BENCH_RESULT ' + __import__('json').dumps({{'s': time.perf_counter() - t0}}))")
    names = [str(p) for p in files]
    tool_code = "import lichtenberg_data as ld, pandas\n" + timed.format(op=f"ld.import_file('bodenrichtwerte', {names!r})")
    floor_code = ("import pandas as pd\n"
                  + timed.format(op=f"[pd.read_excel(p, engine='calamine') for p in {names!r}]"))
    tool, floor = [], []
    for i in range(ctx.reps(5, 2)):
        env = h.env_with(LICHTENBERG_DATA_DIR=ctx.tmp / f"data{i}")
        pair = [("t", tool_code, env), ("f", floor_code, None)]
        for kind, code, e in pair if i % 2 == 0 else pair[::-1]:
            child = h.python_child(code, env=e).check(f"Bodenrichtwert import ({kind})")
            (tool if kind == "t" else floor).append(child)
    tt, tf = [c.result["s"] for c in tool], [c.result["s"] for c in floor]
    return result(spec, value=h.median(tt), floor=h.median(tf), met=True, ratio=h.paired_ratio(tt, tf),
                        peak_mb=max(c.peak_mb for c in tool), floor_peak_mb=max(c.peak_mb for c in floor),
                        floor_what="pd.read_excel(engine='calamine') of the 12 files (xlrd is not installed)",
                        samples=len(tt), value_iqr=h.spread(tt), floor_iqr=h.spread(tf), files=len(files),
                        note="the 12 real broker_YYYY.xls editions of the snapshot; time inside a fresh process, "
                             "first import into an empty data folder (parse, validate, store); reported, no target")


ROWS = [
    ("ihk_dynamics_24x400k", 10, "ld.business.dynamics per Planungsraum over 24 monthly IHK snapshots of 400,000 rows",
     "< 5 s, peak < 1.5 GB, ratio <= 3", row_dynamics),
    ("brw_import_12", 10, "ld.import_file of the 12 real Bodenrichtwert editions vs reading them with pandas",
     "reported (no target)", row_brw_import),
]
