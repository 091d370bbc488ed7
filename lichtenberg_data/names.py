"""Official names, keys and area levels of Berlin: the one place they are defined.

* :data:`BEZIRKE`, :data:`ORTSTEILE`: the official names, the reference every reader checks
  names against (a name that matches nothing here is an error, not a silent new area);
* :data:`LEVELS`, :data:`KEY_LENGTH`: the area levels (Bezirk, Prognoseraum, Bezirksregion,
  Planungsraum, Ortsteil), their id and name columns, key lengths and boundary datasets;
* :func:`bezirk_id`, :func:`bezirk_name`: district resolution by name or key; an unknown
  district raises :class:`~lichtenberg_data.UnknownDistrictError` everywhere.

This module is light (standard library only); :mod:`lichtenberg_data.geo` re-exports it.
"""

from __future__ import annotations

import unicodedata
from typing import NamedTuple

from ._errors import UnknownDistrictError

__all__ = ["BEZIRKE", "BERLIN_ID", "ORTSTEILE", "Level", "LEVELS", "KEY_LENGTH", "BOUNDARY_COLUMNS", "level", "fold", "bezirk_id",
           "bezirk_name", "ortsteil_bezirk"]

#: The 12 Bezirke by their two-digit key (``bezirk_id``).
BEZIRKE: dict[str, str] = {
    "01": "Mitte",
    "02": "Friedrichshain-Kreuzberg",
    "03": "Pankow",
    "04": "Charlottenburg-Wilmersdorf",
    "05": "Spandau",
    "06": "Steglitz-Zehlendorf",
    "07": "Tempelhof-Schöneberg",
    "08": "Neukölln",
    "09": "Treptow-Köpenick",
    "10": "Marzahn-Hellersdorf",
    "11": "Lichtenberg",
    "12": "Reinickendorf",
}

#: Key of the whole of Berlin where a table has a total row.
BERLIN_ID = "00"

#: The 97 official Ortsteile of each Bezirk (Schlachtensee split off Nikolassee in 2020).
ORTSTEILE: dict[str, tuple[str, ...]] = {
    "01": ("Mitte", "Moabit", "Hansaviertel", "Tiergarten", "Wedding", "Gesundbrunnen"),
    "02": ("Friedrichshain", "Kreuzberg"),
    "03": ("Prenzlauer Berg", "Weißensee", "Blankenburg", "Heinersdorf", "Karow",
           "Stadtrandsiedlung Malchow", "Pankow", "Blankenfelde", "Buch", "Französisch Buchholz",
           "Niederschönhausen", "Rosenthal", "Wilhelmsruh"),
    "04": ("Charlottenburg", "Wilmersdorf", "Schmargendorf", "Grunewald", "Westend",
           "Charlottenburg-Nord", "Halensee"),
    "05": ("Spandau", "Haselhorst", "Siemensstadt", "Staaken", "Gatow", "Kladow",
           "Hakenfelde", "Falkenhagener Feld", "Wilhelmstadt"),
    "06": ("Steglitz", "Lichterfelde", "Lankwitz", "Zehlendorf", "Dahlem", "Nikolassee",
           "Wannsee", "Schlachtensee"),
    "07": ("Schöneberg", "Friedenau", "Tempelhof", "Mariendorf", "Marienfelde", "Lichtenrade"),
    "08": ("Neukölln", "Britz", "Buckow", "Rudow", "Gropiusstadt"),
    "09": ("Alt-Treptow", "Plänterwald", "Baumschulenweg", "Johannisthal", "Niederschöneweide",
           "Altglienicke", "Adlershof", "Bohnsdorf", "Oberschöneweide", "Köpenick",
           "Friedrichshagen", "Rahnsdorf", "Grünau", "Müggelheim", "Schmöckwitz"),
    "10": ("Marzahn", "Biesdorf", "Kaulsdorf", "Mahlsdorf", "Hellersdorf"),
    "11": ("Friedrichsfelde", "Karlshorst", "Lichtenberg", "Falkenberg", "Malchow",
           "Wartenberg", "Neu-Hohenschönhausen", "Alt-Hohenschönhausen", "Fennpfuhl",
           "Rummelsburg"),
    "12": ("Reinickendorf", "Tegel", "Konradshöhe", "Heiligensee", "Frohnau", "Hermsdorf",
           "Waidmannslust", "Lübars", "Wittenau", "Märkisches Viertel", "Borsigwalde"),
}




class Level(NamedTuple):
    """An area level: its boundary dataset, id column, name column and key length."""

    dataset: str | None
    id_column: str | None
    name_column: str | None
    key_length: int | None


