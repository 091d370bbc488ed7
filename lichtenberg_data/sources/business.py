"""The IHK Berlin business register (Gewerbedaten): one point per member business, monthly.

The CSV has changed its dialect over time; the parser reads all that the real files show:
``;`` with a BOM and decimal commas in coordinates (the 2023 sample in IHK's repository),
``,`` with dot decimals and quoted fields (the current file), old-Mac CR line endings (monthly
diffs), literal ``NULL``, values wrapped in single quotes, varying header case (``Bezirk``),
and ``planungsraum_id`` with its leading zero lost. Ids mangled by a spreadsheet program
(``9,43032E+11``) cannot be repaired; they are kept as text and flagged. ``employees_range`` is
written ``0`` or ``0 Beschäftigte``, ``1 - 3 Beschäftigte`` …: it is brought to IHK's current
spelling. ``abschnitt`` is the WZ 2008 section (A–U) of ``nace_id``, for WZ 2008 and WZ 2025
codes alike (:mod:`._wz`).

The register is a **monthly history stored by month** (``partition="month"``): each file is one
month, from its name as in IHK's archives (``2026_05__IHK_Berlin_Gewerbedaten.csv`` in the IHK
cloud since April 2026, ``IHK_OD_07-2023.csv`` and ``IHKBerlin_Gewerbedaten_07-2023.csv`` in the
GitHub folder ``archivedData/``, deleted in December 2023), else from ``--stand YYYY-MM`` on
import, else (the live file, which carries no date) the month it was fetched or imported in.

Archive. IHK's monthly archive is https://cloud.ihk.berlin/d/62fad06b540745098ab7/ (named as the
source of "36 monthly IHK Berlin business-register files", accessed 15.06.2026, in the README of
the public capstone project KiezKeeper, whose scripts read ``*_IHK_Berlin_Gewerbedaten.csv`` and
take the month from the name's leading ``YYYY_MM``; another public project names its file
``2023_12_IHK_Berlin_Gewerbedaten.csv``). Both the single and the double underscore are read.

``business_type`` swap. IHK corrected ``business_type`` on 24.04.2026: its two values
("Kleingewerbetreibender", "im Handelsregister eingetragen") had been swapped in every file since
the first publication (changelog of the repository's README, as recorded in the project's facts
file; the stored copies of that README available here predate the changelog). A file obtained
before the correction carries the swap, so the parser swaps the values back by this rule, first
that applies (column ``business_type_basis`` says which, ``business_type_swapped_back`` whether):

1. ``option``: the import option ``--business-type-swapped yes|no``;
2. ``month``: the file's month (name or ``--stand``) before 2026-04: swapped; 2026-04 or later:
   as published (the archive month stands for the file's date);
3. ``download``: a file the toolkit downloaded itself before 24.04.2026: swapped, else as published;
4. ``unknown``: no date known (a live file imported without ``--stand``): taken as published.

If IHK re-issued its older archive files corrected, rule 2 would swap a corrected file back:
import such a file with ``--business-type-swapped no``.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from .. import catalog
from .._errors import FormatError, UnknownDistrictError
from .._validate import unknown_values
from ..catalog import LICENSES, Check, Dataset, Resource, Schema
from ..names import BEZIRKE, bezirk_id
from ._wz import DIVISIONS

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

COLUMNS = ("opendata_id", "city", "postcode", "latitude", "longitude", "ihk_branch_id", "nace_id",
           "branch_top_level_id", "employees_range", "ihk_branch_desc", "nace_desc", "branch_top_level_desc",
           "business_age", "business_type", "bezirk", "planungsraum_id", "planungsraum", "bezirksregion",
           "prognoseraum", "ortsteil")
_REQUIRED = set(COLUMNS) - {"ortsteil"}
#: The employee bands in IHK's current spelling, smallest first.
EMPLOYEE_BANDS = ("0 Beschäftigte", "1 - 3 Beschäftigte", "4 - 6 Beschäftigte", "7 - 9 Beschäftigte",
                  "10 - 19 Beschäftigte", "20 - 49 Beschäftigte", "50 - 99 Beschäftigte", "100 - 199 Beschäftigte",
                  "200 - 499 Beschäftigte", "500 - 999 Beschäftigte", "1000 - 2499 Beschäftigte",
                  "2500 - 4999 Beschäftigte", "5000 - 9999 Beschäftigte", "10000 und mehr Beschäftigte", "unbekannt")


#: The day IHK corrected the swapped ``business_type`` values, and the first archive month after it.
BUSINESS_TYPE_FIXED = date(2026, 4, 24)
BUSINESS_TYPE_FIXED_MONTH = "2026-04"
#: The two values of ``business_type``, swapped for each other in files before the correction.
BUSINESS_TYPES = ("Kleingewerbetreibender", "im Handelsregister eingetragen")


def _snapshot_date(name: str) -> date | None:
    """The month a file name gives: ``YYYY_MM__IHK…`` (IHK cloud, since 2026-04) or ``…MM-YYYY…``.

    >>> _snapshot_date("2026_05__IHK_Berlin_Gewerbedaten.csv"), _snapshot_date("IHK_OD_03-2023.csv")
    (datetime.date(2026, 5, 1), datetime.date(2023, 3, 1))
    >>> _snapshot_date("2026-12-07_2023_12_IHK_Berlin_Gewerbedaten.csv")  # a stored raw copy
    datetime.date(2023, 12, 1)
    """
    m = re.search(r"(?<!\d)(\d{4})_(\d{2})_+IHK", name, flags=re.IGNORECASE)
    if m and 1 <= int(m.group(2)) <= 12:
        return date(int(m.group(1)), int(m.group(2)), 1)
    m = re.search(r"(?<![\d-])(\d{2})-(\d{4})(?!\d)", name)
    if m and 1 <= int(m.group(1)) <= 12:
        return date(int(m.group(2)), int(m.group(1)), 1)
    return None


def business_type_swap(month: str | None, obtained: str | None, option: str | None) -> tuple[bool, str]:
    """Whether a file carries the swapped ``business_type`` values, and why (``option``, ``month``,
    ``download``, ``unknown``): the rule of the module docstring.

    >>> business_type_swap("2026-03", None, None), business_type_swap("2026-05", None, None)
    ((True, 'month'), (False, 'month'))
    >>> business_type_swap(None, "2026-04-23", None), business_type_swap("2023-07", None, "no")
    ((True, 'download'), (False, 'option'))
    >>> business_type_swap(None, None, None)
    (False, 'unknown')
    """
    if option in ("yes", "no"):
        return option == "yes", "option"
    if month:
        return month < BUSINESS_TYPE_FIXED_MONTH, "month"
    if obtained:
        return date.fromisoformat(obtained[:10]) < BUSINESS_TYPE_FIXED, "download"
    return False, "unknown"


def parse_ihk(path: Path, *, snapshot: date | None = None) -> pd.DataFrame:
    """Parse one IHK Gewerbedaten CSV into the canonical table.

    Parameters
    ----------
    path
        The CSV (any of the dialects described in the module docstring).
    snapshot
        The month of the snapshot; read from a name like ``2026_05__IHK_Berlin_Gewerbedaten.csv``
        or ``IHK_OD_03-2023.csv`` when not given, else the current month (the live file carries
        no date).

    ``business_type`` is swapped back where the file predates IHK's correction of 24.04.2026
    (module docstring; the file's facts — ``--stand``, download day, import option — come from
    :func:`lichtenberg_data._filefacts.current`).

    The file is read by Arrow's CSV reader into typed columns, and every mapping (bands, Bezirk
    keys, WZ sections, the swap) runs on the distinct values of a column (:mod:`._ihk_csv`).
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    from .._filefacts import current
    from ._ihk_csv import Coded, clean, frame, numbers, read

    cols, n = read(path, COLUMNS, _REQUIRED)
    cols["opendata_id"] = clean(cols["opendata_id"])  # latitude, longitude: numbers() below
    facts = current()
    named = snapshot or _snapshot_date(path.name)
    month = f"{named:%Y-%m}" if named else facts.stand
    swapped, basis = business_type_swap(month, facts.obtained, facts.option("business_type_swapped"))
    if swapped:
        first, second = BUSINESS_TYPES
        cols["business_type"] = cols["business_type"].map(lambda v: v.replace({first: second, second: first}))
    cols["planungsraum_id"] = cols["planungsraum_id"].map(lambda v: v.str.zfill(8))
    cols["employees_range"] = cols["employees_range"].map(_bands)
    cols["business_age"] = cols["business_age"].map(_ages).rows(pa.int64())
    cols["latitude"], cols["longitude"] = numbers(cols["latitude"]), numbers(cols["longitude"])
    text = pa.large_string()
    out: dict[str, pa.Array] = {}
    for col in COLUMNS:
        value = cols.get(col)
        out[col] = value.rows(text) if isinstance(value, Coded) else value
    if out["ortsteil"] is None:
        out["ortsteil"] = pa.nulls(n, text)
    out["id_mangled"] = pc.fill_null(pc.match_substring(cols["opendata_id"], "E+"), False)
    out["abschnitt"] = cols["nace_id"].map(_sections).rows(text)
    out["bezirk_id"] = cols["bezirk"].map(_bezirk_ids).rows(text)
    out["business_type_swapped_back"] = pa.repeat(pa.scalar(swapped), n)
    out["business_type_basis"] = pa.repeat(pa.scalar(basis, pa.large_string()), n)
    stand = named or date.today().replace(day=1)
    day = pa.scalar(datetime(stand.year, stand.month, stand.day), pa.timestamp("s"))
    out = {"opendata_id": out.pop("opendata_id"), "date": pa.repeat(day, n), **out}
    return frame(out)


