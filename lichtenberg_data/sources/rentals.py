"""Short-term rental listings in Berlin from Inside Airbnb: the ``kurzzeitvermietung`` dataset.

Inside Airbnb (http://insideairbnb.com/get-the-data/, CC BY 4.0) publishes a quarterly scrape of
the listings of each city: ``listings.csv`` (summary, 18 columns since 2023) and
``listings.csv.gz`` (detailed, ~75 columns). Both are read, as published (``,``-separated, ISO
dates, quoted names with line breaks) and as copies re-saved by a spreadsheet program
(``;``-separated, German dates and decimals, 18-digit ids turned into ``6,23785E+17`` so that
``id`` is no key, records broken by unquoted line breaks in names). A broken record is
dropped and counted (``df.attrs["verworfene_datensaetze"]`` and a warning in the log), never
fatal, and never shifts columns: a record is kept only when it has exactly the header's fields.

Each listing is placed in its LOR 2021 Planungsraum, Bezirksregion and Bezirk by its
coordinates (:func:`lichtenberg_data.geo.assign`), which needs the stored LOR boundaries.
Inside Airbnb moves coordinates by up to ~150 m for privacy, so listings near a border can
land in the neighbouring area; ``bezirk_id_airbnb`` keeps Inside Airbnb's own district.
"""

from __future__ import annotations

import csv
import gzip
import io
import logging
import re
import zlib
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from .. import catalog
from .._errors import DataNotAvailableError, FormatError
from ..catalog import Check, Dataset, License, Resource, Schema
from ..names import BEZIRKE, bezirk_id

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from .._http import Http

__all__ = ["parse_listings_file", "parse_listings", "fetch_insideairbnb", "ROOM_TYPES", "CC_BY_4"]

log = logging.getLogger("lichtenberg_data")

GET_THE_DATA = "https://insideairbnb.com/get-the-data/"
CC_BY_4 = License("CC BY 4.0", "Creative Commons Namensnennung 4.0 International",
                  "https://creativecommons.org/licenses/by/4.0/")
ROOM_TYPES = ("Entire home/apt", "Private room", "Shared room", "Hotel room")
#: Inside Airbnb's district spellings that names.bezirk_id does not know.
_SPELLINGS = {"charlottenburg-wilm.": "04"}
#: Canonical column → accepted header names (summary file, detailed file).
_COLUMNS = {
    "id": ("id",), "room_type": ("room_type",), "price": ("price",), "minimum_nights": ("minimum_nights",),
    "availability_365": ("availability_365",), "number_of_reviews": ("number_of_reviews",),
    "last_review": ("last_review",), "latitude": ("latitude",), "longitude": ("longitude",),
    "neighbourhood_group": ("neighbourhood_group", "neighbourhood_group_cleansed"),
    "neighbourhood": ("neighbourhood", "neighbourhood_cleansed"),
}
_INTEGERS = ("minimum_nights", "availability_365", "number_of_reviews")
_DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y", "%d-%m-%Y")
_ID = re.compile(r"\d+|\d[.,]\d+E\+\d+", re.IGNORECASE)
_TODO = f"Download the file again from {GET_THE_DATA} (Berlin, listings.csv)"


# ----------------------------------------------------------------------------- reading text
def _text(path: Path) -> str:
    """The file's text: gzip unpacked, UTF-8 (BOM allowed), line endings normalised."""
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (EOFError, OSError, zlib.error) as exc:
            raise FormatError(f"{path.name}: the gzip archive is truncated or damaged ({exc}). {_TODO}") from None
    if raw[:512].lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"<":
        raise FormatError(f"{path.name} is an HTML/XML page, not the listings CSV. {_TODO}")
    if raw[:4] in (b"PK\x03\x04", b"\xd0\xcf\x11\xe0"):
        raise FormatError(f"{path.name} is an Excel workbook, not the listings CSV; save it as 'CSV UTF-8' or "
                          "download the original file")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FormatError(f"{path.name} is not UTF-8 (undecodable byte at position {exc.start}); save it as "
                          "'CSV UTF-8' or download the original file") from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _records(text: str, path: Path) -> tuple[list[str], list[list[str]], int, int]:
    """Header, the records with exactly the header's fields, dropped records and dropped lines."""
    first = text.split("\n", 1)[0]
    sep = ";" if first.count(";") > first.count(",") else ","
    rows = [r for r in csv.reader(io.StringIO(text), delimiter=sep, strict=False) if r]
    if not rows:
        raise FormatError(f"{path.name} is empty")
    header = [h.strip().lower() for h in rows[0]]
    kept = [r for r in rows[1:] if len(r) == len(header)]
    bad = [r for r in rows[1:] if len(r) != len(header)]
    if not text.endswith("\n"):
        raise FormatError(f"{path.name} does not end with a line break, so its last record ({len(rows[-1])} of "
                          f"{len(header)} fields) may be cut off: the file is truncated. {_TODO}")
    records = sum(1 for r in bad if _ID.fullmatch(r[0].strip()))
    if not kept or len(bad) > len(kept):
        raise FormatError(f"{path.name}: {len(bad)} of {len(rows) - 1} lines do not have the header's {len(header)} "
                          "fields; this is not a listings file of Inside Airbnb or it is badly damaged")
    return header, kept, records, len(bad)


