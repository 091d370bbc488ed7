"""The rows of the benchmark: what each measures, against which floor, with which target.

Every row function runs inside its own row process (started by ``bench/run.py``) whose
``LICHTENBERG_DATA_DIR`` is a fresh temporary folder, and returns one result dict. ``ratio``
is always ``value / floor`` (toolkit time over floor time): below 1 the toolkit is faster.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import _harness as h
import _inputs
from _common import (
    ROOT,
    Ctx,
    Spec,
    cli,
    paired_children,
    peak_child,
    profile_child,
    profile_inprocess,
    result,
    timed,
)

# =========================================================================== 1 + 2: load

_EWR_KEYS = {c: str for c in ("ZEIT", "RAUMID", "BEZ", "PGR", "BZR", "PLR", "STADTRAUM", "BEZPGR")}


def _prepare_ewr(ctx: Ctx) -> list[Path]:
    import lichtenberg_data as ld

    paths = _inputs.ewr_editions(ctx.tmp / "ewr")
    ld.import_file("einwohner_lor", paths)
    return paths


def _raw_snapshots(ds_id: str, ctx: Ctx) -> list[Path]:
    return sorted((ctx.data_dir / "raw" / ds_id).iterdir())


def _load_vs(spec: Spec, ctx: Ctx, ds_id: str, floor: Callable[[], Any], floor_what: str,
             floor_code: str, target_ratio: float, at_most: bool, note: str = "",
             peers: dict[str, Callable[[], Any]] | None = None) -> dict[str, Any]:
    """Warm ``ld.load(ds_id)`` against ``floor`` in this process, both alternated.

    ``peers`` are further ways to do the floor's job, each timed against the toolkit the same
    way and reported in ``extra`` (``peer_<name>_s`` and the ratio against it).
    """
    import lichtenberg_data as ld

    tool = lambda: ld.load(ds_id)  # noqa: E731
    ta, tb = h.interleaved(tool, floor, repeats=ctx.reps(101, 21), budget_s=ctx.reps(12, 4))
    value, fl = h.median(ta), h.median(tb)
    ratio = h.paired_ratio(ta, tb)
    met = ratio <= target_ratio if at_most else ratio <= 1 / target_ratio
    peak = peak_child(f"import lichtenberg_data as ld\nld.load({ds_id!r})\nld.load({ds_id!r})")
    floor_peak = peak_child(floor_code)
    extra: dict[str, Any] = {"rows": int(len(tool())), "columns": int(tool().shape[1])}
    if not at_most:
        extra["speedup"] = round(1 / ratio, 1)
    for peer_name, peer in (peers or {}).items():
        pa, pb = h.interleaved(tool, peer, repeats=ctx.reps(21, 7), budget_s=ctx.reps(8, 3))
        extra[f"peer_{peer_name}_s"] = round(h.median(pb), 6)
        extra[f"ratio_vs_{peer_name}"] = round(h.paired_ratio(pa, pb), 4)
    # warm loads are served from load()'s in-memory cache; say what the first load costs too
    from lichtenberg_data._store import clear_cache

    cold = lambda: (clear_cache(), ld.load(ds_id))[1]  # noqa: E731
    ca, cb = h.interleaved(cold, floor, repeats=ctx.reps(41, 11), budget_s=ctx.reps(6, 2))
    extra["cold_s"] = round(h.median(ca), 6)
    extra["ratio_cold"] = round(h.paired_ratio(ca, cb), 4)
    cold_note = (f"warm = served from load()'s memory cache; cold (first load, e.g. a fresh kernel) "
                 f"{h.median(ca) * 1000:.1f} ms, ratio {extra['ratio_cold']:.2f} against the floor")
    note = f"{note}; {cold_note}" if note else cold_note
    if ctx.profile:
        extra["profile"] = str(profile_inprocess(spec.name, tool).relative_to(ROOT))
    return result(spec, value=value, floor=fl, met=met, peak_mb=peak, floor_peak_mb=floor_peak,
                  floor_what=floor_what, samples=len(ta), value_iqr=h.spread(ta), floor_iqr=h.spread(tb),
                  note=note, ratio=ratio, **extra)


def row_load_ewr_parquet(spec: Spec, ctx: Ctx) -> dict[str, Any]:
    import pandas as pd

    import lichtenberg_data as ld
    from lichtenberg_data._store import processed_path

    _prepare_ewr(ctx)
    path = processed_path("einwohner_lor")
    same = pd.read_parquet(path)
    assert same.equals(ld.load("einwohner_lor")), "ld.load differs from pd.read_parquet of its file"
    return _load_vs(spec, ctx, "einwohner_lor", lambda: pd.read_parquet(path),
                    "pd.read_parquet(processed einwohner_lor.parquet)",
                    f"import pandas as pd\npd.read_parquet({str(path)!r})", 1.2, True)


def row_load_geo_parquet(spec: Spec, ctx: Ctx) -> dict[str, Any]:
    import geopandas as gpd

    import lichtenberg_data as ld
    from lichtenberg_data._store import processed_path

    ld.refresh(["lor_planungsraeume"], mirror=_inputs.mini_mirror(ctx.tmp / "mirror", ["lor_planungsraeume"]))
    path = processed_path("lor_planungsraeume")
    return _load_vs(spec, ctx, "lor_planungsraeume", lambda: gpd.read_parquet(path),
                    "gpd.read_parquet(processed lor_planungsraeume.parquet)",
                    f"import geopandas as gpd\ngpd.read_parquet({str(path)!r})", 1.2, True,
                    note="the 542 real polygons of the snapshot (LOR 2021)")


def _read_ewr_csvs(paths: list[Path]) -> Any:
    import pandas as pd

    return pd.concat([pd.read_csv(p, sep=";", dtype=_EWR_KEYS, decimal=",") for p in paths], ignore_index=True)


def row_load_ewr_csv(spec: Spec, ctx: Ctx) -> dict[str, Any]:
    _prepare_ewr(ctx)
    raw = _raw_snapshots("einwohner_lor", ctx)
    code = (f"import pandas as pd\nkeys = {_EWR_KEYS!r}\n".replace("<class 'str'>", "str")
            + f"pd.concat([pd.read_csv(p, sep=';', dtype=keys, decimal=',') for p in {[str(p) for p in raw]!r}])")
    return _load_vs(spec, ctx, "einwohner_lor", lambda: _read_ewr_csvs(raw),
                    f"pd.read_csv(sep=';', dtype=str keys, decimal=',') of the {len(raw)} raw editions + concat",
                    code, 10.0, False,
                    note="floor only reads the files: no renaming of E_U1/E_EU1, no key repair, no checks")


def row_load_xlsx_excel(spec: Spec, ctx: Ctx) -> dict[str, Any]:
    import pandas as pd

    import lichtenberg_data as ld

    ds_id = "beschaeftigte_bezirke"
    ld.import_file(ds_id, _inputs.afs_reports(ctx.tmp / "afs"))
    raw = _raw_snapshots(ds_id, ctx)

    def read(engine: str) -> Callable[[], Any]:
        return lambda: [pd.read_excel(p, sheet_name="T1", header=None, engine=engine) for p in raw]

    code = ("import pandas as pd\n[pd.read_excel(p, sheet_name='T1', header=None, engine='openpyxl') "
            f"for p in {[str(p) for p in raw]!r}]")
    row = _load_vs(spec, ctx, ds_id, read("openpyxl"),
                   f"pd.read_excel(sheet_name='T1', header=None) of the {len(raw)} raw AfS reports "
                   "(openpyxl, pandas' default engine)",
                   code, 10.0, False, peers={"calamine": read("calamine")})
    calamine = row["extra"]["ratio_vs_calamine"]
    row["note"] = (f"reports of 20 sheets, {raw[0].stat().st_size // 1000} KB (real: 18-24 sheets, 0.3-2 MB); "
                   f"against engine='calamine' (pandas' announced next default) the ratio is {calamine:.2f}"
                   + (" (target missed)" if calamine > 0.1 else ""))
    return row


# =========================================================================== 3: refresh

def _states(stdout: str, ids: set[str]) -> dict[str, str]:
    states = {}
    for line in stdout.splitlines():
        toks = line.split()
        if len(toks) >= 2 and toks[0] in ids:
            states[toks[0]] = toks[1]
    return states


def row_refresh(spec: Spec, ctx: Ctx) -> dict[str, Any]:
    import shutil

    from lichtenberg_data.demo import SAMPLES, SNAPSHOT, snapshot_datasets, write_mirror

    mirror = ctx.tmp / "mirror"  # what `make demo` loads: the real snapshot and the samples
    shutil.copytree(SNAPSHOT, mirror)
    samples = [i for i in SAMPLES if i not in snapshot_datasets()]
    write_mirror(mirror, only=samples)
    ids = set(snapshot_datasets()) | set(samples)
    try:
        cmd = [*cli(), "refresh", "--mirror", str(mirror)]
        first = h.run_child(cmd).check("first refresh")
        bad = {k: v for k, v in _states(first.stdout, ids).items() if v != "fresh"}
        if bad or len(_states(first.stdout, ids)) != len(ids):
            raise RuntimeError(f"the first refresh did not load every dataset: {bad or first.stdout[-500:]}")
        unchanged, forced = [], []
        for i in range(ctx.reps(5, 2)):
            pair = [("u", cmd), ("f", [*cmd, "--force"])]
            for kind, c in pair if i % 2 == 0 else pair[::-1]:
                child = h.run_child(c).check(f"refresh {kind}")
                (unchanged if kind == "u" else forced).append(child)
                states = _states(child.stdout, ids)
                want = "unchanged" if kind == "u" else "fresh"
                off = {k: v for k, v in states.items() if v != want}
                if off or len(states) != len(ids):
                    raise RuntimeError(f"refresh ({kind}) gave {off or states}")
        if ctx.profile:
            profile_child(spec.name, "import sys; from lichtenberg_data.cli import main; "
                                      f"sys.exit(main(['refresh', '--mirror', {str(mirror)!r}]))")
            profile_child(spec.name + "_force", "import sys; from lichtenberg_data.cli import main; "
                                                 f"sys.exit(main(['refresh', '--force', '--mirror', {str(mirror)!r}]))")
    finally:
        pass
    tu, tf = [c.wall_s for c in unchanged], [c.wall_s for c in forced]
    value, fl, ratio = h.median(tu), h.median(tf), h.paired_ratio(tu, tf)
    return result(spec, value=value, floor=fl, met=value < 2.0 and ratio <= 0.2, ratio=ratio,
                  peak_mb=max(c.peak_mb for c in unchanged), floor_peak_mb=max(c.peak_mb for c in forced),
                  floor_what=f"`lichtenberg-data refresh --force --mirror DIR` ({len(ids)} datasets, all parsed)",
                  samples=len(tu), value_iqr=h.spread(tu), floor_iqr=h.spread(tf),
                  datasets=len(ids), first_refresh_s=round(first.wall_s, 3),
                  speedup=round(1 / ratio, 1),
                  note="CLI subprocess; mirror folder = the real snapshot + the demo samples (what make demo "
                       "loads); unchanged = every file's checksum matches the stored snapshot")


# =========================================================================== 4: import

def _importtime_top(n: int = 8) -> list[list[Any]]:
    child = h.run_child([h.PYTHON, "-X", "importtime", "-c", "import lichtenberg_data"]).check("importtime")
    rows = []
    for line in child.stderr.splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|(\s*)(\S+)", line)
        if m:
            rows.append((int(m.group(2)) / 1000, len(m.group(3)) // 2, m.group(4)))
    top = sorted((r for r in rows if r[1] <= 1), reverse=True)[:n]
    return [[mod, round(ms, 1)] for ms, _, mod in top]


def row_import(spec: Spec, ctx: Ctx) -> dict[str, Any]:
    bare, pkg = [h.PYTHON, "-c", "pass"], [h.PYTHON, "-c", "import lichtenberg_data"]
    h.run_child(bare), h.run_child(pkg)  # warm the page cache and the bytecode
    tb, tp, peaks, bare_peaks = [], [], [], []
    for i in range(ctx.reps(15, 6)):
        order = [(bare, tb, bare_peaks), (pkg, tp, peaks)]
        for cmd, into, pk in order if i % 2 == 0 else order[::-1]:
            child = h.run_child(cmd).check(" ".join(cmd))
            into.append(child.wall_s)
            pk.append(child.peak_mb)
    value, fl = h.median(tp), h.median(tb)
    extra: dict[str, Any] = {"over_bare_s": round(value - fl, 4), "importtime_top_ms": _importtime_top()}
    if ctx.profile:
        extra["profile"] = str(profile_child(spec.name, "import lichtenberg_data").relative_to(ROOT))
    return result(spec, value=value, floor=fl, met=value - fl < 0.3, peak_mb=max(peaks), ratio=h.paired_ratio(tp, tb),
                  floor_peak_mb=max(bare_peaks), floor_what='`python -c "pass"` (bare interpreter, same venv)',
                  samples=len(tp), value_iqr=h.spread(tp), floor_iqr=h.spread(tb),
                  note=f"over the bare interpreter: {value - fl:.3f} s", **extra)


# =========================================================================== 5: geo.assign

N_POINTS = 400_000


def _floor_assign(path: Path, lon: Any, lat: Any) -> Any:
    """Bare shapely: transform WGS84 to EPSG:25833, one STRtree over the polygons, 'within'."""
    import geopandas as gpd
    import numpy as np
    import shapely
    from pyproj import Transformer

    areas = gpd.read_parquet(path)
    x, y = Transformer.from_crs("EPSG:4326", "EPSG:25833", always_xy=True).transform(lon, lat)
    pts = shapely.points(x, y)
    tree = shapely.STRtree(areas.geometry.to_numpy())
    pi, ai = tree.query(pts, predicate="within")
    first = np.full(len(pts), -1, dtype=np.int64)
    first[pi[::-1]] = ai[::-1]  # the first area of each point
    ids = areas["planungsraum_id"].to_numpy(dtype=object)
    return np.where(first >= 0, ids[first], None)


def row_geo_assign(spec: Spec, ctx: Ctx) -> dict[str, Any]:
    import numpy as np

    import lichtenberg_data as ld
    from lichtenberg_data._store import processed_path
    from lichtenberg_data.demo.city import sample_points

    ld.refresh(["lor_planungsraeume"], mirror=_inputs.mini_mirror(ctx.tmp / "mirror", ["lor_planungsraeume"]))
    path = processed_path("lor_planungsraeume")
    pts = sample_points(N_POINTS, seed=1)
    lon, lat = pts["longitude"].to_numpy(), pts["latitude"].to_numpy()
    tool = lambda: ld.geo.assign(pts, "planungsraum", district=None)  # noqa: E731
    floor = lambda: _floor_assign(path, lon, lat)  # noqa: E731
    ta, tb = h.interleaved(tool, floor, repeats=ctx.reps(7, 3), budget_s=ctx.reps(40, 15), min_repeats=3)
    got, want = tool()["planungsraum_id"].to_numpy(dtype=object), floor()
    differ = int(sum(1 for a, b in zip(got, want) if not (a == b or (a is None or a != a) and b is None)))

    # the peer a notebook would write: geopandas' spatial join
    import geopandas as gpd

    def sjoin() -> Any:
        areas = gpd.read_parquet(path)
        g = gpd.GeoDataFrame(pts, geometry=gpd.points_from_xy(lon, lat), crs="EPSG:4326").to_crs("EPSG:25833")
        return gpd.sjoin(g, areas[["planungsraum_id", "geometry"]], predicate="within", how="left")

    t_sjoin = [h._once(sjoin) for _ in range(ctx.reps(3, 1))]
    code_pts = f"from lichtenberg_data.demo.city import sample_points\npts = sample_points({N_POINTS}, seed=1)\n"
    peak = peak_child("import lichtenberg_data as ld\n" + code_pts + "ld.geo.assign(pts, 'planungsraum', district=None)")
    floor_peak = peak_child(f"import sys; sys.path.insert(0, {str(ROOT / 'bench')!r})\nfrom _rows import _floor_assign\n"
                             + code_pts + f"_floor_assign(__import__('pathlib').Path({str(path)!r}), "
                             "pts['longitude'].to_numpy(), pts['latitude'].to_numpy())")
    extra: dict[str, Any] = {"points": N_POINTS, "areas": 542, "assignments_differing_from_floor": differ,
                             "peer_gpd_sjoin_s": round(h.median(t_sjoin), 4), "points_unassigned":
                             int(np.sum([g is None or g != g for g in got]))}
    if ctx.profile:
        extra["profile"] = str(profile_inprocess(spec.name, tool).relative_to(ROOT))
    value, fl = h.median(ta), h.median(tb)
    return result(spec, value=value, floor=fl, met=value < 3.0, peak_mb=peak, floor_peak_mb=floor_peak,
                  ratio=h.paired_ratio(ta, tb),
                  floor_what="pyproj transform + shapely.STRtree(542 polygons).query(points, 'within') + ids",
                  samples=len(ta), value_iqr=h.spread(ta), floor_iqr=h.spread(tb),
                  note="peak MB of a fresh process generating the points and assigning them", **extra)


# =========================================================================== 6: IHK import

N_IHK = 400_000


def row_ihk_import(spec: Spec, ctx: Ctx) -> dict[str, Any]:
    csv = _inputs.ihk_csv(ctx.tmp / "in" / "IHKBerlin_Gewerbedaten.csv", N_IHK)
    semi = _inputs.ihk_csv_semicolon(csv, ctx.tmp / "in_semicolon" / "IHKBerlin_Gewerbedaten.csv")

    def codes(path: Path, read: str, tag: str) -> tuple[str, str]:
        tool = timed("import lichtenberg_data as ld, pandas, pyarrow",
                     f"ld.import_file('ihk_gewerbedaten', {str(path)!r})")
        floor = timed("import pandas as pd, pyarrow",
                      f"pd.read_csv({str(path)!r}{read}).to_parquet({str(ctx.tmp / f'floor{tag}.parquet')!r}, index=False)")
        return tool, floor

    tool_code, floor_code = codes(csv, "", "")
    tool, floor = paired_children(tool_code, floor_code, ctx.reps(5, 2),
                                  lambda i: h.env_with(LICHTENBERG_DATA_DIR=ctx.tmp / f"data{i}"), "IHK import")
    peer = h.python_child(timed("import pandas as pd, pyarrow", f"pd.read_csv({str(csv)!r}, engine='pyarrow', "
                                f"dtype_backend='pyarrow').to_parquet({str(ctx.tmp / 'peer.parquet')!r}, index=False)"))
    peer.check("pyarrow peer")
    # the monthly case: the same file again into a data folder that holds its month already
    again = h.python_child(tool_code, env=h.env_with(LICHTENBERG_DATA_DIR=ctx.tmp / "data0")).check("second import")
    # the dialect of IHK's 2023 sample (BOM, ';', decimal commas), the floor told about it
    semi_tool, semi_floor = paired_children(*codes(semi, ", sep=';', decimal=','", "_semi"), ctx.reps(2, 1),
                                            lambda i: h.env_with(LICHTENBERG_DATA_DIR=ctx.tmp / f"semi{i}"),
                                            "IHK import (';' dialect)")
    import pandas as pd

    [stored] = (ctx.tmp / "data0" / "processed" / "ihk_gewerbedaten").glob("stand=*/part.parquet")  # stored by month
    rows = len(pd.read_parquet(stored, columns=["opendata_id"]))
    st, sf = [c.result["s"] for c in semi_tool], [c.result["s"] for c in semi_floor]
    extra: dict[str, Any] = {"rows_in": N_IHK, "rows_stored": rows, "csv_mb": round(csv.stat().st_size / 1e6, 1),
                             "wall_with_startup_s": round(h.median([c.wall_s for c in tool]), 3),
                             "peer_pyarrow_csv_s": round(peer.result["s"], 3), "peer_pyarrow_peak_mb":
                             round(peer.peak_mb, 1), "second_import_s": round(again.result["s"], 3),
                             "second_import_peak_mb": round(again.peak_mb, 1),
                             "semicolon_dialect_s": round(h.median(st), 3), "semicolon_floor_s": round(h.median(sf), 3),
                             "ratio_semicolon_dialect": round(h.paired_ratio(st, sf), 4),
                             "semicolon_peak_mb": round(max(c.peak_mb for c in semi_tool), 1)}
    if ctx.profile:
        env = h.env_with(LICHTENBERG_DATA_DIR=ctx.tmp / "data_profile")
        extra["profile"] = str(profile_child(spec.name, tool_code, env).relative_to(ROOT))
    tt, tf = [c.result["s"] for c in tool], [c.result["s"] for c in floor]
    value, fl, ratio = h.median(tt), h.median(tf), h.paired_ratio(tt, tf)
    peak = max(c.peak_mb for c in tool)
    return result(spec, value=value, floor=fl, met=ratio <= 3 and peak < 1024, peak_mb=peak, ratio=ratio,
                  floor_peak_mb=max(c.peak_mb for c in floor),
                  floor_what="pd.read_csv(file) + df.to_parquet() (C engine, default options)",
                  samples=len(tt), value_iqr=h.spread(tt), floor_iqr=h.spread(tf),
                  note="time inside a fresh process (pandas already imported), first import into an empty "
                       "data folder; peak = ru_maxrss of that process; the ';' dialect with BOM and decimal commas "
                       f"(floor told sep=';', decimal=','): ratio {extra['ratio_semicolon_dialect']:.2f}", **extra)


# =========================================================================== 7: notebooks

#: The office's targets for the notebooks row (three key figures of the real snapshot).
ZIELE = "kennzahl,zielwert,zieljahr\neinwohner,320000,2026\nerwerbsfaehige,215000,2027\nstatus_index,2.1,2028\n"

_TRIVIAL_NB = """
import time, nbformat
from nbclient import NotebookClient
nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("pass")])
t0 = time.perf_counter()
NotebookClient(nb, kernel_name="python3", timeout=600, startup_timeout=120).execute()
print("BENCH_RESULT " + __import__("json").dumps({"s": time.perf_counter() - t0}))
"""


def row_notebooks(spec: Spec, ctx: Ctx) -> dict[str, Any]:
    nb_dir = Path(os.environ.get("BENCH_NOTEBOOKS_DIR") or ROOT / "notebooks")
    notebooks = sorted(p for p in nb_dir.glob("*.ipynb") if not p.name.startswith(".")) if nb_dir.is_dir() else []

    def bare_kernel() -> h.Child:
        return h.python_child(_TRIVIAL_NB).check("trivial notebook")

    if not notebooks:
        trivial = [bare_kernel() for _ in range(ctx.reps(2, 1))]
        per_nb = h.median([c.result["s"] for c in trivial])
        return result(spec, value=None, floor=None, met=False, peak_mb=None, floor_peak_mb=trivial[0].peak_mb,
                      floor_what="nbclient: fresh kernel + one `pass` cell, per notebook",
                      note=f"no notebooks in {nb_dir} yet: nothing to measure "
                           f"(per-notebook floor measured: {per_nb:.2f} s)",
                      per_notebook_floor_s=round(per_nb, 3))
    refresh = h.run_child([*cli(), "demo"]).check("lichtenberg-data demo (the real snapshot)")
    # the office's targets: the build also draws the page "Stand der Ziele" (issue 21, item 6)
    Path(os.environ["LICHTENBERG_DATA_DIR"], "ziele.csv").write_text(ZIELE, encoding="utf-8")
    year = date.today().year
    floor_what = f"nbclient: fresh kernel + one `pass` cell, x {len(notebooks)} notebooks"

    def code(out: Path, options: str = "") -> str:
        return ("import json, logging, time\nlogging.basicConfig(level=logging.INFO, format='%(message)s')\n"
                "from lichtenberg_data.briefing import run\nt0 = time.perf_counter()\n"
                f"r = run({year}, {str(out)!r}, notebooks_dir={str(nb_dir)!r}{options})\n"
                "print('BENCH_RESULT ' + json.dumps({'s': time.perf_counter() - t0, 'pdf': str(r.pdf), "
                "'summary': r.summary_sentences, 'goals': len(r.goals or [])}))")

    # paired: a bare kernel right before and right after every build, so that a burst of load
    # from another process weighs on both sides of a ratio (one floor measured up front made
    # the ratio swing with whatever ran at that moment)
    trivial = [bare_kernel()]
    runs: list[h.Child] = []
    ratios: list[float] = []
    floors: list[float] = []  # per build: the faster bare kernel beside it x notebooks
    per: dict[str, list[float]] = {}
    started = time.perf_counter()
    while len(runs) < ctx.reps(3, 1) and (not runs or time.perf_counter() - started < 100):
        child = h.python_child(code(ctx.tmp / f"briefing{len(runs)}"), timeout=900)
        if child.rc != 0:
            err = [ln for ln in child.stderr.strip().splitlines() if "Error" in ln or "error" in ln]
            return result(spec, value=None, floor=trivial[0].result["s"] * len(notebooks), met=False,
                          peak_mb=child.peak_mb, floor_peak_mb=trivial[0].peak_mb, floor_what=floor_what,
                          note=f"the briefing failed after {child.wall_s:.1f} s: {(err or ['?'])[-1][:300]}",
                          notebooks=[p.name for p in notebooks])
        runs.append(child)
        trivial.append(bare_kernel())
        # the faster of the two: now and then a bare kernel takes 4.1 s instead of 0.6-0.8 s (it
        # does not quit when nbclient asks it to at the end, and is killed after a wait: "Kernel
        # is taking too long to finish, terminating"), and the mean made a 4.8x build "met" at 1.3x
        beside = min(trivial[-2].result["s"], trivial[-1].result["s"]) * len(notebooks)
        ratios.append(child.result["s"] / beside)
        floors.append(beside)
        for m in re.finditer(r"briefing: (\S+\.ipynb) done in ([\d.]+) s", child.stderr):
            per.setdefault(m.group(1), []).append(float(m.group(2)))
    times = [c.result["s"] for c in runs]
    value, floor, ratio = h.median(times), h.median(floors), h.median(ratios)
    # what the two speed choices of a build are worth: once with every chart format, once with a
    # fresh kernel per notebook (both off by default)
    peers = {name: h.python_child(code(ctx.tmp / f"briefing_{name}", options), timeout=900).check(name)
             for name, options in (("all_chart_formats", ", chart_formats='png,svg,pdf'"),
                                   ("fresh_kernels", ", fresh_kernels=True"))} if not ctx.quick else {}
    def paper(out: Path) -> Any:  # what the reader gets: the summary's sentences and every key figure
        m = json.loads((out / "briefing-manifest.json").read_text(encoding="utf-8"))
        return m["summary"], [(f.get("label"), f.get("current"), f.get("previous"), f.get("when")) for f in m["key_figures"]]

    same = {k: paper(ctx.tmp / f"briefing_{k}") == paper(ctx.tmp / "briefing0") for k in peers}
    extra: dict[str, Any] = {"notebooks": [p.name for p in notebooks],
                             "summary_sentences": runs[0].result["summary"], "goals": runs[0].result["goals"],
                             **{f"peer_{k}_same_paper": v for k, v in same.items()},
                             **{f"peer_{k}_s": round(c.result["s"], 3) for k, c in peers.items()},
                             "per_notebook_s": {k: h.median(v) for k, v in per.items()},
                             "per_notebook_floor_s": [round(c.result["s"], 3) for c in trivial],
                             # builds whose two bare kernels differ by more than 2x (a stalled one)
                             "bare_kernels_apart": sum(max(a, b) > 2 * min(a, b) for a, b in zip(
                                 [c.result["s"] for c in trivial], [c.result["s"] for c in trivial[1:]])),
                             "ratios": [round(r, 3) for r in ratios],
                             "demo_data_s": round(refresh.wall_s, 3),
                             "wall_with_startup_s": round(h.median([c.wall_s for c in runs]), 3)}
    if ctx.profile:
        extra["profile"] = str(profile_child(spec.name, code(ctx.tmp / "briefing_profile")).relative_to(ROOT))
    return result(spec, value=value, floor=floor, ratio=ratio, met=ratio <= 3.0,
                  peak_mb=max(c.peak_mb for c in runs), floor_peak_mb=trivial[0].peak_mb, floor_what=floor_what,
                  samples=len(runs), value_iqr=h.spread(times), floor_iqr=h.spread(floors),
                  note="lichtenberg_data.briefing.run with its defaults (one kernel per worker, cleared between "
                       "notebooks; chart files as PNG; HTML, xlsx, PDF with the summary and the goals page of a "
                       "ziele.csv) on the demo data (`lichtenberg-data demo`: the real snapshot), one worker per "
                       "core; ratio = median over the builds of build / (bare kernels measured right before "
                       "and after it, the faster of the two, x notebooks); peak = the largest single process "
                       "(builder or a kernel), not their sum; extra peer_*: one build with every chart format, "
                       "one with fresh kernels",
                  **extra)


# =========================================================================== registry

def _spec(name: str, item: int, what: str, target: str, func: Callable[[Spec, Ctx], dict[str, Any]]) -> Spec:
    spec: Spec

    def bound(ctx: Ctx) -> dict[str, Any]:
        return func(spec, ctx)

    spec = Spec(name, item, what, target, bound)
    return spec


SPECS: list[Spec] = [
    _spec("load_ewr_parquet", 1, "warm ld.load('einwohner_lor'): 20 editions, 9,430 rows x 51 columns",
          "ratio <= 1.2", row_load_ewr_parquet),
    _spec("load_lor_geoparquet", 1, "warm ld.load('lor_planungsraeume'): 542 polygons, GeoParquet",
          "ratio <= 1.2", row_load_geo_parquet),
    _spec("load_ewr_vs_csv", 2, "warm ld.load('einwohner_lor') vs parsing the 20 raw EWR CSVs",
          ">= 10x faster (ratio <= 0.1)", row_load_ewr_csv),
    _spec("load_xlsx_vs_excel", 2, "warm ld.load('beschaeftigte_bezirke') vs reading the 5 raw AfS xlsx reports",
          ">= 10x faster (ratio <= 0.1)", row_load_xlsx_excel),
    _spec("refresh_unchanged", 3, "CLI refresh of every dataset, nothing changed (HTTP 304)",
          "< 2 s and >= 5x faster than --force (ratio <= 0.2)", row_refresh),
    _spec("import_package", 4, 'python -c "import lichtenberg_data"', "< 0.3 s over bare python", row_import),
    _spec("geo_assign_400k", 5, "ld.geo.assign of 400,000 points to the 542 Planungsraeume", "< 3 s",
          row_geo_assign),
    _spec("ihk_import_400k", 6, "ld.import_file of a 400,000-row IHK CSV (parse, validate, store)",
          "ratio <= 3 and peak < 1 GB", row_ihk_import),
    _spec("notebooks", 7, "every notebooks/*.ipynb headless on the demo data (briefing.run)", "ratio <= 3",
          row_notebooks),
]


def _retail_specs() -> list[Spec]:
    """The rows of the retail topic (bench/_rows_retail.py; issue 11 items 7.1-7.3)."""
    import _rows_retail as r

    return [
        _spec("huff_50x542", 11, "retail.huff: shares of 50 centres for the 542 Planungsraeume", "< 0.2 s",
              r.row_huff_plr),
        _spec("huff_50x100k_grid", 11, "retail.huff: shares of 50 centres for a 100 m grid of 100,000 cells", "< 2 s",
              r.row_huff_grid),
        _spec("overpass_parse_100k", 11, "osm_pois reader of an Overpass answer of 100,000 elements (out center)",
              "ratio to json.loads <= 3", r.row_overpass_parse),
    ]


SPECS += _retail_specs()


def _business_specs() -> list[Spec]:
    """The rows of the business topic (bench/_rows_business.py; issue 10)."""
    from _rows_business import ROWS

    return [_spec(*row) for row in ROWS]


SPECS += _business_specs()


def _import_specs() -> list[Spec]:
    """The rows of the imports issue 21 added (bench/_rows_imports.py)."""
    from _rows_imports import ROWS

    return [_spec(*row) for row in ROWS]


SPECS += _import_specs()


def by_name() -> dict[str, Spec]:
    """The rows by name."""
    return {s.name: s for s in SPECS}


def run_row(name: str, *, quick: bool, tmp: Path, profile: bool) -> dict[str, Any]:
    """Run one row in this process (called by ``run.py --row``)."""
    spec = by_name()[name]
    return spec.func(Ctx(quick=quick, tmp=tmp, profile=profile))


def dump(row: dict[str, Any], path: Path) -> None:
    """Write a row result as JSON."""
    path.write_text(json.dumps(row, ensure_ascii=False, indent=1), encoding="utf-8")
