"""Findings in words: one German sentence per key figure and comparison, built from the data.

Each :class:`Finding` states a key figure with its period and its comparison – the previous
available value (gestiegen / gesunken / unverändert), the reference area (über / unter dem
Berliner Wert), the rank among the twelve Bezirke and the comparison Bezirke, or the figure it
is set against (mehr / weniger Eintritte als Austritte, and how many per 100) – in plain
statistical German; a model's finding ends with its assumption. The words are chosen by the values as printed (see :mod:`._wording`); no
sentence names a cause. A key figure resting on generated sample data gives no finding.

:func:`build` makes every finding of a briefing from the key figures the notebooks handed over
and picks the summary ("Das Wichtigste in Kürze") and the Kernaussagen of each section;
:func:`headline` gives a chart the title its finding says (``"Lichtenberg wächst schneller als
Berlin"``), so the title changes when the data do.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

import lichtenberg_data.briefing._wording as w

from ..charts.formats import format_number, format_percent
from .keyfigures import FIGURES, KeyFigure, published

__all__ = ["Finding", "Findings", "figure_findings", "build", "headline", "SUMMARY_MAX", "SECTION_MAX"]

#: At most this many sentences on the summary page, and per section's Kernaussagen.
SUMMARY_MAX, SECTION_MAX = 10, 5
_SECTIONS = ("ueberblick", "fachkraefte", "einzelhandel", "gewerbe", "tourismus")


@dataclass
class Finding:
    """One sentence of the paper with what it rests on."""

    text: str
    section: str
    figures: list[str]
    numbers: dict[str, float]
    chart: str | None
    priority: float
    kind: str
    title: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Findings:
    """Every finding of a briefing, the summary's choice and each section's Kernaussagen."""

    all: list[Finding] = field(default_factory=list)
    summary: list[Finding] = field(default_factory=list)
    sections: dict[str, list[Finding]] = field(default_factory=dict)


# ---------------------------------------------------------------------------- pieces

def _place(fig: KeyFigure, entry: dict[str, Any]) -> str:
    return fig.place.format(gebiet=entry.get("subject") or "", detail=entry.get("detail") or "")


def _noun(fig: KeyFigure, entry: dict[str, Any]) -> str:
    return fig.noun.format(detail=entry.get("detail") or "")


def _words(*parts: str) -> str:
    return " ".join(p for p in parts if p)


def _end(text: str) -> str:
    """The sentence with its full stop (one, also after an abbreviation such as ``Pp.``)."""
    text = text.rstrip()
    return text if text.endswith(".") else text + "."


def _fmt(fig: KeyFigure, value: Any) -> str:
    return w.value_text(value, fig.unit, fig.decimals)


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " und " + items[-1]


def _peer_values(entry: dict[str, Any], peers: list[str] | None, key: str = "current") -> list[tuple[str, Any]]:
    bezirke = entry.get("bezirke") or {}
    if not peers or entry.get("subject_id") not in bezirke:
        return []
    return [(bezirke[p]["name"], bezirke[p][key]) for p in peers
            if p in bezirke and p != entry.get("subject_id") and bezirke[p].get(key) is not None]


def _reference_change(fig: KeyFigure, entry: dict[str, Any]) -> float | None:
    ref = entry.get("reference") or {}
    if ref.get("current") is None or ref.get("previous") is None:
        return None
    return w.change(ref["current"], ref["previous"], fig.unit, fig.decimals)


def _change_comparison(fig: KeyFigure, own: float, ref: float) -> str:
    """`` – stärker als in Berlin (+3,8 %)`` and the like."""
    level_name, where, name = fig.reference_name
    where = name if fig.verbs else where
    text = w.change_text(ref, fig.unit, fig.decimals)
    if own * ref > 0:
        if abs(own) > abs(ref):
            return f" – stärker als {where} ({text})"
        if abs(own) < abs(ref):
            return f" – schwächer als {where} ({text})"
        return f" – ebenso stark wie {where} ({text})"
    if fig.verbs:
        if ref == 0:
            return f" – {name} blieb unverändert"
        return f" – {name} {fig.verbs[0] if ref > 0 else fig.verbs[1]} ({text})"
    if ref == 0:
        return f" – {where} blieb der Wert unverändert"
    moved = "gestiegen" if ref > 0 else "gesunken"
    return f"; {where} ist der Wert {moved} ({text})" if own == 0 else f" – {where} ist der Wert dagegen {moved} ({text})"


# ---------------------------------------------------------------------------- sentences

def _change(fig: KeyFigure, entry: dict[str, Any], peers: list[str] | None) -> Finding | None:
    if entry.get("previous") is None or entry.get("previous_when") is None:
        return None
    d, unit = fig.decimals, fig.unit
    cur, prev = w.rounded(entry["current"], d), w.rounded(entry["previous"], d)
    word = w.direction(cur, prev, d)
    own = w.change(cur, prev, unit, d)
    numbers: dict[str, float] = {"previous": prev, "current": cur}
    size = ""
    if own is not None:
        numbers["change"] = own
        size = "um " + (format_number(abs(own), d) + " Prozentpunkte" if unit.strip() == "%"
                        else format_percent(abs(own), 1))
    ref = _reference_change(fig, entry)
    comparison = ""
    if ref is not None and own is not None:
        numbers["reference_change"] = ref
        comparison = _change_comparison(fig, own, ref)
    pw, cw = w.period(entry["previous_when"]), w.period(entry["when"])
    place = _place(fig, entry)
    if word == "unverändert":
        text = _words(_noun(fig, entry), "ist", place, f"von {pw} bis {cw} mit {_fmt(fig, cur)} unverändert geblieben") + comparison
    elif fig.verbs:
        verb = fig.verbs[0] if word == "gestiegen" else fig.verbs[1]
        text = (f"{entry['subject']} {verb} von {_fmt(fig, prev)} ({pw}) auf {_fmt(fig, cur)} {fig.counted} ({cw}), "
                f"{size}{comparison}")
    else:
        text = _words(_noun(fig, entry), "ist", place, f"von {_fmt(fig, prev)} ({pw}) auf {_fmt(fig, cur)} ({cw}) {word},",
                      size) + comparison
    changes = []
    for name, before in _peer_values(entry, peers, "previous"):
        after = entry["bezirke"][_peer_id(entry, name)]["current"]
        c = w.change(after, before, unit, d)
        if c is not None:
            changes.append(f"{name} {w.change_text(c, unit, d)}")
            numbers[f"peer:{name}"] = c
    if changes:
        text += f"; ähnliche Bezirke: {', '.join(changes)}"
    priority = fig.priority + (5 if ref is not None else 0)
    return Finding(_end(text), fig.section, [fig.id], numbers, fig.chart, priority, "change",
                   _change_title(fig, entry, word, own, ref))


def _peer_id(entry: dict[str, Any], name: str) -> str:
    return next(k for k, v in (entry.get("bezirke") or {}).items() if v["name"] == name)


def _level(fig: KeyFigure, entry: dict[str, Any], peers: list[str] | None) -> Finding | None:
    d = fig.decimals
    cur = w.rounded(entry["current"], d)
    numbers: dict[str, float] = {"current": cur}
    parts = []
    ref = entry.get("reference") or {}
    if fig.kind == "rate" and ref.get("current") is not None:
        word = w.compare_word(cur, ref["current"], d)
        numbers["reference"] = w.rounded(ref["current"], d)
        said = {"über": "über", "unter": "unter", "gleich": "gleichauf mit"}[word]
        parts.append(f"{said} {fig.reference_name[0]} ({_fmt(fig, ref['current'])})")
    bezirke = entry.get("bezirke") or {}
    ranked = entry.get("subject_id") in bezirke and len(bezirke) >= 2
    if ranked:
        position, total, shared = w.rank(cur, [b["current"] for b in bezirke.values()], d)
        numbers.update(rank=position, of=total)
        parts.append(w.ordinal_rank(position, total, shared))
    others = _peer_values(entry, peers)
    if others:
        words = {w.compare_word(cur, v, d) for _, v in others}
        listed = _and([f"{name} ({_fmt(fig, v)})" for name, v in others])
        one = len(others) == 1
        whose = "des ähnlichen Bezirks" if one else "der ähnlichen Bezirke"
        if words == {"über"} or words == {"unter"}:
            parts.append(f"{words.pop()} dem Wert {whose} {listed}")
        elif words == {"gleich"}:
            parts.append(f"gleichauf mit dem Wert {whose} {listed}")
        else:
            parts.append(f"im Bereich der Werte der ähnlichen Bezirke {listed}" if "gleich" in words
                         else f"zwischen den Werten der ähnlichen Bezirke {listed}")
        numbers.update({f"peer:{name}": w.rounded(v, d) for name, v in others})
    if not parts and published(fig.id, str(entry.get("subject_id"))):
        return None  # the note on the published figure states the value
    text = _words(_noun(fig, entry), "lag", _place(fig, entry), w.when_phrase(entry["when"]), "bei", _fmt(fig, cur))
    if parts:
        text += " – " + "; ".join(parts)
    priority = fig.priority + (5 if "reference" in numbers else 0) - (0 if parts else 20)
    if ranked and (numbers["rank"] <= 2 or numbers["rank"] >= numbers["of"] - 1):
        priority += 5
    return Finding(_end(text), fig.section, [fig.id], numbers, fig.chart, priority, "level",
                   _level_title(fig, entry, numbers))


def _per_100(count: float, other: float) -> float | None:
    return w.rounded(count / other * 100, 0) if other else None


def _versus(fig: KeyFigure, entry: dict[str, Any], peers: list[str] | None) -> Finding | None:
    """The figure set against its partner of the same period (entries against exits): both
    numbers, more / fewer, how many per 100 of the partner in the area, Berlin and the
    comparison Bezirke."""
    other = entry.get("versus") or {}
    if other.get("current") is None or other.get("when") != entry.get("when"):
        return None
    partner, d = FIGURES[other["id"]], fig.decimals
    a, b = w.rounded(entry["current"], d), w.rounded(other["current"], d)
    word = w.compare_word(a, b, d)
    more, link = {"über": ("mehr", "als"), "unter": ("weniger", "als"), "gleich": ("gleich viele", "wie")}[word]
    numbers: dict[str, float] = {"current": a, "versus": b}
    text = (f"{_words(_noun(fig, entry), _place(fig, entry), w.when_phrase(entry['when']))}: {_fmt(fig, a)} "
            f"{fig.counted}, {_fmt(fig, b)} {partner.counted} – {more} {fig.short} {link} {partner.short}")
    own = _per_100(a, b)
    if own is not None:
        numbers["per_100"] = own
        text += f": {format_number(own, 0)} je 100"
    ref, other_ref = entry.get("reference") or {}, other.get("reference") or {}
    theirs = None
    if ref.get("current") is not None and other_ref.get("current") is not None:
        theirs = _per_100(w.rounded(ref["current"], d), w.rounded(other_ref["current"], d))
    if theirs is not None:
        numbers["reference_per_100"] = theirs
        text += f" ({fig.reference_name[2]}: {format_number(theirs, 0)} je 100)"
    similar = []
    for name, value in _peer_values(entry, peers):
        versus = (other.get("bezirke") or {}).get(_peer_id(entry, name))
        ratio = _per_100(w.rounded(value, d), w.rounded(versus, d)) if versus is not None else None
        if ratio is not None:
            numbers[f"peer:{name}"] = ratio
            similar.append(f"{name} ({format_number(ratio, 0)})")
    if similar:
        text += f"; ähnliche Bezirke: {_and(similar)}"
    end = re.findall(r"\d{4}", str(entry["when"]))
    title = f"{entry.get('subject')}{' bis ' + end[-1] if end else ''}: {more} {fig.short} {link} {partner.short}"
    return Finding(_end(text), fig.section, [fig.id, partner.id], numbers, fig.chart,
                   fig.priority + (5 if theirs is not None else 0), "versus", title)


def _published_notes(fig: KeyFigure, entry: dict[str, Any]) -> list[Finding]:
    out = []
    cur = w.rounded(entry["current"], fig.decimals)
    for row in published(fig.id, str(entry.get("subject_id"))):
        theirs = float(row["wert"])
        mine = _fmt(fig, cur)
        if theirs == cur:
            text = (f"{row['aussage']} ({row['quelle']}, {row['stand']}); dieses Briefing zählt ebenso {mine} "
                    f"({w.period(entry['when'])}): {row['briefing_zaehlt']}.")
        else:
            text = (f"{row['aussage']} ({row['quelle']}, {row['stand']}); dieses Briefing zählt {mine} "
                    f"({w.period(entry['when'])}): {row['briefing_zaehlt']}. "
                    + row["begruendung"].format(wert=mine))
        out.append(Finding(text, fig.section, [fig.id], {"current": cur, "published": theirs}, fig.chart,
                           fig.priority + 15, "published"))
    return out


def figure_findings(entry: dict[str, Any], peers: list[str] | None = None) -> list[Finding]:
    """The findings of one key figure as the notebooks handed it over (none for sample data,
    a figure without id or without a current value)."""
    fig = FIGURES.get(entry.get("id") or "")
    if fig is None or entry.get("sample") or entry.get("current") is None:
        return []
    out = []
    for kind in fig.says:
        made = {"change": _change, "level": _level, "versus": _versus}[kind](fig, entry, peers)
        if made is not None:
            if fig.assumption:
                made.text += " " + fig.assumption.format(detail=entry.get("detail") or "")
            out.append(made)
    return out + _published_notes(fig, entry)


# ---------------------------------------------------------------------------- titles

def _since(when: Any) -> str:
    """``seit 2020`` for the previous period of a change (a date by its year)."""
    text = w.period(when)
    return f"seit {text[-4:]}" if len(text) == 10 and text[2] == "." else f"seit {text}"


def _change_title(fig: KeyFigure, entry: dict[str, Any], word: str, own: float | None, ref: float | None) -> str:
    name, since = entry.get("subject") or "", _since(entry["previous_when"])
    other = fig.reference_name[2]
    if fig.verbs and own is not None and ref is not None:
        grows = {1: "wächst", -1: "schrumpft", 0: "bleibt gleich"}
        sign = (own > 0) - (own < 0)
        rsign = (ref > 0) - (ref < 0)
        if sign == rsign and sign != 0:
            how = "schneller" if abs(own) > abs(ref) else "langsamer" if abs(own) < abs(ref) else "ebenso schnell"
            return f"{name} {grows[sign]} {since} {how} {'als' if how != 'ebenso schnell' else 'wie'} {other}"
        return f"{name} {grows[sign]} {since}, {other} {grows[rsign]}"
    place = f"{_place(fig, entry)} {_since(entry['previous_when'])}"
    if own is not None and ref is not None and word != "unverändert" and own * ref > 0:
        if abs(own) == abs(ref):
            return _words(fig.short, place, f"ebenso stark {word} wie {fig.reference_name[1]}")
        how = "stärker" if abs(own) > abs(ref) else "schwächer"
        return _words(fig.short, place, f"{how} {word} als {fig.reference_name[1]}")
    return _words(fig.short, place, word)


def _level_title(fig: KeyFigure, entry: dict[str, Any], numbers: dict[str, float]) -> str | None:
    place = _place(fig, entry)
    if "reference" in numbers:
        word = w.compare_word(numbers["current"], numbers["reference"], fig.decimals)
        said = {"über": "über", "unter": "unter", "gleich": "gleichauf mit"}[word]
        return _words(fig.short, place, said, fig.reference_name[0])
    if "rank" in numbers:
        return f"{fig.short}: {entry.get('subject')} auf Rang {int(numbers['rank'])} der {int(numbers['of'])} Bezirke"
    return None


def headline(entry: dict[str, Any] | None, fallback: str = "", kind: str | None = None) -> str:
    """The chart title a key figure's finding says, e.g. ``"Lichtenberg wächst schneller als
    Berlin"``; ``fallback`` where the data say nothing to compare (or rest on sample data).

    Parameters
    ----------
    entry
        What :func:`lichtenberg_data.briefing.key_figure` returned.
    fallback
        The descriptive title used when there is no finding.
    kind
        ``"change"``, ``"level"`` or ``"versus"`` (default: the figure's first kind of finding).
    """
    if not entry:
        return fallback
    found = [f for f in figure_findings(entry) if f.title and (kind is None or f.kind == kind)]
    return found[0].title if found else fallback


# ---------------------------------------------------------------------------- the paper's choice

def _resolve_chart(name: str | None, charts: list[str]) -> str | None:
    if not name:
        return None
    return next((c for c in charts if c == name or c.endswith("-" + name)), None)


def build(figures: list[dict[str, Any]], *, peers: list[str] | None = None,
          charts: list[str] | None = None) -> Findings:
    """Every finding of the key figures handed over, the summary and the Kernaussagen.

    ``charts`` names the charts in the paper: a finding points to its figure's chart only where
    that chart is there; the summary takes findings that point to a chart.
    """
    charts = list(charts or [])
    made: list[Finding] = []
    for entry in figures:
        for finding in figure_findings(entry, peers):
            finding.chart = _resolve_chart(finding.chart, charts)
            made.append(finding)
    ranked = sorted(made, key=lambda f: -f.priority)
    sections: dict[str, list[Finding]] = {}
    for key in _SECTIONS:
        chosen, used = [], set()
        for f in ranked:
            if f.section == key and f.figures[0] not in used and len(chosen) < SECTION_MAX:
                chosen.append(f)
                used.add(f.figures[0])
        if chosen:
            sections[key] = chosen
    summary = _summary([f for f in ranked if f.chart and f.kind != "published"])
    return Findings(all=made, summary=summary, sections=sections)


def _summary(candidates: list[Finding]) -> list[Finding]:
    """Up to :data:`SUMMARY_MAX` findings: the best of each section first, then by priority, one
    per key figure and at most three per section; in section order."""
    chosen: list[Finding] = []
    used: set[str] = set()

    def take(f: Finding) -> None:
        chosen.append(f)
        used.add(f.figures[0])

    for key in _SECTIONS:
        best = next((f for f in candidates if f.section == key), None)
        if best is not None:
            take(best)
    for f in candidates:
        if len(chosen) >= SUMMARY_MAX:
            break
        if f.figures[0] not in used and sum(c.section == f.section for c in chosen) < 3:
            take(f)
    return sorted(chosen, key=lambda f: (_SECTIONS.index(f.section), -f.priority))
