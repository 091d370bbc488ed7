"""The offline demo end to end, as `make demo` runs it on a fresh clone: the real snapshot only
→ notebooks → briefing PDF, read back; the same with `--with-samples`; and the real files of
``../shared/real-data`` imported by hand.

The notebooks run here and nowhere else in the suite: once per data state, in the session
fixtures of ``tests/conftest.py`` (``real_paper``, ``real_paper_mh``, ``sample_paper``,
``imported_paper``) that the tests of a group share.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
from pypdf import PdfReader

import lichtenberg_data as ld
from conftest import using_data
from lichtenberg_data import catalog
from lichtenberg_data._fetch import SAMPLE_MARKER, SAMPLE_SOURCE
from lichtenberg_data.briefing import SECTIONS
from lichtenberg_data.demo import SAMPLES, snapshot_datasets

pytestmark = pytest.mark.slow

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
HEADER = "BEISPIELDATEN – keine amtlichen Zahlen"
real = pytest.mark.xdist_group("real-paper")
samples = pytest.mark.xdist_group("sample-paper")


def _needed() -> set[str]:
    """The datasets the notebooks load by name."""
    return {m for p in NOTEBOOKS.glob("*.ipynb")
            for m in re.findall(r'ld\.load\(\\"(\w+)\\"\)', p.read_text(encoding="utf-8"))}


def _boxes(text: str) -> list[str]:
    """The missing-data boxes of a PDF text, each from its heading to its last sentence."""
    return re.findall(r"„[^“]+“(?:(?:, | und )„[^“]+“)* fehl(?:t|en): .+?welche Dateien passen, sagt "
                      r"lichtenberg-data info \w+\.(?: (?:Ebenso fehlt|Für „[^“]+“(?: und „[^“]+“)* fehlt außerdem) [^:]+: "
                      r"lichtenberg-data import \w+ DATEI(?: \(Bezugsquelle: \S+\))?\.)*", text)


def _section_sources(text: str) -> list[str]:
    """The numbered entries of „Quellen dieses Abschnitts“ in a section's text, in order."""
    block = text[text.index("Quellen dieses Abschnitts") + len("Quellen dieses Abschnitts"):]
    block = re.split(r" (?:Klausur-Briefing \d{4} – Bezirk|Seite \d+ von)", block)[0]
    parts = re.split(r"\[(\d+)\] ", block)[1:]
    assert [int(n) for n in parts[::2]] == list(range(1, len(parts) // 2 + 1))
    return [p.strip() for p in parts[1::2]]


def _sections(real_paper) -> dict[str, str]:
    """The text of each section of the PDF, its pages joined (headers and page numbers left in)."""
    pages, manifest = real_paper.pages(), real_paper.manifest()
    return {key: " ".join(pages[p["page"] - 1] for p in manifest["pages"] if p["part"] == key)
            for key in manifest["sections"]}


# ============================================================================ the default demo

@real
def test_the_default_demo_loads_the_snapshot_and_no_sample_data(real_paper):
    manifest = json.loads((real_paper.data / "manifest.json").read_text())["datasets"]
    shipped = set(snapshot_datasets())
    assert set(manifest) == shipped  # nothing else: no sample dataset
    for dataset_id, entry in manifest.items():
        assert entry["processed"]["sample"] is False, dataset_id
        assert {s["arrived"] for s in entry["snapshots"]} == {"snapshot"}, dataset_id
    out = " ".join(real_paper.output.split())
    assert f"real data: {len(shipped)} datasets from the snapshot of real portal files" in out
    empty = [d for d in catalog.ids() if d not in shipped]
    assert f"not loaded (a box in the briefing names each; `lichtenberg-data info DATASET` says how to get it): " \
           f"{', '.join(empty)}" in out
    assert "generated sample data" not in out


@real
def test_the_default_paper_shows_real_numbers(real_paper):
    with using_data(real_paper.data):
        df = ld.load("einwohner_lor")
        assert df.loc[(df["year"] == 2025) & (df["bezirk_id"] == "11"), "einwohner"].sum() == 318_261
        plr = ld.geo.boundaries("planungsraum")
        assert len(plr) == 41 and not ld.is_sample(plr)  # the real Planungsräume, not rectangles
    text = real_paper.text()
    assert "Klausur-Briefing 2026 – Bezirk Lichtenberg" in text
    assert "318.261" in text and "296.837" in text and "31.12.2020 → 31.12.2025" in text
    assert "Lichtenberg hat 318.261 Einwohnerinnen und Einwohner in 41 Planungsräumen" in text


@real
def test_the_default_paper_never_says_beispieldaten(real_paper):
    pages = real_paper.pages()
    for number, page in enumerate(pages, 1):
        assert "beispiel" not in page.casefold(), f"page {number}: {page[:300]}"
        assert "erzeugt am" not in page, f"page {number}"  # no generated file is cited
    manifest = real_paper.manifest()
    assert manifest["sample"] is False
    assert not [c["name"] for c in manifest["charts"] if c["sample"]]
    assert not [f["label"] for f in manifest["key_figures"] if f["sample"]]
    assert "Achtung" not in pages[0]  # no sample warning on the cover


@pytest.mark.slow  # the five notebooks with nothing to load: about 7 s on one worker
def test_a_briefing_before_any_data_is_loaded_is_boxes_not_an_error(tmp_path):
    """Built on an empty data folder (before `demo` or `refresh`), every notebook runs to its end:
    each dataset the notebooks load is named in a box of the PDF, the command exits 0. (A cell that
    reused the table of the cell before stopped the build with a NameError.)"""
    from conftest import Paper, _briefing

    paper = Paper(data=tmp_path / "data", out=tmp_path / "briefing")
    paper.data.mkdir()
    _briefing(paper, paper.out)
    manifest = paper.manifest()
    assert manifest["charts"] == [] and manifest["key_figures"] == []
    named = {d for m in manifest["missing_data"] for d in [m["dataset"], *(o["dataset"] for o in m.get("also", []))]}
    assert named >= _needed() | {"ortsteile", "lor_planungsraeume", "bezirke"}  # and the boundaries geo reads
    boxes = _boxes(paper.text())
    for dataset_id in sorted(_needed()):
        assert any(f"lichtenberg-data import {dataset_id} DATEI" in b for b in boxes), dataset_id


@real
def test_every_needed_dataset_without_real_data_is_a_box_naming_it(real_paper):
    text = real_paper.text()
    boxes = _boxes(text)
    missing = _needed() - set(snapshot_datasets())
    assert missing >= {"beschaeftigte_bezirke", "arbeitslose_bezirke", "stellenangebote", "beherbergung_bezirke",
                       "zentren"}  # needed by the notebooks, no real file shipped
    for dataset_id in sorted(missing):
        title = catalog.get(dataset_id).title
        named = [b for b in boxes if f"{title} ({dataset_id})" in b and f"lichtenberg-data import {dataset_id} DATEI" in b]
        assert named, f"no box names {dataset_id} ({title})"
    # the heading is the notebook's, the sample mark never comes from a heading
    assert "„6 StEP Zentren“ fehlt: Der Datensatz Zentren und Fachmarktagglomerationen (StEP Zentren) (zentren) " \
           "ist nicht geladen" in text
    # the two parts of the Fachkräfte section without the job offers share one box, which names the
    # second dataset the one of them needs as well
    jobs = [b for b in boxes if "(stellenangebote) ist nicht geladen" in b]
    assert len(jobs) == 1, jobs
    assert jobs[0].startswith("„Ausbildungsangebote der BA-Jobsuche“ und „7 Stellen- und Ausbildungsangebote“ "
                              "fehlen: Der Datensatz Stellen- und Ausbildungsangebote in Berlin (BA-Jobsuche) "
                              "(stellenangebote) ist nicht geladen.")
    assert "Für „7 Stellen- und Ausbildungsangebote“ fehlt außerdem der Datensatz Arbeitslose nach Bezirken " \
           "(Jahresdurchschnitt) (arbeitslose_bezirke): lichtenberg-data import arbeitslose_bezirke DATEI" in jobs[0]
    missing_in_manifest = {m["dataset"] for m in real_paper.manifest()["missing_data"]}
    assert {"beschaeftigte_bezirke", "stellenangebote", "zentren", "beherbergung_bezirke"} <= missing_in_manifest


@real
def test_briefing_writes_charts_and_notebooks(real_paper):
    out = real_paper.out
    stems = {p.stem for p in NOTEBOOKS.glob("*.ipynb")}
    assert {p.stem for p in (out / "notebooks").glob("*.html")} == stems
    names = {p.name.split(".")[0] for p in (out / "charts").iterdir()}
    assert {"einwohner-planungsraeume", "medianeinkommen-karte", "status-index-karte"} <= names
    assert all((out / "charts" / f"{n}.{ext}").exists() for n in names for ext in ("png", "data.parquet"))
    # by default no vector files: they are written only when asked for (--chart-formats)
    assert not [p.name for p in (out / "charts").iterdir() if p.suffix in {".svg", ".pdf"}]
    assert "Diagramme in voller Auflösung (PNG) im Ordner charts/" in real_paper.text()  # the cover says so
    for html in (out / "notebooks").glob("*.html"):
        body = html.read_text(encoding="utf-8")
        assert "Traceback" not in body, html.name
        assert "synthetisch erzeugt" not in body, html.name  # no sample source line in any cell output
        assert "Datensatz fehlt:" in body or html.stem == "00_ueberblick", html.name  # the note of a missing part
    appendix = real_paper.text()[real_paper.text().rindex("Anhang: Verwendete Datensätze"):]
    assert "EWR_L21_202512E_Matrix.csv" in appendix and str(real_paper.data) not in appendix  # no local paths


@real
def test_the_paper_opens_with_the_findings_each_with_a_number_and_its_chart(real_paper):
    """Page 2 "Das Wichtigste in Kürze": 8-12 sentences from the data, each with a number and "→ Abb. N"
    pointing to the chart of its key figure; every section opens with its Kernaussagen."""
    pages, manifest = real_paper.pages(), real_paper.manifest()
    summary = pages[1]
    assert summary.startswith("Das Wichtigste in Kürze Alle Sätze dieser Seite sind aus den Daten erzeugt; Quellen "
                              "und Stand stehen bei den Abbildungen.")
    sentences = re.findall(r"• (.+?) → Abb\. (\d+)", summary)
    assert 8 <= len(sentences) == len(manifest["summary"]) <= 12
    text = real_paper.text()
    for (sentence, number), said in zip(sentences, manifest["summary"]):
        assert re.search(r"\d", sentence) and said["text"] == sentence and said["key_figures"], sentence
        assert said["figure_number"] == int(number)
        chart = next(c for c in manifest["charts"] if c["name"] == said["chart"])
        assert f"Abbildung {number}: {' '.join(chart['caption'].split())[:50]}" in text
    assert manifest["summary"][0]["text"] == ("Lichtenberg wuchs von 296.837 (31.12.2020) auf 318.261 Einwohnerinnen "
                                              "und Einwohner (31.12.2025), um 7,2 % – stärker als Berlin (+3,8 %); "
                                              "ähnliche Bezirke: Marzahn-Hellersdorf +8,4 %, "
                                              "Charlottenburg-Wilmersdorf +0,7 %.")
    for key in manifest["sections"]:
        opening = next(p for p in pages if re.match(rf"\d  ?{re.escape(SECTIONS[key])} ", p))
        assert re.match(rf"\d  ?{re.escape(SECTIONS[key])} Kernaussagen • ", opening), key
        assert 3 <= len(manifest["kernaussagen"][key]) <= 5
    goals = next(i for i, p in enumerate(pages) if "Stand der Ziele Hier stünde" in p)  # no ziele.csv: how to
    assert goals in (1, 2) and "lichtenberg-data kennzahlen" in pages[goals]


@real
def test_chart_titles_say_their_finding(real_paper):
    charts = {c["name"]: c for c in real_paper.manifest()["charts"]}

    def title(name: str) -> str:  # as drawn above the chart: the title, then the subtitle
        return " ".join(f"{charts[name]['title']} {charts[name]['subtitle']}".split())

    assert "Lichtenberg wächst seit 2020 schneller als Berlin Einwohnerinnen und Einwohner am 31.12." in \
        title("einwohner-verlauf")
    assert "Arbeitslosigkeit in Lichtenberg über dem Berliner Wert Arbeitslose je 100 Einwohner/innen" in \
        title("arbeitslosigkeit-bezirke")
    assert "Bodenrichtwerte der Gewerbezonen in Lichtenberg seit 2022 stärker gestiegen als in Berlin" in \
        title("bodenrichtwerte-gewerbe")
    assert "Nahversorgung in 500 m in Lichtenberg über dem Berliner Wert" in title("nahversorgung-bezirke")
    assert "Airbnb-Angebote je 1.000 Einwohner in Lichtenberg unter dem Berliner Wert" in \
        title("kurzzeitvermietung-bezirke")
    assert "Bauüberhang an Wohnungen: Lichtenberg auf Rang 2 der 12 Bezirke Genehmigte, am 31.12.2022" in \
        title("bauueberhang-wohnungen")
    assert "Lichtenberg bis 2035: mehr Eintritte ins Erwerbsalter als Austritte Wer bis Ende 2035 15 wird" in \
        title("erwerbsalter-ein-je-aus-bezirke")
    assert "Jugendliche je weiterführender Schule in Lichtenberg unter dem Berliner Wert" in title("jugendliche-je-schule")


@real
def test_the_skilled_labour_section_opens_with_the_modellrechnung_and_its_assumption(real_paper):
    """Issue 20: entries into and exits from working age by 2030 and 2035, said as a Modellrechnung
    with its one assumption, among the Kernaussagen of the Fachkräfte section."""
    said = [f["text"] for f in real_paper.manifest()["kernaussagen"]["fachkraefte"]]
    model = [t for t in said if t.startswith("Modellrechnung (keine Prognose) für Lichtenberg")]
    assert [re.search(r"bis 31\.12\.(\d{4}):", t).group(1) for t in model] == ["2030", "2035"]
    assert "17.167 Menschen erreichen das Erwerbsalter (werden 15), 19.085 verlassen es (werden 65)" in model[0]
    assert "43.607 Menschen erreichen das Erwerbsalter (werden 15), 35.624 verlassen es (werden 65)" in model[1]
    assert all(t.endswith("so viele Menschen wie der gleich alte Jahrgang 2020–2025.") for t in model)
    opening = " ".join(next(p for p in real_paper.pages() if re.match(r"\d  ?Fachkräfte Kernaussagen ", p)).split())
    assert "17.167 Menschen erreichen das Erwerbsalter" in opening


@real
def test_the_paper_fits_its_pages_and_uses_them(real_paper):
    """Everything – summary, goals, Kernaussagen, every section's charts – on at most 26 pages; no
    page less than half used unless the next page starts another part; a map never drawn so small
    that its Ortsteil names fall below 5,8 pt."""
    manifest = real_paper.manifest()
    pages = manifest["pages"]
    assert len(PdfReader(real_paper.pdf).pages) == len(pages) <= 26
    assert [p["part"] for p in pages[:3]] == ["cover", "summary", "ueberblick"]  # the goals on the summary's page
    for page in pages[1:]:
        if not page["ends_part"]:
            assert page["used_cm"] >= 0.5 * page["usable_cm"], page
    maps = [c for c in manifest["charts"] if c["map"]]
    assert len(maps) >= 12 and min(c["scale"] for c in maps) >= 0.95


@real
@pytest.mark.parametrize("paper", ["real_paper", "real_paper_mh"])
def test_every_page_of_the_paper_passes_the_page_check(paper, request):
    """No text of any page runs into another, over a chart or off the page, as the PDF draws it
    (key-figure tables and the appendix did, by a tenth of a line per line, before heights were
    measured as the PDF sets text)."""
    pages = request.getfixturevalue(paper).manifest()["pages"]
    assert len(pages) >= 20 and all("problems" in p for p in pages)
    assert {p["page"]: p["problems"] for p in pages if p["problems"]} == {}


@real
def test_every_chart_of_the_paper_passes_the_chart_check(real_paper):
    charts = real_paper.manifest()["charts"]
    assert len(charts) >= 25
    assert {c["name"]: c["problems"] for c in charts if c["problems"]} == {}
    numbers = sorted(c["figure"] for c in charts)
    assert numbers == list(range(1, len(charts) + 1))  # every chart printed, numbered in order
    maps = [c for c in charts if "Klasse" in pd.read_parquet(real_paper.out / "charts" / c["files"]["data"]).columns]
    assert len(maps) >= 8
    for chart in maps:  # every choropleth draws the Ortsteile (and names them, and has a scale bar)
        assert "ortsteile" in {d["dataset"] for d in chart["datasets"]}, chart["name"]


@real
def test_each_section_names_each_source_once_and_the_pdf_has_an_outline(real_paper):
    sections = _sections(real_paper)
    for key, text in sections.items():
        listed = _section_sources(text)
        assert len(listed) == len(set(listed)), key
        for entry in listed:
            assert text.count(entry) == 1, (key, entry)
    retail = _section_sources(sections["einzelhandel"])
    assert len([e for e in retail if "Einwohnerregisterstatistik" in e]) == 1
    assert len([e for e in retail if "Lebensweltlich orientierte Räume" in e]) == 1
    reader = PdfReader(real_paper.pdf)
    top = [o.title for o in reader.outline if not isinstance(o, list)]
    assert top == ["Das Wichtigste in Kürze", "Stand der Ziele", "1 Überblick", "2 Fachkräfte",
                   "3 Einzelhandel und Zentren", "4 Gewerbeflächen und Unternehmen", "5 Tourismus",
                   "Anhang: Verwendete Datensätze"]
    charts = [c.title for o in reader.outline if isinstance(o, list) for c in o]
    assert len(charts) == len(real_paper.manifest()["charts"]) and charts[0].startswith("Abbildung 1: ")
    assert reader.metadata.title == "Klausur-Briefing 2026 – Bezirk Lichtenberg"
    assert reader.metadata.author == "Bezirksamt Lichtenberg, Wirtschaftsförderung"


@real
def test_beside_the_pdf_lies_the_workbook_of_the_charts_data(real_paper):
    from openpyxl import load_workbook

    from lichtenberg_data.briefing.workbook import HEADER_ROWS

    manifest = real_paper.manifest()
    path = real_paper.out / "Klausur-Briefing-2026-Lichtenberg-Daten.xlsx"
    wb = load_workbook(path, read_only=True)
    tables = len({f["section"] for f in manifest["key_figures"]})
    assert len(wb.sheetnames) == len(manifest["charts"]) + tables + 3  # and Inhalt, Kernaussagen, Datensätze
    said = list(wb["Kernaussagen"].iter_rows(min_row=HEADER_ROWS + 2, values_only=True))
    assert len(said) == len(manifest["summary"]) + sum(len(v) for v in manifest["kernaussagen"].values())
    assert said[0][:4] == ("Das Wichtigste in Kürze", manifest["summary"][0]["text"], "Überblick", "einwohner")
    assert said[0][4] == manifest["summary"][0]["figure_number"] == 1
    completions = next(c for c in manifest["charts"] if c["name"] == "nichtwohnbau-nutzflaeche")
    ws = wb[next(n for n in wb.sheetnames if n.startswith(f"Abb {completions['figure']} "))]
    rows = list(ws.iter_rows(min_row=HEADER_ROWS + 1, values_only=True))
    drawn = pd.read_parquet(real_paper.out / "charts" / completions["files"]["data"])
    assert list(rows[0]) == list(drawn.columns) and [list(r) for r in rows[1:]] == drawn.values.tolist()
    assert dict(rows[1:])["Lichtenberg"] == 60390  # m² of new non-residential buildings in 2022 (F II 2)


@real
def test_the_briefing_serves_any_district(real_paper_mh):
    assert real_paper_mh.pdf.name == "Klausur-Briefing-2026-Marzahn-Hellersdorf.pdf"
    text = real_paper_mh.text()
    assert "Klausur-Briefing 2026 – Bezirk Marzahn-Hellersdorf" in text
    assert "Marzahn-Hellersdorf hat 296.687 Einwohnerinnen und Einwohner" in text
    assert "beispiel" not in text.casefold()
    # osm_pois is loaded (malls, supermarkets) but has no shop counts for the district's centres:
    # the box says the loaded dataset lacks what the part needs, not that it is missing
    box = text[text.index("„3 Marktgebiete (Huff-Modell)“ fehlt"):]
    assert box.startswith("„3 Marktgebiete (Huff-Modell)“ fehlt: Der geladene Datensatz")
    assert "(osm_pois) enthält nicht die Angaben, die dieser Teil braucht" in box
    assert "lichtenberg-data refresh osm_pois" in box


@real
def test_the_tourism_section_shows_the_real_listings_of_september_2025(real_paper):
    """The real Inside Airbnb scrape of the snapshot (no sample): Lichtenberg's 413 listings."""
    with using_data(real_paper.data):
        assert not ld.is_sample(ld.load("kurzzeitvermietung"))
    text = real_paper.text()
    assert "Airbnb-Angebote (24.09.2025) – 413 –" in text
    assert "davon ganze Wohnungen (24.09.2025) – 253 –" in text
    assert "Abruf vom 24.09.2025 (Stand: jüngste Bewertung in der Datei; das Abrufdatum nennt die Datei nicht)" in text


def test_the_default_demo_removes_sample_data_and_keeps_real_data(data_dir, tmp_path):
    """`lichtenberg-data demo` after `demo --with-samples`: the samples go, real data stay."""
    from lichtenberg_data.demo import SNAPSHOT, load, write_mirror

    manifest = json.loads((SNAPSHOT / "MANIFEST.json").read_text(encoding="utf-8"))
    kept = [f for f in manifest["files"] if f["dataset"] == "einwohner_ortsteile"]
    small = tmp_path / "snapshot"
    for f in kept:
        (small / f["file"]).parent.mkdir(parents=True, exist_ok=True)
        (small / f["file"]).write_bytes((SNAPSHOT / f["file"]).read_bytes())
    (small / "MANIFEST.json").write_text(json.dumps({**manifest, "files": kept}), encoding="utf-8")
    mirror = write_mirror(tmp_path / "samples", only=["arbeitslose_bezirke", "beschaeftigte_bezirke"])
    ld.refresh(["arbeitslose_bezirke", "beschaeftigte_bezirke"], mirror=mirror)
    ld.import_file("einwohner_lor", SNAPSHOT / "einwohner_lor" / "EWR_L21_202512E_Matrix.csv")  # real, by hand
    assert ld.status().set_index("dataset")["sample"].eq(True).sum() == 2

    outcomes = {o.dataset: o for o in load(snapshot=small)}
    assert {d for d, o in outcomes.items() if o.state == "removed"} == {"arbeitslose_bezirke", "beschaeftigte_bezirke"}
    assert "the demo loads real data only" in outcomes["arbeitslose_bezirke"].reason
    assert outcomes["einwohner_ortsteile"].state == "fresh"
    status = ld.status().set_index("dataset")["sample"]
    assert status["arbeitslose_bezirke"] is None and status["beschaeftigte_bezirke"] is None
    assert status["einwohner_lor"] is False and status["einwohner_ortsteile"] is False  # real data untouched
    assert not (data_dir / "raw" / "arbeitslose_bezirke").exists()


# ============================================================================ --with-samples

@samples
def test_with_samples_loads_marked_samples_only_where_no_real_file_exists(sample_paper):
    manifest = json.loads((sample_paper.data / "manifest.json").read_text())["datasets"]
    shipped = set(snapshot_datasets())
    for ds in catalog.datasets():
        entry = manifest.get(ds.id)
        if ds.id in shipped:
            assert entry and entry["processed"]["sample"] is False, ds.id
        elif ds.id in SAMPLES:
            assert entry and entry["processed"]["sample"] is True, ds.id
            assert entry["processed"]["source"] == SAMPLE_SOURCE, ds.id  # the generator, not a temporary path
        else:  # neither a real file nor a sample: the briefing shows a box for it
            assert entry is None, ds.id
    assert not shipped & set(SAMPLES)
    assert (sample_paper.extra["mirror"] / SAMPLE_MARKER).is_file()  # --samples DIR kept the mirror
    out = " ".join(sample_paper.output.split())
    assert "generated sample data (marked on every chart and page that shows them): " in out
    assert "not loaded (a box in the briefing names each; `lichtenberg-data info DATASET` says how to get it): " \
           "gigabit_versorgung" in out


@samples
def test_every_page_of_the_sample_paper_passes_the_page_check(sample_paper):
    """The sample paper too (the cover's warning, the BEISPIELDATEN mark beside each page's title)."""
    pages = sample_paper.manifest()["pages"]
    assert len(pages) >= 20 and sum(1 for p in pages if "problems" in p) == len(pages)
    assert {p["page"]: p["problems"] for p in pages if p["problems"]} == {}


@samples
def test_only_the_pages_showing_sample_content_carry_the_mark(sample_paper):
    pages = sample_paper.pages()
    manifest = sample_paper.manifest()
    marked = [i for i, page in enumerate(pages) if HEADER in page]
    # every sample chart's page is marked, and every page with a sample key figure
    for chart in manifest["charts"]:
        caption = f"Abbildung {chart['figure']}: " + " ".join(chart["caption"].split())  # whole: two may share a beginning
        (where,) = [i for i, page in enumerate(pages) if caption in page]
        if chart["sample"]:
            assert where in marked, chart["name"]
    overview = [i for i, page in enumerate(pages) if page.startswith(("1 Überblick", "Überblick (Fortsetzung)"))]
    assert overview and not set(overview) & set(marked)  # the overview rests on real data only
    retail = [i for i, page in enumerate(pages) if "Einzelhandel und Zentren (Fortsetzung)" in page
              or page.startswith("3 Einzelhandel")]
    assert retail and not set(retail) & set(marked)
    assert 0 in marked and len(marked) < len(pages) - len(overview)
    # a marked page shows something marked: a sample chart, key figure, source or appendix row
    charts_by_page = {i: [c for c in manifest["charts"]
                          if f"Abbildung {c['figure']}: " + " ".join(c["caption"].split()) in page]
                      for i, page in enumerate(pages)}
    generated = {d["dataset"] for d in manifest["datasets"] if d.get("sample")}
    for i in marked[1:]:
        page = pages[i].replace(HEADER, "")
        # (an appendix row of a generated dataset running over to the next page: its files "erzeugt am",
        # or the row's last line, "Kennung: <dataset> · in: …")
        row_end = any(f"Kennung: {d} · in: " in page for d in generated)
        assert "BEISPIELDATEN" in page or "erzeugt am" in page or row_end or \
            any(c["sample"] for c in charts_by_page[i]), f"page {i + 1}"


@samples
def test_the_cover_lists_exactly_the_sample_datasets(sample_paper):
    cover = sample_paper.pages()[0]
    listed = cover[cover.index("Beispieldaten: "):cover.index("Inhalt")]
    sample_ids = {d["dataset"] for d in sample_paper.manifest()["datasets"] if d.get("sample")}
    assert sample_ids and sample_ids <= set(SAMPLES)
    named = set(re.findall(r"\((\w+); in: ", listed))
    assert named == sample_ids
    for dataset_id in sample_ids:
        assert catalog.get(dataset_id).title.split(" (")[0] in listed


@samples
def test_a_source_line_marks_only_its_sample_sources(sample_paper):
    pages = sample_paper.pages()
    gewerbe = " ".join(p for p in pages if p.startswith(("4 Gewerbeflächen und Unternehmen",
                                                          "Gewerbeflächen und Unternehmen (Fortsetzung)")))
    parts = _section_sources(gewerbe.replace(HEADER, ""))
    register = [p for p in parts if "Einwohnerregisterstatistik" in p]
    ihk = [p for p in parts if p.startswith("IHK Berlin")]
    assert len(register) == 1 and "BEISPIELDATEN" not in register[0]  # real, listed once
    assert len(ihk) == 1 and ihk[0].endswith("BEISPIELDATEN (synthetisch erzeugt, keine amtlichen Zahlen)")
    lor = [p for p in parts if "Lebensweltlich orientierte Räume" in p]
    assert all("BEISPIELDATEN" not in p for p in lor)
    text = " ".join(pages)
    appendix = text[text.rindex("Anhang: Verwendete Datensätze"):]
    assert "Einwohnerinnen und Einwohner in den LOR-Planungsräumen Herausgeber" in appendix  # real row, unmarked


# ============================================================================ real files by hand

@pytest.mark.xdist_group("imported-paper")
def test_the_real_files_imported_by_hand_give_a_paper_without_beispieldaten(imported_paper):
    imported = imported_paper.extra["imported"]
    assert set(snapshot_datasets()) <= set(imported)
    text = imported_paper.text()
    assert "beispieldaten" not in text.casefold()
    assert "importiert am" in text and "318.261" in text
    manifest = imported_paper.manifest()
    assert manifest["sample"] is False and manifest["datasets"]
    assert [d["dataset"] for d in manifest["datasets"] if d.get("sample") is not False] == []
    for page in PdfReader(imported_paper.pdf).pages:
        assert HEADER not in (page.extract_text() or "")


@real
def test_the_paper_laid_out_while_the_last_notebook_runs_writes_nothing_and_matches_the_paper(real_paper, tmp_path):
    """What the build lays out while its last notebook runs (to have the texts measured) is the
    real paper's layout, and writes no file: no PDF, no chart copied."""
    import shutil

    from lichtenberg_data.briefing import _paper, goals, office
    from lichtenberg_data.briefing.pdf import LayoutStoppedError

    shutil.copytree(real_paper.out / "_collect", tmp_path / "_collect")
    (tmp_path / "charts").mkdir()
    manifest = real_paper.manifest()
    done = [Path(nb["file"]) for nb in manifest["notebooks"]]
    with using_data(real_paper.data):
        paper = {"pdf": tmp_path / "paper.pdf", "year": 2026, "district": "Lichtenberg", "office_texts": office.read(),
                 "targets": goals.read(), "given": None, "author": manifest["author"],
                 "collect_root": tmp_path / "_collect", "charts_dir": tmp_path / "charts"}
        laid = _paper.bound(done, paper, draw=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["_collect", "charts"]
    assert list((tmp_path / "charts").iterdir()) == [] and laid["files"] == [] and laid["pages"] == []
    assert [s["text"] for s in laid["summary"]] == [s["text"] for s in manifest["summary"]]
    assert len(laid["summary"]) == 10
    assert {c["name"]: c["figure"] for c in laid["charts"]} == {c["name"]: c["figure"] for c in manifest["charts"]}
    assert all(Path(c["png_path"]).is_relative_to(tmp_path / "_collect") for c in laid["charts"])
    asked: list[int] = []  # the last notebook ends during the second section: the layout stops there
    with using_data(real_paper.data), pytest.raises(LayoutStoppedError):
        _paper.bound(done, paper, draw=False, stop=lambda: asked.append(1) or len(asked) > 2)
    assert len(asked) == 3 and sorted(p.name for p in tmp_path.iterdir()) == ["_collect", "charts"]
