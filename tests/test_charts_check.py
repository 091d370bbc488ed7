"""The chart check (charts/check.py): it finds what a reader would see as a defect, and a clean
chart of every form passes."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import geopandas as gpd  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from shapely.geometry import Point, box  # noqa: E402

from lichtenberg_data import charts  # noqa: E402
from lichtenberg_data.charts.check import problems, problems_when_drawn  # noqa: E402
from lichtenberg_data.names import BEZIRKE  # noqa: E402

AFS = {"dataset": "baufertigstellungen", "publisher": "Amt für Statistik Berlin-Brandenburg",
       "source_title": "Statistischer Bericht F II 2", "reference_date": "2022-12-31",
       "retrieved_at": "2025-06-13", "license": "CC BY 3.0 DE"}


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def _when_saved(fig) -> list[str]:
    """The check as the briefing runs it: on the draw that writes the 300-dpi PNG."""
    import io

    with problems_when_drawn(fig) as found:
        fig.savefig(io.BytesIO(), format="png", dpi=300)
    return found


@pytest.fixture(params=[problems, _when_saved], ids=["laid-out", "when-saved"])
def check(request):
    """Each defect is found the same way by a layout of its own and on the PNG's draw."""
    return request.param


def _completions() -> pd.DataFrame:
    """The real 2022 floor space of new non-residential buildings (F II 2) and Berlin's total."""
    values = [86540, 86770, 30250, 36710, 47520, 11600, 72720, 9310, 101680, 48710, 60390, 11110]
    df = pd.DataFrame({"gebiet": [*BEZIRKE.values(), "Berlin"], "nutzflaeche_m2": [*values, 603290]})
    df.attrs["provenance"] = [AFS]
    return df


def test_a_chart_with_a_cut_category_label_fails(check):
    fig, ax = charts.ranked_bars(_completions(), "gebiet", "nutzflaeche_m2", decimals=0, unit="m²",
                                 title="Neue Nichtwohngebäude: Nutzfläche")
    assert check(fig) == []  # the form itself keeps every label inside
    ax.set_position((0.02, 0.2, 0.9, 0.6))  # push the plot left: the Bezirk names run off the canvas
    fig.set_layout_engine("none")
    found = check(fig)
    cut = [p for p in found if "is cut" in p and "past the left edge" in p]
    assert any("'Treptow-Köpenick'" in p for p in cut), found
    assert any("'Charlottenburg-Wilmersdorf'" in p for p in cut), found


def test_overlapping_tick_labels_and_texts_are_found(check):
    fig, ax = charts.figure("half", 6)
    ax.plot(range(12), range(12))
    ax.set_xticks(range(12), [f"Bezirk {n}" for n in BEZIRKE.values()])  # twelve long labels on 7.8 cm
    ax.text(0.5, 0.5, "Hinweis", transform=ax.transAxes)
    ax.text(0.5, 0.5, "Anmerkung", transform=ax.transAxes)
    found = check(fig)
    assert any(p.startswith("tick label 'Bezirk ") and "overlaps the text 'Bezirk " in p for p in found), found
    assert "text 'Hinweis' overlaps the text 'Anmerkung'" in found


def test_two_labels_on_one_point_and_a_symbol_without_legend_entry_are_found(check):
    fig, ax = charts.figure("full", 8)
    ax.scatter([1, 2], [1, 2])
    ax.annotate("Ring-Center II", (1, 1), xytext=(3, 3), textcoords="offset points")
    ax.annotate("Ring-Center III", (1, 1), xytext=(3, 30), textcoords="offset points")
    found = check(fig)
    assert "two labels on one point: 'Ring-Center II' and 'Ring-Center III'" in found
    assert "2 point symbol(s) without a legend entry" in found
    ax.collections[0].set_label("Einkaufszentrum")
    ax.legend()
    assert not [p for p in check(fig) if "legend" in p]


def test_a_dollar_pair_in_a_name_is_text_not_a_formula(check):
    fig, ax = charts.figure("full", 8)
    ax.set_title("Kosten $5 bis $10 je m²")
    assert check(fig) == []  # the house style draws every text as plain text
    ax.set_title("Kosten $5 bis $10 je m²", parse_math=True)  # a chart that turns mathtext on
    assert check(fig) == ["text 'Kosten $5 bis $10 je m²' would be drawn as a formula (a $ pair); "
                             "it must be plain text"]
    from lichtenberg_data.charts.check import plain_text

    plain_text(fig)
    assert check(fig) == []


