"""OpenStreetMap points of interest of Berlin (dataset ``osm_pois``), fetched politely from Overpass.

One Overpass request per category group (:data:`GROUPS`) for the whole of Berlin, each its
own raw file (``osm_<group>.json``, the answer exactly as Overpass sent it, ``out tags center``).
Before each request the Overpass status is read and, while no slot is free, the announced
wait is kept; 429 and 5xx answers are retried after Retry-After or a backoff (``settings``);
the User-Agent is ``settings.user_agent``. An answer whose ``remark`` says the query timed out
or ran out of memory is partial and refused: nothing is stored.

The table has one row per object (an object found by two groups once), keyed by ``osm_type``
and ``osm_id`` (text, like every key of the toolkit), with its ``gruppe`` (classified from its
tags by the groups' rules, so a hand-saved export gets the same groups), the tag columns of
:mod:`lichtenberg_data.osm` plus ``tags`` (all tags as JSON), ``osm_stand`` (the answer's data
state), the point in EPSG:25833, and ``bezirk_id``/``planungsraum_id``/``planungsraum`` (LOR 2021)
from the position (empty outside Berlin's Planungsräume).
The Stand is the answers' ``osm3s.timestamp_osm_base`` (the oldest, where files differ).

Import by hand: ``lichtenberg-data import osm_pois FILE...`` with saved Overpass JSON answers (any
output form of :mod:`lichtenberg_data.osm`). A file is matched to its group by name (``mall``,
``lebensmittel``/``supermarket``/``food``, ``gastro``/``restaurant``, ``dienstleist``/``service``,
``touris``/``kultur``/``hotel``); any other name counts as ``osm_einzelhandel.json``. Give each file
of one import its own group name: the import keeps one file per group. Any subset of the groups
makes a table (a mirror may hold only some).

GeoJSON exports of OSM objects (``*.geojson``, points with the tags as properties) are taken as
well, with the shop value of features lacking a ``shop`` tag given by the file name (e.g.
``supermarkets_raw.geojson``: ``shop=supermarket``, group ``lebensmittel``); see
:mod:`lichtenberg_data.sources._osm_exports`. An export carries no data state: its rows have an
empty ``osm_stand``, and an Overpass answer of the same group replaces it.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from .. import catalog
from .._errors import DataNotAvailableError, DownloadError, FormatError
from ..catalog import LICENSES, Check, Dataset, Resource, Schema
from ..settings import settings
from ._osm_exports import export_of, export_resources

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from .._http import Http

__all__ = ["OVERPASS_URL", "GROUPS", "Group", "overpass_query", "fetch_overpass", "wait_for_slot", "slot_wait",
           "parse_osm_pois", "classify"]

log = logging.getLogger("lichtenberg_data")

OVERPASS_URL = "https://overpass-api.de/api/interpreter"
#: Berlin's boundary relation (admin_level 4).
BERLIN_RELATION = 62422
#: Longest total wait for a free Overpass slot before giving up, and most status checks.
MAX_SLOT_WAIT = 600.0
MAX_STATUS_CHECKS = 20


@dataclass(frozen=True)
class Group:
    """A category group: one Overpass request and the rule that classifies an object into it.

    ``rules`` are (key, values) pairs; an object belongs to the group when one rule holds
    (its tag ``key`` has one of ``values``, or any value where ``values`` is empty) and, for
    ``shop`` rules, its shop value is not in ``shop_exclude``.
    """

    name: str
    title: str
    rules: tuple[tuple[str, tuple[str, ...]], ...]
    shop_exclude: tuple[str, ...] = ()
    pattern: str = ""


_FOOD = ("supermarket", "convenience", "bakery", "butcher", "greengrocer", "deli", "beverages", "alcohol", "wine",
         "confectionery", "pastry", "seafood", "cheese", "coffee", "tea", "health_food", "organic", "farm",
         "frozen_food", "chocolate", "spices", "dairy", "food", "nuts", "kiosk", "water", "ice_cream")
_SERVICE_SHOPS = ("hairdresser", "beauty", "massage", "tattoo", "piercing", "dry_cleaning", "laundry", "tailor",
                  "shoe_repair", "copyshop", "travel_agency", "funeral_directors", "pawnbroker", "money_lender",
                  "bookmaker", "lottery", "rental", "repair", "storage_rental", "ticket", "photo_studio")
_SERVICE_AMENITIES = ("bank", "bureau_de_change", "money_transfer", "post_office", "doctors", "dentist", "clinic",
                      "veterinary", "driving_school", "car_rental", "car_wash", "fuel", "internet_cafe",
                      "coworking_space")
_GASTRO = ("restaurant", "cafe", "fast_food", "bar", "pub", "biergarten", "ice_cream", "food_court", "nightclub")
_TOURISM = ("hotel", "hostel", "guest_house", "apartment", "motel", "camp_site", "caravan_site", "chalet",
            "attraction", "museum", "gallery", "viewpoint", "zoo", "theme_park", "aquarium")
_CULTURE = ("theatre", "cinema", "arts_centre", "planetarium", "music_venue", "events_venue", "exhibition_centre",
            "conference_centre")

#: The groups, in the order an object is classified (first rule that holds wins).
GROUPS: dict[str, Group] = {g.name: g for g in (
    Group("einkaufszentren", "Einkaufszentren", (("shop", ("mall",)),), pattern=r"einkaufszentr|mall"),
    Group("tourismus_kultur", "Tourismus und Kultur", (("tourism", _TOURISM), ("amenity", _CULTURE)),
          pattern=r"touris|kultur|cultur|hotel"),
    Group("lebensmittel", "Supermärkte und Lebensmittelhandel", (("shop", _FOOD), ("amenity", ("marketplace",))),
          pattern=r"lebensmittel|supermar|food"),
    Group("einzelhandel", "Einzelhandel (übrige Geschäfte)", (("shop", ()), ("amenity", ("pharmacy",))),
          shop_exclude=("mall", *_FOOD, *_SERVICE_SHOPS), pattern=""),
    Group("dienstleistungen", "Dienstleistungen", (("shop", _SERVICE_SHOPS), ("amenity", _SERVICE_AMENITIES)),
          pattern=r"dienstleist|service"),
    Group("gastronomie", "Gastronomie", (("amenity", _GASTRO),), pattern=r"gastro|restaurant"),
)}
_OTHERS = "|".join(g.pattern for g in GROUPS.values() if g.pattern)


def _match(group: Group) -> str:
    """The file-name pattern of a group's resource; ``einzelhandel`` takes every other name.

    ``*.geojson`` names are GeoJSON exports (:mod:`._osm_exports`), never an Overpass answer.
    """
    return rf"^(?!.*\.geojson$).*({group.pattern})" if group.pattern else rf"^(?!.*\.geojson$)(?!.*({_OTHERS})).*"


def overpass_query(group: Group, *, timeout: int = 180) -> str:
    """The Overpass QL of one group for the whole of Berlin (``out tags center``).

    Examples
    --------
    >>> print(overpass_query(GROUPS["einkaufszentren"]))
    [out:json][timeout:180];
    rel(62422);map_to_area->.berlin;
    (
      nwr["shop"="mall"](area.berlin);
    );
    out tags center;
    """
    lines = []
    for key, values in group.rules:
        if not values:
            cond = f'["{key}"]'
            if key == "shop" and group.shop_exclude:
                cond += f'["shop"!~"^({"|".join(group.shop_exclude)})$"]'
        elif len(values) == 1:
            cond = f'["{key}"="{values[0]}"]'
        else:
            cond = f'["{key}"~"^({"|".join(values)})$"]'
        lines.append(f"  nwr{cond}(area.berlin);")
    body = "\n".join(lines)
    return (f"[out:json][timeout:{timeout}];\nrel({BERLIN_RELATION});map_to_area->.berlin;\n(\n{body}\n);\n"
            "out tags center;")


# =========================================================================== politeness

def slot_wait(status: str) -> float | None:
    """Seconds until an Overpass slot is free, from the text of ``/api/status``.

    ``0`` when a slot is free now (or there is no rate limit), the shortest announced wait
    otherwise, ``None`` when the text is not a status page.

    Examples
    --------
    >>> slot_wait("Rate limit: 2\\n2 slots available now.\\n")
    0.0
    >>> slot_wait("Rate limit: 2\\nSlot available after: 2026-10-01T06:00:37Z, in 37 seconds.\\n"
    ...           "Slot available after: 2026-10-01T06:01:05Z, in 65 seconds.\\n")
    37.0
    """
    limit = re.search(r"Rate limit:\s*(\d+)", status)
    free = re.search(r"(\d+) slots? available now", status)
    waits = [float(s) for s in re.findall(r"Slot available after:[^\n]*?in (-?\d+) seconds?", status)]
    if (limit and int(limit.group(1)) == 0) or (free and int(free.group(1)) > 0):
        return 0.0
    if waits:
        return max(min(waits), 0.0)
    return None


def wait_for_slot(http: Http, status_url: str) -> None:
    """Wait until the Overpass status announces a free slot for this address.

    A status page that cannot be read is logged and the request goes ahead (a 429 is still
    retried). Raises :class:`DownloadError` when no slot came free within
    :data:`MAX_SLOT_WAIT` seconds or :data:`MAX_STATUS_CHECKS` checks.
    """
    waited = 0.0
    for _ in range(MAX_STATUS_CHECKS):
        try:
            resp = http.session.get(status_url, timeout=(min(10.0, settings.timeout), settings.timeout))
            text = resp.text if resp.status_code == 200 else ""
        except Exception as exc:  # noqa: BLE001 - the status is a courtesy; the request itself reports errors
            log.warning("Overpass status %s not readable (%s); going ahead", status_url, type(exc).__name__)
            return
        wait = slot_wait(text)
        if wait is None:
            log.warning("Overpass status %s not understood (HTTP %s); going ahead", status_url, resp.status_code)
            return
        if wait == 0:
            return
        if waited + wait > MAX_SLOT_WAIT:
            break
        log.info("Overpass: no free slot, waiting %.0f s as the status page announces", wait)
        time.sleep(wait + settings.backoff)
        waited += wait + settings.backoff
    raise DownloadError(f"the Overpass API had no free slot for this address after {waited:.0f} s of waiting "
                        f"({status_url}). Try again later")


def _group_of(resource: Resource) -> Group:
    name = Path(resource.name).stem.removeprefix("osm_")
    if name not in GROUPS:
        raise KeyError(f"{resource.name} is no osm_pois group file")
    return GROUPS[name]


def fetch_overpass(http: Http, resource: Resource, dest: Path) -> None:
    """Fetch one group of ``osm_pois`` from Overpass into ``dest`` (the answer as sent).

    The status is checked first (:func:`wait_for_slot`); the query goes as a POST ``data=``
    with ``settings.user_agent``. The answer must be complete JSON with elements and a data
    state; a partial answer (timed out, out of memory) raises :class:`DownloadError`.
    """
    from ..osm import answer_timestamp, load_answer

    group = _group_of(resource)
    url = resource.url or OVERPASS_URL
    wait_for_slot(http, url.rsplit("/", 1)[0] + "/status")
    body = http.post(url, data={"data": overpass_query(group)}, headers=dict(resource.headers), allow_html=True)
    what = f"the Overpass answer for {group.title}"
    try:
        doc = load_answer(body, what=what)
    except FormatError as exc:
        if "partial" in str(exc):
            raise DownloadError(str(exc)) from None
        raise
    if not doc["elements"]:
        raise DownloadError(f"{what} has no elements: the query or the Berlin area failed on the server")
    if answer_timestamp(doc) is None:
        raise FormatError(f"{what} has no osm3s.timestamp_osm_base (data state)")
    dest.write_bytes(body)


# =========================================================================== parser

def classify(df: pd.DataFrame) -> pd.Series:
    """The group of each object from its ``shop``/``amenity``/``tourism`` tags (else ``sonstige``)."""
    import numpy as np
    import pandas as pd

    conditions = []
    for group in GROUPS.values():
        mask = np.zeros(len(df), dtype=bool)
        for key, values in group.rules:
            col = df[key]
            hit = col.notna().to_numpy() if not values else col.isin(values).to_numpy()
            if key == "shop" and group.shop_exclude:
                hit = hit & ~col.isin(group.shop_exclude).to_numpy()
            mask |= hit
        conditions.append(mask)
    labels = np.select(conditions, list(GROUPS), default="sonstige")
    return pd.Series(labels, index=df.index, dtype=object)


def _read_file(path: Path, resource: str = "") -> pd.DataFrame:
    import pandas as pd

    from .._osm_export import is_feature_collection, read_export
    from ..osm import answer_timestamp, elements_frame, load_answer

    body = path.read_bytes()
    if resource.endswith(".geojson") or is_feature_collection(body):
        export = export_of(resource)
        frame = read_export(body, shop=export.shop if export else None, what=path.name)
        stamp = frame.attrs.get("osm_base")
        frame["osm_stand"] = _naive(stamp) if stamp else pd.NaT
        return _tagged(frame, path.name)
    doc = load_answer(body, what=path.name)
    stamp = answer_timestamp(doc)
    if stamp is None:
        raise FormatError(f"{path.name} has no osm3s.timestamp_osm_base: the data state (Stand) of the answer is "
                          "unknown. Import the answer as Overpass sent it")
    frame = elements_frame(doc["elements"], all_tags=True, what=path.name)
    frame["osm_stand"] = _naive(stamp)
    return frame


def _place(frame: pd.DataFrame) -> pd.DataFrame:
    """Add Bezirk and LOR 2021 Planungsraum from the position."""
    from .. import geo

    try:
        areas = geo.boundaries("planungsraum", district=None)
    except DataNotAvailableError:
        raise DataNotAvailableError(
            "the LOR 2021 Planungsräume, needed to place each object in its Bezirk and Planungsraum, are not "
            "loaded here: run `lichtenberg-data refresh lor_planungsraeume` (or import them) first",
            dataset="lor_planungsraeume") from None
    placed = geo.assign(frame, "planungsraum", areas=areas)
    frame["planungsraum_id"] = placed["planungsraum_id"].astype(object).where(placed["planungsraum_id"].notna(), None)
    frame["planungsraum"] = placed["planungsraum"].astype(object).where(placed["planungsraum"].notna(), None)
    frame["bezirk_id"] = frame["planungsraum_id"].str[:2]
    return frame


def _naive(stamp: str) -> pd.Timestamp:
    """A data state as a timestamp without time zone (UTC)."""
    import pandas as pd

    value = pd.Timestamp(stamp)
    return value.tz_convert(None) if value.tzinfo else value


def _tagged(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    """Refuse an export whose objects carry no classifying tag and whose file name gives none."""
    bare = frame[["shop", "amenity", "tourism"]].isna().all(axis=1)
    if bare.any():
        raise FormatError(f"{int(bare.sum())} of {len(frame)} objects of {name} carry no shop, amenity or tourism tag: "
                          "name the file after what it holds (e.g. supermarkets.geojson, see "
                          "`lichtenberg-data info osm_pois`)")
    return frame


_ORDER = ("osm_type", "osm_id", "gruppe", "name", "shop", "amenity", "tourism", "brand", "operator", "addr_street",
          "addr_housenumber", "addr_postcode", "opening_hours", "website", "tags", "bezirk_id", "planungsraum_id",
          "planungsraum", "osm_stand", "geometry_source", "geometry")


def parse_osm_pois(files: Mapping[str, Path]) -> pd.DataFrame:
    """Parse saved Overpass answers (one per group, or any export) into the ``osm_pois`` table.

    Files are read newest first (by data state); an object in several files is kept once,
    from the newest. Needs the stored LOR 2021 Planungsräume (``lor_planungsraeume``).
    """
    import geopandas as gpd
    import pandas as pd

    answered = {name.removeprefix("osm_").removesuffix(".json") for name in files if name.endswith(".json")}
    files = {name: path for name, path in files.items()
             if export_of(name) is None or export_of(name).group not in answered}  # an answer replaces an export
    frames = sorted((_read_file(p, name) for name, p in files.items()), reverse=True,
                    key=lambda f: f["osm_stand"].iloc[0] if len(f) and pd.notna(f["osm_stand"].iloc[0])
                    else pd.Timestamp.min)
    frame = pd.concat(frames, ignore_index=True)
    frame = frame.drop_duplicates(["osm_type", "osm_id"], keep="first").reset_index(drop=True)
    frame["osm_id"] = frame["osm_id"].astype(str)  # keys are text (as every *_id of the toolkit)
    frame["gruppe"] = classify(frame)
    frame = _place(frame)
    return gpd.GeoDataFrame(frame[list(_ORDER)], geometry="geometry", crs=frame.crs)


def _stand(df: pd.DataFrame) -> date | None:
    known = df["osm_stand"].dropna()
    return known.min().date() if len(known) else None


def _inside_berlin(df: pd.DataFrame) -> str | None:
    located = df[df.geometry.notna()]
    outside = int(located["planungsraum_id"].isna().sum())
    share = outside / max(len(located), 1)
    return (f"{outside} of {len(located)} objects lie outside Berlin's Planungsräume: is this an answer for Berlin?"
            if share > 0.05 else None)


osm_pois = catalog.register(Dataset(
    id="osm_pois",
    title="Geschäfte, Gastronomie, Dienstleistungen und Tourismus in Berlin (OpenStreetMap)",
    topic="retail",
    publisher="© OpenStreetMap-Mitwirkende",
    license=LICENSES["odbl"],
    landing_page="https://www.openstreetmap.org/copyright",
    resources=(*(Resource(name=f"osm_{g.name}.json", url=OVERPASS_URL, format="json", match=_match(g),
                          fetcher=fetch_overpass, optional=True) for g in GROUPS.values()),
               *export_resources()),
    spatial_unit="Punkt (OSM-Objekt), Berlin",
    update="monthly",
    parser=parse_osm_pois,
    schema=Schema(
        columns={"osm_type": "str", "osm_id": "str", "gruppe": "str", "name": "str", "shop": "str",
                 "amenity": "str", "tourism": "str", "brand": "str", "tags": "str", "bezirk_id": "str",
                 "planungsraum_id": "str", "osm_stand": "date", "geometry_source": "str", "geometry": "geometry"},
        key=("osm_type", "osm_id"),
        checks=(Check("objects in Berlin", _inside_berlin),),
    ),
    source_title="OpenStreetMap-Daten (Overpass API)",
    reference_date=_stand,
    description=(
        "Shops, shopping centres, food retail, gastronomy, services, tourism and culture in Berlin from "
        "OpenStreetMap, one Overpass request per group (out tags center; point = node position or the centre "
        "Overpass computes for ways and relations). Coverage depends on OSM mappers: some centres are missing or "
        "mapped twice (e.g. Ring-Center). Attribution required: © OpenStreetMap-Mitwirkende, ODbL."
    ),
))
