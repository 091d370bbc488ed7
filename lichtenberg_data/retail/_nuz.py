"""The Neues Urbanes Zentrum Neu-Hohenschönhausen (NUZ) around Prerower Platz: a profile.

No official boundary of the NUZ is published. Its core is Planungsraum 11100307 (Zingster
Straße Ost: Linden-Center, Prerower Platz, Cinemotion); the 19.5 ha competition area also reaches
11100308 (Zingster Straße West) and 11100309 (Mühlengrund) and, across the railway, 11100205
(Wartenberg Süd) and 11100206 (Wartenberg Nord) - point-in-polygon of the places the published
descriptions name (``shared/context/lichtenberg-facts.md`` §2).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from .._errors import DataNotAvailableError
from .._provenance import with_sources

if TYPE_CHECKING:  # pragma: no cover
    from ._huff import MarketAreas

__all__ = ["NUZ_CORE", "NUZ_PLANUNGSRAEUME", "NUZ_CENTRE", "NuzProfile", "nuz_profile", "building_activity"]

NUZ_CORE = "11100307"
NUZ_PLANUNGSRAEUME = ("11100307", "11100308", "11100309", "11100205", "11100206")
#: The centre of the NUZ area (OSM object of the Linden-Center).
NUZ_CENTRE = "way/11249452"


@dataclass
class NuzProfile:
    """Frames of the profile (each with its sources); ``None`` where a dataset is not loaded."""

    raeume: pd.DataFrame
    gebiet: pd.DataFrame
    markt: pd.DataFrame | None
    bau: pd.DataFrame | None


def _areas_table(einwohner: pd.DataFrame | None, mss: pd.DataFrame | None,
                 entgelte: pd.DataFrame | None) -> pd.DataFrame:
    from .. import geo, workforce
    from ._profile import AGE_GROUPS
    from ._residents import _load, latest_residents

    rows = latest_residents(einwohner)
    rows = rows[rows["planungsraum_id"].isin(NUZ_PLANUNGSRAEUME)]
    names = geo.boundaries("planungsraum", None).set_index("planungsraum_id")["planungsraum"]
    out = pd.DataFrame({"planungsraum_id": rows["planungsraum_id"].to_numpy(),
                        "planungsraum": rows["planungsraum_id"].map(names).to_numpy(),
                        "kern": (rows["planungsraum_id"] == NUZ_CORE).to_numpy(),
                        "einwohner": rows["einwohner"].to_numpy()})
    for label, cols in AGE_GROUPS.items():
        out[f"ew_{label}"] = rows[list(cols)].sum(axis=1).to_numpy()
    inputs = [rows]
    for load_frame, fill in ((lambda: workforce.social_status(_load(mss, "mss"), district=None), _status),
                             (lambda: workforce.earnings(_load(entgelte, "entgelte_lor"), district=None), _pay)):
        try:
            frame = load_frame()
        except DataNotAvailableError:
            continue
        fill(out, frame)
        inputs.append(frame)
    order = {k: i for i, k in enumerate(NUZ_PLANUNGSRAEUME)}
    out = out.sort_values("planungsraum_id", key=lambda s: s.map(order), ignore_index=True)
    return with_sources(out, *inputs)


def _status(out: pd.DataFrame, status: pd.DataFrame) -> None:
    table = status.set_index("gebiet_id")
    out["status"] = out["planungsraum_id"].map(table["status"])
    out["dynamik"] = out["planungsraum_id"].map(table["dynamik"])


def _pay(out: pd.DataFrame, pay: pd.DataFrame) -> None:
    plr = pay[pay["ebene"] == "planungsraum"].set_index("gebiet_id")
    out["median_eur"] = out["planungsraum_id"].map(plr["median_eur"])


def _area_sum(raeume: pd.DataFrame, einwohner: pd.DataFrame | None) -> pd.DataFrame:
    """The NUZ area as one row against its Bezirk: residents, age shares, change (Bezirk level)."""
    from ._profile import AGE_GROUPS
    from ._residents import _load, latest_residents, previous_residents

    src = _load(einwohner, "einwohner_lor")
    latest = latest_residents(src)
    bezirk = latest[latest["bezirk_id"] == NUZ_CORE[:2]]
    rows = []
    for name, people, ages in (("NUZ-Umfeld (5 Planungsräume)", raeume["einwohner"].sum(),
                                {k: raeume[f"ew_{k}"].sum() for k in AGE_GROUPS}),
                               ("Bezirk", bezirk["einwohner"].sum(),
                                {k: bezirk[list(c)].sum(axis=1).sum() for k, c in AGE_GROUPS.items()})):
        total = sum(ages.values())
        rows.append({"gebiet": name, "einwohner": people, **{f"anteil_{k}": v / total * 100 for k, v in ages.items()}})
    out = pd.DataFrame(rows)
    before, level = previous_residents(src)
    out["jahr"] = int(latest["year"].iloc[0])
    if len(before):
        then = before.loc[before["bezirk_id"] == NUZ_CORE[:2], "einwohner"].sum()
        change = (bezirk["einwohner"].sum() / then - 1) * 100
        if level == "planungsraum":
            old = before[before["planungsraum_id"].isin(NUZ_PLANUNGSRAEUME)]["einwohner"].sum()
            out["veraenderung_pct"] = [(out.loc[0, "einwohner"] / old - 1) * 100, change]
        else:  # other LOR: only the Bezirk compares
            out["veraenderung_pct"] = [float("nan"), change]
        out["vergleichsjahr"] = int(before["year"].iloc[0])
        out["veraenderung_ebene"] = "Planungsräume" if level == "planungsraum" else "nur Bezirk (andere LOR)"
    return with_sources(out, latest)


def _market(markets: MarketAreas) -> pd.DataFrame:
    """Per NUZ Planungsraum: the Linden-Center's share and its strongest competitor."""
    shares = markets.shares[markets.shares["planungsraum_id"].isin(NUZ_PLANUNGSRAEUME)]
    linden = shares[shares["zentrum_id"] == NUZ_CENTRE].set_index("planungsraum_id")["anteil"]
    rivals = shares[shares["zentrum_id"] != NUZ_CENTRE].sort_values("anteil", ascending=False)
    best = rivals.drop_duplicates("planungsraum_id").set_index("planungsraum_id")
    out = pd.DataFrame({"planungsraum_id": list(NUZ_PLANUNGSRAEUME)})
    out["anteil_linden_center"] = out["planungsraum_id"].map(linden) * 100
    out["staerkster_wettbewerber"] = out["planungsraum_id"].map(best["zentrum"])
    out["anteil_wettbewerber"] = out["planungsraum_id"].map(best["anteil"]) * 100
    return with_sources(out, markets.shares)


