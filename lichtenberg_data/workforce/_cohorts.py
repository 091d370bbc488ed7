"""The future workforce: a transparent cohort ageing of the Einwohnerregister ("Modellrechnung,
keine Prognose"; private, public through :mod:`lichtenberg_data.workforce`).

Arithmetic, per area (the Bezirke and Berlin), from the register's age bands of two years, the
newest ``t`` and ``t - 5``:

1. **Single years of age.** Each band ``[lo, hi)`` (e.g. ``alter_15_18``) is spread evenly over
   its ages: ``N(a) = band / (hi - lo)`` for ``lo <= a < hi``.
2. **The one assumption: the net change of the last five years per age.** For every age ``a >= 5``
   the cohort change ``R(a) = N_t(a) - N_{t-5}(a - 5)`` is the number of people of that cohort
   the area gained (moves in minus moves out, across the Bezirk border) or lost (deaths
   included) while the cohort aged from ``a - 5`` to ``a``. It is assumed to repeat.
3. **Ageing in five-year steps.** ``N_{t+5}(a) = N_t(a - 5) + R(a)`` and
   ``N_{t+10}(a) = N_{t+5}(a - 5) + R(a)``. Ages below 5 (10) at ``t + 5`` (``t + 10``) would need
   births and are left empty; nothing here needs them.

What is reported for a target year ``T = t + h`` (``h`` = 5 or 10):

* **Eintritte** (entries into working age): the residents of ``T`` aged 15 to under ``15 + h`` –
  everyone who turns 15 between ``t`` and ``T`` and lives in the area at ``T``, under the
  assumption. ``eintritte_nur_alterung`` is the same without it (today's 15-h to under
  15-year-olds, ageing only), ``wanderung_eintritte`` the difference the assumption makes.
* **Austritte** (exits): the residents of ``t`` aged ``65 - h`` to under 65 – everyone who turns 65
  by ``T``, as counted in the register today (moves and deaths before the 65th birthday are not
  subtracted; at these ages they are few).
* ``einwohner_15_25`` and ``einwohner_55_65`` of ``T`` (modelled) beside those of ``t``.

For ``h = 10`` the entries are exactly the 15- to under-25-year-olds of ``T`` and the exits the
55- to under-65-year-olds of today. The Bezirke use the LOR of each year (2006 and 2021 alike add
up to the same Bezirk), Berlin is their sum.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._errors import DataNotAvailableError
from .._provenance import with_sources
from ..names import BERLIN_ID, BEZIRKE
from ._common import _load

#: Ages 0 to 109 (the register's last band is 95 to under 110).
MAX_AGE = 110
#: The assumption in German, for subtitles and captions.
ANNAHME = ("Modellrechnung, keine Prognose: Einwohnerregister fortgeschrieben mit dem Saldo der Jahrgänge "
           "{vergleichsjahr}–{basisjahr} je Altersjahr (Zu- und Fortzüge einschließlich Sterbefälle), "
           "als gleichbleibend angenommen")


def _bands(columns: list[str]) -> list[tuple[str, int, int]]:
    """The register's fine age bands among ``columns`` as ``(column, lo, hi)``."""
    from ..sources.population import AGE_BANDS

    out = []
    for band in AGE_BANDS:
        col = f"alter_{band}"
        if col in columns:
            lo, hi = (int(x) for x in band.split("_"))
            out.append((col, lo, hi))
    return out


