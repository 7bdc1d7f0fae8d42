"""Notebook 05's trained comparisons on the real cascaded-tanks rig, as named experiments with their claims.

``05-narx``: on the rig's training record (``systems.load_rig``), least-squares ARX(2, 5), a NARX net from random
weights (one-step training, then simulation training) and the ARX-initialised NARX net (``narx_analysis.from_arx``:
ARX + a nonlinear correction that starts at zero, simulation training only), scored by free-run RMSE on the
rig's test record (first 5 samples skipped) and by the k-step-ahead RMSE at k = 1 and k = K. Both nets get the
same simulation-training budget (SIM_STEPS x SIM_BATCH windows of SIM_HORIZON samples); the random net also gets
ONE_STEP full-batch one-step updates first (ARX's counterpart is its closed-form least-squares solve).
"""
from __future__ import annotations

import copy

import numpy as np

from ..metrics import rmse
from ..narx import NA, NB, fit_arx, predict_one_step, simulate, train_one_step, train_simulation
from ..narx_analysis import SIM_BUDGET, from_arx, k_step_rmse
from ..systems import load_rig
from .robustness import Claim, Trial, experiment

HIDDEN = 16
ONE_STEP = 500                                        # full-batch one-step Adam updates (random net only)
SIM_STEPS, SIM_BATCH, SIM_HORIZON, SIM_LR = (SIM_BUDGET[k] for k in ("steps", "batch", "horizon", "lr"))  # both nets'
K = 60                                                # the longest k of the k-step-ahead curve


def _scores(model, test, n0: int) -> tuple[float, np.ndarray, np.ndarray]:
    """Free-run RMSE, the free run (T,) and the k-step RMSE curve (K,) of a model on the test record."""
    y_sim = simulate(model, test.u, test.y[:n0], NA, NB)
    return rmse(test.y, y_sim, skip=test.n_skip), y_sim, k_step_rmse(model, test.u, test.y, NA, NB, K)


def _flatness(losses: np.ndarray) -> float:
    """Mean loss of the last 100 steps over the mean of the 100 before (1: flat; below 1: still falling).

    With fewer than 200 steps, the last half over the half before."""
    half = min(100, losses.size // 2)
    if half == 0:
        return float("nan")
    return float(np.mean(losses[-half:]) / np.mean(losses[-2 * half:-half]))


def _window_rms(fit) -> float:
    """RMS error (V) over the training windows in the last 100 simulation steps: sqrt(mean loss) x the net's y_std."""
    return float(np.sqrt(np.mean(fit.simulation[-100:])) * float(fit.net.y_std))


@experiment("05-narx", notebook="05", about="ARX vs NARX nets on the real rig, free-run test RMSE (V)",
            claims=[Claim("ARX is at least 3x better than the constant", "constant", ">=", "arx", factor=3,
                          unit="V"),
                    Claim("the one-step-trained net's one-step error is within 10% of ARX's", "onestep_1step", "<=",
                          "arx_1step", factor=1.1, unit="V"),
                    Claim("but its free run is more than 10x its one-step error", "onestep", ">", "onestep_1step",
                          factor=10, unit="V"),
                    Claim("and worse than ARX's", "onestep", ">", "arx", unit="V"),
                    Claim("simulation training makes the random net simulate better", "narx", "<", "onestep",
                          unit="V"),
                    Claim("but with this budget it stays worse than ARX", "narx", ">", "arx", unit="V"),
                    Claim("the ARX-initialised NARX is at least as good as ARX", "narx_arx", "<=", "arx", unit="V"),
                    Claim("and better than the random net at the same budget", "narx_arx", "<", "narx", unit="V"),
                    Claim(f"its {K}-step-ahead error is below ARX's", f"narx_arx_k{K}", "<", f"arx_k{K}", unit="V"),
                    Claim("the random net predicts 10 steps ahead better than ARX", "narx_k10", "<", "arx_k10",
                          unit="V"),
                    Claim(f"but {K} steps ahead worse", f"narx_k{K}", ">", f"arx_k{K}", unit="V"),
                    Claim("the random net fits the training windows better than the ARX-initialised one",
                          "narx_window", "<", "narx_arx_window", unit="V"),
                    Claim("the random net's simulation loss has levelled off (last 100 steps >= 0.85 x the 100 before)",
                          "narx_flat", ">=", 0.85),
                    Claim("so has the ARX-initialised net's", "narx_arx_flat", ">=", 0.85)])
def narx_vs_arx(seed: int) -> Trial:
    train, test = load_rig("train"), load_rig("test")
    n0 = max(NA, NB)
    theta = fit_arx(train.u, train.y, NA, NB)
    constant = rmse(test.y, np.full_like(test.y, train.y.mean()), skip=test.n_skip)
    arx, y_arx, k_arx = _scores(theta, test, n0)
    arx_1step = rmse(test.y, predict_one_step(theta, test.u, test.y, NA, NB), skip=test.n_skip)

    one = train_one_step(train.u, train.y, NA, NB, HIDDEN, steps=ONE_STEP, seed=seed)
    one_net = copy.deepcopy(one.net)                                      # kept before simulation training
    onestep, y_one, _ = _scores(one_net, test, n0)
    onestep_1step = rmse(test.y, predict_one_step(one_net, test.u, test.y, NA, NB), skip=test.n_skip)
    budget = dict(horizon=SIM_HORIZON, batch=SIM_BATCH, steps=SIM_STEPS, lr=SIM_LR, seed=seed)
    fit = train_simulation(one, train.u, train.y, **budget)
    narx, y_narx, k_narx = _scores(fit.net, test, n0)

    start = from_arx(train.u, train.y, NA, NB, HIDDEN, seed=seed, theta=theta)
    start_rmse = rmse(test.y, simulate(start.net, test.u, test.y[:n0], NA, NB), skip=test.n_skip)
    fit_arx_net = train_simulation(start, train.u, train.y, **budget)   # = narx_analysis.fit_narx_from_arx(train)
    narx_arx, y_narx_arx, k_narx_arx = _scores(fit_arx_net.net, test, n0)

    metrics = {"constant": constant, "arx": arx, "arx_1step": arx_1step, "onestep": onestep,
               "onestep_1step": onestep_1step, "narx": narx, "narx_arx": narx_arx, "narx_arx_start": start_rmse,
               "arx_k1": k_arx[0], f"arx_k{K}": k_arx[-1], "narx_arx_k1": k_narx_arx[0],
               f"narx_arx_k{K}": k_narx_arx[-1], "arx_k10": k_arx[9], "narx_k10": k_narx[9],
               f"narx_k{K}": k_narx[-1], "narx_window": _window_rms(fit), "narx_arx_window": _window_rms(fit_arx_net),
               "narx_flat": _flatness(fit.simulation),
               "narx_arx_flat": _flatness(fit_arx_net.simulation)}
    details = {"train": train, "test": test, "theta": theta, "one_step_net": one_net, "one_step_fit": one,
               "narx_fit": fit, "narx_arx_fit": fit_arx_net,
               "free_runs": {"ARX": y_arx, "NARX one-step trained": y_one, "NARX simulation trained": y_narx,
                             "NARX started at ARX": y_narx_arx},
               "k_step": {"ARX": k_arx, "NARX simulation trained": k_narx, "NARX started at ARX": k_narx_arx}}
    return Trial(metrics, details)
