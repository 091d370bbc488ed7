"""Sample files in the publishers' formats for the commercial-land datasets.

``SAMPLES`` maps ``(dataset_id, resource_name)`` to a function returning the file's bytes. All
numbers are synthetic. Geometries lie in real Berlin coordinates (EPSG:25833) so that real LOR
Planungsräume can be intersected with them; the Bezirk attributes follow the grid of the sample
city in :mod:`lichtenberg_data.demo.city`, not the real boundaries. Datasets with a real file in
the shipped snapshot (``bodenrichtwerte``: the FIS-Broker downloads; ``bodenrichtwert_zonen``:
the zones of 01.01.2020) use their sample in the tests only (:data:`lichtenberg_data.demo.TEST_SAMPLES`).

================================================  ================================================
``bodenrichtwerte`` / ``brw_2026.geojson``         WFS answer ``brw2026:brw2026_vector`` (GeoJSON)
``bodenrichtwert_zonen`` / ``brw_zonen_2026…``     the same answer
``gewerbeanzeigen`` / ``SB_D01-02-00_…``           AfS report D I 2 with tables by Bezirk (xlsx)
``flaechennutzung`` / ``reale_nutzung…``           WFS answer of the Umweltatlas "Reale Nutzung" (GeoJSON)
================================================  ================================================
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..names import BEZIRKE
from ..sources.land_values import CURRENT_YEAR, wfs_layer
from ._afs import report_workbook, workbook_bytes, write_table

__all__ = ["SAMPLES", "sample_brw_wfs", "sample_gewerbeanzeigen", "sample_flaechennutzung"]

_MONTHS = ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
           "November", "Dezember")


def _grid_bezirk(x: float, y: float) -> str:
    """The Bezirk of the sample city's grid at a point (see ``city.GRID``)."""
    from .city import EXTENT, GRID

    x0, y0, x1, y1 = EXTENT
    col = min(3, max(0, int((x - x0) / ((x1 - x0) / 4))))
    row = min(2, max(0, int((y - y0) / ((y1 - y0) / 3))))
    return next(k for k, v in GRID.items() if v == (col, row))


def _collection(records: list[dict], boxes: list[tuple[float, float, float, float]], type_name: str) -> bytes:
    """A GeoServer-style WFS GetFeature answer (GeoJSON, EPSG:25833) of rectangles."""
    import geopandas as gpd
    import pandas as pd
    from shapely.geometry import box

    from .city import feature_collection

    gdf = gpd.GeoDataFrame(pd.DataFrame(records), geometry=[box(*b) for b in boxes], crs="EPSG:25833")
    return feature_collection(gdf, type_name)


# =========================================================================== Bodenrichtwerte

_USES = (("W - Wohngebiet", 0.58), ("G - Gewerbe", 0.17), ("M2 - Mischgebiet", 0.05), ("M1 - Kerngebiet", 0.06),
         ("GB - Gemeinbedarf", 0.05), ("Gp - Gewerbe produzierend", 0.02),
         ("SF-KGA - Sonstige Flächen - Kleingartenfläche", 0.04), ("G - Gewerbliche Baufläche", 0.03))


