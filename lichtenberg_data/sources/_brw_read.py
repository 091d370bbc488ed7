"""The forms a Bodenrichtwert edition arrives in, read into the canonical column names.

Private to :mod:`lichtenberg_data.sources.land_values`, which turns the cells into typed
columns. Three forms, told apart by their first bytes (the name only has to agree):

- the FIS-Broker download (``.xls``/``.xlsx``, sheet "Download"): :func:`read_broker_xls`;
- a WFS answer of the GDI Berlin (GeoJSON, also attribute-only with ``"geometry": null``, or
  GML): :func:`read_wfs`; the zone number is ``brwid`` in the GDI services;
- the GDAL SQLite file of a FIS-Broker WFS layer (``s_brw_<YYYY>``, e.g. the 2020 zones saved by
  a third party): read through :func:`lichtenberg_data._geoio.read_sqlite` (checked before it
  is read); its zone number is the suffix of ``gml_id`` (``s_brw_2020.1002`` is zone 1002).

Each reader returns the attributes under the canonical names of :data:`TARGETS` (cells as
published) and the geometry in EPSG:25833 where it was asked for.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._errors import FormatError
from .._readers import open_workbook
from .._sniff import sniff

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["TARGETS", "read_broker_xls", "read_wfs", "read_edition"]

#: Column of the FIS-Broker download (sheet "Download") -> canonical column.
_XLS_COLUMNS = {"Bodenrichtwert-Nummer": "brw_nummer", "Bezirk": "bezirk", "Bodenrichtwert": "brw_eur_m2",
                "gebietstypische Nutzungsart": "nutzung", "gebietstypische GFZ": "gfz", "Stichtag": "stichtag",
                "Beitragszustand": "beitragszustand", "Sanierungs-/Entwicklungszusatz": "zusatz"}
_XLS_REQUIRED = ("Bodenrichtwert-Nummer", "Bezirk", "Bodenrichtwert", "gebietstypische Nutzungsart",
                 "gebietstypische GFZ", "Stichtag")
#: Canonical column -> the attribute names it has in the WFS answers (GDI 2026: ``brwid``, ``anwert``;
#: FIS-Broker ``s_brw``: ``brw_nr`` or the ``gml_id`` suffix).
TARGETS = {"brw_nummer": ("brwid", "brw_nr", "brwnr", "brw_nummer"), "bezirk": ("bezirk",),
           "brw_eur_m2": ("brw",), "nutzung": ("nutzung",), "gfz": ("gfz",), "stichtag": ("stichtag",),
           "beitragszustand": ("beitragszustand",), "zusatz": ("anwert", "zusatz", "sanierungszusatz")}
_REQUIRED = ("brw_nummer", "bezirk", "brw_eur_m2", "nutzung", "stichtag")
_GML_ID = re.compile(r"^[A-Za-z][\w-]*\.(\d+)$")


def read_broker_xls(path: Path) -> pd.DataFrame:
    """The sheet of a FIS-Broker Bodenrichtwert download (xls or xlsx) as text/number cells."""
    import pandas as pd

    book = open_workbook(path)  # by content: an xlsx named .xls reads as xlsx
    try:
        rows = book.get_sheet_by_index(0).to_python(skip_empty_area=True)
    except Exception as exc:  # calamine raises its own errors for broken files
        raise FormatError(f"{path.name}: the first sheet of the workbook is damaged and cannot be read "
                          f"({type(exc).__name__})") from None
    header = next((i for i, row in enumerate(rows[:10]) if "Bodenrichtwert-Nummer" in map(str, row)), None)
    if header is None:
        found = ", ".join(" ".join(str(c).split()) for c in (rows[0] if rows else []) if c)[:160]
        raise FormatError(f"{path.name} is no Bodenrichtwert download: no column 'Bodenrichtwert-Nummer' "
                          f"in the first rows (found: {found or 'an empty sheet'})")
    names = [str(c).strip() for c in rows[header]]
    missing = [c for c in _XLS_REQUIRED if c not in names]
    if missing:
        raise FormatError(f"{path.name} lacks the columns {', '.join(missing)} of a Bodenrichtwert download "
                          f"(found: {', '.join(' '.join(n.split()) for n in names if n)[:200]})")
    body = [r for r in rows[header + 1:] if any(c not in (None, "") for c in r)]
    raw = pd.DataFrame(body, columns=names, dtype=object)
    return raw[[c for c in _XLS_COLUMNS if c in raw.columns]].rename(columns=_XLS_COLUMNS)


def _attributes(table: Any, path: Path) -> pd.DataFrame:
    """The canonical attributes of a WFS answer or a GDAL layer (cells as published)."""
    import pandas as pd

    lower = {str(c).lower(): c for c in table.columns}
    out = {}
    for target, names in TARGETS.items():
        hit = next((lower[n] for n in names if n in lower), None)
        if hit is not None:
            out[target] = table[hit]
        elif target == "brw_nummer" and "gml_id" in lower:
            out[target] = _numbers_from_gml_id(table[lower["gml_id"]], path)
        elif target in _REQUIRED:
            found = ", ".join(str(c) for c in table.columns if c != "geometry")
            raise FormatError(f"{path.name} lacks the Bodenrichtwert attribute {target} "
                              f"(looked for {', '.join(names)}; found {found})")
    return pd.DataFrame(out, index=table.index)


def _numbers_from_gml_id(ids: pd.Series, path: Path) -> pd.Series:
    """Zone numbers from FIS-Broker feature ids (``s_brw_2020.1002`` -> ``1002``)."""
    found = ids.astype(str).str.extract(_GML_ID, expand=False)
    if found.isna().any():
        bad = ids[found.isna()].iloc[0]
        raise FormatError(f"{path.name} has no zone number: no attribute brwid or brw_nr, and gml_id {bad!r} "
                          "does not end in one")
    return found


def read_wfs(path: Path) -> pd.DataFrame:
    """The attributes of a GeoJSON WFS answer, also one without geometry (``PROPERTYNAME``)."""
    import pandas as pd

    from .._geoio import repair_text

    try:
        doc = json.loads(path.read_bytes())
    except UnicodeDecodeError as exc:
        raise FormatError(f"{path.name} is not UTF-8 JSON (undecodable byte at {exc.start}); download it again") from None
    except ValueError as exc:
        where = f" at byte {exc.pos:,} of {path.stat().st_size:,}" if hasattr(exc, "pos") else ""
        raise FormatError(f"{path.name} is cut or damaged JSON ({getattr(exc, 'msg', exc)}{where}); "
                          "download it again") from None
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection" or not isinstance(doc.get("features"), list):
        raise FormatError(f"{path.name} is JSON, but no GeoJSON FeatureCollection (a WFS answer of a layer "
                          "brw<YYYY>)")
    props = [f.get("properties") if isinstance(f, dict) else None for f in doc["features"]]
    if not props or any(not isinstance(p, dict) for p in props):
        raise FormatError(f"{path.name} holds {'no features' if not props else 'features without properties'}")
    table = pd.DataFrame(props)
    if "gml_id" not in table and all(isinstance(f.get("id"), str) for f in doc["features"]):
        table["gml_id"] = [f["id"] for f in doc["features"]]
    for col in table.columns:
        table[col] = repair_text(table[col])
    return _attributes(table, path)


def read_edition(path: Path, keep_geometry: bool) -> tuple[pd.DataFrame, Any]:
    """One edition in any of its forms: canonical attributes, and the geometry when asked for.

    Returns
    -------
    (DataFrame, GeoSeries or None)
        The cells under the canonical names, and the polygons in EPSG:25833 (``keep_geometry``).
    """
    from .. import _geoio

    found = sniff(path)
    kind = {"geojson": "json", "overpass": "json", "json-list": "json", "gml": "xml"}.get(found.kind, found.kind)
    if path.suffix.lower() == ".sqlite" and kind != "sqlite":
        raise FormatError(f"{path.name} is named .sqlite but is {found.what}, not an SQLite database; pass the "
                          "GDAL SQLite file itself (or a WFS answer under its own .geojson/.gml name)")
    if kind in {"xls", "xlsx"}:
        if keep_geometry:
            raise FormatError(f"{path.name} is a spreadsheet without polygons; the zones come as a WFS answer "
                              "(GeoJSON/GML) or a GDAL SQLite file")
        return read_broker_xls(path), None
    if kind == "sqlite":
        gdf = _geoio.read_sqlite(path)
        return _attributes(gdf, path).reset_index(drop=True), gdf.geometry.reset_index(drop=True)
    if kind not in {"json", "xml", "zip"}:
        raise FormatError(f"{path.name} is neither a Bodenrichtwert download (xls), a WFS answer (GeoJSON/GML) "
                          "nor a GDAL SQLite file")
    if kind == "json" and not keep_geometry:
        return read_wfs(path), None
    gdf = _geoio.read_geofile(path)
    return _attributes(gdf, path).reset_index(drop=True), gdf.geometry.reset_index(drop=True)
