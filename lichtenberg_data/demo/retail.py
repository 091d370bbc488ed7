"""Sample files of the retail topic (``osm_pois``, ``zentren``) in their publishers' real formats.

Generated, deterministic, and clearly marked: nothing here is OpenStreetMap or Senate data.

* :func:`overpass_answer` builds an Overpass JSON answer of any size in each output form
  (``center``, ``skel`` = ``out body; >; out skel qt;``, ``geom``), for the demo, the tests and
  the benchmark (the 100,000-element parse).
* :func:`sample_osm_group` is one group file of ``osm_pois`` as the downloader stores it
  (``out tags center``), with points in the sample city of :mod:`lichtenberg_data.demo.city`.
* :func:`sample_zentren` is a StEP Zentren WFS layer (GeoServer GeoJSON, EPSG:25833) with
  centre areas drawn around real places; only the levels of Prerower Platz
  (Stadtteilzentrum), Anton-Saefkow-Platz and Karlshorst/Treskowallee (Ortsteilzentren) and of
  Storkower Bogen (Nahversorgungszentrum) are confirmed by published sources; every feature
  says it is generated.

:data:`SAMPLES` maps ``(dataset id, resource name)`` to the writer (see the developers' brief).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import partial
from typing import Any

__all__ = ["SAMPLES", "overpass_answer", "sample_osm_group", "sample_zentren", "SAMPLE_TIMESTAMP"]

#: The data state the sample answers claim (``osm3s.timestamp_osm_base``).
SAMPLE_TIMESTAMP = "2026-10-01T06:00:00Z"
_GENERATOR = "Overpass API 0.7.62.8 e802775f (BEISPIELDATEN, generiert von lichtenberg_data)"
_COPYRIGHT = ("The data included in this document is from www.openstreetmap.org. "
              "The data is made available under ODbL.")

#: Tags of generated objects: (key, value) by group, and some brands.
_KINDS = [("shop", "supermarket"), ("shop", "bakery"), ("shop", "convenience"), ("shop", "clothes"),
          ("shop", "hairdresser"), ("shop", "kiosk"), ("amenity", "restaurant"), ("amenity", "cafe"),
          ("amenity", "fast_food"), ("amenity", "pharmacy"), ("amenity", "bank"), ("tourism", "hotel"),
          ("tourism", "museum"), ("shop", "mall"), ("shop", "florist"), ("shop", "optician")]
_BRANDS = ["Rewe", "Edeka", "Lidl", "Aldi Nord", "Netto", "Rossmann", "dm", "Penny", "Kaufland", "Späti"]
_STREETS = ["Frankfurter Allee", "Landsberger Allee", "Konrad-Wolf-Straße", "Treskowallee", "Weitlingstraße",
            "Möllendorffstraße", "Falkenberger Chaussee", "Hauptstraße", "Am Tierpark", "Rhinstraße"]


def _header(timestamp: str) -> dict[str, Any]:
    return {"version": 0.6, "generator": _GENERATOR,
            "osm3s": {"timestamp_osm_base": timestamp, "copyright": _COPYRIGHT}}


def _tags(rng: Any, i: int, kind: tuple[str, str]) -> dict[str, str]:
    key, value = kind
    tags = {"name": f"Beispiel {value} {i}", key: value,
            "addr:street": _STREETS[i % len(_STREETS)], "addr:housenumber": str(1 + i % 180),
            "addr:postcode": f"1{rng.integers(0, 4)}{rng.integers(0, 10)}{rng.integers(10, 99)}",
            "addr:city": "Berlin"}
    if i % 3 == 0:
        tags["opening_hours"] = "Mo-Sa 08:00-20:00"
    if i % 4 == 0:
        tags["brand"] = _BRANDS[i % len(_BRANDS)]
        tags["brand:wikidata"] = f"Q{1000 + i % 97}"
    if i % 5 == 0:
        tags["website"] = f"https://example.org/{i}"
        tags["wheelchair"] = "yes"
    if kind == ("amenity", "cafe") and i % 2:
        tags["shop"] = "bakery"  # a bakery with a café: in two query groups
    return tags


def _ring(lon: float, lat: float, size: float, k: int) -> list[tuple[float, float]]:
    """A closed k-gon (k >= 3) of about ``size`` degrees around a point."""
    import numpy as np

    angles = np.linspace(0, 2 * np.pi, k, endpoint=False)
    pts = [(round(lon + size * np.cos(a), 7), round(lat + 0.6 * size * np.sin(a), 7)) for a in angles]
    return [*pts, pts[0]]


def overpass_answer(n: int, *, form: str = "center", seed: int = 0, timestamp: str = SAMPLE_TIMESTAMP,
                    points: Any = None, kinds: list[tuple[str, str]] | None = None) -> dict[str, Any]:
    """A generated Overpass answer of ``n`` elements in one output form.

    Parameters
    ----------
    n
        Number of elements in the answer; for ``skel``, which lists the ways' nodes too, the
        first ``n`` or up to ten more (a way is not cut).
    form
        ``center`` (``out tags center``: nodes with position, ways and relations with ``center``),
        ``skel`` (``out body; >; out skel qt;``) or ``geom`` (``out geom``).
    points
        Optional DataFrame with ``longitude``/``latitude`` of the objects (else random in Berlin).
    kinds
        The (key, value) main tags to cycle through.

    Examples
    --------
    >>> doc = overpass_answer(1000, form="geom")
    >>> len(doc["elements"]), doc["osm3s"]["timestamp_osm_base"]
    (1000, '2026-10-01T06:00:00Z')
    >>> 1000 <= len(overpass_answer(1000, form="skel")["elements"]) <= 1010
    True
    """
    import numpy as np

    if form not in {"center", "skel", "geom"}:
        raise ValueError(f"form must be center, skel or geom, not {form!r}")
    rng = np.random.default_rng(seed)
    kinds = kinds or _KINDS
    n_objects = max(1, n)
    if points is None:
        lon = rng.uniform(13.09, 13.76, n_objects)
        lat = rng.uniform(52.34, 52.67, n_objects)
    else:
        lon = np.resize(points["longitude"].to_numpy(float), n_objects)
        lat = np.resize(points["latitude"].to_numpy(float), n_objects)
    writer = _ObjectWriter(form, rng)
    for i in range(n_objects):
        writer.add(i, float(lon[i]), float(lat[i]), _tags(rng, i, kinds[i % len(kinds)]))
        if form == "skel" and len(writer.objects) + len(writer.skeleton) >= n:
            break
    return {**_header(timestamp), "elements": writer.elements()}


class _ObjectWriter:
    """Collects the elements of a generated answer: 55 % nodes, 42 % ways, 3 % relations."""

    def __init__(self, form: str, rng: Any) -> None:
        self.form, self.rng = form, rng
        self.objects: list[dict] = []
        self.skeleton: list[dict] = []
        self.next_node = 10_000_000_000
        self.next_way = 1_000_000_000

    def add(self, i: int, lon: float, lat: float, tags: dict[str, str]) -> None:
        share = i % 100
        if share < 55:
            self.objects.append({"type": "node", "id": 5_000_000_000 + i, "lat": round(lat, 7),
                                 "lon": round(lon, 7), "tags": tags})
        elif share < 97:
            self.objects.append(self._way(1_500_000_000 + i, lon, lat, tags, k=4 + i % 6))
        else:
            self.objects.append(self._relation(20_000_000 + i, lon, lat, tags))

    def _way(self, way_id: int, lon: float, lat: float, tags: dict | None, k: int) -> dict:
        ring = _ring(lon, lat, 0.0004, k)
        way: dict[str, Any] = {"type": "way", "id": way_id}
        if self.form == "center":
            way["center"] = {"lat": round(lat, 7), "lon": round(lon, 7)}
        elif self.form == "geom":
            xs, ys = zip(*ring)
            way["bounds"] = {"minlat": min(ys), "minlon": min(xs), "maxlat": max(ys), "maxlon": max(xs)}
            way["geometry"] = [{"lat": y, "lon": x} for x, y in ring]
        else:
            ids = list(range(self.next_node, self.next_node + len(ring) - 1))
            self.next_node += len(ids)
            way["nodes"] = [*ids, ids[0]]
            self.skeleton += [{"type": "node", "id": nid, "lat": y, "lon": x} for nid, (x, y) in zip(ids, ring)]
        if tags is not None:
            way["tags"] = tags
        return way

    def _relation(self, rel_id: int, lon: float, lat: float, tags: dict) -> dict:
        rel: dict[str, Any] = {"type": "relation", "id": rel_id, "tags": {**tags, "type": "multipolygon"}}
        if self.form == "center":
            rel["center"] = {"lat": round(lat, 7), "lon": round(lon, 7)}
            return rel
        outer = self._way(self.next_way, lon, lat, None, k=8)
        self.next_way += 1
        if self.form == "geom":
            rel["members"] = [{"type": "way", "ref": outer["id"], "role": "outer", "geometry": outer["geometry"]}]
        else:
            rel["members"] = [{"type": "way", "ref": outer["id"], "role": "outer"}]
            self.skeleton.append(outer)
        return rel

    def elements(self) -> list[dict]:
        return self.objects + self.skeleton


# ============================================================================ osm_pois

#: The (key, value) main tags of each group's sample file.
_GROUP_KINDS: dict[str, list[tuple[str, str]]] = {
    "einkaufszentren": [("shop", "mall")],
    "lebensmittel": [("shop", "supermarket"), ("shop", "bakery"), ("shop", "convenience"), ("shop", "butcher"),
                     ("shop", "greengrocer"), ("shop", "beverages"), ("amenity", "marketplace")],
    "einzelhandel": [("shop", "clothes"), ("shop", "florist"), ("shop", "optician"), ("shop", "shoes"),
                     ("shop", "books"), ("shop", "chemist"), ("shop", "mobile_phone"), ("shop", "furniture")],
    "gastronomie": [("amenity", "restaurant"), ("amenity", "cafe"), ("amenity", "fast_food"), ("amenity", "bar"),
                    ("amenity", "pub"), ("amenity", "ice_cream")],
    "dienstleistungen": [("shop", "hairdresser"), ("shop", "beauty"), ("amenity", "pharmacy"), ("amenity", "bank"),
                         ("amenity", "post_office"), ("amenity", "doctors"), ("shop", "laundry")],
    "tourismus_kultur": [("tourism", "hotel"), ("tourism", "hostel"), ("tourism", "guest_house"),
                         ("tourism", "apartment"), ("tourism", "museum"), ("tourism", "attraction"),
                         ("tourism", "gallery"), ("tourism", "viewpoint"), ("tourism", "zoo"), ("amenity", "theatre")],
}
#: Objects per group in Lichtenberg and in the other eleven sample Bezirke each.
_GROUP_SIZE = {"einkaufszentren": (12, 6), "lebensmittel": (260, 220), "einzelhandel": (420, 500),
               "gastronomie": (380, 600), "dienstleistungen": (300, 360), "tourismus_kultur": (90, 150)}
#: Lichtenberg's shopping centres with their OSM ids (as in OSM), for the demo's ``centres()`` join.
_SAMPLE_MALLS = [("way", 11249452, "Linden-Center"), ("way", 23970739, "Ring-Center 2"),
                 ("way", 26031057, "Hansa-Center"), ("way", 11249566, "Allee-Center Berlin"),
                 ("way", 22278549, "TierparkCenter Berlin"), ("relation", 19445153, "Dolgensee-Center")]


def sample_osm_group(group: str) -> bytes:
    """One group file of ``osm_pois`` as the downloader stores it (``out tags center``).

    Points lie in the sample city (:func:`lichtenberg_data.demo.city.sample_points`), most of
    them in sample Lichtenberg; names say ``Beispiel``. The malls group carries the real OSM
    ids of six Lichtenberg centres so that :func:`lichtenberg_data.retail.centres` joins in the demo.
    """
    import pandas as pd

    from .points import points as sample_points

    inside, outside = _GROUP_SIZE[group]
    seed = sorted(_GROUP_KINDS).index(group)
    points = pd.concat([sample_points(inside, seed=100 + seed, bezirk_id="11")]
                       + [sample_points(outside, seed=200 + seed * 20 + k, bezirk_id=f"{k:02d}")
                          for k in range(1, 13) if k != 11], ignore_index=True)
    doc = overpass_answer(len(points), form="center", seed=seed, points=points, kinds=_GROUP_KINDS[group])
    for element in doc["elements"]:  # distinct id ranges per group (the same object may be in two groups)
        element["id"] += seed * 10_000_000
    if group == "einkaufszentren":
        for element, (kind, osm_id, name) in zip(doc["elements"], _SAMPLE_MALLS):
            element.update(type=kind, id=osm_id)
            element["tags"]["name"] = name
            if kind != "node" and "center" not in element:
                element["center"] = {"lat": element.pop("lat"), "lon": element.pop("lon")}
    return json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8")


# ============================================================================ zentren

#: Sample centres: (name, level, Bezirk, lon, lat, radius in m). Places are real, the areas drawn.
_ZENTREN_ZH = [
    ("Prerower Platz", "Stadtteilzentrum", "Lichtenberg", 13.5056, 52.5642, 450),
    ("Anton-Saefkow-Platz", "Ortsteilzentrum", "Lichtenberg", 13.4741, 52.5311, 300),
    ("Karlshorst – Treskowallee", "Ortsteilzentrum", "Lichtenberg", 13.5262, 52.4810, 350),
    ("Storkower Bogen", "Nahversorgungszentrum", "Lichtenberg", 13.4650, 52.5262, 150),
    ("Frankfurter Allee", "Hauptzentrum", "Friedrichshain-Kreuzberg", 13.4606, 52.5149, 500),
    ("Marzahner Promenade", "Stadtteilzentrum", "Marzahn-Hellersdorf", 13.5443, 52.5436, 400),
    ("Schöneweide – Brückenstraße", "Stadtteilzentrum", "Treptow-Köpenick", 13.5103, 52.4581, 350),
    ("Alt-Hohenschönhausen – Konrad-Wolf-Straße", "Ortsteilzentrum", "Lichtenberg", 13.4963, 52.5430, 250),
]
_ZENTREN_FMA = [
    ("Landsberger Allee / Rhinstraße", "Fachmarktagglomeration", "Lichtenberg", 13.5283, 52.5421, 400),
    ("Herzbergstraße", "Fachmarktagglomeration", "Lichtenberg", 13.4986, 52.5232, 300),
]
_ZENTREN_NOTE = ("BEISPIELDATEN, generiert von lichtenberg_data: Fläche um einen realen Ort gezeichnet; "
                 "Zentrenstufe nur für Prerower Platz, Anton-Saefkow-Platz, Karlshorst und Storkower Bogen belegt")


def sample_zentren(layer: str) -> bytes:
    """A StEP Zentren WFS layer (``zh`` centres or ``fma`` Fachmarktagglomerationen) as GeoServer GeoJSON."""
    import geopandas as gpd
    import shapely
    from pyproj import Transformer

    from .city import feature_collection

    rows = _ZENTREN_ZH if layer == "zh" else _ZENTREN_FMA
    to_utm = Transformer.from_crs("EPSG:4326", "EPSG:25833", always_xy=True)
    shapes = []
    for _, _, _, lon, lat, radius in rows:
        x, y = to_utm.transform(lon, lat)
        shapes.append(shapely.Point(round(x, 1), round(y, 1)).buffer(radius, quad_segs=4))
    frame = gpd.GeoDataFrame(
        {"name": [r[0] for r in rows], "zentrentyp": [r[1] for r in rows], "bezirk": [r[2] for r in rows],
         "hinweis": _ZENTREN_NOTE},
        geometry=shapes, crs="EPSG:25833")
    doc = json.loads(feature_collection(frame, f"step_zen_2040:step_zen_2040_{layer}"))
    doc["timeStamp"] = "2026-10-01T06:00:00.000Z"
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


SAMPLES: dict[tuple[str, str], Callable[[], bytes]] = {
    **{("osm_pois", f"osm_{group}.json"): partial(sample_osm_group, group) for group in _GROUP_KINDS},
    ("zentren", "step_zen_2040_zh.geojson"): partial(sample_zentren, "zh"),
    ("zentren", "step_zen_2040_fma.geojson"): partial(sample_zentren, "fma"),
}