def sample_brw_wfs(year: int = CURRENT_YEAR) -> bytes:
    """A sample answer of the WFS ``brw<year>`` (GeoJSON, EPSG:25833): 432 zones in a grid.

    Attributes as published for the 2026 BORIS service (``bezirk``, ``brw``,
    ``nutzung``, ``stichtag``, ``anwert``, ``verfahrensart``, ``gfz``, ``beitragszustand``,
    ``lumnum``, ``brwid``); zones of the 40000 series carry the BRW-RL use types. The layer is
    named as the GDI names it (``brw2026:brw2026_vector``, before 2026 ``brw<YYYY>:brw_<YYYY>_vector``).
    """
    import numpy as np

    from .city import EXTENT

    rng = np.random.default_rng(year)
    x0, y0, x1, y1 = EXTENT
    nx, ny = 24, 18
    dx, dy = (x1 - x0) / nx, (y1 - y0) / ny
    names, weights = zip(*_USES)
    records, boxes = [], []
    for i in range(nx):
        for j in range(ny):
            bx = (x0 + i * dx, y0 + j * dy, x0 + (i + 1) * dx, y0 + (j + 1) * dy)
            cx, cy = (bx[0] + bx[2]) / 2, (bx[1] + bx[3]) / 2
            use = names[rng.choice(len(names), p=np.array(weights) / sum(weights))]
            centre = np.hypot(cx - 391_000, cy - 5_820_000) / 1000  # km from the centre
            level = {"W": 1200, "G": 250, "M2": 1500, "M1": 3000, "GB": 400, "Gp": 200, "SF-KGA": 15}
            kurz = use.split(" - ")[0]
            value = level.get(kurz, 300) * (0.3 + 1.5 * np.exp(-centre / 5)) * rng.uniform(0.7, 1.4)
            extra = kurz == "SF-KGA" or use.endswith("Baufläche")
            number = 40000 + len(records) if extra else 1000 + len(records)
            records.append({
                "brwid": str(number), "gemeinde": "Berlin", "bezirk": BEZIRKE[_grid_bezirk(cx, cy)],
                "brw": float(max(5, round(value, -1) if value > 50 else round(value))), "nutzung": use,
                "gfz": None if kurz in {"G", "Gp", "SF-KGA", "GB"} else float(rng.choice([0.4, 1.0, 1.5, 2.5])),
                "stichtag": f"{year}-01-01", "anwert": None, "verfahrensart": "",
                "beitragszustand": "beitragsfrei", "lumnum": None,
            })
            boxes.append(bx)
    return _collection(records, boxes, wfs_layer(year).type_name)


# =========================================================================== Gewerbeanzeigen

#: Registrations per Bezirk and year (about 41,000 in Berlin, 2023), of which ~92 % new businesses.
_ANMELDUNGEN = {"01": 5400, "02": 4300, "03": 4200, "04": 4200, "05": 2300, "06": 2700, "07": 3500,
                "08": 3900, "09": 2600, "10": 2300, "11": 2900, "12": 2300}


def _registration_rows(year: int, month: int | None, rng: Any) -> list[list]:
    rows, totals = [], [0, 0, 0, 0]
    for key in sorted(BEZIRKE):
        base = _ANMELDUNGEN[key] * (1 + 0.02 * (year - 2023)) / (12 if month else 1)
        an = int(base * rng.uniform(0.9, 1.1))
        neu = int(an * rng.uniform(0.88, 0.94))
        ab = int(an * rng.uniform(0.72, 0.84))
        auf = int(ab * rng.uniform(0.88, 0.93))
        values = [an, neu, ab, auf]
        totals = [a + b for a, b in zip(totals, values)]
        name = BEZIRKE[key]
        rows.append([name.replace("-", "-\n", 1) if len(name) > 16 else name, *values])
    rows.append(["Berlin", *totals])
    return rows


_REGISTRATION_HEADER = (["Bezirk", "Gewerbeanmeldungen", None, "Gewerbeabmeldungen", None],
                        [None, "insgesamt", "darunter\nNeugründungen 1", "insgesamt",
                         "darunter\nvollständige\nAufgaben 2"])
_REGISTRATION_NOTES = ["1 Betriebsgründungen und sonstige Neugründungen", "2 Betriebsaufgaben und sonstige Stilllegungen"]


def sample_gewerbeanzeigen(year: int = 2025, month: int = 12) -> bytes:
    """A sample AfS report "D I 2 – m" (``SB_D01-02-00_<year>m<MM>_BE.xlsx``).

    Title and imprint sheets, then sheet ``T3 T4`` with two tables by Bezirk: the month and
    January to the month (in December: the whole year), both with registrations (of which new
    businesses) and deregistrations (of which complete closures), a Berlin row, footnotes.
    The layout follows other AfS reports; a real D I 2 report was not at hand.
    """
    import numpy as np

    rng = np.random.default_rng(year * 100 + month)
    wb = report_workbook("Statistischer Bericht", f"D I 2 - m {month:02d}/{year % 100:02d}",
                         f"Gewerbeanzeigen im Land Berlin {_MONTHS[month - 1]} {year}")
    ws = wb.create_sheet("T3 T4")
    units = ["Anzahl"] * 4
    top = write_table(ws, 1, f"3 Gewerbeanzeigen im Land Berlin im {_MONTHS[month - 1]} {year} nach Bezirken",
                      _REGISTRATION_HEADER, units, _registration_rows(year, month, rng), _REGISTRATION_NOTES)
    write_table(ws, top, f"4 Gewerbeanzeigen im Land Berlin Januar bis {_MONTHS[month - 1]} {year} nach Bezirken",
                _REGISTRATION_HEADER, units, _registration_rows(year, None, rng), _REGISTRATION_NOTES)
    return workbook_bytes(wb)