def nuz_profile(*, einwohner: pd.DataFrame | None = None, mss: pd.DataFrame | None = None,
                entgelte: pd.DataFrame | None = None, markets: MarketAreas | None = None,
                baufertigstellungen: pd.DataFrame | None = None) -> NuzProfile:
    """The NUZ profile (module docstring): its Planungsräume, the area against the Bezirk, the
    Linden-Center's market shares there, and building completions in the Bezirk.

    ``bau`` is :func:`lichtenberg_data.land.completions` (new residential buildings) for the
    Bezirk and Berlin with the Bezirk's share of Berlin's new flats; completions are published
    per Bezirk only, so they say nothing about the NUZ area itself.
    """
    from .._cache import remembered

    if all(v is None for v in (einwohner, mss, entgelte, markets, baufertigstellungen)):  # from the loaded data: once per data state
        return remembered(_nuz_profile)  # a fixed area: the same whatever the district setting
    return _nuz_profile(einwohner, mss, entgelte, markets, baufertigstellungen)


def _nuz_profile(einwohner: pd.DataFrame | None = None, mss: pd.DataFrame | None = None,
                 entgelte: pd.DataFrame | None = None, markets: MarketAreas | None = None,
                 baufertigstellungen: pd.DataFrame | None = None) -> NuzProfile:
    """The work of :func:`nuz_profile`."""
    from ._huff import market_areas
    from ._residents import _load

    raeume = _areas_table(einwohner, mss, entgelte)
    gebiet = _area_sum(raeume, einwohner)
    try:
        markt = _market(markets if markets is not None else market_areas(NUZ_CORE[:2], einwohner=einwohner))
    except DataNotAvailableError:
        markt = None
    try:
        bau = building_activity(_load(baufertigstellungen, "baufertigstellungen"))
    except DataNotAvailableError:
        bau = None
    return NuzProfile(raeume, gebiet, markt, bau)


def building_activity(source: pd.DataFrame, district: str | None = NUZ_CORE[:2]) -> pd.DataFrame:
    """Flats completed in new residential buildings per year: the Bezirk, Berlin and the Bezirk's share."""
    from ..geo import district_id
    from ..land import completions

    flats = completions(source, "wohngebaeude")
    out = flats[flats["gebiet_id"].isin([district_id(district), "00"])].copy()
    berlin = out[out["gebiet_id"] == "00"].set_index("year")["wohnungen"]
    out["anteil_an_berlin_pct"] = out["wohnungen"] / out["year"].map(berlin) * 100
    return with_sources(out.reset_index(drop=True), flats)
