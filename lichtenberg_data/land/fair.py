"""Public and private measures in a district, for the investment fair (``lichtenberg-data vorhaben``).

:func:`measures` gathers what is being planned and built in a Bezirk, each with its source and
date: Bebauungspläne in procedure and those set in the last five years (``bebauungsplaene``),
the areas of urban development programmes in force (``foerdergebiete``), the curated commercial
areas (``curated/gewerbegebiete.csv``) and the construction backlog (``baufertigstellungen``:
approved, not yet completed; per Bezirk only, the report gives no Ortsteile). A dataset that is
not loaded becomes a German line naming the command that brings it, never an exception; rows
resting on generated sample data are marked. The A3 map and the xlsx list are written by
:mod:`lichtenberg_data.briefing.fair_map`; the briefing's Gewerbe section draws the same map.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd

from .._errors import DataNotAvailableError, LichtenbergDataError
from .._provenance import SAMPLE_NOTE, is_sample, source_note
from .._store import load
from ..geo import DEFAULT_DISTRICT, district_id
from ..names import BEZIRKE
from ._sites import Block, commercial_sites, format_number

__all__ = ["Measures", "measures", "COLUMNS", "KINDS", "YEARS"]

#: Plans set within this many years count as recent.
YEARS = 5
#: The columns of the list and their German headers.
COLUMNS = {"art": "Art", "name": "Name", "status": "Stand des Verfahrens / Zustand", "datum": "Datum",
           "datum_art": "Datum bezeichnet", "flaeche_ha": "Fläche (ha)", "anzahl": "Anzahl", "ortsteil": "Ortsteil",
           "beschreibung": "Inhalt / Beschreibung", "quelle": "Quelle", "beispieldaten": "Beispieldaten"}
#: Kinds of measure (``art``) in the order of the list and the map legend.
KINDS = ("Bebauungsplan im Verfahren", "Bebauungsplan festgesetzt", "Fördergebiet", "Gewerbegebiet",
         "Bauüberhang")
_HINT = {"bebauungsplaene": "lichtenberg-data refresh bebauungsplaene (oder import einer gespeicherten WFS-Antwort)",
         "foerdergebiete": "lichtenberg-data refresh foerdergebiete; Quartiersmanagement und Lebendige Zentren: "
                           "lichtenberg-data import foerdergebiete DATEI",
         "baufertigstellungen": "lichtenberg-data import baufertigstellungen SB_F02-02-00_*.xlsx"}


@dataclass
class Measures:
    """The measures of one district (see :func:`measures`).

    Attributes
    ----------
    rows
        The list: one row per measure with the columns of :data:`COLUMNS`.
    areas
        Polygons of the plans, programme areas and curated commercial areas (drawn as circles of
        their published size around a point in them), columns ``art`` (a :data:`KINDS` entry),
        ``name`` and ``nr`` (the number of a commercial area on the map), for the map.
    blocks
        One :class:`~lichtenberg_data.land._sites.Block` per source: figures, source line, or what is missing.
    backlog
        The backlog per Bezirk and year of the three kinds (``construction.backlog``), or ``None``.
    """

    district_id: str
    district: str
    rows: pd.DataFrame
    areas: Any  # GeoDataFrame, EPSG:25833
    blocks: list[Block] = field(default_factory=list)
    backlog: pd.DataFrame | None = None
    today: date = field(default_factory=date.today)
    #: Plans set on or after this day are listed.
    since: date = field(default_factory=date.today)
    #: The loaded tables the measures come from (their provenance makes the source line).
    sources: list[Any] = field(default_factory=list)

    @property
    def sample(self) -> bool:
        """Whether any row rests on generated sample data."""
        return any(b.sample for b in self.blocks)

    @property
    def missing(self) -> list[str]:
        """The German lines of the datasets that are not loaded."""
        return [line for b in self.blocks if b.missing for line in b.lines]


_Part = tuple[Block, pd.DataFrame, Any, Any]  # block, rows, shapes (or the backlog), the loaded frame


def _guard(title: str, dataset: str, make: Callable[[], _Part]) -> _Part:
    """``make()``; a dataset not loaded (or unusable) gives a block with one German line instead."""
    try:
        return make()
    except DataNotAvailableError:
        return Block(title, [f"{title} – Daten fehlen: {_HINT[dataset]}"], missing=dataset), _empty(), None, None
    except (LichtenbergDataError, KeyError, ValueError) as exc:
        return (Block(title, [f"{title}: nicht auswertbar ({str(exc).splitlines()[0][:140]}); {_HINT[dataset]}"],
                      missing=dataset), _empty(), None, None)


def _empty() -> pd.DataFrame:
    return pd.DataFrame(columns=list(COLUMNS))


def _finish(block: Block, frame: Any) -> Block:
    block.source = source_note(frame)
    block.sample = is_sample(frame)
    if block.sample and SAMPLE_NOTE not in block.source:
        block.source += f" – {SAMPLE_NOTE}"
    return block


def _ha(value: float) -> str:
    return format_number(value, 0 if value >= 10 else 1)


def _in_district(gdf: Any, key: str) -> Any:
    """Features of the Bezirk: by their Bezirk key, or (key unknown) by lying in its polygon."""
    own = gdf["bezirk_id"] == key
    unknown = gdf["bezirk_id"].isna()
    if unknown.any():
        try:
            from ..geo import boundaries

            shape = boundaries("bezirk", key).geometry.union_all()
            own |= unknown & gdf.geometry.representative_point().within(shape)
        except DataNotAvailableError:
            pass
    return gdf[own].copy()


def _ortsteile(gdf: Any) -> pd.Series:
    """The Ortsteil each feature's inner point lies in ("" where the Ortsteile are not loaded)."""
    import geopandas as gpd

    from ..geo import assign, boundaries

    if gdf.empty:
        return pd.Series([], dtype=object)
    try:
        areas = boundaries("ortsteil", None)
    except DataNotAvailableError:
        return pd.Series("", index=gdf.index)
    points = gpd.GeoDataFrame(geometry=gdf.geometry.representative_point(), crs=gdf.crs)
    return assign(points, "ortsteil", areas=areas)["ortsteil"].fillna("").astype(str).set_axis(gdf.index)


