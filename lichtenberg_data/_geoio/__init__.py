"""Read Berlin's boundary files and normalise them to canonical columns (private).

The code is split by subject into private modules; this package lists the names the
package uses.
"""

from ._gml import (
    ALIASES,
    BERLIN_25833,
    BERLIN_WGS84,
    COLUMNS,
    CRS,
    infer_crs,
    normalise_bezirke,
    normalise_lor,
    normalise_ortsteile,
    read_geofile,
    read_geojson,
    read_gml,
    repair_text,
)

# Private helpers that geo.py and sources/geography.py use.
from ._gml import _clean_key as _clean_key
from ._gml import _pick as _pick

__all__ = [
    "CRS", "COLUMNS", "read_geofile", "read_gml", "read_geojson", "infer_crs", "repair_text",
    "normalise_bezirke", "normalise_ortsteile", "normalise_lor",
    # documented constants (public before the split as well)
    "ALIASES", "BERLIN_25833", "BERLIN_WGS84",
]
