"""Construction per Bezirk: what was completed, and the backlog (Bauüberhang) approved but not yet completed.

From the ``baufertigstellungen`` table (Statistischer Bericht F II 2, Tab. 16-18; see
:mod:`lichtenberg_data.sources.construction`). The report gives the backlog per Bezirk at
31 December, not per Ortsteil. ``ld.construction`` is this module.

=====================  ===================================================================
function               what
=====================  ===================================================================
completions            completed buildings per year, Bezirk and Berlin (also ``ld.land.completions``)
backlog                per year and Bezirk (and Berlin): the backlog of one kind with its
                       states (unter Dach, noch nicht unter Dach, noch nicht begonnen),
                       expired permits and the share not yet begun
=====================  ===================================================================

Kinds: ``wohnungen`` (dwellings in residential buildings, Tab. 17), ``wohnbauvorhaben``
(residential projects, Tab. 16), ``nichtwohnbauvorhaben`` (non-residential projects, Tab. 18).
The total (``ueberhang``) includes work on existing buildings; the states are given for new
buildings only (``neubau`` = ``unter_dach`` + ``nicht_unter_dach`` + ``nicht_begonnen``).
"""

from __future__ import annotations

import pandas as pd

from .._provenance import with_sources

__all__ = ["COMPLETION_KINDS", "completions", "BACKLOG_KINDS", "backlog"]

#: Kinds of building of :func:`completions` and the measure each is counted by.
COMPLETION_KINDS = {"nichtwohngebaeude": "fertigstellung_neubau", "wohngebaeude": "fertigstellung_neubau",
                    "wohn_und_nichtwohnbau": "fertigstellung"}
_COMPLETION_VALUES = ["gebaeude", "nutzflaeche_m2", "rauminhalt_m3", "kosten_eur", "wohnungen", "wohnflaeche_m2"]

#: Kind -> (gebaeudeart, value column, German label).
BACKLOG_KINDS: dict[str, tuple[str, str, str]] = {
    "wohnungen": ("wohngebaeude", "wohnungen", "Wohnungen in Wohngebäuden"),
    "wohnbauvorhaben": ("wohngebaeude", "gebaeude", "Wohnbauvorhaben"),
    "nichtwohnbauvorhaben": ("nichtwohngebaeude", "gebaeude", "Nichtwohnbauvorhaben"),
}
_MEASURES = {"ueberhang": "ueberhang", "ueberhang_neubau": "neubau", "ueberhang_neubau_unter_dach": "unter_dach",
             "ueberhang_neubau_nicht_unter_dach": "nicht_unter_dach",
             "ueberhang_neubau_nicht_begonnen": "nicht_begonnen", "erloschen_neubau": "erloschen"}


def backlog(baufertigstellungen: pd.DataFrame, kind: str = "wohnungen") -> pd.DataFrame:
    """The backlog of one kind per year, Bezirk and Berlin.

    Parameters
    ----------
    baufertigstellungen
        The ``baufertigstellungen`` table (one or more F II 2 reports).
    kind
        ``"wohnungen"``, ``"wohnbauvorhaben"`` or ``"nichtwohnbauvorhaben"``.

    Returns
    -------
    DataFrame
        ``year``, ``date`` (31.12.), ``gebiet_id`` (``"00"`` Berlin), ``gebiet``, ``ueberhang`` (all,
        incl. work on existing buildings), ``neubau`` and its parts ``unter_dach``,
        ``nicht_unter_dach``, ``nicht_begonnen``, ``erloschen`` (expired permits) and
        ``anteil_nicht_begonnen_prozent`` (share of ``neubau`` not yet begun), with provenance.

    Raises
    ------
    ValueError
        For an unknown kind, or when the table holds no backlog (a report read by an older parser).

    Examples
    --------
    >>> b = backlog(ld.load("baufertigstellungen"), "wohnungen")            # doctest: +SKIP
    >>> b.query("gebiet_id == '11'").set_index("year")["ueberhang"].to_dict()   # doctest: +SKIP
    {2020: 5461.0, 2021: 7627.0, 2022: 8140.0}
    """
    if kind not in BACKLOG_KINDS:
        raise ValueError(f"kind must be one of {', '.join(BACKLOG_KINDS)}, not {kind!r}")
    art, column, _ = BACKLOG_KINDS[kind]
    rows = baufertigstellungen[(baufertigstellungen["gebaeudeart"] == art)
                               & baufertigstellungen["massnahme"].isin(list(_MEASURES))]
    if rows[column].notna().sum() == 0:
        raise ValueError(f"the table holds no Bauüberhang of {BACKLOG_KINDS[kind][2]} (import the F II 2 reports "
                         "again with this version: `lichtenberg-data import baufertigstellungen SB_F02-02-00_*.xlsx`)")
    wide = rows.pivot_table(index=["year", "bezirk_id", "bezirk"], columns="massnahme", values=column, aggfunc="first")
    wide = wide.rename(columns=_MEASURES).reindex(columns=list(_MEASURES.values())).reset_index()
    wide = wide.rename(columns={"bezirk_id": "gebiet_id", "bezirk": "gebiet"})
    wide.columns.name = None
    wide.insert(1, "date", pd.to_datetime(wide["year"].astype(str) + "-12-31"))
    wide["anteil_nicht_begonnen_prozent"] = (wide["nicht_begonnen"] / wide["neubau"] * 100).where(wide["neubau"] > 0)
    wide = wide.sort_values(["year", "gebiet_id"], ignore_index=True)
    return with_sources(wide, baufertigstellungen)


def completions(baufertigstellungen: pd.DataFrame, kind: str = "nichtwohngebaeude") -> pd.DataFrame:
    """Completed buildings per year for each Bezirk and Berlin.

    Parameters
    ----------
    baufertigstellungen
        The ``baufertigstellungen`` table.
    kind
        ``"nichtwohngebaeude"`` (new non-residential buildings), ``"wohngebaeude"`` (new residential
        buildings) or ``"wohn_und_nichtwohnbau"`` (all construction including work on existing buildings).

    Returns
    -------
    DataFrame
        ``year``, ``gebiet_id`` (``"00"`` Berlin), ``gebiet`` and the values in base units
        (``gebaeude``, ``nutzflaeche_m2``, ``rauminhalt_m3``, ``kosten_eur``, ``wohnungen``, ``wohnflaeche_m2``).

    Examples
    --------
    >>> c = completions(ld.load("baufertigstellungen"))                    # doctest: +SKIP
    >>> c.query("gebiet_id == '11' and year == 2022")["nutzflaeche_m2"].item()   # doctest: +SKIP
    60390.0
    """
    if kind not in COMPLETION_KINDS:
        raise ValueError(f"kind must be one of {', '.join(COMPLETION_KINDS)}, not {kind!r}")
    rows = baufertigstellungen[(baufertigstellungen["gebaeudeart"] == kind)
                               & (baufertigstellungen["massnahme"] == COMPLETION_KINDS[kind])]
    out = rows.rename(columns={"bezirk_id": "gebiet_id", "bezirk": "gebiet"})
    out = out[["year", "gebiet_id", "gebiet", *_COMPLETION_VALUES]]
    out = out.sort_values(["year", "gebiet_id"], ignore_index=True)
    return with_sources(out, baufertigstellungen)