# ----------------------------------------------------------------------------- values
def _number(values: pd.Series, column: str, path: Path) -> pd.Series:
    """Numbers as published ("52.53", "$1,000.00") or re-saved ("52,53"); empty → NaN.

    A comma alone is a decimal comma; with both, the later one is the decimal separator.
    """
    import pandas as pd

    text = values.str.strip().str.replace(r"[$€\s]", "", regex=True)
    both = text.str.contains(",") & text.str.contains(r"\.")
    comma_last = text.str.rfind(",") > text.str.rfind(".")
    text = text.mask(both & comma_last, text.str.replace(".", "", regex=False))
    text = text.mask(both & ~comma_last, text.str.replace(",", "", regex=False))
    text = text.str.replace(",", ".", regex=False).mask(text == "")
    out = pd.to_numeric(text, errors="coerce")
    wrong = text.notna() & out.isna()
    if wrong.any():
        raise FormatError(f"{path.name}: column {column} has values that are no numbers, e.g. "
                          f"{values[wrong].iloc[0]!r} (columns shifted or renamed?)")
    return out.astype("float64")


def _dates(values: pd.Series, column: str, path: Path) -> pd.Series:
    """Dates in one format per column: ISO as published, German or day-first as re-saved."""
    import pandas as pd

    text = values.str.strip().mask(values.str.strip() == "")
    filled = text.dropna()
    for fmt in _DATE_FORMATS:
        parsed = pd.to_datetime(filled, format=fmt, errors="coerce")
        if parsed.notna().all():
            return pd.to_datetime(text, format=fmt, errors="coerce").astype("datetime64[ns]")
    example = filled[pd.to_datetime(filled, format="%Y-%m-%d", errors="coerce").isna()].iloc[0]
    raise FormatError(f"{path.name}: column {column} holds {example!r}, which is no date in a known format")


def _airbnb_bezirk(name: str, path: Path) -> str:
    """``bezirk_id`` of Inside Airbnb's ``neighbourhood_group`` ("Charlottenburg-Wilm.",
    "Marzahn - Hellersdorf", "Treptow - Köpenick" ...)."""
    text = re.sub(r"\s*[-–—‐]\s*", "-", str(name).strip())
    if text.casefold() in _SPELLINGS:
        return _SPELLINGS[text.casefold()]
    try:
        return bezirk_id(text)
    except KeyError:
        raise FormatError(f"{path.name}: neighbourhood_group {name!r} is no Berlin district; is this a file of "
                          "another city?") from None


def _pick(header: list[str], path: Path) -> dict[str, int]:
    found, missing = {}, []
    for target, names in _COLUMNS.items():
        hits = [header.index(n) for n in names if n in header]
        if hits:
            found[target] = hits[0]
        else:
            missing.append(target)
    if missing:
        raise FormatError(f"{path.name}: columns missing: {', '.join(missing)} (found: {', '.join(header[:12])}"
                          f"{' ...' if len(header) > 12 else ''}); the header changed or this is another file")
    return found


