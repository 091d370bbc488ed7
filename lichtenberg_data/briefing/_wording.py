"""The words of the findings: numbers as printed, periods, and the words the data choose.

Every comparison is made on the values *as printed* (rounded half up to the figure's decimals;
a relative change to one decimal computed from those), so a sentence never says "gestiegen"
between two equal printed numbers, nor "über dem Berliner Wert" when both read the same.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from ..charts.formats import format_date, format_number, format_percent

__all__ = ["rounded", "value_text", "change", "change_text", "period", "when_phrase", "direction",
           "compare_word", "rank", "ordinal_rank"]

_MONTHS = ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
           "November", "Dezember")


def rounded(value: Any, decimals: int) -> float | None:
    """``value`` as printed with ``decimals`` (half up).

    >>> rounded(2.45, 1), rounded(318261, 0), rounded(None, 1)
    (2.5, 318261.0, None)
    """
    if value is None:
        return None
    return float(Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP))


def value_text(value: Any, unit: str, decimals: int) -> str:
    """The value as the paper prints it: ``318.261``, ``5,3 %``, ``350 €/m²``.

    >>> value_text(318261, "", 0), value_text(5.331, "%", 1), value_text(350, "€/m²", 0)
    ('318.261', '5,3 %', '350 €/m²')
    """
    if unit.strip() == "%":
        return format_percent(value, decimals)
    return format_number(value, decimals) + (f" {unit}" if unit else "")


def change(current: Any, previous: Any, unit: str, decimals: int) -> float | None:
    """The change as stated: percent points for a ``%`` figure (to ``decimals``), else the
    relative change in percent (one decimal), both from the printed values.

    >>> change(318261, 296837, "", 0), change(66.49, 65.87, "%", 1), change(5, 5, "", 0)
    (7.2, 0.6, 0.0)
    """
    cur, prev = rounded(current, decimals), rounded(previous, decimals)
    if cur is None or prev is None:
        return None
    if unit.strip() == "%":
        return rounded(cur - prev, decimals)
    if prev == 0:
        return None
    return rounded((cur - prev) / abs(prev) * 100, 1)


def change_text(value: float, unit: str, decimals: int) -> str:
    """``+7,2 %`` or ``+0,6 Pp.`` (signed).

    >>> change_text(7.2, "", 0), change_text(-0.6, "%", 1)
    ('+7,2 %', '−0,6 Pp.')
    """
    if unit.strip() == "%":
        return format_number(value, decimals, sign=True) + " Pp."
    return format_percent(value, 1, sign=True)


def direction(current: Any, previous: Any, decimals: int) -> str:
    """``gestiegen``, ``gesunken`` or ``unverändert``, from the printed values.

    >>> direction(318261, 296837, 0), direction(4.9, 5.04, 1), direction(5.04, 4.96, 0)
    ('gestiegen', 'gesunken', 'unverändert')
    """
    cur, prev = rounded(current, decimals), rounded(previous, decimals)
    if cur > prev:
        return "gestiegen"
    if cur < prev:
        return "gesunken"
    return "unverändert"


def compare_word(value: Any, other: Any, decimals: int) -> str:
    """``über``, ``unter`` or ``gleich``: ``value`` against ``other``, as printed.

    >>> compare_word(5.33, 5.19, 1), compare_word(3613, 3870, 0), compare_word(2.04, 1.96, 0)
    ('über', 'unter', 'gleich')
    """
    a, b = rounded(value, decimals), rounded(other, decimals)
    return "über" if a > b else "unter" if a < b else "gleich"


def rank(value: Any, others: list[Any], decimals: int) -> tuple[int, int, bool]:
    """(rank, number of areas, shared): rank 1 is the highest printed value; ``others`` holds
    every area's value, the area's own included.

    >>> rank(5, [5, 7, 3], 0), rank(5.2, [4.96, 5.04, 7.0], 0)
    ((2, 3, False), (2, 3, True))
    """
    mine = rounded(value, decimals)
    values = [rounded(v, decimals) for v in others]
    higher = sum(v > mine for v in values)
    shared = sum(v == mine for v in values) > 1
    return higher + 1, len(values), shared


def ordinal_rank(position: int, total: int, shared: bool) -> str:
    """``Rang 3 unter den 12 Bezirken (1 = höchster Wert)``."""
    return (f"Rang {position}{' (geteilt)' if shared else ''} unter den {total} Bezirken (1 = höchster Wert)")


def period(when: Any) -> str:
    """A period as printed in brackets: ``31.12.2025``, ``2022``, ``12/2026``.

    >>> period("2025-12-31"), period("2022"), period("12/2026")
    ('31.12.2025', '2022', '12/2026')
    """
    text = str(when)
    return format_date(text) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) else text


def when_phrase(when: Any) -> str:
    """A period in a sentence: ``am 31.12.2025``, ``im Jahr 2022``, ``im Dezember 2026``,
    ``von 01/2026 bis 12/2026``, ``im Schuljahr 2019/20``.

    >>> when_phrase("2025-12-31"), when_phrase("2022"), when_phrase("12/2026"), when_phrase("01/2026–12/2026")
    ('am 31.12.2025', 'im Jahr 2022', 'im Dezember 2026', 'von 01/2026 bis 12/2026')
    >>> when_phrase("Schuljahr 2019/20"), when_phrase("31.12.2025–31.12.2030")
    ('im Schuljahr 2019/20', 'von 31.12.2025 bis 31.12.2030')
    """
    text = str(when)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return f"am {format_date(text)}"
    if re.fullmatch(r"Schuljahr \d{4}/\d{2}", text):
        return f"im {text}"
    if re.fullmatch(r"\d{4}", text):
        return f"im Jahr {text}"
    m = re.fullmatch(r"(\d{2})/(\d{4})", text)
    if m and 1 <= int(m.group(1)) <= 12:
        return f"im {_MONTHS[int(m.group(1)) - 1]} {m.group(2)}"
    m = re.fullmatch(r"(\S+)–(\S+)", text)
    if m:
        return f"von {m.group(1)} bis {m.group(2)}"
    return f"({text})"
