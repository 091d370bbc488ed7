"""Inputs of the benchmark, generated at realistic size (nothing is downloaded).

* :func:`ewr_editions`: 20 yearly ``EWR…E_Matrix.csv`` editions 2006-2025 in the dialects the
  Amt für Statistik really published: 15 old-LOR editions (448 Planungsräume, ``STADTRAUM``,
  ``E_U1`` group names), 2012 and 2015 with quoted fields and decimal commas (``2930,00``), 2014
  with keys that lost their leading zeros, and 5 LOR-2021 editions (542 Planungsräume, the
  toolkit's own ``sample_ewr_matrix``), the newest with two uninhabited ``NA`` rows as in the
  real 2025 file. 55 columns each, about 9,400 rows together.
* :func:`mini_mirror`: the files of a few datasets laid out as a mirror
  (``<mirror>/<dataset>/<file>``): the real snapshot's files where it has the dataset (e.g. the
  542 real Planungsraum polygons), else the toolkit's samples.
* The IHK register (``sample_ihk(400_000)``) and the points (``sample_points``) come from the
  toolkit itself.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

#: Editions 2006-2025 (20 years), as the real series has them.
YEARS = tuple(range(2006, 2026))

_GROUPS = {"U1": ["00_01"], "1U6": ["01_02", "02_03", "03_05", "05_06"],
           "6U15": ["06_07", "07_08", "08_10", "10_12", "12_14", "14_15"], "15U18": ["15_18"],
           "18U25": ["18_21", "21_25"], "25U55": ["25_27", "27_30", "30_35", "35_40", "40_45", "45_50", "50_55"],
           "55U65": ["55_60", "60_63", "63_65"], "65U80": ["65_67", "67_70", "70_75", "75_80"],
           "80U110": ["80_85", "85_90", "90_95", "95_110"]}


def _old_lor_edition(year: int) -> bytes:
    """An old-LOR ``EWR<year>12E_Matrix.csv`` (448 Planungsräume) in that year's dialect."""
    from lichtenberg_data.demo.city import sample_lor_2006
    from lichtenberg_data.sources.population import AGE_BANDS

    lor = sample_lor_2006()
    n = len(lor)
    rng = np.random.default_rng(1000 + year)
    total_base = rng.integers(800, 12000, n)
    shares = rng.dirichlet(np.full(len(AGE_BANDS), 8.0), n)
    bands = np.floor(total_base[:, None] * shares).astype(int)
    total = bands.sum(axis=1)
    women = np.floor(total * rng.uniform(0.49, 0.53, n)).astype(int)
    col = {b: bands[:, i] for i, b in enumerate(AGE_BANDS)}
    groups = {g: sum(col[b] for b in members) for g, members in _GROUPS.items()}
    quoted = year in (2012, 2015)  # quoted fields and decimal commas
    zeros = year != 2014  # 2014 lost the leading zeros of every key
    header = (["ZEIT", "RAUMID", "BEZ", "PGR", "BZR", "PLR", "STADTRAUM", "E_E", "E_EM", "E_EW"]
              + [f"E_E{b}" for b in AGE_BANDS] + [f"E_{g}" for g in _GROUPS])
    q = '"' if quoted else ""
    lines = [";".join(f"{q}{h}{q}" for h in header)]
    for i, key in enumerate(lor["planungsraum_id"]):
        parts = [key, key[:2], key[2:4], key[4:6], key[6:8]]
        if not zeros:
            parts = [p.lstrip("0") or "0" for p in parts]
        keys = [f"{year}12", *parts, str(1 + i % 2)]
        values = [total[i], total[i] - women[i], women[i], *(col[b][i] for b in AGE_BANDS),
                  *(groups[g][i] for g in _GROUPS)]
        cells = [f"{q}{k}{q}" for k in keys] + [f"{int(v)},00" if quoted else str(int(v)) for v in values]
        lines.append(";".join(cells))
    return ("\r\n".join(lines) + "\r\n").encode("ascii")


def _lor2021_edition(year: int) -> bytes:
    from lichtenberg_data.demo.population import sample_ewr_matrix

    body = sample_ewr_matrix(year)
    if year < 2025:
        return body
    lines = body.decode("utf-8").split("\r\n")
    for i in (120, 300):  # two uninhabited Planungsräume: every count NA, as in the real 2025 file
        cells = lines[i].split(";")
        lines[i] = ";".join(cells[:7] + ["NA"] * (len(cells) - 7))
    return "\r\n".join(lines).encode("utf-8")


def ewr_editions(folder: Path) -> list[Path]:
    """Write the 20 editions into ``folder`` under the portal's file names; return the paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for year in YEARS:
        if year >= 2021:
            name, body = f"EWR_L21_{year}12E_Matrix.csv", _lor2021_edition(year)
        else:
            name, body = f"EWR{year}12E_Matrix.csv", _old_lor_edition(year)
        path = folder / name
        path.write_bytes(body)
        paths.append(path)
    return paths


def mini_mirror(folder: Path, ids: list[str]) -> Path:
    """A mirror holding only the datasets ``ids``: the real snapshot's files where the snapshot has
    the dataset, else the toolkit's sample files (then the mirror is marked as sample data)."""
    import shutil

    from lichtenberg_data._fetch import SAMPLE_MARKER
    from lichtenberg_data.demo import sample_bytes
    from lichtenberg_data.demo.snapshot import SNAPSHOT, snapshot_datasets

    folder.mkdir(parents=True, exist_ok=True)
    real = set(snapshot_datasets(SNAPSHOT))
    generated = []
    for ds_id in ids:
        if ds_id in real:
            shutil.copytree(SNAPSHOT / ds_id, folder / ds_id, dirs_exist_ok=True)
            continue
        from lichtenberg_data import catalog

        for res in catalog.get(ds_id).resources:
            target = folder / ds_id / res.name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(sample_bytes(ds_id, res.name))
        generated.append(ds_id)
    if generated:
        (folder / SAMPLE_MARKER).write_text("generated sample data for the benchmark\n", encoding="utf-8")
    return folder


