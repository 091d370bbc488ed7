"""What a file is, told from its bytes, and the one-line refusal of a file a dataset does not take.

:func:`sniff` names the true kind of a file whatever its name says: an Excel workbook (xlsx, or
old xls), another zip archive, an SQLite database, a PDF, an HTML page, JSON (GeoJSON, an Overpass
answer, a bare list), XML/GML, text in UTF-8, UTF-16/32 or Latin-1, binary noise, or nothing at
all; containers that end before their end (a zip without its directory, an xls or SQLite file
shorter than its own tables say) are *cut off*. :func:`check_kind` refuses a file whose kind a
dataset's declared formats do not take, saying what was found, what the dataset takes and, only
where it is right, what to do.

Encodings are told by rule, not guessed: a BOM or the pattern of zero bytes gives UTF-16/32; the
whole file is decoded incrementally as UTF-8; text that is not UTF-8 but has no control bytes is
Latin-1/Windows-1252 (what German spreadsheet programs write). Libraries that guess among all
code pages (``charset-normalizer``) answer less plainly for these few cases.

Examples
--------
>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "EWR.csv"; _ = p.write_bytes("ZEIT;BEZ\\n2025;11\\n".encode("utf-16"))
>>> sniff(p).what
'UTF-16 text (CSV)'
>>> _ = p.write_bytes(bytes(range(256)) * 8)
>>> sniff(p).what
'binary data (no text, no known file format)'
"""

from __future__ import annotations

import codecs
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from ._errors import FormatError

__all__ = ["Found", "sniff", "check_kind", "format_names", "workbook_problem"]

_HEAD = 1 << 16

#: Magic numbers of formats no dataset takes, with how a message names them.
_MAGIC = (
    (b"%PDF", "pdf", "a PDF document"),
    (b"BZh", "bzip2", "a bzip2-compressed file"),
    (b"\xfd7zXZ\x00", "xz", "an xz-compressed file"),
    (b"7z\xbc\xaf\x27\x1c", "7z", "a 7-Zip archive"),
    (b"Rar!", "rar", "a RAR archive"),
    (b"PAR1", "parquet", "a Parquet table"),
    (b"\x89PNG", "image", "an image (PNG)"),
    (b"\xff\xd8\xff", "image", "an image (JPEG)"),
    (b"GIF8", "image", "an image (GIF)"),
    (b"\x00\x00\x27\x0a", "shp", "an ESRI shapefile geometry (.shp) without its other files"),
)

#: The kinds each declared format takes (formats of :class:`lichtenberg_data.catalog.Resource`).
_ACCEPTS = {
    "csv": {"text"},
    "xlsx": {"xlsx", "xls"},
    "xls": {"xls", "xlsx"},
    "json": {"json", "geojson", "overpass", "json-list"},
    "geojson": {"geojson", "json", "gml", "xml", "zip"},
    "gml": {"gml", "xml", "geojson", "json"},
    "zip": {"zip", "xlsx"},
    "sqlite": {"sqlite"},
}
#: How a message names the files of a declared format.
_FORMAT_NAMES = {"csv": "UTF-8 CSV", "json": "JSON", "geojson": "GeoJSON", "gml": "GML", "xlsx": "XLSX",
                 "xls": "XLS", "zip": "ZIP", "sqlite": "SQLite"}
_TEXT_FORMATS = {"csv", "json", "geojson", "gml"}
_ENCODING_NAMES = {"utf-16": "UTF-16", "utf-32": "UTF-32", "cp1252": "Latin-1/Windows-1252"}
_CONTENT_NAMES = {"text": "CSV", "json": "JSON", "geojson": "GeoJSON", "overpass": "an Overpass answer",
                  "json-list": "a JSON list", "xml": "XML", "gml": "GML", "html": "an HTML page"}


