"""Settings of the toolkit, read from the environment and changeable at run time.

Each setting has a default, an environment variable that overrides it, and a check of its
value. Change them with :func:`set`, read them as attributes of :data:`settings`:

>>> from lichtenberg_data.settings import settings
>>> settings.district
'Lichtenberg'

============================  ==================================  =========================================
setting                       environment variable                meaning
============================  ==================================  =========================================
``data_dir``                  ``LICHTENBERG_DATA_DIR``            data folder (raw/, processed/, manifest.json);
                                                                  default ``data/`` in the project
``district``                  ``LICHTENBERG_DATA_DISTRICT``       district the topic functions look at
``timeout``                   ``LICHTENBERG_DATA_TIMEOUT``        seconds to wait for a server's answer (for a
                                                                  connection and a DNS answer: at most 10)
``retries``                   ``LICHTENBERG_DATA_RETRIES``        retries on read errors, 429 and 5xx (never on
                                                                  DNS, refused or timed-out connections)
``backoff``                   ``LICHTENBERG_DATA_BACKOFF``        backoff factor between retries, seconds
``keep_snapshots``            ``LICHTENBERG_DATA_KEEP_SNAPSHOTS`` raw snapshots kept per dataset edition
``user_agent``                ``LICHTENBERG_DATA_USER_AGENT``     User-Agent sent to the portals
``author``                    ``LICHTENBERG_DATA_AUTHOR``         who publishes the briefing (cover, PDF
                                                                  metadata); empty: „Bezirksamt <district>,
                                                                  Wirtschaftsförderung“
============================  ==================================  =========================================
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from pathlib import Path

from ._errors import SettingsError

__all__ = ["Settings", "settings", "set", "project_root"]


def project_root() -> Path:
    """Return the project folder (the one holding ``pyproject.toml``), else the working folder."""
    here = Path(__file__).resolve().parent.parent
    if (here / "pyproject.toml").exists():
        return here
    return Path.cwd()


def _env(name: str, default: str) -> str:
    return os.environ.get(name, default)


@dataclass
class Settings:
    """The toolkit's settings. Use :func:`set` to change them; values are validated."""

    data_dir: Path = field(default_factory=lambda: Path(_env("LICHTENBERG_DATA_DIR", str(project_root() / "data"))))
    district: str = field(default_factory=lambda: _env("LICHTENBERG_DATA_DISTRICT", "Lichtenberg"))
    timeout: float = field(default_factory=lambda: float(_env("LICHTENBERG_DATA_TIMEOUT", "60")))
    retries: int = field(default_factory=lambda: int(_env("LICHTENBERG_DATA_RETRIES", "4")))
    backoff: float = field(default_factory=lambda: float(_env("LICHTENBERG_DATA_BACKOFF", "1.0")))
    keep_snapshots: int = field(default_factory=lambda: int(_env("LICHTENBERG_DATA_KEEP_SNAPSHOTS", "3")))
    user_agent: str = field(
        default_factory=lambda: _env(
            "LICHTENBERG_DATA_USER_AGENT",
            "lichtenberg_data/0.1 (open data toolkit of Bezirksamt Lichtenberg Wirtschaftsfoerderung; "
            "+https://github.com/lichtenberg-data)",
        )
    )

    author: str = field(default_factory=lambda: _env("LICHTENBERG_DATA_AUTHOR", ""))

    def __post_init__(self) -> None:
        for f in fields(self):
            _validate(f.name, getattr(self, f.name))
        self.data_dir = Path(self.data_dir)
        from .names import bezirk_name

        self.district = bezirk_name(self.district)

    @property
    def publisher(self) -> str:
        """Who publishes the briefing: ``author``, or „Bezirksamt <district>, Wirtschaftsförderung“."""
        return self.author.strip() or f"Bezirksamt {self.district}, Wirtschaftsförderung"

    @property
    def raw_dir(self) -> Path:
        """Folder of the immutable raw snapshots."""
        return self.data_dir / "raw"

    @property
    def processed_dir(self) -> Path:
        """Folder of the processed Parquet tables."""
        return self.data_dir / "processed"

    @property
    def manifest_path(self) -> Path:
        """The manifest that records where every file came from."""
        return self.data_dir / "manifest.json"


def _validate(name: str, value: object) -> None:
    if name in {"timeout", "backoff"} and not (isinstance(value, (int, float)) and value >= 0):
        raise SettingsError(f"settings.{name} must be a number >= 0, got {value!r}")
    if name in {"retries", "keep_snapshots"} and not (isinstance(value, int) and value >= (1 if name == "keep_snapshots" else 0)):
        raise SettingsError(f"settings.{name} must be a whole number >= {1 if name == 'keep_snapshots' else 0}, got {value!r}")
    if name == "district":
        from .names import bezirk_id

        bezirk_id(value)  # type: ignore[arg-type]  # UnknownDistrictError names the twelve
    if name == "user_agent" and not str(value).strip():
        raise SettingsError("settings.user_agent must not be empty: the portals ask for a descriptive one")


settings = Settings()


def set(**values: object) -> Settings:  # noqa: A001 - mirrors the verb users expect
    """Change one or more settings, validating each value.

    Examples
    --------
    >>> from lichtenberg_data import settings as s
    >>> _ = s.set(district="11")
    >>> s.settings.district
    'Lichtenberg'
    """
    names = {f.name for f in fields(Settings)}
    for name, value in values.items():
        if name not in names:
            raise SettingsError(f"unknown setting {name!r}; known: {', '.join(sorted(names))}")
        if name == "data_dir":
            value = Path(value)  # type: ignore[arg-type]
        elif name in {"timeout", "backoff"} and isinstance(value, int):
            value = float(value)
        _validate(name, value)
        if name == "district":
            from .names import bezirk_name

            value = bezirk_name(value)  # type: ignore[arg-type]
        setattr(settings, name, value)
    return settings


def reload_from_environment() -> Settings:
    """Re-read every setting from the environment (used by the CLI and tests)."""
    fresh = Settings()
    for f in fields(Settings):
        setattr(settings, f.name, getattr(fresh, f.name))
    return settings
