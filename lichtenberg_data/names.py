"""Official names and keys of Berlin's districts (Bezirke) and localities (Ortsteile).

These lists are the reference every reader checks names against: a name that matches
nothing here is an error, not a silent new area.
"""

from __future__ import annotations

import unicodedata

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


def _fold(text: str) -> str:
    return unicodedata.normalize("NFC", str(text)).strip().casefold()


_BY_NAME = {_fold(name): key for key, name in BEZIRKE.items()}


def bezirk_id(value: str | int) -> str:
    """Return the two-digit ``bezirk_id`` for a district given by name or key.

    Parameters
    ----------
    value
        A name ("Lichtenberg"), a key ("11", "011", 11) or a label such as "11 - Lichtenberg".

    Raises
    ------
    KeyError
        When the value names no Berlin district.

    Examples
    --------
    >>> bezirk_id("Lichtenberg"), bezirk_id(11), bezirk_id("11 - Lichtenberg")
    ('11', '11', '11')
    """
    text = str(value).strip()
    if " - " in text:
        text = text.split(" - ", 1)[0]
    if text.isdigit():
        key = text[-2:].zfill(2) if len(text) <= 3 else ""
        if key in BEZIRKE:
            return key
    key = _BY_NAME.get(_fold(text))
    if key is None:
        raise KeyError(f"{value!r} is not a Berlin district; use one of: {', '.join(BEZIRKE.values())}")
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
    folded = _fold(name)
    for key, names in ORTSTEILE.items():
        if folded in {_fold(n) for n in names}:
            return key
    raise KeyError(f"{name!r} is not a Berlin Ortsteil")
