"""Small readers shared by the source modules: strict text decoding and German numbers."""

from __future__ import annotations

import io
from pathlib import Path

from ._errors import FormatError, dataset_error


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
        guess = "Latin-1/Windows-1252" if _is_cp1252(raw) else "an unknown encoding"
        raise FormatError(
            f"{path.name} is not {encoding.upper()} (looks like {guess}; undecodable byte at position {exc.start}). "
            "Download the file again from the portal instead of saving it from a spreadsheet program"
        ) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _is_cp1252(raw: bytes) -> bool:
    try:
        raw.decode("cp1252")
    except UnicodeDecodeError:
        return False
    return True


def csv_frame(text: str, *, sep: str = ";", dtype: type = str):
    """Read CSV text with every column as text (keys keep their leading zeros)."""
    import pandas as pd

    return pd.read_csv(io.StringIO(text), sep=sep, dtype=dtype, keep_default_na=False, na_values=[])


def german_number(series):
    """Turn text numbers to floats: ``"2930,00"`` → 2930.0, ``"1.234"`` stays 1.234 (dot decimal),
    ``"NA"``/empty → NaN.

    Only a comma is read as decimal separator; files that use a dot as thousands separator
    must remove it before calling this.
    """
    import pandas as pd

    text = series.astype(str).str.strip().str.replace(",", ".", regex=False)
    text = text.mask(text.isin(["", "NA", "NULL", "-", "–", "."]))
    return pd.to_numeric(text, errors="raise")


def check_workbook(path: Path, todo: str = "Download the file again from the publisher and pass the xlsx/xls file") -> None:
    """Raise a one-line :class:`FormatError` unless ``path`` starts like an xlsx (zip) or xls (OLE) file.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "T.xlsx"; _ = p.write_bytes(b"<html><body>Fehler</body></html>")
    >>> check_workbook(p)
    Traceback (most recent call last):
    ...
    lichtenberg_data._errors.FormatError: T.xlsx: this is an HTML/XML page, not a workbook (often an error page saved as .xlsx). Download the file again from the publisher and pass the xlsx/xls file
    """
    with path.open("rb") as fh:
        head = fh.read(512)
    if not head:
        cause = "the file is empty"
    elif head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"<":
        cause = "this is an HTML/XML page, not a workbook (often an error page saved as .xlsx)"
    elif not head.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        cause = f"this is not an Excel workbook (it starts with {head[:8]!r})"
    else:
        return
    raise dataset_error(FormatError, path.name, cause, todo)
