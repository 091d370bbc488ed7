"""German number and date formatting."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from lichtenberg_data.charts.formats import (
    MINUS,
    GermanFormatter,
    format_change,
    format_date,
    format_month,
    format_number,
    format_percent,
    month_name,
)


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (1234.5, 1, "1.234,5"),
        (1234567, 0, "1.234.567"),
        (1234567.891, 2, "1.234.567,89"),
        (0, 0, "0"),
        (0.0, 2, "0,00"),
        (-1234, 0, f"{MINUS}1.234"),
        (-0.5, 1, f"{MINUS}0,5"),
        (-0.04, 1, "0,0"),  # rounds to zero: no "−0,0"
        (2.45, 1, "2,5"),  # ROUND_HALF_UP on the decimal value, not binary float
        (2.5, 0, "3"),
        (3.5, 0, "4"),
        (0.125, 2, "0,13"),
        (-2.45, 1, f"{MINUS}2,5"),  # half away from zero
        (999.95, 1, "1.000,0"),
        (np.int64(4200), 0, "4.200"),
        (np.float64(1.05), 1, "1,1"),
        (Decimal("7.005"), 2, "7,01"),
        (12, 0, "12"),
    ],
)
def test_format_number(value, decimals, expected):
    assert format_number(value, decimals) == expected


@pytest.mark.parametrize("missing", [None, float("nan"), np.nan, pd.NA, pd.NaT])
def test_missing_values_are_a_dash(missing):
    assert format_number(missing) == "–"
    assert format_percent(missing) == "–"


def test_minus_is_the_typographic_sign():
    assert MINUS == "\u2212"
    assert format_number(-1) == "\u22121"


def test_sign_and_grouping_options():
    assert format_number(12, sign=True) == "+12"
    assert format_number(-12, sign=True) == f"{MINUS}12"
    assert format_number(0, sign=True) == "±0"
    assert format_number(2025, grouping=False) == "2025"
    assert format_number(float("inf")) == "∞"


def test_format_percent_takes_percent_points():
    assert format_percent(12.34) == "12,3 %"
    assert format_percent(12.35) == "12,4 %"
    assert format_percent(-5, 0) == f"{MINUS}5 %"
    assert format_percent(0) == "0,0 %"
    assert format_percent(2.5, sign=True) == "+2,5 %"


def test_format_change():
    assert format_change(5320, 5200) == "+120 (+2,3 %)"
    assert format_change(5000, 5200) == f"{MINUS}200 ({MINUS}3,8 %)"
    assert format_change(12.5, 11.3, decimals=1, unit="%") == "+1,2 Pp."
    assert format_change(3, 0) == "+3"  # no relative change from zero
    assert format_change(3, None) == "–"


def test_dates_and_months():
    assert format_date(date(2025, 12, 31)) == "31.12.2025"
    assert format_date("2025-01-02") == "02.01.2025"
    assert format_date(datetime(2024, 6, 30, 12, 0)) == "30.06.2024"
    assert format_date(pd.Timestamp("2024-03-01")) == "01.03.2024"
    assert format_date(np.datetime64("2024-03-01")) == "01.03.2024"
    assert format_date(None) == "–"
    assert format_month("2025-03-15") == "März 2025"
    assert format_month("2025-12-01", short=True) == "Dez. 2025"
    assert [month_name(m) for m in (1, 5, 10)] == ["Januar", "Mai", "Oktober"]
    with pytest.raises(ValueError):
        month_name(13)


def test_german_tick_formatter_picks_decimals_from_ticks():
    f = GermanFormatter()
    f.set_locs([0, 5000, 10000, 15000])
    assert [f(v) for v in (0, 10000, -5000)] == ["0", "10.000", f"{MINUS}5.000"]
    f.set_locs([0, 2.5, 5, 7.5])
    assert f(2.5) == "2,5" and f(5) == "5,0"
    p = GermanFormatter(percent=True)
    p.set_locs([0, 10, 20])
    assert p(20) == "20 %"
    a = GermanFormatter(absolute=True)
    a.set_locs([-10, 0, 10])
    assert a(-10) == "10"
    assert GermanFormatter(0, grouping=False)(2024) == "2024"
