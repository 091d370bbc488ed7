"""German number and date formatting: one place for charts, tables, the briefing pack and the texts
of the topics (the exposé, the fair's list). Charts reach it as :mod:`lichtenberg_data.charts.formats`.

Conventions (one place, so every chart and table reads the same):

* thousands are grouped with a point, decimals follow a comma: ``1.234.567,8``;
* rounding is commercial (``decimal.ROUND_HALF_UP`` on the *printed* value, so ``2.45`` with
  one decimal becomes ``2,5`` – not banker's rounding, not binary-float surprises);
* negative numbers carry the typographic minus sign U+2212 (``−1.234``), the same sign
  matplotlib draws on its axes; a value that rounds to zero is printed without a sign;
* missing values (``None``, ``NaN``, ``pd.NA``, ``NaT``) are printed as an en dash ``–``;
* percentages are given in *percent points* (``12.34`` → ``12,3 %``; not ``0.1234``), with a
  plain space before the percent sign as German style guides (DIN 5008) require;
* dates read ``31.12.2025``; months ``Dezember 2025`` or abbreviated ``Dez. 2025``.

Numbers are rounded here and laid out by Babel (``de_DE`` separators and grouping); percent
signs, dates and month names need no library. Babel, and matplotlib for :class:`GermanFormatter`
and :func:`german_date_formatter`, are imported on first use.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

__all__ = [
    "MINUS", "MISSING", "MONTHS", "MONTHS_SHORT", "format_number", "format_percent",
    "format_change", "format_date", "format_month", "month_name", "is_missing",
    "GermanFormatter", "german_date_formatter",  # noqa: F822 - GermanFormatter is lazy
]

#: The minus sign used for negative numbers (U+2212, typographic minus).
MINUS = "\u2212"
#: What a missing value is printed as (U+2013, en dash).
MISSING = "\u2013"
_LOCALE = "de_DE"  # Babel's locale for separators and grouping

#: German month names, January first.
MONTHS = ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August",
          "September", "Oktober", "November", "Dezember")
#: Abbreviated German month names (Duden).
MONTHS_SHORT = ("Jan.", "Feb.", "März", "Apr.", "Mai", "Juni", "Juli", "Aug.", "Sept.",
                "Okt.", "Nov.", "Dez.")


def is_missing(value: Any) -> bool:
    """Whether ``value`` is missing: ``None``, ``NaN``, ``pd.NA`` or ``NaT``.

    Examples
    --------
    >>> is_missing(None), is_missing(float("nan")), is_missing(0)
    (True, True, False)
    """
    if value is None:
        return True
    try:
        if value != value:  # NaN, NaT
            return True
    except (TypeError, ValueError):  # pd.NA raises on bool()
        return True
    return type(value).__name__ in {"NAType", "NaTType"}


def _to_decimal(value: Any) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        return Decimal(int(value))
    if isinstance(value, int):
        return Decimal(value)
    # str() of a float gives its shortest round-tripping repr ("2.45", not 2.4500000000000002),
    # which is what a reader expects to be rounded; numpy scalars behave the same.
    try:
        return Decimal(str(float(value)) if not isinstance(value, str) else value)
    except (InvalidOperation, ValueError) as exc:
        raise TypeError(f"cannot format {value!r} as a number") from exc


def format_number(value: Any, decimals: int = 0, *, sign: bool = False,
                  grouping: bool = True) -> str:
    """Format a number the German way.

    Parameters
    ----------
    value
        Any real number (int, float, numpy scalar, ``Decimal``); missing values give ``"–"``.
    decimals
        Digits after the comma; rounding is ``ROUND_HALF_UP`` on the decimal value.
    sign
        Prefix positive values with ``+`` and print an exact zero as ``±0`` (for changes).
    grouping
        Group thousands with points (``False`` for years and identifiers).

    Returns
    -------
    str
        ``"1.234,5"``, ``"−1.234"`` (U+2212 minus), ``"–"`` for missing values.

    Examples
    --------
    >>> format_number(1234.5, decimals=1), format_number(1234567), format_number(2.45, 1)
    ('1.234,5', '1.234.567', '2,5')
    >>> format_number(-1234), format_number(-0.04, 1), format_number(float("nan"))
    ('−1.234', '0,0', '–')
    >>> format_number(12, sign=True), format_number(0, sign=True)
    ('+12', '±0')
    """
    if is_missing(value):
        return MISSING
    from babel.numbers import format_decimal

    d = _to_decimal(value)
    if d.is_finite():  # round here: Babel rounds half-even and signs by the unrounded value
        d = d.quantize(Decimal(1).scaleb(-int(decimals)), rounding=ROUND_HALF_UP)
        d = abs(d) if d == 0 else d  # no "−0,0"
    digits = "#,##0" + ("." + "0" * int(decimals) if decimals else "")  # CLDR number pattern
    plus = ("+" if d else "±") if sign and d.is_finite() else ""
    return format_decimal(d, f"{plus}{digits};{MINUS}{digits}", locale=_LOCALE,
                          group_separator=grouping)


def format_percent(value: Any, decimals: int = 1, *, sign: bool = False) -> str:
    """Format a percentage given in percent points: ``12.34`` → ``"12,3 %"``.

    The value is *not* multiplied by 100: pass ``12.34`` for 12,34 %, not ``0.1234``.

    Examples
    --------
    >>> format_percent(12.34), format_percent(-5, 0), format_percent(2.5, sign=True)
    ('12,3 %', '−5 %', '+2,5 %')
    >>> format_percent(None)
    '–'
    """
    if is_missing(value):
        return MISSING
    return format_number(value, decimals, sign=sign) + " %"


def format_change(current: Any, previous: Any, *, decimals: int = 0, unit: str = "") -> str:
    """The change from ``previous`` to ``current`` as a German text.

    For ``unit="%"`` (shares) the change is the difference in percentage points
    (``"+1,2 Pp."``); otherwise the signed difference with the unit followed by the relative
    change in parentheses (``"+120 (+2,3 %)"``). Missing values give ``"–"``.

    Examples
    --------
    >>> format_change(5320, 5200)
    '+120 (+2,3 %)'
    >>> format_change(12.5, 11.3, decimals=1, unit="%")
    '+1,2 Pp.'
    >>> format_change(10, None)
    '–'
    """
    if is_missing(current) or is_missing(previous):
        return MISSING
    diff = _to_decimal(current) - _to_decimal(previous)
    if unit.strip() == "%":
        return format_number(diff, decimals, sign=True) + " Pp."
    text = format_number(diff, decimals, sign=True)
    if unit:
        text += f" {unit}"
    prev = _to_decimal(previous)
    if prev != 0:
        text += f" ({format_percent(diff / abs(prev) * 100, 1, sign=True)})"
    return text


def _to_date(value: Any) -> date | None:
    if is_missing(value):
        return None
    if isinstance(value, date):  # datetime and pd.Timestamp are dates too
        return value
    if hasattr(value, "astype") and type(value).__name__ == "datetime64":  # numpy scalar
        return datetime.fromisoformat(str(value)[:19])
    return date.fromisoformat(str(value)[:10])


def format_date(value: Any) -> str:
    """Format a date as ``31.12.2025``; accepts dates, datetimes, Timestamps and ISO strings.

    Examples
    --------
    >>> format_date("2025-12-31"), format_date(date(2025, 1, 2)), format_date(None)
    ('31.12.2025', '02.01.2025', '–')
    """
    d = _to_date(value)
    return MISSING if d is None else f"{d.day:02d}.{d.month:02d}.{d.year:04d}"


def month_name(month: int, *, short: bool = False) -> str:
    """The German name of a month (1–12).

    Examples
    --------
    >>> month_name(3), month_name(9, short=True)
    ('März', 'Sept.')
    """
    if not 1 <= int(month) <= 12:
        raise ValueError(f"month must be 1..12, got {month!r}")
    return (MONTHS_SHORT if short else MONTHS)[int(month) - 1]


def format_month(value: Any, *, short: bool = False) -> str:
    """Format the month of a date: ``Dezember 2025`` (``short=True``: ``Dez. 2025``).

    Examples
    --------
    >>> format_month("2025-12-31"), format_month("2025-03-01", short=True)
    ('Dezember 2025', 'März 2025')
    """
    d = _to_date(value)
    return MISSING if d is None else f"{month_name(d.month, short=short)} {d.year}"


def _auto_decimals(locs: Any, limit: int = 4) -> int:
    """Fewest decimals that print every tick location exactly."""
    values = [float(v) for v in locs if v is not None and math.isfinite(float(v))]
    if not values:
        return 0
    scale = max(1.0, max(abs(v) for v in values))
    for d in range(limit + 1):
        if all(abs(round(v, d) - v) <= 1e-9 * scale for v in values):
            return d
    return limit


_FORMATTER_CLASS: type | None = None


def _formatter_class() -> type:
    global _FORMATTER_CLASS
    if _FORMATTER_CLASS is not None:
        return _FORMATTER_CLASS
    from matplotlib.ticker import Formatter

    class GermanFormatter(Formatter):
        """Matplotlib tick formatter printing German numbers (``1.234,5``, ``12 %``).

        Parameters
        ----------
        decimals
            Fixed number of decimals; ``None`` picks the fewest that print every tick exactly.
        percent
            Append ``" %"`` (values are percent points).
        unit
            Text appended after a space (e.g. ``"€"``); ignored when ``percent`` is set.
        scale
            Multiply each value before printing (e.g. ``1/1000`` for an axis "in Tausend").
        grouping
            Group thousands with points; ``False`` for years.
        absolute
            Print absolute values (the left half of a population pyramid).
        """

        def __init__(self, decimals: int | None = None, *, percent: bool = False, unit: str = "",
                     scale: float = 1.0, grouping: bool = True, absolute: bool = False) -> None:
            self.decimals = decimals
            self.percent = percent
            self.unit = unit
            self.scale = scale
            self.grouping = grouping
            self.absolute = absolute
            self._auto = 0

        def set_locs(self, locs: Any) -> None:
            super().set_locs(locs)
            self._auto = _auto_decimals([v * self.scale for v in locs])

        def __call__(self, x: float, pos: int | None = None) -> str:
            v = x * self.scale
            if self.absolute:
                v = abs(v)
            d = self._auto if self.decimals is None else self.decimals
            text = format_number(v, d, grouping=self.grouping)
            if self.percent:
                return text + " %"
            return f"{text} {self.unit}" if self.unit else text

        def format_data_short(self, value: float) -> str:
            return self(value)

    _FORMATTER_CLASS = GermanFormatter
    return GermanFormatter


def german_date_formatter(kind: str = "month") -> Any:
    """A matplotlib formatter for date axes with German month names.

    Parameters
    ----------
    kind
        ``"month"`` (``Jan. 2025``), ``"date"`` (``31.12.2025``), ``"year"`` (``2025``) or
        ``"concise"``: the year at January and at the first tick (``Mai 2024``), else the month
        alone (``Sept.``).
    """
    import matplotlib.dates as mdates
    from matplotlib.ticker import FuncFormatter

    def fmt(x: float, pos: int | None = None) -> str:
        d = mdates.num2date(x)
        if kind == "date":
            return format_date(d)
        if kind == "year":
            return str(d.year)
        if kind == "concise":
            if d.month == 1:
                return str(d.year)
            return format_month(d, short=True) if pos == 0 else month_name(d.month, short=True)
        return format_month(d, short=True)

    return FuncFormatter(fmt)


def __getattr__(name: str) -> Any:
    if name == "GermanFormatter":
        return _formatter_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
