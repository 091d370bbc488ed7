"""The measures of a district for the investment fair: real boundaries and F II 2 reports, marked sample plans
and programme areas, the curated commercial areas; missing datasets become German lines."""

from __future__ import annotations

import json
from datetime import date

import pandas as pd
import pytest

import lichtenberg_data as ld
from conftest import copy_data, using_data
from lichtenberg_data.demo import SNAPSHOT, write_mirror
from lichtenberg_data.demo.planning import sample_bplan
from lichtenberg_data.land import commercial_sites
from lichtenberg_data.land.fair import KINDS, measures

TODAY = date(2026, 1, 15)


@pytest.fixture(scope="module")
def _filled(tmp_path_factory):
    """Real Bezirke, Ortsteile and F II 2 reports 2020-2022; plans and programme areas as marked samples
    (loaded once for the module; each test works on its own copy, see :func:`loaded`)."""
    root = tmp_path_factory.mktemp("fair")
    with using_data(root / "data"):
        ld.refresh(["bezirke", "ortsteile", "baufertigstellungen"], mirror=SNAPSHOT)
        mirror = write_mirror(root / "samples", only=["bebauungsplaene", "foerdergebiete"])
        outcomes = ld.refresh(["bebauungsplaene", "foerdergebiete"], mirror=mirror)
    assert [o.state for o in outcomes] == ["fresh", "fresh"]
    return root / "data"


@pytest.fixture()
def loaded(data_dir, _filled):
    """This test's data folder: a copy of the module's filled one."""
    return copy_data(_filled, data_dir)


def _sample_plans(layer: str, bezirk: str) -> list[dict]:
    return [f["properties"] for f in json.loads(sample_bplan(layer))["features"] if f["properties"]["bezirk"] == bezirk]


@pytest.mark.slow  # loads the real boundaries and reports
def test_lichtenberg_measures(loaded):
    m = measures("Lichtenberg", today=TODAY)
    rows = m.rows
    running = rows[rows["art"] == KINDS[0]]
    assert sorted(running["name"].str.split().str[0]) == sorted(p["planid"] for p in _sample_plans("im_verfahren",
                                                                                                      "Lichtenberg"))
    recent = [p for p in _sample_plans("festgesetzt", "Lichtenberg") if p["festsg_am"] >= "2021-01-15"]
    set_rows = rows[rows["art"] == KINDS[1]]
    assert len(set_rows) == len(recent) > 0 and (set_rows["datum"] >= pd.Timestamp("2021-01-15")).all()
    assert set_rows["datum"].is_monotonic_decreasing  # newest first
    ortsteile = set(ld.geo.boundaries("ortsteil", "Lichtenberg")["ortsteil"])
    assert set(running["ortsteil"]) <= ortsteile and running["ortsteil"].ne("").all()
    sites = commercial_sites()
    curated = rows[rows["art"] == KINDS[3]]
    assert curated["name"].tolist() == sites.loc[sites["bezirk_id"] == "11", "name"].tolist()
    assert curated["quelle"].str.startswith("http").all() and curated["beispieldaten"].eq("").all()
    backlog = rows[rows["art"] == KINDS[4]].set_index("name")
    assert backlog["anzahl"].to_dict() == {"Wohnungen in Wohngebäuden": 8140, "Wohnbauvorhaben": 768,
                                           "Nichtwohnbauvorhaben": 109}
    assert (backlog["datum"] == pd.Timestamp("2022-12-31")).all() and backlog["beispieldaten"].eq("").all()
    assert backlog["ortsteil"].str.contains("nach Ortsteilen nicht veröffentlicht").all()
    assert rows.loc[rows["art"].isin(KINDS[:3]), "beispieldaten"].eq("BEISPIELDATEN").all()
    assert m.sample and not m.missing
    assert rows["art"].drop_duplicates().tolist() == list(KINDS)  # in the order of the list


@pytest.mark.slow  # loads the real boundaries and reports
def test_programme_areas_in_force_only(loaded):
    rows = measures("Lichtenberg", today=TODAY).rows
    programmes = rows[rows["art"] == KINDS[2]]
    assert set(programmes["status"]) == {"Sanierungsgebiet (umfassendes Verfahren)", "Lebendige Zentren und Quartiere",
                                         "Sanierungsgebiet (vereinfachtes Verfahren)",
                                         "Sozialer Zusammenhalt / Quartiersmanagement"}
    pankow = measures("Pankow", today=TODAY).rows  # its sample area of a repealed Sanierungsgebiet is left out
    assert "Sanierungsgebiet (aufgehoben)" not in set(pankow["status"])
    assert ld.load("foerdergebiete").query("bezirk_id == '03' and layer == 'sanierung_aufgehoben'").shape[0] == 1


@pytest.mark.slow  # loads the real boundaries and reports
def test_marzahn_hellersdorf_has_no_curated_areas_and_its_own_backlog(loaded):
    m = measures("Marzahn-Hellersdorf", today=TODAY)
    assert KINDS[3] not in set(m.rows["art"])
    block = next(b for b in m.blocks if b.title == "Gewerbegebiete")
    assert block.lines == ["Für Marzahn-Hellersdorf sind keine Gewerbegebiete kuratiert "
                           "(lichtenberg_data/curated/gewerbegebiete.csv)"]
    backlog = m.rows[m.rows["art"] == KINDS[4]].set_index("name")["anzahl"].to_dict()
    assert backlog == {"Wohnungen in Wohngebäuden": 5398, "Wohnbauvorhaben": 905, "Nichtwohnbauvorhaben": 106}
    assert len(m.rows[m.rows["art"] == KINDS[0]]) == 6


def test_missing_datasets_are_german_lines_never_errors(data_dir):
    m = measures("Lichtenberg", today=TODAY)
    assert m.missing == [
        "Bebauungspläne – Daten fehlen: lichtenberg-data refresh bebauungsplaene (oder import einer gespeicherten WFS-Antwort)",
        "Fördergebiete – Daten fehlen: lichtenberg-data refresh foerdergebiete; Quartiersmanagement und Lebendige Zentren: "
        "lichtenberg-data import foerdergebiete DATEI",
        "Bauüberhang – Daten fehlen: lichtenberg-data import baufertigstellungen SB_F02-02-00_*.xlsx"]
    assert m.rows["art"].unique().tolist() == [KINDS[3]] and not m.sample
    with pytest.raises(ValueError, match="one Bezirk"):
        measures(None)


def test_a_layer_not_loaded_is_said_not_counted_as_none(data_dir, tmp_path):
    path = tmp_path / "b_bp_fs.geojson"
    path.write_bytes(sample_bplan("festgesetzt"))
    ld.import_file("bebauungsplaene", path)  # an import may bring one layer only
    block = next(b for b in measures("Lichtenberg", today=TODAY).blocks if b.title == "Bebauungspläne")
    assert block.lines[0] == "Bebauungspläne im Verfahren: Ebene nicht geladen (lichtenberg-data refresh bebauungsplaene)"
    assert block.lines[1].startswith("7 Bebauungspläne seit 15.01.2021 festgesetzt")
