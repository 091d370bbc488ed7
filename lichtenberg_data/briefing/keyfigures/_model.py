"""What a key figure is, and its value for one district.

A :class:`KeyFigure` is declared once (in the section modules of this package): its id, German
label, unit, section, the datasets it rests on, how its table is built from the topic packages
(``build``) and how that table becomes the long form every figure shares (``rows``: one row per
area and period with ``gebiet_id``, ``gebiet``, ``zeit``, ``wert``). :func:`evaluate` turns the
long form into the values the paper prints and the findings compare: the district's current
value and the previous *available* one with both periods, Berlin's (or another reference
area's) values of the same periods, every Bezirk's values of the same periods (ranks and
comparison Bezirke), and the district's whole series (goals).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from ..._formats import is_missing
from ...names import BERLIN_ID, BEZIRKE

__all__ = ["Ctx", "KeyFigure", "evaluate", "when_text", "year_of", "long_form", "year_end"]


@dataclass(frozen=True)
class Ctx:
    """The district a figure is computed for and the briefing year (periods after it are left out)."""

    district: str
    district_id: str
    year: int | None = None


@dataclass(frozen=True)
class KeyFigure:
    """One key figure, declared once for the paper, the findings, the goals and the CLI.

    Attributes
    ----------
    id
        Short id (``einwohner``), used in notebooks (``briefing.key_figure("einwohner")``), in
        ``ziele.csv`` and by ``lichtenberg-data kennzahlen``.
    section
        The briefing section (a key of :data:`~lichtenberg_data.briefing.SECTIONS`).
    label
        German label of the key-figure table; ``{detail}`` is filled from the table (e.g. the
        name of the district's largest centre).
    datasets
        The datasets the figure rests on (named when one is missing).
    build
        ``build(ctx)`` → the topic table the figure is read from (with provenance).
    rows
        ``rows(table, ctx)`` → long form ``gebiet_id, gebiet, zeit, wert`` (optionally ``sort``,
        the order of the periods when ``zeit`` is a text); ``attrs["detail"]`` fills ``{detail}``.
    unit, decimals
        Unit printed after the value (``"%"``: percent points, changes in Prozentpunkten) and
        decimals shown; changes are computed from the rounded values.
    chart
        Name of the chart (``briefing.mark_chart``) that shows the figure; findings point to it.
    noun
        Subject of a sentence, nominative singular with article (``"Die Zahl der Einwohnerinnen
        und Einwohner"``).
    short
        Noun of a chart title (``"Bevölkerung im erwerbsfähigen Alter"``).
    place
        Where the value is measured, in a sentence; ``{gebiet}`` is the subject area's name,
        ``{detail}`` as in ``label``.
    says
        The kinds of findings the figure gives: ``"change"`` (previous → current), ``"level"``
        (current against the reference, rank and comparison Bezirke) and/or ``"versus"`` (set
        against the figure ``versus`` of the same periods: entries against exits).
    priority
        Weight for the summary page (higher first).
    subject, reference
        ``gebiet_id`` of the area the figure describes (default: the district) and of the area it
        is compared with (default ``"00"``, Berlin; ``"district"``: the district itself;
        ``None``: none).
    reference_name
        How a sentence names the reference: its value (``"dem Berliner Wert"``), where its change
        happened (``"in Berlin"``) and the area as a subject (``"Berlin"``); defaults fit Berlin.
    verbs
        For a count of people: ``("wuchs", "schrumpfte")`` with the area as the subject of the
        sentence (``"Lichtenberg wuchs von … auf … Einwohnerinnen und Einwohner"``); ``counted``
        names what is counted.
    kind
        ``"rate"`` (a share, a ratio, a median: compared with the reference's value) or
        ``"count"`` (adds up over areas: its level is compared by rank, its change with the
        reference's change, never its size with Berlin's).
    versus
        Id of the figure this one is set against in a ``"versus"`` finding (same unit, periods
        and areas; computed with it and carried in its values). In that sentence ``counted`` of
        this figure follows its number (``"Menschen erreichen das Erwerbsalter (werden 15)"``),
        the partner's ``counted`` follows the partner's number (``"verlassen es (werden 65)"``),
        and ``short`` names each in the plural (``"Eintritte ins Erwerbsalter"``, ``"Austritte"``).
    assumption
        For a model's figure: the sentence stating its assumption, ending each of its findings
        (``{detail}`` as in ``label``).
    """

    id: str
    section: str
    label: str
    datasets: tuple[str, ...]
    build: Callable[[Ctx], Any]
    rows: Callable[[Any, Ctx], pd.DataFrame]
    unit: str = ""
    decimals: int = 0
    chart: str | None = None
    noun: str = ""
    short: str = ""
    place: str = "in {gebiet}"
    says: tuple[str, ...] = ("level",)
    priority: int = 50
    subject: str | None = None
    reference: str | None = BERLIN_ID
    reference_name: tuple[str, str, str] = ("dem Berliner Wert", "in Berlin", "Berlin")
    verbs: tuple[str, str] | None = None
    counted: str = ""
    kind: str = "rate"
    versus: str | None = None
    assumption: str = ""

    def subject_id(self, ctx: Ctx) -> str:
        return self.subject or ctx.district_id

    def reference_id(self, ctx: Ctx) -> str | None:
        return ctx.district_id if self.reference == "district" else self.reference


def when_text(value: Any) -> str | None:
    """A period as text: ISO date (``2025-12-31``) for dates, ``2025`` for years, else as given."""
    if is_missing(value):
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def year_of(value: Any) -> int | None:
    """The year of a period (a date, a year or a text naming one)."""
    if value is None:
        return None
    if hasattr(value, "year"):
        return int(value.year)
    if isinstance(value, (int, float)) or hasattr(value, "item"):
        return int(value)
    m = re.search(r"(\d{4})", str(value))
    return int(m.group(1)) if m else None


def _number(value: Any) -> float | int | None:
    if is_missing(value):
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    value = float(value)
    return int(value) if value.is_integer() and abs(value) < 2**53 else value


def _normalise(table: pd.DataFrame, fig: KeyFigure, ctx: Ctx) -> pd.DataFrame:
    missing = {"gebiet_id", "gebiet", "zeit", "wert"} - set(table.columns)
    if missing:
        raise ValueError(f"key figure {fig.id}: rows() gave no column(s) {sorted(missing)}")
    out = table.copy()
    out["gebiet_id"] = out["gebiet_id"].astype(str)
    out["wert"] = pd.to_numeric(out["wert"], errors="coerce")
    out = out[out["wert"].notna()]
    if "sort" not in out.columns:
        out["sort"] = out["zeit"]
    if ctx.year is not None:
        years = out["sort"].map(year_of)
        out = out[years.isna() | (years <= ctx.year)]
    out["when"] = out["zeit"].map(when_text)
    return out


def _values(rows: pd.DataFrame) -> dict[tuple[str, str], Any]:
    """Each area's value per period, ``(gebiet_id, when) → wert`` (the last row of a period):
    looked up for the reference and every Bezirk at two periods (one pass, not 26 filters)."""
    return dict(zip(zip(rows["gebiet_id"], rows["when"]), rows["wert"]))


def _at(values: dict[tuple[str, str], Any], area: str, when: str | None) -> float | int | None:
    if when is None:
        return None
    hit = values.get((area, when), _NONE)
    return None if hit is _NONE else _number(hit)


_NONE = object()


def evaluate(fig: KeyFigure, table: pd.DataFrame, ctx: Ctx) -> dict[str, Any]:
    """The values of ``fig`` for ``ctx.district`` from its long form ``table``.

    Returns
    -------
    dict
        ``current``, ``previous``, ``when``, ``previous_when`` (the subject's latest and previous
        available values), ``subject`` / ``subject_id``, ``reference`` (``id``, ``name``,
        ``current``, ``previous`` at the same periods, or ``None``), ``bezirke`` (per Bezirk id:
        ``name``, ``current``, ``previous`` at the same periods) and ``series`` (the subject's
        ``[when, value]`` pairs, oldest first).

    Raises
    ------
    LookupError
        The table holds no value for the subject area.
    """
    rows = _normalise(table, fig, ctx)
    subject_id = fig.subject_id(ctx)
    own = rows[rows["gebiet_id"] == subject_id].sort_values("sort", kind="stable")
    own = own.drop_duplicates("when", keep="last")
    if own.empty:
        raise LookupError(f"key figure {fig.id}: no value for {ctx.district} ({subject_id})")
    cur = own.iloc[-1]
    prev = own.iloc[-2] if len(own) > 1 else None
    when, previous_when = cur["when"], (prev["when"] if prev is not None else None)
    reference = None
    values = _values(rows)
    ref_id = fig.reference_id(ctx)
    if ref_id is not None and ref_id != subject_id:
        ref_rows = rows[rows["gebiet_id"] == ref_id]
        if len(ref_rows):
            reference = {"id": ref_id, "name": str(ref_rows["gebiet"].iloc[-1]),
                         "current": _at(values, ref_id, when), "previous": _at(values, ref_id, previous_when)}
    bezirke = {}
    for bid in sorted(set(rows["gebiet_id"]) & set(BEZIRKE)):
        value = _at(values, bid, when)
        if value is not None:
            bezirke[bid] = {"name": BEZIRKE[bid], "current": value, "previous": _at(values, bid, previous_when)}
    return {
        "current": _number(cur["wert"]), "previous": _number(prev["wert"]) if prev is not None else None,
        "when": when, "previous_when": previous_when,
        "subject": str(cur["gebiet"]), "subject_id": subject_id,
        "reference": reference, "bezirke": bezirke,
        "series": [[w, _number(v)] for w, v in zip(own["when"], own["wert"])],
    }


def long_form(table: pd.DataFrame, value: str, time: str, *, where: dict[str, Any] | None = None,
              id_col: str = "gebiet_id", name_col: str = "gebiet", detail: str = "") -> pd.DataFrame:
    """The long form ``gebiet_id, gebiet, zeit, wert`` of a topic table with one row per area and
    period (rows matching ``where`` only)."""
    rows = table
    for col, val in (where or {}).items():
        rows = rows[rows[col] == val]
    out = pd.DataFrame({"gebiet_id": rows[id_col].astype(str).to_numpy(), "gebiet": rows[name_col].to_numpy(),
                        "zeit": rows[time].to_numpy(), "wert": rows[value].to_numpy()})
    out.attrs["detail"] = detail
    return out


def year_end(years: pd.Series) -> pd.Series:
    """31 December of each year (the Einwohnerregister's reference date)."""
    return pd.to_datetime(years.astype(int).astype(str) + "-12-31")
