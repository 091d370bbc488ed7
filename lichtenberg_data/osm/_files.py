"""What each file of ``osm_pois`` gives to the table (private to :mod:`lichtenberg_data.sources.osm`).

Overpass answers saved by hand often cover a bounding box around Berlin, not the city's area:
the real answers of the open-data-product repository (restaurants, bars, museums, 2025-08) hold
points in Brandenburg. Objects outside Berlin - outside the union of the stored Bezirke
(``bezirke``, EPSG:25833) - are dropped and reported per file with
:func:`lichtenberg_data._kept.drop` (``"outside Berlin"``, a few ``node/123`` as examples); a file
where most located objects lie outside is refused (an answer for another area). Objects without
a position (``out tags`` without ``center``) cannot be judged and are kept.

Several files may hold the same object (the Ramones Museum is both a bar and a museum): it is
kept from the first file in the parser's order (the newest answer) and counted as a duplicate
of the others; every file's kept rows are reported with :func:`lichtenberg_data._kept.kept`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import _kept
from .._errors import DataNotAvailableError, FormatError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["berlin_area", "inside_berlin", "report_kept", "MOST_OUTSIDE"]

#: Share of a file's located objects outside Berlin above which the file is refused.
MOST_OUTSIDE = 0.5
_EXAMPLES = 5


def berlin_area() -> Any:
    """The union of the stored Bezirke (EPSG:25833, prepared for fast point tests).

    Raises
    ------
    DataNotAvailableError
        When the Bezirke (``bezirke``) are not loaded.
    """
    import shapely

    from .. import geo

    try:
        bezirke = geo.boundaries("bezirk", district=None)
    except DataNotAvailableError:
        raise DataNotAvailableError(
            "the Bezirke boundaries, needed to tell the objects inside Berlin from those outside (an Overpass "
            "answer for a bounding box holds both), are not loaded here: run `lichtenberg-data refresh bezirke` "
            "(or import them) first", dataset="bezirke") from None
    area = shapely.union_all(bezirke.to_crs("EPSG:25833").geometry.to_numpy())
    shapely.prepare(area)
    return area


def _ids(frame: pd.DataFrame) -> list[str]:
    return (frame["osm_type"].astype(str) + "/" + frame["osm_id"].astype(str)).tolist()


def inside_berlin(frame: pd.DataFrame, area: Any, path: Path) -> pd.DataFrame:
    """The objects of one file inside Berlin (and those without position); the rest is reported.

    Raises
    ------
    FormatError
        When more than :data:`MOST_OUTSIDE` of the file's located objects lie outside Berlin.
    """
    import shapely

    geoms = frame.geometry.to_numpy()
    located = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    outside = located.copy()
    outside[located] = ~shapely.intersects(area, geoms[located])
    n_out, n_located = int(outside.sum()), int(located.sum())
    if n_out and n_out > MOST_OUTSIDE * n_located:
        raise FormatError(f"{path.name}: {n_out:,} of {n_located:,} objects lie outside Berlin (outside the Bezirke): "
                          "an answer for another area? Import an Overpass answer for Berlin (or a bounding box "
                          "around it)")
    _kept.drop(path, "outside Berlin", n_out, examples=_ids(frame[outside].head(_EXAMPLES)))
    return frame[~outside]


def report_kept(frame: pd.DataFrame, paths: Sequence[Path]) -> Any:
    """Which rows are duplicates of a row of an earlier file (``frame["_file"]`` indexes
    ``paths``); reports per file the duplicates and the rows kept. Returns the duplicate mask."""
    import numpy as np

    duplicate = frame.duplicated(["osm_type", "osm_id"], keep="first").to_numpy()
    files = frame["_file"].to_numpy()
    for i, path in enumerate(paths):
        mine = files == i
        _kept.drop(path, "duplicate of an object in another file", int((mine & duplicate).sum()),
                   examples=_ids(frame[mine & duplicate].head(_EXAMPLES)))
        _kept.kept(path, int((mine & ~duplicate).sum()))
    return np.asarray(duplicate)