#: The area levels, from the whole city down to the Planungsraum.
LEVELS: dict[str, Level] = {
    "berlin": Level(None, None, None, None),
    "bezirk": Level("bezirke", "bezirk_id", "bezirk", 2),
    "ortsteil": Level("ortsteile", "ortsteil", "ortsteil", None),
    "prognoseraum": Level("lor_prognoseraeume", "prognoseraum_id", "prognoseraum", 4),
    "bezirksregion": Level("lor_bezirksregionen", "bezirksregion_id", "bezirksregion", 6),
    "planungsraum": Level("lor_planungsraeume", "planungsraum_id", "planungsraum", 8),
    "planungsraum_2006": Level("lor_planungsraeume_2006", "planungsraum_id", "planungsraum", 8),
}

#: Length of each LOR key column (``BB PP RR NN``): a key is a string with leading zeros.
KEY_LENGTH: dict[str, int] = {"bezirk_id": 2, "prognoseraum_id": 4, "bezirksregion_id": 6, "planungsraum_id": 8}


#: The canonical columns of each level's boundary dataset, in order.
BOUNDARY_COLUMNS: dict[str, list[str]] = {
    "bezirk": ["bezirk_id", "bezirk", "flaeche_m2", "geometry"],
    "ortsteil": ["ortsteil", "bezirk_id", "bezirk", "flaeche_m2", "geometry"],
    "prognoseraum": ["prognoseraum_id", "prognoseraum", "bezirk_id", "bezirk", "lor_version",
                     "flaeche_m2", "geometry"],
    "bezirksregion": ["bezirksregion_id", "bezirksregion", "prognoseraum_id", "prognoseraum",
                      "bezirk_id", "bezirk", "lor_version", "flaeche_m2", "geometry"],
    "planungsraum": ["planungsraum_id", "planungsraum", "bezirksregion_id", "bezirksregion",
                     "prognoseraum_id", "prognoseraum", "bezirk_id", "bezirk", "lor_version",
                     "flaeche_m2", "geometry"],
}


def level(name: str, allowed: tuple[str, ...] | None = None) -> Level:
    """The :class:`Level` called ``name``; ``ValueError`` naming the choices otherwise.

    Examples
    --------
    >>> level("planungsraum").key_length
    8
    """
    choices = allowed or tuple(LEVELS)
    if name not in choices:
        raise ValueError(f"level must be one of {', '.join(choices)}, not {name!r}")
    return LEVELS[name]


def fold(text: str) -> str:
    """A name folded for comparison (Unicode NFC, trimmed, case-folded)."""
    return unicodedata.normalize("NFC", str(text)).strip().casefold()


_BY_NAME = {fold(name): key for key, name in BEZIRKE.items()}


def bezirk_id(value: str | int) -> str:
    """Return the two-digit ``bezirk_id`` for a district given by name or key.

    Parameters
    ----------
    value
        A name ("Lichtenberg"), a key ("11", "011", 11) or a label such as "11 - Lichtenberg".

    Raises
    ------
    UnknownDistrictError
        When the value names no Berlin district (the message lists the twelve).

    Examples
    --------
    >>> bezirk_id("Lichtenberg"), bezirk_id(11), bezirk_id("11 - Lichtenberg"), bezirk_id("NeukÃ¶lln")
    ('11', '11', '11', '08')
    """
    text = str(value).strip()
    if " - " in text:
        text = text.split(" - ", 1)[0]
    if text.isdigit():
        key = text[-2:].zfill(2) if len(text) <= 3 else ""
        if key in BEZIRKE:
            return key
    key = _BY_NAME.get(fold(text))
    if key is None and any(c in text for c in "ÃÂ"):  # double-encoded UTF-8 ("NeukÃ¶lln")
        import ftfy

        key = _BY_NAME.get(fold(ftfy.fix_text(text)))
    if key is None:
        raise UnknownDistrictError(f"{value!r} is not a Berlin district; use one of: "
                                   f"{', '.join(BEZIRKE.values())}")
    return key


def bezirk_name(value: str | int) -> str:
    """Return the official name of a district given by name or key.

    Examples
    --------
    >>> bezirk_name("11")
    'Lichtenberg'
    """
    return BEZIRKE[bezirk_id(value)]


def ortsteil_bezirk(name: str) -> str:
    """Return the ``bezirk_id`` an Ortsteil belongs to.

    Examples
    --------
    >>> ortsteil_bezirk("Karlshorst")
    '11'
    """
    folded = fold(name)
    for key, names in ORTSTEILE.items():
        if folded in {fold(n) for n in names}:
            return key
    raise KeyError(f"{name!r} is not a Berlin Ortsteil")
