"""OpenStreetMap points of interest of Berlin (dataset ``osm_pois``), fetched politely from Overpass.

One Overpass request per category group (:data:`GROUPS`) for the whole of Berlin, each its
own raw file (``osm_<group>.json``, the answer exactly as Overpass sent it, ``out tags center``).
Overpass is asked by one request at a time, also across threads (:func:`lichtenberg_data._reach.one_at_a_time`).
Before each request the Overpass status is read and, while no slot is free, the announced
wait is kept; 429 and 5xx answers are retried after Retry-After or a backoff (``settings``),
a 429 without Retry-After after at least :data:`NO_RETRY_AFTER_WAIT` seconds, and the status
is read again before each retry; the User-Agent is ``settings.user_agent``. An answer whose
``remark`` says the query timed out or ran out of memory is partial and refused: nothing is stored.

The table has one row per object (an object found by two groups once), keyed by ``osm_type``
and ``osm_id`` (text, like every key of the toolkit), with its ``gruppe`` (classified from its
tags by the groups' rules, so a hand-saved export gets the same groups), ``datei_gruppe`` (the
group of the file it came from: whether a group was loaded at all - a restaurant tagged
``shop=bakery`` is ``gruppe`` lebensmittel, yet no food shops were asked for), the tag columns of
:mod:`lichtenberg_data.osm` plus ``tags`` (all tags as JSON), ``osm_stand`` (the answer's data
state), the point in EPSG:25833, and ``bezirk_id``/``planungsraum_id``/``planungsraum`` (LOR 2021)
from the position (empty outside Berlin's Planungsräume).
The Stand is the answers' ``osm3s.timestamp_osm_base`` (the oldest, where files differ).

Import by hand: ``lichtenberg-data import osm_pois FILE...`` with saved Overpass JSON answers (any
output form of :mod:`lichtenberg_data.osm`). A file belongs to the group most of its objects are
classified into by their tags (:func:`group_file`: restaurants and bars to Gastronomie, museums to
Tourismus und Kultur); a file whose objects fall in no group goes by its name (``mall``,
``lebensmittel``/``supermarket``/``food``, ``gastro``/``restaurant``, ``dienstleist``/``service``,
``touris``/``kultur``/``hotel``; any other name counts as ``osm_einzelhandel.json``). Several files
of one group in one import are kept together (``osm_gastronomie.json``, ``osm_gastronomie.2.json``)
and together replace the group's files stored before. Any subset of the groups makes a table (a
mirror may hold only some). Answers for a bounding box around Berlin are taken: objects outside
the Bezirke are dropped and reported per file; a file with most objects outside is refused (see
:mod:`lichtenberg_data.osm._files`). Needs the stored ``bezirke`` and ``lor_planungsraeume``.

GeoJSON exports of OSM objects (``*.geojson``, points with the tags as properties) are taken as
well, with the shop value of features lacking a ``shop`` tag given by the file name (e.g.
``supermarkets_raw.geojson``: ``shop=supermarket``, group ``lebensmittel``); see
:mod:`lichtenberg_data.osm._exports`. An export carries no data state: its rows have an
empty ``osm_stand``, and an Overpass answer of the same group replaces it.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from .. import _kept, catalog
from .._errors import DataNotAvailableError, DownloadError, FormatError
from .._reach import one_at_a_time
from ..catalog import LICENSES, Check, Dataset, Probe, Resource, Schema
from ..osm._exports import export_of, export_resources
from ..osm._overpass import NO_RETRY_AFTER_WAIT, retry_wait, slot_wait, status_url, wait_for_slot

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from .._http import Http

__all__ = ["OVERPASS_URL", "GROUPS", "Group", "overpass_query", "fetch_overpass", "wait_for_slot", "slot_wait",
           "parse_osm_pois", "classify", "group_file", "NO_RETRY_AFTER_WAIT"]

log = logging.getLogger("lichtenberg_data")

OVERPASS_URL = "https://overpass-api.de/api/interpreter"
one_at_a_time(OVERPASS_URL)  # never two requests at once, from any thread (the doctor's probes too)
#: Berlin's boundary relation (admin_level 4).
BERLIN_RELATION = 62422

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

    ``*.geojson`` names are GeoJSON exports (:mod:`lichtenberg_data.osm._exports`), never an Overpass answer.
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


def _group_of(resource: Resource) -> Group:
    name = Path(resource.name).stem.removeprefix("osm_")
    if name not in GROUPS:
        raise KeyError(f"{resource.name} is no osm_pois group file")
    return GROUPS[name]


def fetch_overpass(http: Http, resource: Resource, dest: Path) -> None:
    """Fetch one group of ``osm_pois`` from Overpass into ``dest`` (the answer as sent).

    The status is checked first (:func:`wait_for_slot`); the query goes as a POST ``data=``
    with ``settings.user_agent``, refused queries are retried after
    :func:`~lichtenberg_data.osm._overpass.retry_wait`; no
    other request goes to the Overpass host meanwhile, from any thread. The answer must be
    complete JSON with elements and a data state; a partial answer (timed out, out of memory)
    raises :class:`DownloadError`.
    """
    from ..osm import answer_timestamp, load_answer

    group = _group_of(resource)
    url = resource.url or OVERPASS_URL
    status = status_url(url)
    with one_at_a_time(url):
        wait_for_slot(http, status)
        body = http.post(url, data={"data": overpass_query(group)}, headers=dict(resource.headers),
                         allow_html=True, wait=retry_wait(http, status))
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


def group_file(path: Path) -> str | None:
    """The resource of an Overpass answer by the tags of its objects: ``osm_<group>.json`` of the
    group most of its objects are classified into (:func:`classify`; ties in the order of
    :data:`GROUPS`). ``None`` for a GeoJSON export, a file that is no readable answer, or one
    whose objects fall in no group: then its name decides (the resources' ``match``).

    The real answers of restaurants and of bars are ``osm_gastronomie.json``, the museums
    ``osm_tourismus_kultur.json``, whatever their names.
    """
    import pandas as pd

    from ..osm._geojson import is_feature_collection

    try:
        body = Path(path).read_bytes()
        if is_feature_collection(body):
            return None
        doc = json.loads(body)
    except (OSError, ValueError):
        return None
    elements = doc.get("elements") if isinstance(doc, dict) else None
    if not isinstance(elements, list):
        return None
    tags = [e["tags"] for e in elements if isinstance(e, dict) and isinstance(e.get("tags"), dict)]
    frame = pd.DataFrame({k: pd.Series([t.get(k) for t in tags], dtype=object) for k in ("shop", "amenity", "tourism")})
    counts = classify(frame).value_counts()
    ranked = sorted((g for g in GROUPS if counts.get(g, 0)), key=lambda g: -counts[g])
    return f"osm_{ranked[0]}.json" if ranked else None


def _read_file(path: Path, resource: str = "") -> pd.DataFrame:
    import pandas as pd

    from ..osm import answer_timestamp, elements_frame, load_answer
    from ..osm._geojson import is_feature_collection, read_export

    body = path.read_bytes()
    resource = osm_pois.resource_name(resource)  # osm_export_supermarket.2.geojson: a second supermarket export
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


_ORDER = ("osm_type", "osm_id", "gruppe", "datei_gruppe", "name", "shop", "amenity", "tourism", "brand", "operator",
          "addr_street", "addr_housenumber", "addr_postcode", "opening_hours", "website", "tags", "bezirk_id", "planungsraum_id",
          "planungsraum", "osm_stand", "geometry_source", "geometry")


def _answer_group(name: str) -> str | None:
    """The group of a stored Overpass answer (``osm_gastronomie.2.json``: ``gastronomie``)."""
    found = re.fullmatch(r"osm_([a-z_]+?)(?:\.\d+)?\.json", name)
    return found.group(1) if found and found.group(1) in GROUPS else None


def parse_osm_pois(files: Mapping[str, Path]) -> pd.DataFrame:
    """Parse saved Overpass answers (any number per group, or any export) into the ``osm_pois`` table.

    Objects outside Berlin (outside the stored Bezirke) are dropped, a file with most of them
    outside is refused (:mod:`lichtenberg_data.osm._files`). Files are read newest first (by data state); an
    object in several files is kept once, from the newest. An export of a group that has an
    Overpass answer gives nothing (the answer replaces it). Each file's kept and dropped
    objects are reported with :mod:`lichtenberg_data._kept`. Needs the stored Bezirke
    (``bezirke``) and LOR 2021 Planungsräume (``lor_planungsraeume``).
    """
    import geopandas as gpd
    import pandas as pd

    from ..osm._files import berlin_area, inside_berlin, report_kept

    answered = {g for name in files if (g := _answer_group(name))}
    read: list[tuple[Path, pd.DataFrame]] = []
    for name, path in files.items():
        export = export_of(osm_pois.resource_name(name))
        if export is not None and export.group in answered:  # an answer replaces an export
            _kept.drop(path, f"replaced by the Overpass answer of the group {export.group}",
                       len(_read_file(path, name)))
            _kept.kept(path, 0)
            continue
        frame = _read_file(path, name)
        frame["datei_gruppe"] = _answer_group(name) or (export.group if export is not None else None)
        read.append((path, frame))
    area = berlin_area()
    read = [(path, inside_berlin(frame, area, path)) for path, frame in read]
    read.sort(reverse=True, key=lambda pf: pf[1]["osm_stand"].iloc[0]
              if len(pf[1]) and pd.notna(pf[1]["osm_stand"].iloc[0]) else pd.Timestamp.min)
    frame = pd.concat([f.assign(_file=i) for i, (_, f) in enumerate(read)], ignore_index=True)
    duplicate = report_kept(frame, [path for path, _ in read])
    frame = frame[~duplicate].reset_index(drop=True)
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
    return (f"{outside} of {len(located)} objects inside the Bezirke lie in no stored Planungsraum: do the stored "
            "LOR Planungsräume cover all of Berlin?" if share > 0.05 else None)


osm_pois = catalog.register(Dataset(
    id="osm_pois",
    title="Geschäfte, Gastronomie, Dienstleistungen und Tourismus in Berlin (OpenStreetMap)",
    topic="retail",
    publisher="© OpenStreetMap-Mitwirkende",
    license=LICENSES["odbl"],
    landing_page="https://www.openstreetmap.org/copyright",
    resources=(*(Resource(name=f"osm_{g.name}.json", url=OVERPASS_URL, format="json", match=_match(g),
                          fetcher=fetch_overpass, optional=True, several=True,
                          probe=Probe(status_url(OVERPASS_URL), expect="any")) for g in GROUPS.values()),
               *export_resources()),
    resource_of=group_file,
    spatial_unit="Punkt (OSM-Objekt), Berlin",
    update="monthly",
    parser=parse_osm_pois,
    parser_version="2",
    schema=Schema(
        columns={"osm_type": "str", "osm_id": "str", "gruppe": "str", "datei_gruppe": "str", "name": "str",
                 "shop": "str", "amenity": "str", "tourism": "str", "brand": "str", "tags": "str", "bezirk_id": "str",
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
        "mapped twice (e.g. Ring-Center). Saved answers of one or several files per group are taken (a file's group "
        "by the tags of its objects), also for a bounding box around Berlin: objects outside the Bezirke are dropped "
        "and reported per file. Needs bezirke and lor_planungsraeume. Attribution required: "
        "© OpenStreetMap-Mitwirkende, ODbL."
    ),
))
