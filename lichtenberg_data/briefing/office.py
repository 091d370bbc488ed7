"""The office's own text: ``<data>/klausur.md``, one German text per section of the briefing.

The Wirtschaftsförderung writes an introduction, the questions for the retreat and last year's
decisions under a heading per section::

    ## Fachkräfte
    Im letzten Jahr beschlossen: Thementag „Frauen in Führung“ am 12.03.
    ### Fragen für die Klausur
    - Wie erreichen wir die 14- bis 18-Jährigen?

A ``## `` heading names a section by its title (``Überblick``, ``Fachkräfte``, ``Einzelhandel und
Zentren``, ``Gewerbeflächen und Unternehmen``, ``Tourismus``) or its key (``fachkraefte``). The
text is placed at the start of its section and shown literally: a ``$``, ``_`` or ``%`` is text,
never markup; ``### `` lines are printed as bold sub-headings, everything else as written.
Lines before the first ``## `` heading (a title) are ignored.
"""

from __future__ import annotations

from pathlib import Path

from .._errors import BriefingError
from .collect import SECTIONS

__all__ = ["OFFICE_FILE", "OfficeTextError", "office_path", "read"]

#: File name of the office's text in the data folder.
OFFICE_FILE = "klausur.md"


class OfficeTextError(BriefingError):
    """``klausur.md`` cannot be used (the message names the line and the valid sections)."""


def office_path(data_dir: Path | None = None) -> Path:
    """``<data folder>/klausur.md``."""
    from ..settings import settings

    return Path(data_dir or settings.data_dir) / OFFICE_FILE


def _section_of(heading: str) -> str | None:
    folded = heading.strip().casefold()
    for key, title in SECTIONS.items():
        if folded in (key, title.casefold()):
            return key
    return None


def read(path: Path | None = None) -> dict[str, str]:
    """Section key → the text written under its heading (empty when there is no file).

    Raises
    ------
    OfficeTextError
        A ``## `` heading names no section (the message lists them), a section comes twice, or
        the file is not UTF-8 text.
    """
    path = office_path() if path is None else Path(path)
    if not path.exists():
        return {}
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except UnicodeDecodeError:
        raise OfficeTextError(f"{path}: not UTF-8 text. Save it as UTF-8 and run again") from None
    out: dict[str, list[str]] = {}
    current: str | None = None
    for number, line in enumerate(lines, start=1):
        if line.startswith("## "):
            current = _section_of(line[3:])
            if current is None:
                raise OfficeTextError(
                    f"{path.name} line {number}: {line.strip()!r} names no section of the briefing; use one of: "
                    + ", ".join(f"## {title}" for title in SECTIONS.values()))
            if current in out:
                raise OfficeTextError(f"{path.name} line {number}: section {SECTIONS[current]!r} comes twice; "
                                      "write its text under one heading")
            out[current] = []
        elif current is not None:
            out[current].append(line.rstrip())
    return {key: "\n".join(text).strip("\n") for key, text in out.items() if "".join(text).strip()}