def _ages(values):
    """``business_age`` as whole years (``30+`` → 30), missing where it is no number."""
    import pandas as pd

    return pd.to_numeric(values.str.rstrip("+"), errors="coerce").astype("Int64")


def _sections(nace):
    """The WZ 2008 section (A–U) of each ``nace_id`` (``56.10`` or ``5610``)."""
    return nace.str.replace(".", "", regex=False).str[:2].map(DIVISIONS)


def _bezirk_ids(names):
    """The Bezirk key of each name; spelling variants ("11 - Lichtenberg", other case) go
    through the name check, an unknown name is a :class:`FormatError`."""
    known = {name: key for key, name in BEZIRKE.items()}
    ids = names.map(known)
    unknown = names.notna() & ids.isna()
    if unknown.any():
        ids.loc[unknown] = names.loc[unknown].map(_lookup_bezirk)
    return ids


def _bands(values):
    """``employees_range`` in IHK's current spelling: ``0`` → ``0 Beschäftigte``, ``1-3`` → ``1 - 3
    Beschäftigte``, ``10000+`` → ``10000 und mehr Beschäftigte``; unknown spellings stay as they are
    (the check "employee bands known" names them)."""
    unique = values.dropna().unique()
    mapping = {}
    for v in unique:
        text = " ".join(str(v).split())
        m = re.fullmatch(r"(\d+)\s*(?:-|–|bis)\s*(\d+)(?: Beschäftigte)?", text)
        if m:
            mapping[v] = f"{m.group(1)} - {m.group(2)} Beschäftigte"
        elif re.fullmatch(r"0(?: Beschäftigte)?", text):
            mapping[v] = "0 Beschäftigte"
        elif m := re.fullmatch(r"(\d+)\s*(?:\+|und mehr)(?: Beschäftigte)?", text):
            mapping[v] = f"{m.group(1)} und mehr Beschäftigte"
        else:
            mapping[v] = text
    return values.map(mapping)


