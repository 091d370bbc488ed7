"""The catalogue: every dataset the toolkit knows is declared here once.

A :class:`Dataset` says where the data come from (publisher, licence, landing page, one or
more :class:`Resource` to download), what area unit it describes, how often it changes, how to
parse its raw files and which :class:`Schema` the parsed table must satisfy. Topic modules in
:mod:`lichtenberg_data.sources` declare their datasets with :func:`register`; everything else
(refresh, import, load, status, the demo mirror) finds them through :func:`get` and :func:`datasets`.

>>> from lichtenberg_data import catalog
>>> catalog.get("einwohner_lor").publisher
'Amt für Statistik Berlin-Brandenburg'
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._errors import UnknownDatasetError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "License", "Resource", "WFS", "Probe", "Schema", "Check", "Dataset", "register", "get", "datasets",
    "ids", "table", "LICENSES", "RHYTHMS",
]

#: Source modules that declare datasets, imported on first use of the catalogue.
SOURCE_MODULES = ("population", "geography", "social_monitoring", "social_atlas", "jobsuche", "labour",
                  "business", "land_values", "construction", "broadband", "registrations", "land_use",
                  "culture", "rentals", "accommodation", "earnings", "osm", "zentren", "planning", "schools",
                  "forecast")


@dataclass(frozen=True)
class License:
    """A licence: short id (as shown in source lines), full name and URL."""

    id: str
    name: str
    url: str


LICENSES: dict[str, License] = {
    "cc-by-3.0-de": License("CC BY 3.0 DE", "Creative Commons Namensnennung 3.0 Deutschland",
                            "https://creativecommons.org/licenses/by/3.0/de/"),
    "dl-de-zero-2.0": License("dl-de/zero-2.0", "Datenlizenz Deutschland – Zero – Version 2.0",
                              "https://www.govdata.de/dl-de/zero-2-0"),
    "dl-de-by-2.0": License("dl-de/by-2.0", "Datenlizenz Deutschland – Namensnennung – Version 2.0",
                            "https://www.govdata.de/dl-de/by-2-0"),
    "cc0": License("CC0 1.0", "Creative Commons Zero 1.0 Universal",
                   "https://creativecommons.org/publicdomain/zero/1.0/"),
    "odbl": License("ODbL 1.0", "Open Data Commons Open Database License 1.0",
                    "https://opendatacommons.org/licenses/odbl/1-0/"),
    "ba-statistik": License("© Statistik der BA", "Nutzungsbedingungen der Statistik der Bundesagentur für Arbeit",
                            "https://statistik.arbeitsagentur.de/DE/Statischer-Content/Servicebereich-Navigation/Nutzungsbedingungen.html"),
    "none-stated": License("keine Lizenz angegeben", "Keine Lizenz angegeben (inoffizielle Schnittstelle)", ""),
}

#: Update rhythms and the age after which a dataset counts as stale.
RHYTHMS: dict[str, timedelta | None] = {
    "daily": timedelta(days=3),
    "monthly": timedelta(days=62),
    "quarterly": timedelta(days=140),
    "semiannual": timedelta(days=280),
    "annual": timedelta(days=500),
    "biennial": timedelta(days=900),
    "static": None,
}


@dataclass(frozen=True)
class WFS:
    """A layer of a WFS 2.0 service, fetched as GeoJSON and paged with COUNT/STARTINDEX.

    ``properties`` (optional) asks for these attributes only (``PROPERTYNAME``): without the
    geometry column the answer carries ``"geometry": null`` and is a fraction of the size.
    ``alternatives`` (optional) are other names the same layer is published under (public code
    spells some layers differently): a refresh asks GetCapabilities first and takes the first of
    :meth:`type_names` it lists, and ``doctor`` reports which one it found.
    """

    service_url: str
    type_name: str
    srs: str = "EPSG:25833"
    page_size: int = 5000
    sort_by: str | None = None
    output_format: str = "application/json"
    properties: tuple[str, ...] = ()
    alternatives: tuple[str, ...] = ()

    @property
    def type_names(self) -> tuple[str, ...]:
        """The layer's names in the order they are tried: ``type_name``, then ``alternatives``."""
        return (self.type_name, *self.alternatives)

    def get_feature_url(self) -> str:
        """The whole layer as one GetFeature request (to open in a browser and save by hand)."""
        from urllib.parse import urlencode

        query = {k: v for k, v in self.params(0, 0).items() if k not in {"COUNT", "STARTINDEX"}}
        return f"{self.service_url}?{urlencode(query)}"

    def params(self, start: int, count: int) -> dict[str, str]:
        """Query parameters of one GetFeature page."""
        p = {
            "SERVICE": "WFS", "VERSION": "2.0.0", "REQUEST": "GetFeature",
            "TYPENAMES": self.type_name, "OUTPUTFORMAT": self.output_format,
            "SRSNAME": self.srs, "COUNT": str(count), "STARTINDEX": str(start),
        }
        if self.sort_by:
            p["SORTBY"] = self.sort_by
        if self.properties:
            p["PROPERTYNAME"] = ",".join(self.properties)
        return p


