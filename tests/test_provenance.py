"""Provenance entries (``lichtenberg_data._provenance``): read-only, so pandas' operations share them
instead of deep-copying them, and still plain dicts to read, compare, serialise and store."""

from __future__ import annotations

import copy
import json
import pickle

import pandas as pd
import pytest

import lichtenberg_data as ld
from conftest import copy_data, using_data
from lichtenberg_data._provenance import Entry, ReadOnlyList, freeze
from lichtenberg_data.demo import SNAPSHOT

ENTRY_FIXED = "a provenance entry cannot be changed; build a new one: dict(entry, key=value)"


@pytest.fixture(scope="module")
def _filled(tmp_path_factory):
    """``einwohner_lor`` from every real EWR edition of the shipped snapshot (19 files)."""
    root = tmp_path_factory.mktemp("provenance")
    with using_data(root / "data"):
        ld.refresh(["einwohner_lor"], mirror=SNAPSHOT)
    return root / "data"


@pytest.fixture()
def einwohner(data_dir, _filled):
    copy_data(_filled, data_dir)
    return ld.load("einwohner_lor")


def test_a_loaded_tables_entries_are_shared_by_pandas_operations(einwohner):
    df = einwohner
    before = json.loads(json.dumps(df.attrs["provenance"]))  # plain dicts and lists
    [entry] = df.attrs["provenance"]
    assert entry["publisher"] == "Amt für Statistik Berlin-Brandenburg" and entry["reference_date"] == "2025-12-31"
    assert [e["file"] for e in entry["editions"]][:2] == ["EWR200112E_Matrix.csv", "EWR200212E_Matrix.csv"]
    assert len(entry["editions"]) == 19
    same_table = ld.load("einwohner_lor")[["planungsraum_id", "year", "einwohner"]].rename(columns={"einwohner": "ew"})
    derived = {
        "df[col]": df["einwohner"],
        "filter": df[df["einwohner"] > 0],
        "merge": df.merge(same_table, on=["planungsraum_id", "year"]),
        "copy": df.copy(),
        "groupby": df.groupby("year")["einwohner"].sum(),
    }
    for how, out in derived.items():
        assert out.attrs["provenance"] == before, how
        assert out.attrs["provenance"][0] is entry, how  # the same object, not a deep copy
        assert out.attrs["provenance"][0]["editions"] is entry["editions"], how
    assert ld.source_note(derived["filter"]) == ld.source_note(df)
    assert ld.source_note(df).startswith("Quelle: Amt für Statistik Berlin-Brandenburg, Einwohnerregisterstatistik, "
                                         "Stand 31.12.2025; Lizenz: CC BY 3.0 DE")


def test_an_entry_cannot_be_changed_and_says_how_to_build_a_new_one(einwohner):
    [entry] = einwohner.attrs["provenance"]
    changes = [lambda: entry.__setitem__("sample", True), lambda: entry.__delitem__("sample"),
               lambda: entry.update(sample=True), lambda: entry.pop("sample"), entry.popitem, entry.clear,
               lambda: entry.setdefault("neu", 1)]
    for change in changes:
        with pytest.raises(TypeError, match=r"^a provenance entry cannot be changed; build a new one: "
                                            r"dict\(entry, key=value\)$"):
            change()
    with pytest.raises(TypeError, match="build a new one"):
        entry |= {"sample": True}
    with pytest.raises(TypeError, match="a list in a provenance entry cannot be changed"):
        entry["editions"].append({"file": "x.csv"})
    with pytest.raises(TypeError, match="a provenance entry cannot be changed"):
        entry["editions"][0]["file"] = "x.csv"
    assert entry["sample"] is False and len(entry["editions"]) == 19
    marked = dict(entry, sample=True)
    assert marked["sample"] is True and entry["sample"] is False
    marked["publisher"] = "geändert"  # the new dict is the caller's own
    assert "BEISPIELDATEN" in ld.source_note(marked) and "BEISPIELDATEN" not in ld.source_note(einwohner)
    einwohner.attrs["provenance"] = [marked]  # the list in attrs may still be replaced
    assert ld.load("einwohner_lor").attrs["provenance"] == [entry]  # the stored table is untouched


def test_entries_pickle_serialise_and_store_like_plain_dicts(einwohner, tmp_path):
    entries = einwohner.attrs["provenance"]
    plain = json.loads(json.dumps(entries))
    assert entries == plain and isinstance(entries[0], dict) and isinstance(entries[0]["editions"], list)
    assert json.dumps(entries) == json.dumps(plain)
    back = pickle.loads(pickle.dumps(entries))
    assert back == plain and type(back[0]) is Entry and type(back[0]["editions"]) is ReadOnlyList
    with pytest.raises(TypeError, match=ENTRY_FIXED.replace("(", r"\(").replace(")", r"\)")):
        back[0]["editions"][0]["file"] = "x.csv"
    assert pickle.loads(pickle.dumps(einwohner)).attrs["provenance"] == plain
    einwohner.head(3).to_parquet(tmp_path / "t.parquet")
    again = pd.read_parquet(tmp_path / "t.parquet")
    assert again.attrs["provenance"] == plain and again["einwohner"].tolist() == einwohner["einwohner"].head(3).tolist()


def test_freeze_is_idempotent_and_leaves_the_outer_list_ordinary():
    plain = [{"dataset": "a", "editions": [{"file": "a.csv"}], "urls": ("u",)}]
    frozen = freeze(plain)
    assert frozen == plain and type(frozen) is list and type(frozen[0]) is Entry
    assert type(frozen[0]["editions"][0]) is Entry
    again = freeze(frozen)
    assert again[0] is frozen[0] and again is not frozen
    assert copy.deepcopy(frozen[0]) is frozen[0] and copy.copy(frozen[0]) is frozen[0]
    plain[0]["dataset"] = "b"  # the plain input stays the caller's own
    assert frozen[0]["dataset"] == "a"


def test_with_sources_carries_the_entries_of_its_inputs_as_they_are(einwohner):
    a = pd.DataFrame({"x": [1]})
    a.attrs["provenance"] = [{"dataset": "a", "publisher": "A"}]  # a user's own plain entry
    both = ld.with_sources(pd.DataFrame({"x": [2]}), einwohner, a)
    assert [e["dataset"] for e in both.attrs["provenance"]] == ["einwohner_lor", "a"]
    assert both.attrs["provenance"][0] is einwohner.attrs["provenance"][0]
    with pytest.raises(TypeError, match="build a new one"):
        both.attrs["provenance"][1]["publisher"] = "B"
    assert a.attrs["provenance"][0]["publisher"] == "A"
