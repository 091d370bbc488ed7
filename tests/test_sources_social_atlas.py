"""gssa (Gesundheits- und Sozialstrukturatlas): real files with Stata-style decimals, samples."""

from __future__ import annotations

import pytest

from lichtenberg_data import catalog
from lichtenberg_data._validate import validate
from lichtenberg_data.demo import social as demo_social
from lichtenberg_data.sources import social_atlas

EMPLOYMENT = "employment"



# =============================================================================== GSSA

@pytest.mark.realdata
def test_gssa_real_files(real_data):
    files = {f"gssa_2022_{lvl}.csv": real_data / EMPLOYMENT / f"gssa_2022_{lvl}.csv" for lvl in
             ("planungsraeume", "bezirksregionen", "prognoseraeume", "bezirke")}
    df = social_atlas.parse_gssa(files)
    validate(catalog.get("gssa"), df)
    counts = df[df["jahr"] == 2022]["ebene"].value_counts().to_dict()
    assert counts == {"planungsraum": 448, "bezirksregion": 138, "prognoseraum": 60, "bezirk": 12}
    plr = df[df["ebene"] == "planungsraum"].set_index(["gebiet_id", "jahr"])
    # "01011101,Stülerstr.,.70700312,...": Stata decimals without a leading zero
    assert plr.loc[("01011101", 2013), "gesix"] == pytest.approx(0.70700312)
    # 11041022 Rosenfelder Ring (old LOR key): ESIx 2022 = -.2492203
    assert plr.loc[("11041022", 2022), "esix"] == pytest.approx(-0.2492203)
    # uninhabited areas: empty cells (column GESIx_2022: 20 empty, GESIx_2013: 27)
    assert int(plr.xs(2022, level="jahr")["gesix"].isna().sum()) == 20
    assert int(plr.xs(2013, level="jahr")["gesix"].isna().sum()) == 27
    bez = df[(df["ebene"] == "bezirk") & (df["gebiet_id"] == "11")].set_index("jahr")
    assert bez.loc[2022, "esix"] == pytest.approx(0.039579716)
    assert bez.loc[2013, "soziale_lage"] == pytest.approx(0.42248219)
    assert (df.loc[df["ebene"] == "planungsraum", "bezirk_id"] == "11").sum() == 32 * 2


def test_gssa_sample_format(tmp_path):
    text = demo_social.sample_gssa("planungsraeume").decode()
    assert text.startswith("plrID,plrNAME,GESIx_2013,GESIx_2022,ESIx_2013")
    assert ",." in text or ",-." in text  # decimals without leading zero
    assert demo_social._stata(0.707) == ".707" and demo_social._stata(-0.93678898) == "-.93678898" and demo_social._stata(1.5) == "1.5"