@dataclass(frozen=True)
class Probe:
    """A cheap request that tells whether an API answers, for ``lichtenberg-data doctor``.

    Resources with a ``fetcher`` declare one (a plain file or WFS layer needs none). The
    resource's ``headers`` are sent along.

    Parameters
    ----------
    url
        The address asked.
    params
        Its query, as small as the API allows (e.g. ``size=1``).
    expect
        ``json``, ``csv`` ... (the answer's format), or ``wfs``: a GetCapabilities request to
        ``url`` whose answer must list every name in ``type_names``.
    type_names
        The WFS layers that must be listed (``expect="wfs"`` only).
    """

    url: str
    params: Mapping[str, str] = field(default_factory=dict)
    expect: str = "json"
    type_names: tuple[str, ...] = ()


@dataclass(frozen=True)
class Resource:
    """One file of a dataset.

    Parameters
    ----------
    name
        File name in the raw store and in a mirror (``<mirror>/<dataset>/<name>``).
    url
        Direct download URL at the portal, or ``None`` when the file can only be imported.
    format
        ``csv``, ``xlsx``, ``xls``, ``geojson``, ``gml``, ``json`` or ``zip``.
    wfs
        Set for WFS layers: the refresh pages through the layer instead of a plain GET.
    match
        Regular expression an imported file name must match to count as this resource
        (default: any name, when the dataset has one resource).
    fetcher
        For APIs that are neither a file nor a WFS (e.g. the BA job search): a function
        ``fetcher(http, resource, dest)`` that pages through the API with ``http`` (a
        :class:`lichtenberg_data._http.Http`) and writes one raw file to ``dest``, or to another
        name in ``dest``'s folder that it returns (e.g. one that carries the edition's date). It
        is not used with ``--mirror``, where every resource is a plain file.
    headers
        Extra request headers (e.g. an API key the portal documents publicly).
    accepts
        Further formats an imported file of this resource may have (e.g. the CSV export of a
        WFS layer); a file of any other kind is refused by name before parsing.
    probe
        How ``lichtenberg-data doctor`` checks a ``fetcher`` resource cheaply (:class:`Probe`).
    optional
        The dataset can be built without this file (e.g. one group of ``osm_pois``): a refresh
        from a mirror that lacks it parses the files it has (at least one).
    several
        One import or mirror may bring several files of this resource (e.g. the restaurants and
        the bars of the ``osm_pois`` group Gastronomie): they are stored side by side under
        numbered names (:meth:`stored_name`) and together replace the files of this resource
        stored before. Without it, two files of one resource in one import are refused, naming
        them (one would be lost).
    """

    name: str
    url: str | None
    format: str
    wfs: WFS | None = None
    match: str | None = None
    fetcher: Callable[..., None] | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    accepts: tuple[str, ...] = ()
    probe: Probe | None = None
    optional: bool = False
    several: bool = False

    def matches(self, filename: str) -> bool:
        """Whether an imported file name belongs to this resource."""
        return self.match is None or re.search(self.match, filename, flags=re.IGNORECASE) is not None

    def stored_name(self, n: int) -> str:
        """The name of the ``n``-th file of this resource in one arrival (``n`` from 1).

        >>> Resource("osm_gastronomie.json", None, "json", several=True).stored_name(2)
        'osm_gastronomie.2.json'
        """
        if n == 1:
            return self.name
        stem, dot, ext = self.name.rpartition(".")
        return f"{stem}.{n}.{ext}" if dot else f"{self.name}.{n}"


@dataclass(frozen=True)
class Check:
    """A named check on a parsed table: returns ``None`` when it holds, else the reason."""

    name: str
    func: Callable[[pd.DataFrame], str | None]


@dataclass(frozen=True)
class Schema:
    """Columns (name to kind: ``str``, ``int``, ``float``, ``date``, ``bool``, ``geometry``),
    the columns that together are unique, further checks, and the columns that are rates or
    shares (``rates``: never summed by :func:`lichtenberg_data.geo.aggregate`)."""

    columns: Mapping[str, str]
    key: tuple[str, ...] = ()
    checks: tuple[Check, ...] = ()
    min_rows: int = 1
    rates: tuple[str, ...] = ()


