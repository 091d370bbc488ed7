"""The command line: what a person types and reads, and the exit codes cron relies on."""

from __future__ import annotations

import json
import pydoc

import pytest

import lichtenberg_data as ld
from lichtenberg_data import cli
from lichtenberg_data.demo import SNAPSHOT


def run(*args: str) -> int:
    return cli.main(list(args))


def test_info_says_which_files_a_dataset_takes(capsys):
    assert run("info", "einwohner_lor") == 0
    out = capsys.readouterr().out
    assert out.startswith("einwohner_lor – Einwohnerinnen und Einwohner in den LOR-Planungsräumen")
    assert "one CSV file per edition, named like /EWR.*\\d{6}E_Matrix\\.csv$/" in out
    assert "download by hand: https://daten.berlin.de/" in out
    assert "then: lichtenberg-data import einwohner_lor ~/Downloads/EWR_L21_202512E_Matrix.csv" in out
    assert run("list", "bezirke") == 0  # `list DATASET` is the same
    assert "WFS layer alkis_bezirke:bezirksgrenzen" in capsys.readouterr().out


def test_import_help_describes_its_arguments(capsys):
    with pytest.raises(SystemExit):
        run("import", "--help")
    out = " ".join(capsys.readouterr().out.split())
    assert "the dataset id (see `lichtenberg-data list`)" in out
    assert "several editions of a history dataset at once are fine" in out


def test_demo_help_says_sample_data_come_only_on_request(capsys):
    with pytest.raises(SystemExit):
        run("demo", "--help")
    out = " ".join(capsys.readouterr().out.split())
    assert "No generated number is loaded: a briefing part whose dataset has no real file is a box naming the " \
           "dataset and how to get it" in out
    assert "--with-samples also load generated sample data for the datasets that hold no real data" in out
    assert "--samples DIR as --with-samples, and keep the generated sample mirror in DIR" in out


@pytest.mark.parametrize("args, message", [
    (("info", "nope"), "unknown dataset 'nope'"),
    (("import", "nope", "x.csv"), "unknown dataset 'nope'"),
    (("briefing", "--district", "Atlantis"), "'Atlantis' is not a Berlin district"),
])
def test_usage_errors_exit_2_with_one_line(capsys, args, message):
    assert run(*args) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and message in err and "\n" not in err


def test_briefing_workers_must_be_a_whole_number_of_at_least_one(capsys):
    with pytest.raises(SystemExit) as info:
        run("briefing", "--workers", "0")
    assert info.value.code == 2
    assert "argument --workers: must be a whole number >= 1, not '0'" in capsys.readouterr().err


def test_briefing_chart_formats_are_checked_before_anything_runs(capsys):
    with pytest.raises(SystemExit) as info:
        run("briefing", "--chart-formats", "png,jpg")
    assert info.value.code == 2
    assert "argument --chart-formats: chart format 'jpg' is not one of png, svg, pdf" in capsys.readouterr().err


def test_a_bug_is_reported_as_a_bug_and_debug_shows_the_traceback(monkeypatch, capsys):
    from lichtenberg_data import _store

    def broken():
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(_store, "status", broken)
    assert run("status") == 3
    err = capsys.readouterr().err
    assert "internal error: ZeroDivisionError: boom. This is a bug in lichtenberg_data" in err
    assert "--debug" in err
    with pytest.raises(ZeroDivisionError):
        run("--debug", "status")


def test_status_shows_real_and_sample(data_dir, capsys):
    ld.import_file("einwohner_ortsteile", SNAPSHOT / "einwohner_ortsteile" / "EWR_Ortsteile_2020-12-31.csv")
    assert run("status", "--json") == 0
    rows = {r["dataset"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows["einwohner_ortsteile"]["sample"] is False and rows["einwohner_ortsteile"]["rows"] == 7276
    assert rows["einwohner_lor"]["sample"] is None
    assert run("status") == 0
    line = next(ln for ln in capsys.readouterr().out.splitlines() if ln.startswith("einwohner_ortsteile"))
    assert "2020-12-31" in line and "echt" in line


def test_reset_asks_and_empties(data_dir, capsys, monkeypatch):
    ld.import_file("einwohner_ortsteile", SNAPSHOT / "einwohner_ortsteile" / "EWR_Ortsteile_2020-12-31.csv")
    monkeypatch.setattr("builtins.input", lambda prompt: "n")
    assert run("reset", "einwohner_ortsteile") == 1
    assert "nothing was changed" in capsys.readouterr().out
    assert (data_dir / "processed" / "einwohner_ortsteile.parquet").exists()
    monkeypatch.setattr("builtins.input", lambda prompt: "ja")
    assert run("reset", "einwohner_ortsteile") == 0
    assert "emptied: einwohner_ortsteile" in capsys.readouterr().out
    assert not (data_dir / "processed" / "einwohner_ortsteile.parquet").exists()
    assert not (data_dir / "raw" / "einwohner_ortsteile").exists()
    assert "einwohner_ortsteile" not in json.loads((data_dir / "manifest.json").read_text())["datasets"]
    assert run("reset") == 2  # neither ids nor --all


def test_help_shows_the_real_signatures():
    text = pydoc.render_doc(ld.refresh, renderer=pydoc.plaintext)
    assert "refresh(ids: 'Sequence[str] | None' = None, *, force: 'bool' = False" in text
    assert "import_file(dataset_id: 'str', paths:" in pydoc.render_doc(ld.import_file, renderer=pydoc.plaintext)
    assert ld.load.__annotations__["return"] == "pd.DataFrame | gpd.GeoDataFrame"


@pytest.mark.slow  # 1.2 s on 2 cores
def test_kennzahlen_lists_every_key_figure_with_its_value_date_or_missing_dataset(data_dir, capsys):
    from lichtenberg_data.briefing import keyfigures

    ld.import_file("einwohner_lor", sorted((SNAPSHOT / "einwohner_lor").glob("*.csv")))
    assert run("kennzahlen") == 0
    lines = capsys.readouterr().out.splitlines()
    rows = {ln.split()[0]: " ".join(ln.split()[1:]) for ln in lines[2:] if ln.strip() and not ln.startswith("no ")}
    assert list(rows) == keyfigures.ids()
    assert rows["einwohner"] == "Einwohnerinnen und Einwohner 318.261 31.12.2025"
    assert rows["anteil_erwerbsfaehige"].endswith("66,5 % 31.12.2025")
    assert rows["einwohnerdichte"].endswith("fehlt: bezirke") and rows["betriebe"].endswith("fehlt: ihk_gewerbedaten")
    assert lines[-1].startswith("no targets: write them to ") and lines[-1].endswith("ziele.csv "
                                                                                    "(kennzahl,zielwert,zieljahr"
                                                                                    "[,basiswert,basisjahr,anmerkung])")
    assert run("kennzahlen", "--json", "--district", "Marzahn-Hellersdorf") == 0
    got = {r["id"]: r for r in json.loads(capsys.readouterr().out)}
    assert (got["einwohner"]["current"], got["einwohner"]["when"]) == (296687, "2025-12-31")
    assert (got["einwohner"]["previous"], got["einwohner"]["previous_when"]) == (273731, "2020-12-31")
    assert got["uebernachtungen"]["missing"] == "fehlt: beherbergung_bezirke"
