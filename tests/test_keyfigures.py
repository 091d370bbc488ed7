"""The key figures, declared once: the registry, a figure's values for a district, the notebooks' use."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest

import lichtenberg_data as ld
from lichtenberg_data import DataNotAvailableError, catalog
from lichtenberg_data.briefing import SECTIONS, keyfigures
from lichtenberg_data.briefing.keyfigures import Ctx, evaluate, get
from lichtenberg_data.names import BEZIRKE

NOTEBOOKS = sorted((Path(__file__).parents[1] / "notebooks").glob("*.ipynb"))


def _code(path: Path) -> str:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")


def test_every_figure_is_declared_once_with_label_unit_section_and_known_datasets():
    ids = keyfigures.ids()
    assert len(ids) == len(set(ids)) >= 55
    for fid in ids:
        fig = get(fid)
        assert fig.section in SECTIONS and fig.label and fig.noun, fid
        assert re.fullmatch(r"[a-z][a-z0-9_]*", fid), fid
        assert set(fig.datasets) <= set(catalog.ids()), (fid, fig.datasets)
        assert fig.kind in {"rate", "count"} and set(fig.says) <= {"change", "level", "versus"}, fid
        if "versus" in fig.says:  # set against a partner of the same section, each saying what it counts
            partner = get(fig.versus)
            assert partner.section == fig.section and fig.counted and partner.counted and fig.short, fid
    assert [get(i).section for i in ids] == sorted((get(i).section for i in ids), key=list(SECTIONS).index)


def test_an_unknown_id_names_the_valid_ones():
    with pytest.raises(KeyError, match="unknown key figure 'einwohnerzahl'; valid ids: einwohner, einwohnerdichte"):
        get("einwohnerzahl")


def test_the_notebooks_hand_over_every_figure_by_its_id_and_no_figure_without_one():
    code = "\n".join(_code(p) for p in NOTEBOOKS)
    assert "key_figure(SECTION" not in code and "latest_pair" not in code
    called = set(re.findall(r'key_figure\("([a-z0-9_]+)"', code)) | set(re.findall(r'"([a-z0-9_]+)"', code))
    assert set(keyfigures.ids()) - called == set()


def _long(rows: list[tuple[str, object, float]]) -> pd.DataFrame:
    return pd.DataFrame([{"gebiet_id": g, "gebiet": {**BEZIRKE, "00": "Berlin"}[g], "zeit": z, "wert": v}
                         for g, z, v in rows])


def test_the_previous_value_is_the_previous_available_one_and_berlin_and_the_bezirke_share_its_periods():
    rows = [("11", pd.Timestamp("2020-12-31"), 296837), ("11", pd.Timestamp("2025-12-31"), 318261),
            ("00", pd.Timestamp("2020-12-31"), 3769962), ("00", pd.Timestamp("2025-12-31"), 3913644),
            ("00", pd.Timestamp("2019-12-31"), 3700000),  # Berlin has a year the district lacks
            ("10", pd.Timestamp("2020-12-31"), 273731), ("10", pd.Timestamp("2025-12-31"), 296687)]
    got = evaluate(get("einwohner"), _long(rows), Ctx("Lichtenberg", "11"))
    assert (got["current"], got["when"], got["previous"], got["previous_when"]) == \
        (318261, "2025-12-31", 296837, "2020-12-31")
    assert got["reference"] == {"id": "00", "name": "Berlin", "current": 3913644, "previous": 3769962}
    assert got["bezirke"] == {"10": {"name": "Marzahn-Hellersdorf", "current": 296687, "previous": 273731},
                              "11": {"name": "Lichtenberg", "current": 318261, "previous": 296837}}
    assert got["series"] == [["2020-12-31", 296837], ["2025-12-31", 318261]]


def test_the_briefing_year_leaves_out_later_periods():
    rows = [("11", 2019, 5.0), ("11", 2024, 6.0), ("11", 2027, 9.0), ("00", 2024, 5.5), ("00", 2027, 8.0)]
    got = evaluate(get("bettenauslastung"), _long(rows), Ctx("Lichtenberg", "11", year=2026))
    assert (got["current"], got["when"], got["previous"], got["previous_when"]) == (6.0, "2024", 5.0, "2019")
    assert got["reference"]["current"] == 5.5


def test_no_value_for_the_district_is_a_missing_figure_naming_its_dataset():
    table = _long([("10", 2024, 1.0)])
    fig = get("bettenauslastung")
    with pytest.raises(LookupError, match="no value for Lichtenberg"):
        evaluate(fig, table, Ctx("Lichtenberg", "11"))
    with pytest.raises(DataNotAvailableError) as info:
        keyfigures.compute("bettenauslastung", table.assign(jahr=2024, bettenauslastung=1.0), district="Lichtenberg")
    assert info.value.dataset == "beherbergung_bezirke" and "keine Angabe für Lichtenberg" in info.value.lacks


def test_a_missing_dataset_is_listed_as_missing(data_dir):
    rows = {r["id"]: r for r in keyfigures.listing("Lichtenberg")}
    assert rows["einwohner"]["missing"] == "fehlt: einwohner_lor"
    assert rows["uebernachtungen"]["missing"] == "fehlt: beherbergung_bezirke"
    assert all(r["current"] is None for r in rows.values())


def test_published_figures_come_from_the_curated_table_with_their_source():
    (row,) = keyfigures.published("einkaufszentren", "11")
    assert row["wert"] == "12" and row["quelle_url"].startswith("https://www.berliner-woche.de/")
    assert keyfigures.published("einkaufszentren", "10") == []


# ---------------------------------------------------------------------------- the parts of issue 20

def _entry(fid: str, **kwargs) -> dict:
    return keyfigures.compute(fid, district="Lichtenberg", **kwargs).entry


@pytest.mark.slow  # loads the register, the F II 2 reports and the schools of the snapshot
def test_backlog_schools_and_the_modellrechnung_from_the_real_files(data_dir):
    from lichtenberg_data.demo import SNAPSHOT

    outcomes = ld.refresh(["lor_planungsraeume", "einwohner_lor", "baufertigstellungen", "schulen"], mirror=SNAPSHOT)
    assert {o.state for o in outcomes} == {"fresh"}, [o.reason for o in outcomes]
    flats = _entry("bauueberhang_wohnungen")
    assert flats["series"] == [["2020-12-31", 5461], ["2021-12-31", 7627], ["2022-12-31", 8140]]
    assert flats["reference"] == {"id": "00", "name": "Berlin", "current": 61534, "previous": 65270}
    assert len(flats["bezirke"]) == 12 and flats["bezirke"]["09"]["current"] == 9176
    assert [v for _, v in _entry("bauueberhang_wohnbauvorhaben")["series"]] == [698, 798, 768]
    assert [v for _, v in _entry("bauueberhang_nichtwohnbauvorhaben")["series"]] == [106, 105, 109]
    share = _entry("bauueberhang_nicht_begonnen_anteil")  # 2.371 of 7.754 dwellings in new buildings
    assert (share["current"], share["reference"]["current"]) == (2371 / 7754 * 100, 15901 / 53183 * 100)

    counts = {fid: _entry(fid)["current"] for fid in ("schulen_oeffentlich", "integrierte_sekundarschulen",
                                                        "gymnasien", "berufliche_schulen", "weiterfuehrende_schulen")}
    assert counts == {"schulen_oeffentlich": 54, "integrierte_sekundarschulen": 11, "gymnasien": 5,
                      "berufliche_schulen": 3, "weiterfuehrende_schulen": 16}
    youth = _entry("jugendliche_je_schule")
    assert youth["when"] == "Schuljahr 2019/20" and youth["current"] == 6258 / 16
    assert youth["label"].startswith("15- bis unter 18-Jährige (Einwohnerregister 31.12.2019) je öffentlicher ISS")
    assert round(youth["reference"]["current"]) == 407

    entries = _entry("eintritte_erwerbsalter_5j", year=2026)
    assert (entries["when"], entries["current"]) == ("31.12.2025–31.12.2030", 17167)
    assert entries["versus"]["id"] == "austritte_erwerbsalter_5j" and entries["versus"]["current"] == 19085
    assert round(entries["reference"]["current"]) == 193750 and entries["versus"]["reference"]["current"] == 260145
    later = _entry("eintritte_erwerbsalter_10j", year=2026)
    assert (round(later["current"]), later["versus"]["current"]) == (43607, 35624)
    assert (later["reference"]["current"], later["versus"]["reference"]["current"]) == (462259, 511354)
    assert later["detail"] == "2020–2025"  # the years of the one assumption
    # a briefing of 2024 starts from the register of 2020 (with 2015 for the assumption)
    assert _entry("eintritte_erwerbsalter_10j", year=2024)["when"] == "31.12.2020–31.12.2030"


@pytest.mark.slow  # 0.4 s on 2 cores
def test_plans_and_the_forecast_per_bezirk_from_their_tables(data_dir, tmp_path):
    from lichtenberg_data.demo import write_mirror

    mirror = write_mirror(tmp_path / "samples", only=["bebauungsplaene", "bevoelkerungsprognose"])
    assert {o.state for o in ld.refresh(["bebauungsplaene", "bevoelkerungsprognose"], mirror=mirror)} == {"fresh"}
    plans = ld.load("bebauungsplaene")
    since = pd.Timestamp(plans.attrs["provenance"][0]["reference_date"]) - pd.DateOffset(years=5)
    own = plans[plans["bezirk_id"] == "11"]
    running = _entry("bebauungsplaene_im_verfahren")
    assert running["current"] == int((own["layer"] == "im_verfahren").sum()) > 0
    assert running["reference"]["current"] == int((plans["layer"] == "im_verfahren").sum())
    recent = _entry("bebauungsplaene_festgesetzt")
    assert recent["current"] == int(((own["layer"] == "festgesetzt") & (own["festgesetzt_am"] >= since)).sum()) > 0
    assert recent["label"] == f"Bebauungspläne festgesetzt in den letzten fünf Jahren (seit {since:%d.%m.%Y})"
    table = get("bebauungsplaene_festgesetzt").build(keyfigures.context("Lichtenberg"))
    table.attrs["layers"] = ["im_verfahren"]  # a layer not loaded is no count of 0
    with pytest.raises(DataNotAvailableError) as info:
        keyfigures.compute("bebauungsplaene_festgesetzt", table, district="Lichtenberg")
    assert info.value.lacks.startswith("keine Angabe für Lichtenberg")

    forecast = ld.load("bevoelkerungsprognose")
    rows = forecast[(forecast["variante"] == "mittlere") & (forecast["altersgruppe"] == "insgesamt")
                    & (forecast["gebiet_id"] == "11")].set_index("jahr")["einwohner"]
    made = _entry("prognose_2040", year=2026)  # made in 2024, reaching 2040: it belongs to a briefing of 2026
    assert (made["current"], made["when"], made["previous"], made["previous_when"]) == \
        (rows[2040], "2040", rows[2024], "2024")
    with pytest.raises(DataNotAvailableError):
        _entry("prognose_2040", year=2023)  # a forecast made after the briefing year is left out


def test_figures_built_by_one_function_share_one_build_until_the_data_change(data_dir):
    from types import SimpleNamespace

    from lichtenberg_data.briefing.keyfigures import _built

    calls = []

    def build(ctx):
        calls.append(ctx.district)
        return pd.DataFrame({"wert": [1.0, 2.0]})

    fig, lichtenberg = SimpleNamespace(build=build), keyfigures.context("Lichtenberg", 2026)
    first = _built(fig, lichtenberg)
    first.loc[0, "wert"] = 99.0  # a caller's copy is its own
    assert _built(fig, lichtenberg)["wert"].tolist() == [1.0, 2.0] and calls == ["Lichtenberg"]
    assert _built(fig, keyfigures.context("Pankow", 2026)) is not None and calls == ["Lichtenberg", "Pankow"]
    from lichtenberg_data.settings import settings

    settings.processed_dir.mkdir(parents=True, exist_ok=True)
    (settings.processed_dir / "einwohner_lor.parquet").write_bytes(b"neu")  # a refresh changes the data
    _built(fig, lichtenberg)
    assert calls == ["Lichtenberg", "Pankow", "Lichtenberg"]


@pytest.mark.slow  # 1 s: the other thread waits for the lock until its join times out
def test_a_figure_computed_while_another_thread_computes_others_gets_its_table(data_dir):
    import threading
    from types import SimpleNamespace

    from lichtenberg_data._cache import _RESULTS_MAX
    from lichtenberg_data.briefing.keyfigures import _built

    others, theirs = [], []

    def other_figures() -> None:  # another thread computing enough figures to push this one out of the cache
        fig = SimpleNamespace(build=lambda ctx: pd.DataFrame({"wert": [float(ctx.year)]}))
        for year in range(2000, 2001 + _RESULTS_MAX):
            theirs.extend(_built(fig, keyfigures.context("Pankow", year))["wert"])

    class Build:
        """A build function; the cache hashes it on every look-up, so the other thread runs right
        between this figure's look-up and its use of the cached table."""

        looked_up, trap = 0, False

        def __call__(self, ctx):
            return pd.DataFrame({"wert": [float(ctx.year)]})

        def __hash__(self) -> int:
            self.looked_up += 1
            if self.trap and self.looked_up == 2:
                others.append(threading.Thread(target=other_figures))
                others[-1].start()
                others[-1].join(timeout=1)  # with the cache locked it waits until this figure is done
            return 1

    build = Build()
    fig, ctx = SimpleNamespace(build=build), keyfigures.context("Lichtenberg", 2026)
    assert _built(fig, ctx)["wert"].tolist() == [2026.0]
    build.looked_up, build.trap = 0, True
    assert _built(fig, ctx)["wert"].tolist() == [2026.0]  # was a KeyError from the cache
    others[0].join()
    assert theirs == [float(year) for year in range(2000, 2001 + _RESULTS_MAX)]



def test_figures_built_by_the_same_partial_share_one_build(data_dir):
    from functools import partial
    from types import SimpleNamespace

    from lichtenberg_data.briefing.keyfigures import _built

    calls = []

    def employees(place, ctx):
        calls.append(place)
        return pd.DataFrame({"wert": [1.0]})

    ctx = keyfigures.context("Lichtenberg", 2026)
    for build in (partial(employees, "arbeitsort"), partial(employees, "arbeitsort"), partial(employees, "wohnort")):
        _built(SimpleNamespace(build=build), ctx)
    assert calls == ["arbeitsort", "wohnort"]  # as the three figures of the employees at their workplace