def _frame(path: Path) -> pd.DataFrame:
    import pandas as pd

    header, rows, dropped, lines = _records(_text(path), path)
    cols = _pick(header, path)
    raw = pd.DataFrame({k: [r[i] for r in rows] for k, i in cols.items()}, dtype="str")
    ids = raw["id"].str.strip()
    df = pd.DataFrame({"id": ids.where(ids.str.fullmatch(r"\d+"))})
    df["room_type"] = raw["room_type"].str.strip()
    df["price"] = _number(raw["price"], "price", path)
    for col in _INTEGERS:
        df[col] = _number(raw[col], col, path).round().astype("Int64")
    df["last_review"] = _dates(raw["last_review"], "last_review", path)
    for col in ("latitude", "longitude"):
        df[col] = _number(raw[col], col, path)
    df["neighbourhood_group"] = raw["neighbourhood_group"].str.strip()
    df["neighbourhood"] = raw["neighbourhood"].str.strip()
    groups = {g: _airbnb_bezirk(g, path) for g in df["neighbourhood_group"].unique()}
    df["bezirk_id_airbnb"] = df["neighbourhood_group"].map(groups).astype("str")
    df["bezirk_airbnb"] = df["bezirk_id_airbnb"].map(BEZIRKE).astype("str")
    stand = df["last_review"].max()
    if pd.isna(stand):
        raise FormatError(f"{path.name}: no listing has a last_review date, so the file has no Stand")
    df.insert(0, "date", pd.Timestamp(stand).normalize())
    df.attrs.update(verworfene_datensaetze=dropped, verworfene_zeilen=lines, ids_zerstoert=int(df["id"].isna().sum()))
    if dropped or lines:
        log.warning("kurzzeitvermietung: %s: %d broken records (%d lines) dropped", path.name, dropped, lines)
    return df


def _place(df: pd.DataFrame) -> pd.DataFrame:
    """Planungsraum, Bezirksregion, Prognoseraum and Bezirk of each listing from its coordinates."""
    from .. import geo

    try:
        areas = geo.boundaries("planungsraum", None)
    except DataNotAvailableError:
        raise DataNotAvailableError(
            "kurzzeitvermietung: placing the listings in Bezirk and Planungsraum needs the stored LOR 2021 "
            "Planungsräume; run `lichtenberg-data refresh lor_planungsraeume` (or import them) first") from None
    out = geo.assign(df, "planungsraum", areas=areas)
    plr = out["planungsraum_id"]
    bzr_names = dict(zip(areas["bezirksregion_id"], areas["bezirksregion"])) if "bezirksregion" in areas else {}
    out["bezirksregion_id"] = plr.str[:6]
    out["bezirksregion"] = out["bezirksregion_id"].map(bzr_names)
    out["prognoseraum_id"] = plr.str[:4]
    out["bezirk_id"] = plr.str[:2]
    out["bezirk"] = out["bezirk_id"].map(BEZIRKE)
    for col in ("planungsraum_id", "planungsraum", "bezirksregion_id", "bezirksregion", "prognoseraum_id",
                "bezirk_id", "bezirk", "lor_version"):
        out[col] = out[col].astype("str")
    out.attrs = {k: v for k, v in df.attrs.items() if k != "provenance"}
    return out


def parse_listings_file(path: Path) -> pd.DataFrame:
    """Parse one Inside Airbnb ``listings.csv`` (or ``listings.csv.gz``), placed in the LOR 2021.

    Returns
    -------
    pandas.DataFrame
        One row per listing: ``date`` (Stand: the latest review date in the file - the summary file
        carries no scrape date), ``id`` (missing where a spreadsheet destroyed it), ``room_type``,
        ``price`` (EUR per night), ``minimum_nights``, ``availability_365``, ``number_of_reviews``,
        ``last_review``, ``latitude``/``longitude`` (WGS84), Inside Airbnb's ``neighbourhood_group``
        and ``neighbourhood`` with ``bezirk_id_airbnb``/``bezirk_airbnb`` (official name), and by
        coordinates ``planungsraum_id``, ``planungsraum``, ``bezirksregion_id``, ``bezirksregion``,
        ``prognoseraum_id``, ``bezirk_id``, ``bezirk``, ``lor_version``. ``attrs``:
        ``verworfene_datensaetze`` (broken records dropped), ``verworfene_zeilen``, ``ids_zerstoert``.

    Raises
    ------
    FormatError
        An HTML page, a workbook, a truncated file, missing columns, values that are no numbers
        or dates, a district that is not Berlin's.
    DataNotAvailableError
        When the LOR 2021 Planungsräume were never loaded.
    """
    return _place(_frame(path))


def parse_listings(files: Mapping[str, Path]) -> pd.DataFrame:
    """Parser of the ``kurzzeitvermietung`` dataset (one scrape per file)."""
    import pandas as pd

    parts = [parse_listings_file(p) for p in files.values()]
    out = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    out.attrs = {k: sum(p.attrs.get(k, 0) for p in parts) for k in parts[0].attrs}
    return out


