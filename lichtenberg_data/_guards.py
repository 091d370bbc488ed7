"""Guards against cut files: a file must end where its format ends, and a new copy of an edition
must not hold far fewer rows than the stored one. (And the first guard of all, :func:`check_body`:
not empty, not an HTML page.)

:func:`check_complete` reads a file's bytes before any parser sees it: the last record of a CSV
complete (no open quote) and as wide as the header, a JSON document closed, an XML document's
root element closed, a zip (xlsx) with its central directory, an old Excel (OLE) file of whole
sectors, a gzip stream with its end marker. :func:`check_rows` compares the rows a parsed edition
gives with the rows the data folder holds of the same edition (same Stand; with
``Dataset.edition_period == "month"`` the same month) and refuses a drop of more than
:data:`MAX_DROP`, unless the caller accepts it (``--accept-fewer-rows``).

Both raise :class:`~lichtenberg_data._errors.CutOffError` with a message naming the file and the
cut (or both row counts); nothing has been changed when they do.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
import zlib
from datetime import date
from pathlib import Path
from typing import Any

from ._errors import CutOffError, FormatError

__all__ = ["MAX_DROP", "check_complete", "check_rows", "edition", "same_edition"]

#: The largest share of rows an edition may lose against its stored copy without being refused.
MAX_DROP = 0.10
#: Advice of a refusal for fewer rows (the import and refresh commands take this flag).
ACCEPT_FLAG = "--accept-fewer-rows"
_SEPARATORS = (";", ",", "\t", "|")


# ----------------------------------------------------------------------------------- editions
def edition(stand: Any, period: str = "day") -> str | None:
    """The edition a Stand belongs to: ``YYYY-MM-DD``, or ``YYYY-MM`` for ``period="month"``.

    Examples
    --------
    >>> edition("2025-09-24", "month"), edition(date(2020, 12, 31)), edition(None)
    ('2025-09', '2020-12-31', None)
    """
    if stand is None or stand == "":
        return None
    text = stand.isoformat() if isinstance(stand, date) else str(stand)
    return text[:7] if period == "month" else text[:10]


def same_edition(a: Any, b: Any, period: str = "day") -> bool:
    """Whether two Stands are the same edition (two unknown Stands count as the same)."""
    return edition(a, period) == edition(b, period)


def check_rows(dataset_id: str, files: str, stand: Any, new: int, old: int | None, *,
               period: str = "day", accept: bool = False) -> None:
    """Refuse ``new`` rows for an edition of which ``old`` rows are stored, when more than
    :data:`MAX_DROP` fewer (unless ``accept``).

    Examples
    --------
    >>> check_rows("einwohner_ortsteile", "EWR_Ortsteile_2020-12-31.csv", "2020-12-31", 3691, 7276)
    Traceback (most recent call last):
    ...
    lichtenberg_data._errors.CutOffError: EWR_Ortsteile_2020-12-31.csv gives 3,691 rows for the edition of 31.12.2020, but the stored copy of that edition has 7,276 (49 % fewer): the file is probably cut off
    >>> check_rows("x", "a.csv", None, 95, 100)   # 5 % fewer: taken
    """
    if accept or not old or new >= old * (1 - MAX_DROP):
        return
    which = edition(stand, period)
    drop = round(100 * (old - new) / old)
    if which is None:
        what = f"{files} gives {new:,} rows, but the stored copy has {old:,}"
    else:
        label = f"{which[5:7]}/{which[:4]}" if len(which) == 7 else f"{which[8:10]}.{which[5:7]}.{which[:4]}"
        what = f"{files} gives {new:,} rows for the edition of {label}, but the stored copy of that edition has {old:,}"
    raise CutOffError(f"{what} ({drop} % fewer): the file is probably cut off",
                      advice=f"download it again, or pass {ACCEPT_FLAG} if this edition really has fewer rows")


# ----------------------------------------------------------------------------------- files
def check_complete(path: Path, formats: tuple[str, ...] = (), *, what: str | None = None) -> None:
    """Refuse a file that ends before its format does (:class:`CutOffError`).

    ``formats`` are the formats the dataset takes (``csv``, ``json`` ...): the width check of a
    text file runs only where CSV is taken (other text is for the file sniffer to name).

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "IHK_OD_03-2023.csv"
    >>> _ = p.write_bytes(b"a;b;c;d\\n1;2;3;4\\n5;6")
    >>> check_complete(p, ("csv",))
    Traceback (most recent call last):
    ...
    lichtenberg_data._errors.CutOffError: IHK_OD_03-2023.csv ends in the middle of a record (its last line has 2 of 4 fields): the file was cut off
    """
    what = what or path.name
    cause = _file_cause(path, formats)
    if cause:
        raise CutOffError(f"{what} {cause}", advice="download it again")


def _file_cause(path: Path, formats: tuple[str, ...]) -> str | None:
    """:func:`_cause` of a file. A CSV is looked at through a memory map, neither read into
    memory nor copied (a monthly IHK register is 125 MB); other files are read."""
    import mmap

    if "csv" in formats and path.stat().st_size:
        with open(path, "rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as data:
            if _kind(data[:65536]) == "csv":
                return _csv_cause(data)
    return _cause(path.read_bytes(), formats)


def _kind(head: bytes) -> str:
    """Which check a file's first bytes call for: ``gzip``, ``zip``, ``ole``, ``sqlite``, ``json``,
    ``xml``, ``csv`` (text) or ``other``."""
    for magic, kind in ((b"\x1f\x8b", "gzip"), (b"PK\x03\x04", "zip"), (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole"),
                        (b"SQLite format 3\x00", "sqlite")):
        if head.startswith(magic):
            return kind
    start = head[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if start in (b"{", b"["):
        return "json"
    if start == b"<":
        return "xml"
    return "csv" if _is_text(head) else "other"


def _cause(data: bytes, formats: tuple[str, ...]) -> str | None:
    """Why ``data`` ends before its format does, or ``None``."""
    if data[:2] == b"\x1f\x8b":
        return _gzip_cause(data, formats)
    if data[:4] == b"PK\x03\x04":
        try:
            zipfile.ZipFile(io.BytesIO(data)).close()
        except (zipfile.BadZipFile, OSError, ValueError):
            return "is a zip archive (xlsx) that is cut off or damaged (its table of contents is missing)"
        return None
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return _ole_cause(data)
    if data[:16] == b"SQLite format 3\x00":
        return _sqlite_cause(data)
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head[:1] in (b"{", b"["):
        return _json_cause(data)
    if head[:1] == b"<":
        return _xml_cause(data)
    if "csv" in formats and _is_text(data[:65536]):
        return _csv_cause(data)
    return None


def _gzip_cause(data: bytes, formats: tuple[str, ...]) -> str | None:
    try:
        inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)
        body = inflater.decompress(data)
    except zlib.error:
        return "is a gzip archive that is damaged"
    if not inflater.eof:
        return "is a gzip archive that was cut off (its end is missing)"
    return _cause(body, formats) if body[:2] != b"\x1f\x8b" else None


def _ole_cause(data: bytes) -> str | None:
    """An old Excel file (OLE compound document) must hold every sector its allocation table uses."""
    shift = int.from_bytes(data[30:32], "little") if len(data) >= 512 else 9
    sector = 1 << shift if shift in (9, 12) else 512
    used = 0  # sectors the file allocation table (of the FAT sectors listed in the header) marks as used
    for i in range(109):
        fat = int.from_bytes(data[76 + 4 * i:80 + 4 * i], "little") if len(data) >= 80 + 4 * i else 0xFFFFFFFF
        if fat >= 0xFFFFFFFA:
            continue
        start = (fat + 1) * sector
        if start + sector > len(data):
            used = max(used, fat + 1)
            continue
        entries = memoryview(data)[start:start + sector].cast("I")
        last = max((j for j in range(len(entries)) if entries[j] != 0xFFFFFFFF), default=-1)
        used = max(used, (i * (sector // 4)) + last + 1, fat + 1)
    need = (used + 1) * sector  # the header takes the first sector
    if len(data) < 512 or len(data) < need:
        return (f"is an Excel workbook (xls) that was cut off ({len(data):,} bytes; its sector table needs "
                f"{need:,})")
    return None


def _sqlite_cause(data: bytes) -> str | None:
    """A SQLite database must be as long as its header says (page size x page count)."""
    size = int.from_bytes(data[16:18], "big")
    size = 65536 if size == 1 else size
    pages = int.from_bytes(data[28:32], "big")
    valid = data[24:28] == data[92:96]  # the page count is valid only when both counters agree
    if len(data) < 100 or valid and pages and len(data) < size * pages:
        return f"is a SQLite database that was cut off ({len(data):,} of {size * pages:,} bytes)"
    return None


_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)


def _json_cause(data: bytes) -> str | None:
    """A JSON document must close every ``{`` and ``[`` it opens (strings do not count)."""
    depth = data.count(b"{") - data.count(b"}") + data.count(b"[") - data.count(b"]")
    if depth == 0 and data.count(b'"') % 2 == 0:
        return None  # balanced at C speed; brackets or escaped quotes inside strings take the exact way below
    bare = _JSON_STRING.sub(b"", data)
    if b'"' in bare:
        return "ends inside a text value (an opening \" without its closing one): the file was cut off"
    depth = bare.count(b"{") - bare.count(b"}") + bare.count(b"[") - bare.count(b"]")
    if depth > 0:
        return f"ends before the JSON document is closed ({depth} brackets left open): the file was cut off"
    return None


_XML_PROLOG = re.compile(rb"\s*(?:<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>|\s)*<([A-Za-z_][\w.:-]*)", re.DOTALL)
_XML_TAIL = re.compile(rb"(?:<!--.*?-->|<\?.*?\?>|\s)*\Z", re.DOTALL)


def _xml_cause(data: bytes) -> str | None:
    """An XML document (GML, a WFS answer) must close its root element."""
    start = _XML_PROLOG.match(data.lstrip(b"\xef\xbb\xbf"))
    if start is None:
        return None  # not XML the way we know it: the parser names it
    root = start.group(1)
    tail = data[-4096:]
    tail = tail[: _XML_TAIL.search(tail).start()]
    if re.search(rb"</\s*" + re.escape(root) + rb"\s*>\Z", tail) or tail.endswith(b"/>") and data.count(b"<") <= 2:
        return None
    return f"ends before its root element <{root.decode(errors='replace')}> is closed: the file was cut off"


def _is_text(head: bytes) -> bool:
    """Text the CSV check can read: no NUL bytes, few control characters."""
    if b"\x00" in head:
        return False
    control = sum(1 for b in head if b < 32 and b not in (9, 10, 13))
    return control <= len(head) // 100


def _csv_cause(data: bytes) -> str | None:
    """The last record of a CSV: no open quote at the end, and as wide as the header (or as
    the record before it, where every record is narrower than the header). Works on offsets, so
    a register of 100 MB is not copied."""
    begin = 3 if data[:3] == b"\xef\xbb\xbf" else 0
    eol = b"\n" if data.find(b"\n", begin) >= 0 else b"\r"
    end = len(data)
    while end > begin and data[end - 1] in b"\r\n":
        end -= 1
    if end == begin:
        return None
    total = _count(data, b'"', begin, end)
    if total % 2:
        return "ends inside a quoted field (an opening \" without its closing one): the file was cut off"
    header_end = data.find(eol, begin, end)
    if header_end < 0:
        return None  # a header only
    sep, width = _separator(data[begin:header_end].decode("utf-8", errors="replace").rstrip("\r"))
    if width < 2:
        return None
    last_start = _record_start(data, begin, end, end, eol, total)
    if last_start <= header_end:
        return None
    last = _fields(data[last_start:end], sep)
    prev_start = _record_start(data, begin, last_start - len(eol), end, eol, total)
    prev = _fields(data[prev_start:last_start], sep) if prev_start > header_end else width
    if last < width and last < prev:
        return f"ends in the middle of a record (its last line has {last} of {width} fields): the file was cut off"
    return None


def _separator(header: str) -> tuple[str, int]:
    """The separator giving the header the most fields, and that number."""
    best = max(_SEPARATORS, key=lambda s: (_fields(header.encode(), s), s == ";"))
    return best, _fields(header.encode(), best)


def _record_start(data: bytes, begin: int, end: int, stop: int, eol: bytes, total: int) -> int:
    """Where the record ending at ``end`` begins: after the last line break before ``end`` that
    lies outside quotes (an even number of quotes before it; ``total`` quotes lie before ``stop``)."""
    pos = end
    while True:
        pos = data.rfind(eol, begin, pos)
        if pos < 0:
            return begin
        if (total - _count(data, b'"', pos, stop)) % 2 == 0:
            return pos + len(eol)


def _count(data: Any, byte: bytes, start: int, end: int) -> int:
    """How often ``byte`` occurs in ``data[start:end]``; a memory map is counted by numpy in place."""
    if isinstance(data, bytes):
        return data.count(byte, start, end)
    import numpy as np

    return int(np.count_nonzero(np.frombuffer(data, np.uint8, count=max(end - start, 0), offset=start) == byte[0]))


def _fields(record: bytes, sep: str) -> int:
    text = record.decode("utf-8", errors="replace").strip("\r\n")
    row = next(csv.reader(io.StringIO(text, newline=""), delimiter=sep), [])
    return len(row)


# ----------------------------------------------------------------------------------- bodies
_HTML_MARKERS = (b"<!doctype html", b"<html", b"<head", b"<body")


def looks_like_html(head: bytes) -> bool:
    """Whether the first bytes of a body are an HTML page."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith(b"<?xml"):  # XHTML error pages (Overpass API) start with an XML declaration
        text = text[text.find(b"?>") + 2:].lstrip()
    return any(text.startswith(m) for m in _HTML_MARKERS)


def check_body(path: Path, expect: str, *, what: str) -> None:
    """Refuse an empty file, and an HTML page where data (``expect`` not html) was expected."""
    size = path.stat().st_size
    if size == 0:
        raise FormatError(f"{what} is empty (0 bytes)")
    with open(path, "rb") as fh:
        head = fh.read(1024)
    if expect != "html" and looks_like_html(head):
        raise FormatError(f"{what} is an HTML page, not {expect or 'data'} (portal error or login page)")
