"""Sample files of the tourism datasets for the offline demo (synthetic numbers, real formats).

:data:`SAMPLES` maps ``(dataset_id, resource_name)`` to a function returning the file's bytes:

* ``beherbergung_bezirke``: AfS reports "G IV 1 - m" (``SB_G04-01-00_<YYYY>m<MM>_BE.xlsx``) in the
  usual AfS report layout - title and imprint sheets, numbered tables ``T5``-``T7`` "nach Bezirken"
  with merged multi-row headers and a unit row, a secret cell "•", provisional "p". No real
  workbook of this report was available, so the layout is **assumed** (see
  :mod:`lichtenberg_data.sources.accommodation`). Values are plausible for Berlin (about 12-14 Mio
  guests and 30-34 Mio overnight stays a year before and after the pandemic, with the 2020/21 dip;
  Lichtenberg about 4-5 %), not official.
* ``kurzzeitvermietung``: three Inside Airbnb ``listings.csv`` scrapes (2019 with the 16 columns of
  the summary file until 2022, 2022 and 2025 with the 18 since), listings placed in the real Bezirke.
  The real scrape of September 2025 is in the snapshot, so these serve the tests only.
* ``besucherstatistik``: the visitor statistics workbook layout (xlsx: no BIFF writer is installed;
  the parser tells the format by content).
"""

from __future__ import annotations

import calendar
import csv
import io
from collections.abc import Callable

from .._readers import SAMPLE_TOKEN
from ..names import BEZIRKE
from ..sources.accommodation import REPORTS, report_name
from ._afs import report_workbook, workbook_bytes, write_table

__all__ = ["SAMPLES", "SCRAPES", "sample_bericht", "sample_listings", "sample_scrapes", "sample_besucherstatistik",
           "ANNUAL_BERLIN"]

#: Berlin's guests and overnight stays per year in the samples (rounded, close to the published totals).
ANNUAL_BERLIN: dict[int, tuple[float, float]] = {
    2019: (13.9e6, 34.1e6), 2020: (4.9e6, 12.3e6), 2021: (5.1e6, 14.0e6),
    2022: (10.4e6, 26.5e6), 2023: (12.1e6, 29.6e6), 2024: (12.7e6, 30.6e6),
}
#: Share of Berlin's overnight stays, average stay (days), share of beds per Bezirk.
_BEZIRK = {
    "01": (0.410, 2.3, 0.360), "02": (0.120, 2.4, 0.110), "03": (0.046, 2.5, 0.050),
    "04": (0.185, 2.4, 0.180), "05": (0.016, 2.5, 0.020), "06": (0.021, 2.6, 0.025),
    "07": (0.046, 2.4, 0.050), "08": (0.031, 2.6, 0.035), "09": (0.031, 2.7, 0.035),
    "10": (0.008, 2.8, 0.010), "11": (0.046, 2.6, 0.045), "12": (0.020, 2.5, 0.025),
}
_LICHTENBERG_SHARE = {2020: 0.050, 2021: 0.056}  # Lichtenberg lost less in the pandemic (as reported for 2021)
_SEASON = (0.055, 0.06, 0.075, 0.085, 0.09, 0.09, 0.10, 0.10, 0.09, 0.095, 0.075, 0.085)
_PANDEMIC = {2020: (0.16, 0.17, 0.07, 0.01, 0.02, 0.05, 0.10, 0.12, 0.11, 0.10, 0.03, 0.03),
             2021: (0.02, 0.02, 0.03, 0.02, 0.03, 0.07, 0.13, 0.15, 0.14, 0.15, 0.12, 0.12)}
_BED_TOTAL = sum(v[2] for v in _BEZIRK.values())
_BEDS_BERLIN = {2019: 150_000, 2020: 141_000, 2021: 139_000, 2022: 140_000, 2023: 144_000, 2024: 145_000}
_MONATE = ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
           "November", "Dezember")

# ----------------------------------------------------------------------------- AfS report
def _profile(year: int) -> tuple[float, ...]:
    weights = _PANDEMIC.get(year, _SEASON)
    total = sum(weights)
    return tuple(w / total for w in weights)


def _shares(year: int) -> dict[str, float]:
    raw = {k: (_LICHTENBERG_SHARE.get(year, v[0]) if k == "11" else v[0]) for k, v in _BEZIRK.items()}
    total = sum(raw.values())
    return {k: v / total for k, v in raw.items()}


