"""The Bezirke most like the district: the comparison that means something besides Berlin.

By default the two Bezirke nearest to the district in population, population density and the
residents' mean MSS status index – each standardised over the twelve Bezirke (mean 0, standard
deviation 1), nearest by Euclidean distance – are the comparison Bezirke of the key-figure
tables and the findings. ``lichtenberg-data briefing --vergleich NAME[,NAME]`` sets them.

The values are those of the key figures ``einwohner``, ``einwohnerdichte`` and ``status_index``
as the notebooks handed them over (every Bezirk's value of the district's latest period), so no
data are loaded here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from ..names import BEZIRKE, bezirk_id

__all__ = ["Comparison", "CRITERIA", "choose", "given", "parse"]

#: The key figures the default choice rests on, with their German names.
CRITERIA = {"einwohner": "Einwohnerzahl", "einwohnerdichte": "Einwohnerdichte",
            "status_index": "mittlerem Status-Index (MSS)"}


@dataclass
class Comparison:
    """The comparison Bezirke (``ids``) and the sentence saying how they were chosen (``rule``)."""

    ids: list[str] = field(default_factory=list)
    rule: str = ""
    given: bool = False

    @property
    def names(self) -> list[str]:
        return [BEZIRKE[i] for i in self.ids]

    def as_dict(self) -> dict[str, Any]:
        return {"bezirke": self.names, "ids": self.ids, "regel": self.rule, "vorgegeben": self.given}


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " und " + names[-1]


def parse(text: str | None) -> list[str]:
    """``"Marzahn-Hellersdorf,09"`` → ``["10", "09"]``; an unknown name raises
    :class:`~lichtenberg_data.UnknownDistrictError` naming the Bezirke."""
    if not text:
        return []
    return list(dict.fromkeys(bezirk_id(part.strip()) for part in str(text).split(",") if part.strip()))


def given(ids: list[str], district_id: str) -> Comparison:
    """The comparison Bezirke set by hand (``--vergleich``)."""
    if district_id in ids:
        raise ValueError(f"--vergleich names {BEZIRKE[district_id]}, the district of the briefing itself; "
                         "name other Bezirke")
    return Comparison(list(ids), f"Vergleichsbezirke (für dieses Briefing vorgegeben): {_and([BEZIRKE[i] for i in ids])}.",
                      given=True)


def choose(figures: list[dict[str, Any]], district_id: str, n: int = 2) -> Comparison:
    """The ``n`` Bezirke nearest to ``district_id`` in the :data:`CRITERIA` key figures.

    Figures resting on sample data are not used. When none of the criteria is at hand the
    comparison is empty and its ``rule`` says why.
    """
    by_id = {f.get("id"): f for f in figures if f.get("id") in CRITERIA and not f.get("sample")}
    used = [k for k in CRITERIA if k in by_id and len(by_id[k].get("bezirke") or {}) >= 3]
    if not used:
        return Comparison([], "Vergleichsbezirke: nicht bestimmt, weil Einwohnerzahl, Einwohnerdichte und "
                              "Status-Index der Bezirke fehlen; verglichen wird mit Berlin.")
    common = set(BEZIRKE)
    for key in used:
        common &= set(by_id[key]["bezirke"])
    if district_id not in common:
        return Comparison([], f"Vergleichsbezirke: nicht bestimmt, weil die Werte für {BEZIRKE[district_id]} fehlen.")
    z: dict[str, list[float]] = {b: [] for b in common}
    for key in used:
        values = {b: float(by_id[key]["bezirke"][b]["current"]) for b in common}
        mean = sum(values.values()) / len(values)
        sd = math.sqrt(sum((v - mean) ** 2 for v in values.values()) / len(values)) or 1.0
        for b in common:
            z[b].append((values[b] - mean) / sd)
    distance = {b: math.dist(z[b], z[district_id]) for b in common if b != district_id}
    ids = sorted(distance, key=lambda b: (distance[b], b))[:n]
    criteria = _and([CRITERIA[k] for k in used])
    rule = (f"Vergleichsbezirke: {_and([BEZIRKE[i] for i in ids])} – die {len(ids)} Bezirke, die {BEZIRKE[district_id]} "
            f"nach {criteria} am ähnlichsten sind (kleinster Abstand der über die {len(common)} Bezirke "
            "standardisierten Werte).")
    return Comparison(ids, rule)
