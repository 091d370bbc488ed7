"""Cells of AfS report workbooks: numbers and symbols, labels, empty rows, clean text.

Shared by the table reader (:mod:`lichtenberg_data.afs`) and the Bezirk finder
(:mod:`lichtenberg_data._afs_bezirke`).
"""

from __future__ import annotations

import math
import re
from datetime import date

__all__ = ["parse_value"]

_NAN = math.nan
_SYMBOLS = {"–": (0.0, "–"), "-": (0.0, "–"), "—": (0.0, "–"), ".": (_NAN, "."),
            "…": (_NAN, "…"), "...": (_NAN, "…"), "•": (_NAN, "•"), "x": (_NAN, "x"),
            "X": (_NAN, "x"), "/": (_NAN, "/")}
_NUMBER = re.compile(r"\d{1,3}(?:[ .]\d{3})+(?:,\d+)?|\d+(?:,\d+)?|\d+\.\d+")
_THOUSANDS = re.compile(r"\d{1,3}(?:[ .]\d{3})+(?:,\d+)?")
_SUPERSCRIPTS = re.compile("(?<!m)[¹²³⁴⁵⁶⁷⁸⁹⁰]+")  # but keep m², m³
_RANGE_WORDS = {"unter", "über", "bis", "ab", "von", "mit", "und", "je", "sp."}


def parse_value(cell: object) -> tuple[float, str | None] | None:
    """Return ``(value, flag)`` for one cell of a value column, ``None`` if it holds no value.

    German numbers ("1 234", "1.234", "12,5", "– 97,1") become floats. AfS symbols: ``–``
    nothing (0, "–"); ``0`` as text, less than half a unit (0, "0"); ``.``/``…`` not yet
    available, ``•`` secret, ``x`` not applicable, ``/`` too uncertain (all NaN, the symbol as
    flag); ``(12)`` limited value (12, "()"); suffixes ``p``/``r``/``s`` keep the value with flag
    "p"/"r"/"s". Numbers stored as numbers, 0 included, carry no flag; empty cells (NaN, None).

    Examples
    --------
    >>> parse_value("1 234"), parse_value("12,5 p"), parse_value("–"), parse_value("(7)")
    ((1234.0, None), (12.5, 'p'), (0.0, '–'), (7.0, '()'))
    >>> parse_value("0"), parse_value(0.0), parse_value("•"), parse_value("Mitte")
    ((0.0, '0'), (0.0, None), (nan, '•'), None)
    """
    if isinstance(cell, bool) or not isinstance(cell, (int, float, str)):
        return None
    if not isinstance(cell, str):
        return float(cell), None
    text = " ".join(cell.replace("\u2009", " ").replace("\u202f", " ").split())
    if not text or text in _SYMBOLS:
        return _SYMBOLS.get(text, (_NAN, None))
    flag = ""
    if m := re.fullmatch(r"(.*?[\d)])\s?([prs])", text):
        text, flag = m.group(1), m.group(2)
    if text.startswith("(") and text.endswith(")"):
        text, flag = text[1:-1].strip(), "()" + flag
    sign = -1.0 if text[:1] in "–−-" and len(text) > 1 else 1.0
    text = text[1:].strip() if sign < 0 else text
    if not _NUMBER.fullmatch(text):
        return None
    if "," in text or _THOUSANDS.fullmatch(text):
        text = text.replace(" ", "").replace(".", "").replace(",", ".")
    value = sign * float(text)
    return value, flag or ("0" if value == 0 else None)


def _is_data_row(row: list) -> bool:
    """A label in the first or second column and a value right of it."""
    for col in (0, 1):
        if col < len(row) and _is_label(row[col], col):
            return any(_is_value(v) for v in row[col + 1:])
    return False


def _is_label(cell: object, col: int) -> bool:
    if _empty(cell):
        return False
    if isinstance(cell, (str, date)):
        return col == 0 or not _is_value(cell)
    return col == 0  # years or running numbers in the first column


def _is_value(cell: object) -> bool:
    return not _empty(cell) and parse_value(cell) is not None


def _empty(cell: object) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _row_empty(row: list) -> bool:
    return all(_empty(c) for c in row)


def _clean(text: object, notes: set[str] = frozenset()) -> str:
    """One line without soft hyphenation, footnote markers and extra spaces.

    >>> _clean("Friedrichs-\\nhain-\\nKreuz-\\nberg"), _clean("Ins-\\ngesamt 1)"), _clean("ledig ¹")
    ('Friedrichshain-Kreuzberg', 'Insgesamt', 'ledig')
    """
    text = _SUPERSCRIPTS.sub("", str(text)).replace("\xa0", " ").replace("\u00ad", "")
    text = "\n".join(_strip_marker(line, notes) for line in text.splitlines())
    text = re.sub(r"-[ \t]*\n\s*(?=[a-zäöüß])(?!(?:und|oder|bzw)\b)", "", text)
    text = re.sub(r"(?<! )([-/])[ \t]*\n\s*", r"\1", text)
    return _join(text.split())


def _join(parts: list[str]) -> str:
    """Join words or header levels, closing a word split over cells ("Nutz-", "fläche")."""
    return re.sub(r"(?<=\w)- (?=[a-zäöüß])(?!(?:und|oder|bzw)\b)", "", " ".join(parts))


def _strip_marker(line: str, notes: set[str]) -> str:
    """Drop a footnote marker "1)", or a trailing "N" ("Angabe 6") when footnote N exists."""
    line = line.rstrip()
    m = re.search(r"\s?\d{1,2}\)$", line)
    if m and line[: m.start()].count("(") <= line[: m.start()].count(")"):
        return line[: m.start()]
    m = re.search(r"(?:(?<=[^\W\d_])|(?<=\)))\s?(\d{1,2})$", line)
    words = line[: m.start()].split() if m else []
    if m and m.group(1) in notes and words and words[-1].casefold() not in _RANGE_WORDS:
        return line[: m.start()]
    return line
