"""The Senate's population forecast per Bezirk (private; public through
:mod:`lichtenberg_data.workforce`)."""

from __future__ import annotations

import pandas as pd

from .._provenance import with_sources
from ._common import _load


def forecast_change(prognose: pd.DataFrame | None = None, variante: str = "mittlere",
                    zieljahr: int = 2040, altersgruppe: str = "insgesamt") -> pd.DataFrame:
    """Residents of the base year and of ``zieljahr`` per Bezirk and Berlin in one variant.

    Parameters
    ----------
    prognose
        The ``bevoelkerungsprognose`` table (default: loaded).
    variante
        ``untere``, ``mittlere`` or ``obere``.
    zieljahr
        The forecast year compared with the base year.
    altersgruppe
        ``insgesamt`` or an age group of the table (e.g. ``15_18``).

    Returns
    -------
    pandas.DataFrame
        ``gebiet_id, gebiet, variante, basisjahr, einwohner_basis, zieljahr, einwohner_ziel,
        veraenderung`` (persons) and ``veraenderung_pct``.

    Examples
    --------
    >>> p = pd.DataFrame({"variante": "mittlere", "ebene": "bezirk", "gebiet_id": "11", "gebiet": "Lichtenberg",
    ...                   "altersgruppe": "insgesamt", "basisjahr": 2024, "jahr": [2024, 2040],
    ...                   "einwohner": [312500.0, 337500.0]})
    >>> forecast_change(p)[["veraenderung", "veraenderung_pct"]].iloc[0].tolist()
    [25000.0, 8.0]
    """
    src = _load(prognose, "bevoelkerungsprognose")
    rows = src[(src["variante"] == variante) & (src["altersgruppe"] == altersgruppe)
               & src["ebene"].isin(["bezirk", "berlin"])]
    if rows.empty:
        raise ValueError(f"the forecast has no rows for variant {variante!r} and age group {altersgruppe!r}")
    base = int(rows["basisjahr"].iloc[0])
    wide = rows.pivot_table(index=["gebiet_id", "gebiet"], columns="jahr", values="einwohner", aggfunc="sum")
    if zieljahr not in wide.columns or base not in wide.columns:
        raise ValueError(f"the forecast has no years {base} and {zieljahr} (years: {list(wide.columns)})")
    out = wide[[base, zieljahr]].set_axis(["einwohner_basis", "einwohner_ziel"], axis=1).reset_index()
    out.insert(2, "variante", variante)
    out.insert(3, "basisjahr", base)
    out.insert(5, "zieljahr", zieljahr)
    out["veraenderung"] = out["einwohner_ziel"] - out["einwohner_basis"]
    out["veraenderung_pct"] = out["veraenderung"] / out["einwohner_basis"] * 100
    return with_sources(out, src)
