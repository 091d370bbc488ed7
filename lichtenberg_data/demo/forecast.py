"""A sample of the Senate's population forecast 2024–2040 in the form the parser assumes.

No real table of the forecast was at hand (see :mod:`lichtenberg_data.sources.forecast`): this
workbook has one sheet per variant (``mittlere Variante``, ``untere Variante``, ``obere
Variante``), a title row, a header ``Schlüssel | Gebiet | Altersgruppe | 2024 … 2040`` and rows for
Berlin, the 12 Bezirke and Lichtenberg's five Prognoseräume (LOR 2021 keys), each as
``insgesamt`` and eight age groups, residents on 31.12. The medium variant reproduces the
published figures (Berlin 2024: 3,897,000, 2040: 4,006,000; Lichtenberg 312,500 → 337,500,
+8.0 %; Treptow-Köpenick +9.6 %, Steglitz-Zehlendorf −2.9 %, Charlottenburg-Wilmersdorf −2.5 %;
eight Bezirke grow, four shrink); everything else is made up and marked as sample data.
"""

from __future__ import annotations

import io

from ..names import BEZIRKE

__all__ = ["sample_prognose", "BASE", "GROWTH"]

YEARS = tuple(range(2024, 2041))
#: Residents on 31.12.2024 per Bezirk (sample; Berlin 3,897,000, Lichtenberg as published).
BASE = {"01": 397_300, "02": 292_400, "03": 424_800, "04": 340_000, "05": 257_200, "06": 310_300,
        "07": 354_600, "08": 329_900, "09": 291_700, "10": 295_400, "11": 312_500, "12": 290_900}
#: Change 2024–2040 in the medium variant (persons; Lichtenberg, Treptow-Köpenick, Steglitz-Zehlendorf
#: and Charlottenburg-Wilmersdorf as published, the rest made up so that Berlin gains 109,000).
GROWTH = {"01": 17_650, "02": 6_000, "03": 33_980, "04": -8_500, "05": 12_000, "06": -9_000, "07": 2_000,
          "08": -1_500, "09": 28_000, "10": 5_370, "11": 25_000, "12": -2_000}
_AGES = (("unter 6", 0.055), ("6 bis unter 15", 0.085), ("15 bis unter 18", 0.028), ("18 bis unter 25", 0.065),
         ("25 bis unter 45", 0.300), ("45 bis unter 65", 0.250), ("65 bis unter 80", 0.145), ("80 und älter", None))
#: Lichtenberg's Prognoseräume (LOR 2021) and their share of the Bezirk (sample).
_PGR = (("1110", "Hohenschönhausen Nord", 0.24), ("1120", "Hohenschönhausen Süd", 0.17),
        ("1130", "Lichtenberg Nord", 0.20), ("1140", "Lichtenberg Mitte", 0.22), ("1150", "Lichtenberg Süd", None))
_SPREAD = {"untere": -0.03, "mittlere": 0.0, "obere": 0.03}


def _series(base: float, gain: float, variant: str) -> list[int]:
    """Residents per year: the gain spread evenly over the years, the variant's spread on top."""
    n = len(YEARS) - 1
    return [round(base + (gain + _SPREAD[variant] * base) * i / n) for i in range(len(YEARS))]


def _split(values: list[int], shares: tuple) -> list[list[int]]:
    """Integer parts of each value by shares; the last part (share ``None``) takes the rest."""
    parts = []
    for _, share in shares:
        if share is None:
            parts.append([v - sum(p[i] for p in parts) for i, v in enumerate(values)])
        else:
            parts.append([round(v * share) for v in values])
    return parts


def _rows(key: str, name: str, values: list[int]) -> list[list]:
    rows = [[key, name, "insgesamt", *values]]
    for (label, _), part in zip(_AGES, _split(values, _AGES)):
        rows.append([key, name, label, *part])
    return rows


def sample_prognose() -> bytes:
    """The sample workbook (xlsx bytes).

    Examples
    --------
    >>> sample_prognose()[:2]
    b'PK'
    """
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for variant in ("mittlere", "untere", "obere"):
        ws = wb.create_sheet(f"{variant} Variante")
        ws.append([f"Bevölkerungsprognose für Berlin und die Bezirke 2024–2040 – {variant} Variante; "
                   "Einwohnerinnen und Einwohner am 31.12. (BEISPIELDATEN)"])
        ws.append([])
        ws.append(["Schlüssel", "Gebiet", "Altersgruppe", *YEARS])
        bezirke = {k: _series(BASE[k], GROWTH[k], variant) for k in BEZIRKE}
        berlin = [sum(v[i] for v in bezirke.values()) for i in range(len(YEARS))]
        for row in _rows("", "Berlin", berlin):
            ws.append(row)
        for key, values in bezirke.items():
            for row in _rows(key, BEZIRKE[key], values):
                ws.append(row)
        for (key, name, _), values in zip(_PGR, _split(bezirke["11"], tuple((p[1], p[2]) for p in _PGR))):
            for row in _rows(key, name, values):
                ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