def test_the_berlin_total_outside_the_scale_is_a_note_not_a_line_off_the_chart(check):
    fig, ax = charts.ranked_bars(_completions(), "gebiet", "nutzflaeche_m2", decimals=0, unit="m²",
                                 title="Neue Nichtwohngebäude: Nutzfläche")
    assert "Berlin: 603.290 m² (außerhalb der Skala)" in [t.get_text() for t in ax.texts]
    assert not ax.get_lines()  # no reference line far right of the bars
    assert check(fig) == []


def test_points_on_a_map_get_one_label_per_place_and_their_legend_entry(check):
    """Ring-Center I, II and III lie within 160 m: one label; the points join the map's legend."""
    areas = gpd.GeoDataFrame({"name": ["Nord", "Süd"], "wert": [1.0, 2.0]},
                             geometry=[box(395000, 5821000, 399000, 5828000), box(395000, 5814000, 399000, 5821000)],
                             crs="EPSG:25833")
    fig, ax = charts.choropleth(areas, "wert", k=2, legend_title="Wert", orientation=False)
    centres = gpd.GeoDataFrame({"zentrum": ["Ring-Center II", "Ring-Center III", "Ring-Center I", "Linden-Center"]},
                               geometry=[Point(396617, 5819344), Point(396610, 5819290), Point(396459, 5819337),
                                         Point(398737, 5824861)], crs="EPSG:25833")
    charts.add_points(ax, centres, label_column="zentrum", size=10, legend_label="Einkaufszentrum")
    charts.finish(fig, "Marktgebiete", source="Quelle: Test")
    labels = sorted(t.get_text() for t in ax.texts)
    assert labels == ["Linden-Center", "Ring-Center I, II und III"]
    assert "Einkaufszentrum" in [t.get_text() for t in ax.get_legend().get_texts()]
    assert check(fig) == []
    data = charts.chart_data(fig)
    assert data.groupby("Ebene").size().to_dict() == {"Einkaufszentrum": 4, "Flächen": 2}


def test_a_map_squeezed_by_its_legend_is_found(check):
    areas = gpd.GeoDataFrame({"wert": np.arange(5.0)}, geometry=[box(i, 0, i + 1, 10) for i in range(5)],
                             crs="EPSG:25833")
    fig, ax = charts.choropleth(areas, "wert", k=5, width="half", legend_loc="right", orientation=False,
                                legend_title="Ein sehr langer Legendentitel, der den Platz der Karte nimmt")
    ax.set_position((0.0, 0.5, 0.05, 0.05))
    fig.set_layout_engine("none")
    assert any(p.startswith("the plot is squeezed to") for p in check(fig))


def test_a_point_layer_added_later_keeps_the_legend_in_the_house_style():
    areas = gpd.GeoDataFrame({"wert": [1.0, 2.0]}, geometry=[box(0, 0, 1000, 3000), box(1000, 0, 2000, 3000)],
                             crs="EPSG:25833")
    fig, ax = charts.choropleth(areas, "wert", k=2, legend_title="Einwohner in 500 m", orientation=False)
    charts.add_points(ax, gpd.GeoDataFrame(geometry=[Point(500, 500)], crs="EPSG:25833"), size=4,
                      legend_label="Vollsortimenter/Discounter")  # outside any style context, as in a notebook
    texts = ax.get_legend().get_texts()
    assert [t.get_text() for t in texts][-1] == "Vollsortimenter/Discounter"
    assert {t.get_fontsize() for t in texts} == {7.5}


def test_lay_out_places_the_texts_where_a_full_draw_does():
    """check.lay_out (layout without painting, what the check and the labels measure in) puts the
    title, the tick labels and the plot where drawing the figure puts them."""
    from lichtenberg_data.charts.check import canvas_renderer, drawn_texts, lay_out

    def boxes(fig):
        renderer = canvas_renderer(fig)
        return [(t.get_text(), tuple(np.round(t.get_window_extent(renderer).extents, 2)))
                for _, t, _ in drawn_texts(fig)], tuple(np.round(fig.axes[0].get_position().bounds, 4))

    frame = pd.DataFrame({"bezirk": list(BEZIRKE.values()), "wert": np.arange(12.0) * 1000})
    laid, _ = charts.ranked_bars(frame, "bezirk", "wert", title="Einwohner je Bezirk mit einem langen Titel")
    drawn, _ = charts.ranked_bars(frame, "bezirk", "wert", title="Einwohner je Bezirk mit einem langen Titel")
    lay_out(laid)
    drawn.canvas.draw()
    assert boxes(laid) == boxes(drawn)
    assert any(text == "Treptow-Köpenick" for text, _ in boxes(laid)[0])


