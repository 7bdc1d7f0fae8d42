"""The trained comparisons of 07_lstm.ipynb and 08_playground.ipynb, as experiments that hold on every seed.

- ``07-rig``: constant, ARX(2, 5), RNN, LSTM and the neural state-space model (``nnlab.statespace``) on the
  real cascaded-tanks rig (``nnlab.systems.load_rig``), every recurrent model at the same budget (Adam steps x
  windows x samples per window, ``RIG_BUDGET``), scored by free-run simulation RMSE on the test record;
- ``07-sim``: the same LSTM on the simulated record (``load_record("cascaded_tanks")``), unfolded over the full
  record or trained on windows, at an equal number of training samples seen (``SIM_SAMPLES``), time per
  epoch beside it, against ARX;
- ``08-explorer``: the sequence explorer's default settings (``nnlab.experiments.sequences``).

Every recurrent model reads the first ``N_INIT`` = 5 measured outputs (the samples the score skips) to set
its state. Run one with ``nnlab.experiments.robustness.check(name)``; ``make robustness`` runs all seeds.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np

from ..memory import state_gradient
from ..metrics import rmse
from ..narx import fit_arx
from ..narx import simulate as simulate_arx
from ..sequences import SequenceModel, fit_sequence, make_model, near_identity_, simulate
from ..statespace import make_statespace
from ..systems import Record, load_rig
from .robustness import Claim, Trial, experiment
from .sequences import SequenceSettings, explore_sequence, tank_records

__all__ = ["N_INIT", "NA", "NB", "HIDDEN", "STATE", "GRAD_LAG", "RIG_BUDGET", "RIG_LR", "SIM_SAMPLES", "rig", "tanks",
           "baselines", "free_run_rmse", "rig_models", "sim_windows", "explorer_defaults"]

N_INIT, NA, NB = 5, 2, 5                 # measured outputs read in; ARX orders
HIDDEN, STATE = 16, 4                    # recurrent units of the RNN and LSTM; states of the state-space model
GRAD_LAG = 100                           # 07-rig: the lag at which the state gradients are compared
# every recurrent model of 07-rig: 500 Adam steps on 64 windows of 128 samples (windows every 8 samples), the
# learning rate decaying twentyfold from RIG_LR (the vanilla RNN, started near the identity, needs a smaller one)
RIG_BUDGET = dict(length=128, stride=8, washout=N_INIT, batch_size=64, steps=500, decay=0.05)
RIG_LR = {"rnn": 5e-3, "lstm": 2e-2, "statespace": 2e-2}
SIM_SAMPLES = 600 * 1024                 # 07-sim: training samples each recipe sees


@lru_cache(maxsize=1)
def rig() -> tuple[Record, Record]:
    """The real rig's training and test records."""
    return load_rig("train"), load_rig("test")


def tanks() -> tuple[Record, Record]:
    """The simulated cascaded tanks' training and test records (the explorer's, loaded once)."""
    return tank_records()


def free_run_rmse(model: SequenceModel, test: Record) -> float:
    """Free-run simulation RMSE (V) of a recurrent model on ``test``, reading its first N_INIT outputs."""
    y = simulate(model, test.u, test.y[:N_INIT])
    return rmse(test.y, y, test.n_skip) if np.isfinite(y).all() else float("inf")


def baselines(train: Record, test: Record) -> dict[str, float]:
    """Test RMSE (V) of the constant predictor (training mean) and of ARX(2, 5) by least squares, free run."""
    theta = fit_arx(train.u, train.y, NA, NB)
    return {"constant": rmse(test.y, np.full_like(test.y, train.y.mean()), test.n_skip),
            "arx": rmse(test.y, simulate_arx(theta, test.u, test.y[:N_INIT], NA, NB), test.n_skip)}


def rig_models(seed: int) -> dict[str, SequenceModel]:
    """The three recurrent models of 07-rig, untrained: RNN (W_hh near 0.95 I) and LSTM (H = 16), state-space
    (4 states, 16 tanh units)."""
    rnn = make_model("rnn", HIDDEN, impl="bptt", n_init=N_INIT, seed=seed)     # hand-written BPTT: faster here
    near_identity_(rnn.core)                                         # a slow, long memory to start from (06)
    return {"rnn": rnn,
            "lstm": make_model("lstm", HIDDEN, n_init=N_INIT, seed=seed),
            "statespace": make_statespace(STATE, HIDDEN, N_INIT, seed=seed)}