def _bands_known(df) -> str | None:
    odd = unknown_values(df["employees_range"].dropna(), EMPLOYEE_BANDS)
    return f"unknown employees_range values {', '.join(map(repr, odd[:5]))}" if odd else None


def _lookup_bezirk(name: str) -> str:
    try:
        return bezirk_id(name)
    except UnknownDistrictError:
        raise FormatError(f"unknown district name {name!r} in the IHK file") from None


def _coordinates_in_berlin(df) -> str | None:
    lat, lon = df["latitude"].dropna(), df["longitude"].dropna()
    bad = (~lat.between(52.3, 52.7)).sum() + (~lon.between(13.0, 13.8)).sum()
    return f"{bad} coordinates lie outside Berlin (swapped or mis-scaled?)" if bad else None


def _ids_complete(df) -> str | None:
    n = int(df["opendata_id"].isna().sum())
    return f"{n} rows without opendata_id" if n else None


ihk_gewerbedaten = catalog.register(Dataset(
    id="ihk_gewerbedaten",
    title="Gewerbedaten der IHK Berlin",
    topic="business",
    publisher="IHK Berlin",
    license=LICENSES["cc0"],
    landing_page="https://github.com/IHKBerlin/IHKBerlin_Gewerbedaten",
    resources=(Resource(
        name="IHKBerlin_Gewerbedaten.csv",
        url="https://media.githubusercontent.com/media/IHKBerlin/IHKBerlin_Gewerbedaten/master/data/IHKBerlin_Gewerbedaten.csv",
        format="csv"),),
    spatial_unit="Punkt (Betrieb)",
    update="monthly",
    parser=lambda files: parse_ihk(next(iter(files.values()))),
    schema=Schema(
        columns={"opendata_id": "str", "date": "date", "postcode": "str", "latitude": "float",
                 "longitude": "float", "nace_id": "str", "ihk_branch_id": "str", "employees_range": "str",
                 "business_age": "int", "business_type": "str", "bezirk_id": "str", "planungsraum_id": "str",
                 "id_mangled": "bool", "abschnitt": "str", "business_type_swapped_back": "bool",
                 "business_type_basis": "str"},
        checks=(Check("ids complete", _ids_complete), Check("coordinates in Berlin", _coordinates_in_berlin),
                Check("employee bands known", _bands_known)),
    ),
    source_title="Gewerbedaten (Mitgliedsunternehmen)",
    history=True,
    partition="month",
    parser_version="3",  # 3: business_type swapped back for files before IHK's correction of 24.04.2026
    import_options={"business_type_swapped": ("yes", "no")},
    landing_evidence=("the live file's media.githubusercontent.com address of this repository is read by several "
                      "public projects; the archive https://cloud.ihk.berlin/d/62fad06b540745098ab7/ is named as the "
                      "source of 36 monthly files (accessed 15.06.2026) in a public project's README (KiezKeeper)"),
    description=("About 350,000 businesses; Handwerk and liberal professions are largely missing. "
                 "The file lives in Git LFS (media.githubusercontent.com serves the content). One file per "
                 "month, stored by month. Earlier months: IHK's archive in its own cloud, "
                 "https://cloud.ihk.berlin/d/62fad06b540745098ab7/ (the GitHub folder archivedData/ was deleted in "
                 "December 2023); since April 2026 its files are named YYYY_MM__IHK_Berlin_Gewerbedaten.csv, and that "
                 "name gives the month (older copies: IHK_OD_07-2023.csv, IHKBerlin_Gewerbedaten_MM-YYYY.csv). The live "
                 "file is the current month, or give its month with `--stand YYYY-MM`. business_type: IHK swapped its "
                 "two values in every file until its correction of 24.04.2026; files of a month before 2026-04, and "
                 "files this toolkit downloaded before 24.04.2026, are swapped back (column business_type_basis says "
                 "why); for a file whose date neither tells, give `--business-type-swapped yes|no` on import, else it "
                 "is taken as published."),
))
