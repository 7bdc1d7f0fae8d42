"""The playground's lessons over seeds (08_playground.ipynb): each trained comparison of notebook 08 as a named
experiment with its claims (``nnlab.experiments.robustness``). ``seed`` is the playground's seed: the data's
noise and split (not for the houses, which keep 01's split), the initial weights and the batch order.

Trained numbers are averages over the records of the last epoch (``train_averaged``), not one reading of a
noisy SGD curve.
"""
from __future__ import annotations

import math

import numpy as np
import torch

from ..checks import integer
from ..metrics import rmse
from ..regression import add_bias, least_squares
from .playground import Config, Playground
from .robustness import Claim, Trial, experiment

__all__ = ["train_averaged", "sum_w2", "uncertain_band", "CORNERS", "circle", "xor", "l2", "houses", "explorer_length"]

CORNERS = torch.tensor([[0.5, 0.5], [-0.5, -0.5], [0.5, -0.5], [-0.5, 0.5]])  # XOR: labels 1, 1, 0, 0
XOR_LRS = (0.03, 0.3, 3.0)


def train_averaged(pg: Playground, steps: int, window: int) -> dict[str, float]:
    """Train pg ``steps`` more steps; return the mean training loss, test loss and (classification) test accuracy
    over the loss records of its last ``window`` steps (a multiple of ``record_every``, at most ``steps``)."""
    every = pg.record_every
    steps, window = integer("steps", steps, 1), integer("window", window, every)
    if window > steps or window % every or pg.steps % every:
        raise ValueError(f"window must be a multiple of {every} and at most steps = {steps} (and the playground at a "
                         f"record), got window = {window} at step {pg.steps}")
    pg.step(steps - window)
    accuracy = []
    for _ in range(window // every):
        pg.step(every)
        accuracy.append(pg.accuracy())
    h, first = pg.history, pg.steps - window
    recent = [i for i, s in enumerate(h["step"]) if s > first]
    out = {"train": float(np.mean([h["train"][i] for i in recent])),
           "test": float(np.mean([h["test"][i] for i in recent]))}
    if pg.data.task == "classification":
        out["accuracy"] = float(np.mean(accuracy))
    return out


def sum_w2(pg: Playground) -> float:
    """Σ w² over the weight matrices (what the L2 penalty l2 · Σ w² shrinks; biases are not penalised)."""
    return float(sum((p.detach().double() ** 2).sum() for n, p in pg.model.named_parameters() if n.endswith("weight")))


def uncertain_band(pg: Playground, resolution: int = 40) -> float:
    """Share of the plot's plane (an R x R grid) where the classifier is unsure: 0.1 < P(label 1) < 0.9."""
    p = pg.output_grid(resolution)
    return float(((p > 0.1) & (p < 0.9)).mean())


@experiment("08-circle", notebook="08", about="circle, tanh 2 x 4, lr 0.3, 1,000 steps of 10 (40 epochs)",
            claims=[Claim("the network has learned the circle (test accuracy over the last epoch)", "accuracy",
                          ">", 0.9)])
def circle(seed: int) -> Trial:
    pg = Playground(dataset="circle", activation="tanh", hidden_layers=2, neurons=4, lr=0.3, batch_size=10,
                    seed=seed)
    return Trial(metrics=train_averaged(pg, 1000, 25), details={"playground": pg})


@experiment("08-xor", notebook="08", about="XOR at three learning rates, 200 steps; the plane at lr 1",
            claims=[Claim("lr = 0.03 crawls: its training loss stays above 0.9 x the loss at step 0",
                          "loss_lr0.03", ">", "start", factor=0.9),
                    Claim("lr = 0.3 gets further than 0.03 in 200 steps", "loss_lr0.3", "<", "loss_lr0.03"),
                    Claim("at lr = 0.03 the loss is still ln 2 (within 0.02)", "ln2_gap", "<=", 0.02),
                    Claim("at lr = 0.03 every test output P(label 1) is within 0.15 of 1/2", "p_spread", "<=", 0.15),
                    Claim("so its accuracy is a coin toss (within 20 points of 50%)", "acc_off_chance", "<=", 0.2),
                    Claim("lr = 1 diverges on the plane", "plane_diverged", ">=", 1.0)])
def xor(seed: int) -> Trial:
    metrics, runs = {}, {}
    for lr in XOR_LRS:
        pg = Playground(Config(dataset="xor", lr=lr, seed=seed))
        averaged = train_averaged(pg, 200, 25)
        metrics[f"loss_lr{lr:g}"], metrics[f"acc_lr{lr:g}"] = averaged["train"], averaged["accuracy"]
        runs[lr] = pg
    crawl = runs[XOR_LRS[0]]
    metrics["start"] = crawl.history["train"][0]
    p_test = torch.sigmoid(crawl._outputs(crawl.data.x[crawl.data.test]))
    metrics["p_spread"] = float((p_test - 0.5).abs().max())
    metrics["ln2_gap"] = abs(metrics["loss_lr0.03"] - math.log(2))
    metrics["acc_off_chance"] = abs(crawl.accuracy() - 0.5)
    metrics["acc_lr0.03_last"] = crawl.accuracy()
    plane = Playground(Config(dataset="plane", lr=1.0, seed=seed))
    plane.step(200)
    metrics["plane_diverged"] = float(plane.diverged is not None)
    return Trial(metrics=metrics, details={"runs": runs, "plane": plane,
                                           "corners": torch.sigmoid(crawl._outputs(CORNERS))})


@experiment("08-l2", notebook="08", about="circle, 50 noisy training points, relu 2 x 8, lr 1, 800 steps: L2 = 0 "
                                          "vs 0.001",
            claims=[Claim("without L2 the test loss is well above the training loss", "test_l2=0", ">", "train_l2=0",
                          factor=1.25),
                    Claim("L2 shrinks the sum of squared weights", "w2_l2=0.001", "<", "w2_l2=0", factor=0.7),
                    Claim("L2 narrows the gap between test and training loss", "gap_l2=0.001", "<", "gap_l2=0"),
                    Claim("L2 lowers the test loss", "test_l2=0.001", "<", "test_l2=0"),
                    Claim("L2 widens the uncertain band (share of the plane with 0.1 < P < 0.9)", "band_l2=0.001",
                          ">", "band_l2=0", factor=1.1)])
def l2(seed: int) -> Trial:
    metrics, runs = {}, {}
    for strength in (0.0, 0.001):
        pg = Playground(dataset="circle", hidden_layers=2, neurons=8, activation="relu", noise=0.5, train_ratio=0.1,
                        lr=1.0, l2=strength, seed=seed)
        averaged = train_averaged(pg, 800, 50)  # one epoch is 5 steps here: average over the last 10
        tag = f"l2={strength:g}"
        metrics.update({f"train_{tag}": averaged["train"], f"test_{tag}": averaged["test"],
                        f"gap_{tag}": averaged["test"] - averaged["train"], f"w2_{tag}": sum_w2(pg),
                        f"band_{tag}": uncertain_band(pg)})
        runs[strength] = pg
    return Trial(metrics=metrics, details={"runs": runs})


@experiment("08-houses", notebook="08", about="houses on livingArea and age (01's split): net 1 x 4 vs least squares",
            claims=[Claim("the network beats predicting the mean price", "net", "<", "constant", factor=0.9,
                          unit="std"),
                    Claim("so does the straight plane (least squares)", "linear", "<", "constant", factor=0.9,
                          unit="std"),
                    Claim("the network is within 5% of least squares (no more)", "net", "<=", "linear", factor=1.05,
                          unit="std"),
                    Claim("the network is within 5% of least squares (no less)", "net", ">=", "linear", factor=0.95,
                          unit="std")])
def houses(seed: int) -> Trial:
    pg = Playground(dataset="houses", features=("livingArea", "age"), hidden_layers=1, neurons=4, lr=0.03,
                    noise=0.0, seed=seed)
    averaged = train_averaged(pg, 400, 140)  # one epoch is 138.2 steps of 10 of the 1,382 training houses
    d = pg.data
    x, y = d.x.double().numpy(), d.y.double().numpy()
    tr, te = d.train.numpy(), d.test.numpy()
    theta = least_squares(add_bias(x[tr]), y[tr])
    linear = rmse(y[te], add_bias(x[te]) @ theta)
    constant = rmse(y[te], np.full(len(te), y[tr].mean()))
    return Trial(metrics={"constant": constant, "linear": linear, "net": math.sqrt(averaged["test"]),
                          "net_train": math.sqrt(averaged["train"])},
                 details={"playground": pg, "theta": theta})


@experiment("08-length", notebook="08",
            about="the sequence explorer at subsequence lengths 32 and 128, equal samples seen (1,024,000 each)",
            claims=[Claim("length 128 simulates the test record better than length 32", "rmse_128", "<", "rmse_32",
                          unit="V")])
def explorer_length(seed: int) -> Trial:
    """The explorer's defaults but for the length and the steps: 1,000 steps of 32 windows of 32 samples against
    250 steps of 32 windows of 128 (the same washout of 4): one change, the same number of samples seen."""
    from .sequences import SequenceSettings, explore_sequence
    runs = {length: explore_sequence(SequenceSettings(length=length, steps=steps, seed=seed))
            for length, steps in ((32, 1000), (128, 250))}
    return Trial(metrics={f"rmse_{length}": run.rmse for length, run in runs.items()}, details={"runs": runs})