@dataclass(frozen=True)
class Dataset:
    """A dataset as the catalogue declares it. See the module docstring."""

    id: str
    title: str
    topic: str
    publisher: str
    license: License
    landing_page: str
    resources: tuple[Resource, ...]
    spatial_unit: str
    update: str
    parser: Callable[[Mapping[str, Path]], pd.DataFrame]
    schema: Schema
    source_title: str
    reference_date: Callable[[pd.DataFrame], date | None] | date | None = None
    history: bool = False
    parser_version: str = "1"
    description: str = ""
    #: Names the resource of an imported or mirrored file from its content (``None``: by its name,
    #: as the resources' ``match`` say); e.g. an OSM answer by the tags of its objects.
    resource_of: Callable[[Path], str | None] | None = None
    #: ``"month"``: one Parquet file per month (a monthly register; see :mod:`lichtenberg_data._partitions`);
    #: every imported file is one month (``date`` column), ``load()`` gives the latest unless asked.
    partition: str | None = None
    #: What makes two files the same edition: the same Stand and file name (``"day"``; one edition may
    #: be several files) or the same month of their Stands, whatever the name (``"month"``, one file per
    #: edition, e.g. a scrape whose Stand is its newest review date: a cut copy may end a day earlier, and
    #: a re-import of that month's file replaces the month's edition).
    #: A new copy of a stored edition replaces it, and may not have more than 10 % fewer rows.
    edition_period: str = "day"
    #: Empty when the parser has read a real file of the portal; else a short note saying what it has
    #: never seen (shown by ``info`` and ``status``): its layout is assumed, not checked.
    unverified: str = ""
    #: Where the landing page was seen in use (public code or pages naming it as the place to get the
    #: file); empty: the page is a best guess and ``info`` says "address not verified".
    landing_evidence: str = ""
    #: Options an import may give (name → allowed values), kept with the raw snapshot and read by
    #: the parser through :func:`lichtenberg_data._filefacts.current`; the CLI spells them ``--name-with-dashes``.
    import_options: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.edition_period not in ("day", "month"):
            raise ValueError(f"{self.id}: edition_period must be 'day' or 'month', not {self.edition_period!r}")
        if self.partition is not None and (self.partition != "month" or not self.history):
            raise ValueError(f"{self.id}: partition must be 'month' on a history dataset, not {self.partition!r}")
        if self.update not in RHYTHMS:
            raise ValueError(f"{self.id}: update must be one of {sorted(RHYTHMS)}, not {self.update!r}")
        if not re.fullmatch(r"[a-z][a-z0-9_]*", self.id):
            raise ValueError(f"dataset id {self.id!r} must be lowercase letters, digits and _")

    @property
    def verified(self) -> bool:
        """Whether the parser has read a real file of the portal (see ``unverified``)."""
        return not self.unverified

    @property
    def import_only(self) -> bool:
        """Whether some file of the dataset has no download address (it is imported by hand)."""
        return any(r.url is None and r.fetcher is None and r.wfs is None for r in self.resources)

    @property
    def has_geometry(self) -> bool:
        """Whether the processed table is a GeoDataFrame."""
        return "geometry" in self.schema.columns

    def resource(self, name: str) -> Resource:
        """The resource with this file name."""
        for r in self.resources:
            if r.name == name:
                return r
        raise KeyError(f"{self.id} has no resource {name!r}")

    def resource_name(self, stored: str) -> str:
        """The declared resource a stored file name belongs to (``osm_gastronomie.2.json`` is the
        second file of ``osm_gastronomie.json``, see :attr:`Resource.several`); else the name itself.

        >>> get("osm_pois").resource_name("osm_gastronomie.2.json")
        'osm_gastronomie.json'
        """
        names = {r.name for r in self.resources}
        if stored in names:
            return stored
        base = re.sub(r"\.\d+(?=\.[^.]+$)", "", stored)
        return base if base in names else stored

    def stand(self, df: pd.DataFrame) -> date | None:
        """The reference date (Stand) of a parsed table."""
        if callable(self.reference_date):
            return self.reference_date(df)
        if isinstance(self.reference_date, date):
            return self.reference_date
        if "date" in df.columns and len(df):
            value = df["date"].max()
            return value.date() if hasattr(value, "date") else value
        return None

    def how_to_import(self) -> str:
        """Plain text for ``lichtenberg-data info``: the files this dataset takes and where a person
        downloads them by hand, with an example command.

        Examples
        --------
        >>> print(get("gssa").how_to_import().splitlines()[0])
        gssa – Gesundheits- und Sozialstrukturatlas Berlin 2022 – Indexwerte
        """
        lines = [f"{self.id} – {self.title}", f"  publisher: {self.publisher}; licence: {self.license.id}",
                 f"  spatial unit: {self.spatial_unit}; updated: {self.update}"
                 + ("; one file per edition, editions add up to a history" if self.history else ""),
                 "  files it takes:"]
        shown: set[tuple] = set()
        for r in self.resources:
            same = [o for o in self.resources if o.match and (o.match, o.format) == (r.match, r.format)]
            if (r.match, r.format) in shown:
                continue
            if len(same) > 1:  # editions of a history: one line
                shown.add((r.match, r.format))
                urls = [o.url for o in same if o.url]
                lines.append(f"    - one {r.format.upper()} file per edition, named like /{r.match}/ "
                             f"(e.g. {same[-1].name}); {len(urls)} of {len(same)} declared editions have a "
                             "download address")
                continue
            pattern = f", name like /{r.match}/" if r.match else ""
            if r.wfs:
                also = (f" (or {', '.join(r.wfs.alternatives)}: whichever GetCapabilities lists)"
                        if r.wfs.alternatives else "")
                where = f"WFS layer {r.wfs.type_name}{also}; GeoJSON or GML answer of {r.wfs.get_feature_url()}"
            else:
                where = "an API answer, fetched by `lichtenberg-data refresh`" if r.fetcher else r.url or "no download address"
            lines.append(f"    - {r.name}: {r.format.upper()}{pattern} ({where})")
        seen = (f"page seen in use: {self.landing_evidence}" if self.landing_evidence
                else "address not verified: no evidence is recorded that the file is found there")
        lines += [f"  download by hand: {self.landing_page} ({seen})",
                  f"  then: lichtenberg-data import {self.id} ~/Downloads/{self.resources[-1].name}"]
        if self.unverified:
            lines.append(f"  parser NOT VERIFIED: {self.unverified}")
        if self.description:
            lines.append(f"  note: {self.description}")
        return "\n".join(lines)

    def summary(self) -> dict[str, Any]:
        """A plain dict for ``lichtenberg-data list --json``."""
        return {
            "id": self.id, "title": self.title, "topic": self.topic, "publisher": self.publisher,
            "license": {"id": self.license.id, "name": self.license.name, "url": self.license.url},
            "landing_page": self.landing_page, "spatial_unit": self.spatial_unit, "update": self.update,
            "history": self.history, "partition": self.partition, "edition_period": self.edition_period,
            "parser_version": self.parser_version,
            "verified": self.verified, "unverified": self.unverified, "landing_evidence": self.landing_evidence,
            "resources": [
                {"name": r.name, "url": r.url, "format": r.format,
                 "wfs": None if r.wfs is None else {"service": r.wfs.service_url, "type_name": r.wfs.type_name}}
                for r in self.resources
            ],
            "schema": {"columns": dict(self.schema.columns), "key": list(self.schema.key),
                       "checks": [c.name for c in self.schema.checks]},
        }