@dataclass(frozen=True)
class Found:
    """What :func:`sniff` found.

    Attributes
    ----------
    kind
        ``empty``, ``xlsx``, ``xls``, ``zip``, ``ods``, ``docx``, ``sqlite``, ``pdf``, ``gzip`` …
        (:data:`_MAGIC`), ``html``, ``xml``, ``gml``, ``json``, ``geojson``, ``overpass``,
        ``json-list``, ``text`` or ``binary``.
    what
        How a message names it: ``"an Excel workbook (xlsx)"``, ``"UTF-16 text (CSV)"`` …
    encoding
        For text: ``utf-8``, ``utf-16``, ``utf-32`` or ``cp1252``; else ``None``.
    cut
        A container that ends before its own tables say it does (an interrupted download).
    packed
        ``"gzip"`` for a gzip-compressed file (``kind`` and ``encoding`` are then those of the
        content), else ``None``.
    """

    kind: str
    what: str
    encoding: str | None = None
    cut: bool = False
    packed: str | None = None

    @property
    def text(self) -> bool:
        """Whether the file is text (of any encoding)."""
        return self.encoding is not None


def sniff(path: Path) -> Found:
    """What ``path`` is, from its bytes (never from its name).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.geojson"; _ = p.write_bytes('{"type": "FeatureCollection"}'.encode())
    >>> sniff(p).kind
    'geojson'
    >>> _ = p.write_bytes('{"name": "Mühle"}'.encode("cp1252"))
    >>> sniff(p).what
    'Latin-1/Windows-1252 text (JSON)'
    """
    size = path.stat().st_size
    with path.open("rb") as fh:
        head = fh.read(_HEAD)
    if not head.strip(b" \t\r\n"):
        return Found("empty", "empty (0 bytes)" if not head else "empty (only blank space)")
    if not head.strip(b"\x00"):
        return Found("binary", "binary data (only zero bytes)")
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _zip(path, head)
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        cut = _ole_cut(path, head, size)
        return Found("xls", "an Excel workbook (xls)" + (" that is cut off" if cut else ""), cut=cut)
    if head.startswith(b"\x1f\x8b"):
        return _gzip(path)
    if head.startswith(b"SQLite format 3\x00"):
        return _sqlite(head, size)
    for magic, kind, what in _MAGIC:
        if head.startswith(magic):
            return Found(kind, what)
    return _text(head, _all_utf8(path))


# --------------------------------------------------------------------------------- containers

def _zip(path: Path, head: bytes) -> Found:
    """A zip archive: an xlsx, ods or docx, a zipped shapefile, another archive; or cut off."""
    try:
        with zipfile.ZipFile(path) as z:
            names = z.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        office = b"xl/" in head or b"[Content_Types].xml" in head
        return Found("xlsx" if office else "zip",
                     ("an Excel workbook (xlsx)" if office else "a zip archive") + " that is cut off (it ends "
                     "before the archive's table of contents)", cut=True)
    lower = [n.lower() for n in names]
    if "xl/workbook.xml" in lower or "xl/workbook.bin" in lower:
        return Found("xlsx", "an Excel workbook (xlsx)")
    if "content.xml" in lower and b"opendocument.spreadsheet" in head:
        return Found("ods", "an OpenDocument spreadsheet (ods)")
    if "word/document.xml" in lower:
        return Found("docx", "a Word document (docx)")
    if any(n.endswith(".shp") for n in lower):
        return Found("zip", "a zip archive with a shapefile")
    return Found("zip", f"a zip archive ({len(names)} files)")


