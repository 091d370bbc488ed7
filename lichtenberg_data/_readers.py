"""Small readers shared by the source modules: strict text decoding and German numbers."""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING

from ._errors import FormatError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd


def read_text(path: Path, *, encoding: str = "utf-8") -> str:
    """Decode a text file strictly (BOM allowed); a wrong encoding is a clear FormatError.

    Line endings are normalised (CRLF and old-Mac CR become LF).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.csv"; _ = p.write_bytes("A;B\\r\\nä;1\\r\\n".encode())
    >>> read_text(p)
    'A;B\\nä;1\\n'
    """
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig" if encoding == "utf-8" else encoding)
    except UnicodeDecodeError as exc:
        from ._sniff import sniff

        found = sniff(path)
        if found.packed:
            raise FormatError(f"{path.name} is {found.what}, not {encoding.upper()} text: unpack it (gunzip) and "
                              "pass the file inside") from None
        if found.kind == "binary":
            raise FormatError(f"{path.name} is {found.what}, not {encoding.upper()} text: this is not the data "
                              "file (damaged, or another download); download the file again") from None
        raise FormatError(
            f"{path.name} is {found.what}, not {encoding.upper()} (undecodable byte at position {exc.start}): "
            "save it again as UTF-8, or better download the original file again from the portal"
        ) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def csv_frame(text: str, *, sep: str = ";", dtype: type = str) -> pd.DataFrame:
    """Read CSV text with every column as text (keys keep their leading zeros)."""
    import pandas as pd

    return pd.read_csv(io.StringIO(text), sep=sep, dtype=dtype, keep_default_na=False, na_values=[])


def german_number(series: pd.Series) -> pd.Series:
    """Turn text numbers to floats: ``"2930,00"`` → 2930.0, ``"1.234"`` stays 1.234 (dot decimal),
    ``"NA"``/empty → NaN.

    Only a comma is read as decimal separator; files that use a dot as thousands separator
    must remove it before calling this.
    """
    import pandas as pd

    text = series.astype(str).str.strip().str.replace(",", ".", regex=False)
    text = text.mask(text.isin(["", "NA", "NULL", "-", "–", "."]))
    return pd.to_numeric(text, errors="raise")


def german_numbers(frame: pd.DataFrame) -> pd.DataFrame:
    """:func:`german_number` on every column of ``frame`` at once (one conversion, not one per column).

    Examples
    --------
    >>> import pandas as pd
    >>> german_numbers(pd.DataFrame({"a": ["1,5", ""], "b": ["2", "NA"]})).to_dict("list")
    {'a': [1.5, nan], 'b': [2.0, nan]}
    """
    import pandas as pd

    flat = german_number(pd.Series(frame.to_numpy().ravel(order="F")))
    values = flat.to_numpy(dtype=float).reshape(frame.shape, order="F")
    return pd.DataFrame(values, columns=frame.columns, index=frame.index)


def check_workbook(path: Path, todo: str = "Download the file again from the publisher and pass the xlsx/xls file") -> None:
    """Raise a one-line :class:`FormatError` unless ``path`` is an intact xlsx or xls workbook
    (told from its bytes: :func:`lichtenberg_data._sniff.sniff`).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "T.xlsx"; _ = p.write_bytes(b"<html><body>Fehler</body></html>")
    >>> check_workbook(p)
    Traceback (most recent call last):
    ...
    lichtenberg_data._errors.FormatError: T.xlsx is an HTML page, not a workbook: the portal sent a web page (an error or login page) instead of the file. Download the file again from the publisher and pass the xlsx/xls file
    """
    from ._sniff import sniff, workbook_problem

    problem = workbook_problem(path.name, sniff(path))
    if problem:
        raise FormatError(f"{problem}. {todo}")


