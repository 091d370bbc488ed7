"""The small set of exceptions the toolkit raises.

Every message is one line: the dataset, the cause, and what to do next.
"""

from __future__ import annotations


class LichtenbergDataError(Exception):
    """Base class of all errors raised by :mod:`lichtenberg_data`."""


class DownloadError(LichtenbergDataError):
    """A resource could not be fetched (HTTP error, timeout, broken connection)."""


class FormatError(LichtenbergDataError):
    """A file does not have the format the dataset expects (HTML page, wrong encoding,
    truncated, changed columns, unsafe archive or XML)."""


class ValidationError(FormatError):
    """A file parsed, but its table breaks the dataset's schema checks."""


class DataNotAvailableError(LichtenbergDataError):
    """A dataset has never been refreshed or imported on this machine."""


class RefreshLockedError(LichtenbergDataError):
    """Another refresh or import holds the data folder's lock."""


class SettingsError(LichtenbergDataError, ValueError):
    """A setting was given a value it does not accept."""


def dataset_error(cls: type[LichtenbergDataError], dataset: str, cause: str, todo: str) -> LichtenbergDataError:
    """Build an exception whose message reads ``<dataset>: <cause>. <todo>``.

    Examples
    --------
    >>> str(dataset_error(FormatError, "bezirke", "got an HTML page", "Try again later."))
    'bezirke: got an HTML page. Try again later.'
    """
    cause = cause.rstrip(". ")
    return cls(f"{dataset}: {cause}. {todo}".strip())
