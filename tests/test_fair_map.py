"""``lichtenberg-data vorhaben``: the A3 map and the xlsx list for Lichtenberg and Marzahn-Hellersdorf, the
briefing's map, and German lines where data are missing."""

from __future__ import annotations

import re
from datetime import date

import pandas as pd
import pytest
from pypdf import PdfReader

import lichtenberg_data as ld
from conftest import copy_data, using_data
from lichtenberg_data import charts, cli
from lichtenberg_data.briefing.fair_map import map_figure
from lichtenberg_data.demo import SNAPSHOT, write_mirror
from lichtenberg_data.land import commercial_sites
from lichtenberg_data.land.fair import measures

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def _filled(tmp_path_factory):
    """Loaded once for the module; each test works on its own copy (see :func:`loaded`)."""
    root = tmp_path_factory.mktemp("fair-map")
    with using_data(root / "data"):
        ld.refresh(["bezirke", "ortsteile", "baufertigstellungen"], mirror=SNAPSHOT)
        ld.refresh(["bebauungsplaene", "foerdergebiete"],
                   mirror=write_mirror(root / "samples", only=["bebauungsplaene", "foerdergebiete"]))
    return root / "data"


@pytest.fixture()
def loaded(data_dir, _filled):
    return copy_data(_filled, data_dir)


def _text(pdf) -> str:
    return re.sub(r"\s+", " ", " ".join(p.extract_text() or "" for p in PdfReader(pdf).pages))


def _a3_landscape(pdf) -> tuple[float, float]:
    box = PdfReader(pdf).pages[0].mediabox
    return round(float(box.width) / 72 * 2.54, 1), round(float(box.height) / 72 * 2.54, 1)


@pytest.mark.parametrize(("district", "stem", "backlog", "curated"), [
    ("Lichtenberg", "Vorhaben-Lichtenberg", (8140, 768, 109), 6),
    ("Marzahn-Hellersdorf", "Vorhaben-Marzahn-Hellersdorf", (5398, 905, 106), 0),
])
def test_vorhaben_writes_map_and_list(loaded, tmp_path, capsys, caplog, district, stem, backlog, curated):
    out = tmp_path / "messe"
    with caplog.at_level("WARNING", logger="lichtenberg_data.briefing.fair_map"):
        assert cli.main(["vorhaben", "--district", district, "--out", str(out), "--today", "2026-01-15"]) == 0
    assert caplog.messages == []  # the page check found no text running into another or off the page
    said = capsys.readouterr().out
    assert f"{out / stem}.pdf" in said and "contains generated sample data" in said
    pdf, xlsx = out / f"{stem}.pdf", out / f"{stem}.xlsx"
    assert len(PdfReader(pdf).pages) == 1 and _a3_landscape(pdf) == (42.0, 29.7)
    text = _text(pdf)
    assert f"Vorhaben in {district}" in text and "BEISPIELDATEN" in text
    assert "seit 15.01.2021 festgesetzt" in text and f"Wohnungen in Wohngebäuden: {backlog[0]:,}".replace(",", ".") in text
    assert "Quelle: Amt für Statistik Berlin-Brandenburg, Statistischer Bericht F II 2" in text
    rows = pd.read_excel(xlsx, sheet_name="Vorhaben", engine="calamine")
    assert list(rows.columns)[:3] == ["Art", "Name", "Stand des Verfahrens / Zustand"]
    got = rows[rows["Art"] == "Bauüberhang"].set_index("Name")["Anzahl"].to_dict()
    assert got == dict(zip(["Wohnungen in Wohngebäuden", "Wohnbauvorhaben", "Nichtwohnbauvorhaben"], backlog))
    sites = commercial_sites()
    named = rows.loc[rows["Art"] == "Gewerbegebiet", "Name"].tolist()
    assert len(named) == curated and named == sites.loc[sites["bezirk_id"] == ld.geo.district_id(district),
                                                        "name"].tolist()
    plans = rows[rows["Art"].str.startswith("Bebauungsplan")]
    assert len(plans) > 0 and plans["Beispieldaten"].eq("BEISPIELDATEN").all()
    assert rows["Quelle"].notna().all()
    notes = pd.read_excel(xlsx, sheet_name="Hinweise", engine="calamine")["Hinweise und Quellen"].tolist()
    assert any("je Bezirk aus, nicht je Ortsteil" in n for n in notes)
    if not curated:
        assert any("keine Gewerbegebiete kuratiert" in n for n in notes)
    backlog_sheet = pd.read_excel(xlsx, sheet_name="Bauüberhang", engine="calamine")
    assert set(backlog_sheet["Jahr"]) == {2020, 2021, 2022} and backlog_sheet["Gebiet"].nunique() == 13


