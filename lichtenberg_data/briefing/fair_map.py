"""The investment fair's map (A3 landscape PDF) and list (xlsx) of a district's measures.

:func:`write` lays out a :class:`lichtenberg_data.land.fair.Measures` (``ld.fair.measures``): the map of
plans in procedure, plans set in the last five years, programme areas and curated commercial
areas over the Ortsteile with their names (:func:`lichtenberg_data.charts.layer_map`), and beside
it one block per source with its figures and source line, as on the site exposé
(:mod:`.expose`); a dataset that is not loaded is a German line naming the command that brings
it, and a page resting on generated sample data carries the mark ``BEISPIELDATEN``. The list
holds every measure with its source and date. :func:`map_figure` draws the same map for the
briefing's Gewerbe section. ``lichtenberg-data vorhaben`` is the command line.
"""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path
from typing import Any

from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure

from .._errors import DataNotAvailableError
from ..charts import SAMPLE_MARK, Layer, layer_map, legend_handles
from ..charts.formats import format_date
from ..charts.style import COLORS, quiet_font_subsetting, style
from ..land.fair import COLUMNS, KINDS
from ._layout import _save_checked, _wrapped

__all__ = ["layers", "map_figure", "write_map", "write_list", "write", "A3_CM"]

log = logging.getLogger(__name__)

#: The page: A3 landscape, in cm.
A3_CM = (42.0, 29.7)
_STYLE = {KINDS[0]: (COLORS["accent"], 0.55, None), KINDS[1]: (COLORS["highlight"], 0.55, None),
          KINDS[2]: (COLORS["accent3"], 1.0, "////"), KINDS[3]: (COLORS["berlin"], 0.30, None)}


def layers(m: Any) -> list[Layer]:
    """The map layers of the measures: one per kind, its legend text with the number of areas."""
    out = []
    for kind, (color, alpha, hatch) in _STYLE.items():
        part = m.areas[m.areas["art"] == kind]
        label = f"{kind} ({len(part)})" if kind != KINDS[3] else f"{kind} (kuratiert, Kreis der Fläche; {len(part)})"
        out.append(Layer(part, label, color, alpha, hatch, labels="nr" if kind == KINDS[3] else None))
    return out


def _areas(m: Any) -> tuple[Any, Any, list[str]]:
    """The Ortsteile and the outline of the district, or ``None`` and a German line each."""
    from ..geo import boundaries

    missing = []
    try:
        base = boundaries("ortsteil", m.district_id)
    except DataNotAvailableError:
        base = None
        missing.append("Ortsteilgrenzen fehlen: lichtenberg-data refresh ortsteile")
    try:
        outline = boundaries("bezirk", m.district_id)
    except DataNotAvailableError:
        outline = None
        missing.append("Bezirksgrenze fehlt: lichtenberg-data refresh bezirke")
    return base, outline, missing


def _subtitle(m: Any) -> str:
    """What the map shows, naming only the layers that are loaded, and those that are not."""
    absent = {b.missing for b in m.blocks if b.missing}
    parts = {"bebauungsplaene": f"Bebauungspläne im Verfahren und seit {m.since:%d.%m.%Y} festgesetzt",
             "foerdergebiete": "Fördergebiete der Stadterneuerung"}
    shown = [text for key, text in parts.items() if key not in absent] + ["kuratierte Gewerbegebiete"]
    text = ", ".join(shown)
    if "baufertigstellungen" not in absent:
        text += "; Bauüberhang je Bezirk (nach Ortsteilen nicht veröffentlicht)"
    missing = [name for key, name in (("bebauungsplaene", "Bebauungspläne"), ("foerdergebiete", "Fördergebiete"))
               if key in absent]
    if missing:
        text += f"; nicht geladen: {' und '.join(missing)}"
    return text


