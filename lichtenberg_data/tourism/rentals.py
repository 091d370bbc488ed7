"""Short-term rentals over time: every Inside Airbnb scrape per area, per 1,000 residents.

The ``kurzzeitvermietung`` table holds one edition per scrape (``date``: its Stand). All scrapes
are placed by coordinates in the LOR 2021, the one of 2019 too, so every edition is counted in
the same areas. Rates per 1,000 residents use the residents of ``einwohner_lor`` of the year
nearest to the scrape's year (column ``einwohner_stand`` says which): per Bezirk any year of the
register serves (the Bezirke are the same in the old and the new LOR), below the Bezirk only the
years in the LOR 2021.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from .._provenance import with_sources
from ..geo import DEFAULT_DISTRICT
from ._common import check_level, load_frame
from .supply import listings_by_area

__all__ = ["listings_over_time", "room_mix", "scrapes_note", "residents_note", "ROOM_GROUPS"]

#: Columns of :func:`listings_over_time` → German label, for charts of the room types.
ROOM_GROUPS = {"ganze_wohnungen": "Ganze Wohnungen", "zimmer": "Zimmer (privat oder geteilt)",
               "hotelzimmer": "Hotelzimmer"}


def _day(value: Any) -> str:
    return f"{pd.Timestamp(value):%d.%m.%Y}"


def _population(einwohner: pd.DataFrame, when: pd.Timestamp, id_col: str) -> tuple[pd.DataFrame, pd.Timestamp]:
    """The residents of the register date whose year lies nearest to ``when``'s (the earlier on a
    tie); below the Bezirk only dates of the LOR 2021."""
    rows = einwohner
    if id_col != "bezirk_id" and "lor_version" in rows.columns:
        rows = rows[rows["lor_version"].astype(str) == "2021"]
        if rows.empty:
            raise ValueError("einwohner has no LOR 2021 rows; the listings are placed in the LOR 2021")
    stamps = sorted(pd.to_datetime(rows["date"].dropna().unique()))
    if not stamps:
        raise ValueError("einwohner has no dates")
    pick = min(stamps, key=lambda d: (abs(d.year - when.year), d))
    return rows[pd.to_datetime(rows["date"]) == pick], pd.Timestamp(pick)


def listings_over_time(kurzzeitvermietung: pd.DataFrame | None = None, level: str = "bezirk",
                       district: Any = DEFAULT_DISTRICT, *, einwohner: pd.DataFrame | None = None) -> pd.DataFrame:
    """Airbnb listings per area for every scrape in the table (one edition each).

    Parameters
    ----------
    kurzzeitvermietung
        The ``kurzzeitvermietung`` table (``None`` loads it).
    level, district
        As for :func:`lichtenberg_data.tourism.listings_by_area`: ``bezirk`` gives the 12 Bezirke
        and Berlin (``"00"``) for each scrape; the sub-Bezirk levels the areas of ``district``.
    einwohner
        A population table (``einwohner_lor``) for the rates per 1,000 residents; each scrape
        takes the register date of the nearest year (``einwohner_stand``).

    Returns
    -------
    pandas.DataFrame
        The columns of ``listings_by_area`` for each scrape (``date``), and ``stand_art`` (where
        the scrape's Stand comes from, German) and, with ``einwohner``, ``einwohner_stand``.

    Examples
    --------
    >>> t = pd.DataFrame({"date": pd.to_datetime(["2019-03-08", "2025-09-24", "2025-09-24"]),
    ...     "bezirk_id": ["11", "11", "01"], "room_type": ["Private room", "Entire home/apt", "Entire home/apt"],
    ...     "availability_365": [10, 200, 100]})
    >>> out = listings_over_time(t)
    >>> out[out["gebiet"] == "Lichtenberg"][["date", "angebote", "ganze_wohnungen"]].values.tolist()
    [[Timestamp('2019-03-08 00:00:00'), 1, 0], [Timestamp('2025-09-24 00:00:00'), 1, 1]]
    """
    id_col = check_level(level)
    src = load_frame(kurzzeitvermietung, "kurzzeitvermietung")
    parts = []
    for when in sorted(pd.to_datetime(src["date"].dropna().unique())):
        people, stamp = (None, None) if einwohner is None else _population(einwohner, when, id_col)
        part = listings_by_area(src, level, district, einwohner=people, date=when)
        if "stand_art" in src.columns:
            arts = src.loc[src["date"] == when, "stand_art"].dropna().unique()
            part["stand_art"] = arts[0] if len(arts) else None
        if stamp is not None:
            part["einwohner_stand"] = stamp
        parts.append(part)
    if not parts:
        raise ValueError("the kurzzeitvermietung table holds no scrape")
    out = pd.concat(parts, ignore_index=True)
    return with_sources(out, src, *([einwohner] if einwohner is not None else []))


def room_mix(over_time: pd.DataFrame, area: str) -> pd.DataFrame:
    """Entire homes, rooms and hotel rooms of one area per scrape, with their shares (%).

    ``over_time`` is a table of :func:`listings_over_time`; ``area`` a ``gebiet`` of it (e.g.
    ``"Lichtenberg"`` or ``"Berlin"``).

    >>> t = pd.DataFrame({"date": pd.to_datetime(["2019-03-08"]), "gebiet": ["X"], "angebote": [4],
    ...     "ganze_wohnungen": [1], "zimmer": [2], "hotelzimmer": [1]})
    >>> room_mix(t, "X")[["anteil_ganze_wohnungen", "anteil_zimmer"]].values.tolist()
    [[25.0, 50.0]]
    """
    rows = over_time[over_time["gebiet"] == area]
    if rows.empty:
        raise ValueError(f"{area!r} is no gebiet of the table; it has {sorted(over_time['gebiet'].dropna().unique())}")
    out = rows[["date", "gebiet", "angebote", *ROOM_GROUPS]].sort_values("date", ignore_index=True)
    for col in ROOM_GROUPS:
        out[f"anteil_{col}"] = (out[col] / out["angebote"].where(out["angebote"] > 0) * 100).round(1)
    return with_sources(out, over_time)


def scrapes_note(over_time: pd.DataFrame) -> str:
    """German note on the scrapes of a table: their dates and where each Stand comes from.

    >>> t = pd.DataFrame({"date": pd.to_datetime(["2019-03-08", "2025-09-24"]),
    ...     "stand_art": ["Stand: jüngste Bewertung in der Datei; das Abrufdatum nennt die Datei nicht"] * 2})
    >>> scrapes_note(t)
    'Abrufe vom 08.03.2019 und 24.09.2025 (Stand: jüngste Bewertung in der Datei; das Abrufdatum nennt die Datei nicht)'
    """
    days = sorted(pd.to_datetime(over_time["date"].dropna().unique()))
    listed = [_day(d) for d in days]
    text = listed[0] if len(listed) == 1 else f"{', '.join(listed[:-1])} und {listed[-1]}"
    head = f"Abruf vom {text}" if len(listed) == 1 else f"Abrufe vom {text}"
    if "stand_art" not in over_time.columns:
        return head
    arts = list(dict.fromkeys(over_time.sort_values("date")["stand_art"].dropna()))
    if len(arts) == 1:
        return f"{head} ({arts[0]})"
    per_day = over_time.drop_duplicates("date").sort_values("date")
    return f"{head} (" + "; ".join(f"{_day(d)}: {a}" for d, a in zip(per_day["date"], per_day["stand_art"])) + ")"


def residents_note(over_time: pd.DataFrame) -> str:
    """German note on the residents behind the rates: which register date served which scrapes.

    >>> t = pd.DataFrame({"date": pd.to_datetime(["2019-03-08", "2022-09-15", "2024-06-22"]),
    ...     "einwohner_stand": pd.to_datetime(["2019-12-31", "2020-12-31", "2025-12-31"])})
    >>> residents_note(t)
    'Einwohner/innen am 31.12.2019 (Abruf 08.03.2019), 31.12.2020 (Abruf 15.09.2022), 31.12.2025 (Abruf 22.06.2024); je das dem Abruf nächste verfügbare Jahr'
    """
    if "einwohner_stand" not in over_time.columns:
        return ""
    pairs = over_time.drop_duplicates("date").sort_values("date")
    groups: dict[pd.Timestamp, list[str]] = {}
    for day, stamp in zip(pairs["date"], pairs["einwohner_stand"]):
        groups.setdefault(pd.Timestamp(stamp), []).append(_day(day))
    parts = [f"{_day(stamp)} ({'Abrufe' if len(days) > 1 else 'Abruf'} {' und '.join(days)})"
             for stamp, days in groups.items()]
    return f"Einwohner/innen am {', '.join(parts)}; je das dem Abruf nächste verfügbare Jahr"
