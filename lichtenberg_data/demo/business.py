"""A sample of the IHK business register (current CSV dialect) in the sample city."""

from __future__ import annotations

from .._readers import SAMPLE_TOKEN

__all__ = ["sample_ihk"]


def sample_ihk(n: int = 20_000, *, seed: int = 3) -> bytes:
    """A sample of the current IHK CSV dialect (comma, dot decimals, quoted fields, NULLs).

    Points fall inside the sample city of :mod:`lichtenberg_data._sample`; the Planungsraum
    columns are left ``NULL`` as in a share of the real rows: use :func:`lichtenberg_data.geo.assign`.
    """
    import numpy as np
    import pandas as pd

    from .city import sample_points

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
