"""The figures of a site exposé (``ld.land.site_profile``): what the open data say about one commercial site.

:func:`site_profile` takes a site (see :func:`lichtenberg_data.land._sites.resolve`) and gathers
one :class:`~lichtenberg_data.land._sites.Block` per topic: every block has its figures as German
lines and its source line; a dataset that is not loaded gives a German line naming the import
command instead (never an exception). The PDF page is laid out by
:func:`lichtenberg_data.briefing.expose.write`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from .._errors import DataNotAvailableError, LichtenbergDataError
from .._provenance import SAMPLE_NOTE, is_sample, source_note
from .._store import load
from ._sites import Block, centre, format_number, resolve

__all__ = ["SiteProfile", "site_profile", "RING_M"]

RING_M = 1000.0
_IMPORT_HINT = "lichtenberg-data import {ds} DATEI (lichtenberg-data info {ds} nennt die Dateien)"


@dataclass
class SiteProfile:
    """A site and its figures (see :func:`site_profile`)."""

    name: str
    description: str
    site_source: str
    geometry: Any  # shapely geometry, EPSG:25833
    lon: float
    lat: float
    planungsraum_ids: list[str]
    blocks: list[Block]
    businesses: pd.DataFrame | None = None  # points within the ring, for the map

    @property
    def sample(self) -> bool:
        """Whether any figure rests on generated sample data."""
        return any(b.sample for b in self.blocks)


# --------------------------------------------------------------------------- blocks

def _guard(title: str, dataset: str, make: Callable[[], Block]) -> Block:
    """``make()``; a missing dataset or an unusable table gives a block with a German line instead."""
    try:
        return make()
    except DataNotAvailableError as exc:
        ds = getattr(exc, "dataset", None) or dataset
        return Block(title, [f"{title} fehlt: {_IMPORT_HINT.format(ds=ds)}"], missing=ds)
    except (LichtenbergDataError, KeyError, ValueError) as exc:
        return Block(title, [f"{title}: nicht berechenbar ({str(exc).splitlines()[0][:120]})"])


def _finish(block: Block, *frames: Any) -> Block:
    block.source = source_note(*frames)
    block.sample = is_sample(*frames)
    return block


def _n(value: Any) -> str:
    return format_number(value, 0)


def _businesses(geom: Any, stand: Any) -> tuple[Block, pd.DataFrame]:
    import shapely

    from ..business import GROUPS, nearby

    lon, lat = centre(geom)
    reach = max(shapely.hausdorff_distance(geom.centroid, geom.boundary), 0) + RING_M
    near = nearby(lon, lat, reach + 50, stand=stand)
    from pyproj import Transformer

    x, y = Transformer.from_crs("EPSG:4326", "EPSG:25833", always_xy=True).transform(
        near["longitude"].to_numpy(float), near["latitude"].to_numpy(float))
    pts = shapely.points(x, y)
    near["im_gebiet"] = shapely.contains(geom, pts)
    near["im_ring"] = shapely.contains(geom.buffer(RING_M), pts)
    near = near[near["im_ring"]].reset_index(drop=True)
    inside, ring = near[near["im_gebiet"]], near
    stand_text = pd.Timestamp(near.attrs["provenance"][0]["reference_date"]).strftime("%m/%Y") if len(near.attrs.get(
        "provenance", [])) else ""
    lines = [f"Betriebe im Gebiet: {_n(len(inside))}; im Gebiet und bis 1 km: {_n(len(ring))} (IHK-Register {stand_text})"]
    top = ring["abschnitt"].fillna("?").value_counts().head(4)
    labels = GROUPS["abschnitt"][1]
    lines.append("Größte Wirtschaftsabschnitte (bis 1 km): " + "; ".join(
        f"{labels.get(k, k)} {_n(v)}" for k, v in top.items()))
    sizes = ring["groesse"].value_counts()
    lines.append("Größe (bis 1 km): " + "; ".join(
        f"{GROUPS['groesse'][1][k]} {_n(sizes[k])}" for k in GROUPS["groesse"][1] if k in sizes))
    return _finish(Block("Unternehmen", lines), near), near


def _dynamics_block(plr_ids: list[str]) -> Block:
    from ..business import ENTRY_NOTE, dynamics, months

    have = months()
    if not have:
        raise DataNotAvailableError("no months", dataset="ihk_gewerbedaten")
    d = dynamics("planungsraum", start=have[-12] if len(have) >= 12 else have[0])
    d = d[d["planungsraum_id"].isin(plr_ids) & d["vormonat"].notna()]
    if d.empty:
        return _finish(Block("Zu- und Abgänge", ["Zu- und Abgänge: für diese Planungsräume liegen keine zwei Monate vor"]), d)
    first, last = (f"{m[5:]}/{m[:4]}" for m in (d["stand"].min(), d["stand"].max()))
    z, a = int(d["zugaenge"].sum()), int(d["abgaenge"].sum())
    lines = [f"Zu- und Abgänge {first} bis {last} in den Planungsräumen des Standorts ({', '.join(plr_ids)}): "
             f"{_n(z)} Zugänge, {_n(a)} Abgänge, Saldo {format_number(z - a, 0, sign=True)}",
             f"Hinweis: {ENTRY_NOTE}."]
    return _finish(Block("Zu- und Abgänge (letzte 12 Monate)", lines), d)


def _land_value_block(geom: Any, bezirk: str | None) -> Block:
    zones = load("bodenrichtwert_zonen")
    hit = zones[zones.intersects(geom)]
    lines = []
    if hit.empty:
        lines.append("Keine Bodenrichtwertzone schneidet das Gebiet")
    for _, z in hit.sort_values("brw_eur_m2", ascending=False).head(3).iterrows():
        lines.append(f"Zone {z['brw_nummer']}: {z['nutzung']}, {_n(z['brw_eur_m2'])} €/m² (Stichtag "
                     f"{pd.Timestamp(z['stichtag']):%d.%m.%Y})")
    frames: list[Any] = [zones]
    try:
        history = load("bodenrichtwerte")
        frames.append(history)
    except DataNotAvailableError:
        lines.append(f"Entwicklung der Bodenrichtwerte fehlt: {_IMPORT_HINT.format(ds='bodenrichtwerte')}")
        return _finish(Block("Bodenrichtwerte", lines), *frames)
    if not is_sample(zones):  # a zone's trend: its number in the editions (sample zones match no real number)
        trend = history[history["brw_nummer"].isin(set(hit["brw_nummer"]))].sort_values("year")
        for number, rows in trend.groupby("brw_nummer"):
            pts = rows.drop_duplicates("year").set_index("year")["brw_eur_m2"]
            if len(pts) > 1:
                lines.append(f"Zone {number}: {_n(pts.iloc[0])} €/m² ({pts.index[0]}) → {_n(pts.iloc[-1])} €/m² "
                             f"({pts.index[-1]})")
    lines.append(_district_trend(history, bezirk))
    return _finish(Block("Bodenrichtwerte", lines), *frames)


def _district_trend(history: pd.DataFrame, key: str | None) -> str:
    """The median of the commercial zones of the site's Bezirk (as ``land.land_values`` counts them:
    zones of the 40000 series included), first and latest Stichtag."""
    from ..names import BEZIRKE

    zones = history[history["gewerbe"] & ((history["bezirk_id"] == key) if key else True)]
    stats = zones.groupby("year")["brw_eur_m2"].agg(["median", "size"]).sort_index()
    where = BEZIRKE.get(key, "Berlin") if key else "Berlin"
    (y0, first), (y1, last) = next(stats.iterrows()), list(stats.iterrows())[-1]
    return (f"Gewerbezonen {where}: Median {_n(first['median'])} €/m² ({y0}, {int(first['size'])} Zonen) → "
            f"{_n(last['median'])} €/m² ({y1}, {int(last['size'])} Zonen)")


def _residents_block(lon: float, lat: float) -> Block:
    from ..geo import within
    from ..workforce import working_age

    ew = load("einwohner_lor")
    wa = working_age(ew, level="planungsraum", district=None)
    latest = wa[wa["year"] == wa["year"].max()].rename(columns={"gebiet_id": "planungsraum_id"})
    got = within(pd.DataFrame({"longitude": [lon], "latitude": [lat]}), [1000, 3000], latest,
                 ["einwohner", "einwohner_15_65"]).iloc[0]
    year = int(latest["year"].max())
    lines = [f"Einwohner/innen bis 1 km: {_n(got['einwohner_1000m'])}, davon 15 bis unter 65 Jahre "
             f"{_n(got['einwohner_15_65_1000m'])}",
             f"Einwohner/innen bis 3 km: {_n(got['einwohner_3000m'])}, davon 15 bis unter 65 Jahre "
             f"{_n(got['einwohner_15_65_3000m'])} (31.12.{year}; aus den Planungsräumen nach Flächenanteil geschätzt)"]
    return _finish(Block("Bevölkerung im Umkreis", lines), ew)


def _surrounding(geom: Any) -> list[str]:
    from ..geo import boundaries

    plr = boundaries("planungsraum", None)
    return sorted(plr.loc[plr.intersects(geom.buffer(RING_M)), "planungsraum_id"])


def _earnings_block(ids: list[str]) -> Block:
    from ..workforce import earnings

    e = earnings(load("entgelte_lor"), level="planungsraum", district=None)
    e = e[(e["ebene"] == "planungsraum") & e["gebiet_id"].isin(ids)].dropna(subset=["median_eur"])
    if e.empty:
        return _finish(Block("Einkommen", ["Medianentgelt: für die umliegenden Planungsräume nicht ausgewiesen"]), e)
    lines = [f"Medianentgelt Vollzeit am Wohnort in den {len(e)} umliegenden Planungsräumen: "
             f"{_n(e['median_eur'].min())} bis {_n(e['median_eur'].max())} EUR im Monat "
             f"(Stand {pd.Timestamp(e['date'].max()):%d.%m.%Y})"]
    return _finish(Block("Einkommen", lines), e)


def _gigabit_block(ids: list[str]) -> Block:
    gv = load("gigabit_versorgung")
    rows = gv[(gv["stufe"] == "ist") & (gv["technologie"] == "gigabit") & gv["planungsraum_id"].isin(ids)]
    rows = rows[rows["date"] == rows["date"].max()].dropna(subset=["anteil_prozent"])
    total = (rows["einheiten"] / rows["anteil_prozent"].where(rows["anteil_prozent"] > 0) * 100).sum()
    share = rows["einheiten"].sum() / total * 100 if total else float("nan")
    lines = [f"Gigabitfähig versorgte Wohn- und Gewerbeeinheiten in den umliegenden Planungsräumen: "
             f"{format_number(share, 1)} % (Stand {pd.Timestamp(rows['date'].max()):%m/%Y})"]
    return _finish(Block("Gigabit-Versorgung", lines), gv)


# --------------------------------------------------------------------------- the profile

def site_profile(site: Any = None, *, plr: Sequence[str] | None = None, point: tuple[float, float] | None = None,
                 radius_m: float | None = None, stand: Any = None) -> SiteProfile:
    """The figures of a one-page site exposé for the investment fair.

    Parameters
    ----------
    site
        A name of :func:`commercial_sites` (``"Herzbergstraße"``, ``"Pablo-Picasso-Straße"``; a named
        area is drawn as a circle of its published size around a point in it), or a polygon file
        (GeoJSON, GML, GeoPackage, zipped shapefile).
    plr
        Instead: Planungsraum ids (LOR 2021) whose union is the site.
    point, radius_m
        Instead: a WGS84 point ``(lon, lat)`` and a radius in metres (default 500).
    stand
        The month of the IHK register (default the latest).

    Returns
    -------
    SiteProfile
        Name, geometry (EPSG:25833), Planungsräume, and one block per topic (businesses inside and
        within 1 km by section and size; entries and exits of the last 12 months; land-value zones
        and their trend; residents and working-age residents within 1 and 3 km; median earnings and
        gigabit share of the surrounding Planungsräume), each with its source line. A dataset that is
        not loaded gives a German line naming the import command. Write the page with
        ``ld.briefing.expose.write(profile, "expose.pdf")`` or ``lichtenberg-data expose``.
    """
    info = resolve(site, plr, point, radius_m)
    geom = info["geometry"]
    lon, lat = centre(geom)
    blocks: list[Block] = []
    holder: dict[str, pd.DataFrame] = {}

    def businesses() -> Block:
        block, holder["near"] = _businesses(geom, stand)
        return block

    blocks.append(_guard("Unternehmen", "ihk_gewerbedaten", businesses))
    try:
        around = _surrounding(geom)
    except DataNotAvailableError:
        around = list(info["plr"])
    own = info["plr"] or around
    blocks.append(_guard("Zu- und Abgänge", "ihk_gewerbedaten", lambda: _dynamics_block(own)))
    bezirk = own[0][:2] if own else None
    blocks.append(_guard("Bodenrichtwerte", "bodenrichtwert_zonen", lambda: _land_value_block(geom, bezirk)))
    blocks.append(_guard("Bevölkerung im Umkreis", "einwohner_lor", lambda: _residents_block(lon, lat)))
    blocks.append(_guard("Einkommen", "entgelte_lor", lambda: _earnings_block(around)))
    blocks.append(_guard("Gigabit-Versorgung", "gigabit_versorgung", lambda: _gigabit_block(around)))
    for b in blocks:
        if b.sample:
            b.source += "" if SAMPLE_NOTE in b.source else f" – {SAMPLE_NOTE}"
    return SiteProfile(info["name"], info["description"], info["source"], geom, lon, lat, list(own), blocks,
                       holder.get("near"))
