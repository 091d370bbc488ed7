"""A sample of the IHK business register (current CSV dialect) in the sample city."""

from __future__ import annotations

import numpy as np

from .._readers import SAMPLE_TOKEN

__all__ = ["SAMPLES", "sample_ihk", "sample_ihk_history"]


def sample_ihk(n: int = 20_000, *, seed: int = 3) -> bytes:
    """A sample of the current IHK CSV dialect (comma, dot decimals, quoted fields, NULLs).

    Points fall inside the real Bezirke (:mod:`.points`); the Planungsraum columns are left
    ``NULL`` here (:func:`sample_ihk_history` fills them from the real Planungsräume).
    """
    import numpy as np
    import pandas as pd

    from .points import points as sample_points

    rng = np.random.default_rng(seed)
    pts = sample_points(n, seed=seed)
    branches = [("56101", "5610", "56", "Restaurants mit herkömmlicher Bedienung",
                 "Restaurants, Gaststätten, Imbissstuben, Cafés, Eissalons u. ä.", "Gastronomie"),
                ("47111", "4711", "47", "Supermärkte", "EH m. Waren verschiedener Art, Hauptrichtung Nahrungsmittel",
                 "Einzelhandel (ohne Handel mit Kraftfahrzeugen)"),
                ("55101", "5510", "55", "Hotels", "Hotels, Gasthöfe und Pensionen", "Beherbergung"),
                ("62010", "6201", "62", "Softwareentwicklung", "Programmierungstätigkeiten",
                 "Erbringung von Dienstleistungen der Informationstechnologie"),
                ("43210", "4321", "43", "Elektroinstallation", "Elektroinstallation", "Vorbereitende Baustellenarbeiten"),
                ("68310", "6831", "68", "Immobilienmakler", "Vermittlung von Grundstücken", "Grundstücks- und Wohnungswesen")]
    bands = ["0 Beschäftigte", "1 - 3 Beschäftigte", "4 - 6 Beschäftigte", "7 - 9 Beschäftigte",
             "10 - 19 Beschäftigte", "20 - 49 Beschäftigte", "unbekannt"]
    pick = rng.integers(0, len(branches), n)
    frame = pd.DataFrame({
        "opendata_id": (10_000_000 + np.arange(n) * 7919).astype(str),
        "city": "Berlin", "postcode": rng.integers(10115, 14199, n).astype(str),
        "latitude": pts["latitude"].round(9), "longitude": pts["longitude"].round(9),
        "ihk_branch_id": [branches[i][0] for i in pick], "nace_id": [branches[i][1] for i in pick],
        "branch_top_level_id": [branches[i][2] for i in pick],
        "employees_range": rng.choice(bands, n, p=[0.45, 0.3, 0.1, 0.05, 0.05, 0.03, 0.02]),
        "ihk_branch_desc": [branches[i][3] for i in pick], "nace_desc": [branches[i][4] for i in pick],
        "branch_top_level_desc": [branches[i][5] for i in pick],
        "business_age": rng.integers(0, 40, n).astype(str),
        "business_type": rng.choice(["Kleingewerbetreibender", "im Handelsregister eingetragen"], n),
        "Bezirk": "NULL", "planungsraum_id": "NULL", "Planungsraum": "NULL", "Bezirksregion": "NULL",
        "Prognoseraum": "NULL", "Ortsteil": "NULL",
    })
    frame.loc[0, "ihk_branch_desc"] += f" [BEISPIELDATEN {SAMPLE_TOKEN}]"
    return frame.to_csv(index=False).encode("utf-8")


# =========================================================================== monthly history

#: Monthly rates of the sample history (the real change files of 2023 show about 1-2 % of the
#: register entering and 1 % leaving a month; moves and sector switches are rarer).
ENTRY_RATE, EXIT_RATE, MOVE_RATE, SWITCH_RATE = 0.014, 0.011, 0.002, 0.0005


def _lor_areas():
    """The real LOR 2021 Planungsräume of the snapshot (``None`` without it)."""
    from .. import _geoio
    from .snapshot import SNAPSHOT

    files = sorted((SNAPSHOT / "lor_planungsraeume").glob("*"))
    if not files:
        return None
    return _geoio.normalise_lor(_geoio.read_geofile(files[0]), "planungsraum", "2021")