def _rows(gdf: Any, frame: Any, **columns: Any) -> pd.DataFrame:
    out = pd.DataFrame({c: columns.get(c, "") for c in COLUMNS}, index=gdf.index)
    out["quelle"] = source_note(frame)
    out["beispieldaten"] = "BEISPIELDATEN" if is_sample(frame) else ""
    return out


# --------------------------------------------------------------------------- the sources

def _plans(key: str, since: pd.Timestamp) -> _Part:
    plans = load("bebauungsplaene")
    own = _in_district(plans, key)
    running = own[own["layer"] == "im_verfahren"].assign(art=KINDS[0])
    recent = own[(own["layer"] == "festgesetzt") & (own["festgesetzt_am"] >= since)].assign(art=KINDS[1])
    chosen = pd.concat([running, recent])
    rows = _rows(chosen, plans, art=chosen["art"], name=(chosen["plan_id"] + " " + chosen["name"].where(
        chosen["name"] != chosen["plan_id"], "")).str.strip(), status=chosen["rechtsstand"].fillna(chosen["status"]),
        datum=chosen["festgesetzt_am"].where(chosen["art"] == KINDS[1], chosen["aufstellung_am"]),
        datum_art=chosen["art"].map({KINDS[1]: "Festsetzung", KINDS[0]: "Aufstellungsbeschluss"}),
        flaeche_ha=chosen["flaeche_ha"], ortsteil=_ortsteile(chosen), beschreibung=chosen["inhalt"].fillna(""))
    lines = [f"{len(running)} Bebauungspläne im Verfahren ({_ha(running['flaeche_ha'].sum())} ha)",
             f"{len(recent)} Bebauungspläne seit {since:%d.%m.%Y} festgesetzt ({_ha(recent['flaeche_ha'].sum())} ha)"]
    for i, layer in enumerate(("im_verfahren", "festgesetzt")):  # a layer not loaded is not "none"
        if layer not in set(plans["layer"]):
            lines[i] = (f"Bebauungspläne {'im Verfahren' if i == 0 else 'festgesetzt'}: Ebene nicht geladen "
                        "(lichtenberg-data refresh bebauungsplaene)")
    block = _finish(Block("Bebauungspläne", lines), plans)
    return block, rows, chosen[["art", "name", "geometry"]], plans