def test_without_data_the_page_names_the_commands(data_dir, tmp_path, capsys):
    assert cli.main(["vorhaben", "--out", str(tmp_path)]) == 0
    assert "(without: bebauungsplaene, foerdergebiete, baufertigstellungen)" in capsys.readouterr().out
    text = _text(tmp_path / "Vorhaben-Lichtenberg.pdf")
    assert "Bebauungspläne – Daten fehlen: lichtenberg-data refresh bebauungsplaene" in text
    assert "Ortsteilgrenzen fehlen: lichtenberg-data refresh ortsteile" in text
    assert "BEISPIELDATEN" not in text and "Herzbergstraße (190 ha)" in text


def test_a_bad_date_is_a_usage_error(data_dir, tmp_path, capsys):
    assert cli.main(["vorhaben", "--out", str(tmp_path), "--today", "15.01.2026"]) == 2
    assert "--today must be a date YYYY-MM-DD" in capsys.readouterr().err


def test_the_map_names_the_layers_that_are_not_loaded(data_dir):
    """Without plans and programme areas the subtitle does not claim them: it says they are missing."""
    from lichtenberg_data.demo import SNAPSHOT

    ld.refresh(["bezirke", "ortsteile"], mirror=SNAPSHOT)
    info = charts.chart_info(map_figure(measures("Lichtenberg", today=date(2026, 1, 15))))
    assert info.subtitle.startswith("kuratierte Gewerbegebiete; nicht geladen: Bebauungspläne und Fördergebiete")
    assert "Bebauungspläne im Verfahren" not in info.subtitle


def test_the_briefing_map_without_the_district_outline_is_a_missing_dataset(data_dir):
    """Business parks without the Bezirk around them locate nothing: in the briefing the cell
    becomes a box naming the outline's dataset (the A3 page still lists them, see above)."""
    from lichtenberg_data import DataNotAvailableError

    with pytest.raises(DataNotAvailableError) as missing:
        map_figure(measures("Lichtenberg", today=date(2026, 1, 15)))
    assert missing.value.dataset == "bezirke"


def test_the_briefing_map_is_a_finished_chart(loaded):
    fig = map_figure(measures("Lichtenberg", today=date(2026, 1, 15)))
    info = charts.chart_info(fig)
    assert info.title == "Öffentliche und private Vorhaben in Lichtenberg" and info.sample
    assert info.subtitle.endswith("Gewerbegebiete: 1: Herzbergstraße, 2: Pablo-Picasso-Straße, 3: Josef-Orlopp-Straße, "
                                  "4: Rhinstraße, 5: Bornitzstraße, 6: 27 Hektar Möglichkeiten")
    assert "nicht geladen" not in info.subtitle  # plans and programme areas are loaded (samples)
    assert "GDI Berlin" in info.source_line and "Statistischer Bericht F II 2" in info.source_line
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert legend[0] == "Bebauungsplan im Verfahren (6)" and legend[-1].startswith("Gewerbegebiet (kuratiert")
    assert {"Karlshorst", "Neu-Hohenschönhausen"} <= {t.get_text().replace("-\n", "-") for t in fig.axes[0].texts}