def test_a_half_width_ranking_in_m2_is_checked_as_saved(tmp_path):
    """The check measures the chart as it is saved (house style, 300 dpi): there the x axis of a
    half-width ranking of the real 2022 floor space had room for three ticks, and „50.000 m²“ ran
    into „100.000 m²“ (a layout of its own, outside the style, saw two ticks and no defect). The
    unit stands on each bar's label; the axis shows the numbers."""
    fig, ax = charts.ranked_bars(_completions(), "gebiet", "nutzflaeche_m2", decimals=0, unit="m²", width="half",
                                 title="Nutzfläche neuer Nichtwohngebäude: Lichtenberg auf Rang 5 der 12 Bezirke",
                                 subtitle="Nutzfläche der fertiggestellten neuen Nichtwohngebäude in m², 2022")
    with problems_when_drawn(fig) as found:
        charts.save(fig, "nutzflaeche", tmp_path, "png")
    assert found == []
    assert ax.xaxis.get_major_formatter()(50000) == "50.000"
    bars = [t.get_text() for t in ax.texts if t.get_text().endswith(" m²")]
    assert "60.390 m²" in bars and len(bars) == 12


def test_a_page_of_texts_and_pictures_is_checked_as_a_page():
    """``page=True`` (a page of the briefing PDF, checked while PdfPages writes it): two texts that
    run into each other and a text over a picture are found; a small picture is not a squeezed plot."""
    import io

    from matplotlib.backends.backend_pdf import PdfPages
    from matplotlib.figure import Figure

    page = Figure(figsize=(8.27, 11.69))
    page.text(0.1, 0.90, "Einwohnerinnen und Einwohner\n31.12.2020 → 31.12.2025", va="top", fontsize=8)
    page.text(0.1, 0.886, "Vergleich: Berlin: 3.913.644", va="top", fontsize=7)  # on the line above's second line
    picture = page.add_axes((0.1, 0.5, 0.3, 0.05))  # a table drawn as an image, 5 % of the page high
    picture.imshow(np.ones((10, 60, 3)))
    picture.set_axis_off()
    page.text(0.12, 0.52, "Abbildung 20", fontsize=8)  # a caption inside the picture
    page.text(0.1, 0.3, "Quellen [1–3]", fontsize=8)  # clear of everything
    area = page.add_axes((0.55, 0.1, 0.35, 0.3))  # a map drawn on the page (the exposé's), with its own name
    area.plot([0, 1], [0, 1])
    area.text(0.5, 0.5, "Herzbergstraße")
    area.set_axis_off()
    page.text(0.5, 0.2, "Gewerbeflächen im Umkreis", fontsize=8)  # a block of the page running over the map
    with PdfPages(io.BytesIO()) as pdf, problems_when_drawn(page, page=True) as found:
        pdf.savefig(page)
    assert found == ["text 'Einwohnerinnen und Einwohner 31.12.2020 → 31.12.2025' overlaps the text "
                     "'Vergleich: Berlin: 3.913.644'", "text 'Abbildung 20' overlaps a picture",
                     "text 'Gewerbeflächen im Umkreis' overlaps a picture"]
    with problems_when_drawn(page) as as_chart:  # checked as a chart, the picture is a squeezed plot
        page.savefig(io.BytesIO(), format="png")
    assert any("squeezed" in p for p in as_chart) and not any("picture" in p for p in as_chart)


def test_a_page_text_running_into_a_margin_is_found_unless_it_stands_there_on_purpose():
    """With the page's type area: a paragraph running under it into the bottom margin is found (a
    block measured too low, the reviewer's blind spot); the page number, marked, is not."""
    import io

    from matplotlib.backends.backend_pdf import PdfPages
    from matplotlib.figure import Figure

    from lichtenberg_data.charts.check import MARGIN_GID

    page = Figure(figsize=(8.27, 11.69))
    page.text(0.12, 0.08, "Absatz, der unter den Satzspiegel läuft", va="top", fontsize=9)
    page.text(0.88, 0.04, "Seite 3 von 30", ha="right", fontsize=7.5, gid=MARGIN_GID)
    page.text(0.12, 0.5, "Absatz im Satzspiegel", fontsize=9)
    with PdfPages(io.BytesIO()) as pdf, problems_when_drawn(page, page=True, area=(0.12, 0.074, 0.88, 0.926)) as found:
        pdf.savefig(page)
    assert len(found) == 1 and found[0].startswith("text 'Absatz, der unter den Satzspiegel läuft' runs ")
    assert found[0].endswith(" px into the bottom margin")
