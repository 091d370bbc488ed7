"""Sample files of the social-monitoring datasets: MSS WFS bundles and GSSA CSVs of the sample city."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from ..sources.social_atlas import _GSSA_LEVELS, _GSSA_VALUES
from ..sources.social_monitoring import MSS_EDITIONS, SUPPRESSED

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["sample_mss", "sample_gssa"]

#: Sample unemployment level per Bezirk (%); the MSS and GSSA samples tilt their values by it.
#: Sample level of unemployment (%) per Bezirk, roughly the real ordering.
_SAMPLE_ALQ = {"01": 7.5, "02": 6.5, "03": 3.6, "04": 4.4, "05": 7.4, "06": 3.4, "07": 5.4, "08": 8.6,
               "09": 4.6, "10": 6.6, "11": 5.6, "12": 6.4}


#: Positions of the sample Planungsräume that are uninhabited (as in the real 2021 file).
_SAMPLE_EMPTY = (99, 115, 169, 235, 260)


_SI_LABELS = {1: "hoch", 2: "mittel", 3: "niedrig", 4: "sehr niedrig"}


_DI_LABELS = {1: "positiv", 3: "stabil", 5: "negativ"}


def _sample_mss_values(edition: int) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Deterministic synthetic MSS values for one edition (base table and value columns)."""
    import numpy as np

    from .city import sample_lor

    lor = sample_lor()
    rng = np.random.default_rng(edition)
    n = len(lor)
    trend = 1 - 0.03 * (edition - 2021) / 2
    level = lor["bezirk_id"].map(_SAMPLE_ALQ).to_numpy() * trend
    s1 = np.clip(level * rng.lognormal(0, 0.35, n), 0.3, 25)
    values = {
        "s1": s1, "s3": np.clip(s1 * rng.uniform(1.6, 2.4, n), 0.5, 60),
        "s4": np.clip(s1 * rng.uniform(3.5, 6.0, n), 1, 90), "k01": np.clip(s1 * rng.uniform(0.5, 0.9, n), 0, 40),
        "k02": rng.uniform(15, 45, n), "k03": np.clip(s1 * rng.uniform(0.4, 1.2, n), 0, 30),
    }
    if edition >= 2023:
        values["s2"] = rng.uniform(12, 32, n)
        values["d2"] = rng.normal(0.2, 0.8, n)
    previous = np.clip(s1 / trend * (1 - 0.03 * (edition - 2023) / 2) + rng.normal(0, 0.4, n), 0.3, 25)
    values["d1"] = s1 - previous
    values["d3"] = rng.normal(-0.3, 0.6, n)
    values["d4"] = rng.normal(-0.8, 1.2, n)
    ew = rng.integers(900, 14000, n)
    empty = list(_SAMPLE_EMPTY)
    ew[empty] = [38, 0, 110, 21, 0]
    base = lor[["planungsraum_id", "planungsraum", "bezirk_id"]].copy()
    base["ew"] = ew
    base["kom"] = "gültig"
    base.loc[base.index[empty], "kom"] = "ungültig (EW unter 300)"
    for key in values:
        values[key] = np.round(values[key], 5)
        values[key][empty] = SUPPRESSED
    return base, values


def _mss_layer(base: pd.DataFrame, columns: dict[str, Any], edition: int, kind: str) -> dict[str, Any]:
    from .city import feature_collection, sample_geometry, sample_lor

    gdf = sample_geometry(sample_lor())[["geometry"]].copy()
    gdf["zeit"] = f"{edition - 1}12"
    gdf["plr_id"] = base["planungsraum_id"].to_numpy()
    gdf["plr_name"] = base["planungsraum"].to_numpy()
    gdf["ew"] = base["ew"].to_numpy()
    gdf["bez_id"] = base["bezirk_id"].to_numpy()
    for name, values in columns.items():
        gdf[name] = values
    gdf["kom"] = base["kom"].to_numpy()
    return json.loads(feature_collection(gdf, MSS_EDITIONS[edition].layers[kind]))


