"""The executed notebooks as HTML pages (lichtenberg_data.briefing._html).

Slow: importing nbconvert and loading its templates twice takes about 5 s.
"""

from __future__ import annotations

import base64
import io

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
    return v4.new_notebook(cells=[
        v4.new_markdown_cell("## Fachkräfte\nDie *Zahl* der Beschäftigten."),
        v4.new_code_cell("import lichtenberg_data as ld\nprint('Stand 2025')", execution_count=1,
                         outputs=[v4.new_output("stream", name="stdout", text="Stand 2025\n"), chart]),
        v4.new_code_cell("tabelle", execution_count=2, outputs=[table]),
    ], metadata={"language_info": {"name": "python", "pygments_lexer": "ipython3"}})


def _soup(html: str):
    from bs4 import BeautifulSoup

    return BeautifulSoup(html, "html.parser")


def _dom(html: str) -> str:
    return str(_soup(html))


def test_the_page_is_nbconverts_own(tmp_path):
    """The same document as nbconvert's HTMLExporter writes: every cell focusable, the chart's title as its alt text."""
    from nbconvert import HTMLExporter

    nb = _notebook()
    theirs, _ = HTMLExporter(template_name="lichtenberg_lab", language_code="de",
                             extra_template_basedirs=[str(_TEMPLATES)]).from_notebook_node(nb)
    write_html(nb, tmp_path / "fachkraefte.html")
    ours = (tmp_path / "fachkraefte.html").read_text(encoding="utf-8")
    assert _dom(ours) == _dom(theirs)
    page = _soup(ours)
    assert page.html["lang"] == "de"
    assert [img["alt"] for img in page.select("img")] == ["Beschäftigte 2025 je Bezirk"]
    assert len(page.select(".jp-Notebook div.jp-Cell-inputWrapper[tabindex='0']")) == 3
    assert len(page.select(".jp-Notebook div.jp-OutputArea-output[tabindex='0']")) == 3  # stdout, chart, table
    assert "1.234,5" in page.select_one("table").text


def test_an_image_without_a_title_gets_a_german_alt_text(tmp_path):
    write_html(_notebook(alt=None), tmp_path / "page.html")
    page = _soup((tmp_path / "page.html").read_text(encoding="utf-8"))
    assert [img["alt"] for img in page.select("img")] == [NO_ALT]
    assert "No description has been provided" not in str(page)
