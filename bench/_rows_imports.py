"""Rows of issue 21: the imports this turn added, each against reading the same files with
geopandas/pandas and writing them to Parquet. Registered at the end of ``_rows.py`` (``ROWS``).

* ``schulen_import``: the real FIS-Broker school layer (GeoJSON, 688 schools) and the school
  directory (CSV, 1,036 schools) of the snapshot, imported into a data folder that holds the
  real Planungsräume (as after ``make demo``), so each school gets its Planungsraum.
* ``bplan_import``: the three ``bplan`` WFS layers (``sample_bplan``) at a real size, 4,164 plans
  (:data:`_inputs.BPLAN_PER_BEZIRK`).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import _harness as h
import _inputs
from _common import ROOT, Ctx, Spec, paired_children, profile_child, result, timed


def _compare(spec: Spec, ctx: Ctx, ds_id: str, files: list[Path], floor_op: str, floor_what: str,
             met: Any, data: Path | None = None, **extra: Any) -> dict[str, Any]:
    """``ld.import_file(ds_id, files)`` in a fresh process (a copy of ``data`` as its data folder,
    else an empty one) against ``floor_op`` in another, paired; ``met(value, ratio)`` says
    whether the target is met."""
    names = [str(p) for p in files]

    def folder(i: int) -> dict[str, str]:
        target_dir = ctx.tmp / f"data{i}"
        if data is not None:
            shutil.copytree(data, target_dir)
        return h.env_with(LICHTENBERG_DATA_DIR=target_dir)

    tool_code = timed("import lichtenberg_data as ld, pandas, geopandas",
                      f"print('ROWS', ld.import_file({ds_id!r}, {names!r}).rows)")
    floor_code = timed("import geopandas as gpd, pandas as pd, pyarrow", floor_op)
    tool, floor = paired_children(tool_code, floor_code, ctx.reps(7, 3), folder, f"{ds_id} import")
    tt, tf = [c.result["s"] for c in tool], [c.result["s"] for c in floor]
    ratio = h.paired_ratio(tt, tf)
    rows = int(tool[0].stdout.split("ROWS", 1)[1].split()[0])
    if ctx.profile:
        extra["profile"] = str(profile_child(spec.name, tool_code, folder(99)).relative_to(ROOT))
    return result(spec, value=h.median(tt), floor=h.median(tf), met=bool(met(h.median(tt), ratio)), ratio=ratio,
                  peak_mb=max(c.peak_mb for c in tool), floor_peak_mb=max(c.peak_mb for c in floor),
                  floor_what=floor_what, samples=len(tt), value_iqr=h.spread(tt), floor_iqr=h.spread(tf),
                  rows=rows, files=len(files), mb=round(sum(p.stat().st_size for p in files) / 1e6, 2),
                  note="time inside a fresh process (imports done), first import (check, parse, validate, store); "
                       "peak = ru_maxrss of that process", **extra)


def row_schulen(spec: Spec, ctx: Ctx) -> dict[str, Any]:
    import lichtenberg_data as ld
    from lichtenberg_data.demo import SNAPSHOT

    ld.refresh(["lor_planungsraeume"], mirror=_inputs.mini_mirror(ctx.tmp / "mirror", ["lor_planungsraeume"]))
    located = sorted((SNAPSHOT / "schulen").glob("*.geojson"))
    listed = sorted((SNAPSHOT / "schulen").glob("*.csv"))
    files = located + listed
    out = ctx.tmp / "floor"
    op = (f"[gpd.read_file(p).to_parquet(f'{out}_{{i}}.parquet') for i, p in enumerate({[str(p) for p in located]!r})]\n"
          f"[pd.read_csv(p, sep=';', dtype=str).to_parquet(f'{out}_csv{{i}}.parquet') "
          f"for i, p in enumerate({[str(p) for p in listed]!r})]")
    row = _compare(spec, ctx, "schulen", files, op,
                   "gpd.read_file(GeoJSON) + pd.read_csv(CSV, sep=';', dtype=str) + to_parquet of both",
                   lambda value, ratio: value < 1.0, data=Path(ld.settings.settings.data_dir))
    row["note"] += ("; the real snapshot files (FIS-Broker s_schulen 2020-07, directory 2020, 0.5 MB); the data folder "
                    "holds the 542 real Planungsräume, each located school gets its Planungsraum (the floor does not); "
                    "files this small leave the fixed costs (ftfy's import, reading the Planungsräume) to dominate: "
                    "target in seconds, the ratio reported")
    return row


def row_bplan(spec: Spec, ctx: Ctx) -> dict[str, Any]:
    files = _inputs.bplan_layers(ctx.tmp / "bplan")
    out = ctx.tmp / "floor"
    op = f"[gpd.read_file(p).to_parquet(f'{out}_{{i}}.parquet') for i, p in enumerate({[str(p) for p in files]!r})]"
    row = _compare(spec, ctx, "bebauungsplaene", files, op, "gpd.read_file + to_parquet of the 3 layers",
                   lambda value, ratio: ratio <= 3,
                   plans_per_layer={p.stem: n * 12 for p, n in zip(files, _inputs.BPLAN_PER_BEZIRK.values())})
    row["note"] += ("; sample_bplan's three layers at a real size (2,844 set plans as the GDI layer lists, 720 in "
                    "procedure, 600 repealed), polygons of 25 vertices")
    return row


ROWS = [
    ("schulen_import", 21, "ld.import_file('schulen') of the real school layer and directory (1,038 schools)",
     "< 1 s", row_schulen),
    ("bplan_import", 21, "ld.import_file('bebauungsplaene') of 3 WFS layers with 4,164 plans", "ratio <= 3",
     row_bplan),
]
