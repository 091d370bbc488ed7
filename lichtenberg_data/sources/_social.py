"""Helpers shared by :mod:`.social_monitoring` (``mss``) and :mod:`.social_atlas` (``gssa``).

Reading a CSV export (separator sniffed, all text).
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING

from .._readers import read_text

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd


def _read_csv_text(path: Path) -> pd.DataFrame:
    import pandas as pd

    text = read_text(path)
    first = text.split("\n", 1)[0]
    sep = ";" if first.count(";") > first.count(",") else ","
    return pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False, na_values=[""])