def _programmes(key: str) -> _Part:
    areas = load("foerdergebiete")
    own = _in_district(areas, key)
    own = own[(own["layer"] != "sanierung_aufgehoben") & own["aufgehoben_am"].isna()].assign(art=KINDS[2])
    rows = _rows(own, areas, art=KINDS[2], name=own["name"], status=own["programm"], datum=own["festgelegt_am"],
                 datum_art="Festlegung", flaeche_ha=own["flaeche_ha"], ortsteil=_ortsteile(own))
    counts = own.groupby("programm").size()
    lines = [f"{n} × {p}" for p, n in counts.items()] or ["keine Fördergebiete im Bezirk verzeichnet"]
    lines.append(f"zusammen {_ha(own['flaeche_ha'].sum())} ha")
    absent = sorted(set(areas.loc[areas["layer"].isin(["quartiersmanagement", "lebendige_zentren"]), "layer"]) ^
                    {"quartiersmanagement", "lebendige_zentren"})
    if absent:
        lines.append("nicht geladen: " + ", ".join({"quartiersmanagement": "Quartiersmanagement",
                                                    "lebendige_zentren": "Lebendige Zentren"}[a] for a in absent)
                     + " (lichtenberg-data import foerdergebiete DATEI)")
    return _finish(Block("Fördergebiete", lines), areas), rows, own[["art", "name", "geometry"]], areas


def _sites(key: str) -> _Part:
    import geopandas as gpd
    from pyproj import Transformer

    sites = commercial_sites()
    own = sites[sites["bezirk_id"] == key].reset_index(drop=True)
    if own.empty:
        return (Block("Gewerbegebiete", [f"Für {BEZIRKE[key]} sind keine Gewerbegebiete kuratiert "
                                         "(lichtenberg_data/curated/gewerbegebiete.csv)"]), _empty(), None, None)
    x, y = Transformer.from_crs("EPSG:4326", "EPSG:25833", always_xy=True).transform(own["lon"], own["lat"])
    radius = (own["flaeche_ha"] * 10_000 / 3.14159) ** 0.5
    shapes = gpd.GeoSeries(gpd.points_from_xy(x, y), crs="EPSG:25833").buffer(radius.to_numpy(), quad_segs=16)
    numbers = [str(i) for i in range(1, len(own) + 1)]  # the map shows numbers, the panel their names
    gdf = gpd.GeoDataFrame({"art": KINDS[3], "name": own["kurzname"], "nr": numbers}, geometry=shapes,
                           crs="EPSG:25833")
    rows = _rows(own, sites, art=KINDS[3], name=own["name"], status="kuratiert", flaeche_ha=own["flaeche_ha"],
                 ortsteil=own["ortsteil"], beschreibung=own["beschreibung"])
    rows["quelle"] = own["quelle"]  # each row has its own source
    lines = [f"{len(own)} benannte Gewerbegebiete, zusammen {_ha(own['flaeche_ha'].sum())} ha:"]
    lines += [f"{n}  {name} ({_ha(ha)} ha)" for n, name, ha in zip(numbers, own["kurzname"], own["flaeche_ha"])]
    block = Block("Gewerbegebiete", lines, source="Eigene Zusammenstellung, Quelle je Gebiet in der Liste")
    return block, rows, gdf, sites