@experiment("07-rig", notebook="07", about="RNN, LSTM, state-space model on the real rig, equal budgets",
            claims=[Claim("the state-space model beats ARX on the real rig", "statespace", "<", "arx", unit="V"),
                    Claim("the state-space model is within the published LSTM's 0.49 V", "statespace", "<=", 0.49,
                          unit="V"),
                    Claim("the state-space model beats the RNN and the LSTM", "statespace", "<", "best_rnn_lstm",
                          unit="V"),
                    Claim("every recurrent model beats the constant predictor", "worst_recurrent", "<",
                          "constant", unit="V"),
                    Claim("at this budget the RNN and the LSTM do not beat ARX", "best_rnn_lstm", ">", "arx",
                          unit="V"),
                    Claim("100 steps back, the LSTM's cell-state gradient is larger than the RNN's state gradient",
                          "lstm_grad_100", ">", "rnn_grad_100")])
def rig_comparison(seed: int) -> Trial:
    train, test = rig()
    metrics, fits, models = baselines(train, test), {}, rig_models(seed)
    for name, model in models.items():
        fits[name] = fit_sequence(model, train.u, train.y, **RIG_BUDGET, lr=RIG_LR[name], seed=seed)
        metrics[name] = free_run_rmse(model, test)
    metrics["worst_recurrent"] = max(metrics[k] for k in models)
    metrics["best_rnn_lstm"] = min(metrics["rnn"], metrics["lstm"])
    for name in ("lstm", "rnn"):                                     # |d sum s(T) / d s(T - 100)| on the test record
        metrics[f"{name}_grad_100"] = float(state_gradient(models[name], test.u, test.y, GRAD_LAG)[GRAD_LAG])
    return Trial(metrics, {"models": models, "fits": fits})


def sim_windows(seed: int) -> tuple[dict[str, SequenceModel], dict]:
    """07-sim's two LSTM recipes at SIM_SAMPLES samples seen: the full record (one window of 1,024 per step)
    and windows of 128 (8 per step, so the same 1,024 samples and the same number of steps)."""
    train, _ = tanks()
    steps = SIM_SAMPLES // len(train.u)
    recipes = {"full": dict(length=None, batch_size=1), "windows": dict(length=128, stride=8, batch_size=8)}
    models, fits = {}, {}
    for name, recipe in recipes.items():
        models[name] = make_model("lstm", HIDDEN, n_init=N_INIT, seed=seed)
        fits[name] = fit_sequence(models[name], train.u, train.y, **recipe, washout=N_INIT, steps=steps, lr=2e-2,
                                  decay=0.05, seed=seed)
    return models, fits


@experiment("07-sim", notebook="07", about="LSTM, full record vs windows, equal samples seen (simulated tanks)",
            claims=[Claim("both recipes are at least 3x better than the constant predictor", "worst_lstm", "<=",
                          "constant", factor=1 / 3, unit="V")])
def sim_comparison(seed: int) -> Trial:
    train, test = tanks()
    metrics = baselines(train, test)
    models, fits = sim_windows(seed)
    for name, model in models.items():
        metrics[name] = free_run_rmse(model, test)
    metrics["best_lstm"], metrics["worst_lstm"] = min(metrics["full"], metrics["windows"]), \
        max(metrics["full"], metrics["windows"])
    return Trial(metrics, {"models": models, "fits": fits})


@experiment("08-explorer", notebook="08", about="the sequence explorer's default settings (simulated tanks)",
            claims=[Claim("the explorer's defaults are at most half the constant predictor's error", "explorer",
                          "<=", "constant", factor=0.5, unit="V")])
def explorer_defaults(seed: int) -> Trial:
    train, test = tanks()
    run = explore_sequence(SequenceSettings(seed=seed))
    return Trial({"explorer": run.rmse, **baselines(train, test)}, {"result": run})
