"""Charts: style, German formats, source line, sample mark, saving, briefing hand-over."""

from __future__ import annotations

import re

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from PIL import Image  # noqa: E402

from lichtenberg_data import charts  # noqa: E402
from lichtenberg_data._provenance import SAMPLE_NOTE, source_note  # noqa: E402
from lichtenberg_data.names import BEZIRKE  # noqa: E402

AFS = {
    "dataset": "einwohner_lor", "title": "Einwohnerinnen und Einwohner nach LOR",
    "publisher": "Amt für Statistik Berlin-Brandenburg", "source_title": "Einwohnerregisterstatistik",
    "reference_date": "2024-12-31", "retrieved_at": "2025-11-20", "license": "CC BY 3.0 DE",
}
BA = {
    "dataset": "svb_wohnort", "title": "Beschäftigte am Wohnort", "publisher": "Bundesagentur für Arbeit",
    "reference_date": "2024-06-30", "retrieved_at": "2025-11-21", "license": "© Statistik der BA",
}


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _with(df: pd.DataFrame, *entries: dict) -> pd.DataFrame:
    df.attrs["provenance"] = [dict(e) for e in entries]
    return df


def _series(entry: dict = AFS) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    rows = [{"jahr": y, "bezirk": b, "wert": 1000 + 50 * (y - 2015) + rng.integers(0, 30)}
            for b in [*BEZIRKE.values(), "Berlin"] for y in range(2015, 2025)]
    return _with(pd.DataFrame(rows), entry)


def _districts(entry: dict = AFS) -> pd.DataFrame:
    values = np.linspace(40, 62, 12)
    df = pd.DataFrame({"bezirk": [*BEZIRKE.values(), "Berlin"], "quote": [*values, 51.5]})
    return _with(df, entry)


def _texts(fig) -> list[str]:
    return [t.get_text() for t in fig.texts]


def _by_gid(fig, gid: str):
    return [t for t in fig.texts if t.get_gid() == gid]


def test_chart_from_loaded_frame_carries_its_source_line():
    df = _series()
    fig, ax = charts.line_vs_berlin(df, "jahr", "wert", "bezirk", title="Einwohner",
                                    subtitle="Personen")
    (source,) = _by_gid(fig, "ld-source")
    assert source.get_text().replace("\n", " ") == source_note(df)
    assert _by_gid(fig, "ld-title")[0].get_text() == "Einwohner"
    assert _by_gid(fig, "ld-subtitle")[0].get_text() == "Personen"
    assert not _by_gid(fig, "ld-sample")
    # Lichtenberg stands out: the strongest line is the highlight colour
    widest = max(ax.get_lines(), key=lambda line: line.get_linewidth())
    assert matplotlib.colors.to_hex(widest.get_color()) == charts.COLORS["highlight"].lower()


def test_finish_later_uses_the_frames_the_helper_was_given_and_combines_sources():
    fig, _ = charts.ranked_bars(_districts(AFS), "bezirk", "quote", percent=True)
    assert not _by_gid(fig, "ld-source")  # not finished yet
    charts.finish(fig, "Quote", source=[_districts(AFS), _series(BA)])
    text = _by_gid(fig, "ld-source")[0].get_text().replace("\n", " ")
    assert text.startswith("Quellen: ")
    assert "Amt für Statistik Berlin-Brandenburg" in text and "Bundesagentur für Arbeit" in text
    charts.finish(fig, "Quote neu")  # calling again replaces, does not duplicate
    assert len(_by_gid(fig, "ld-title")) == 1 and _by_gid(fig, "ld-title")[0].get_text() == "Quote neu"
    charts.finish(fig, "Text", source="Quelle: eigene Erhebung")
    assert _by_gid(fig, "ld-source")[0].get_text() == "Quelle: eigene Erhebung"


def test_sample_data_are_marked_visibly():
    df = _series({**AFS, "sample": True})
    fig, _ = charts.line_vs_berlin(df, "jahr", "wert", "bezirk", title="Einwohner")
    (mark,) = _by_gid(fig, "ld-sample")
    assert mark.get_text() == "BEISPIELDATEN" and mark.get_rotation() != 0
    assert SAMPLE_NOTE in _by_gid(fig, "ld-source")[0].get_text().replace("\n", " ")


def test_the_source_line_marks_only_the_sample_source_not_the_real_ones_beside_it():
    fig, _ = charts.ranked_bars(_districts(AFS), "bezirk", "quote", percent=True)
    charts.finish(fig, "Quote", source=[_districts({**BA, "sample": True}), _districts(AFS)])
    text = _by_gid(fig, "ld-source")[0].get_text().replace("\n", " ")
    sample, real = text.removeprefix("Quellen: ").split(" | ")
    assert sample.startswith("Bundesagentur für Arbeit") and sample.endswith(SAMPLE_NOTE)
    assert real.startswith("Amt für Statistik Berlin-Brandenburg") and "BEISPIELDATEN" not in real
    assert text.count("BEISPIELDATEN") == 1 and _by_gid(fig, "ld-sample")  # the chart carries the mark once
    charts.finish(fig, "Quote", source=[_districts(AFS), _districts({**BA, "sample": True})])
    text = _by_gid(fig, "ld-source")[0].get_text().replace("\n", " ")
    assert text.removeprefix("Quellen: ").split(" | ")[1].endswith(SAMPLE_NOTE)  # the sample one, wherever it is


