"""Sample WFS answers of the planning layers (``bebauungsplaene``, ``foerdergebiete``).

No real answer of these services exists here, so the demo (with samples) and the tests use
these. They are GeoServer-style GeoJSON in EPSG:25833 with the attribute names the parser was
built on (see :mod:`lichtenberg_data.sources.planning`): the ``bplan`` layers carry exactly
``planid, planname, planartname, verfahrensart, bezirk, bp_rechtsstand, festsg_am, afs_behoer,
url_www, scan_www, grund_www, ausleg_www, inhalt``; the programme layers carry the attributes of
their FIS-Broker predecessors. Areas are circles around random points inside the real Bezirke
(:func:`lichtenberg_data.demo.points.points`); names, numbers and dates are invented and say
so (``inhalt`` and names start with "BEISPIEL"). Every file is marked as sample data by the
demo writer (:mod:`._mark`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import partial

from ..names import BEZIRKE

__all__ = ["SAMPLES", "sample_bplan", "sample_programme", "PLANS_PER_BEZIRK"]

#: Plans per Bezirk in each sample layer.
PLANS_PER_BEZIRK = {"im_verfahren": 6, "festgesetzt": 9, "ausser_kraft": 2}
_STATE = {"im_verfahren": ("frühzeitige Beteiligung", "Auslegung", "Aufstellungsbeschluss"),
          "festgesetzt": ("In Kraft getreten",), "ausser_kraft": ("Außer Kraft getreten",)}
_USES = ("Gewerbegebiet (GE)", "Allgemeines Wohngebiet (WA)", "Mischgebiet (MI)", "Urbanes Gebiet (MU)",
         "Sondergebiet Einzelhandel (SO)", "Industriegebiet (GI)", "Fläche für Gemeinbedarf (Schule)")


def _circles(n: int, seed: int, bezirk_id: str, radius: tuple[float, float]) -> list:
    import numpy as np
    import shapely

    from .points import points

    pts = points(n, seed=seed, bezirk_id=bezirk_id)
    rng = np.random.default_rng(seed)
    return [shapely.MultiPolygon([shapely.Point(x, y).buffer(float(rng.uniform(*radius)), quad_segs=6)])
            for x, y in zip(pts["x"], pts["y"])]


def _answer(records: list[dict], shapes: list, type_name: str) -> bytes:
    import geopandas as gpd
    import pandas as pd

    from .city import feature_collection

    gdf = gpd.GeoDataFrame(pd.DataFrame(records), geometry=shapes, crs="EPSG:25833")
    return feature_collection(gdf, type_name)


def sample_bplan(layer: str, per_bezirk: int | None = None) -> bytes:
    """A sample answer of one ``bplan`` layer (``im_verfahren``, ``festgesetzt``, ``ausser_kraft``)
    with ``per_bezirk`` plans in each Bezirk (default :data:`PLANS_PER_BEZIRK`; the benchmark
    writes the layers at a real size).

    Examples
    --------
    >>> doc = json.loads(sample_bplan("festgesetzt"))
    >>> len(doc["features"]), sorted(doc["features"][0]["properties"])[:4]
    (108, ['afs_behoer', 'ausleg_www', 'bezirk', 'bp_rechtsstand'])
    """
    import numpy as np

    from ..sources.planning import BPLAN_LAYERS

    type_name = BPLAN_LAYERS[layer][0]
    seed = list(BPLAN_LAYERS).index(layer)
    rng = np.random.default_rng(100 + seed)
    records, shapes = [], []
    for k, (bid, name) in enumerate(BEZIRKE.items()):
        n = per_bezirk or PLANS_PER_BEZIRK[layer]
        shapes += _circles(n, 1000 * seed + k, bid, (70, 380))
        for i in range(n):
            set_on = None
            if layer == "festgesetzt":  # about a third set in the last five years
                set_on = f"{int(rng.choice([2012, 2016, 2019, 2021, 2022, 2023, 2024, 2025])):04d}-" \
                         f"{int(rng.integers(1, 13)):02d}-{int(rng.integers(1, 29)):02d}"
            elif layer == "ausser_kraft":
                set_on = f"{int(rng.integers(1965, 2000))}-06-01"
            use = _USES[int(rng.integers(len(_USES)))]
            records.append({
                "planid": f"{bid}-{100 + 10 * seed + i}", "planname": f"BEISPIEL {name} {i + 1}",
                "planartname": "Vorhabenbezogener B-Plan" if i % 4 == 3 else "Qualifizierter B-Plan",
                "verfahrensart": "beschleunigtes Verfahren (§ 13a BauGB)" if i % 3 == 0 else "Regelverfahren",
                "bezirk": name, "bp_rechtsstand": _STATE[layer][i % len(_STATE[layer])], "festsg_am": set_on,
                "afs_behoer": f"Bezirksamt {name}", "url_www": None, "scan_www": None, "grund_www": None,
                "ausleg_www": None, "inhalt": f"BEISPIELDATEN: {use}",
            })
    return _answer(records, shapes, type_name)


#: Areas per programme layer and the Bezirke they lie in.
_PROGRAMME_BEZIRKE = {"sanierung_umfassend": ("01", "02", "07", "11"), "sanierung_vereinfacht": ("03", "08", "10", "11"),
                      "sanierung_aufgehoben": ("01", "03", "04"), "quartiersmanagement": ("01", "08", "10", "11", "12"),
                      "lebendige_zentren": ("02", "05", "09", "10", "11")}


def sample_programme(layer: str) -> bytes:
    """A sample answer of one programme layer (keys of :data:`lichtenberg_data.sources.planning.PROGRAMMES`),
    with the attributes of its FIS-Broker predecessor.

    Examples
    --------
    >>> doc = json.loads(sample_programme("quartiersmanagement"))
    >>> len(doc["features"]), doc["features"][0]["properties"]["gebietsname"]
    (5, 'BEISPIEL Quartiersmanagement Mitte')
    """
    from ..sources.planning import PROGRAMMES

    type_name, programme = PROGRAMMES[layer]
    records, shapes = [], []
    for k, bid in enumerate(_PROGRAMME_BEZIRKE[layer]):
        shapes += _circles(1, 50 + k + 7 * list(PROGRAMMES).index(layer), bid, (450, 900))
        label = programme.split(" (")[0].split(" / ")[-1]
        name = f"BEISPIEL {label} {BEZIRKE[bid]}"
        if layer == "quartiersmanagement":
            records.append({"schluessel": f"QM{bid}{k + 1:02d}", "bezirk": BEZIRKE[bid], "gebietsname": name,
                            "sen1_nr": f"S-{k + 1}", "sen1_datum": f"{2005 + 3 * k}-05-10",
                            "sen_aen_nr": None, "sen_aen_datum": None, "fl_ha": None})
        elif layer == "lebendige_zentren":
            records.append({"gisid1": f"LZQ{bid}", "gebietsname": name, "fl_in_ha": None})
        else:
            records.append({"schluessel": f"SAN{bid}{k + 1:02d}", "gebietsname": name, "bezirk": BEZIRKE[bid],
                            "verordnung": "BEISPIEL", "f_gvbl_dat": f"{2011 + 2 * k}-03-15",
                            "f_in_kraft": f"{2011 + 2 * k}-03-16", "ae_gvbldat": None, "ae_inkraft": None,
                            "verfahren": "umfassend" if "umfassend" in layer else "vereinfacht",
                            "au_gvbldat": None, "au_inkraft": "2024-12-31" if "aufgehoben" in layer else None,
                            "fl_in_ha": None})
    body = _answer(records, shapes, type_name or f"fis:{layer}")
    return json.dumps(json.loads(body), ensure_ascii=False).encode("utf-8")


def _bplan_name(layer: str) -> str:
    return f"bplan_{layer}.geojson"


SAMPLES: dict[tuple[str, str], Callable[[], bytes]] = {
    **{("bebauungsplaene", _bplan_name(layer)): partial(sample_bplan, layer)
       for layer in ("im_verfahren", "festgesetzt", "ausser_kraft")},
    **{("foerdergebiete", f"{layer}.geojson"): partial(sample_programme, layer) for layer in _PROGRAMME_BEZIRKE},
}