def single_years(einwohner: pd.DataFrame) -> pd.DataFrame:
    """Residents per year, Bezirk (and Berlin, ``gebiet_id`` "00") and single year of age, each
    band spread evenly over its ages.

    Returns
    -------
    pandas.DataFrame
        Index ``(year, gebiet_id)``, columns the ages 0 … 109 (floats).

    Examples
    --------
    >>> reg = pd.DataFrame({"year": [2025], "planungsraum_id": ["11010101"], "alter_15_18": [30.0]})
    >>> single_years(reg).loc[(2025, "11"), [14, 15, 16, 17, 18]].tolist()
    [0.0, 10.0, 10.0, 10.0, 0.0]
    """
    bands = _bands(list(einwohner.columns))
    if not bands:
        raise ValueError("the register table has no age bands (alter_00_01 … alter_95_110)")
    key = einwohner["bezirk_id"] if "bezirk_id" in einwohner else einwohner["planungsraum_id"].astype(str).str[:2]
    sums = einwohner.assign(gebiet_id=key.astype(str)).groupby(["year", "gebiet_id"])[[b[0] for b in bands]].sum()
    sums = sums[sums.index.get_level_values("gebiet_id").isin(list(BEZIRKE))]
    ages = np.zeros((len(sums), MAX_AGE))
    for col, lo, hi in bands:
        ages[:, lo:hi] += sums[col].to_numpy(dtype=float)[:, None] / (hi - lo)
    out = pd.DataFrame(ages, index=sums.index, columns=range(MAX_AGE))
    berlin = out.groupby(level="year").sum()
    berlin.index = pd.MultiIndex.from_product([berlin.index, [BERLIN_ID]], names=["year", "gebiet_id"])
    return pd.concat([out, berlin]).sort_index()


def _base(ages: pd.DataFrame, base_year: int | None) -> int:
    years = sorted(ages.index.get_level_values("year").unique())
    t = int(base_year if base_year is not None else years[-1])
    if t not in years or t - 5 not in years:
        raise DataNotAvailableError(
            f"the Modellrechnung needs the register of 31.12.{t} and of 31.12.{t - 5} (five years before); the data "
            f"hold {', '.join(map(str, years))}: import EWR…{t - 5}12E_Matrix.csv", dataset="einwohner_lor")
    return t


def cohort_change(einwohner: pd.DataFrame | None = None, base_year: int | None = None) -> pd.DataFrame:
    """The one assumption: the cohort change ``R(a) = N_t(a) - N_{t-5}(a - 5)`` per area and age.

    Returns
    -------
    pandas.DataFrame
        Index ``gebiet_id`` (Bezirke and "00" Berlin), columns the ages 0 … 109 (NaN below 5):
        persons gained (+) or lost (−, deaths included) by the cohort that reached age ``a`` at
        ``t`` in the five years before. ``attrs["base_year"]`` is ``t``.
    """
    src = _load(einwohner, "einwohner_lor")
    ages = single_years(src)
    t = _base(ages, base_year)
    now, before = ages.xs(t, level="year"), ages.xs(t - 5, level="year")
    areas = now.index.intersection(before.index)
    residual = pd.DataFrame(np.nan, index=areas, columns=range(MAX_AGE))
    residual.loc[:, 5:] = now.loc[areas, 5:].to_numpy() - before.loc[areas, :MAX_AGE - 6].to_numpy()
    residual.attrs["base_year"] = t
    return with_sources(residual, src)


def cohort_ageing(einwohner: pd.DataFrame | None = None, base_year: int | None = None,
                  steps: int = 2) -> pd.DataFrame:
    """The register aged in five-year steps with the cohort change of the last five years
    (:func:`cohort_change`).

    Parameters
    ----------
    einwohner
        The ``einwohner_lor`` table (default: loaded); it must hold ``base_year`` and
        ``base_year - 5``.
    base_year
        The register year ``t`` to start from (default: the newest).
    steps
        How many five-year steps (2: ``t + 5`` and ``t + 10``).

    Returns
    -------
    pandas.DataFrame
        Index ``(year, gebiet_id)`` for ``t`` (register) and ``t + 5``, ``t + 10`` … (modelled),
        columns the ages 0 … 109; ages that would need births are NaN. ``attrs["base_year"]``: ``t``.
    """
    src = _load(einwohner, "einwohner_lor")
    residual = cohort_change(src, base_year)
    t = residual.attrs["base_year"]
    now = single_years(src).xs(t, level="year").loc[residual.index]
    frames = {t: now}
    current = now
    for k in range(1, steps + 1):
        nxt = pd.DataFrame(np.nan, index=residual.index, columns=range(MAX_AGE))
        nxt.loc[:, 5:] = current.loc[:, :MAX_AGE - 6].to_numpy() + residual.loc[:, 5:].to_numpy()
        frames[t + 5 * k] = nxt
        current = nxt
    out = pd.concat(frames, names=["year", "gebiet_id"])
    out.attrs["base_year"] = t
    return with_sources(out, src)


