"""What a build sets up inside a notebook's kernel: the missing-data handler."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading

import pytest

from lichtenberg_data import DataNotAvailableError
from lichtenberg_data.briefing.kernel import _drop_tracebacks


def _raised() -> DataNotAvailableError:
    try:
        try:
            {}["mss"]
        except KeyError as exc:
            raise DataNotAvailableError("mss: no data here yet", dataset="mss") from exc
    except DataNotAvailableError as caught:
        return caught
    raise AssertionError("not raised")


def test_a_missing_dataset_keeps_its_message_and_drops_every_traceback_of_its_chain():
    error = _raised()
    assert error.__traceback__ is not None and error.__cause__.__traceback__ is not None
    _drop_tracebacks(error)
    # IPython would format each of these frames for its history after the handler: nothing left to format
    assert error.__traceback__ is None and error.__cause__.__traceback__ is None
    assert str(error) == "mss: no data here yet" and error.dataset == "mss"  # what the box in the PDF says


def _caught(error: BaseException) -> BaseException:
    try:
        raise error
    except BaseException as caught:  # noqa: BLE001 - any error, with its traceback
        return caught


def test_a_chain_that_loops_back_is_walked_once():
    first, second = _caught(ValueError("a")), _caught(ValueError("b"))
    first.__context__, second.__context__ = second, first
    assert first.__traceback__ is not None and second.__traceback__ is not None
    walk = threading.Thread(target=_drop_tracebacks, args=(first,), daemon=True)
    walk.start()
    walk.join(timeout=5)
    assert not walk.is_alive()  # it returned: each error of the loop is visited once
    assert first.__traceback__ is None and second.__traceback__ is None


_SHELL = '''
import json, sys
from IPython.core.interactiveshell import InteractiveShell
shell = InteractiveShell.instance()
from lichtenberg_data.briefing import kernel
kernel.install(sys.argv[1], 2026)
CELL = """
def deeper(n):
    if n == 0:
        import lichtenberg_data as ld
        return ld.load("mss")
    return deeper(n - 1)
deeper(30)
"""
result = shell.run_cell(CELL, store_history=True)
print(json.dumps({"traceback": result.error_in_exec.__traceback__ is not None,
                  "history": str(shell.history_manager.exceptions.get(result.execution_count))}))
'''


@pytest.mark.slow  # a Python process with IPython (1-2 s)
def test_a_cell_missing_a_dataset_becomes_a_note_and_leaves_no_traceback_to_format(tmp_path, data_dir):
    """The handler of a build's kernel records the missing dataset for the box in the PDF; what
    IPython keeps of the error for its history is its name and message, not 30 formatted frames."""
    done = subprocess.run([sys.executable, "-c", _SHELL, str(tmp_path / "collect")], capture_output=True,
                          text=True, timeout=120, env={**os.environ, "LICHTENBERG_DATA_DIR": str(data_dir)})
    assert done.returncode == 0, done.stderr
    kept = json.loads(done.stdout.strip().splitlines()[-1])
    assert kept["traceback"] is False
    assert "DataNotAvailableError" in kept["history"] and "mss: no data here yet" in kept["history"]
    assert "deeper" not in kept["history"]  # no frame of the cell was formatted
    collected = json.loads((tmp_path / "collect" / "briefing.json").read_text(encoding="utf-8"))
    assert [m["dataset"] for m in collected["missing"]] == ["mss"]
