"""The goals of the cooperation agreement, tracked: ``<data>/ziele.csv`` and where each stands.

The Wirtschaftsförderung writes what the partners agreed into ``ziele.csv`` in the data folder,
one target per line::

    kennzahl,zielwert,zieljahr,basiswert,basisjahr,anmerkung
    einwohner,320.000,2026,,,Wachstum aus dem Stadtentwicklungsplan

``kennzahl`` is a key-figure id (``lichtenberg-data kennzahlen`` lists them), ``zielwert`` the
value to reach by the end of ``zieljahr``. The baseline is ``basiswert`` in ``basisjahr``; with
``basisjahr`` alone the key figure's own value of that year; with neither the previous available
value of the key figure. A target is *on course* when the current value has come at least as
far as a straight line from the baseline to the target would be at the current value's date.
Numbers may be written ``320000``, ``320.000`` (a point before groups of three digits groups
thousands) or ``5,3`` / ``5.3``; the file may be separated by commas or semicolons.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Any

import lichtenberg_data.briefing._wording as w

from .._errors import BriefingError
from .keyfigures import FIGURES, year_of

__all__ = ["GOALS_FILE", "Target", "GoalState", "GoalsError", "goals_path", "read", "evaluate", "EXAMPLE"]

#: File name of the targets in the data folder.
GOALS_FILE = "ziele.csv"
_REQUIRED = ("kennzahl", "zielwert", "zieljahr")
_OPTIONAL = ("basiswert", "basisjahr", "anmerkung")
#: An example line (shown on the goals page when there is no file).
EXAMPLE = "kennzahl,zielwert,zieljahr,basiswert,basisjahr,anmerkung\neinwohner,320.000,2026,,,Wachstumsziel"


class GoalsError(BriefingError):
    """``ziele.csv`` cannot be used (the message names the line and what to do)."""


@dataclass
class Target:
    """One line of ``ziele.csv``."""

    line: int
    kennzahl: str
    zielwert: float
    zieljahr: int
    basiswert: float | None = None
    basisjahr: int | None = None
    anmerkung: str = ""


@dataclass
class GoalState:
    """Where one target stands: the values of the goals page and its sentence."""

    kennzahl: str
    label: str
    unit: str
    decimals: int
    zielwert: float
    zieljahr: int
    anmerkung: str
    current: float | None = None
    when: str | None = None
    base: float | None = None
    base_when: str | None = None
    expected: float | None = None
    status: str = "fehlt"
    sentence: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def goals_path(data_dir: Path | None = None) -> Path:
    """``<data folder>/ziele.csv``."""
    from ..settings import settings

    return Path(data_dir or settings.data_dir) / GOALS_FILE


def _number(text: str, where: str) -> float:
    raw = text.strip().replace(" ", "").replace("\u202f", "")
    if re.fullmatch(r"[+-]?\d{1,3}(\.\d{3})+(,\d+)?", raw):  # 320.000 or 1.234,5
        raw = raw.replace(".", "").replace(",", ".")
    elif re.fullmatch(r"[+-]?\d+,\d+", raw):
        raw = raw.replace(",", ".")
    try:
        return float(raw)
    except ValueError:
        raise GoalsError(f"{where}: {text!r} is no number. Write it like 320000, 320.000 or 5,3") from None


def _year(text: str, where: str) -> int:
    if not re.fullmatch(r"\s*\d{4}\s*", text or ""):
        raise GoalsError(f"{where}: {text!r} is no year. Write a year like 2026")
    return int(text)


def read(path: Path | None = None) -> list[Target] | None:
    """The targets of ``ziele.csv`` (``None`` when there is no file).

    Raises
    ------
    GoalsError
        One line naming the file, the line and the cause, e.g. a key figure that does not exist
        (with the valid ids).
    """
    path = goals_path() if path is None else Path(path)
    if not path.exists():
        return None
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise GoalsError(f"{path}: not UTF-8 text. Save it as CSV UTF-8 and run again") from None
    lines = [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    if not lines:
        return []
    sep = ";" if lines[0].count(";") > lines[0].count(",") else ","
    reader = csv.DictReader(io.StringIO("\n".join(lines)), delimiter=sep)
    header = [h.strip().lower() for h in reader.fieldnames or []]
    missing = [c for c in _REQUIRED if c not in header]
    unknown = [c for c in header if c not in (*_REQUIRED, *_OPTIONAL)]
    if missing or unknown:
        raise GoalsError(f"{path}: the first line must name the columns {', '.join(_REQUIRED + _OPTIONAL)} "
                         f"(the last three optional); " + (f"missing: {', '.join(missing)}" if missing else
                                                            f"unknown: {', '.join(unknown)}"))
    targets = []
    for number, raw in enumerate(reader, start=2):
        row = {k.strip().lower(): (v or "").strip() for k, v in raw.items() if k}
        where = f"{path.name} line {number}"
        kennzahl = row["kennzahl"]
        if kennzahl not in FIGURES:
            raise GoalsError(f"{where}: unknown key figure {kennzahl!r}; valid ids: {', '.join(FIGURES)} "
                             "(`lichtenberg-data kennzahlen` lists them with their values)")
        base = _number(row["basiswert"], where) if row.get("basiswert") else None
        base_year = _year(row["basisjahr"], where) if row.get("basisjahr") else None
        if base is not None and base_year is None:
            raise GoalsError(f"{where}: basiswert {row['basiswert']} needs its basisjahr")
        targets.append(Target(number, kennzahl, _number(row["zielwert"], where), _year(row["zieljahr"], where),
                              base, base_year, row.get("anmerkung", "")))
    return targets


def _t(when: Any) -> float | None:
    """A period as a point in time (years, fractional): a date as it is, a year or a month at its end."""
    text = str(when or "").split("–")[-1]
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text)
    if m:
        d = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        return d.year + d.timetuple().tm_yday / (366 if d.year % 4 == 0 else 365)
    m = re.fullmatch(r"(\d{2})/(\d{4})", text)
    if m:
        return int(m.group(2)) + int(m.group(1)) / 12
    m = re.fullmatch(r"(\d{4})", text)
    return int(m.group(1)) + 1.0 if m else None


def _status(up: bool, current: float, expected: float, target: float, past: bool) -> str:
    reached = current >= target if up else current <= target
    if reached:
        return "erreicht"
    if past:
        return "nicht erreicht"
    return "auf Kurs" if (current >= expected if up else current <= expected) else "nicht auf Kurs"


_SAYS = {"erreicht": "das Ziel ist erreicht.",
         "auf Kurs": "die Kennzahl liegt auf Kurs.",
         "nicht auf Kurs": "die Kennzahl liegt hinter dieser Linie: nicht auf Kurs.",
         "nicht erreicht": "das Zieljahr ist vorbei, das Ziel ist nicht erreicht."}


def evaluate(targets: list[Target], figures: list[dict[str, Any]]) -> list[GoalState]:
    """Where each target stands, from the key figures the notebooks handed over."""
    by_id = {f["id"]: f for f in figures if f.get("id")}
    out = []
    for target in targets:
        fig = FIGURES[target.kennzahl]
        d = fig.decimals
        entry = by_id.get(target.kennzahl)
        state = GoalState(fig.id, (entry or {}).get("label") or fig.label.format(detail="").replace(" ()", ""),
                          fig.unit, d, target.zielwert, target.zieljahr, target.anmerkung)
        goal = w.value_text(target.zielwert, fig.unit, d)
        if entry is None or entry.get("sample") or entry.get("current") is None:
            why = "beruht nur auf Beispieldaten" if entry and entry.get("sample") else \
                f"fehlt in diesem Briefing (sie braucht: {', '.join(fig.datasets)})"
            state.sentence = f"{state.label}: Ziel {goal} bis {target.zieljahr}; die Kennzahl {why}."
            out.append(state)
            continue
        state.current, state.when = entry["current"], entry["when"]
        if target.basiswert is not None:
            state.base, state.base_when, note = target.basiswert, str(target.basisjahr), ""
        elif target.basisjahr is not None:
            series = entry.get("series") or []
            hits = [(wh, v) for wh, v in series if year_of(wh) == target.basisjahr]
            state.base_when, state.base = hits[-1] if hits else (None, None)
            years = ", ".join(sorted({str(year_of(wh)) for wh, _ in series}))
            note = "" if hits else f"keine Angabe für das Basisjahr {target.basisjahr} (vorhanden: {years})"
        else:
            state.base, state.base_when = entry.get("previous"), entry.get("previous_when")
            note = ", der vorige verfügbare Wert"
        cur, target_value = w.rounded(state.current, d), w.rounded(target.zielwert, d)
        t_now, t_goal = _t(state.when), target.zieljahr + 1.0
        if state.base is None or _t(state.base_when) is None or t_now is None:
            state.status = "ohne Basis"
            why = f" ({note})" if note.startswith("keine") else ""
            state.sentence = (f"{state.label}: Ziel {goal} bis {target.zieljahr}; Stand {w.period(state.when)}: "
                              f"{w.value_text(cur, fig.unit, d)}. Ohne Basiswert{why} lässt sich kein Kurs prüfen: "
                              "basiswert und basisjahr in ziele.csv eintragen.")
            out.append(state)
            continue
        base, t_base = w.rounded(state.base, d), _t(state.base_when)
        share = 1.0 if t_goal <= t_base else min(max((t_now - t_base) / (t_goal - t_base), 0.0), 1.0)
        state.expected = base + (target_value - base) * share
        expected = w.rounded(state.expected, d)
        state.status = _status(target_value >= base, cur, expected, target_value, t_now >= t_goal)
        state.sentence = (f"{state.label}: Ziel {goal} bis {target.zieljahr} (Basis {w.value_text(base, fig.unit, d)}, "
                          f"{w.period(state.base_when)}{note}). Stand {w.period(state.when)}: "
                          f"{w.value_text(cur, fig.unit, d)}; auf der geraden Linie von der Basis zum Ziel wären es "
                          f"{w.value_text(expected, fig.unit, d)} – {_SAYS[state.status]}")
        out.append(state)
    return out
