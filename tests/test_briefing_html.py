"""The executed notebooks as HTML pages (lichtenberg_data.briefing._html).

Slow: importing nbconvert and loading its templates twice takes about 5 s.
"""

from __future__ import annotations

import base64
import io
import re

import pytest
from PIL import Image

from lichtenberg_data.briefing._html import _TEMPLATES, NO_ALT, write_html

pytestmark = pytest.mark.slow


def _png() -> str:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), "#004B87").save(buffer, format="png")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _notebook(alt: str | None = "Beschäftigte 2025 je Bezirk"):
    from nbformat import v4  # (importing nbformat takes 0.9 s: not at collection)

    chart = v4.new_output("display_data", data={"image/png": _png()},
                          metadata={"image/png": {"alt": alt}} if alt else {})
    table = v4.new_output("execute_result", data={"text/html": "<table><tr><td>1.234,5</td></tr></table>",
                                                  "text/plain": "1.234,5"}, execution_count=2)
    widget = v4.new_output("display_data", data={"application/vnd.jupyter.widget-view+json": {
        "model_id": "m1", "version_major": 2, "version_minor": 0}, "text/plain": "Schieberegler"})
    state = {"state": {}, "version_major": 2, "version_minor": 0}  # a headless run saves no widget state
    return v4.new_notebook(cells=[
        v4.new_markdown_cell("## Fachkräfte\nDie *Zahl* der Beschäftigten."),
        v4.new_code_cell("import lichtenberg_data as ld\nprint('Stand 2025')", execution_count=1,
                         outputs=[v4.new_output("stream", name="stdout", text="Stand 2025\n"), chart]),
        v4.new_code_cell("tabelle", execution_count=2, outputs=[table]),
        v4.new_code_cell("karte", execution_count=3, outputs=[  # what an analyst's own outputs bring
            v4.new_output("display_data", data={"application/javascript": "console.log(1)"}),
            v4.new_output("display_data", data={"text/html": '<script>var s = "<img src=x>";</script>'
                                                             '<IMG title="a > b" SRC="k.png">'}),
            widget]),
        v4.new_code_cell("fehler", execution_count=4, outputs=[
            v4.new_output("display_data", data={"image/svg+xml": '<svg xmlns="http://www.w3.org/2000/svg" '
                                                                 'width="4" height="3"><rect width="4" height="3"/></svg>'}),
            v4.new_output("error", ename="NameError", evalue="name 'wohnungen' is not defined",
                          traceback=["\x1b[0;31mNameError\x1b[0m: name 'wohnungen' is not defined"])]),
    ], metadata={"language_info": {"name": "python", "pygments_lexer": "ipython3"},
                 "widgets": {"application/vnd.jupyter.widget-state+json": state}})


def _soup(html: str):
    from bs4 import BeautifulSoup

    return BeautifulSoup(html, "html.parser")


def _dom(html: str) -> str:
    """The document as a parser reads it (a JavaScript output's element id is random per page)."""
    return re.sub(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "…", str(_soup(html)))


def test_the_page_is_nbconverts_own(tmp_path):
    """The same document as nbconvert's HTMLExporter writes: every cell focusable, the chart's title as its alt text."""
    from nbconvert import HTMLExporter

    nb = _notebook()
    theirs, _ = HTMLExporter(template_name="lichtenberg_lab", language_code="de",
                             extra_template_basedirs=[str(_TEMPLATES)]).from_notebook_node(nb)
    write_html(nb, tmp_path / "fachkraefte.html")
    ours = (tmp_path / "fachkraefte.html").read_text(encoding="utf-8")
    assert _dom(ours) == _dom(theirs.replace("No description has been provided for this image", NO_ALT))
    page = _soup(ours)
    assert page.html["lang"] == "de"
    assert [img["alt"] for img in page.select("img")] == ["Beschäftigte 2025 je Bezirk", NO_ALT, NO_ALT]  # + HTML, SVG
    assert len(page.select(".jp-Notebook div.jp-Cell-inputWrapper[tabindex='0']")) == 5
    # stdout, chart, table, the JavaScript, the analyst's HTML, the widget, the SVG, the error
    assert len(page.select(".jp-Notebook div.jp-OutputArea-output[tabindex='0']")) == 8
    assert "1.234,5" in page.select_one("table").text
    assert 'var s = "<img src=x>";' in ours  # a script's text is left as it is
    # a widget without saved state is shown as its text (nbconvert's filter for widgets)
    assert not page.select('script[type="application/vnd.jupyter.widget-view+json"]')
    assert "Schieberegler" in page.select_one(".jp-Notebook").text


def test_an_image_without_a_title_gets_a_german_alt_text(tmp_path):
    write_html(_notebook(alt=None), tmp_path / "page.html")
    page = _soup((tmp_path / "page.html").read_text(encoding="utf-8"))
    assert [img["alt"] for img in page.select("img")] == [NO_ALT] * 3  # the chart, the analyst's image, the SVG
    assert "No description has been provided" not in str(page)


def test_another_nbconvert_is_left_its_own_way_with_the_german_alt_text(tmp_path, monkeypatch):
    """With an nbconvert other than the versions the exporter follows, nbconvert's own second pass
    makes the page accessible; the placeholder alt text is still German."""
    import threading

    from lichtenberg_data.briefing import _html

    monkeypatch.setattr(_html, "_KNOWN_NBCONVERT", set())
    monkeypatch.setattr(_html, "_EXPORTERS", threading.local())
    write_html(_notebook(alt=None), tmp_path / "page.html")
    page = _soup((tmp_path / "page.html").read_text(encoding="utf-8"))
    assert [img["alt"] for img in page.select("img")] == [NO_ALT] * 3
    assert len(page.select(".jp-Notebook div.jp-OutputArea-output[tabindex='0']")) == 8


def test_the_code_is_shown_escaped_as_highlighted_without_a_second_sanitising_pass(tmp_path):
    """nbconvert's lab page passes each highlighted cell through bleach; the briefing's page does
    not (0.1-0.3 s a page): the highlighted code is the same, and code that reads like markup is
    shown as text, never run."""
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.strings import clean_html
    from nbformat import v4

    sources = ["import lichtenberg_data as ld\nprint('Stand 2025')",
               "html = '<script>alert(1)</script><img src=x onerror=alert(2)>'\nprint(html)",
               "# Umlaute & Zeichen: ä ö ü ß „“ < > & ' \"\nwert = 1_234.5 if x > 0 and y < 3 else None"]
    highlight = Highlight2HTML(pygments_lexer="ipython3")
    assert [clean_html(highlight(s)) for s in sources] == [highlight(s) for s in sources]  # nothing to remove
    nb = v4.new_notebook(cells=[v4.new_code_cell(s, execution_count=i) for i, s in enumerate(sources, 1)],
                         metadata={"language_info": {"name": "python", "pygments_lexer": "ipython3"}})
    write_html(nb, tmp_path / "page.html")
    ours = (tmp_path / "page.html").read_text(encoding="utf-8")
    page = _soup(ours)
    assert not [t for t in page.select("script") if "alert" in t.text]  # no script made of the code
    assert not page.select("[onerror]") and not page.select(".jp-InputArea-editor img")
    assert [e.get_text() for e in page.select(".jp-InputArea-editor pre")] == [s + "\n" for s in sources]
