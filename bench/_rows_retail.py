"""Benchmark rows of the retail topic (issue 11): Huff shares and the Overpass parse of ``osm_pois``."""

from __future__ import annotations

import json
from typing import Any

import _harness as h
from _common import ROOT, Ctx, Spec, peak_child, result

N_CENTRES = 50
N_GRID = 100_000
N_ELEMENTS = 100_000


def _huff_inputs(n_origins: int, seed: int = 7) -> tuple[Any, Any, Any]:
    """Origins on a 100 m grid (or scattered over Berlin's extent), centres and their sales areas."""
    import numpy as np

    rng = np.random.default_rng(seed)
    side = int(np.ceil(np.sqrt(n_origins)))
    gx, gy = np.meshgrid(np.arange(side) * 100.0, np.arange(side) * 100.0)
    origins = np.column_stack([gx.ravel(), gy.ravel()])[:n_origins] + [370_000.0, 5_800_000.0]
    centres = rng.uniform([370_000, 5_800_000], [370_000 + side * 100, 5_800_000 + side * 100], (N_CENTRES, 2))
    return origins, centres, rng.uniform(2_000, 40_000, N_CENTRES)


def _huff_row(spec: Spec, ctx: Ctx, n_origins: int, target_s: float) -> dict[str, Any]:
    import numpy as np

    from lichtenberg_data import retail

    origins, centres, area = _huff_inputs(n_origins)
    tool = lambda: retail.huff(retail.distance_matrix(origins, centres), area)  # noqa: E731

    floor = lambda: retail.distance_matrix(origins, centres)  # noqa: E731 - the distance matrix alone

    ta, tb = h.interleaved(tool, floor, repeats=ctx.reps(21, 7), budget_s=ctx.reps(20, 8), min_repeats=5)
    p = tool()
    code = (f"import sys; sys.path.insert(0, {str(ROOT / 'bench')!r})\nfrom _rows_retail import _huff_inputs\n"
            f"o, c, a = _huff_inputs({n_origins})\n")
    peak = peak_child(code + "from lichtenberg_data import retail\nretail.huff(retail.distance_matrix(o, c), a)")
    value = h.median(ta)
    return result(spec, value=value, floor=h.median(tb), met=value is not None and value < target_s, peak_mb=peak,
                  ratio=h.paired_ratio(ta, tb), floor_what="the distance matrix alone (retail.distance_matrix, numpy broadcasting)",
                  samples=len(ta), value_iqr=h.spread(ta), floor_iqr=h.spread(tb), origins=n_origins,
                  centres=N_CENTRES, rows_sum_to_one=bool(np.allclose(p.sum(axis=1), 1.0)),
                  note="retail.huff(retail.distance_matrix(...)): distances, floor 250 m, A^1 d^-2, row sums")


def row_huff_plr(spec: Spec, ctx: Ctx) -> dict[str, Any]:
    return _huff_row(spec, ctx, 542, 0.2)


def row_huff_grid(spec: Spec, ctx: Ctx) -> dict[str, Any]:
    return _huff_row(spec, ctx, N_GRID, 2.0)


def row_overpass_parse(spec: Spec, ctx: Ctx) -> dict[str, Any]:
    from lichtenberg_data.demo.retail import overpass_answer
    from lichtenberg_data.osm import read_overpass
    from lichtenberg_data.sources.osm import _read_file

    path = ctx.tmp / "osm_einzelhandel.json"
    path.write_bytes(json.dumps(overpass_answer(N_ELEMENTS, form="center")).encode("utf-8"))
    tool = lambda: _read_file(path, "osm_einzelhandel.json")  # noqa: E731 - the osm_pois reader (all tags kept)
    floor = lambda: json.loads(path.read_bytes())  # noqa: E731
    ta, tb = h.interleaved(tool, floor, repeats=ctx.reps(11, 5), budget_s=ctx.reps(40, 15), min_repeats=3)
    default = [h._once(lambda: read_overpass(path)) for _ in range(ctx.reps(3, 1))]
    rows = len(tool())
    peak = peak_child("from lichtenberg_data.sources.osm import _read_file\nfrom pathlib import Path\n"
                       f"_read_file(Path({str(path)!r}), 'osm_einzelhandel.json')")
    floor_peak = peak_child(f"import json\njson.loads(open({str(path)!r}, 'rb').read())")
    ratio = h.paired_ratio(ta, tb)
    return result(spec, value=h.median(ta), floor=h.median(tb), met=ratio is not None and ratio <= 3.0, peak_mb=peak,
                  floor_peak_mb=floor_peak, ratio=ratio, floor_what="json.loads of the same file",
                  samples=len(ta), value_iqr=h.spread(ta), floor_iqr=h.spread(tb), elements=N_ELEMENTS, rows=rows,
                  file_mb=round(path.stat().st_size / 1e6, 1),
                  read_overpass_default_columns_s=round(h.median(default), 4),
                  read_overpass_default_ratio=round(h.median(default) / h.median(tb), 3),
                  note="the osm_pois reader of one file (out center; tags JSON column included), no LOR placing")
