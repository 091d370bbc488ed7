"""Sample files of the population datasets (AfS Einwohnerregister) for the sample city.

Generated numbers in the AfS formats, consistent in every sum; used where no real file is at hand.
"""

from __future__ import annotations

from ..names import BEZIRKE
from ..sources.population import AGE_BANDS, AGE_GROUPS

__all__ = ["sample_ewr_matrix", "sample_ewr_ortsteile"]


def _sample_counts(year: int):
    """Deterministic synthetic counts per sample Planungsraum, consistent in every sum."""
    import numpy as np
    import pandas as pd

    from .city import sample_lor

    lor = sample_lor()
    n = len(lor)
    area = np.random.default_rng(99)  # what stays: size and age profile of each Planungsraum
    noise = np.random.default_rng(2000 + year)  # what changes from year to year
    base = area.integers(800, 12000, n) * (1 + 0.01 * (year - 2021)) * noise.uniform(0.99, 1.01, n)
    centres = np.array([int(b[:2]) + (int(b[3:]) - int(b[:2])) / 2 for b in AGE_BANDS])
    widths = np.array([int(b[3:]) - int(b[:2]) for b in AGE_BANDS], dtype=float)
    widths[-1] = 10.0
    # each Planungsraum has its own age profile (younger inner-city areas, older estates),
    # ageing slowly over the years
    peak = area.normal(40, 9, n).clip(22, 62) + 0.3 * (year - 2021)
    spread = area.uniform(22, 36, n)
    profile = widths * np.exp(-((centres[None, :] - peak[:, None]) / spread[:, None]) ** 2)
    shares = profile / profile.sum(axis=1, keepdims=True)
    bands = np.floor(base[:, None] * shares).astype(int)
    bands += noise.integers(0, 3, bands.shape)
    counts = pd.DataFrame(bands, columns=[f"alter_{b}" for b in AGE_BANDS])
    total = counts.sum(axis=1)
    women = np.floor(total * area.uniform(0.49, 0.53, n)).astype(int)
    return lor, counts, total, women


def _group_sums(counts):
    groups = {"U1": ["00_01"], "1U6": ["01_02", "02_03", "03_05", "05_06"],
              "6U15": ["06_07", "07_08", "08_10", "10_12", "12_14", "14_15"], "15U18": ["15_18"],
              "18U25": ["18_21", "21_25"], "25U55": ["25_27", "27_30", "30_35", "35_40", "40_45", "45_50", "50_55"],
              "55U65": ["55_60", "60_63", "63_65"], "65U80": ["65_67", "67_70", "70_75", "75_80"],
              "80U110": ["80_85", "85_90", "90_95", "95_110"]}
    return {k: counts[[f"alter_{b}" for b in v]].sum(axis=1) for k, v in groups.items()}


def sample_ewr_matrix(year: int) -> bytes:
    """A sample ``EWR_L21_<year>12E_Matrix.csv`` in the AfS format of the LOR-2021 editions
    (quoted keys, ``;``, CRLF, ``BEZPGR``)."""
    lor, counts, total, women = _sample_counts(year)
    groups = _group_sums(counts)
    header = (["ZEIT", "RAUMID", "BEZ", "PGR", "BZR", "PLR", "BEZPGR", "E_E", "E_EM", "E_EW"]
              + [f"E_E{b}" for b in AGE_BANDS] + [f"E_E{g}" for g in AGE_GROUPS])
    lines = [";".join(f'"{h}"' for h in header)]
    for i, row in lor.reset_index(drop=True).iterrows():
        key = row["planungsraum_id"]
        keys = [f"{year}12", key, key[:2], key[2:4], key[4:6], key[6:8], key[:4]]
        values = [total[i], total[i] - women[i], women[i], *counts.iloc[i].tolist(), *(g[i] for g in groups.values())]
        lines.append(";".join([*(f'"{k}"' for k in keys), *(str(int(v)) for v in values)]))
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def sample_ewr_ortsteile() -> bytes:
    """A sample ``EWR_Ortsteile_2020-12-31.csv`` in the AfS long format (zero cells omitted)."""
    import numpy as np

    from .city import sample_lor

    lor = sample_lor()
    rng = np.random.default_rng(7)
    ages = ["00_05", "05_10", "10_15", "15_20", "20_25", "25_30", "30_35", "35_40", "40_45", "45_50", "50_55",
            "55_60", "60_65", "65_70", "70_75", "75_80", "80_85", "85_90", "90_95", "95 und älter"]
    lines = ["Bezirk;Bez-Name;Ortsteil;Ortst-Name;Geschl;Staatsangeh;Altersgr;Häufigkeit"]
    ortsteile = lor[["bezirk_id", "ortsteil"]].drop_duplicates().reset_index(drop=True)
    for bez, group in ortsteile.groupby("bezirk_id", sort=True):
        for j, name in enumerate(group["ortsteil"], start=1):
            for sex in ("1", "2"):
                for nat in ("A", "D"):
                    for age in ages:
                        n = int(rng.integers(0, 900 if nat == "D" else 150))
                        if n:
                            lines.append(f"{bez};{BEZIRKE[bez]};{bez}{j:02d};{name};{sex};{nat};{age};{n}")
    return ("\n".join(lines) + "\n").encode("utf-8")