def map_figure(m: Any, *, width: str | float = "full", height_cm: float = 15.0) -> Figure:
    """The map of the measures as a chart for the briefing (title, subtitle, source line, sample mark).

    Without the district's outline (dataset ``bezirke``) the map would place the measures on
    nothing: :class:`~lichtenberg_data.DataNotAvailableError` is raised, which the briefing turns
    into a box naming the dataset (the A3 page of ``lichtenberg-data vorhaben`` says it in red).
    """
    from ..geo import boundaries

    boundaries("bezirk", m.district_id)  # raises DataNotAvailableError when it is not loaded
    base, outline, _ = _areas(m)
    sites = m.areas[m.areas["art"] == KINDS[3]]
    key = "; Gewerbegebiete: " + ", ".join(f"{n}: {name}" for n, name in zip(sites["nr"], sites["name"])) \
        if len(sites) else ""
    fig, _ = layer_map(layers(m), base=base, outline=outline, width=width, height_cm=height_cm, legend="below",
                       title=f"Öffentliche und private Vorhaben in {m.district}", subtitle=_subtitle(m) + key,
                       source=m.sources)
    return fig


# --------------------------------------------------------------------------- the A3 page

def _put(fig: Figure, x: float, y: float, text: str, **kw: Any) -> None:
    """Text at ``x`` cm from the left and ``y`` cm from the top of the page."""
    kw.setdefault("color", COLORS["text"])
    fig.text(x / A3_CM[0], 1 - y / A3_CM[1], text, va="top", ha=kw.pop("ha", "left"), linespacing=1.25, **kw)


def _panel(fig: Figure, m: Any, missing: list[str], x: float, y: float, width: float) -> float:
    """The blocks beside the map: title, figures (missing ones in red), source line."""
    for block in m.blocks:
        text, h = _wrapped(block.title, width, 11, "bold")
        _put(fig, x, y, text, fontsize=11, fontweight="bold")
        y += h + 0.1
        for line in block.lines:
            text, h = _wrapped(line, width, 9)
            _put(fig, x, y, text, fontsize=9, color="#C0392B" if block.missing else "#222222")
            y += h + 0.05
        if block.source:
            text, h = _wrapped(block.source, width, 6.8)
            _put(fig, x, y, text, fontsize=6.8, color=COLORS["sample"] if block.sample else COLORS["muted"])
            y += h
        y += 0.45
    for line in missing:
        text, h = _wrapped(line, width, 9)
        _put(fig, x, y, text, fontsize=9, color="#C0392B")
        y += h + 0.05
    return y


