"""nnlab.experiments.narx: explore_orders, its OrderResult and the status line (≈ for trained numbers)."""
import math

import numpy as np
import pytest

from nnlab.experiments.narx import BOUNDS, STEPS, OrderResult, explore_orders
from nnlab.metrics import rmse
from nnlab.narx import fit_arx, simulate
from nnlab.report import approx
from nnlab.systems import load_record


@pytest.fixture(scope="module")
def tanks():
    return load_record("cascaded_tanks", "train"), load_record("cascaded_tanks", "test")


@pytest.mark.parametrize("na, nb, hidden", [(1, 0, 2), (2, 2, 16), (6, 6, 64)])
def test_explore_orders(tanks, na, nb, hidden):
    train, test = tanks
    res = explore_orders(train, test, na, nb, hidden)
    status = res.status()
    assert isinstance(res, OrderResult) and res.diverged_at is None and res.n_skip == test.n_skip
    assert res.params_arx == na + nb + 2 and res.y_arx.shape == res.y_narx.shape == (1024,)
    assert res.params_narx == (na + nb + 1) * hidden + hidden + hidden + 1
    theta = fit_arx(train.u, train.y, na, nb)                        # ARX: least squares, so exact
    assert res.rmse_arx == rmse(test.y, simulate(theta, test.u, test.y[:max(na, nb)], na, nb), skip=5)
    assert f"na={na}, nb={nb}, hidden={hidden}" in status and f"ARX {res.rmse_arx:.3f} V" in status
    assert f"NARX {approx(res.rmse_narx)} V" in status and f"only {approx(res.onestep_narx)} V" in status  # trained: ≈
    assert status.startswith("⚠") == (max(na, nb) > 5 or not math.isfinite(res.rmse_arx + res.rmse_narx))
    assert STEPS == 300


def fake(**changes) -> OrderResult:
    base = dict(na=2, nb=2, hidden=8, n_skip=5, y_arx=np.zeros(3), y_narx=np.zeros(3), rmse_arx=0.3,
                rmse_narx=0.4, onestep_narx=0.04, params_arx=6, params_narx=57, diverged_at=None)
    return OrderResult(**{**base, **changes})


@pytest.mark.parametrize("changes, start", [
    ({}, "na=2, nb=2, hidden=8: test simulation RMSE ARX 0.300 V (6 parameters), NARX ≈0.400 V"),
    ({"rmse_narx": math.nan}, "⚠ A free run diverged"),
    ({"rmse_arx": math.inf}, "⚠ A free run diverged"),
    ({"na": 6}, "⚠ max(na, nb) = 6 > n_skip = 5"),
    ({"diverged_at": ("one-step", 12), "rmse_narx": math.nan}, "⚠ The net's one-step training diverged at step 12"),
])
def test_status_line_warns_first(changes, start):
    assert fake(**changes).status().startswith(start)


@pytest.mark.parametrize("setting, value, error", [
    ("na", 0, ValueError), ("na", BOUNDS["na"][1] + 1, ValueError), ("nb", -1, ValueError),
    ("hidden", 0, ValueError), ("hidden", 4.0, TypeError), ("seed", -1, ValueError),
])
def test_settings_outside_the_bounds_are_refused(tanks, setting, value, error):
    kwargs = {"na": 2, "nb": 2, "hidden": 8, "seed": 0, setting: value}
    with pytest.raises(error, match=setting):
        explore_orders(*tanks, **kwargs)
