"""Accommodation supply per area: short-term rentals (Inside Airbnb) and establishments in OSM.

Both count per area of a LOR 2021 level (``planungsraum``, ``bezirksregion``, ``prognoseraum``)
of the district, or per Bezirk with a Berlin row (``gebiet_id`` ``"00"``); with a population
table they add the rates per 1,000 residents and the areas without any (0).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .._errors import DataNotAvailableError
from .._provenance import with_sources
from ..geo import DEFAULT_DISTRICT, district_id
from ..names import KEY_LENGTH
from ._common import (
    add_rates,
    area_names,
    asked_for,
    check_level,
    finish_areas,
    load_frame,
    lor_names,
    prefix_ids,
    residents,
    with_berlin,
)

__all__ = ["listings_by_area", "accommodation", "ACCOMMODATION"]

#: OSM ``tourism`` values of accommodation → German label (plural), in output order.
ACCOMMODATION = {"hotel": "Hotels", "hostel": "Hostels", "guest_house": "Pensionen", "apartment": "Ferienwohnungen",
                 "motel": "Motels", "camp_site": "Campingplätze", "caravan_site": "Wohnmobilstellplätze",
                 "chalet": "Ferienhäuser"}
_COLUMNS = {"hotel": "hotels", "hostel": "hostels", "guest_house": "pensionen", "apartment": "ferienwohnungen"}
_LISTING_COUNTS = ["angebote", "ganze_wohnungen", "zimmer", "hotelzimmer", "wohnungen_ueber_90_tage"]


def _area_ids(df: pd.DataFrame, id_col: str) -> pd.Series:
    """The area ids of a level, from its column or the prefix of a finer level's ids."""
    if id_col in df.columns:
        ids = df[id_col]
        return ids.astype(object).where(ids.notna() & (ids.astype(str) != "nan"), None)
    finer = next((c for c in ("planungsraum_id", "bezirksregion_id", "prognoseraum_id")
                  if c in df.columns and KEY_LENGTH[c] > KEY_LENGTH[id_col]), None)
    if finer is None:
        raise ValueError(f"the table has no {id_col} and no finer area ids to derive it from")
    return prefix_ids(df[finer], id_col)


def _select(ids: pd.Series, level: str, district: Any) -> pd.Series:
    """Rows with an area, and of the district for sub-Bezirk levels."""
    keep = ids.notna()
    key = None if level == "bezirk" else district_id(district)
    if key is not None:
        keep &= ids.str[:2] == key
    return keep


