"""The key figures of the briefing, declared once: the paper, the findings, the goals and the CLI share them.

Each :class:`KeyFigure` has an id (``einwohner``, ``arbeitslosigkeit``, …), a German label, a
unit, a section, the datasets it rests on and the function computing it for a district from the
topic packages (``ld.workforce``, ``ld.retail``, ``ld.business``, ``ld.land``, ``ld.tourism``). The
declarations live in one module per part of the paper (:mod:`._people`, :mod:`._future`,
:mod:`._places`, :mod:`._business`, :mod:`._construction`, :mod:`._visitors`).

>>> from lichtenberg_data.briefing import keyfigures
>>> keyfigures.get("einwohner").label
'Einwohnerinnen und Einwohner'

Notebooks hand a figure to the briefing with ``briefing.key_figure("einwohner")``;
``lichtenberg-data kennzahlen`` lists every figure with its current value (:func:`listing`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import partial
from typing import Any

from ..._errors import DataNotAvailableError
from ...names import BEZIRKE, bezirk_id
from ._business import FIGURES as _BUSINESS
from ._construction import FIGURES as _CONSTRUCTION
from ._future import FIGURES as _FUTURE
from ._model import Ctx, KeyFigure, evaluate, when_text, year_of
from ._people import FIGURES as _PEOPLE
from ._places import FIGURES as _PLACES
from ._visitors import FIGURES as _VISITORS

__all__ = ["KeyFigure", "Ctx", "Computed", "FIGURES", "YEAR_VAR", "get", "ids", "context", "compute",
           "listing", "published", "evaluate", "when_text", "year_of"]

#: Environment variable with the briefing year inside a notebook kernel of a build (periods
#: after it are left out, as the notebooks' own ``YEAR`` filters do).
YEAR_VAR = "LICHTENBERG_BRIEFING_YEAR"

_SECTION_ORDER = ("ueberblick", "fachkraefte", "einzelhandel", "gewerbe", "tourismus")


def _registry() -> dict[str, KeyFigure]:
    out: dict[str, KeyFigure] = {}
    for fig in (*_PEOPLE, *_FUTURE, *_PLACES, *_BUSINESS, *_CONSTRUCTION, *_VISITORS):
        if fig.id in out:
            raise RuntimeError(f"key figure {fig.id!r} is declared twice")
        if fig.id in _SECTION_ORDER or fig.section not in _SECTION_ORDER:
            raise RuntimeError(f"key figure {fig.id!r}: id clashes with a section, or unknown section {fig.section!r}")
        out[fig.id] = fig
    for fig in out.values():
        partner = out.get(fig.versus) if fig.versus else None
        if fig.versus and (partner is None or (partner.unit, partner.section) != (fig.unit, fig.section)):
            raise RuntimeError(f"key figure {fig.id!r}: versus {fig.versus!r} is no figure of the same unit and section")
    return dict(sorted(out.items(), key=lambda kv: _SECTION_ORDER.index(kv[1].section)))


#: Every key figure by id, in the order of the paper's sections.
FIGURES: dict[str, KeyFigure] = _registry()


def ids() -> list[str]:
    """The ids of every key figure, in section order."""
    return list(FIGURES)


def get(figure_id: str) -> KeyFigure:
    """The key figure ``figure_id``; an unknown id raises :class:`KeyError` naming the valid ids."""
    try:
        return FIGURES[figure_id]
    except KeyError:
        raise KeyError(f"unknown key figure {figure_id!r}; valid ids: {', '.join(FIGURES)}") from None


def context(district: Any = None, year: int | None = None) -> Ctx:
    """The district (default ``settings.district``) and year (default: inside a briefing build the
    briefing year, else none) a figure is computed for."""
    from ...settings import settings

    bid = bezirk_id(district if district is not None else settings.district)
    if year is None and os.environ.get(YEAR_VAR, "").strip():
        year = int(os.environ[YEAR_VAR])
    return Ctx(district=BEZIRKE[bid], district_id=bid, year=year)


@dataclass
class Computed:
    """A key figure's values for a district (:attr:`entry`) and the table they were read from
    (:attr:`table`, carrying the provenance)."""

    entry: dict[str, Any]
    table: Any


def _identity(build: Any) -> Any:
    """What makes two build functions one: ``partial(f, "arbeitsort")`` written out for each of
    three figures is one build (a partial compares by identity otherwise)."""
    if isinstance(build, partial):
        key = (build.func, build.args, tuple(sorted(build.keywords.items())))
        try:
            hash(key)
        except TypeError:  # an argument that cannot be a key: the partial itself
            return build
        return key
    return build


def _built(fig: KeyFigure, ctx: Ctx) -> Any:
    """``fig.build(ctx)``, once per data state for every figure built by the same function (the
    three of the shopping centres, a figure and its ``versus``); each caller gets its own copy
    (:func:`~lichtenberg_data._cache.remembered`)."""
    from ..._cache import remembered

    return remembered(_build, _identity(fig.build), ctx)


def _build(identity: Any, ctx: Ctx) -> Any:
    """The table the build function ``identity`` (:func:`_identity`) makes for ``ctx``."""
    if isinstance(identity, tuple):  # a partial, written out
        func, args, keywords = identity
        return func(*args, ctx, **dict(keywords))
    return identity(ctx)


def compute(figure_id: str, table: Any = None, *, district: Any = None, year: int | None = None) -> Computed:
    """Compute key figure ``figure_id`` for ``district``.

    Parameters
    ----------
    figure_id
        A key figure id (:func:`ids`).
    table
        The topic table the figure is read from, when the caller has it already (a notebook that
        drew it); default: built with the figure's own function.
    district, year
        See :func:`context`.

    Raises
    ------
    DataNotAvailableError
        A dataset the figure needs is not loaded, or it holds no value for the district.
    """
    fig = get(figure_id)
    ctx = context(district, year)
    built = _built(fig, ctx) if table is None else table
    long = fig.rows(built, ctx)
    try:
        values = evaluate(fig, long, ctx)
    except LookupError as exc:
        raise DataNotAvailableError(f"{exc}; the datasets it rests on: {', '.join(fig.datasets)}",
                                    dataset=fig.datasets[0] if fig.datasets else None,
                                    lacks=f"keine Angabe für {ctx.district} ({fig.label})") from exc
    detail = long.attrs.get("detail", "")
    entry = {"id": fig.id, "section": fig.section, "label": fig.label.format(detail=detail), "unit": fig.unit,
             "decimals": fig.decimals, "chart": fig.chart, "detail": detail, **values}
    if fig.versus:
        entry["versus"] = _partner(fig, built, ctx)
    return Computed(entry, built)


def _partner(fig: KeyFigure, built: Any, ctx: Ctx) -> dict[str, Any] | None:
    """The values of the figure ``fig`` is set against (:attr:`KeyFigure.versus`): its current
    value and period, the reference's and every Bezirk's current value (``None`` if it has none)."""
    other = get(fig.versus)
    table = built if other.build is fig.build else _built(other, ctx)
    try:
        values = evaluate(other, other.rows(table, ctx), ctx)
    except LookupError:
        return None
    ref = values["reference"]
    return {"id": other.id, "current": values["current"], "when": values["when"],
            "reference": None if ref is None else {"id": ref["id"], "name": ref["name"], "current": ref["current"]},
            "bezirke": {bid: b["current"] for bid, b in values["bezirke"].items()}}


def listing(district: Any = None) -> list[dict[str, Any]]:
    """Every key figure with its current value and date for ``district`` (for
    ``lichtenberg-data kennzahlen``); a figure whose dataset is missing says ``fehlt: <dataset>``,
    one the loaded data give for other Bezirke only (the NUZ) ``keine Angabe für <district>``."""
    rows, cache = [], {}
    ctx = context(district)
    for fig in FIGURES.values():
        row = {"id": fig.id, "section": fig.section, "label": fig.label.format(detail="").replace(" ()", ""),
               "unit": fig.unit, "decimals": fig.decimals, "current": None, "when": None, "previous": None,
               "previous_when": None, "missing": None}
        try:
            key = fig.build
            if key not in cache:
                cache[key] = fig.build(ctx)
            entry = compute(fig.id, cache[key], district=ctx.district, year=ctx.year).entry
            row.update({k: entry[k] for k in ("label", "current", "when", "previous", "previous_when")})
        except DataNotAvailableError as exc:
            dataset = getattr(exc, "dataset", None) or (fig.datasets[0] if fig.datasets else "?")
            lacks = getattr(exc, "lacks", None) or ""
            row["missing"] = f"keine Angabe für {ctx.district}" if lacks.startswith("keine Angabe für") \
                else f"fehlt: {dataset}"
        rows.append(row)
    return rows


def published(figure_id: str, district_id: str) -> list[dict[str, str]]:
    """Published figures of the same thing as key figure ``figure_id`` for a Bezirk, from the
    curated table ``curated/veroeffentlichte_zahlen.csv`` (one row each, with its source): where
    the paper's figure differs, the paper says which it uses and why."""
    import csv
    from importlib import resources

    with resources.files("lichtenberg_data").joinpath("curated/veroeffentlichte_zahlen.csv").open(
            encoding="utf-8", newline="") as fh:
        return [row for row in csv.DictReader(fh) if row["kennzahl"] == figure_id and row["bezirk_id"] == district_id]