def test_source_line_wraps_to_the_figure_width():
    fig, _ = charts.ranked_bars(_districts(), "bezirk", "quote", width="half")
    charts.finish(fig, "Ein sehr langer Titel, der auf einer halben Seitenbreite umbrechen muss",
                  source=[_districts(AFS), _series(BA)])
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    fig_box = fig.bbox
    for gid in ("ld-source", "ld-title"):
        (text,) = _by_gid(fig, gid)
        assert "\n" in text.get_text()
        box = text.get_window_extent(renderer)
        assert box.x0 >= fig_box.x0 and box.x1 <= fig_box.x1 + 0.5
    # the plot stays between title and source line
    ax_box = fig.axes[0].get_window_extent(renderer)
    assert ax_box.y0 > _by_gid(fig, "ld-source")[0].get_window_extent(renderer).y1
    assert ax_box.y1 < _by_gid(fig, "ld-title")[0].get_window_extent(renderer).y0


def test_axes_use_german_numbers():
    df = _series()
    df["wert"] *= 10
    fig, ax = charts.line_vs_berlin(df, "jahr", "wert", "bezirk", title="Einwohner")
    fig.canvas.draw()
    ylabels = [t.get_text() for t in ax.get_yticklabels() if t.get_text()]
    assert any(re.fullmatch(r"\d{1,2}\.\d{3}", s) for s in ylabels), ylabels
    xlabels = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
    assert "2020" in xlabels  # years without a thousands point


def test_index_base_sets_every_group_to_100():
    fig, ax = charts.line_vs_berlin(_series(), "jahr", "wert", "bezirk", index_base=2015)
    first_values = [line.get_ydata()[0] for line in ax.get_lines() if len(line.get_ydata()) > 1]
    assert np.allclose(first_values, 100)
    assert "2015 = 100" in ax.get_ylabel()
    with pytest.raises(ValueError, match="index_base"):
        charts.line_vs_berlin(_series(), "jahr", "wert", "bezirk", index_base=1990)


def test_ranked_bars_highlight_and_berlin_reference():
    fig, ax = charts.ranked_bars(_districts(), "bezirk", "quote", percent=True, title="Quote")
    bars = ax.patches
    assert len(bars) == 12  # Berlin is a reference line, not a bar
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[-1] == "Reinickendorf"  # largest value on top
    colours = {lab: matplotlib.colors.to_hex(b.get_facecolor()) for lab, b in zip(labels, bars)}
    assert colours["Lichtenberg"] == charts.COLORS["highlight"].lower()
    assert colours["Mitte"] == charts.COLORS["other"].lower()
    axis_texts = [t.get_text() for t in ax.texts]
    assert "62,0 %" in axis_texts and any("Berlin: 51,5 %" in t for t in axis_texts)


@pytest.mark.slow  # 0.6 s on 2 cores
def test_save_writes_png_svg_pdf_at_300_dpi(tmp_path):
    fig, _ = charts.line_vs_berlin(_series(), "jahr", "wert", "bezirk", title="Einwohner")
    png, svg, pdf = charts.save(fig, "Einwohner – Übersicht", tmp_path)
    assert [p.suffix for p in (png, svg, pdf)] == [".png", ".svg", ".pdf"]
    assert png.name == "einwohner-uebersicht.png"
    assert all(p.stat().st_size > 1000 for p in (png, svg, pdf))
    assert pdf.read_bytes().startswith(b"%PDF") and b"<svg" in svg.read_bytes()[:2000]
    with Image.open(png) as im:
        assert abs(im.width - 1890) <= 3  # 16 cm at 300 dpi
        assert abs(im.info["dpi"][0] - 300) < 1
    half, _ = charts.figure("half")
    with Image.open(charts.save(half, "halb", tmp_path)[0]) as im:
        assert abs(im.width - round(7.8 / 2.54 * 300)) <= 3


