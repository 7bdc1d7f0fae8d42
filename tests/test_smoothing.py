"""nnlab.smoothing.moving_average against numpy's convolution, its causality, and its bad-input errors."""
from __future__ import annotations

import numpy as np
import pytest

from nnlab.smoothing import fir, fit_fir, lagged, moving_average


@pytest.mark.parametrize("width", [1, 3, 5, 15])
def test_centred_average_equals_a_convolution_inside_the_record(width):
    x = np.random.default_rng(width).standard_normal(64)
    ref = np.convolve(x, np.ones(width) / width, mode="valid")          # windows that fit whole
    half = width // 2
    np.testing.assert_allclose(moving_average(x, width)[half:x.size - half], ref, atol=1e-12)


@pytest.mark.parametrize("width", [1, 2, 5, 15])
def test_causal_average_is_the_mean_of_the_last_width_samples(width):
    x = np.random.default_rng(width).standard_normal(40)
    ref = np.array([x[max(0, t - width + 1):t + 1].mean() for t in range(x.size)])
    np.testing.assert_allclose(moving_average(x, width, centred=False), ref, atol=1e-12)


def test_centred_average_near_the_ends_uses_the_samples_that_exist():
    np.testing.assert_allclose(moving_average(np.arange(5.0), 3), [0.5, 1, 2, 3, 3.5])


@pytest.mark.parametrize("centred, first", [(True, 28), (False, 30)])
def test_only_the_centred_average_sees_the_future(centred, first):
    x = np.zeros(60)
    x[30] = 1.0
    assert np.flatnonzero(moving_average(x, 5, centred=centred))[0] == first


@pytest.mark.parametrize("x, width, kw, error, match", [
    (np.zeros(8), 4, {}, ValueError, "width must be odd"),
    (np.zeros(8), 9, {}, ValueError, "width"),
    (np.zeros(8), 0, {}, ValueError, "width"),
    (np.zeros(8), 2.0, {}, TypeError, "width"),
    (np.zeros((2, 4)), 3, {}, ValueError, r"x must be a 1-D record.*\(2, 4\)"),
    (np.array([]), 1, {}, ValueError, "x must be a 1-D record"),
    (np.array([1.0, np.nan, 2.0]), 1, {}, ValueError, "x"),
    (np.array([True, False]), 1, {}, TypeError, "booleans"),
    (np.zeros(8), 3, {"centred": "yes"}, TypeError, "centred"),
])
def test_bad_input_is_refused_naming_the_argument(x, width, kw, error, match):
    with pytest.raises(error, match=match):
        moving_average(x, width, **kw)


@pytest.mark.parametrize("width, centred", [(1, True), (5, True), (4, False), (15, False)])
def test_lagged_columns_are_shifted_copies_of_the_record(width, centred):
    x = np.arange(20.0)
    z = lagged(x, width, centred)
    ahead = width // 2 if centred else 0
    assert z.shape == (20, width)
    for j in range(width):                                             # column j holds x(t + ahead - j)
        t = np.arange(20)
        np.testing.assert_array_equal(z[:, j], x[np.clip(t + ahead - j, 0, 19)])


@pytest.mark.parametrize("width, centred", [(5, True), (7, False)])
def test_fit_fir_recovers_known_taps_and_fir_applies_them(width, centred):
    rng = np.random.default_rng(width)
    x, taps = rng.standard_normal(200), rng.standard_normal(width)
    y = lagged(x, width, centred) @ taps + 0.5
    theta = fit_fir(x, y, width, centred)
    np.testing.assert_allclose(theta, np.r_[taps, 0.5], atol=1e-10)
    np.testing.assert_allclose(fir(x, theta, centred), y, atol=1e-10)


def test_a_uniform_fir_is_the_moving_average_inside_the_record():
    x = np.random.default_rng(0).standard_normal(50)
    theta = np.r_[np.full(5, 0.2), 0.0]
    np.testing.assert_allclose(fir(x, theta)[2:-2], moving_average(x, 5)[2:-2], atol=1e-12)


def test_the_fir_helpers_refuse_bad_input():
    with pytest.raises(ValueError, match="same shape"):
        fit_fir(np.zeros(10), np.zeros(9), 3)
    with pytest.raises(ValueError, match="width must be odd"):
        lagged(np.zeros(10), 4)
    with pytest.raises(ValueError, match="theta"):
        fir(np.zeros(10), np.array([1.0]))
    with pytest.raises(ValueError, match="y must be a 1-D record"):
        fit_fir(np.zeros(10), np.zeros((10, 1)), 3)
