"""Reading the IHK register's CSV with Arrow: typed columns, text work once per distinct value.

The file's bytes go straight into Arrow's multi-threaded CSV reader (it skips a BOM and takes
LF, CRLF and old-Mac CR line ends alike). The three columns with a value per row
(``opendata_id``, ``latitude``, ``longitude``) arrive as text; every other column arrives
dictionary-encoded, as its distinct values and one index per row (:class:`Coded`): a register
of 400,000 rows has a few thousand distinct values in all, and every text operation (stripping,
``NULL``, the employee bands, the Bezirk keys, the WZ section) runs on those and is spread back
to the rows by the indices once, at the end.

Each operation is the one the earlier pandas parser applied to every row (pandas' Arrow string
methods call the same ``pyarrow.compute`` kernels); an operation that looks at each value alone
gives the same column whether it runs on the rows or on the distinct values.
"""

from __future__ import annotations

import io
import mmap
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._errors import FormatError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    import pyarrow as pa

#: Columns with (nearly) one value per row: read as text, not dictionary-encoded.
PER_ROW = ("opendata_id", "latitude", "longitude")
#: The bytes read for the header (a header line is far shorter).
_HEAD = 1 << 16
#: Bytes per block of the CSV reader: 4 MB (not Arrow's 1 MB) spends less time per block on
#: a monthly file of 90-125 MB and still gives both cores blocks to parse.
_BLOCK = 4 << 20
#: Cells that mean "no value" once stripped.
NULLS = ("", "NULL", "NaN", "null")


@dataclass
class Coded:
    """A column as its distinct values (a pandas Series, any dtype) and one index per row."""

    values: pd.Series
    indices: pa.Array

    def map(self, func: Any) -> Coded:
        """The column with ``func`` applied to its distinct values (a Series in, a Series out)."""
        return Coded(func(self.values), self.indices)

    def rows(self, type_: pa.DataType | None = None) -> pa.Array:
        """The values spread to the rows, as an Arrow array (``type_``: its Arrow type)."""
        import pyarrow as pa

        values = pa.array(self.values, type=type_, from_pandas=True)
        return values.take(self.indices)


def name(raw: str) -> str:
    """A header cell as the parser names the column: stripped, unquoted, lower case."""
    return raw.strip().strip("'").lower()


def read(path: Path, wanted: tuple[str, ...], required: set[str]) -> tuple[dict[str, Any], int]:
    """The ``wanted`` columns of an IHK CSV (the coded ones stripped, ``NULL`` cells missing).

    Returns the columns by name (an Arrow string array for :data:`PER_ROW`, as read: :func:`clean`
    or :func:`numbers` take it from there; a :class:`Coded` column, already cleaned, for the
    others; a wanted column the file lacks is absent) and the number of rows.

    Raises
    ------
    FormatError
        When a ``required`` column is missing, or the file is not UTF-8 text (the message of
        :func:`lichtenberg_data._readers.read_text`).
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv

    if path.stat().st_size == 0:
        raise FormatError(f"{path.name} is empty (0 bytes)")
    with open(path, "rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as data:
        head = data[:_HEAD].removeprefix(b"\xef\xbb\xbf")
        crs = data.find(b"\r") >= 0  # line ends inside quoted values become LF, as the text reader made them
    ends = [i for i in (head.find(b"\n"), head.find(b"\r")) if i >= 0]
    header = head[: min(ends)] if ends else head
    sep = ";" if header.count(b";") > header.count(b",") else ","
    parse = pacsv.ParseOptions(delimiter=sep)
    try:
        raw = pacsv.read_csv(io.BytesIO(header + b"\n"), parse_options=parse).column_names
        names = [name(c) for c in raw]
        missing = sorted(required - {n for n in names if n and not n.startswith("unnamed")})
        if missing:
            raise FormatError(f"{path.name} lacks the IHK columns {', '.join(missing)}")
        per_row = {c for c, n in zip(raw, names) if n in PER_ROW}
        coded = pa.dictionary(pa.int32(), pa.string())
        convert = pacsv.ConvertOptions(column_types={c: pa.string() if c in per_row else coded for c in raw},
                                       strings_can_be_null=False, null_values=[])
        with pa.memory_map(str(path)) as source:  # the file's pages as they are, no copy
            table = pacsv.read_csv(source, read_options=pacsv.ReadOptions(block_size=_BLOCK), parse_options=parse,
                                   convert_options=convert)
    except pa.ArrowInvalid:
        _utf8(path)
        raise
    out: dict[str, Any] = {}
    for i, n in enumerate(names):
        if n in wanted and n not in out:
            column = table.column(i)
            out[n] = _text(column, crs) if n in PER_ROW else _coded(column, crs)
    return out, table.num_rows


def _utf8(path: Path) -> None:
    """Raise the text reader's message when the file is not UTF-8 (the CSV reader's is terse)."""
    try:
        path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        from .._readers import read_text

        read_text(path)


def _text(column: pa.ChunkedArray, crs: bool) -> pa.Array:
    """A per-row text column as one array, line ends inside values as LF (not yet :func:`clean`)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    values = column.combine_chunks() if column.num_chunks else pa.array([], pa.string())
    if crs and pc.any(pc.match_substring(values, "\r")).as_py():
        values = pc.replace_substring(pc.replace_substring(values, "\r\n", "\n"), "\r", "\n")
    return values