def _bezirk_values(year: int, months: range) -> dict[str, dict[str, float]]:
    """Guests, stays, beds and utilisation per Bezirk for the months ``months`` of ``year``."""
    guests_y, stays_y = ANNUAL_BERLIN[year]
    part = sum(_profile(year)[m - 1] for m in months)
    days = sum(calendar.monthrange(year, m)[1] for m in months)
    out = {}
    for key, share in _shares(year).items():
        stays = round(stays_y * part * share)
        stay_len = _BEZIRK[key][1] * (stays_y / guests_y) / 2.45  # Berlin's average stay kept
        guests = round(stays / stay_len)
        beds = round(_BEDS_BERLIN[year] * _BEZIRK[key][2] / _BED_TOTAL)
        betriebe = max(3, round(beds / 190))
        out[key] = {"gaeste": guests, "uebernachtungen": stays, "betten": beds, "betriebe": betriebe,
                    "auslastung": round(stays / (beds * days) * 100, 1)}
    return out


def _label(key: str) -> str:
    name = BEZIRKE[key]
    return name.replace("-", "-\n", 1) if len(name) > 16 else name


def _guest_rows(values: dict[str, dict[str, float]], previous: dict[str, dict[str, float]]) -> list[list]:
    rows, totals = [], [0, 0]
    for key in sorted(BEZIRKE):
        v, p = values[key], previous[key]
        rows.append([_label(key), v["gaeste"], round((v["gaeste"] / p["gaeste"] - 1) * 100, 1), v["uebernachtungen"],
                     round((v["uebernachtungen"] / p["uebernachtungen"] - 1) * 100, 1),
                     round(v["uebernachtungen"] / v["gaeste"], 1)])
        totals = [totals[0] + v["gaeste"], totals[1] + v["uebernachtungen"]]
    prev = [sum(p["gaeste"] for p in previous.values()), sum(p["uebernachtungen"] for p in previous.values())]
    rows.append(["Berlin", totals[0], round((totals[0] / prev[0] - 1) * 100, 1), totals[1],
                 round((totals[1] / prev[1] - 1) * 100, 1), round(totals[1] / totals[0], 1)])
    return rows


def _capacity_rows(month: dict[str, dict[str, float]], cumulated: dict[str, dict[str, float]], year: int,
                   number: int) -> list[list]:
    rows = []
    for key in sorted(BEZIRKE):
        m, c = month[key], cumulated[key]
        rows.append([_label(key), m["betriebe"], m["betten"], m["auslastung"], c["auslastung"]])
    stays_m = sum(v["uebernachtungen"] for v in month.values())
    stays_c = sum(v["uebernachtungen"] for v in cumulated.values())
    beds = sum(v["betten"] for v in month.values())
    days_m = calendar.monthrange(year, number)[1]
    days_c = sum(calendar.monthrange(year, k)[1] for k in range(1, number + 1))
    rows.append(["Berlin", sum(v["betriebe"] for v in month.values()), beds, round(stays_m / (beds * days_m) * 100, 1),
                 round(stays_c / (beds * days_c) * 100, 1)])
    if year == 2024 and number == 12:
        rows[-1][1] = f"{rows[-1][1]} p"  # provisional, as AfS marks the latest figures
    if number == 6:
        rows[4][2] = "•"  # a secret cell (Spandau's beds), as AfS prints it
    return rows


