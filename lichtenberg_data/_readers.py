"""Small readers shared by the source modules: strict text decoding and German numbers."""

from __future__ import annotations

import io
from pathlib import Path

from ._errors import FormatError


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
