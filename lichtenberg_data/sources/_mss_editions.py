"""The editions of the Monitoring Soziale Stadtentwicklung (SenStadt) and what their columns mean:
one :class:`MssEdition` per report, with the evidence for each mapping, and the canonical indicators.

Used by :mod:`lichtenberg_data.sources.social_monitoring` (the ``mss`` dataset) and the demo samples.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

__all__ = ["MssEdition", "MSS_EDITIONS", "MSS_INDICATORS", "MSS_DOWNLOADED", "SUPPRESSED"]

#: The sources' marker of an uninhabited or suppressed Planungsraum (a missing value).
SUPPRESSED = -9999


@dataclass(frozen=True)
class MssEdition:
    """One edition of the Monitoring Soziale Stadtentwicklung and what its columns mean.

    Attributes
    ----------
    edition
        Year of the report (2021 = data of 31.12.2020).
    lor_version
        ``"2021"`` (542 Planungsräume) or ``"2006"`` (old LOR, 447/448 Planungsräume).
    index
        Source column (``s1`` ... ``s4``) → canonical indicator. Dynamics ``d1`` ... ``d4``
        follow the same numbering (``<indicator>_veraenderung``).
    kontext
        Context indicator number (``k01`` ...) → canonical indicator.
    verified
        Whether the mapping was checked against a real file of this edition in this project.
    evidence
        Where the mapping comes from.
    """

    edition: int
    lor_version: str
    index: Mapping[str, str]
    kontext: Mapping[str, str]
    verified: bool
    evidence: str
    layers: Mapping[str, str] = field(default_factory=dict)

    @property
    def stand(self) -> date:
        """Reference date of the data: 31 December of the year before the report."""
        return date(self.edition - 1, 12, 31)

    @property
    def service_url(self) -> str:
        """The GDI Berlin WFS of this edition."""
        return f"https://gdi.berlin.de/services/wfs/mss_{self.edition}"


_INDEX_2013 = {"s1": "arbeitslosigkeit", "s2": "langzeitarbeitslosigkeit", "s3": "transferbezug",
               "s4": "kinderarmut"}
_INDEX_2019 = {"s1": "arbeitslosigkeit", "s3": "transferbezug", "s4": "kinderarmut"}
_INDEX_2023 = {"s1": "arbeitslosigkeit", "s2": "kinder_alleinerziehend", "s3": "transferbezug",
               "s4": "kinderarmut"}
_KONTEXT = {"k01": "jugendarbeitslosigkeit", "k02": "alleinerziehende_haushalte", "k03": "altersarmut"}


def _layers(edition: int, suffix: str = "542") -> dict[str, str]:
    return {kind: f"mss_{edition}:mss{edition}_{kind}_{suffix}" for kind in ("indexind", "kontextind", "indizes")}


#: The editions and their per-edition column meaning, with the evidence for each mapping.
MSS_EDITIONS: dict[int, MssEdition] = {
    2019: MssEdition(
        2019, "2006", _INDEX_2019, _KONTEXT, verified=False, layers=_layers(2019, "447"),
        evidence=("open-lifeworlds MSS converter reads 2019 and 2021 with the same column list (S2/D2 empty); "
                  "layer names with suffix _447 are inferred from the naming of the other editions, not seen live"),
    ),
    2021: MssEdition(
        2021, "2021", _INDEX_2019, _KONTEXT, verified=True, layers=_layers(2021),
        evidence=("checked on the real WFS exports of MSS 2021 (S2/D2 empty, "
                  "S1 0.7-9 %, S4 up to 49 %), the MSS-2021 Indikatorenheft as summarised in "
                  "tesch-ch/berlin_PLR_data data/monitoring_soziale_stadtentwicklung_2021/README.md "
                  "(S1 Arbeitslosigkeit, S3 Transferbezug, S4 Kinderarmut; KI_01 Jugendarbeitslosigkeit, "
                  "KI_02 Alleinerziehende, KI_03 Altersarmut)"),
    ),
    2023: MssEdition(
        2023, "2021", _INDEX_2023, _KONTEXT, verified=False, layers=_layers(2023),
        evidence=("two independent code bases read the 'Erläuterungen' sheets of the 2023 XLSX tables "
                  "(S1 Arbeitslosigkeit, S2 Kinder und Jugendliche in Alleinerziehenden-Haushalten, "
                  "S3 Transferbezug, S4 Kinderarmut; a third note that claimed S2 = Kinderarmut was "
                  "withdrawn as a misreading); context numbering assumed unchanged from 2021"),
    ),
    2025: MssEdition(
        2025, "2021", _INDEX_2023, _KONTEXT, verified=False, layers=_layers(2025),
        evidence=("assumed as 2023: a 2026 project lists the MSS-2025 index indicators as Arbeitslosigkeit, "
                  "Transferbezug, Kinderarmut, Alleinerziehende; column order and context numbering not checked"),
    ),
}

#: Canonical indicators: German label, unit and definition (abbreviated from the MSS Indikatorenblätter).
MSS_INDICATORS: dict[str, tuple[str, str, str]] = {
    "arbeitslosigkeit": ("Arbeitslosigkeit", "%",
                         "Arbeitslose (SGB II und III) je 100 Einwohner/innen von 15 bis unter 65 Jahren"),
    "langzeitarbeitslosigkeit": ("Langzeitarbeitslosigkeit", "%",
                                 "Langzeitarbeitslose je 100 Einwohner/innen von 15 bis unter 65 Jahren"),
    "transferbezug": ("Transferbezug", "%",
                      "Nicht arbeitslose Empfänger/innen von Leistungen nach SGB II und XII je 100 Einwohner/innen"),
    "kinderarmut": ("Kinderarmut", "%",
                    "Kinder unter 15 Jahren in Bedarfsgemeinschaften nach SGB II je 100 Kinder unter 15 Jahren"),
    "kinder_alleinerziehend": ("Kinder in Alleinerziehenden-Haushalten", "%",
                               "Kinder und Jugendliche in Haushalten Alleinerziehender je 100 unter 18-Jährige"),
    "jugendarbeitslosigkeit": ("Jugendarbeitslosigkeit", "%",
                               "Arbeitslose unter 25 Jahren (SGB II und III) je 100 Einwohner/innen "
                               "von 15 bis unter 25 Jahren"),
    "alleinerziehende_haushalte": ("Alleinerziehende Haushalte", "%",
                                   "Haushalte Alleinerziehender je 100 Haushalte mit Kindern"),
    "altersarmut": ("Altersarmut", "%",
                    "Empfänger/innen von Grundsicherung im Alter je 100 Einwohner/innen ab 65 Jahren"),
    "statusindex": ("Status-Index", "Klasse", "1 hoch, 2 mittel, 3 niedrig, 4 sehr niedrig"),
    "dynamikindex": ("Dynamik-Index", "Klasse", "1 positiv, 3 stabil, 5 negativ"),
}
for _name in list(MSS_INDICATORS):
    if MSS_INDICATORS[_name][1] == "%":
        _label = MSS_INDICATORS[_name][0]
        MSS_INDICATORS[f"{_name}_veraenderung"] = (f"{_label}, Veränderung in zwei Jahren", "Prozentpunkte",
                                                   f"Veränderung des Anteils {_label} gegenüber der Vorausgabe")

#: The editions the catalogue downloads (each a bundle of its three WFS layers).
MSS_DOWNLOADED = (2021, 2023, 2025)
