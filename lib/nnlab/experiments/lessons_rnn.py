"""The trained comparisons of 06_recurrent_networks.ipynb, each a named experiment ``run(seed) -> Trial``.

Every RNN (H = 16, ``nnlab.sequences.make_model``, W_hh started near 0.95 I) reads the first ``N_INIT``
measured outputs of each window (``n_init``) and is trained with Adam on the simulated cascaded tanks for
``STEPS`` steps of up to ``SAMPLES`` training samples each (one full record, or batches of 1024 / L windows of
length L; an epoch's last batch is short when the batch size does not divide the number of windows, so
``samples_seen`` counts what each run saw); it is scored by free-run simulation of the whole test record
(1,024 steps, the first ``n_skip`` samples skipped). Score tables carry the constant predictor (the training
mean) and ARX (``nnlab.narx.fit_arx``, na = 2, nb = 5). Training uses the hand-written BPTT layer
(impl "bptt", checked against autograd in the notebook): on one CPU thread it typically runs a 1,024-step
record faster than the fused ``nn.RNN``, which keeps the notebook inside its time budget (no claim checks
times: they depend on the machine and its load).
"""
from __future__ import annotations

import time
from functools import lru_cache

import numpy as np
import torch

from .. import narx
from ..checks import integer
from ..metrics import rmse
from ..sequences import SequenceModel, fit_sequence, make_model, near_identity_, simulate
from ..smoothing import fir, fit_fir, moving_average
from ..systems import Record, load_record
from ..training import seeded
from .robustness import Claim, Trial, experiment

__all__ = ["HIDDEN", "N_INIT", "STEPS", "SAMPLES", "LR", "IMPL", "NOISE", "records", "baselines", "train_rnn",
           "last_drop", "horizon_rmse", "samples_seen", "roughness"]

HIDDEN, N_INIT, STEPS, SAMPLES, LR, DECAY, IMPL = 16, 5, 200, 1024, 5e-3, 0.1, "bptt"
NOISE = 0.5                     # V, the measurement noise of the smoothing task


@lru_cache(maxsize=1)
def records() -> tuple[Record, Record]:
    """The simulated cascaded tanks' training and test records (T = 1024 each)."""
    return load_record("cascaded_tanks", "train"), load_record("cascaded_tanks", "test")


@lru_cache(maxsize=1)
def baselines() -> dict[str, float]:
    """Test simulation RMSE (V) of the constant predictor (training mean) and of ARX (na = 2, nb = 5)."""
    train, test = records()
    theta = narx.fit_arx(train.u, train.y, narx.NA, narx.NB)
    n0 = max(narx.NA, narx.NB)
    return {"constant": rmse(test.y, np.full_like(test.y, train.y.mean()), test.n_skip),
            "arx": rmse(test.y, narx.simulate(theta, test.u, test.y[:n0], narx.NA, narx.NB), test.n_skip)}


