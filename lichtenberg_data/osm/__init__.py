"""OpenStreetMap: Overpass answers and GeoJSON exports read into one row per tagged object.

:mod:`._answers` reads Overpass JSON answers (every output form), :mod:`._geometry` places ways
and relations, :mod:`._geojson` reads GeoJSON exports of OSM objects into the same table. For the
dataset ``osm_pois`` (declared in :mod:`lichtenberg_data.sources.osm`): :mod:`._overpass` asks
Overpass politely, :mod:`._files` says what each file gives (objects outside Berlin dropped),
:mod:`._exports` takes GeoJSON exports as its files.
"""

from __future__ import annotations

from ._answers import (
    COLUMNS,
    TAG_COLUMNS,
    answer_timestamp,
    check_complete,
    column_name,
    elements_frame,
    load_answer,
    read_overpass,
)

__all__ = ["TAG_COLUMNS", "COLUMNS", "read_overpass", "load_answer", "check_complete", "elements_frame",
           "answer_timestamp", "column_name"]