_REGISTRY: dict[str, Dataset] = {}
_loaded = False


def register(dataset: Dataset) -> Dataset:
    """Add a dataset to the catalogue (called by the modules in :mod:`lichtenberg_data.sources`)."""
    if dataset.id in _REGISTRY and _REGISTRY[dataset.id] is not dataset:
        raise ValueError(f"dataset {dataset.id!r} is declared twice")
    _REGISTRY[dataset.id] = dataset
    return dataset


def _load_sources() -> None:
    """Import every source module once; an error in one of them is raised, never skipped."""
    global _loaded
    if _loaded:
        return
    for name in SOURCE_MODULES:
        try:
            importlib.import_module(f"lichtenberg_data.sources.{name}")
        except Exception as exc:
            raise ImportError(f"the catalogue cannot load lichtenberg_data.sources.{name} "
                              f"({type(exc).__name__}: {exc}); no dataset list is given while a "
                              "source module is broken") from exc
    _loaded = True


def _order(dataset: Dataset) -> int:
    module = getattr(dataset.parser, "__module__", "").rsplit(".", 1)[-1]
    return SOURCE_MODULES.index(module) if module in SOURCE_MODULES else len(SOURCE_MODULES)


def datasets() -> list[Dataset]:
    """All declared datasets: by source module (:data:`SOURCE_MODULES`), then as declared."""
    _load_sources()
    return sorted(_REGISTRY.values(), key=_order)


def ids() -> list[str]:
    """The ids of all declared datasets."""
    return [d.id for d in datasets()]


def get(dataset_id: str) -> Dataset:
    """The dataset with this id.

    Raises
    ------
    UnknownDatasetError
        When the id is unknown (a ``KeyError`` too).
    """
    _load_sources()
    try:
        return _REGISTRY[dataset_id]
    except KeyError:
        raise UnknownDatasetError(
            f"unknown dataset {dataset_id!r}; `lichtenberg-data list` shows the {len(_REGISTRY)} known ones"
        ) from None


def table() -> pd.DataFrame:
    """The catalogue as a table (what ``lichtenberg-data list`` prints)."""
    import pandas as pd

    rows = [
        {"id": d.id, "title": d.title, "topic": d.topic, "publisher": d.publisher,
         "license": d.license.id, "spatial_unit": d.spatial_unit, "update": d.update,
         "resources": len(d.resources)}
        for d in datasets()
    ]
    return pd.DataFrame(rows)
