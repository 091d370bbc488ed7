"""Districts and boundaries: the default district and the polygons of every level."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._provenance import with_sources
from .._store import load
from ..names import LEVELS, bezirk_id
from ..names import level as level_of

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd


#: The levels that have boundaries (:func:`boundaries`, :func:`assign`); :data:`LEVELS` (from
#: :mod:`lichtenberg_data.names`) describes every level.
BOUNDARY_LEVELS = tuple(name for name, lvl in LEVELS.items() if lvl.dataset)




#: Default of every ``district`` argument: the district of :mod:`lichtenberg_data.settings`.
DEFAULT_DISTRICT = "<settings.district>"
_DEFAULT = DEFAULT_DISTRICT


def district_id(district: str | int | None = _DEFAULT) -> str | None:
    """The ``bezirk_id`` of a district argument as the topic functions take it.

    ``None`` means all of Berlin (returns ``None``); the default means ``settings.district``;
    anything else is resolved by :func:`lichtenberg_data.names.bezirk_id`, which raises
    :class:`~lichtenberg_data.UnknownDistrictError` for a name that is no Berlin district.

    Examples
    --------
    >>> district_id("Marzahn-Hellersdorf"), district_id(None)
    ('10', None)
    """
    if district is None:
        return None
    if district == _DEFAULT:
        from ..settings import settings

        district = settings.district
    return bezirk_id(district)


def boundaries(level: str = "planungsraum", district: str | int | None = _DEFAULT) -> gpd.GeoDataFrame:
    """The polygons of one level of Berlin's areas, for one district or all of Berlin.

    Parameters
    ----------
    level
        ``bezirk``, ``ortsteil``, ``prognoseraum``, ``bezirksregion``, ``planungsraum``
        (LOR 2021) or ``planungsraum_2006`` (the old LOR valid until 2020).
    district
        A Bezirk by name or key (``"Lichtenberg"``, ``"11"``, ``11``); ``None`` for all of
        Berlin; by default ``settings.district``.

    Returns
    -------
    geopandas.GeoDataFrame
        Canonical columns (see the module docstring) in EPSG:25833, with provenance.

    Raises
    ------
    UnknownDistrictError
        For an unknown district.
    DataNotAvailableError
        When the level's dataset was never refreshed or imported.

    Examples
    --------
    >>> plr = boundaries("planungsraum")            # doctest: +SKIP
    >>> len(plr), plr["bezirk"].iloc[0]             # doctest: +SKIP
    (41, 'Lichtenberg')
    """
    dataset = level_of(level, BOUNDARY_LEVELS).dataset
    bid = district_id(district)
    gdf = load(dataset)
    if bid is not None:
        gdf = with_sources(gdf[gdf["bezirk_id"] == bid].reset_index(drop=True), gdf)
    return gdf