@lru_cache(maxsize=16)
def train_rnn(length: int | None, stride: int | None, washout: int, seed: int, steps: int = STEPS):
    """One RNN trained on the training record (length None: full unfolding), ``steps`` steps of SAMPLES samples.

    Returns (model, fit, y_sim (T,) free run of the test record, its RMSE in V, CPU seconds). Cached: the
    experiments that share a run (e.g. non-overlapping windows of 128) train it once per process.
    """
    train, test = records()
    window = train.u.size if length is None else length
    model = make_model("rnn", HIDDEN, impl=IMPL, n_init=N_INIT, seed=seed)
    near_identity_(model.core)
    start = time.process_time()
    fit = fit_sequence(model, train.u, train.y, length=length, stride=stride, washout=washout,
                       batch_size=SAMPLES // window, steps=steps, lr=LR, decay=DECAY, seed=seed)
    cpu = time.process_time() - start
    y_sim = simulate(model, test.u, test.y[:N_INIT])
    return model, fit, y_sim, rmse(test.y, y_sim, test.n_skip), cpu


def last_drop(losses: np.ndarray) -> float:
    """How much the loss (n,) still fell at the end: 1 - mean(last fifth) / mean(the fifth before)."""
    n = max(1, losses.size // 5)
    return float(1 - losses[-n:].mean() / losses[-2 * n:-n].mean())


def samples_seen(windows: int, batch_size: int, steps: int, length: int) -> np.ndarray:
    """Training samples seen after each step (steps,), batching as ``fit_sequence`` does: ``windows`` windows of
    ``length`` per epoch in batches of ``batch_size``, the epoch's last batch short (e.g. 29 windows: 8, 8, 8, 5)."""
    windows, batch_size = integer("windows", windows, 1), integer("batch_size", batch_size, 1)
    steps, length = integer("steps", steps, 1), integer("length", length, 1)
    per_epoch = [batch_size] * (windows // batch_size) + ([windows % batch_size] if windows % batch_size else [])
    batches = np.resize(np.array(per_epoch), steps)                              # (steps,) windows per step
    return np.cumsum(batches) * length


def roughness(losses: np.ndarray) -> float:
    """How jagged a loss curve (n,) is: the mean |step-to-step change| of log(loss)."""
    return float(np.abs(np.diff(np.log(losses))).mean())


def horizon_rmse(model: SequenceModel, u: np.ndarray, y: np.ndarray, length: int, skip: int,
                 stop: int | None = None) -> float:
    """RMSE (V) of simulating L = ``length`` steps ahead: the record u, y (T,) cut into windows of ``length``, each
    simulated from its own first n_init measured outputs, scored on samples skip..stop-1 of every window."""
    n = (u.size // length) * length
    uw = torch.as_tensor(u[:n], dtype=torch.float32).view(-1, length)           # (Q, L)
    yw = torch.as_tensor(y[:n], dtype=torch.float32).view(-1, length)           # (Q, L)
    with torch.no_grad():
        y_hat = model(uw, yw[:, :model.n_init]).double()                         # (Q, L)
    return float(((y_hat - yw.double())[:, skip:stop] ** 2).mean().sqrt())


WAYS = {"full": (None, None), "cut": (128, 128), "overlap": (128, 32)}          # (length, stride)
START = 64                      # the first samples of the test free run, scored apart ("start_*" metrics)


@experiment("06-windows", notebook="06", about="full unfolding vs windows of 128 (TBPTT), 200 steps each",
            claims=[Claim("windows of 128, both ways, at least 3x better than the constant predictor", "worst_windows",
                          "<=", "constant", factor=1 / 3, unit="V"),
                    Claim("full unfolding at least 2x better than the constant predictor", "full", "<=", "constant",
                          factor=1 / 2, unit="V"),
                    Claim("non-overlapping windows beat full unfolding at equal samples seen", "cut", "<", "full",
                          unit="V"),
                    Claim("overlapping windows beat full unfolding, on fewer samples seen", "overlap", "<", "full",
                          unit="V"),
                    Claim("the overlapping run's loss curve is rougher than the non-overlapping one's",
                          "rough_overlap", ">", "rough_cut"),
                    Claim("full unfolding starts worse: first 64 test samples, larger error than both windowed runs",
                          "start_full", ">", "worst_start_windows", unit="V"),
                    Claim("after the first 64 samples, full unfolding at least 3x better than the constant",
                          "rest_full", "<=", "constant", factor=1 / 3, unit="V"),
                    Claim("ARX still beats the best RNN", "arx", "<", "best_rnn", unit="V"),
                    Claim("every loss fell at least 5x from the first to the last tenth of the steps", "worst_fall",
                          ">=", 5.0),
                    Claim("... by less than half over the last fifth of the steps (levelling off)", "worst_drop", "<",
                          0.5),
                    Claim("... but every loss still fell over the last fifth (not flat yet)", "least_drop", ">", 0.0)])
def windows(seed: int) -> Trial:
    """Full unfolding, non-overlapping windows of 128 and windows of 128 every 32 samples; 200 steps each (the
    overlapping run's epochs end on a batch of 5: it sees 9% fewer samples, ``samples_*``). Times are metrics
    (``ms_per_step_*``, ``s_per_epoch_*``, CPU), never claims."""
    train, test = records()
    metrics, details = dict(baselines()), {}
    for name, (length, stride) in WAYS.items():
        model, fit, y_sim, score, cpu = train_rnn(length, stride, N_INIT, seed)
        metrics[name] = score
        metrics[f"start_{name}"] = rmse(test.y[:START], y_sim[:START], test.n_skip)     # the first 64 samples
        metrics[f"rest_{name}"] = rmse(test.y[START:], y_sim[START:])                    # the other 960
        metrics[f"samples_{name}"] = fit.epochs * fit.windows * (length or train.u.size)  # epochs x Q x L
        metrics[f"rough_{name}"] = roughness(fit.losses)
        metrics[f"ms_per_step_{name}"] = 1e3 * cpu / STEPS
        metrics[f"s_per_epoch_{name}"] = cpu / fit.epochs
        metrics[f"drop_{name}"] = last_drop(fit.losses)
        tenth = fit.losses.size // 10
        metrics[f"fall_{name}"] = float(fit.losses[:tenth].mean() / fit.losses[-tenth:].mean())
        details[name] = {"model": model, "fit": fit, "y_sim": y_sim}
    metrics["worst_windows"] = max(metrics["cut"], metrics["overlap"])
    metrics["worst_start_windows"] = max(metrics["start_cut"], metrics["start_overlap"])
    metrics["best_rnn"] = min(metrics[n] for n in WAYS)
    metrics["worst_drop"] = max(metrics[f"drop_{n}"] for n in WAYS)
    metrics["least_drop"] = min(metrics[f"drop_{n}"] for n in WAYS)
    metrics["worst_fall"] = min(metrics[f"fall_{n}"] for n in WAYS)
    metrics["worst_rnn"] = max(metrics[n] for n in WAYS)
    return Trial(metrics, details)


HORIZONS = (32, 128, 512)


@experiment("06-horizon", notebook="06", about="trained L steps ahead, tested L and 1,024 steps ahead",
            claims=[Claim("trained 32 steps ahead: 1,024 steps ahead is worse than 32 steps ahead", "free_32", ">",
                          "ahead_32", unit="V"),
                    Claim("1,024 steps ahead, L = 128 beats L = 32", "free_128", "<", "free_32", unit="V"),
                    Claim("1,024 steps ahead, L = 128 beats L = 512 (2 windows per step)", "free_128", "<", "free_512",
                          unit="V"),
                    Claim("trained 128 ahead: the one long free run scores better than 128-step windows", "ahead_128",
                          ">", "free_128", unit="V"),
                    Claim("L = 128 at least 3x better than the constant predictor", "free_128", "<=", "constant",
                          factor=1 / 3, unit="V")])
def horizon(seed: int) -> Trial:
    """Non-overlapping windows of L in {32, 128, 512}, 1024 / L per step: RMSE L steps ahead and 1,024 ahead."""
    _, test = records()
    metrics, details = dict(baselines()), {}
    for length in HORIZONS:
        model, fit, y_sim, score, _ = train_rnn(length, length, N_INIT, seed)
        metrics[f"free_{length}"] = score
        metrics[f"ahead_{length}"] = horizon_rmse(model, test.u, test.y, length, N_INIT)
        details[length] = {"model": model, "fit": fit, "y_sim": y_sim}
    metrics["worst_rnn"] = max(metrics[f"free_{n}"] for n in HORIZONS)
    return Trial(metrics, details)


WASHOUTS = (N_INIT, 32)


@experiment("06-washout", notebook="06", about="washout 5 (= n_init) vs 32 samples, windows of 128",
            claims=[Claim("washout 5 (the read-in only) at least 3x better than the constant predictor", "washout_5",
                          "<=", "constant", factor=1 / 3, unit="V"),
                    Claim("a washout of 32 scores worse than a washout of 5", "washout_32", ">", "washout_5",
                          unit="V"),
                    Claim("washout 32: larger error on samples 5-31 of each test window (the ones it skipped)",
                          "early_32", ">", "early_5", unit="V"),
                    Claim("washout 5: samples 5-31 after each read-in err more than the whole free run",
                          "early_5", ">", "washout_5", unit="V")])
def washout(seed: int) -> Trial:
    """Non-overlapping windows of 128 with the loss after washout 5 (the read-in) or after 32 samples."""
    _, test = records()
    metrics, details = dict(baselines()), {}
    for w in WASHOUTS:
        model, fit, y_sim, score, _ = train_rnn(128, 128, w, seed)
        metrics[f"washout_{w}"] = score
        metrics[f"early_{w}"] = horizon_rmse(model, test.u, test.y, 128, N_INIT, WASHOUTS[1])
        details[w] = {"model": model, "fit": fit, "y_sim": y_sim}
    metrics["worst_rnn"] = max(metrics[f"washout_{w}"] for w in WASHOUTS)
    metrics["gain_32"] = metrics[f"washout_{N_INIT}"] - metrics["washout_32"]
    return Trial(metrics, details)


AVERAGES = {"centred_5": (5, True), "centred_15": (15, True), "causal_5": (5, False), "causal_15": (15, False)}


@experiment("06-smoothing", notebook="06", about="noisy level -> true level: RNNs, moving averages, least-squares FIR",
            claims=[Claim("a centred average of 5 beats a causal one of 5", "centred_5", "<", "causal_5", unit="V"),
                    Claim("a centred average of 15 beats a causal one of 15", "centred_15", "<", "causal_15",
                          unit="V"),
                    Claim("the bidirectional RNN beats the causal RNN", "bidirectional", "<", "causal_rnn",
                          unit="V"),
                    Claim("the bidirectional RNN beats the causal average of 5", "bidirectional", "<", "causal_5",
                          unit="V"),
                    Claim("the centred average of 5 beats the bidirectional RNN", "centred_5", "<", "bidirectional",
                          unit="V"),
                    Claim("the causal RNN beats the causal average of 15", "causal_rnn", "<", "causal_15", unit="V"),
                    Claim("the causal average of 5 beats the causal RNN", "causal_5", "<", "causal_rnn", unit="V"),
                    Claim("the centred-vs-causal gap is larger at width 15 than at 5", "gap_15", ">", "gap_5",
                          unit="V"),
                    Claim("the centred average of 15 beats all smoothers but the centred FIR", "centred_15", "<",
                          "best_other", unit="V"),
                    Claim("so does the centred least-squares FIR of 15", "fir_centred_15", "<", "best_other", unit="V"),
                    Claim("a causal least-squares FIR of 15 beats the causal RNN", "fir_causal_15", "<", "causal_rnn",
                          unit="V"),
                    Claim("a centred least-squares FIR of 15 beats a causal one", "fir_centred_15", "<",
                          "fir_causal_15", unit="V"),
                    Claim("every RNN at least 3x better than the constant predictor", "worst_rnn", "<=", "constant",
                          factor=1 / 3, unit="V")])
def smoothing(seed: int) -> Trial:
    """Recover the true level y from y + noise (std NOISE V, from ``seed``): causal and bidirectional RNNs
    (windows of 128 every 32, no read-in) against centred and causal moving averages of 5 and 15 samples and
    least-squares FIR filters of 15 taps (the linear baseline), all fitted on the training record."""
    train, test = records()
    rng = np.random.default_rng(seed)
    noisy_train = train.y + NOISE * rng.standard_normal(train.y.size)
    noisy_test = test.y + NOISE * rng.standard_normal(test.y.size)
    skip = 10
    metrics = {"noisy": rmse(test.y, noisy_test, skip)}
    details = {"noisy_test": noisy_test}
    for name, (width, centred) in AVERAGES.items():
        details[name] = moving_average(noisy_test, width, centred)
        metrics[name] = rmse(test.y, details[name], skip)
    for name, centred in (("fir_centred_15", True), ("fir_causal_15", False)):
        details[name] = fir(noisy_test, fit_fir(noisy_train, train.y, 15, centred), centred)   # linear baseline
        metrics[name] = rmse(test.y, details[name], skip)
    for name, bi in (("causal_rnn", False), ("bidirectional", True)):
        with seeded(seed):
            model = make_model("rnn", HIDDEN, impl=IMPL, bidirectional=bi, seed=seed)
            fit = fit_sequence(model, noisy_train, train.y, length=128, stride=32, washout=skip,
                               batch_size=SAMPLES // 128, steps=STEPS, lr=2 * LR, decay=DECAY, seed=seed)
        details[name] = simulate(model, noisy_test)
        details[f"fit_{name}"] = fit
        metrics[name] = rmse(test.y, details[name], skip)
    metrics["constant"] = rmse(test.y, np.full_like(test.y, train.y.mean()), skip)
    metrics["worst_rnn"] = max(metrics["causal_rnn"], metrics["bidirectional"])
    metrics["gap_5"] = metrics["causal_5"] - metrics["centred_5"]
    metrics["gap_15"] = metrics["causal_15"] - metrics["centred_15"]
    metrics["best_other"] = min(metrics[k] for k in ("causal_5", "causal_15", "centred_5", "causal_rnn",
                                                     "bidirectional", "fir_causal_15"))
    return Trial(metrics, details)
