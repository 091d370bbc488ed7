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
month, from ``MM-YYYY`` in its name as in IHK's archive (``IHK_OD_07-2023.csv``,
``IHKBerlin_Gewerbedaten_07-2023.csv``), else from ``--stand YYYY-MM`` on import, else (the live
file, which carries no date) the month it was fetched in.
"""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from .. import catalog
from .._errors import FormatError, UnknownDistrictError
from .._readers import read_text
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
_NULLS = {"", "NULL", "null", "NaN"}
#: The employee bands in IHK's current spelling, smallest first.
EMPLOYEE_BANDS = ("0 Beschäftigte", "1 - 3 Beschäftigte", "4 - 6 Beschäftigte", "7 - 9 Beschäftigte",
                  "10 - 19 Beschäftigte", "20 - 49 Beschäftigte", "50 - 99 Beschäftigte", "100 - 199 Beschäftigte",
                  "200 - 499 Beschäftigte", "500 - 999 Beschäftigte", "1000 - 2499 Beschäftigte",
                  "2500 - 4999 Beschäftigte", "5000 - 9999 Beschäftigte", "10000 und mehr Beschäftigte", "unbekannt")


def _snapshot_date(name: str) -> date | None:
    m = re.search(r"(\d{2})-(\d{4})", name)
    return date(int(m.group(2)), int(m.group(1)), 1) if m else None


def parse_ihk(path: Path, *, snapshot: date | None = None) -> pd.DataFrame:
    """Parse one IHK Gewerbedaten CSV into the canonical table.

    Parameters
    ----------
    path
        The CSV (any of the dialects described in the module docstring).
    snapshot
        The month of the snapshot; read from a name like ``IHK_OD_03-2023.csv`` when not given,
        else the current month (the live file carries no date).
    """
    import pandas as pd

    text = read_text(path)  # strict UTF-8, line endings normalised (the diffs use old-Mac CR)
    header = text[: text.find("\n")]
    sep = ";" if header.count(";") > header.count(",") else ","
    df = _read_all_text(text, sep)
    df.columns = [c.strip().strip("'").lower() for c in df.columns]
    df = df.loc[:, [c for c in df.columns if c and not c.startswith("unnamed")]]
    missing = sorted(_REQUIRED - set(df.columns))
    if missing:
        raise FormatError(f"{path.name} lacks the IHK columns {', '.join(missing)}")
    if "ortsteil" not in df.columns:
        df["ortsteil"] = ""
    df = df[list(COLUMNS)]
    for col in COLUMNS:
        values = df[col].str.strip().str.strip("'")
        df[col] = values.mask(values.isin(_NULLS))
    for col in ("latitude", "longitude"):
        df[col] = pd.to_numeric(df[col].str.replace(",", ".", regex=False), errors="coerce")
    df["business_age"] = pd.to_numeric(df["business_age"].str.rstrip("+"), errors="coerce").astype("Int64")
    df["planungsraum_id"] = df["planungsraum_id"].str.zfill(8)
    df["id_mangled"] = df["opendata_id"].str.contains(r"E\+", regex=True, na=False)
    df["employees_range"] = _bands(df["employees_range"])
    df["abschnitt"] = df["nace_id"].str.replace(".", "", regex=False).str[:2].map(DIVISIONS)
    known = {name: key for key, name in BEZIRKE.items()}
    df["bezirk_id"] = df["bezirk"].map(known)
    unknown = df["bezirk"].notna() & df["bezirk_id"].isna()
    if unknown.any():  # spelling variants ("11 - Lichtenberg", other case) go through the name check
        df.loc[unknown, "bezirk_id"] = df.loc[unknown, "bezirk"].map(_lookup_bezirk)
    stand = snapshot or _snapshot_date(path.name) or date.today().replace(day=1)
    df.insert(1, "date", pd.Timestamp(stand))
    return df.reset_index(drop=True)


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
    odd = sorted(set(df["employees_range"].dropna().unique()) - set(EMPLOYEE_BANDS))
    return f"unknown employees_range values {', '.join(map(repr, odd[:5]))}" if odd else None


def _read_all_text(text: str, sep: str):
    """Every column as text, nothing read as missing yet: Arrow's CSV reader (4x pandas' speed)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    first_line = io.BytesIO(text[: text.find("\n") + 1].encode("utf-8"))
    header = pacsv.read_csv(first_line, parse_options=pacsv.ParseOptions(delimiter=sep)).column_names
    table = pacsv.read_csv(
        io.BytesIO(text.encode("utf-8")),
        parse_options=pacsv.ParseOptions(delimiter=sep),
        convert_options=pacsv.ConvertOptions(column_types={c: pa.string() for c in header},
                                             strings_can_be_null=False, null_values=[]),
    )
    return table.to_pandas()


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
                 "id_mangled": "bool", "abschnitt": "str"},
        checks=(Check("ids complete", _ids_complete), Check("coordinates in Berlin", _coordinates_in_berlin),
                Check("employee bands known", _bands_known)),
    ),
    source_title="Gewerbedaten (Mitgliedsunternehmen)",
    history=True,
    partition="month",
    parser_version="2",
    description=("About 350,000 businesses; Handwerk and liberal professions are largely missing. "
                 "The file lives in Git LFS (media.githubusercontent.com serves the content). One file per "
                 "month, stored by month: IHK's archive names files like IHK_OD_07-2023.csv "
                 "(archivedData/IHKBerlin_Gewerbedaten_MM-YYYY.csv); the live file is the current month, or "
                 "give its month with `--stand YYYY-MM`."),
))