def _ole_cut(path: Path, head: bytes, size: int) -> bool:
    """Whether an OLE2 file (xls) is shorter than the sectors its allocation table uses."""
    if len(head) < 512:
        return True
    sector = 1 << int.from_bytes(head[30:32], "little")
    if sector not in (512, 4096):
        return True
    n_fat = int.from_bytes(head[44:48], "little")
    fat_sectors = [int.from_bytes(head[76 + 4 * i:80 + 4 * i], "little") for i in range(min(n_fat, 109))]
    last = 0
    with path.open("rb") as fh:
        for n, s in enumerate(fat_sectors):
            if (s + 2) * sector > size:
                return True
            fh.seek((s + 1) * sector)
            table = fh.read(sector)
            used = [i for i in range(0, sector, 4) if table[i:i + 4] != b"\xff\xff\xff\xff"]
            if used:
                last = max(last, n * (sector // 4) + used[-1] // 4)
    return (last + 2) * sector > size


def _sqlite(head: bytes, size: int) -> Found:
    """An SQLite database: a GeoPackage, a GDAL/SpatiaLite vector file or another database."""
    page = int.from_bytes(head[16:18], "big")
    page = 65536 if page == 1 else page
    pages = int.from_bytes(head[28:32], "big")
    valid = head[24:28] == head[92:96]  # the page count is valid when the change counters agree
    cut = bool(valid and pages and page * pages > size)
    if head[68:72] in (b"GPKG", b"GP10", b"GP11"):
        what = "an SQLite database (a GeoPackage)"
    elif b"geometry_columns" in head:
        what = "an SQLite database (GDAL/SpatiaLite vector layers)"
    else:
        what = "an SQLite database"
    held = f" ({size:,} of {page * pages:,} bytes)" if cut else ""
    return Found("sqlite", what + (f" that is cut off{held}" if cut else ""), cut=cut)


# --------------------------------------------------------------------------------------- text

def _encoding(head: bytes) -> tuple[str, int] | None:
    """A Unicode encoding told by the BOM or by the zero bytes, and the BOM's length."""
    for bom, enc in ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
                     (codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if head.startswith(bom):
            return enc, len(bom)
    sample = head[:4096]
    sample = sample[: len(sample) // 4 * 4]
    if not sample or sample.count(0) < len(sample) // 4:
        return None
    zeros = [sum(1 for b in sample[i::4] if b == 0) / (len(sample) / 4) for i in range(4)]
    if zeros[1] > 0.9 and zeros[2] > 0.9 and zeros[3] > 0.9:
        return "utf-32-le", 0
    if zeros[0] > 0.9 and zeros[1] > 0.9 and zeros[2] > 0.9:
        return "utf-32-be", 0
    if zeros[1] > 0.7 and zeros[3] > 0.7:
        return "utf-16-le", 0
    if zeros[0] > 0.7 and zeros[2] > 0.7:
        return "utf-16-be", 0
    return None


def _controls(text: str) -> float:
    """The share of control characters other than tab, line breaks and form feed."""
    bad = sum(1 for c in text if (ord(c) < 32 and c not in "\t\n\r\f\v") or 0x7F <= ord(c) < 0xA0)
    return bad / max(len(text), 1)


def _all_utf8(path: Path) -> bool:
    """Whether the whole file decodes as UTF-8: its mapped bytes (no copy) cast as one binary
    value to text, which Arrow validates (5x Python's decoder; a monthly IHK register is 125 MB)."""
    import mmap

    import pyarrow as pa

    if path.stat().st_size == 0:
        return True
    with open(path, "rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as data:
        buffer = pa.py_buffer(data)
        try:
            offsets = pa.array([0, len(data)], pa.int64()).buffers()[1]
            pa.Array.from_buffers(pa.large_binary(), 1, [None, offsets, buffer]).cast(pa.large_string())
            return True
        except pa.ArrowInvalid:
            return False
        finally:
            buffer = None  # the map closes only once no Arrow buffer points into it


def _gzip(path: Path) -> Found:
    """A gzip-compressed file: what its content is (told from its first bytes)."""
    import gzip
    import zlib

    try:
        with gzip.open(path, "rb") as fh:
            inner = fh.read(_HEAD)
    except (OSError, EOFError, zlib.error):
        return Found("gzip", "a gzip-compressed file that is cut off or damaged", cut=True, packed="gzip")
    if not inner.strip(b" \t\r\n"):
        return Found("gzip", "a gzip-compressed empty file", packed="gzip")
    try:
        inner.decode("utf-8")
        utf8 = True
    except UnicodeDecodeError as exc:
        utf8 = exc.start >= len(inner) - 3  # a character cut by the end of the sample
    found = _text(inner, utf8)
    if found.kind == "binary":
        return Found("gzip", "a gzip-compressed file (not text)", packed="gzip")
    what = found.what[2:] if found.what.startswith("a ") else found.what
    return Found(found.kind, f"a gzip-compressed {what}", found.encoding, packed="gzip")


def _text(head: bytes, utf8: bool) -> Found:
    """Text in a known encoding, told by its content (``utf8``: the whole file decodes as UTF-8);
    else binary data."""
    unicode = _encoding(head)
    if unicode is not None:
        enc, bom = unicode
        text = head[bom:].decode(enc, errors="replace")
        family = enc[:6]
    else:
        text, family = head.decode("utf-8", errors="replace"), "utf-8"
        if not utf8:
            text, family = head.decode("cp1252", errors="replace"), "cp1252"
    if _controls(text[:8192]) > 0.02 or text[:8192].count("\ufffd") > 0.02 * len(text[:8192]):
        return Found("binary", "binary data (no text, no known file format)")
    kind, detail = _content(text)
    if family == "utf-8":
        return Found(kind, detail, "utf-8")
    name = _ENCODING_NAMES[family]
    return Found(kind, f"{name} text ({_CONTENT_NAMES[kind]})", family)


_FEATURES = re.compile(r'"type"\s*:\s*"Feature(Collection)?"|"features"\s*:\s*\[')
_OVERPASS = re.compile(r'"elements"\s*:\s*\[|"generator"\s*:\s*"Overpass')


def _content(text: str) -> tuple[str, str]:
    """The kind of decoded text and how a message names it (in UTF-8)."""
    body = text.lstrip("\ufeff \t\r\n")
    low = body[:2048].lower()
    if body.startswith("<"):
        if re.search(r"<!doctype html|<html[\s>]|<head[\s>]|<body[\s>]", low):
            return "html", "an HTML page"
        if "exceptionreport" in low or "serviceexceptionreport" in low:
            return "xml", "an XML error answer of a web service (ExceptionReport)"
        if "opengis.net/gml" in low or "featurecollection" in low:
            return "gml", "a GML file"
        return "xml", "an XML file"
    if body.startswith("["):
        return "json-list", "a JSON list (not an object)"
    if body.startswith("{"):
        if _FEATURES.search(body[:_HEAD]):
            return "geojson", "a GeoJSON file"
        if _OVERPASS.search(body[:_HEAD]):
            return "overpass", "an Overpass API answer (OSM JSON)"
        return "json", "a JSON file"
    return "text", "a text (CSV) file"


# ------------------------------------------------------------------------------------- refusal

def format_names(formats: tuple[str, ...], *, utf8: bool = False) -> str:
    """How a message names what a dataset takes: ``"UTF-8 CSV files"``, ``"XLSX or XLS files"``;
    ``utf8`` names the encoding of every text format (where the encoding is what is wrong).

    >>> format_names(("geojson", "gml"), utf8=True)
    'UTF-8 GeoJSON or UTF-8 GML files'
    """
    names = [_FORMAT_NAMES.get(f, f.upper()) for f in formats]
    if utf8:
        names = [f"UTF-8 {n}" if f in _TEXT_FORMATS and not n.startswith("UTF-8") else n
                 for f, n in zip(formats, names)]
    return " or ".join(dict.fromkeys(names)) + " files"


def _advice(found: Found, formats: tuple[str, ...], *, act: bool = True) -> str:
    """Why, and (``act``) what to do, only where it is right for what was found."""
    again = "; download the file again" if act else ""
    if found.packed and not found.cut:
        return ": unpack it (gunzip) and pass the file inside" if act else ""
    if found.cut:
        return f": the download was interrupted{again}"
    if found.kind == "empty":
        return ": download the file again" if act else ""
    if found.kind == "binary":
        return f": this is not the data file (damaged, or another download){again}"
    if found.kind == "html":
        return f": the portal sent a web page (an error or login page) instead of the file{again}"
    if not act:
        return ""
    if found.text and found.encoding != "utf-8" and _accepted(found.kind, formats):
        how = ("'CSV UTF-8' in a spreadsheet program" if found.kind == "text" else
               f"`iconv -f {found.encoding.upper()} -t UTF-8`")
        return f": save it again as UTF-8 (e.g. {how}), or better download the original file again"
    if found.kind == "sqlite" and {"geojson", "gml"} & set(formats):
        return ": export its layer as GeoJSON (e.g. `ogr2ogr -f GeoJSON layer.geojson file.sqlite`)"
    if found.kind in ("xlsx", "xls", "ods") and "csv" in formats:
        return ": pass the portal's CSV file, not a workbook"
    return ""


def _accepted(kind: str, formats: tuple[str, ...]) -> bool:
    return any(kind in _ACCEPTS.get(f, ()) for f in formats)


def check_kind(path: Path, expect: str | tuple[str, ...], *, what: str, takes: str = "",
               advice: bool = True) -> Found:
    """Refuse a file whose kind does not fit the declared formats, naming both in one line.

    Returns what was found when the file is taken. A file that is empty, cut off, binary noise,
    an HTML page or text not in UTF-8 is refused for every format; formats this module does
    not know take anything else. ``advice=False`` leaves out what to do (a download, where the
    caller says what to do about the portal's file).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "EWR.json"; _ = p.write_text('{"a": 1}')
    >>> check_kind(p, "csv", what="EWR.json", takes="EWR_L21_YYYY12E_Matrix.csv")
    Traceback (most recent call last):
    ...
    lichtenberg_data._errors.FormatError: EWR.json is a JSON file, but this dataset takes UTF-8 CSV files (EWR_L21_YYYY12E_Matrix.csv)
    """
    formats = (expect,) if isinstance(expect, str) else tuple(dict.fromkeys(expect))
    found = sniff(path)
    known = all(f in _ACCEPTS for f in formats)
    kind_fits = _accepted(found.kind, formats) if known else found.kind not in ("empty", "binary", "html")
    encoding_fits = not (found.text and found.encoding != "utf-8" and set(formats) & _TEXT_FORMATS)
    if found.packed and not what.lower().endswith(".gz"):
        kind_fits = False  # compressed content under the name of an uncompressed file
    if kind_fits and encoding_fits and not found.cut:
        return found
    todo = _advice(found, formats, act=advice)
    if found.kind == "empty" or (kind_fits and found.cut):
        raise FormatError(f"{what} is {found.what}{todo}")
    like = f" ({takes})" if takes else ""
    utf8 = kind_fits and not encoding_fits
    raise FormatError(f"{what} is {found.what}, but this dataset takes {format_names(formats, utf8=utf8)}{like}"
                      f"{todo}")


def workbook_problem(name: str, found: Found) -> str:
    """Why a file is no intact workbook (``""`` when it is one), for the workbook readers.

    Examples
    --------
    >>> workbook_problem("T.xlsx", Found("xlsx", "an Excel workbook (xlsx)"))
    ''
    >>> workbook_problem("T.xlsx", Found("text", "UTF-16 text (CSV)", "utf-16"))
    'T.xlsx is UTF-16 text (CSV), not a workbook'
    """
    if found.kind in ("xlsx", "xls") and not found.cut:
        return ""
    if found.kind in ("xlsx", "xls"):
        return f"{name} is {found.what}{_advice(found, ('xlsx',), act=False)}"
    return f"{name} is {found.what}, not a workbook{_advice(found, ('xlsx',), act=False)}"