#: Sheets and size of a real AfS "Statistischer Bericht": SB_F02-02-00_2022j01_BE.xlsx has 24
#: sheets of 40-110 rows x 7-37 columns (274 KB); SB_A01-05-00_2024h02_BE.xlsx 18 sheets (1.8 MB).
AFS_EXTRA_SHEETS = 16
AFS_ROWS = 90
AFS_COLUMNS = 16


def afs_report(year: int) -> bytes:
    """The sample SvB report of ``year`` grown to a real report's size.

    The toolkit's sample (``sample_beschaeftigte``: Titel, Impressum, ``T1`` with the two
    Bezirk tables) gets an Inhaltsverzeichnis and 16 further table sheets ``T3``..``T18`` of
    90 rows x 16 columns in the AfS layout (numbered title, two header rows, an ``Anzahl``
    unit row, labels and numbers, footnotes), by Wirtschaftsabschnitt and the like: no
    Bezirk tables, so the parser reads them and skips them, as it would in a real report.
    """
    import io

    from openpyxl import load_workbook

    from lichtenberg_data.demo.labour import sample_beschaeftigte

    rng = np.random.default_rng(year)
    wb = load_workbook(io.BytesIO(sample_beschaeftigte(year)))
    toc = wb.create_sheet("Inhaltsverzeichnis", 2)
    toc["A1"] = "Inhaltsverzeichnis"
    for k in range(AFS_EXTRA_SHEETS):
        number = k + 3
        title = (f"{number} Sozialversicherungspflichtig Beschäftigte in Berlin am 30. Juni {year} nach "
                 f"Wirtschaftsabschnitten und Merkmalsgruppe {k + 1}")
        toc.cell(k + 3, 1, title)
        ws = wb.create_sheet(f"T{number}")
        ws["A1"] = title
        ws.cell(3, 1, "Wirtschaftsabschnitt")
        for c in range(2, AFS_COLUMNS + 1):
            ws.cell(3, c, f"Merkmal {c - 1}")
            ws.cell(4, c, "insgesamt" if c % 2 else "darunter Frauen")
            ws.cell(5, c, "Anzahl")
        values = rng.integers(0, 90_000, (AFS_ROWS, AFS_COLUMNS - 1))
        for r in range(AFS_ROWS):
            ws.cell(7 + r, 1, f"Abschnitt {chr(65 + r % 21)} Gruppe {r // 21 + 1}")
            for c in range(AFS_COLUMNS - 1):
                ws.cell(7 + r, 2 + c, int(values[r, c]))
        ws.cell(8 + AFS_ROWS, 1, "_____")
        ws.cell(9 + AFS_ROWS, 1, "1 Datenquelle: Statistik der Bundesagentur für Arbeit")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def afs_reports(folder: Path) -> list[Path]:
    """Five yearly reports 2021-2025 under the portal's file names (``SB_A06-05-00_<YYYY>q02_BE.xlsx``)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for year in range(2021, 2026):
        path = folder / f"SB_A06-05-00_{year}q02_BE.xlsx"
        path.write_bytes(afs_report(year))
        paths.append(path)
    return paths


def ihk_csv(path: Path, n: int) -> Path:
    """The IHK register with ``n`` rows in the current dialect (``sample_ihk``)."""
    from lichtenberg_data.demo.business import sample_ihk

    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(sample_ihk(n))
    return path


#: Plans per Bezirk of the three B-Plan layers: 237 x 12 = 2,844 set plans (the GDI layer
#: bplan:b_bp_fs lists 2,846), 720 in procedure and 600 repealed (counts of those two layers
#: are not published here; assumed).
BPLAN_PER_BEZIRK = {"im_verfahren": 60, "festgesetzt": 237, "ausser_kraft": 50}


def bplan_layers(folder: Path) -> list[Path]:
    """The three ``bplan`` WFS answers (``sample_bplan``) at a real size, under their resource names."""
    from lichtenberg_data.demo.planning import sample_bplan

    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for layer, n in BPLAN_PER_BEZIRK.items():
        path = folder / f"bplan_{layer}.geojson"
        path.write_bytes(sample_bplan(layer, n))
        paths.append(path)
    return paths


def ihk_csv_semicolon(source: Path, path: Path) -> Path:
    """``source`` (the current comma dialect) in the dialect of IHK's 2023 sample: a BOM, ``;``,
    CRLF and decimal commas in the coordinates, every cell as it was otherwise."""
    import pandas as pd

    frame = pd.read_csv(source, dtype=str, keep_default_na=False)
    for col in ("latitude", "longitude"):
        frame[col] = frame[col].str.replace(".", ",", regex=False)
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, sep=";", index=False, encoding="utf-8-sig", lineterminator="\r\n")
    return path