def sample_bericht(year: int, month: int) -> bytes:
    """A sample AfS report G IV 1 - m for ``month``/``year`` with the tables by Bezirk.

    ``T5`` guests, overnight stays and average stay in the month, ``T6`` the same from January
    to the month, ``T7`` open establishments and beds at the end of the month and bed
    utilisation in the month and from January. Establishments with 10 beds or more.
    """
    name = _MONATE[month - 1]
    month_v, cum_v = _bezirk_values(year, range(month, month + 1)), _bezirk_values(year, range(1, month + 1))
    prev_m, prev_c = _bezirk_values(year - 1 if year > 2019 else year, range(month, month + 1)), \
        _bezirk_values(year - 1 if year > 2019 else year, range(1, month + 1))
    wb = report_workbook("Statistischer Bericht G IV 1 - m",
                         f"Gäste, Übernachtungen und Beherbergungskapazität im Land Berlin {name} {year}")
    guests_head = (["Bezirk", "Gäste", None, "Übernachtungen", None, "Durchschnittliche Aufenthaltsdauer"],
                   [None, "insgesamt", "Veränderung gegenüber Vorjahreszeitraum", "insgesamt",
                    "Veränderung gegenüber Vorjahreszeitraum", None])
    units = ["Anzahl", "%", "Anzahl", "%", "Tage"]
    notes = ["1 Beherbergungsbetriebe mit 10 und mehr Betten (ohne Campingplätze)"]
    stays = "Gäste, Übernachtungen und Aufenthaltsdauer in den Beherbergungsbetrieben Berlins im"
    write_table(wb.create_sheet("T5"), 1, f"5 {stays} {name} {year} nach Bezirken", guests_head, units,
                _guest_rows(month_v, prev_m), notes)
    write_table(wb.create_sheet("T6"), 1, f"6 {stays} Januar bis {name} {year} nach Bezirken", guests_head, units,
                _guest_rows(cum_v, prev_c), notes)
    cap_head = (["Bezirk", "Geöffnete Beherbergungsbetriebe", "Angebotene Betten", "Durchschnittliche Auslastung der "
                 "angebotenen Betten", None], [None, None, None, f"{name} {year}", f"Januar bis {name} {year}"])
    write_table(wb.create_sheet("T7"), 1, f"7 Beherbergungsbetriebe, Bettenangebot und Bettenauslastung in Berlin im "
                f"{name} {year} nach Bezirken", cap_head, ["Anzahl", "Anzahl", "%", "%"],
                _capacity_rows(month_v, cum_v, year, month),
                ["1 Stand: Ende des Berichtsmonats", "• Zahlenwert unbekannt oder geheim zu halten"])
    return workbook_bytes(wb)


# ----------------------------------------------------------------------------- Inside Airbnb
_LISTING_SHARE = {"01": 0.20, "02": 0.22, "03": 0.16, "04": 0.09, "05": 0.015, "06": 0.03, "07": 0.07,
                  "08": 0.12, "09": 0.035, "10": 0.01, "11": 0.035, "12": 0.015}
_AIRBNB_NAMES = {"04": "Charlottenburg-Wilm.", "06": "Steglitz - Zehlendorf", "07": "Tempelhof - Schöneberg",
                 "09": "Treptow - Köpenick", "10": "Marzahn - Hellersdorf"}
_HEADER = ("id,name,host_id,host_name,neighbourhood_group,neighbourhood,latitude,longitude,room_type,price,"
           "minimum_nights,number_of_reviews,last_review,reviews_per_month,calculated_host_listings_count,"
           "availability_365,number_of_reviews_ltm,license")
#: The summary file's 16 columns until 2022 (no ``number_of_reviews_ltm``, no ``license``).
_HEADER_16 = _HEADER.rsplit(",", 2)[0]
#: The sample scrapes (:func:`sample_scrapes`): file name, scrape date, listings, columns, seed.
SCRAPES = (("listings_2019-03-18.csv", "2019-03-18", 1800, 16, 3),
           ("listings_2022-09-21.csv", "2022-09-21", 1300, 18, 5),
           ("listings_2025-09-23.csv", "2025-09-23", 1500, 18, 7))


def sample_listings(n: int = 1500, *, seed: int = 7, scrape: str = "2025-09-23", columns: int = 18) -> bytes:
    """A sample Inside Airbnb Berlin ``listings.csv`` (summary file) of the scrape of ``scrape``.

    Listings lie in the real Bezirke (:func:`lichtenberg_data.demo.points.points`);
    names are synthetic, one has a quoted line break as in the real files, ids of newer
    listings have 18 digits, a quarter have no review (empty ``last_review``), the others were
    last reviewed in the 270 days before the scrape. ``columns`` is 18 (header since 2023) or
    16 (until 2022: no ``number_of_reviews_ltm`` and ``license``).
    """
    import numpy as np
    import pandas as pd

    from .points import points as sample_points

    if columns not in (16, 18):
        raise ValueError(f"columns must be 16 or 18, not {columns}")
    rng = np.random.default_rng(seed)
    day = pd.Timestamp(scrape)
    buf = io.StringIO()
    buf.write((_HEADER if columns == 18 else _HEADER_16) + "\n")
    writer = csv.writer(buf, lineterminator="\n")
    k = 0
    for key in sorted(BEZIRKE):
        count = round(n * _LISTING_SHARE[key])
        pts = sample_points(count, seed=seed + int(key), bezirk_id=key)
        for lon, lat in zip(pts["longitude"], pts["latitude"]):
            k += 1
            room = rng.choice(["Entire home/apt", "Private room", "Shared room", "Hotel room"], p=[0.66, 0.31, 0.01, 0.02])
            reviews = int(rng.poisson(25)) if rng.random() > 0.25 else 0
            last = f"{day - pd.Timedelta(days=int(rng.integers(0, 270))):%Y-%m-%d}" if reviews else ""
            ident = str(30_000_000 + k * 997) if k % 3 else str(600_000_000_000_000_000 + k * 7_919_000_003)
            name = f"Beispielwohnung {k}" if k != 5 else "Beispielzimmer ♥\nnahe Zentrum"
            if k == 1:
                name += f" [BEISPIELDATEN {SAMPLE_TOKEN}]"
            row = [ident, name, 1000 + k, "Beispiel", _AIRBNB_NAMES.get(key, BEZIRKE[key]), "Beispielkiez",
                   f"{lat:.5f}", f"{lon:.5f}", room, int(rng.integers(30, 250)), int(rng.choice([1, 2, 3, 92])),
                   reviews, last, round(reviews / 24, 2) if reviews else "", 1, int(rng.integers(0, 366)),
                   min(reviews, 12), ""]
            writer.writerow(row[:columns])
    return buf.getvalue().encode("utf-8")