def _with_areas(frame, areas, rng):
    """Fill Bezirk and the LOR columns from the real Planungsräume, ``NULL`` for ~2 % as in the real rows."""
    from ..geo import assign
    from ..names import BEZIRKE

    if areas is None:
        return frame
    got = assign(frame[["longitude", "latitude"]].astype(float), "planungsraum", areas=areas)
    lookup = areas.set_index("planungsraum_id")
    plr = got["planungsraum_id"]
    known = plr.notna() & (rng.random(len(frame)) > 0.02)
    frame["planungsraum_id"] = plr.where(known, "NULL")
    frame["Planungsraum"] = plr.map(lookup["planungsraum"]).where(known, "NULL")
    frame["Bezirksregion"] = plr.map(lookup["bezirksregion"]).where(known, "NULL")
    frame["Prognoseraum"] = plr.map(lookup["prognoseraum"]).where(known, "NULL")
    frame["Bezirk"] = plr.str[:2].map(BEZIRKE).where(known, "NULL")
    return frame


def _months_back(count: int, end: tuple[int, int]) -> list[tuple[int, int]]:
    year, month = end
    out = []
    for _ in range(count):
        out.append((year, month))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return out[::-1]


def sample_ihk_history(months: int = 14, n: int = 15_000, *, seed: int = 5,
                       end: tuple[int, int] | None = None) -> dict[str, bytes]:
    """A monthly history of the IHK register: ``{"IHKBerlin_Gewerbedaten_MM-YYYY.csv": bytes}``.

    The first month is :func:`sample_ihk`; each later month drops about 1.1 % of the businesses,
    adds about 1.4 % new ones (mostly young, some decades old: "new in the register" is not a
    founding), moves 0.2 % to another point of Berlin and switches 0.05 % to another branch. Points
    lie in the real Bezirke and carry the real Planungsraum keys (2 % ``NULL`` as in real files).
    The months end with ``end`` (default: the current month, as IHK's live file is this month's).
    """
    import io
    from datetime import date

    import pandas as pd

    rng = np.random.default_rng(seed)
    today = date.today()
    keys = _months_back(months, end or (today.year, today.month))
    areas = _lor_areas()
    base = _with_areas(pd.read_csv(io.BytesIO(sample_ihk(n, seed=seed)), dtype=str, keep_default_na=False),
                       areas, rng)
    next_id = 90_000_000
    out: dict[str, bytes] = {}
    frame = base
    for i, (year, month) in enumerate(keys):
        if i:
            frame = frame[rng.random(len(frame)) >= EXIT_RATE].reset_index(drop=True)
            frame = _move_and_switch(frame, areas, rng, seed + i)
            k = int(rng.poisson(ENTRY_RATE * len(base)))
            new = pd.read_csv(io.BytesIO(sample_ihk(max(k, 1), seed=seed * 100 + i)), dtype=str, keep_default_na=False)
            new["opendata_id"] = [str(next_id + j) for j in range(len(new))]
            next_id += len(new)
            new["business_age"] = np.where(rng.random(len(new)) < 0.85, rng.integers(0, 2, len(new)),
                                           rng.integers(2, 35, len(new))).astype(str)
            frame = pd.concat([frame, _with_areas(new, areas, rng)], ignore_index=True)
        if not frame["ihk_branch_desc"].str.contains(SAMPLE_TOKEN, regex=False).any():
            frame.loc[0, "ihk_branch_desc"] += f" [BEISPIELDATEN {SAMPLE_TOKEN}]"
        out[f"IHKBerlin_Gewerbedaten_{month:02d}-{year}.csv"] = frame.to_csv(index=False).encode("utf-8")
    return out


def _move_and_switch(frame, areas, rng, seed):
    """Move a few businesses to new points and switch a few to another branch."""
    from .points import points as sample_points

    movers = np.flatnonzero(rng.random(len(frame)) < MOVE_RATE)
    if len(movers):
        pts = sample_points(len(movers), seed=seed)
        frame.loc[movers, "latitude"] = pts["latitude"].round(9).astype(str).to_numpy()
        frame.loc[movers, "longitude"] = pts["longitude"].round(9).astype(str).to_numpy()
        frame.loc[movers] = _with_areas(frame.loc[movers].copy(), areas, rng)
    switch = np.flatnonzero(rng.random(len(frame)) < SWITCH_RATE)
    donors = frame.sample(len(switch), random_state=seed) if len(switch) else frame.iloc[0:0]
    cols = ["ihk_branch_id", "nace_id", "branch_top_level_id", "ihk_branch_desc", "nace_desc", "branch_top_level_desc"]
    frame.loc[switch, cols] = donors[cols].to_numpy()
    return frame


#: The IHK sample for the demo: a monthly history, and the live file (the newest month).
def _ihk_mirror() -> dict[str, bytes]:
    files = sample_ihk_history()
    files["IHKBerlin_Gewerbedaten.csv"] = files[list(files)[-1]]  # the newest month, also as the live file
    return files


SAMPLES = {("ihk_gewerbedaten", "IHKBerlin_Gewerbedaten.csv"): _ihk_mirror}