# ----------------------------------------------------------------------------- download
def fetch_insideairbnb(http: Http, resource: Resource, dest: Path) -> None:
    """Find the newest Berlin ``listings.csv`` on the get-the-data page and download it to ``dest``.

    The page lists one link per scrape, ``.../germany/be/berlin/<YYYY-MM-DD>/visualisations/listings.csv``;
    the newest date wins. Raises :class:`FormatError` when the page has no such link.
    """
    page = dest.with_name(dest.name + ".page.html")
    try:
        http.download(resource.url or GET_THE_DATA, page, expect="html")
        html = page.read_text(encoding="utf-8", errors="replace")
    finally:
        page.unlink(missing_ok=True)
    links = re.findall(r"""href=["']([^"']*/germany/be/berlin/(\d{4}-\d{2}-\d{2})/visualisations/listings\.csv)["']""",
                       html)
    if not links:
        raise FormatError(f"{resource.url or GET_THE_DATA} lists no Berlin listings.csv; the page changed. "
                          f"Download the file by hand and import it")
    url = max(links, key=lambda link: link[1])[0]
    http.download(url, dest, expect="csv")


# ----------------------------------------------------------------------------- checks
def _in_berlin(df: pd.DataFrame) -> str | None:
    out = ~(df["latitude"].between(52.3, 52.7) & df["longitude"].between(13.05, 13.8))
    return f"{int(out.sum())} listings outside Berlin's extent (lat/lon swapped or shifted?)" if out.mean() > 0.01 else None


def _room_types(df: pd.DataFrame) -> str | None:
    unknown = sorted(set(df["room_type"]) - set(ROOM_TYPES))
    return f"unknown room types {unknown[:5]} (columns shifted?)" if unknown else None


def _districts_agree(df: pd.DataFrame) -> str | None:
    placed = df[df["bezirk_id"].notna() & (df["bezirk_id"] != "nan")]
    share = (placed["bezirk_id"] == placed["bezirk_id_airbnb"]).mean() if len(placed) else 0.0
    return (f"only {share:.0%} of the listings lie in the district Inside Airbnb names (coordinates wrong?)"
            if share < 0.9 else None)


def _ids_unique(df: pd.DataFrame) -> str | None:
    dup = df[df["id"].notna()].duplicated(["date", "id"])
    return f"{int(dup.sum())} listing ids twice in one scrape" if dup.any() else None


def _stand(df: pd.DataFrame) -> date | None:
    return df["date"].max().date() if len(df) else None


kurzzeitvermietung = catalog.register(Dataset(
    id="kurzzeitvermietung",
    title="Kurzzeitvermietung: Angebote von Airbnb in Berlin (Inside Airbnb)",
    topic="tourism",
    publisher="Inside Airbnb (Murray Cox)",
    license=CC_BY_4,
    landing_page=GET_THE_DATA,
    resources=(Resource(name="listings.csv", url=GET_THE_DATA, format="csv", match=r"(?i)listings.*\.csv(\.gz)?$",
                        fetcher=fetch_insideairbnb),),
    spatial_unit="Punkt (Angebot, um bis zu 150 m verschoben) → LOR-Planungsraum 2021",
    update="quarterly",
    parser=parse_listings,
    schema=Schema(
        columns={"date": "date", "id": "str", "room_type": "str", "price": "float", "minimum_nights": "int",
                 "availability_365": "int", "number_of_reviews": "int", "last_review": "date", "latitude": "float",
                 "longitude": "float", "neighbourhood_group": "str", "neighbourhood": "str",
                 "bezirk_id_airbnb": "str", "bezirk_airbnb": "str", "planungsraum_id": "str", "planungsraum": "str",
                 "bezirksregion_id": "str", "bezirksregion": "str", "prognoseraum_id": "str", "bezirk_id": "str",
                 "bezirk": "str", "lor_version": "str"},
        checks=(Check("coordinates in Berlin", _in_berlin), Check("known room types", _room_types),
                Check("coordinates fit the districts", _districts_agree), Check("ids unique per scrape", _ids_unique)),
        min_rows=20,
    ),
    source_title="Inside Airbnb, Berlin: listings.csv",
    reference_date=_stand,
    history=True,
    edition_period="month",
    description=(
        "Listings scraped from airbnb.com by Inside Airbnb (not an official statistic; no other platforms). "
        "The refresh reads the get-the-data page and downloads the newest Berlin listings.csv; older scrapes "
        "and the detailed listings.csv.gz can be imported by hand, each adds one date (history). The Stand "
        "(date) is the latest review in the file: the summary file has no scrape date, the scrape is usually "
        "a few days later. Copies re-saved by spreadsheet programs are read too; records broken by line breaks "
        "in names are dropped and counted (attrs 'verworfene_datensaetze', and a log warning). Prices are "
        "asking prices per night in EUR (missing for many listings since 2023). Placing listings by "
        "coordinates needs the LOR 2021 Planungsräume (`lichtenberg-data refresh lor_planungsraeume`)."
    ),
))
