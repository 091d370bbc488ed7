"""The tables load() keeps in memory and the state of the data folder (lichtenberg_data._cache)."""

from __future__ import annotations

from pathlib import Path

import lichtenberg_data as ld
from lichtenberg_data._cache import _CACHE, data_state, forget


def test_the_data_state_names_every_processed_table_and_changes_with_any(data_dir):
    from lichtenberg_data._store import atomic_write_bytes

    processed = ld.settings.settings.processed_dir
    assert data_state() == (str(processed),)  # nothing processed yet
    atomic_write_bytes(processed / "einwohner_lor.parquet", b"x" * 10)
    atomic_write_bytes(processed / "ihk_gewerbedaten" / "stand=2025-01" / "part.parquet", b"y" * 20)
    state = data_state()
    assert [(Path(e[0]).relative_to(processed).as_posix(), e[2]) for e in state[1:]] == [
        ("einwohner_lor.parquet", 10), ("ihk_gewerbedaten/stand=2025-01/part.parquet", 20)]
    assert data_state() == state
    atomic_write_bytes(processed / "ihk_gewerbedaten" / "stand=2025-02" / "part.parquet", b"y" * 20)
    assert data_state() != state  # a new month of a dataset stored by month counts too


def test_the_data_state_changes_with_a_file_replaced_in_the_same_tick_with_the_same_size(data_dir):
    import os

    from lichtenberg_data._store import atomic_write_bytes

    table = ld.settings.settings.processed_dir / "einwohner_lor.parquet"
    table.parent.mkdir(parents=True)
    atomic_write_bytes(table, b"Stand 2024")
    tick = table.stat().st_mtime_ns
    state = data_state()
    atomic_write_bytes(table, b"Stand 2025")  # a refresh right after, as large as before
    os.utime(table, ns=(tick, tick))  # within one tick of a coarse clock (FAT: 2 s, network shares)
    assert data_state() != state  # else key figures built from the old table would be handed out



def test_forget_drops_a_dataset_and_its_months_only():
    _CACHE.update({"a": ((), 1), "a/stand=2025-01": ((), 2), "ab": ((), 3)})
    try:
        forget("a")
        assert "ab" in _CACHE and "a" not in _CACHE and "a/stand=2025-01" not in _CACHE
    finally:
        for key in ("a", "a/stand=2025-01", "ab"):
            _CACHE.pop(key, None)


def test_a_remembered_result_is_computed_once_per_data_state_and_each_caller_gets_its_own(data_dir):
    import pandas as pd

    from lichtenberg_data._cache import clear_cache, remembered
    from lichtenberg_data._store import atomic_write_bytes

    calls: list[str] = []

    def centres(district: str) -> pd.DataFrame:
        calls.append(district)
        df = pd.DataFrame({"zentrum": ["Linden-Center", "Allee-Center"], "geschaefte": pd.array([90, 60], "Int64")})
        df.attrs["provenance"] = [{"dataset": "osm_pois"}]
        return df

    first = remembered(centres, "11")
    first["geschaefte"].array[1] = -1  # the caller's own copy, also through the array (unguarded by copy-on-write)
    first.loc[0, "geschaefte"] = 0
    first.attrs["provenance"].append({"dataset": "changed"})
    again = remembered(centres, "11")
    assert calls == ["11"] and again["geschaefte"].tolist() == [90, 60]
    assert again.attrs["provenance"] == [{"dataset": "osm_pois"}]
    remembered(centres, "10")
    assert calls == ["11", "10"]  # other arguments: computed for them
    atomic_write_bytes(ld.settings.settings.processed_dir / "osm_pois.parquet", b"x")  # a refresh
    remembered(centres, "11")
    assert calls == ["11", "10", "11"]
    clear_cache()
    remembered(centres, "11")
    assert calls == ["11", "10", "11", "11"]