def listings_by_area(kurzzeitvermietung: pd.DataFrame | None = None, level: str = "bezirksregion",
                     district: Any = DEFAULT_DISTRICT, *, einwohner: pd.DataFrame | None = None,
                     date: Any = None) -> pd.DataFrame:
    """Airbnb listings per area: entire homes against rooms, available days, per 1,000 residents.

    Parameters
    ----------
    kurzzeitvermietung
        The ``kurzzeitvermietung`` table (``None`` loads it); listings without an area are left out.
    level
        ``planungsraum``, ``bezirksregion``, ``prognoseraum`` (the district's areas) or ``bezirk``
        (the 12 Bezirke and a Berlin row ``"00"``), by coordinates (LOR 2021).
    district
        The Bezirk of the sub-Bezirk levels (default ``settings.district``); ``None`` = all Berlin.
    einwohner
        A population table (e.g. ``einwohner_lor``) with ``einwohner`` and ``planungsraum_id``; its
        latest LOR 2021 date is used. Adds the rates per 1,000 residents and the areas without
        listings (with 0).
    date
        The scrape (``date`` of the table); default the latest.

    Returns
    -------
    pandas.DataFrame
        ``date``, ``ebene``, ``gebiet_id``, ``gebiet``, ``angebote``, ``ganze_wohnungen``
        (Entire home/apt), ``zimmer`` (private and shared rooms), ``hotelzimmer``,
        ``wohnungen_ueber_90_tage`` (entire homes offered more than 90 days a year: the limit for
        renting out one's own flat without a permit under Berlin's Zweckentfremdungsverbot),
        ``verfuegbare_tage`` (mean ``availability_365``), ``anteil_ganze_wohnungen`` (%), and with
        ``einwohner``: ``einwohner``, ``angebote_je_1000_ew``, ``ganze_wohnungen_je_1000_ew``.

    Examples
    --------
    >>> t = pd.DataFrame({"date": pd.Timestamp("2025-09-01"), "bezirksregion_id": ["110101", "110101", "110102"],
    ...     "bezirksregion": ["A", "A", "B"], "room_type": ["Entire home/apt", "Private room", "Entire home/apt"],
    ...     "availability_365": [200, 0, 100]})
    >>> listings_by_area(t, district="11")[["gebiet_id", "angebote", "ganze_wohnungen", "verfuegbare_tage"]].values.tolist()
    [['110101', 2, 1, 100.0], ['110102', 1, 1, 100.0]]
    """
    id_col = check_level(level)
    src = load_frame(kurzzeitvermietung, "kurzzeitvermietung")
    when = pd.Timestamp(date) if date is not None else src["date"].max()
    ids = _area_ids(src, id_col)
    keep = (src["date"] == when) & _select(ids, level, district)
    rows, room = src[keep], src.loc[keep, "room_type"]
    entire = room == "Entire home/apt"
    work = pd.DataFrame({"gebiet_id": ids[keep].astype(str), "angebote": 1, "ganze_wohnungen": entire.astype(int),
                         "zimmer": room.isin(["Private room", "Shared room"]).astype(int),
                         "hotelzimmer": (room == "Hotel room").astype(int),
                         "wohnungen_ueber_90_tage": (entire & (rows["availability_365"] > 90)).astype(int),
                         "verfuegbare_tage": rows["availability_365"].astype(float)})
    if level == "bezirk":
        work = with_berlin(work)
    out = work.groupby("gebiet_id").agg({**{c: "sum" for c in _LISTING_COUNTS}, "verfuegbare_tage": "mean"})
    if einwohner is not None:
        people = residents(einwohner, id_col)
        key = None if level == "bezirk" else district_id(district)
        if key is not None:
            people = people[people.index.str[:2] == key]
        out = add_rates(out, people, ["angebote", "ganze_wohnungen"], berlin=level == "bezirk", fill=_LISTING_COUNTS)
    out[_LISTING_COUNTS] = out[_LISTING_COUNTS].astype("int64")
    out["verfuegbare_tage"] = out["verfuegbare_tage"].round(1)
    share = out["ganze_wohnungen"] / out["angebote"].where(out["angebote"] > 0) * 100
    out["anteil_ganze_wohnungen"] = share.round(1)
    out = finish_areas(out, level, {**lor_names(level), **area_names(rows, id_col, level)}, first=[])
    out.insert(0, "date", when)
    return with_sources(out, src, *([einwohner] if einwohner is not None else []))


def _no_accommodation(what: str, incidental: int = 0) -> DataNotAvailableError:
    if incidental:
        entries = "1 Eintrag anderer Auszüge, etwa ein Restaurant, trägt" if incidental == 1 else \
            f"{incidental} Einträge anderer Auszüge, etwa Restaurants, tragen"
        lacks = ("keine Unterkünfte: die geladenen OpenStreetMap-Auszüge erfassen keine Hotels, Hostels oder "
                 f"Pensionen (nur {entries} nebenbei ein Unterkunfts-Merkmal)")
        what = (f"{what}: the {incidental} objects tagged so came incidentally with files of other groups "
                "(e.g. restaurants in hotels), no file of accommodation is loaded")
    else:
        lacks = "keine Unterkünfte (Hotels, Hostels, Pensionen; in OpenStreetMap tourism = hotel, hostel, guest_house …)"
    return DataNotAvailableError(
        f"osm_pois holds no accommodation (tourism={', '.join(ACCOMMODATION)}) {what}: refresh its group "
        "'Tourismus und Kultur' (`lichtenberg-data refresh osm_pois`) or import an Overpass answer of it",
        dataset="osm_pois", lacks=lacks)


