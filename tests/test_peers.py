"""The comparison Bezirke: chosen by population, density and MSS status, or set by hand."""

from __future__ import annotations

import io
from contextlib import redirect_stderr

import pytest

from lichtenberg_data import UnknownDistrictError
from lichtenberg_data.briefing import peers
from lichtenberg_data.names import BEZIRKE


def _figure(fid: str, values: dict[str, float], sample: bool = False) -> dict:
    return {"id": fid, "sample": sample, "bezirke": {b: {"name": BEZIRKE[b], "current": v} for b, v in values.items()}}


# Bezirk → (residents, density, status)
_DATA = {"01": (398000, 10100, 2.6), "02": (293000, 14400, 2.4), "03": (429000, 4200, 1.8), "04": (344000, 5300, 1.9),
         "05": (258000, 2700, 2.5), "06": (310000, 3000, 1.4), "07": (355000, 6800, 2.2), "08": (330000, 7400, 2.7),
         "09": (303000, 1800, 2.0), "10": (297000, 4800, 2.3), "11": (318000, 6100, 2.2), "12": (268000, 2800, 2.2)}


def _figures(**kw) -> list[dict]:
    return [_figure(fid, {b: v[i] for b, v in _DATA.items()}, **kw)
            for i, fid in enumerate(("einwohner", "einwohnerdichte", "status_index"))]


def test_the_two_nearest_bezirke_in_the_standardised_criteria():
    import pandas as pd

    table = pd.DataFrame(_DATA, index=["e", "d", "s"]).T
    z = (table - table.mean()) / table.std(ddof=0)
    distance = ((z - z.loc["11"]) ** 2).sum(axis=1).pow(0.5).drop("11").sort_values()
    assert list(distance.index[:2]) == ["10", "07"]  # what the hand-made numbers give
    chosen = peers.choose(_figures(), "11")
    assert chosen.names == ["Marzahn-Hellersdorf", "Tempelhof-Schöneberg"]
    assert chosen.rule == ("Vergleichsbezirke: Marzahn-Hellersdorf und Tempelhof-Schöneberg – die 2 Bezirke, die "
                           "Lichtenberg nach Einwohnerzahl, Einwohnerdichte und mittlerem Status-Index (MSS) am "
                           "ähnlichsten sind (kleinster Abstand der über die 12 Bezirke standardisierten Werte).")
    assert peers.choose(_figures(), "11", n=1).ids == ["10"]


def test_without_the_criteria_there_is_no_comparison_and_the_rule_says_why():
    chosen = peers.choose(_figures(sample=True), "11")  # sample data are never a basis
    assert chosen.ids == [] and "nicht bestimmt" in chosen.rule and "verglichen wird mit Berlin" in chosen.rule
    only_people = peers.choose(_figures()[:1], "11")
    assert only_people.ids and "nach Einwohnerzahl am ähnlichsten" in only_people.rule


def test_set_by_hand_validated():
    assert peers.parse("Marzahn-Hellersdorf, 09") == ["10", "09"]
    with pytest.raises(UnknownDistrictError):
        peers.parse("Atlantis")
    given = peers.given(["10", "09"], "11")
    assert given.rule == "Vergleichsbezirke (für dieses Briefing vorgegeben): Marzahn-Hellersdorf und Treptow-Köpenick."
    with pytest.raises(ValueError, match="names Lichtenberg, the district of the briefing itself"):
        peers.given(["11"], "11")


def test_the_briefing_refuses_an_unknown_comparison_bezirk_before_any_notebook_runs(data_dir, tmp_path):
    from lichtenberg_data import cli

    err = io.StringIO()
    with redirect_stderr(err):
        code = cli.main(["briefing", "--year", "2026", "--out", str(tmp_path / "out"), "--vergleich", "Atlantis,09"])
    assert code == 2 and "Atlantis" in err.getvalue()
    assert not (tmp_path / "out").exists()
