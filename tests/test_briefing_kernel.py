"""What a build sets up inside a notebook's kernel: the missing-data handler."""

from __future__ import annotations

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
    _drop_tracebacks(first)  # returns: each error of the loop is visited once
    assert first.__traceback__ is None and second.__traceback__ is None