def _sum(frame: pd.DataFrame, lo: int, hi: int) -> pd.Series:
    return frame.loc[:, lo:hi - 1].sum(axis=1, min_count=hi - lo)


def working_age_flows(einwohner: pd.DataFrame | None = None, base_year: int | None = None,
                      horizons: tuple[int, ...] = (5, 10)) -> pd.DataFrame:
    """Entries into and exits from working age by ``t + 5`` and ``t + 10``, per Bezirk and Berlin
    (Modellrechnung, keine Prognose; see the module docstring for the arithmetic and definitions).

    Parameters
    ----------
    einwohner
        The ``einwohner_lor`` table (default: loaded); needs the years ``t`` and ``t - 5``.
    base_year
        ``t`` (default: the newest register year).
    horizons
        Years ahead, multiples of 5.

    Returns
    -------
    pandas.DataFrame
        One row per area and horizon: ``ebene`` (bezirk/berlin), ``gebiet_id``, ``gebiet``,
        ``basisjahr``, ``vergleichsjahr`` (t - 5), ``zieljahr``, ``horizont``, ``eintritte``,
        ``eintritte_nur_alterung``, ``wanderung_eintritte``, ``austritte``, ``saldo``
        (entries minus exits), ``einwohner_15_25``, ``einwohner_55_65`` (modelled, ``zieljahr``),
        ``einwohner_15_25_basis``, ``einwohner_55_65_basis`` (register, ``basisjahr``).
        ``attrs["annahme"]``: the assumption in German.
    """
    if any(h % 5 or h <= 0 for h in horizons):
        raise ValueError(f"horizons must be positive multiples of 5 years, got {horizons}")
    model = cohort_ageing(einwohner, base_year, steps=max(horizons) // 5)
    t = model.attrs["base_year"]
    now = model.xs(t, level="year")
    rows = []
    for h in horizons:
        then = model.xs(t + h, level="year")
        part = pd.DataFrame({
            "gebiet_id": now.index, "basisjahr": t, "vergleichsjahr": t - 5, "zieljahr": t + h, "horizont": h,
            "eintritte": _sum(then, 15, 15 + h).to_numpy(),
            "eintritte_nur_alterung": _sum(now, 15 - h, 15).to_numpy(),
            "austritte": _sum(now, 65 - h, 65).to_numpy(),
            "einwohner_15_25": _sum(then, 15, 25).to_numpy(), "einwohner_55_65": _sum(then, 55, 65).to_numpy(),
            "einwohner_15_25_basis": _sum(now, 15, 25).to_numpy(), "einwohner_55_65_basis": _sum(now, 55, 65).to_numpy(),
        })
        rows.append(part)
    out = pd.concat(rows, ignore_index=True)
    out["wanderung_eintritte"] = out["eintritte"] - out["eintritte_nur_alterung"]
    out["saldo"] = out["eintritte"] - out["austritte"]
    out.insert(0, "ebene", np.where(out["gebiet_id"] == BERLIN_ID, "berlin", "bezirk"))
    out.insert(2, "gebiet", out["gebiet_id"].map({**BEZIRKE, BERLIN_ID: "Berlin"}))
    cols = ["ebene", "gebiet_id", "gebiet", "basisjahr", "vergleichsjahr", "zieljahr", "horizont", "eintritte",
            "eintritte_nur_alterung", "wanderung_eintritte", "austritte", "saldo", "einwohner_15_25",
            "einwohner_55_65", "einwohner_15_25_basis", "einwohner_55_65_basis"]
    out = out[cols].sort_values(["horizont", "gebiet_id"], ignore_index=True)
    out = with_sources(out, model)
    out.attrs["annahme"] = ANNAHME.format(vergleichsjahr=t - 5, basisjahr=t)
    return out