def open_workbook(path: Path, todo: str = "Download the file again from the publisher and pass the xlsx/xls file"):
    """The :class:`python_calamine.CalamineWorkbook` of ``path``, opened by its content (an xlsx
    named ``.xls`` reads as the xlsx it is); a one-line :class:`FormatError` naming what the
    file is when it is no intact workbook.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "T.xls"; _ = p.write_bytes(bytes(range(256)) * 4)
    >>> open_workbook(p)
    Traceback (most recent call last):
    ...
    lichtenberg_data._errors.FormatError: T.xls is binary data (no text, no known file format), not a workbook: this is not the data file (damaged, or another download). Download the file again from the publisher and pass the xlsx/xls file
    """
    from python_calamine import CalamineWorkbook

    check_workbook(path, todo)
    try:
        return CalamineWorkbook.from_filelike(io.BytesIO(path.read_bytes()))
    except Exception as err:  # noqa: BLE001 - calamine raises its own zip and xml errors
        cause = " ".join(f"{type(err).__name__}: {err}".split())[:160]
        raise FormatError(f"{path.name} is a damaged workbook that cannot be read ({cause}). {todo}") from None


#: Written into every sample file the demo generates (xlsx: the document keywords; JSON: a top-level
#: member; CSV: a text field), so a sample file stays marked however it arrives.
SAMPLE_TOKEN = "LICHTENBERG_DATA_SAMPLE"


def is_sample_file(path: Path) -> bool:
    """Whether ``path`` is a sample file generated by :mod:`lichtenberg_data.demo`, however it
    arrives: as written, zipped (also a sample inside a zip with other files, and an xlsx whose
    document keywords carry the mark), gzipped, or re-saved by a program that keeps the mark.

    Examples
    --------
    >>> import tempfile, pathlib, gzip
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.json"; _ = p.write_text('{"LICHTENBERG_DATA_SAMPLE": true}')
    >>> is_sample_file(p)
    True
    >>> g = p.with_suffix(".json.gz"); _ = g.write_bytes(gzip.compress(p.read_bytes()))
    >>> is_sample_file(g)
    True
    """
    import zipfile

    if zipfile.is_zipfile(path):
        return _zip_marked(path, depth=2)
    with path.open("rb") as fh:
        head = fh.read(2)
    if head == b"\x1f\x8b":
        import gzip
        import io
        import zlib

        try:
            with gzip.open(path, "rb") as fh:
                inner = fh.read(_MARK_SCAN_BYTES)
        except (OSError, EOFError, zlib.error):
            return False
        if inner[:4] == b"PK\x03\x04":  # a gzipped workbook or archive
            return _zip_marked(io.BytesIO(inner), depth=1)
        return _carries_mark(lambda: io.BytesIO(inner))
    return _carries_mark(lambda: path.open("rb"))


def _zip_marked(source, depth: int) -> bool:
    """Whether a member of a zip archive (an xlsx: its document keywords) carries the mark; a zip
    or workbook inside it is opened too, ``depth`` levels deep."""
    import io
    import zipfile

    try:
        with zipfile.ZipFile(source) as z:
            names = set(z.namelist())
            if "xl/workbook.xml" in names:  # a workbook carries the mark in its document keywords only
                return "docProps/core.xml" in names and SAMPLE_TOKEN.encode() in z.read("docProps/core.xml")
            for info in z.infolist():
                if info.is_dir():
                    continue
                if _carries_mark(lambda info=info: z.open(info)):
                    return True
                if depth > 1 and info.file_size <= _MARK_SCAN_BYTES:
                    with z.open(info) as fh:
                        if fh.read(4) == b"PK\x03\x04" and _zip_marked(io.BytesIO(z.read(info)), depth - 1):
                            return True
    except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError, EOFError):
        return False
    return False


#: How much of a packed file (zip member, gzip stream) is searched for the sample mark.
_MARK_SCAN_BYTES = 512 * 2**20


def _carries_mark(opener) -> bool:
    """Whether the stream ``opener()`` gives holds :data:`SAMPLE_TOKEN` (read in chunks, at most
    :data:`_MARK_SCAN_BYTES`; a damaged stream counts as unmarked)."""
    import zlib

    token = SAMPLE_TOKEN.encode()
    tail, seen = b"", 0
    try:
        with opener() as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                if token in tail + chunk:
                    return True
                tail = chunk[-len(token):]
                seen += len(chunk)
                if seen >= _MARK_SCAN_BYTES:
                    return False
    except (OSError, EOFError, zlib.error):
        return False
    return False