def accommodation(osm_pois: pd.DataFrame | None = None, level: str = "bezirksregion",
                  district: Any = DEFAULT_DISTRICT, *, einwohner: pd.DataFrame | None = None) -> pd.DataFrame:
    """Accommodation establishments mapped in OpenStreetMap per area (hotels, hostels, …).

    OSM objects tagged ``tourism`` = one of :data:`ACCOMMODATION`, counted in the area of their
    ``planungsraum_id``. OSM is mapped by volunteers: small guest houses and holiday flats are
    missing more often than hotels, and a building may be mapped twice (node and area).

    Parameters
    ----------
    osm_pois
        The ``osm_pois`` table (``None`` loads it).
    level, district, einwohner
        As for :func:`listings_by_area`.

    Returns
    -------
    pandas.DataFrame
        ``date`` (OSM data state), ``ebene``, ``gebiet_id``, ``gebiet``, ``unterkuenfte`` (all),
        ``hotels``, ``hostels``, ``pensionen``, ``ferienwohnungen``, ``sonstige`` (motels, camping,
        …), and with ``einwohner``: ``einwohner``, ``unterkuenfte_je_1000_ew``.

    Raises
    ------
    DataNotAvailableError
        When ``osm_pois`` holds no accommodation at all (e.g. only the shopping centres were
        loaded), or only incidentally (objects of files of other groups that carry a ``tourism``
        tag of accommodation, as six restaurants of the real gastronomy answers do): the group
        "Tourismus und Kultur" is missing. Its ``lacks`` says so in German for the briefing.

    Examples
    --------
    >>> t = pd.DataFrame({"tourism": ["hotel", "hostel", "museum", "hotel", "camp_site"], "planungsraum_id":
    ...     ["11300722", "11300722", "11300722", "11401034", "11401034"], "osm_stand": pd.Timestamp("2025-11-01")})
    >>> accommodation(t, "bezirksregion", "11")[["gebiet_id", "unterkuenfte", "hotels", "sonstige"]].values.tolist()
    [['113007', 2, 1, 0], ['114010', 2, 1, 1]]
    """
    id_col = check_level(level)
    src = load_frame(osm_pois, "osm_pois")
    is_accommodation = src["tourism"].isin(list(ACCOMMODATION))
    rows = src[is_accommodation]
    if rows.empty:
        raise _no_accommodation("in all of Berlin")
    if not asked_for(src, is_accommodation, "tourismus_kultur"):
        raise _no_accommodation("in all of Berlin", incidental=len(rows))
    ids = prefix_ids(rows["planungsraum_id"], id_col)
    keep = _select(ids, level, district)
    kind = rows.loc[keep, "tourism"]
    work = pd.DataFrame({"gebiet_id": ids[keep].astype(str), "unterkuenfte": 1,
                         **{col: (kind == tag).astype(int) for tag, col in _COLUMNS.items()},
                         "sonstige": (~kind.isin(list(_COLUMNS))).astype(int)})
    if level == "bezirk":
        work = with_berlin(work)
    counts = ["unterkuenfte", *_COLUMNS.values(), "sonstige"]
    out = work.groupby("gebiet_id")[counts].sum()
    if einwohner is not None:
        people = residents(einwohner, id_col)
        key = None if level == "bezirk" else district_id(district)
        if key is not None:
            people = people[people.index.str[:2] == key]
        out = add_rates(out, people, ["unterkuenfte"], berlin=level == "bezirk", fill=counts)
    out[counts] = out[counts].astype("int64")
    names = {**lor_names(level), **area_names(rows.assign(**{id_col: ids}), id_col, level)}
    out = finish_areas(out, level, names, first=[])
    stand = rows["osm_stand"].max() if "osm_stand" in rows.columns else np.nan
    out.insert(0, "date", stand)
    return with_sources(out, src, *([einwohner] if einwohner is not None else []))
