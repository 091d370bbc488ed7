"""The small set of exceptions the toolkit raises.

Every message is one line: the dataset, the cause, and what to do next.
"""

from __future__ import annotations


class LichtenbergDataError(Exception):
    """Base class of all errors raised by :mod:`lichtenberg_data`."""


class DownloadError(LichtenbergDataError):
    """A resource could not be fetched (HTTP error, timeout, broken connection).

    ``status`` is the HTTP status where the server answered with an error (``404`` …).
    """

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class FormatError(LichtenbergDataError):
    """A file does not have the format the dataset expects (HTML page, wrong encoding,
    truncated, changed columns, unsafe archive or XML)."""


class CutOffError(FormatError):
    """A file ends before its format does, or gives far fewer rows than the stored copy of its
    edition: it was probably cut off. ``advice`` says what to do (download it again, or accept
    fewer rows on purpose)."""

    def __init__(self, message: str, advice: str = "download it again") -> None:
        super().__init__(message)
        self.advice = advice


class ValidationError(FormatError):
    """A file parsed, but its table breaks the dataset's schema checks."""


class DataNotAvailableError(LichtenbergDataError):
    """A dataset has never been refreshed or imported on this machine.

    ``dataset`` names it (``None`` where the error is about no single dataset), so that the
    briefing can put a box naming the dataset and the command in place of what needs it.
    """

    def __init__(self, message: str, dataset: str | None = None) -> None:
        super().__init__(message)
        self.dataset = dataset


class RefreshLockedError(LichtenbergDataError):
    """Another refresh or import holds the data folder's lock."""


class SettingsError(LichtenbergDataError, ValueError):
    """A setting was given a value it does not accept."""


class UnknownDistrictError(LichtenbergDataError, ValueError):
    """A district name or key that is none of Berlin's twelve Bezirke (nor Berlin)."""


class UnknownDatasetError(LichtenbergDataError, KeyError):
    """A dataset id that the catalogue does not declare."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class BriefingError(LichtenbergDataError):
    """The briefing could not be built (a notebook failed, a kernel is missing, ...)."""


def dataset_message(dataset: str, cause: str, todo: str) -> str:
    """The one-line message ``<dataset>: <cause>. <todo>`` every dataset error reads like.

    Examples
    --------
    >>> dataset_message("bezirke", "got an HTML page.", "Try again later.")
    'bezirke: got an HTML page. Try again later.'
    """
    cause = str(cause).rstrip(". ")
    if cause.startswith(f"{dataset}: "):
        cause = cause[len(dataset) + 2:]
    return f"{dataset}: {cause}. {todo}".strip()


def dataset_error(cls: type[LichtenbergDataError], dataset: str, cause: str, todo: str) -> LichtenbergDataError:
    """Build an exception of class ``cls`` with :func:`dataset_message`.

    Examples
    --------
    >>> str(dataset_error(FormatError, "bezirke", "got an HTML page", "Try again later."))
    'bezirke: got an HTML page. Try again later.'
    """
    return cls(dataset_message(dataset, cause, todo))
