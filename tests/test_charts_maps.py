"""The classes of a choropleth: computed as mapclassify computes them, without importing it."""

from __future__ import annotations

import numpy as np
import pytest

from lichtenberg_data.charts.maps import classify

pytestmark = pytest.mark.slow  # each compares with mapclassify, whose import (with scipy) takes 0.7 s


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("k", [3, 4, 5, 7])
def test_quantiles_are_mapclassifys(seed, k):
    mapclassify = pytest.importorskip("mapclassify")
    rng = np.random.default_rng(seed)
    y = rng.lognormal(3, 1, 542).round(seed % 3)  # rounding makes ties, as in counts per Planungsraum
    ours, theirs = classify(y, "quantiles", k=k), mapclassify.classify(y, "quantiles", k=k)
    assert ours.bins.tolist() == theirs.bins.tolist()
    assert ours.yb.tolist() == theirs.yb.tolist() and ours.k == theirs.k


def test_few_distinct_values_give_fewer_classes_as_in_mapclassify():
    mapclassify = pytest.importorskip("mapclassify")
    y = np.array([1.0] * 10 + [2.0] * 3 + [9.0])
    with pytest.warns(UserWarning, match="Not enough unique values"):
        theirs = mapclassify.classify(y, "quantiles", k=5)
    ours = classify(y, "quantiles", k=5)
    assert ours.bins.tolist() == theirs.bins.tolist() == [1.0, 2.0, 9.0]
    assert ours.yb.tolist() == theirs.yb.tolist()
    assert ours.k == 3 and theirs.k == 5  # classes made; mapclassify keeps the number asked for


def test_user_defined_bins_take_the_largest_value_as_last_bound():
    mapclassify = pytest.importorskip("mapclassify")
    y = np.array([12.5, 25.0, 49.9, 75.0, 88.0, 100.0, 100.0])
    for bins in ([25, 50, 75, 90, 100], [25, 50, 75]):
        ours, theirs = classify(y, "user_defined", bins=bins), mapclassify.classify(y, "user_defined", bins=bins)
        assert ours.bins.tolist() == theirs.bins.tolist()
        assert ours.yb.tolist() == theirs.yb.tolist()
    assert classify(y, "user_defined", bins=[25, 50, 75]).yb.tolist() == [0, 0, 1, 2, 3, 3, 3]


def test_other_schemes_are_mapclassifys_own():
    mapclassify = pytest.importorskip("mapclassify")
    y = np.arange(100.0)
    got = classify(y, "equal_interval", k=4)
    assert isinstance(got, mapclassify.classifiers.EqualInterval)
    assert got.bins.tolist() == [24.75, 49.5, 74.25, 99.0]


def test_missing_or_no_values_and_no_classes_are_refused_with_what_to_do():
    with pytest.raises(ValueError, match="empty or hold missing values"):
        classify([1.0, float("nan"), 3.0])
    with pytest.raises(ValueError, match="empty or hold missing values"):
        classify([])
    with pytest.raises(ValueError, match="k must be a whole number >= 1, not 0"):
        classify([1.0, 2.0], k=0)