# =========================================================================== Reale Nutzung

#: Umweltatlas "Reale Nutzung" codes (``nutz``) and their text, with sample weights.
_NUTZUNG = ((10, "Wohnnutzung", 0.36), (21, "Mischnutzung", 0.06), (30, "Kerngebietsnutzung", 0.03),
            (40, "Gewerbe- und Industrienutzung, großflächiger Einzelhandel", 0.10),
            (50, "Gemeinbedarfs- und Sondernutzung", 0.08), (60, "Ver- und Entsorgung", 0.02),
            (80, "Verkehrsfläche (ohne Straßen)", 0.04), (100, "Wald", 0.13), (110, "Gewässer", 0.05),
            (130, "Park / Grünfläche", 0.07), (160, "Kleingartenanlage", 0.04), (190, "Sportnutzung", 0.02))
#: Centres (EPSG:25833) of sample commercial clusters near real commercial areas: Herzbergstraße
#: (Lichtenberg), Siemensstadt, Adlershof, Marienpark.
_CLUSTERS = ((397_800.0, 5_820_800.0), (381_600.0, 5_822_200.0), (400_000.0, 5_809_900.0), (389_200.0, 5_810_100.0))


def sample_flaechennutzung(cell: float = 600.0, street: float = 30.0) -> bytes:
    """A sample answer of the WFS ``ua_flaechennutzung`` (GeoJSON, EPSG:25833): blocks of use.

    Blocks are rectangles (``cell`` metres, ``street`` metres apart) over Berlin's extent with the
    attributes ``schluessel``, ``bezirk``, ``nutz``, ``nutzung``, ``flalle`` (m²); commercial and
    industrial use (``nutz`` 40) clusters around a few centres, one in Lichtenberg.
    """
    import numpy as np

    from .city import EXTENT

    rng = np.random.default_rng(40)
    x0, y0, x1, y1 = EXTENT
    codes, texts, weights = zip(*_NUTZUNG)
    p = np.array(weights) / sum(weights)
    records, boxes = [], []
    for i in range(int((x1 - x0) // cell)):
        for j in range(int((y1 - y0) // cell)):
            bx = (x0 + i * cell + street / 2, y0 + j * cell + street / 2,
                  x0 + (i + 1) * cell - street / 2, y0 + (j + 1) * cell - street / 2)
            cx, cy = (bx[0] + bx[2]) / 2, (bx[1] + bx[3]) / 2
            near = min(np.hypot(cx - a, cy - b) for a, b in _CLUSTERS)
            k = 3 if near < 1200 and rng.uniform() < 0.8 else int(rng.choice(len(codes), p=p))
            records.append({"schluessel": f"{_grid_bezirk(cx, cy)}{i:04d}{j:04d}000000",
                            "bezirk": BEZIRKE[_grid_bezirk(cx, cy)], "nutz": codes[k], "nutzung": texts[k],
                            "flalle": round((bx[2] - bx[0]) * (bx[3] - bx[1]), 1)})
            boxes.append(bx)
    return _collection(records, boxes, "ua_flaechennutzung:c_reale_nutzung_2023")


SAMPLES: dict[tuple[str, str], Callable[[], bytes]] = {
    ("bodenrichtwerte", f"brw_{CURRENT_YEAR}.geojson"): sample_brw_wfs,
    ("bodenrichtwert_zonen", f"brw_zonen_{CURRENT_YEAR}.geojson"): sample_brw_wfs,
    **{("gewerbeanzeigen", f"SB_D01-02-00_{y}m12_BE.xlsx"): (lambda y=y: sample_gewerbeanzeigen(y, 12))
       for y in (2023, 2024, 2025)},
    ("flaechennutzung", "reale_nutzung_2023.geojson"): sample_flaechennutzung,
}
