"""Reading an Inside Airbnb ``listings.csv`` as published or as re-saved by a spreadsheet program.

As published: ``,``-separated, UTF-8, ISO dates, quoted names with line breaks (more lines than
records), U+2028 inside some names. Re-saved by a spreadsheet: ``;``-separated, a BOM and CRLF,
German dates and decimals, 18-digit ids turned into ``6,23785E+17``, and now and then a name whose
line break was written unquoted, which breaks its record into two lines.

A record is kept only when it has exactly the header's fields, so a broken record never shifts
columns; broken records are reported with :func:`lichtenberg_data._kept.drop` and the file is
refused when more than 1 % of its records are broken. A file that ends inside a quoted field
or without its last line break is cut off and refused.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .. import _kept
from .._errors import FormatError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

GET_THE_DATA = "https://insideairbnb.com/get-the-data/"
TODO = f"Download the file again from {GET_THE_DATA} (Berlin, listings.csv)"
#: The reason under which broken records are reported (:mod:`lichtenberg_data._kept`).
BROKEN = "broken record (line break inside a field)"
#: Share of broken records above which a file is refused rather than imported without them.
MAX_BROKEN_SHARE = 0.01
_DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y", "%d-%m-%Y")
_ID = re.compile(r"\d+|\d[.,]\d+E\+\d+", re.IGNORECASE)


@dataclass
class Records:
    """The records of a listings file that have exactly the header's fields, and the broken ones."""

    header: list[str]
    rows: list[list[str]]
    #: First line of each broken record (1 = the header line).
    broken: list[int]


def read_text(path: Path) -> str:
    """The file's text: gzip unpacked, UTF-8 (BOM allowed), line endings normalised."""
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (EOFError, OSError, zlib.error) as exc:
            raise FormatError(f"{path.name}: the gzip archive is truncated or damaged ({exc}). {TODO}") from None
    if raw[:512].lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"<":
        raise FormatError(f"{path.name} is an HTML/XML page, not the listings CSV. {TODO}")
    if raw[:4] in (b"PK\x03\x04", b"\xd0\xcf\x11\xe0"):
        raise FormatError(f"{path.name} is an Excel workbook, not the listings CSV; save it as 'CSV UTF-8' or "
                          "download the original file")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FormatError(f"{path.name} is not UTF-8 (undecodable byte at position {exc.start}); save it as "
                          "'CSV UTF-8' or download the original file") from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _rows(text: str, sep: str) -> list[tuple[int, list[str]]]:
    """Each non-empty record with the number of its first line."""
    reader = csv.reader(io.StringIO(text), delimiter=sep, strict=False)
    out, line = [], 1
    for row in reader:
        if row:
            out.append((line, row))
        line = reader.line_num + 1
    return out


def _cut_off(text: str, path: Path, last: list[str], width: int) -> None:
    """Refuse a file that ends inside a quoted field or without its last line break."""
    if not text.endswith("\n"):
        raise FormatError(f"{path.name} is cut off: it does not end with a line break, so its last record "
                          f"({len(last)} of {width} fields) is incomplete (truncated download?). {TODO}")
    # every quoted field has an even number of quote characters; an odd count with a last record
    # that is short or holds a line break means the file ends inside a quoted field
    if text.count('"') % 2 and (len(last) < width or "\n" in last[-1]):
        raise FormatError(f"{path.name} is cut off: it ends inside a quoted field of its last record "
                          f"(truncated download?). {TODO}")


def _broken_records(bad: list[tuple[int, list[str]]]) -> list[int]:
    """The first line of each broken record among the lines that lack the header's width: a run
    of such lines is one record per line that starts with an id, at least one per run."""
    starts: list[int] = []
    run: list[tuple[int, list[str]]] = []
    for i, (line, row) in enumerate(bad):
        run.append((line, row))
        end = line + sum(field.count("\n") for field in row)  # a quoted line break spans lines
        if i + 1 < len(bad) and bad[i + 1][0] == end + 1:  # the next broken line follows: same run
            continue
        ids = [ln for ln, r in run if _ID.fullmatch(r[0].strip())]
        starts += ids or [run[0][0]]
        run = []
    return starts


def records(text: str, path: Path) -> Records:
    """Header and records of a listings file; broken records are reported and counted.

    Raises
    ------
    FormatError
        An empty or cut-off file, a file where most lines lack the header's fields (not a
        listings file), or more than 1 % broken records (named with count and share).
    """
    first = text.split("\n", 1)[0]
    sep = ";" if first.count(";") > first.count(",") else ","
    rows = _rows(text, sep)
    if not rows:
        raise FormatError(f"{path.name} is empty")
    header = [h.strip().lower() for h in rows[0][1]]
    width = len(header)
    _cut_off(text, path, rows[-1][1], width)
    kept = [r for _, r in rows[1:] if len(r) == width]
    bad = [(ln, r) for ln, r in rows[1:] if len(r) != width]
    if not kept or len(bad) > len(kept):
        raise FormatError(f"{path.name}: {len(bad)} of {len(rows) - 1} lines do not have the header's {width} "
                          "fields; this is not a listings file of Inside Airbnb or it is badly damaged")
    broken = _broken_records(bad)
    share = len(broken) / (len(kept) + len(broken))
    if share > MAX_BROKEN_SHARE:
        raise FormatError(
            f"{path.name}: {len(broken):,} of {len(kept) + len(broken):,} records ({share:.1%}) are broken by line "
            f"breaks inside a field (first at line {broken[0]}), more than {MAX_BROKEN_SHARE:.0%}: save the file "
            f"again as CSV with quoted fields, or download the original from {GET_THE_DATA} (Berlin, listings.csv)")
    if broken:
        _kept.drop(path, BROKEN, len(broken), examples=[f"line {n}" for n in broken])
    return Records(header, kept, broken)


def number(values: pd.Series, column: str, path: Path) -> pd.Series:
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


def dates(values: pd.Series, column: str, path: Path) -> pd.Series:
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
