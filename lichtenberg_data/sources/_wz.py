"""Economic sections (Abschnitte) of the German classification of economic activities.

The IHK register codes a business by ``nace_id`` (a WZ class, 4 digits). Its files of 2023 use
WZ 2008 (NACE Rev. 2, e.g. restaurants ``5610``); the current file uses WZ 2025 (NACE Rev. 2.1,
restaurants ``5611``), whose sections are lettered differently (WZ 2025 splits information and
communication into J and K, so finance becomes L, …). The divisions (the first two digits) stayed
where they were, so both are mapped through the division to **one** key: the WZ 2008 section
``A``–``U``. A series over the change of classification therefore compares like with like at the
section level (division 45, motor vehicle trade, exists in WZ 2008 only; WZ 2025 files its
trade under 46/47 and its repair under 95, so section G loses the repair shops to S).

>>> section("5610"), section("5611"), section("6201"), section("00"), section(None)
('I', 'I', 'J', None, None)
"""

from __future__ import annotations

__all__ = ["SECTIONS", "section", "DIVISIONS"]

#: WZ 2008 sections: key → German title (Statistisches Bundesamt, WZ 2008).
SECTIONS: dict[str, str] = {
    "A": "Land- und Forstwirtschaft, Fischerei",
    "B": "Bergbau und Gewinnung von Steinen und Erden",
    "C": "Verarbeitendes Gewerbe",
    "D": "Energieversorgung",
    "E": "Wasserversorgung, Entsorgung",
    "F": "Baugewerbe",
    "G": "Handel, Kfz-Instandhaltung",
    "H": "Verkehr und Lagerei",
    "I": "Gastgewerbe",
    "J": "Information und Kommunikation",
    "K": "Finanz- und Versicherungsdienstleistungen",
    "L": "Grundstücks- und Wohnungswesen",
    "M": "Freiberufliche, wissenschaftliche und technische Dienstleistungen",
    "N": "Sonstige wirtschaftliche Dienstleistungen",
    "O": "Öffentliche Verwaltung",
    "P": "Erziehung und Unterricht",
    "Q": "Gesundheits- und Sozialwesen",
    "R": "Kunst, Unterhaltung und Erholung",
    "S": "Sonstige Dienstleistungen",
    "T": "Private Haushalte",
    "U": "Exterritoriale Organisationen",
}

_RANGES = (("A", 1, 3), ("B", 5, 9), ("C", 10, 33), ("D", 35, 35), ("E", 36, 39), ("F", 41, 43),
           ("G", 45, 47), ("H", 49, 53), ("I", 55, 56), ("J", 58, 63), ("K", 64, 66), ("L", 68, 68),
           ("M", 69, 75), ("N", 77, 82), ("O", 84, 84), ("P", 85, 85), ("Q", 86, 88), ("R", 90, 93),
           ("S", 94, 96), ("T", 97, 98), ("U", 99, 99))
#: Division (two digits) → WZ 2008 section; valid for WZ 2008 and WZ 2025 codes alike.
DIVISIONS: dict[str, str] = {f"{d:02d}": key for key, lo, hi in _RANGES for d in range(lo, hi + 1)}


def section(code: object) -> str | None:
    """The WZ 2008 section of a WZ 2008 or WZ 2025 code (``"5611"``, ``"56.11"``, ``"56"``);
    ``None`` for a missing or unknown code (IHK writes ``00`` for "not classified")."""
    if code is None or code != code:  # None or NaN
        return None
    digits = str(code).replace(".", "").strip()
    return DIVISIONS.get(digits[:2]) if len(digits) >= 2 else None
