"""Read Berlin's boundary files and normalise them to canonical columns (private).

Used by the parsers in :mod:`lichtenberg_data.sources` of every topic, these readers turn
any of the variants the portals and their mirrors publish - WFS GML 3.2, WFS GeoJSON,
GeoJSON in EPSG:25833 without a ``crs`` member, CRS84/EPSG:4326 GeoJSON, zipped shapefiles,
uppercase FIS-Broker attributes (``PGR_ID``, ``BEZ``) or lowercase GDI attributes
(``plr_id``, ``bez`` = ``"01 - Mitte"``) - into tables with the canonical columns of
:mod:`lichtenberg_data.geo`, always in EPSG:25833. Keys are strings with leading zeros.
Names are repaired (double-encoded UTF-8 such as ``NeukÃ¶lln``) and checked against the
official lists; a name that matches nothing is a
:class:`~lichtenberg_data._errors.FormatError`, never a silent new area.

The spatial API built on these tables is in :mod:`lichtenberg_data.geo`.

Modules (import from this package): :mod:`._read` (:func:`read_geofile`, GeoJSON, zip,
text repair), :mod:`._gml` (WFS GML), :mod:`._sqlite` (one layer of a GDAL SQLite file,
checked before it is read), :mod:`._crs` (:data:`CRS`, inference, the Berlin check),
:mod:`._areas` (Bezirke, Ortsteile and the aliases, keys and finishing shared with the LOR)
and :mod:`._lor` (LOR levels). Imports run ``_read`` → ``_gml`` → ``_crs``, ``_sqlite`` →
``_crs`` and ``_lor`` → ``_areas`` → ``_crs``.
"""

from ._areas import ALIASES, COLUMNS, normalise_bezirke, normalise_ortsteile
from ._areas import _clean_key as _clean_key  # private, used by geo.py
from ._areas import _pick as _pick  # private, used by sources/geography.py
from ._areas import (
    no_column as no_column,  # the cause of a missing attribute, for sources/geography.py
)
from ._crs import BERLIN_25833, BERLIN_WGS84, CRS, infer_crs
from ._gml import read_gml
from ._lor import normalise_lor
from ._read import read_geofile, read_geojson, repair_text
from ._sqlite import is_sqlite, read_sqlite

__all__ = [
    "CRS", "COLUMNS", "read_geofile", "read_gml", "read_geojson", "read_sqlite", "is_sqlite", "infer_crs",
    "repair_text",
    "normalise_bezirke", "normalise_ortsteile", "normalise_lor",
    # documented constants (public before the split as well)
    "ALIASES", "BERLIN_25833", "BERLIN_WGS84",
]
