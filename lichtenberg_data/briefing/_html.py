"""An executed notebook as an HTML page in German: nbconvert's "lab" page, made accessible as
nbconvert makes it, without parsing the whole page a second time.

nbconvert's :class:`~nbconvert.HTMLExporter` renders the page and then reads all of it back with
BeautifulSoup to give every image an alt text and the cells a ``tabindex``: on a briefing's
notebooks, with their charts inline as base64 and the stylesheet in the page, that second pass took
1.4 of the 2.9 CPU-s of writing the five pages. :class:`_Exporter` renders the same page and sets
the same attributes on the tags nbconvert's own template writes. A chart's alt text is its title
(the template ``templates/lichtenberg_lab``); an image without one gets a German placeholder.
"""

from __future__ import annotations

import re
import threading
from pathlib import Path
from typing import Any

from .._store import atomic_write_bytes

#: nbconvert's "lab" page with the charts' alt texts.
_TEMPLATES = Path(__file__).parent / "templates"

#: The alt text of an image without a title (nbconvert's own: "No description has been provided
#: for this image").
NO_ALT = "Abbildung ohne Beschreibung"

#: The tags nbconvert makes focusable (``.jp-Notebook div.jp-Cell-inputWrapper`` and
#: ``div.jp-OutputArea-output``), as its "lab" template writes them.
_FOCUSABLE = re.compile(r'<div class="(jp-Cell-inputWrapper|(?:[^"<>]* )?jp-OutputArea-output(?: [^"<>]*)?)"'
                        r"(?![^>]*\btabindex=)")
_IMG_WITHOUT_ALT = re.compile(r"<img (?![^>]*\balt=)")

#: Each worker thread's exporter (loading the template costs 0.1 s; an exporter is not meant to be
#: shared between threads).
_EXPORTERS = threading.local()


def accessible(html: str) -> str:
    """``html`` with a ``tabindex`` on each cell's input and output and an alt text on every image.

    Examples
    --------
    >>> accessible('<div class="jp-Cell-inputWrapper"><img src="a.png"></div>')
    '<div class="jp-Cell-inputWrapper" tabindex="0"><img alt="Abbildung ohne Beschreibung" src="a.png"></div>'
    >>> accessible('<div class="jp-RenderedImage jp-OutputArea-output "><img alt="Karte" src="b.png"></div>')
    '<div class="jp-RenderedImage jp-OutputArea-output " tabindex="0"><img alt="Karte" src="b.png"></div>'
    >>> accessible('<div class="jp-Cell-inputWrapper" tabindex="0">')  # already focusable
    '<div class="jp-Cell-inputWrapper" tabindex="0">'
    """
    html = _FOCUSABLE.sub(r'<div class="\1" tabindex="0"', html)
    return _IMG_WITHOUT_ALT.sub(f'<img alt="{NO_ALT}" ', html)


def _exporter() -> Any:
    exporter = getattr(_EXPORTERS, "html", None)
    if exporter is None:
        from nbconvert import HTMLExporter
        from nbconvert.exporters.templateexporter import TemplateExporter
        from nbconvert.filters.highlight import Highlight2HTML
        from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

        class _Exporter(HTMLExporter):
            def from_notebook_node(self, nb: Any, resources: dict | None = None, **kw: Any) -> tuple[str, dict]:
                # HTMLExporter.from_notebook_node up to its BeautifulSoup pass (nbconvert 7.16-7.17)
                info = nb.metadata.get("language_info", {})
                lexer = info.get("pygments_lexer", info.get("name"))
                self.register_filter("highlight_code", self.filters.get(
                    "highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self)))
                resources = self._init_resources(resources)
                self.register_filter("filter_data_type", WidgetsDataTypeFilter(
                    notebook_metadata=self._nb_metadata, parent=self, resources=resources))
                html, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
                return accessible(html), resources

        exporter = _EXPORTERS.html = _Exporter(template_name="lichtenberg_lab", language_code="de",
                                               extra_template_basedirs=[str(_TEMPLATES)])
    return exporter


def write_html(nb: Any, path: Path) -> None:
    """The executed notebook ``nb`` as an HTML page in German (``lang="de"``, for screen readers)."""
    body, _ = _exporter().from_notebook_node(nb)
    atomic_write_bytes(path, body.encode("utf-8"))
