"""Findings in words: the words the data choose (on small hand-made tables), the summary's choice,
chart titles, and - on the real paper - every sentence's numbers recomputed from the tables."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from lichtenberg_data.briefing import findings, headline, keyfigures
from lichtenberg_data.briefing.keyfigures import Ctx, evaluate, get, published
from lichtenberg_data.names import BEZIRKE

NAMES = {**BEZIRKE, "00": "Berlin"}
T0, T1 = pd.Timestamp("2020-12-31"), pd.Timestamp("2025-12-31")


def entry(fid: str, rows: list[tuple[str, object, float]], *, sample: bool = False, detail: str = "") -> dict:
    """A key figure as a notebook hands it over, from a hand-made long table."""
    fig = get(fid)
    table = pd.DataFrame([{"gebiet_id": g, "gebiet": NAMES.get(g, g), "zeit": z, "wert": v} for g, z, v in rows])
    return {"id": fid, "section": fig.section, "label": fig.label, "unit": fig.unit, "decimals": fig.decimals,
            "chart": fig.chart, "detail": detail, "sample": sample,
            **evaluate(fig, table, Ctx("Lichtenberg", "11"))}


def texts(e: dict, peers: list[str] | None = None) -> dict[str, str]:
    return {f.kind: f.text for f in findings.figure_findings(e, peers)}


# ---------------------------------------------------------------------------- word choice

def test_the_population_sentence_of_the_issue_word_for_word():
    e = entry("einwohner", [("11", T0, 296837), ("11", T1, 318261), ("00", T0, 3769962), ("00", T1, 3913644)])
    assert texts(e)["change"] == ("Lichtenberg wuchs von 296.837 (31.12.2020) auf 318.261 Einwohnerinnen und "
                                  "Einwohner (31.12.2025), um 7,2 % – stärker als Berlin (+3,8 %).")
    assert headline(e, "Einwohner") == "Lichtenberg wächst seit 2020 schneller als Berlin"


@pytest.mark.parametrize(("before", "after", "word", "size"), [
    (195538, 211602, "gestiegen", "um 8,2 %"), (211602, 195538, "gesunken", "um 7,6 %"),
    (100.4, 99.6, "unverändert", None)])  # both print as 100: no change is claimed
def test_gestiegen_gesunken_unveraendert_from_the_printed_values(before, after, word, size):
    said = texts(entry("erwerbsfaehige", [("11", T0, before), ("11", T1, after)]))["change"]
    assert word in said and {"gestiegen", "gesunken", "unverändert"} - {word} & set(said.split()) == set()
    if size:
        assert size in said
    else:
        assert said == ("Die Zahl der Einwohnerinnen und Einwohner von 15 bis unter 65 Jahren ist in Lichtenberg "
                        "von 31.12.2020 bis 31.12.2025 mit 100 unverändert geblieben.")


def test_a_share_changes_in_percentage_points_and_a_ratio_in_percent():
    e = entry("arbeitslosigkeit", [("11", T0, 5.33), ("11", T1, 4.91), ("00", T0, 5.19), ("00", T1, 5.02)])
    assert texts(e)["change"].endswith("von 5,3 % (31.12.2020) auf 4,9 % (31.12.2025) gesunken, um 0,4 Prozentpunkte "
                                       "– stärker als in Berlin (−0,2 Pp.).")
    e = entry("ersatzquote", [("11", T0, 141.4), ("11", T1, 109.6), ("00", T0, 141.0), ("00", T1, 129.0)])
    assert texts(e)["change"].endswith("von 141 (31.12.2020) auf 110 (31.12.2025) gesunken, um 22,0 % – stärker als "
                                       "in Berlin (−8,5 %).")


@pytest.mark.parametrize(("own", "berlin", "words"), [
    (5.33, 5.19, "über dem Berliner Wert (5,2 %)"), (4.0, 5.19, "unter dem Berliner Wert (5,2 %)"),
    (5.24, 5.16, "gleichauf mit dem Berliner Wert (5,2 %)")])
def test_ueber_unter_gleichauf_with_berlin(own, berlin, words):
    said = texts(entry("arbeitslosigkeit", [("11", T0, own), ("00", T0, berlin)]))["level"]
    assert said.startswith("Der Anteil der Arbeitslosen an den Einwohnerinnen und Einwohnern von 15 bis unter 65 "
                           f"Jahren lag in Lichtenberg am 31.12.2020 bei {str(round(own, 1)).replace('.', ',')} %")
    assert words in said


def test_rank_among_the_twelve_bezirke_and_the_comparison_bezirke():
    values = {"01": 9.1, "02": 8.0, "03": 4.0, "04": 3.9, "05": 6.2, "06": 2.5, "07": 5.0, "08": 8.8,
              "09": 4.6, "10": 6.1, "11": 6.5, "12": 5.5}
    e = entry("arbeitslosigkeit", [(g, T0, v) for g, v in values.items()] + [("00", T0, 5.2)])
    said = texts(e, peers=["10", "09"])["level"]
    assert "Rang 4 unter den 12 Bezirken (1 = höchster Wert)" in said
    assert "über dem Wert der ähnlichen Bezirke Marzahn-Hellersdorf (6,1 %) und Treptow-Köpenick (4,6 %)" in said
    said = texts(e, peers=["01", "09"])["level"]
    assert "zwischen den Werten der ähnlichen Bezirke Mitte (9,1 %) und Treptow-Köpenick (4,6 %)" in said
    said = texts(e, peers=["01"])["level"]
    assert "unter dem Wert des ähnlichen Bezirks Mitte (9,1 %)" in said
    assert headline(e, "x", kind="level") == "Arbeitslosigkeit in Lichtenberg über dem Berliner Wert"


def test_a_count_is_ranked_never_compared_in_size_with_berlin():
    e = entry("nutzflaeche_nichtwohngebaeude", [("11", 2022, 60390), ("10", 2022, 48710), ("00", 2022, 603290)])
    said = texts(e)["level"]
    assert "Berliner Wert" not in said and "Rang 1 unter den 2 Bezirken (1 = höchster Wert)" in said


@pytest.mark.parametrize(("berlin_after", "tail"), [
    (3800000, "um 7,2 % – stärker als Berlin (+0,8 %)."),
    (4200000, "um 7,2 % – schwächer als Berlin (+11,4 %)."),
    (3700000, "um 7,2 % – Berlin schrumpfte (−1,9 %).")])
def test_staerker_schwaecher_als_berlin(berlin_after, tail):
    e = entry("einwohner", [("11", T0, 296837), ("11", T1, 318261), ("00", T0, 3769962), ("00", T1, berlin_after)])
    assert texts(e)["change"].endswith(tail)


def test_a_finding_on_sample_data_is_left_out_and_the_title_falls_back():
    e = entry("einwohner", [("11", T0, 1), ("11", T1, 2), ("00", T0, 3), ("00", T1, 4)], sample=True)
    assert findings.figure_findings(e) == []
    assert headline(e, "Einwohnerinnen und Einwohner") == "Einwohnerinnen und Einwohner"
    assert findings.build([e], charts=["einwohner-verlauf"]).summary == []


def test_no_sentence_names_a_cause():
    e = entry("einwohner", [("11", T0, 296837), ("11", T1, 318261), ("00", T0, 3769962), ("00", T1, 3913644)])
    for f in findings.figure_findings(e):
        assert not re.search(r"\b(weil|wegen|aufgrund|dank|infolge|verursacht|durch)\b", f.text), f.text


def test_the_published_figure_and_the_papers_count_are_both_named_with_the_reason():
    e = entry("einkaufszentren", [("11", pd.Timestamp("2025-09-28"), 18)])
    (note,) = [f for f in findings.figure_findings(e) if f.kind == "published"]
    assert note.text.startswith("Das Bezirksamt spricht von zwölf Einkaufszentren im Bezirk (Berliner Woche")
    assert "dieses Briefing zählt 18 (28.09.2025)" in note.text and "verwenden deshalb" in note.text
    assert "level" not in texts(e)  # the note states the count; no second sentence with it


def test_one_full_stop_after_an_abbreviation():
    e = entry("arbeitslosigkeit", [("11", T0, 5.33), ("11", T1, 4.91), ("10", T0, 5.0), ("10", T1, 4.8)])
    said = texts(e, peers=["10"])["change"]
    assert said.endswith("; ähnliche Bezirke: Marzahn-Hellersdorf −0,2 Pp.") and not said.endswith("..")


def test_a_school_year_is_said_as_such_and_a_count_of_schools_is_ranked():
    e = entry("integrierte_sekundarschulen", [("11", "Schuljahr 2019/20", 11), ("03", "Schuljahr 2019/20", 11),
                                              ("12", "Schuljahr 2019/20", 12), ("00", "Schuljahr 2019/20", 123)])
    assert texts(e)["level"] == ("Die Zahl der öffentlichen Integrierten Sekundarschulen lag in Lichtenberg im Schuljahr "
                                 "2019/20 bei 11 – Rang 2 (geteilt) unter den 3 Bezirken (1 = höchster Wert).")


def flows(values: dict[str, tuple[float, float]], years: int = 5) -> dict:
    """The entries into working age as the notebook hands them over (with the exits they are set
    against), from a hand-made table of ``workforce.working_age_flows``: area -> (entries, exits)."""
    table = pd.DataFrame([{"gebiet_id": g, "gebiet": NAMES[g], "basisjahr": 2025, "vergleichsjahr": 2020,
                           "zieljahr": 2025 + years, "horizont": years, "eintritte": a, "austritte": b}
                          for g, (a, b) in values.items()])
    return {**keyfigures.compute(f"eintritte_erwerbsalter_{years}j", table, district="Lichtenberg").entry,
            "sample": False}


def test_entries_set_against_exits_in_a_modellrechnung_with_its_assumption():
    e = flows({"11": (17167, 19085), "00": (193750.33, 260145), "10": (15000, 19200), "04": (14000, 20000)})
    (said,) = findings.figure_findings(e, peers=["10", "04"])
    assert said.text == (
        "Modellrechnung (keine Prognose) für Lichtenberg von 31.12.2025 bis 31.12.2030: 17.167 Menschen erreichen das "
        "Erwerbsalter (werden 15), 19.085 verlassen es (werden 65) – weniger Eintritte ins Erwerbsalter als Austritte: "
        "90 je 100 (Berlin: 74 je 100); ähnliche Bezirke: Marzahn-Hellersdorf (78) und Charlottenburg-Wilmersdorf (70). "
        "Annahme: Jeder Jahrgang gewinnt oder verliert durch Zu- und Fortzüge und Sterbefälle so viele Menschen wie "
        "der gleich alte Jahrgang 2020–2025.")
    assert said.kind == "versus" and said.figures == ["eintritte_erwerbsalter_5j", "austritte_erwerbsalter_5j"]
    assert said.numbers == {"current": 17167, "versus": 19085, "per_100": 90, "reference_per_100": 74,
                            "peer:Marzahn-Hellersdorf": 78, "peer:Charlottenburg-Wilmersdorf": 70}
    assert headline(e, "x", kind="versus") == "Lichtenberg bis 2030: weniger Eintritte ins Erwerbsalter als Austritte"
    assert not re.search(r"\b(weil|wegen|aufgrund|dank|infolge|verursacht|durch)\b", said.text.split("Annahme")[0])


@pytest.mark.parametrize(("entries", "exits", "words", "per_100"), [
    (43607, 35624, "mehr Eintritte ins Erwerbsalter als Austritte", "122 je 100"),
    (100.4, 99.6, "gleich viele Eintritte ins Erwerbsalter wie Austritte", "100 je 100")])  # both print as 100
def test_mehr_weniger_gleich_viele_from_the_printed_values(entries, exits, words, per_100):
    (said,) = findings.figure_findings(flows({"11": (entries, exits)}, years=10))
    assert "von 31.12.2025 bis 31.12.2035: " in said.text and f"– {words}: {per_100}. Annahme: " in said.text


def test_no_versus_sentence_without_the_partners_value():
    e = flows({"11": (17167, 19085)})
    assert findings.figure_findings({**e, "versus": None}) == []
    assert headline({**e, "versus": None}, "Eintritte und Austritte", kind="versus") == "Eintritte und Austritte"


# ---------------------------------------------------------------------------- the paper's choice

def _figures() -> list[dict]:
    out = []
    for i, fid in enumerate(("einwohner", "erwerbsfaehige", "ersatzquote", "einwohner_14_18", "einwohner_18_25",
                             "einwohner_15_25", "arbeitslosigkeit", "nahversorgung_500m", "bodenrichtwert_gewerbe",
                             "airbnb_je_1000_ew", "bettenauslastung", "medianentgelt")):
        out.append(entry(fid, [("11", 2020, 100 + i), ("11", 2024, 110 + i), ("00", 2020, 100), ("00", 2024, 105),
                               ("10", 2024, 90)]))
    return out


def test_summary_and_kernaussagen():
    charts = [c for c in (get(e["id"]).chart for e in _figures()) if c and c != "medianeinkommen-bezirke"]
    built = findings.build(_figures(), peers=["10"], charts=charts)
    assert 8 <= len(built.summary) <= findings.SUMMARY_MAX
    assert all(f.chart in charts for f in built.summary)  # each points to a chart of the paper
    ids = [f.figures[0] for f in built.summary]
    assert len(ids) == len(set(ids))
    order = ["ueberblick", "fachkraefte", "einzelhandel", "gewerbe", "tourismus"]
    assert [order.index(f.section) for f in built.summary] == sorted(order.index(f.section) for f in built.summary)
    assert {f.section for f in built.summary} == set(order)  # every section is heard
    assert all(sum(f.section == s for f in built.summary) <= 3 for s in order)
    assert 3 <= len(built.sections["fachkraefte"]) <= findings.SECTION_MAX
    medians = [f for f in built.all if f.figures == ["medianentgelt"]]
    assert medians and medians[0].chart is None  # its chart is not in this paper: no pointer


# ---------------------------------------------------------------------------- the real paper

real = pytest.mark.xdist_group("real-paper")

_NUM = r"[−+]?\d{1,3}(?:\.\d{3})+(?:,\d+)?|[−+]?\d+(?:,\d+)?"


def _recomputed() -> dict[str, pd.DataFrame]:
    """Every key figure the real paper can state, computed here from the stored tables with plain
    pandas (or, where the method is the topic package's own, with it): ``gebiet_id, zeit, wert``."""
    import lichtenberg_data as ld
    from lichtenberg_data import geo, retail, tourism, workforce

    def frame(df: pd.DataFrame, gid: str, zeit: str, wert: str) -> pd.DataFrame:
        return pd.DataFrame({"gebiet_id": df[gid].astype(str), "zeit": df[zeit].map(_iso), "wert": df[wert]})

    ew = ld.load("einwohner_lor")
    ages = {"e": ["einwohner"], "e15_65": ["alter_15_18", "alter_18_25", "alter_25_55", "alter_55_65"],
            "e14_18": ["alter_14_15", "alter_15_18"], "e18_25": ["alter_18_25"], "e15_25": ["alter_15_18", "alter_18_25"],
            "e55_65": ["alter_55_65"]}
    sums = ew.assign(**{k: ew[v].sum(axis=1) for k, v in ages.items()})
    per = sums.groupby(["date", "bezirk_id"], as_index=False)[list(ages)].sum()
    per = pd.concat([per, per.groupby("date", as_index=False)[list(ages)].sum().assign(bezirk_id="00")])
    per["quote"] = per["e55_65"] / per["e15_25"] * 100
    per["anteil"] = per["e15_65"] / per["e"] * 100
    km2 = geo.boundaries("bezirk", None).set_index("bezirk_id")["flaeche_m2"] / 1e6
    km2["00"] = km2.sum()
    per["dichte"] = per["e"] / per["bezirk_id"].map(km2)
    area = pd.DataFrame({"bezirk_id": km2.index, "km2": km2.to_numpy(), "date": "2025-09-29"})
    out = {"einwohner": frame(per, "bezirk_id", "date", "e"), "erwerbsfaehige": frame(per, "bezirk_id", "date", "e15_65"),
           "einwohner_14_18": frame(per, "bezirk_id", "date", "e14_18"),
           "einwohner_18_25": frame(per, "bezirk_id", "date", "e18_25"),
           "einwohner_15_25": frame(per, "bezirk_id", "date", "e15_25"),
           "ersatzquote": frame(per, "bezirk_id", "date", "quote"),
           "anteil_erwerbsfaehige": frame(per, "bezirk_id", "date", "anteil"),
           "einwohnerdichte": frame(per, "bezirk_id", "date", "dichte"), "flaeche": frame(area, "bezirk_id", "date", "km2")}
    mss = ld.load("mss")
    alo = workforce.unemployment(mss, level="bezirk", einwohner=ew)
    for ind in ("arbeitslosigkeit", "jugendarbeitslosigkeit"):
        out[ind] = frame(alo[alo["indikator"] == ind], "gebiet_id", "date", "wert")
    idx = mss[(mss["indikator"] == "statusindex") & (mss["edition"] == mss["edition"].max()) & mss["gueltig"]
              & mss["wert"].notna()].copy()
    idx["w"] = idx["wert"] * idx["einwohner"]
    idx["low"] = idx["wert"].isin([3, 4]).astype(int)
    st = idx.groupby(["date", "bezirk_id"], as_index=False)[["w", "einwohner", "low"]].sum()
    st = pd.concat([st, st.groupby("date", as_index=False)[["w", "einwohner", "low"]].sum().assign(bezirk_id="00")])
    st["index"] = st["w"] / st["einwohner"]
    out["status_index"] = frame(st, "bezirk_id", "date", "index")
    out["planungsraeume_niedriger_status"] = frame(st, "bezirk_id", "date", "low")
    earn = ld.load("entgelte_lor")
    earn = earn[earn["ebene"] == "bezirk"]
    out["medianentgelt"] = frame(earn, "gebiet_id", "date", "median_eur")
    shares = workforce.earnings(ld.load("entgelte_lor"), level="bezirk")
    out["anteil_unterer_entgeltbereich"] = frame(shares, "gebiet_id", "date", "anteil_unterer_entgeltbereich")
    supply = retail.supply_by_bezirk(retail.local_supply(None)).assign(date="2025-08-20")
    for fid, col in (("nahversorgung_500m", "anteil_500m"), ("nahversorgung_1000m", "anteil_1000m"),
                     ("supermaerkte_je_1000_ew", "supermaerkte_je_1000_ew"),
                     ("planungsraeume_ohne_markt", "planungsraeume_ohne_markt")):
        out[fid] = frame(supply, "gebiet_id", "date", col)
    brw = ld.load("bodenrichtwerte")
    gew = brw[brw["gewerbe"]].groupby(["stichtag", "bezirk_id"], as_index=False)["brw_eur_m2"].median()
    gew = pd.concat([gew, brw[brw["gewerbe"]].groupby("stichtag", as_index=False)["brw_eur_m2"].median()
                     .assign(bezirk_id="00")])
    out["bodenrichtwert_gewerbe"] = frame(gew, "bezirk_id", "stichtag", "brw_eur_m2")
    bau = ld.load("baufertigstellungen")
    nwg = bau[(bau["gebaeudeart"] == "nichtwohngebaeude") & (bau["massnahme"] == "fertigstellung_neubau")]
    out["nichtwohngebaeude"] = frame(nwg.assign(y=nwg["year"].astype(str)), "bezirk_id", "y", "gebaeude")
    out["nutzflaeche_nichtwohngebaeude"] = frame(nwg.assign(y=nwg["year"].astype(str)), "bezirk_id", "y", "nutzflaeche_m2")
    kv = ld.load("kurzzeitvermietung")
    kv = kv[kv["bezirk_id"].notna()]
    n = kv.groupby(["date", "bezirk_id"]).size().rename("n").reset_index()
    whole = kv[kv["room_type"] == "Entire home/apt"].groupby(["date", "bezirk_id"]).size().rename("g").reset_index()
    n = n.merge(whole, on=["date", "bezirk_id"], how="left")
    n = pd.concat([n, n.groupby("date", as_index=False)[["n", "g"]].sum().assign(bezirk_id="00")])
    latest = ew[ew["year"] == ew["year"].max()]
    people = latest.groupby("bezirk_id")["einwohner"].sum()
    people["00"] = latest["einwohner"].sum()
    n["je_1000"] = n["n"] / n["bezirk_id"].map(people) * 1000
    n["anteil"] = n["g"] / n["n"] * 100
    out["airbnb_angebote"] = frame(n, "bezirk_id", "date", "n")
    out["airbnb_je_1000_ew"] = frame(n, "bezirk_id", "date", "je_1000")
    out["airbnb_anteil_ganze_wohnungen"] = frame(n, "bezirk_id", "date", "anteil")
    nuz = retail.nuz_profile().gebiet
    out["nuz_anteil_65plus"] = pd.DataFrame({"gebiet_id": ["nuz", "11"], "zeit": ["2025-12-31"] * 2,
                                             "wert": nuz["anteil_65_plus"].to_numpy()})
    out["airbnb_ganze_wohnungen"] = frame(n, "bezirk_id", "date", "g")
    centres = retail.study_centres("Lichtenberg")
    lead = retail.lead_centre(centres)
    out["einkaufszentren"] = _one(int((centres["rolle"] == "Zentrum im Bezirk").sum()))
    out["einwohner_1000m_leitzentrum"] = _one(retail.centre_profiles(centres).set_index("zentrum").loc[lead, "einwohner_1000m"])
    near = retail.supermarkets_near(centres, radius_m=500, stores=retail.food_stores(ld.load("osm_pois")))
    out["supermaerkte_500m_leitzentrum"] = _one(near.set_index("zentrum").loc[lead, "supermaerkte"])
    out["huff_einzugsgebiet_leitzentrum"] = _one(retail.market_areas("Lichtenberg").centres.set_index("zentrum")
                                                 .loc[lead, "einwohner_erwartet"])
    profile = retail.nuz_profile()
    out["nuz_einwohner"] = _one(profile.gebiet["einwohner"].iloc[0], "nuz")
    out["nuz_anteil_linden_center"] = _one(profile.markt.set_index("planungsraum_id").loc[retail.NUZ_CORE,
                                                                                          "anteil_linden_center"], "nuz")
    flats = bau[(bau["gebaeudeart"] == "wohngebaeude") & (bau["massnahme"] == "fertigstellung_neubau")
                & bau["bezirk_id"].isin(["11", "00"])]  # one row per report year (F II 2 of 2020-2022)
    flats = flats.assign(y=flats["year"].astype(str))
    out["wohnungen_fertiggestellt"] = frame(flats, "bezirk_id", "y", "wohnungen")
    per_year = flats.pivot_table(index="y", columns="bezirk_id", values="wohnungen")
    share = (per_year["11"] / per_year["00"] * 100).rename("anteil").reset_index().assign(bezirk_id="11")
    out["anteil_neue_wohnungen_berlin"] = frame(share, "bezirk_id", "y", "anteil")
    out.update(_backlog(bau))
    out.update(_schools(ld.load("schulen"), ew))
    out.update(_flows(ew))
    del tourism
    return out


def _backlog(bau: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The Bauüberhang per Bezirk and Berlin at 31.12. of each report, from the F II 2 rows."""
    def rows(art: str, massnahme: str, column: str) -> pd.Series:
        part = bau[(bau["gebaeudeart"] == art) & (bau["massnahme"] == massnahme)]
        return part.set_index([part["year"].astype(str) + "-12-31", part["bezirk_id"]])[column]

    def frame(values: pd.Series) -> pd.DataFrame:
        return pd.DataFrame({"gebiet_id": values.index.get_level_values(1), "zeit": values.index.get_level_values(0),
                             "wert": values.to_numpy()})

    share = rows("wohngebaeude", "ueberhang_neubau_nicht_begonnen", "wohnungen") / \
        rows("wohngebaeude", "ueberhang_neubau", "wohnungen") * 100
    return {"bauueberhang_wohnungen": frame(rows("wohngebaeude", "ueberhang", "wohnungen")),
            "bauueberhang_wohnbauvorhaben": frame(rows("wohngebaeude", "ueberhang", "gebaeude")),
            "bauueberhang_nichtwohnbauvorhaben": frame(rows("nichtwohngebaeude", "ueberhang", "gebaeude")),
            "bauueberhang_nicht_begonnen_anteil": frame(share)}


def _schools(schulen: pd.DataFrame, ew: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Public schools per Bezirk and Berlin (located; per type), and the 15- to under-18-year-olds of
    the last 31.12. before the school list's Stand (07/2020: 2019) per ISS or Gymnasium."""
    def per(rows: pd.DataFrame) -> pd.Series:
        counts = rows.groupby("bezirk_id").size().reindex(sorted(BEZIRKE), fill_value=0)
        counts["00"] = counts.sum()
        return counts

    located = schulen[(schulen["traeger"] == "öffentlich") & schulen.geometry.notna()]
    iss, gym = (per(schulen[schulen["schulart"] == art]) for art in ("Integrierte Sekundarschule", "Gymnasium"))
    youth = ew[ew["year"] == 2019].groupby("bezirk_id")["alter_15_18"].sum()
    youth["00"] = youth.sum()

    def frame(values: pd.Series) -> pd.DataFrame:
        return pd.DataFrame({"gebiet_id": values.index, "zeit": "2019/20", "wert": values.to_numpy()})

    return {"schulen_oeffentlich": frame(per(located)), "integrierte_sekundarschulen": frame(iss),
            "gymnasien": frame(gym), "berufliche_schulen": frame(per(schulen[schulen["schulart"] == "Berufliche Schule"])),
            "jugendliche_je_schule": frame(youth.reindex(iss.index) / (iss + gym))}


def _flows(ew: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Entries into and exits from working age by t + 5 and t + 10 in closed form from the register's
    bands of t and t - 5 (each band spread evenly over its ages, the cohort change of t - 5 … t
    repeated): entries(5) = N_t(15-19) + N_t(10-14) - N_t-5(10-14); entries(10) = N_t(5-14) +
    N_t(10-19) - N_t-5(5-14) + N_t(15-24) - N_t-5(10-19); exits: today's 60-64 and 55-64."""
    t = int(ew["year"].max())

    def n(year: int, *bands: str, part: dict[str, float] | None = None) -> pd.Series:
        rows = ew[ew["year"] == year].groupby("bezirk_id")[[f"alter_{b}" for b in bands]].sum()
        total = sum(rows[f"alter_{b}"] * (part or {}).get(b, 1.0) for b in bands)
        total["00"] = total.sum()
        return total.astype(float)

    def n10_14(y: int) -> pd.Series:
        return n(y, "10_12", "12_14", "14_15")

    def n5_14(y: int) -> pd.Series:
        return n(y, "05_06", "06_07", "07_08", "08_10") + n10_14(y)

    def n10_19(y: int) -> pd.Series:
        return n10_14(y) + n(y, "15_18", "18_21", part={"18_21": 2 / 3})

    values = {
        "eintritte_erwerbsalter_5j": n(t, "15_18", "18_21", part={"18_21": 2 / 3}) + n10_14(t) - n10_14(t - 5),
        "austritte_erwerbsalter_5j": n(t, "60_63", "63_65"),
        "eintritte_erwerbsalter_10j": n5_14(t) + n10_19(t) - n5_14(t - 5) + n(t, "15_18", "18_21", "21_25")
        - n10_19(t - 5),
        "austritte_erwerbsalter_10j": n(t, "55_60", "60_63", "63_65")}
    return {fid: pd.DataFrame({"gebiet_id": v.index, "zeit": f"{t}", "wert": v.to_numpy()}) for fid, v in values.items()}


def _one(value: float, gebiet_id: str = "11") -> pd.DataFrame:
    """A figure the data give for the district only (its period is not checked here)."""
    return pd.DataFrame({"gebiet_id": [gebiet_id], "zeit": ["-"], "wert": [float(value)]})


def _iso(value: object) -> str:
    return value.isoformat()[:10] if hasattr(value, "isoformat") else str(value)


def _de(value: float, decimals: int, *, sign: bool = False) -> str:
    from decimal import ROUND_HALF_UP, Decimal

    d = Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP)
    text = f"{abs(d):,.{decimals}f}".replace(",", "X").replace(".", ",").replace("X", ".")
    return ("−" if d < 0 else "+" if sign and d > 0 else "") + text


@pytest.mark.slow
@real
def test_every_number_of_every_sentence_recomputed_from_the_tables(real_paper):
    """For each finding of the real paper: its key figure recomputed from the stored tables; the
    current and previous value, the change, Berlin's value or change, the rank and the comparison
    Bezirke's values must be the numbers the sentence states - and the sentence states no other."""
    from conftest import using_data
    from lichtenberg_data.briefing._wording import period, when_phrase

    manifest = real_paper.manifest()
    peers = manifest["comparison"]["ids"]
    handed = {k["id"]: k for k in manifest["key_figures"] if k.get("id")}
    assert len(manifest["summary"]) >= 8
    with using_data(real_paper.data):
        tables = _recomputed()
    checked = 0
    for f in manifest["findings"]:
        fid = f["key_figures"][0]
        fig, kf = get(fid), handed[fid]
        assert fid in tables, f"no independent recomputation for {fid}: {f['text']}"
        t = tables[fid].dropna(subset=["wert"])
        own = t[t["gebiet_id"] == ("nuz" if fig.subject == "nuz" else "11")].sort_values("zeit")
        d, pct = fig.decimals, fig.unit.strip() == "%"

        def r(v: float, d: int = d) -> float:
            return float(_de(v, d).replace(".", "").replace(",", ".").replace("−", "-"))

        def change(a: float, b: float, d: int = d, pct: bool = pct) -> str:
            return _de(a - b, d, sign=True) if pct else _de((a - b) / abs(b) * 100, 1, sign=True)

        cur_when, cur = own["zeit"].iloc[-1], r(own["wert"].iloc[-1])
        expected = {_de(cur, d)}
        ref_id = "11" if fig.reference == "district" else fig.reference
        ref = t[t["gebiet_id"] == ref_id].set_index("zeit")["wert"].map(r) if ref_id else pd.Series(dtype=float)
        bez = t[t["gebiet_id"].isin(BEZIRKE) & (t["zeit"] == cur_when)].set_index("gebiet_id")["wert"].map(r)
        if f["kind"] == "change":
            prev_when, prev = own["zeit"].iloc[-2], r(own["wert"].iloc[-2])
            expected |= {_de(prev, d), change(cur, prev).lstrip("+−")}
            if prev_when in ref.index and cur_when in ref.index:
                expected.add(change(ref[cur_when], ref[prev_when]))
            before = t[t["gebiet_id"].isin(peers) & (t["zeit"] == prev_when)].set_index("gebiet_id")["wert"].map(r)
            expected |= {change(bez[p], before[p]) for p in peers if p in before.index}
        elif f["kind"] == "level":
            if fig.kind == "rate" and cur_when in ref.index:
                expected.add(_de(ref[cur_when], d))
            if "11" in bez.index and len(bez) > 1 and fig.subject != "nuz":
                expected |= {str(int((bez > cur).sum()) + 1), str(len(bez))}
                expected |= {_de(bez[p], d) for p in peers if p in bez.index}
        elif f["kind"] == "versus":  # set against the partner of the same period: both, and per 100
            other = tables[fig.versus].set_index("gebiet_id")["wert"].map(r)
            mine = tables[fid].set_index("gebiet_id")["wert"].map(r)
            expected |= {_de(other["11"], d), "100"} | {_de(mine[g] / other[g] * 100, 0) for g in ["11", "00", *peers]}
        else:
            expected.add("zwölf")
        text = f["text"]
        for number in expected:
            assert re.search(rf"(?<![\d.,]){re.escape(number)}(?![\d,]|\.\d)", text), (fid, number, text)
        rest = text
        for when in (kf["when"], kf["previous_when"]):
            if when:
                rest = rest.replace(when_phrase(when), "").replace(period(when), "")
        rest = re.sub(r"\d{2}/\d{4}|\(1 = höchster Wert\)", "", rest)
        static = fig.noun.format(detail=kf["detail"]) + fig.place.format(gebiet=kf["subject"], detail=kf["detail"])
        static += fig.assumption.format(detail=kf["detail"]) + fig.counted
        if fig.versus:
            static += get(fig.versus).counted
        if f["kind"] == "published":  # the published figure's own source line
            static += " ".join(published(fid, "11")[0].values())
        stated = {s.lstrip("+−") for s in re.findall(_NUM, rest)} - set(re.findall(_NUM, static))
        assert not stated - {e.lstrip("+−") for e in expected}, (fid, stated - expected, text)
        checked += 1
    assert checked >= 25
    said = {f["key_figures"][0] for f in manifest["findings"]}  # the parts of issue 20 on real data among them
    assert {"bauueberhang_wohnungen", "bauueberhang_nicht_begonnen_anteil", "bauueberhang_nichtwohnbauvorhaben",
            "integrierte_sekundarschulen", "jugendliche_je_schule", "eintritte_erwerbsalter_5j",
            "eintritte_erwerbsalter_10j"} <= said