def _backlog(key: str) -> _Part:
    from .construction import BACKLOG_KINDS, backlog

    bau = load("baufertigstellungen")
    tables = {kind: backlog(bau, kind) for kind in BACKLOG_KINDS}
    year = int(tables["wohnungen"]["year"].max())
    rows, lines = [], []
    for kind, table in tables.items():
        cur = table[(table["year"] == year) & (table["gebiet_id"] == key)].iloc[0]
        label = BACKLOG_KINDS[kind][2]
        rows.append({"art": KINDS[4], "name": label, "anzahl": cur["ueberhang"], "datum": cur["date"],
                     "datum_art": "Stichtag", "status": f"davon Neubau noch nicht begonnen: "
                     f"{format_number(cur['nicht_begonnen'])} von {format_number(cur['neubau'])}",
                     "ortsteil": "ganzer Bezirk (nach Ortsteilen nicht veröffentlicht)",
                     "beschreibung": "genehmigt, am Stichtag nicht fertiggestellt (einschl. Baumaßnahmen an "
                                     "bestehenden Gebäuden)"})
        lines.append(f"{label}: {format_number(cur['ueberhang'])}")
    lines.insert(0, f"Bauüberhang am 31.12.{year} (genehmigt, nicht fertiggestellt), je Bezirk:")
    frame = pd.DataFrame(rows).reindex(columns=list(COLUMNS)).fillna({"flaeche_ha": float("nan")})
    frame["quelle"] = source_note(bau)
    frame["beispieldaten"] = "BEISPIELDATEN" if is_sample(bau) else ""
    both = pd.concat([t.assign(art=BACKLOG_KINDS[k][2]) for k, t in tables.items()], ignore_index=True)
    return _finish(Block("Bauüberhang", lines), bau), frame, both, bau


def measures(district: Any = DEFAULT_DISTRICT, *, years: int = YEARS, today: date | None = None) -> Measures:
    """The public and private measures of a district for the investment fair.

    Parameters
    ----------
    district
        A Bezirk by name or key (default ``settings.district``).
    years
        Plans set within this many years before ``today`` are listed (default 5).
    today
        The day the list is made for (default today).

    Returns
    -------
    Measures
        The list (``rows``), the polygons for the map (``areas``), one block per source and the
        backlog tables. Missing datasets appear as German lines (``missing``), never as errors.

    Examples
    --------
    >>> m = measures("Marzahn-Hellersdorf")                                 # doctest: +SKIP
    >>> m.rows.query("art == 'Bauüberhang'")[["name", "anzahl"]].to_dict("records")[0]  # doctest: +SKIP
    {'name': 'Wohnungen in Wohngebäuden', 'anzahl': 5398.0}
    """
    import geopandas as gpd

    key = district_id(district)
    if key is None:
        raise ValueError("measures need one Bezirk, not all of Berlin")
    today = today or date.today()
    since = pd.Timestamp(today) - pd.DateOffset(years=years)
    parts = [_guard("Bebauungspläne", "bebauungsplaene", lambda: _plans(key, since)),
             _guard("Fördergebiete", "foerdergebiete", lambda: _programmes(key)),
             _sites(key),
             _guard("Bauüberhang", "baufertigstellungen", lambda: _backlog(key))]
    blocks = [p[0] for p in parts]
    rows = pd.concat([p[1] for p in parts if len(p[1])] or [_empty()], ignore_index=True)
    rows["flaeche_ha"] = pd.to_numeric(rows["flaeche_ha"], errors="coerce")
    rows["anzahl"] = pd.to_numeric(rows["anzahl"], errors="coerce")
    rows["datum"] = pd.to_datetime(rows["datum"], errors="coerce")
    order = rows["art"].map({k: i for i, k in enumerate(KINDS)})
    rows = rows.assign(_o=order).sort_values(["_o", "datum"], ascending=[True, False], kind="stable")
    rows = rows.drop(columns="_o").reset_index(drop=True)
    shapes = [p[2] for p in parts[:3] if p[2] is not None and len(p[2])]
    areas = gpd.GeoDataFrame(pd.concat(shapes, ignore_index=True), geometry="geometry", crs="EPSG:25833") if shapes \
        else gpd.GeoDataFrame({"art": [], "name": []}, geometry=[], crs="EPSG:25833")
    frames = [p[3] for p in parts if p[3] is not None]
    return Measures(key, BEZIRKE[key], rows, areas, blocks, parts[3][2], today, since.date(), frames)