@pytest.mark.slow  # four charts drawn at 300 dpi
def test_the_png_holds_the_pixels_matplotlib_draws_with_the_fewest_channels(tmp_path):
    """A chart of few colours is written as a palette PNG, one of many as RGB; either way every
    pixel is the one matplotlib draws at 300 dpi (its own PNG is RGBA: four bytes a pixel)."""
    from lichtenberg_data.charts.style import style

    bars, _ = charts.ranked_bars(pd.DataFrame({"bezirk": ["Mitte", "Lichtenberg"], "wert": [1.0, 2.0]}),
                                 "bezirk", "wert", title="Zwei Bezirke")
    shaded, ax = charts.figure("half")
    ax.imshow(np.linspace(0, 1, 300 * 300).reshape(300, 300), cmap="viridis")  # a gradient: many colours
    for fig, mode in ((bars, "P"), (shaded, "RGB")):
        fig.canvas.draw()
        fig.set_layout_engine("none")  # constrained layout moves things a little on every draw
        (png,) = charts.save(fig, f"probe-{mode}", tmp_path, formats="png")
        with style():
            fig.savefig(tmp_path / "matplotlib.png", dpi=300)
        with Image.open(png) as ours, Image.open(tmp_path / "matplotlib.png") as theirs:
            assert (ours.mode, theirs.mode) == (mode, "RGBA")
            assert np.array_equal(np.asarray(ours.convert("RGBA")), np.asarray(theirs))
            assert ours.info["dpi"][0] == pytest.approx(300, abs=0.01) and ours.text["Software"] == "lichtenberg_data"
        if mode == "P":  # one byte a pixel instead of four
            assert png.stat().st_size < 0.7 * (tmp_path / "matplotlib.png").stat().st_size


def test_save_writes_only_the_formats_asked_for(tmp_path):
    fig, _ = charts.ranked_bars(pd.DataFrame({"bezirk": ["Mitte", "Lichtenberg"], "wert": [1.0, 2.0]}),
                                "bezirk", "wert", title="Zwei Bezirke")
    paths = charts.save(fig, "zwei", tmp_path, formats="pdf, PNG")
    assert [p.name for p in paths] == ["zwei.png", "zwei.pdf"]  # in the order of FORMATS
    assert sorted(p.name for p in tmp_path.iterdir()) == ["zwei.pdf", "zwei.png"]
    with pytest.raises(ValueError, match="chart format 'eps' is not one of png, svg, pdf"):
        charts.save(fig, "zwei", tmp_path, formats=["eps"])
    with pytest.raises(ValueError, match="no chart format given"):
        charts.save(fig, "zwei", tmp_path, formats="")


def test_a_dollar_or_underscore_from_the_data_is_text_in_the_saved_chart(tmp_path):
    from pypdf import PdfReader

    df = pd.DataFrame({"zentrum": ["Center $a_b$", "Passage_1 $", "Berlin"], "wert": [3.0, 2.0, 2.5]})
    fig, ax = charts.ranked_bars(df, "zentrum", "wert", highlight="Center $a_b$",
                                 title="Kosten $5 Mio_ 100 % und $x_1$", subtitle="Anteil 50 %_Rest")
    pdf = charts.save(fig, "dollar", tmp_path)[2]
    text = " ".join((PdfReader(pdf).pages[0].extract_text() or "").split())
    for literal in ("Kosten $5 Mio_ 100 % und $x_1$", "Anteil 50 %_Rest", "Center $a_b$", "Passage_1 $"):
        assert literal in text


