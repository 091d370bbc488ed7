"""The IHK parser and the monthly writer as they were before the Arrow rewrite (commit 197a6c9):
pandas string operations on every row, a group-by copy per month, ``DataFrame.to_parquet``.

Kept only as the reference the new import must equal (``tests/test_sources_business.py``):
same columns, dtypes, values and stored schema for ``ld.load`` and ``ld.connect``.
"""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pandas as pd

from lichtenberg_data._readers import read_text
from lichtenberg_data.names import BEZIRKE
from lichtenberg_data.sources._wz import DIVISIONS
from lichtenberg_data.sources.business import (
    _REQUIRED,
    BUSINESS_TYPES,
    COLUMNS,
    _bands,
    _lookup_bezirk,
    _snapshot_date,
    business_type_swap,
)

_NULLS = {"", "NULL", "null", "NaN"}


def parse_ihk(path: Path, *, snapshot: date | None = None) -> pd.DataFrame:
    """The parser of commit 197a6c9, line for line."""
    from lichtenberg_data._errors import FormatError
    from lichtenberg_data._filefacts import current

    text = read_text(path)
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
    if unknown.any():
        df.loc[unknown, "bezirk_id"] = df.loc[unknown, "bezirk"].map(_lookup_bezirk)
    facts = current()
    named = snapshot or _snapshot_date(path.name)
    month = f"{named:%Y-%m}" if named else facts.stand
    swapped, basis = business_type_swap(month, facts.obtained, facts.option("business_type_swapped"))
    if swapped:
        first, second = BUSINESS_TYPES
        df["business_type"] = df["business_type"].replace({first: second, second: first})
    df["business_type_swapped_back"] = swapped
    df["business_type_basis"] = basis
    stand = named or date.today().replace(day=1)
    df.insert(1, "date", pd.Timestamp(stand))
    return df.reset_index(drop=True)


def _read_all_text(text: str, sep: str) -> pd.DataFrame:
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


def split(df: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """``_partitions.split`` of commit 197a6c9: a group-by copy per month."""
    keys = df["date"].dt.to_period("M").astype(str)
    return {k: part.reset_index(drop=True) for k, part in df.groupby(keys, sort=True)}