def sample_scrapes() -> dict[str, bytes]:
    """Three sample scrapes (2019 in the 16-column layout, 2022 and 2025 in the 18-column one),
    each named after its scrape date as a refresh names a download: ``listings_<YYYY-MM-DD>.csv``."""
    return {name: sample_listings(n, seed=seed, scrape=day, columns=cols) for name, day, n, cols, seed in SCRAPES}


# ----------------------------------------------------------------------------- Besucherstatistik
_INSTITUTIONS = (("Große Sprechbühnen", ("Beispieltheater Mitte", "Beispielbühne Ost")),
                 ("Gedenkstätten", ("Beispielgedenkstätte Hohenschönhausen", "Beispieldokumentationszentrum")),
                 ("Berliner Landesmuseen", ("Beispielmuseum A", "Beispielmuseum B", "Beispielmuseum C")))


def sample_besucherstatistik(first_year: int) -> bytes:
    """A sample ``besucherstatistik-<year>-<year+1>`` workbook in the layout of the real files."""
    import numpy as np
    from openpyxl import Workbook

    rng = np.random.default_rng(first_year)
    wb = Workbook()
    ws = wb.active
    ws.title = f"Besucherstatistik {first_year}-{first_year + 1}"
    heads = ["\nInstitution", "Besuche \ninsgesamt", None, "zahlende \nBesucherinnen\nund  Besucher", None,
             "nicht zahlende Besucherinnen\nund Besucher", None, "Besucherinnen\n\n", None, "Besucher ", None,
             "Kinder und \nJugendliche", None, "Besuche außerhalb\nBerlins bei\nGastspielen oder Wanderaus-\nstellungen",
             None, "Bemerkungen\n\n        Angaben\n        werden\n        nicht erhoben\n"]
    for c, text in enumerate(heads, start=1):
        ws.cell(1, c, text)
        if 1 < c < 16:
            ws.cell(2, c, str(first_year + (c % 2 == 1)))
    for c in range(2, 16, 2):
        ws.merge_cells(start_row=1, start_column=c, end_row=1, end_column=c + 1)
    r = 3
    for category, names in _INSTITUTIONS:
        ws.cell(r, 1, category)
        r += 1
        for name in names:
            ws.cell(r, 1, name)
            for y in (0, 1):
                total = int(rng.integers(20_000, 400_000))
                paying = int(total * rng.uniform(0.85, 0.95))
                women = round(total * rng.uniform(0.5, 0.6), 1)
                for c, value in zip((2, 4, 6, 8, 10), (total, paying, total - paying, women, total - women)):
                    ws.cell(r, c + y, value)
                ws.cell(r, 12 + y, "-")
                ws.cell(r, 14 + y, "-")
            r += 1
        r += 1
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


SAMPLES: dict[tuple[str, str], Callable[[], bytes | dict[str, bytes]]] = {
    **{("beherbergung_bezirke", report_name(y, m)): (lambda y=y, m=m: sample_bericht(y, m)) for y, m in REPORTS},
    ("kurzzeitvermietung", "listings.csv"): sample_scrapes,
    ("besucherstatistik", "besucherstatistik-2011_2012.xls"): lambda: sample_besucherstatistik(2011),
    ("besucherstatistik", "besucherstatistik-2013-2014.xls"): lambda: sample_besucherstatistik(2013),
}