def clean(values: pa.Array) -> pa.Array:
    """Text stripped of blanks and ``'``, ``NULL`` cells missing (what :func:`_coded` does to
    distinct values, here on every row)."""
    import pyarrow.compute as pc

    values = pc.utf8_trim(pc.utf8_trim_whitespace(values), characters="'")
    return _nulled(values)


def _nulled(values: pa.Array) -> pa.Array:
    import pyarrow as pa
    import pyarrow.compute as pc

    return pc.if_else(pc.is_in(values, value_set=pa.array(NULLS)), pa.scalar(None, values.type), values)


def _coded(column: pa.ChunkedArray, crs: bool) -> Coded:
    """A dictionary-encoded column as :class:`Coded`, its distinct values stripped, ``NULL`` missing."""
    import pyarrow as pa

    if column.num_chunks:
        both = column.combine_chunks()  # one dictionary for all chunks
        dictionary, indices = both.dictionary, both.indices
    else:
        dictionary, indices = pa.array([], pa.string()), pa.array([], pa.int32())
    values = dictionary.to_pandas()
    if crs:
        values = values.str.replace("\r\n", "\n", regex=False).str.replace("\r", "\n", regex=False)
    values = values.str.strip().str.strip("'")
    return Coded(values.mask(values.isin(NULLS)), indices)


def numbers(values: pa.Array) -> pa.Array:
    """Decimal numbers from per-row text with a comma or a dot (``52,4887`` or ``52.4887``) as
    float64; ``NULL`` cells and text that is no number become missing.

    The cells are cast as they are when every one is a number or ``NULL`` (the usual file);
    else they are :func:`clean`-ed first and what is still no number is missing (pandas'
    ``to_numeric(errors="coerce")``). A cell the plain cast takes is one cleaning leaves as it
    is, so both ways give the same numbers.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        return pc.cast(pc.replace_substring(_nulled(values), ",", "."), pa.float64())
    except pa.ArrowInvalid:
        pass
    dotted = pc.replace_substring(clean(values), ",", ".")
    try:
        return pc.cast(dotted, pa.float64())
    except pa.ArrowInvalid:  # a cell that is no number: pandas' rule, missing
        import pandas as pd

        return pa.array(pd.to_numeric(dotted.to_pandas(), errors="coerce"), type=pa.float64(), from_pandas=True)


def frame(columns: dict[str, pa.Array]) -> pd.DataFrame:
    """The columns as one pandas DataFrame (text as pandas' Arrow-backed ``str``, integers as
    nullable ``Int64``): the one conversion of the parse."""
    import pandas as pd
    import pyarrow as pa

    table = pa.table({k: v.cast(pa.large_string()) if pa.types.is_string(v.type) else v for k, v in columns.items()})
    return table.to_pandas(types_mapper={pa.int64(): pd.Int64Dtype()}.get)
