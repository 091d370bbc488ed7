"""An executed notebook as an HTML page in German: nbconvert's "lab" page, made accessible as
nbconvert makes it, without parsing the whole page a second time.

nbconvert's :class:`~nbconvert.HTMLExporter` renders the page and then reads all of it back with
BeautifulSoup to give every image an alt text and the cells a ``tabindex``: on a briefing's
notebooks, with their charts inline as base64 and the stylesheet in the page, that second pass took
1.4 of the 2.9 CPU-s of writing the five pages. :class:`_Exporter` renders the same page and sets
the same attributes on the same tags, found by a scan of the page's tags (:func:`accessible`;
scripts, stylesheets and comments left alone, as an HTML parser leaves them). A chart's alt text
is its title (the template ``templates/lichtenberg_lab``); an image without one gets a German
placeholder. The template also shows each cell's code as pygments highlights it (every character
escaped) without the lab page's second pass through bleach's sanitizer, which found nothing to
remove in it and took two thirds of the remaining time (1.2 of 1.8 CPU-s for the five pages).
"""

from __future__ import annotations

import re
import threading
from pathlib import Path
from typing import Any

from .._store import atomic_write_bytes

#: nbconvert's "lab" page with the charts' alt texts.
_TEMPLATES = Path(__file__).parent / "templates"

#: The alt text of an image without a title (nbconvert's own is English).
NO_ALT = "Abbildung ohne Beschreibung"
_NBCONVERT_ALT = "No description has been provided for this image"
#: The nbconvert versions whose ``HTMLExporter.from_notebook_node`` :class:`_Exporter` follows up
#: to its BeautifulSoup pass; with any other, nbconvert's own way is taken (slower, the same page).
_KNOWN_NBCONVERT = {(7, 16), (7, 17)}

#: A start tag of the page's HTML with its attributes (in any quoting), or a span whose inside is no
#: tags: a script or style element (to its end tag, or the page's end), a comment. Every start tag
#: is read, so that markup inside an attribute's value is not taken for a tag; only ``div`` and
#: ``img`` are changed.
_ATTRIBUTE = r"""\s+[^\s"'<>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?"""
_TAG = re.compile(rf"<(script|style)(?=[\s/>])(?:{_ATTRIBUTE})*\s*(?:/>|>.*?(?:</\s*\1\s*>|\Z))"
                  rf"|<!--.*?(?:--\s*>|\Z)|<([a-zA-Z][^\s/>]*)((?:{_ATTRIBUTE})*)(\s*/?>)",
                  re.IGNORECASE | re.DOTALL)
_NAME_VALUE = re.compile(r"""([^\s"'<>/=]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'=<>`]+))?""")
#: The classes of the tags nbconvert makes focusable (``.jp-Notebook div.jp-Cell-inputWrapper`` and
#: ``div.jp-OutputArea-output``).
_FOCUSABLE = {"jp-Cell-inputWrapper", "jp-OutputArea-output"}


def _accessible_tag(match: re.Match) -> str:
    tag, attributes, end = match.group(2, 3, 4)
    if tag is None or tag.lower() not in ("div", "img"):  # a script, stylesheet, comment or other tag: as it is
        return match.group(0)
    names = {name.lower(): value for name, value in _NAME_VALUE.findall(attributes)}
    if tag.lower() == "img":
        return match.group(0) if "alt" in names else f'<{tag} alt="{NO_ALT}"{attributes}{end}'
    classes = set(names.get("class", "").strip("\"'").split())
    if "tabindex" in names or not classes & _FOCUSABLE:
        return match.group(0)
    return f'<{tag}{attributes} tabindex="0"{end}'


def accessible(html: str) -> str:
    """``html`` with a ``tabindex`` on each cell's input and output and an alt text on every image.

    Examples
    --------
    >>> accessible('<div class="jp-Cell-inputWrapper"><img src="a.png"></div>')
    '<div class="jp-Cell-inputWrapper" tabindex="0"><img alt="Abbildung ohne Beschreibung" src="a.png"></div>'
    >>> accessible('<div id="k" class="jp-RenderedJavaScript jp-OutputArea-output"><IMG title="a > b" alt="Karte">')
    '<div id="k" class="jp-RenderedJavaScript jp-OutputArea-output" tabindex="0"><IMG title="a > b" alt="Karte">'
    >>> accessible('<script>var s = "<img src=x>";</script><div class="jp-Cell-inputWrapper" tabindex="0">')
    '<script>var s = "<img src=x>";</script><div class="jp-Cell-inputWrapper" tabindex="0">'
    >>> accessible('<a title="<img src=x>">Karte</a>')  # markup inside a value is text
    '<a title="<img src=x>">Karte</a>'
    """
    return _TAG.sub(_accessible_tag, html)


#: Each worker thread's exporter (loading the template costs 0.1 s; an exporter is not meant to be
#: shared between threads).
_EXPORTERS = threading.local()


def _exporter() -> Any:
    exporter = getattr(_EXPORTERS, "html", None)
    if exporter is None:
        from nbconvert import HTMLExporter, __version__
        from nbconvert.exporters.templateexporter import TemplateExporter
        from nbconvert.filters.highlight import Highlight2HTML
        from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

        known = tuple(int(p) for p in __version__.split(".")[:2] if p.isdigit()) in _KNOWN_NBCONVERT

        class _Exporter(HTMLExporter):
            def from_notebook_node(self, nb: Any, resources: dict | None = None, **kw: Any) -> tuple[str, dict]:
                if not known:  # another nbconvert: its own way, its second pass included
                    html, resources = super().from_notebook_node(nb, resources, **kw)
                    return html.replace(f'alt="{_NBCONVERT_ALT}"', f'alt="{NO_ALT}"'), resources
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