@pytest.mark.slow  # 1.2 s on 2 cores
def test_choropleth_legend_has_german_class_labels():
    gpd = pytest.importorskip("geopandas")
    from shapely.geometry import box

    values = [812.5, 1530.25, 2499.75, 4100.0, 9876.5, 12345.5, 15000.0, 20500.25, np.nan]
    cells = [box(390_000 + 1000 * (i % 3), 5_815_000 + 1000 * (i // 3),
                 391_000 + 1000 * (i % 3), 5_816_000 + 1000 * (i // 3)) for i in range(9)]
    gdf = gpd.GeoDataFrame({"ortsteil": [f"Ortsteil {i}" for i in range(9)], "dichte": values},
                           geometry=cells, crs="EPSG:25833")
    gdf.attrs["provenance"] = [AFS]
    outline = gpd.GeoDataFrame(geometry=[gdf.union_all()], crs="EPSG:25833").to_crs("EPSG:4326")
    fig, ax = charts.choropleth(gdf, "dichte", k=4, scheme="quantiles", outline=outline,
                                labels=gdf[["ortsteil", "geometry"]],
                                legend_title="Einwohner je km²", title="Dichte")
    legend = ax.get_legend()
    labels = [t.get_text() for t in legend.get_texts()]
    assert legend.get_title().get_text() == "Einwohner je km²"
    assert len(labels) == 5 and labels[-1] == "keine Angabe"
    assert labels[0].startswith("813 – ")  # lowest class starts at the minimum (812,5)
    for label in labels[:-1]:
        assert re.fullmatch(r"\d{1,3}(\.\d{3})* – \d{1,3}(\.\d{3})*", label), label
    assert labels[-2].endswith("20.500")
    assert {t.get_text() for t in ax.texts} >= {"Ortsteil 0", "Ortsteil 8"}
    assert "Amt für Statistik" in _by_gid(fig, "ld-source")[0].get_text()
    natural, nax = charts.choropleth(gdf, "dichte", k=3, scheme="natural_breaks", decimals=1)
    assert all("," in t.get_text() for t in nax.get_legend().get_texts()[:-1])


@pytest.mark.slow  # 0.4 s on 2 cores
def test_small_multiples_and_pyramid():
    fig, axes = charts.small_multiples(_series()[lambda d: d.bezirk != "Berlin"], "jahr", "wert",
                                       "bezirk", ncols=4, title="Je Bezirk")
    assert len(axes) == 12 and _by_gid(fig, "ld-source")
    lichtenberg = [ax for ax in axes if ax.get_title(loc="left") == "Lichtenberg"][0]
    assert matplotlib.colors.to_hex(lichtenberg.get_lines()[-1].get_color()) == charts.COLORS["highlight"].lower()
    ages = ["0–9", "10–19", "20–29", "30–39", "40–49", "50–59", "60+"]
    pyr = _with(pd.DataFrame({"alter": ages, "m": [10, 12, 15, 14, 13, 11, 20],
                              "w": [9, 11, 16, 15, 13, 12, 25]}), AFS)
    ref = pyr.assign(m=pyr.m * 10, w=pyr.w * 10)
    fig, ax = charts.population_pyramid(pyr, "alter", "m", "w", reference=ref, title="Alter")
    fig.canvas.draw()
    assert [t.get_text() for t in ax.get_yticklabels()] == ages
    assert all("%" in t.get_text() for t in ax.get_xticklabels() if t.get_text())
    assert not any(t.get_text().startswith("\u2212") for t in ax.get_xticklabels())


def test_style_context_and_figure_sizes():
    with charts.style():
        assert matplotlib.rcParams["pdf.fonttype"] == 42
        assert "DejaVu Sans" in matplotlib.rcParams["font.sans-serif"]
    fig, _ = charts.figure("full", 8)
    assert np.allclose(fig.get_size_inches(), (16 / 2.54, 8 / 2.54))
    with pytest.raises(ValueError):
        charts.figure("quarter")




def test_stacked_bars_per_period_with_totals_and_dates():
    df = _with(pd.DataFrame({"date": pd.to_datetime(["2025-09-24", "2019-03-08", "2022-09-15"]),
                             "ganze_wohnungen": [253, 310, 256], "zimmer": [149, 437, 208],
                             "hotelzimmer": [11, 0, 11]}), AFS)
    fig, ax = charts.stacked_bars(df, "date", {"ganze_wohnungen": "Ganze Wohnungen", "zimmer": "Zimmer",
                                               "hotelzimmer": "Hotelzimmer"}, title="Angebote")
    assert [t.get_text() for t in ax.get_xticklabels()] == ["08.03.2019", "15.09.2022", "24.09.2025"]  # sorted
    heights = [p.get_height() for p in ax.patches]
    assert heights == [310, 256, 253, 437, 208, 149, 0, 11, 11]  # part by part, bottom first
    assert [p.get_y() for p in ax.patches[3:6]] == [310, 256, 253]
    texts = [t.get_text() for t in ax.texts]
    assert {"747", "475", "413"} <= set(texts)  # the totals above the bars
    assert "0" not in texts and "11" not in texts  # parts too thin for a label stay unlabelled
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["Ganze Wohnungen", "Zimmer", "Hotelzimmer"]
    assert _by_gid(fig, "ld-source")[0].get_text().replace("\n", " ") == source_note(df)


def test_period_ticks_label_each_edition():
    df = _with(pd.DataFrame({"date": pd.to_datetime(["2019-03-08", "2022-09-15", "2025-09-24"] * 2),
                             "gebiet": ["Lichtenberg"] * 3 + ["Berlin"] * 3,
                             "wert": [2.54, 1.6, 1.3, 6.26, 4.32, 3.65]}), AFS)
    fig, ax = charts.line_vs_berlin(df, "date", "wert", "gebiet", decimals=2)
    charts.period_ticks(ax, df["date"])
    assert [t.get_text() for t in ax.get_xticklabels()] == ["08.03.2019", "15.09.2022", "24.09.2025"]


def test_layer_map_labels_do_not_overlap_and_only_drawn_layers_are_in_the_legend():
    gpd = pytest.importorskip("geopandas")
    from shapely.geometry import Point, box

    from lichtenberg_data.charts.check import problems, scale_bars

    base = gpd.GeoDataFrame({"ortsteil": ["Nordteil", "Südteil"]},
                            geometry=[box(390_000, 5_816_000, 396_000, 5_822_000),
                                      box(390_000, 5_810_000, 396_000, 5_816_000)], crs="EPSG:25833")
    base.attrs["provenance"] = [AFS]
    # three named areas whose inner points lie within a few metres of each other, a fourth apart
    close = gpd.GeoDataFrame({"nr": ["1", "2", "3", "4"]},
                             geometry=[Point(393_000 + 30 * i, 5_819_000).buffer(300) for i in range(3)]
                             + [Point(393_000, 5_813_000).buffer(300)], crs="EPSG:25833")
    empty = gpd.GeoDataFrame({"nr": []}, geometry=[], crs="EPSG:25833")
    layers = [charts.Layer(close, "Gewerbegebiet (4)", charts.COLORS["berlin"], labels="nr"),
              charts.Layer(empty, "Bebauungsplan (0)", charts.COLORS["accent"], hatch="////")]
    fig, ax = charts.layer_map(layers, base=base, title="Vorhaben", width="full", height_cm=12)
    fig.canvas.draw()
    texts = {t.get_text(): t for t in ax.texts}
    assert {"1, 2 und 3", "4", "Nordteil", "Südteil"} <= set(texts)  # one label for one place
    boxes = [texts[k].get_window_extent() for k in ("1, 2 und 3", "4", "Nordteil", "Südteil")]
    assert not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1:])
    four = ax.transData.transform((393_000, 5_813_000))  # a label stands beside its area
    assert abs(boxes[1].x0 - four[0]) < 60 and abs(boxes[1].y0 - four[1]) < 60
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["Gewerbegebiet (4)"]
    drawn = charts.chart_data(fig)  # the areas as drawn, for the workbook
    assert drawn["nr"].tolist() == ["1", "2", "3", "4"]
    assert drawn["flaeche_ha (gezeichnet)"].round(0).tolist() == [28.0] * 4  # circles of 300 m
    (bar, _), = scale_bars(fig)
    assert bar.info.units == "km" and bar.info.value > 0
    assert problems(fig) == []
    assert "Amt für Statistik" in _by_gid(fig, "ld-source")[0].get_text()


def test_grouped_bars_side_by_side_with_values():
    df = _with(pd.DataFrame({"ziel": ["bis Ende 2030", "bis Ende 2035"], "eintritte": [17167, 43607],
                             "austritte": [19085, 35624]}), AFS)
    fig, ax = charts.grouped_bars(df, "ziel", {"eintritte": "Eintritte", "austritte": "Austritte"}, title="Erwerbsalter")
    assert [t.get_text() for t in ax.get_xticklabels()] == ["bis Ende 2030", "bis Ende 2035"]
    assert [p.get_height() for p in ax.patches] == [17167, 43607, 19085, 35624]  # bar by bar, series by series
    xs = [p.get_x() + p.get_width() / 2 for p in ax.patches]
    assert xs[0] < xs[2] < xs[1] < xs[3]  # the two bars of a group stand side by side
    assert {"17.167", "43.607", "19.085", "35.624"} <= {t.get_text() for t in ax.texts}
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["Eintritte", "Austritte"]
    assert charts.chart_data(fig).to_dict("list") == {"ziel": ["bis Ende 2030", "bis Ende 2035"],
                                                      "Eintritte": [17167, 43607], "Austritte": [19085, 35624]}
    assert matplotlib.colors.to_hex(ax.patches[0].get_facecolor()) == charts.COLORS["highlight"].lower()
    assert _by_gid(fig, "ld-source")[0].get_text().replace("\n", " ") == source_note(df)


def test_marker_legend_keeps_the_maps_own_legend():
    gpd = pytest.importorskip("geopandas")
    from shapely.geometry import Point, box

    areas = _with(gpd.GeoDataFrame({"wert": [1.0, 2.0, 3.0, 4.0]},
                                   geometry=[box(390_000 + 1000 * i, 5_815_000, 391_000 + 1000 * i, 5_816_000)
                                             for i in range(4)], crs="EPSG:25833"), AFS)
    fig, ax = charts.choropleth(areas, "wert", k=2, legend_title="Wert")
    pts = gpd.GeoDataFrame({"typ": ["ISS", "Gymnasium"]}, geometry=[Point(390_500, 5_815_500), Point(392_500, 5_815_500)],
                           crs="EPSG:25833")
    charts.add_points(ax, pts[pts["typ"] == "ISS"], marker="o", legend_label="ISS")
    charts.add_points(ax, pts[pts["typ"] == "Gymnasium"], marker="s", legend_label="Gymnasium")
    charts.marker_legend(ax, "Schulen")
    legends = [a for a in ax.get_children() if isinstance(a, matplotlib.legend.Legend)]
    titles = {leg.get_title().get_text(): [t.get_text() for t in leg.get_texts()] for leg in legends}
    assert titles["Schulen"] == ["ISS", "Gymnasium"]
    assert "Wert" in titles and len(titles["Wert"]) == 2


def test_a_map_is_drawn_when_it_is_saved_not_after_every_layer(monkeypatch):
    """geopandas asks the canvas to draw after every layer it plots (for interactive windows); on
    Agg each request is a whole draw. Building a choropleth with a missing area and an outline,
    points with a radius on it, a point map and a layer map with their base and outline asks for
    none; the canvas draws on request again afterwards."""
    gpd = pytest.importorskip("geopandas")
    from matplotlib.backend_bases import FigureCanvasBase
    from shapely.geometry import Point, box

    requests = []
    monkeypatch.setattr(FigureCanvasBase, "draw_idle", lambda canvas, *a, **k: requests.append(canvas))
    areas = _with(gpd.GeoDataFrame({"wert": [1.0, 2.0, 3.0, np.nan]},
                                   geometry=[box(390_000 + 1000 * i, 5_815_000, 391_000 + 1000 * i, 5_816_000)
                                             for i in range(4)], crs="EPSG:25833"), AFS)
    outline = gpd.GeoDataFrame(geometry=[areas.union_all()], crs="EPSG:25833")
    fig, ax = charts.choropleth(areas, "wert", k=2, outline=outline, legend_title="Wert", title="Karte")
    pts = gpd.GeoDataFrame({"name": ["A", "B"], "besuche": [100.0, 2000.0]},
                           geometry=[Point(390_500, 5_815_500), Point(392_500, 5_815_500)], crs="EPSG:25833")
    charts.add_points(ax, pts, radius_m=300, legend_label="Orte")
    fig2, _ = charts.point_map(_with(pts, AFS), value="besuche", label="name", base=areas, outline=outline,
                               title="Orte")
    layers = [charts.Layer(areas.iloc[:2], "Gewerbegebiet (2)", charts.COLORS["berlin"]),
              charts.Layer(areas.iloc[2:], "Bebauungsplan (2)", charts.COLORS["accent"], hatch="////")]
    fig3, _ = charts.layer_map(layers, base=areas.assign(ortsteil=list("ABCD")), outline=outline, title="Vorhaben")
    assert requests == []
    assert len(ax.collections) >= 5  # areas, missing area, outline, radius, points
    for figure in (fig, fig2, fig3):
        figure.canvas.draw_idle()
    assert requests == [fig.canvas, fig2.canvas, fig3.canvas]


def test_a_window_still_hears_of_every_layer():
    """A window's canvas schedules its draws itself (and merges them): geopandas' request reaches it."""
    gpd = pytest.importorskip("geopandas")
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from shapely.geometry import box

    from lichtenberg_data.charts.mapbase import plot_geo

    class Window(FigureCanvasAgg):
        requests = 0

        def draw_idle(self, *args, **kwargs):
            Window.requests += 1

    fig = Figure()
    Window(fig)
    plot_geo(gpd.GeoSeries([box(0, 0, 1, 1)], crs="EPSG:25833"), fig.add_subplot())
    assert Window.requests == 1 and "draw_idle" not in vars(fig.canvas)


# ------------------------------------------------------------------ the data drawn, handed over

def test_every_form_hands_over_the_data_it_draws():
    fig, _ = charts.ranked_bars(_districts(), "bezirk", "quote", percent=True)
    drawn = charts.chart_data(fig)
    assert drawn["bezirk"].tolist()[0] == "Reinickendorf" and drawn["bezirk"].tolist()[-1] == "Berlin"  # top bar first
    assert drawn.set_index("bezirk").loc["Berlin", "quote"] == 51.5
    fig, _ = charts.line_vs_berlin(_series(), "jahr", "wert", "bezirk", index_base=2015)
    drawn = charts.chart_data(fig)
    lichtenberg = drawn[drawn["bezirk"] == "Lichtenberg"].set_index("jahr")
    assert lichtenberg.loc[2015, "Index (2015 = 100)"] == 100
    assert lichtenberg.loc[2024, "Index (2015 = 100)"] == pytest.approx(lichtenberg.loc[2024, "wert"]
                                                                        / lichtenberg.loc[2015, "wert"] * 100)
    table = _with(pd.DataFrame({"name": ["A", "B"], "wert": [1234.5, 2.0]}), AFS)
    fig, _ = charts.table(table, {"name": "Zentrum", "wert": "Verkaufsfläche (m²)"}, decimals={"wert": 1})
    assert charts.chart_data(fig).to_dict("list") == {"Zentrum": ["A", "B"], "Verkaufsfläche (m²)": [1234.5, 2.0]}


@pytest.mark.slow  # 0.4 s on 2 cores
def test_a_map_shows_the_ortsteile_with_their_names_and_a_scale_bar(real_data, data_dir):
    """On the real Ortsteile: the ten of Lichtenberg named, the neighbours drawn but not named."""
    import lichtenberg_data as ld
    from lichtenberg_data import geo
    from lichtenberg_data.charts.check import problems, scale_bars

    ld.import_file("ortsteile", [real_data / "geometries" / "ortsteile_berlin.geojson"])
    lichtenberg = geo.boundaries("ortsteil")
    areas = lichtenberg.assign(wert=np.arange(len(lichtenberg), dtype=float))
    fig, ax = charts.choropleth(areas[["wert", "geometry"]], "wert", k=3, legend_title="Wert",
                                title="Ortsteile von Lichtenberg")
    named = {t.get_text().replace("\n", "") for t in ax.texts}
    assert named == {"Alt-Hohenschönhausen", "Falkenberg", "Fennpfuhl", "Friedrichsfelde", "Karlshorst", "Lichtenberg",
                     "Malchow", "Neu-Hohenschönhausen", "Rummelsburg", "Wartenberg"}
    assert fig.get_size_inches()[0] == pytest.approx(charts.HALF_WIDTH_CM / 2.54)  # a tall district: half width
    (bar, _), = scale_bars(fig)
    assert bar.info.units in ("km", "m") and bar.info.value > 0
    assert problems(fig) == []
    assert "Ortsteile" in " ".join(e.get("title") or e.get("source_title") or "" for e in charts.chart_info(fig).sources)


@pytest.mark.slow  # 0.6 s on 2 cores
def test_the_ortsteil_names_stand_clear_of_the_point_symbols(real_data, data_dir):
    """A centre on the spot where an Ortsteil's name would stand (as on the real map of the
    shopping centres, where orange dots covered „Neu-Hohenschönhausen“ and „Fennpfuhl“): each
    name moves off the symbols, and every name is still written."""
    import geopandas as gpd

    import lichtenberg_data as ld
    from lichtenberg_data import geo
    from lichtenberg_data.charts.check import canvas_renderer

    ld.import_file("ortsteile", [real_data / "geometries" / "ortsteile_berlin.geojson"])
    lichtenberg = geo.boundaries("ortsteil")
    areas = lichtenberg.assign(wert=np.arange(len(lichtenberg), dtype=float))
    fig, ax = charts.choropleth(areas[["wert", "geometry"]], "wert", k=3, legend_title="Wert")
    centres = gpd.GeoDataFrame(geometry=lichtenberg.geometry.representative_point(), crs=lichtenberg.crs)
    charts.add_points(ax, centres, size=40, legend_label="Zentrum")
    charts.finish(fig, "Zentren", source=lichtenberg)
    fig.draw_without_rendering()
    renderer = canvas_renderer(fig)
    radius = np.sqrt(40) / 2 * fig.dpi / 72  # a symbol of 40 pt² (markersize) in pixels
    spots = ax.transData.transform(np.column_stack([centres.geometry.x, centres.geometry.y]))
    names = {t.get_text().replace("\n", ""): t.get_window_extent(renderer) for t in ax.texts}
    assert len(names) == 10
    covered = [n for n, box in names.items() for x, y in spots
               if box.x0 < x + radius and box.x1 > x - radius and box.y0 < y + radius and box.y1 > y - radius]
    assert covered == []


def test_a_point_map_shows_the_view_of_its_size_however_often_it_was_drawn(caplog):
    """A point map keeps its aspect by widening its view to the axes; drawn first at other sizes
    (as a notebook's figure resized, or laid out before its title was set), it shows what a map
    drawn once shows, and matplotlib logs nothing (it used to widen the last draw's view again
    each time: 50 % wider here, and "Ignoring fixed x limits …" in the notebooks' HTML pages)."""
    gpd = pytest.importorskip("geopandas")
    from shapely.geometry import Point, box

    areas = gpd.GeoDataFrame({"wert": [1.0, 2.0, 3.0, 4.0]}, crs="EPSG:25833",
                             geometry=[box(390_000 + 1000 * i, 5_815_000, 391_000 + 1000 * i, 5_817_000)
                                       for i in range(4)])
    points = gpd.GeoDataFrame({"name": ["A", "B"], "besuche": [100.0, 2000.0]}, crs="EPSG:25833",
                              geometry=[Point(390_500, 5_815_500), Point(392_500, 5_816_500)])

    def view(ax):
        return [round(v) for v in (*ax.get_xlim(), *ax.get_ylim())]

    fig, ax = charts.point_map(points, "besuche", "name", base=areas, title="Orte")
    fig.draw_without_rendering()
    once = view(ax)
    fig, ax = charts.point_map(points, "besuche", "name", base=areas, title="Orte")
    w, h = fig.get_size_inches()
    with caplog.at_level("WARNING"):
        for size in ((w, 1.5 * h), (1.3 * w, h), (w, h)):
            fig.set_size_inches(*size)
            fig.draw_without_rendering()
    assert view(ax) == once
    assert once[0] < 390_000 and once[1] > 394_000 and once[2] < 5_815_000 and once[3] > 5_817_000
    assert not [r for r in caplog.records if "Ignoring fixed" in r.getMessage()]
    zoomed = charts.point_map(points, "besuche", base=areas)[1]  # no labels: not drawn yet at all
    for m in (ax, zoomed):  # zoomed in by hand after a draw, and before the first: the map keeps
        m.set_xlim(390_000, 391_000)  # that view, widened to the axes
        m.set_ylim(5_815_000, 5_816_000)
        m.get_figure().draw_without_rendering()
        x0, x1, y0, y1 = view(m)
        assert (x0 + x1) / 2 == 390_500 and (y0 + y1) / 2 == 5_815_500
        assert min(x1 - x0, y1 - y0) == 1000 and max(x1 - x0, y1 - y0) < once[1] - once[0]


@pytest.mark.slow  # 0.5 s on 2 cores
def test_the_ortsteil_lines_of_a_point_map_draw_no_frame(real_data, data_dir):
    """The Ortsteil boundaries are cut a little beyond the data; a point map, whose view is wider
    than that, shows where they end, but no line along the cut (the areas' boundaries after
    clipping drew a dashed frame around the district)."""
    import lichtenberg_data as ld
    from lichtenberg_data import geo

    ld.import_file("ortsteile", [real_data / "geometries" / "ortsteile_berlin.geojson"])
    lichtenberg = geo.boundaries("ortsteil")
    places = lichtenberg.assign(geometry=lichtenberg.representative_point(), besuche=1000.0)
    fig, ax = charts.point_map(places, "besuche", base=lichtenberg, title="Orte")
    fig.draw_without_rendering()
    dashed = [c for c in ax.collections if c.get_zorder() == 1.8]
    assert len(dashed) == 1
    vertices = np.concatenate([p.vertices for p in dashed[0].get_paths()])
    x0, y0 = vertices.min(axis=0)
    x1, y1 = vertices.max(axis=0)
    assert ax.get_xlim()[0] < x0 and x1 < ax.get_xlim()[1]  # the view is wider than the lines
    for path in dashed[0].get_paths():
        v = path.vertices
        along_x = (v[1:, 0] == v[:-1, 0]) & np.isin(v[1:, 0], [x0, x1])  # a step along the cut
        along_y = (v[1:, 1] == v[:-1, 1]) & np.isin(v[1:, 1], [y0, y1])
        assert not (along_x | along_y).any(), "an Ortsteil line runs along the edge of the cut"


@pytest.mark.parametrize(("size", "width", "n_lines"), [(7.5, 200.0, 5), (8.0, 220.0, 4), (9.5, 250.0, 5)])
def test_text_wrapped_for_a_pdf_page_fills_the_line_as_the_pdf_sets_it(size, width, n_lines):
    """The pages of the briefing wrap with the font's own advances (``vector=True``), as the PDF
    sets the text, not as a screen raster measures it (hinted: up to 7 % narrower or 3 % wider
    than print with matplotlib 3.11, within 1 % with 3.10): no line runs into the margin, and
    none ends where the next word would still have fitted. Wrapped as measured on screen, two of
    the three cases fail (the first two with matplotlib 3.11, the last two with 3.10)."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import text_to_path

    from lichtenberg_data.charts.style import _style_family, wrap_text

    text = ("Vergleich: Berlin: 3.913.644 · Marzahn-Hellersdorf: 296.687 · Charlottenburg-Wilmersdorf: 343.081 · "
            "Rang 6 von 12 Bezirken; Einwohnerinnen und Einwohner am 31.12.2025 je Planungsraum der LOR 2021")

    def printed(line: str) -> float:
        prop = FontProperties(family=_style_family(), size=size)
        return text_to_path.get_text_width_height_descent(line, prop, ismath=False)[0]

    lines = wrap_text(text, width, size, vector=True)
    assert len(lines) == n_lines and " ".join(lines) == text
    assert max(printed(line) for line in lines) <= width
    for line, following in zip(lines, lines[1:]):  # greedy in print: the next word did not fit
        assert printed(f"{line} {following.split(' ')[0]}") > width - 0.5  # kerning at the spaces


@pytest.mark.slow  # 0.4 s on 2 cores
def test_a_chart_pdf_embeds_its_font_without_layout_tables_and_keeps_its_text(tmp_path):
    """The PDF's font subset leaves out GSUB/GPOS/kern (no PDF viewer reads them); the glyphs are
    there and the chart's words are text."""
    import io

    from fontTools.ttLib import TTFont
    from pypdf import PdfReader

    fig, _ = charts.line_vs_berlin(_series(), "jahr", "wert", "bezirk", title="Einwohner in Lichtenberg")
    pdf = charts.save(fig, "einwohner", tmp_path)[2]
    page = PdfReader(pdf).pages[0]
    assert "Einwohner in Lichtenberg" in page.extract_text()
    fonts = []
    for ref in page["/Resources"]["/Font"].values():
        font = ref.get_object()
        descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
        fonts.append(TTFont(io.BytesIO(descriptor["/FontFile2"].get_object().get_data())))
    assert fonts and all("glyf" in f and "cmap" in f for f in fonts)
    assert not any(table in f for f in fonts for table in ("GSUB", "GPOS", "GDEF", "kern"))
    assert any(f["glyf"].glyphs.get(f.getBestCmap().get(ord("L"), ""), None) for f in fonts)
