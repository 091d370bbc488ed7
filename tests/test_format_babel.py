"""German numbers laid out by Babel: the cases where Babel's own defaults differ from ours."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal

import numpy as np
import pytest

from lichtenberg_data.charts.formats import (
    MINUS,
    GermanFormatter,
    format_change,
    format_number,
    format_percent,
)


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        # exact halves of the printed value round up (away from zero); Babel's default,
        # half-even, would print 1,00 / 0 / 1.234 / 0,04 / 1.234.567,8 / 2,4
        (1.005, 2, "1,01"),  # binary 1.00499999999999989...: Python's round() gives 1.0
        (2.675, 2, "2,68"),  # binary 2.67499999999999982...: Python's round() gives 2.67
        (-2.675, 2, f"{MINUS}2,68"),
        (0.5, 0, "1"),
        (1234.5, 0, "1.235"),
        (0.045, 2, "0,05"),
        (1234567.85, 1, "1.234.567,9"),
        (np.float64(2.45), 1, "2,5"),
        (Decimal("2.45"), 1, "2,5"),
        ("2.45", 1, "2,5"),
        # below the half: no rounding up
        (1.0049, 2, "1,00"),
        (-0.049, 1, "0,0"),
    ],
)
def test_round_half_up_on_the_printed_value(value, decimals, expected):
    assert format_number(value, decimals) == expected


def test_negative_numbers_use_the_typographic_minus_and_zero_has_no_sign():
    assert format_number(-1234567.891, 2) == f"{MINUS}1.234.567,89"
    assert "-" not in format_number(-1234.5, 1)  # Babel's de_DE pattern has a hyphen-minus
    assert format_number(-0.05, 1) == f"{MINUS}0,1"  # rounds away from zero, keeps its sign
    assert format_number(-0.0) == "0"
    assert format_number(Decimal("-0.0004"), 3) == "0,000"
    assert format_number(-0.04, 1, sign=True) == "±0,0"
    assert format_number(-0.0, sign=True) == "±0"
    assert format_number(float("-inf")) == f"{MINUS}∞"
    assert format_number(float("inf"), sign=True) == "∞"


def test_grouping_off_and_large_numbers():
    assert format_number(1234567.85, 1, grouping=False) == "1234567,9"
    assert format_number(-1234567, grouping=False) == f"{MINUS}1234567"
    assert format_number(9876543210) == "9.876.543.210"
    assert format_number(1000, 2, sign=True) == "+1.000,00"


def test_percent_keeps_a_plain_space_and_percent_points():
    assert format_percent(12.34) == "12,3 %"  # Babel's de_DE percent has a no-break space
    assert format_percent(1234.56, 0) == "1.235 %"
    assert format_percent(-0.04) == "0,0 %"
    assert format_percent(-12.25, sign=True) == f"{MINUS}12,3 %"
    assert format_change(1000.5, 1000, decimals=1) == "+0,5 (+0,1 %)"


def test_tick_formatter_prints_babel_numbers():
    f = GermanFormatter(1, unit="€", scale=1 / 1000)
    assert f(1234567) == "1.234,6 €"
    assert f(-1234567) == f"{MINUS}1.234,6 €"


def test_babel_alone_differs_where_the_module_corrects_it():
    """Babel's defaults, pinned: if one changes, a correction above may have become unneeded."""
    from babel.numbers import format_decimal
    from babel.numbers import format_percent as babel_percent

    assert format_decimal(1.005, "#,##0.00", locale="de_DE") == "1,00"  # half-even
    assert format_decimal(-1234.5, locale="de_DE") == "-1.234,5"  # hyphen-minus
    assert format_decimal(-0.04, "#,##0.0", locale="de_DE") == "-0,0"  # sign of a zero
    assert babel_percent(0.123, locale="de_DE") == "12\u00a0%"  # fraction, no-break space


@pytest.mark.slow
def test_babel_is_imported_on_first_use_only():
    code = ("import sys, lichtenberg_data, lichtenberg_data.charts as c; "
            "before = 'babel' in sys.modules; c.format_number(1); "
            "print(before, 'babel.numbers' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "True"]