def write_map(m: Any, out: str | Path) -> Path:
    """Write the map of the measures with its panel as one A3 landscape PDF page."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    base, outline, missing = _areas(m)
    left, top, map_w, map_h, panel_x = 1.5, 4.2, 25.5, 23.0, 28.3
    with style():
        fig = Figure(figsize=(A3_CM[0] / 2.54, A3_CM[1] / 2.54), layout="none")
        _put(fig, left, 1.2, f"Investitionsmesse · Öffentliche und private Vorhaben · Bezirk {m.district}",
             fontsize=10, color=COLORS["muted"])
        if m.sample:
            _put(fig, A3_CM[0] - left, 1.2, SAMPLE_MARK, fontsize=14, fontweight="bold", color=COLORS["sample"],
                 ha="right")
        _put(fig, left, 1.9, f"Vorhaben in {m.district}", fontsize=22, fontweight="bold")
        sub, h = _wrapped(_subtitle(m), A3_CM[0] - 2 * left, 10.5)
        _put(fig, left, 3.0, sub, fontsize=10.5, color=COLORS["muted"])
        ax = fig.add_axes((left / A3_CM[0], 1 - (top + map_h) / A3_CM[1], map_w / A3_CM[0], map_h / A3_CM[1]))
        chosen = layers(m)
        layer_map(chosen, base=base, outline=outline, ax=ax, legend=None)
        if not any(len(layer.data) for layer in chosen) and base is None:
            ax.text(0.5, 0.5, "Keine Kartendaten geladen (siehe rechts)", ha="center", va="center",
                    transform=ax.transAxes, fontsize=12, color="#C0392B")
        handles = legend_handles(chosen)
        if handles:
            fig.legend(handles=handles, loc="upper left", bbox_to_anchor=(panel_x / A3_CM[0], 1 - top / A3_CM[1]),
                       frameon=False, fontsize=9, title="Karte", title_fontsize=10, alignment="left")
        y = top + 0.9 + 0.75 * len(handles) if handles else top
        if m.sample:
            note, h = _wrapped("BEISPIELDATEN: Teile dieser Seite beruhen auf synthetisch erzeugten Beispieldaten "
                               "(markierte Quellenzeilen), nicht auf amtlichen Angaben.", A3_CM[0] - panel_x - left,
                               9, "bold")
            _put(fig, panel_x, y, note, fontsize=9, fontweight="bold", color=COLORS["sample"])
            y += h + 0.4
        _panel(fig, m, missing, panel_x, y, A3_CM[0] - panel_x - left)
        _put(fig, left, A3_CM[1] - 1.0, f"Erstellt mit lichtenberg_data am {format_date(date.today())}; jede Angabe "
             "mit Quelle und Datum in der Liste (xlsx). Gewerbegebiete als Kreis ihrer veröffentlichten Fläche um einen "
             "Punkt im Gebiet, nicht als Grenze.", fontsize=7.5, color=COLORS["muted"])
        with quiet_font_subsetting(), PdfPages(out) as pdf:
            for line in _save_checked(pdf, fig):
                log.warning("map of the measures %s: %s", out.name, line)
    return out


# --------------------------------------------------------------------------- the list

def write_list(m: Any, out: str | Path) -> Path:
    """Write the list of measures (sheet ``Vorhaben``), the backlog per Bezirk (``Bauüberhang``) and
    the sources, notes and missing datasets (``Hinweise``) as one xlsx file."""
    import pandas as pd

    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    rows = m.rows.rename(columns=COLUMNS)
    notes = [f"Öffentliche und private Vorhaben in {m.district}, Liste vom {format_date(m.today)}"]
    if m.sample:
        notes.append("BEISPIELDATEN: Zeilen mit der Markierung in der Spalte „Beispieldaten“ beruhen auf synthetisch "
                     "erzeugten Beispieldaten, nicht auf amtlichen Angaben.")
    for block in m.blocks:  # what each source gives, or what is missing, and its source line
        notes += [f"{block.title}: {line}" for line in block.lines] + ([block.source] if block.source else [])
    notes += _areas(m)[2]
    notes.append("Bauüberhang: genehmigte, am Stichtag nicht fertiggestellte Bauvorhaben; der Statistische Bericht "
                 "F II 2 weist ihn je Bezirk aus, nicht je Ortsteil.")
    with pd.ExcelWriter(out, engine="openpyxl", datetime_format="DD.MM.YYYY", date_format="DD.MM.YYYY") as xl:
        rows.to_excel(xl, sheet_name="Vorhaben", index=False)
        if m.backlog is not None:
            wide = m.backlog.rename(columns={"art": "Art", "year": "Jahr", "date": "Stichtag", "gebiet_id": "Schlüssel",
                                             "gebiet": "Gebiet", "ueberhang": "Bauüberhang insgesamt",
                                             "neubau": "davon Neubau", "unter_dach": "unter Dach",
                                             "nicht_unter_dach": "noch nicht unter Dach",
                                             "nicht_begonnen": "noch nicht begonnen",
                                             "erloschen": "erloschene Genehmigungen",
                                             "anteil_nicht_begonnen_prozent": "Anteil noch nicht begonnen (%)"})
            wide.to_excel(xl, sheet_name="Bauüberhang", index=False)
        pd.DataFrame({"Hinweise und Quellen": notes}).to_excel(xl, sheet_name="Hinweise", index=False)
        for sheet in xl.book.worksheets:
            for col in sheet.columns:
                longest = max((len(str(c.value)) for c in col if c.value is not None), default=8)
                sheet.column_dimensions[col[0].column_letter].width = min(60, max(10, longest + 2))
    return out


def write(m: Any, out_dir: str | Path) -> tuple[Path, Path]:
    """Write ``Vorhaben-<Bezirk>.pdf`` (A3 map) and ``Vorhaben-<Bezirk>.xlsx`` (list) into ``out_dir``."""
    stem = f"Vorhaben-{m.district.replace(' ', '_')}"
    folder = Path(out_dir)
    return write_map(m, folder / f"{stem}.pdf"), write_list(m, folder / f"{stem}.xlsx")

