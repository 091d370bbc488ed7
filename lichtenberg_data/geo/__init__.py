"""Berlin's areas: the spatial API every topic builds on.

:func:`boundaries`, :func:`aggregate`, :func:`assign`, :func:`crosswalk`,
:func:`crosswalk_table` and :func:`join` (which, like :func:`aggregate`, refuses to mix the
LOR 2021 with the old LOR valid until 2020), and :func:`within` (areal interpolation around
places). Their default district is ``settings.district``, so the same code serves any Berlin
district.

One job per module: :mod:`._areas` (districts and boundaries), :mod:`._lor` (LOR versions and
key lists), :mod:`._aggregate`, :mod:`._assign`, :mod:`._crosswalk`, :mod:`._within`.

Every boundary table has canonical columns (read and normalised from the portals' many file
variants by :mod:`lichtenberg_data._geoio`):

``bezirk_id`` ("01".."12"), ``bezirk``, ``ortsteil``, ``prognoseraum_id`` (4 digits),
``prognoseraum``, ``bezirksregion_id`` (6), ``bezirksregion``, ``planungsraum_id`` (8),
``planungsraum``, ``lor_version`` ("2021" or "2006"), ``flaeche_m2`` and ``geometry``, always
in EPSG:25833. Keys are strings with leading zeros; names are the official ones.

>>> import geopandas as gpd, shapely
>>> areas = gpd.GeoDataFrame({"planungsraum_id": ["11100101", "11100102"],
...     "planungsraum": ["Nord", "Süd"]},
...     geometry=[shapely.box(0, 0, 10, 10), shapely.box(0, -10, 10, 0)], crs="EPSG:25833")
>>> pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy([5, 5, 50], [5, -5, 0]), crs="EPSG:25833")
>>> assign(pts, "planungsraum", areas=areas)["planungsraum"].tolist()
['Nord', 'Süd', nan]
"""

from __future__ import annotations

from .._geoio import read_geofile
from ..names import KEY_LENGTH, LEVELS, Level, bezirk_id, bezirk_name
from ..names import level as level_of
from ._aggregate import aggregate
from ._areas import BOUNDARY_LEVELS, DEFAULT_DISTRICT, boundaries, district_id
from ._assign import assign
from ._crosswalk import crosswalk, crosswalk_table
from ._lor import LorVersionError, join, lor_version
from ._within import within

__all__ = [
    "boundaries", "aggregate", "assign", "crosswalk", "crosswalk_table", "join", "lor_version",
    "LorVersionError", "LEVELS", "KEY_LENGTH", "Level", "level_of", "BOUNDARY_LEVELS", "district_id",
    "bezirk_id", "bezirk_name", "read_geofile", "DEFAULT_DISTRICT", "within",
]