def _status_classes(s1: Any, empty: list[int]) -> tuple[Any, Any]:
    import numpy as np

    valid = np.delete(s1, empty)
    cuts = np.quantile(valid, [0.1, 0.8, 0.95])
    si = 1 + np.searchsorted(cuts, s1)
    si[empty] = SUPPRESSED
    return si, [_SI_LABELS.get(int(v)) for v in si]


def sample_mss(edition: int) -> bytes:
    """A sample MSS bundle (``mss_<edition>.json``) as :func:`fetch_mss_edition` writes it.

    The three layers carry the lower-case attributes of the GDI Berlin WFS (``plr_id``,
    ``bez_id``, ``ew``, ``zeit``, ``s1`` ..., ``ki_01`` ..., ``si_n`` ...), ``-9999`` for five
    uninhabited Planungsräume, and an empty ``s2`` before 2023 as in the real 2021 layer.

    Examples
    --------
    >>> doc = json.loads(sample_mss(2025))
    >>> sorted(doc["layers"]), len(doc["layers"]["indexind"]["features"])
    (['indexind', 'indizes', 'kontextind'], 542)
    """
    import numpy as np

    base, v = _sample_mss_values(edition)
    empty = [None] * len(base)
    index_cols = {"s1": v["s1"], "s2": v.get("s2", empty), "s3": v["s3"], "s4": v["s4"],
                  "d1": v["d1"], "d2": v.get("d2", empty), "d3": v["d3"], "d4": v["d4"]}
    kontext_cols = {"ki_01": v["k01"], "ki_02": v["k02"], "ki_03": v["k03"]}
    empty = list(_SAMPLE_EMPTY)
    si, si_v = _status_classes(v["s1"], empty)
    di = np.where(v["d1"] < -0.3, 1, np.where(v["d1"] > 0.3, 5, 3))
    di[empty] = SUPPRESSED
    index_state = {"si_n": si, "si_v": si_v, "di_n": di, "di_v": [_DI_LABELS.get(int(x)) for x in di]}
    layers = {
        "indexind": _mss_layer(base, index_cols, edition, "indexind"),
        "kontextind": _mss_layer(base, kontext_cols, edition, "kontextind"),
        "indizes": _mss_layer(base, index_state, edition, "indizes"),
    }
    doc = {"edition": edition, "service": MSS_EDITIONS[edition].service_url, "layers": layers, "missing": {}}
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


def _stata(value: float) -> str:
    """Format like the GSSA files: 8 significant digits, no leading zero (``.707``, ``-.937``)."""
    if value != value:
        return ""
    text = f"{value:.8g}"
    if "e" in text:
        text = f"{value:.8f}".rstrip("0")
    return text.replace("0.", ".", 1) if text.startswith(("0.", "-0.")) else text


def sample_gssa(level: str) -> bytes:
    """A sample ``gssa_2022_<level>.csv`` on the old LOR of the sample city (Stata decimals)."""
    import numpy as np

    from .city import LEVEL_COLUMNS, sample_lor_2006

    singular, short, _ = _GSSA_LEVELS[level]
    lor = sample_lor_2006()
    key, name = LEVEL_COLUMNS[singular][:2]
    areas = lor[[key, name]].drop_duplicates(key).sort_values(key).reset_index(drop=True)
    if singular == "bezirk":
        areas[key] = areas[key].str.zfill(2)
    rng = np.random.default_rng(len(areas))
    tilt = areas[key].str[:2].map({k: (6.0 - v) / 2.5 for k, v in _SAMPLE_ALQ.items()}).to_numpy()
    header = [f"{short}ID", f"{short}NAME"] + [f"{src}_{y}" for src in _GSSA_VALUES for y in (2013, 2022)]
    lines = [",".join(header)]
    for i, row in areas.iterrows():
        vals = [tilt[i] + rng.normal(0, 0.6) for _ in range(len(header) - 2)]
        if singular == "planungsraum" and i in (1, 200):
            vals = [float("nan")] * len(vals)
        lines.append(",".join([row[key], row[name], *(_stata(v) for v in vals)]))
    return ("\n".join(lines) + "\n").encode("utf-8")
