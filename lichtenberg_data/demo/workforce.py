"""Sample files for the offline demo: median earnings (``entgelte_lor``) and the MSS index workbook.

Each writer returns bytes in the publisher's real layout (as checked on the real workbooks of
31.12.2023 and MSS 2023), with synthetic numbers on the sample city's Planungsräume, and marks
itself as sample data in a title row. :data:`SAMPLES` is keyed by ``(dataset_id, resource_name)``.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from ..names import BEZIRKE

__all__ = ["SAMPLES", "sample_entgelte", "sample_mss_workbook"]

_MARK = "BEISPIELDATEN – synthetisch erzeugt, keine amtlichen Zahlen"
#: Sample median monthly earnings per Bezirk (EUR), roughly the real ordering of 2023.
_MEDIAN = {"01": 4300, "02": 4500, "03": 4400, "04": 4400, "05": 3500, "06": 4350, "07": 4050, "08": 3700,
           "09": 3850, "10": 3300, "11": 3600, "12": 3650}
_HEADER = ["SvB in Vollzeit", "Medianeinkommen in EUR", "Platzierung des Medians (Quintil)",
           "SvB im unteren Entgeltbreich", "SvB in Vollzeit im unteren Entgeltbereich in %"]  # sic, as published


def _save(wb: Any) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _earnings_rows(rng: Any) -> list[list]:
    """One row per sample Planungsraum: key, name, the five values (symbols where suppressed)."""
    import numpy as np

    from .city import sample_lor

    lor = sample_lor()
    svb = rng.integers(300, 4000, len(lor))
    median = np.array([_MEDIAN[b] for b in lor["bezirk_id"]]) * rng.uniform(0.8, 1.25, len(lor))
    cuts = np.quantile(median, [0.2, 0.4, 0.6, 0.8])
    share = np.clip(50 - median / 120 + rng.normal(0, 2, len(lor)), 2, 60)
    rows = []
    for i, (key, name) in enumerate(zip(lor["planungsraum_id"], lor["planungsraum"])):
        low = int(round(svb[i] * share[i] / 100))
        row: list[Any] = [key, name, int(svb[i]), int(round(median[i])), int(5 - np.searchsorted(cuts, median[i])),
                          low, round(low / svb[i] * 100, 1)]
        if i % 97 == 13:  # gesperrt: too few employees
            row[2:] = ["*", "•", None, "*", None]
        elif i % 61 == 7:  # median not shown
            row[3:5] = ["•", None]
        rows.append(row)
    rows[200][5:] = [".", "."]  # deleted by the AfS as implausible
    return rows


def _earnings_sheet(wb: Any, name: str, title: str, head: list[str], rows: list[list]) -> None:
    ws = wb.create_sheet(name)
    ws["A1"] = _MARK
    ws["A4"] = 'Medianeinkommen der sozialversicherungspflichtig Vollzeitbeschäftigten der "Kerngruppe" am Wohnort '
    ws["A5"] = title
    for c, text in enumerate([*head, *_HEADER], start=1):
        ws.cell(7, c, text)
    for r, row in enumerate(rows, start=8):
        for c, value in enumerate(row, start=1):
            ws.cell(r, c, value)
    end = 8 + len(rows) + 1
    ws.cell(end, 1, "Quelle: Amt für Statistik Berlin-Brandenburg, auf Basis der Arbeitsmarktdaten in kleinräumiger "
                    "Gliederung der Statistik der Bundesagentur für Arbeit")
    ws.cell(end + 4, 1, "Diese Seite steht unter einer Creative Commons Namensnennung 3.0 Deutschland Lizenz. ")


def sample_entgelte(year: int = 2023) -> bytes:
    """A sample ``lor_Medianeinkommen_31-12-<year>.xlsx`` in the AfS layout.

    Sheets "Medianeinkommen PLR" (542 sample Planungsräume, title rows, header in row 7, ``*``,
    ``•`` and ``.`` symbols, the misspelt "Entgeltbreich"), "Medianeinkommen Bezirke" (the
    Planungsräume summed; medians per Bezirk) and "Zeichenerklärung".
    """
    import numpy as np
    from openpyxl import Workbook

    rng = np.random.default_rng(year)
    plr = _earnings_rows(rng)
    bezirke = []
    for key, name in BEZIRKE.items():
        mine = [r for r in plr if r[0][:2] == key and isinstance(r[2], int)]
        svb, low = sum(r[2] for r in mine), sum(r[5] for r in mine if isinstance(r[5], int))
        bezirke.append([key, name, svb, _MEDIAN[key], 3, low, round(low / svb * 100, 1)])
    wb = Workbook()
    wb.remove(wb.active)
    _earnings_sheet(wb, "Medianeinkommen PLR", f'in Berlin am 31.12.{year} nach Planungsräumen ("Lebensweltlich orientierte Räume" (LOR))',
                    ["RAUMID", "Planungsraumname"], plr)
    _earnings_sheet(wb, "Medianeinkommen Bezirke", f"in Berlin am 31.12.{year} nach Bezirken",
                    ["Bezirksnummer", "Bezirk"], bezirke)
    legend = wb.create_sheet("Zeichenerklärung")
    for text in ("*  = gesperrte Zelle aufgrund von Geheimhaltung",
                 "X = Median nicht ausgewiesen, da Aussagekraft von Entgeltverteilungen aufgrund geringer Fallzahl "
                 "eingeschränkt ist", ". = Werte vom AfS aufgrund von Unplausibilität gelöscht"):
        legend.append([text])
    return _save(wb)


_STATUS = {1: "hoch", 2: "mittel", 3: "niedrig", 4: "sehr niedrig"}
_DYNAMIK = {"+": "positiv", "+/-": "stabil", "-": "negativ"}


def sample_mss_workbook(edition: int = 2023) -> bytes:
    """A sample MSS index workbook (sheet ``1.SDI_PLR_MSS<edition>``) in the SenSBW layout.

    Three title rows, a two-row header with merged cells, per sample Planungsraum the residents,
    Status-Index class and text, Dynamik-Index symbol and text, the group and its text; five
    Planungsräume "nicht berücksichtigt (unter 300 EW)" without classes, a sheet "Erläuterungen".
    """
    import numpy as np
    from openpyxl import Workbook

    from .city import sample_lor

    rng = np.random.default_rng(edition + 1)
    lor = sample_lor()
    wb = Workbook()
    ws = wb.active
    ws.title = f"1.SDI_PLR_MSS{edition}"
    stand = f"31.12.{edition - 1}"
    ws.append([f"Senatsverwaltung für Stadtentwicklung, Bauen und Wohnen Berlin – {_MARK}"])
    ws.append([f"Monitoring Soziale Stadtentwicklung {edition}"])
    ws.append([f"1. Gesamtindex Soziale Ungleichheit (Status/Dynamik-Index) {edition} ({stand}) auf "
               f"Planungsraum-Ebene (LOR-Ebenen: 01/{edition})"])
    ws.append(["Planungsraum", None, f"EW {stand}", "Status-Index (Klasse)", None, "Dynamik-Index (Klasse)", None,
               "Status/Dynamik-Index (Gruppe)"])
    ws.append(["Nummer", "Name"])
    ws.append([])
    for rng_cells in ("A4:B4", "C4:C5", "D4:E5", "F4:G5", "H4:I5"):
        ws.merge_cells(rng_cells)
    status = rng.choice([1, 2, 3, 4], len(lor), p=[0.16, 0.65, 0.1, 0.09])
    dynamik = rng.choice(["+", "+/-", "-"], len(lor), p=[0.13, 0.77, 0.1])
    for i, (key, name) in enumerate(zip(lor["planungsraum_id"], lor["planungsraum"])):
        if i in (99, 115, 169, 235, 260):
            ws.append([key, name, int(rng.integers(0, 290)), None, None, None, None, None, None,
                       "Im MSS-Indexverfahren nicht berücksichtigt (unter 300 EW)."])
            continue
        si, sym = int(status[i]), str(dynamik[i])
        ws.append([key, name, int(rng.integers(900, 14000)), si, _STATUS[si], sym, _DYNAMIK[sym], f"{si}{sym}",
                   f"Status {_STATUS[si]} , Dynamik {_DYNAMIK[sym]}"])
    notes = wb.create_sheet("Erläuterungen")
    notes.append(["Quellenangabe:"])
    notes.append([f"Monitoring Soziale Stadtentwicklung {edition} – {_MARK}"])
    return _save(wb)


#: Sample writers keyed by (dataset id, resource name), for the demo mirror.
SAMPLES: dict[tuple[str, str], Callable[[], bytes]] = {
    ("entgelte_lor", "lor_Medianeinkommen_31-12-2023.xlsx"): sample_entgelte,
    ("mss", "lor_monitoring_soziale-stadtentwicklung_2023.xlsx"): sample_mss_workbook,
}
