"""Lessons of 04_backpropagation.ipynb that depend on a seed: the forgotten ``optimizer.zero_grad()``.

The lecture's loop starts every step with ``zero_grad``, because ``backward()`` *adds* into ``.grad``. Without
it, step t follows the running sum of all t gradients so far, a direction that goes on pushing long after the
minimum is passed. Here: the lecture's 4-200-300-1 sigmoid network on notebook 01's houses (standardised), Adam
(lr 1e-3), mini-batches of 64 in a seeded order, 10 epochs (220 steps), trained twice from the same
initialisation, with and without ``zero_grad``. Baselines on the same training houses: the constant predictor
(the training mean; MSE 1 on standardised prices) and least squares.
"""
from __future__ import annotations

import numpy as np
import torch

from ..checks import float_tensor, integer
from ..data import load_houses
from ..ffn import FeedforwardNeuralNetModel
from ..regression import Standardizer, add_bias, least_squares, mse
from ..training import seeded
from .robustness import Claim, Trial, experiment

EPOCHS, BATCH, LR = 10, 64, 1e-3


def houses_standardised() -> tuple[torch.Tensor, torch.Tensor]:
    """Notebook 01's training houses, each column standardised: x (N, 4), y (N, 1), float32."""
    houses = load_houses()
    xs = Standardizer.fit(houses.x_train).transform(houses.x_train)
    ys = Standardizer.fit(houses.y_train).transform(houses.y_train)
    return torch.from_numpy(xs).float(), torch.from_numpy(ys).float().reshape(-1, 1)


def train_lecture_net(x: torch.Tensor, y: torch.Tensor, seed: int, zero_grad: bool,
                      epochs: int = EPOCHS) -> tuple[torch.nn.Module, list[float]]:
    """The 4-200-300-1 net trained with Adam on (x (N, 4), y (N, 1)); (model, per-step mini-batch losses)."""
    x, y = float_tensor("x", x, 2, "(N, 4)"), float_tensor("y", y, 2, "(N, 1)")
    if x.shape[1] != 4 or y.shape != (len(x), 1):
        raise ValueError(f"expected x of shape (N, 4) and y of shape (N, 1), got {tuple(x.shape)} and {tuple(y.shape)}")
    seed, epochs = integer("seed", seed, 0), integer("epochs", epochs, 1)
    with seeded(seed):
        model = FeedforwardNeuralNetModel(4, [200, 300], 1)
    order = torch.Generator().manual_seed(seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=LR)
    losses = []
    for _ in range(epochs):
        for idx in torch.randperm(len(x), generator=order).split(BATCH):
            if zero_grad:
                optimizer.zero_grad()
            loss = torch.mean((model(x[idx]) - y[idx]) ** 2)
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
    return model, losses


def epoch_means(losses: list[float], steps_per_epoch: int) -> np.ndarray:
    """Mean mini-batch loss of each epoch, (epochs,)."""
    steps_per_epoch = integer("steps_per_epoch", steps_per_epoch, 1)
    if len(losses) == 0 or len(losses) % steps_per_epoch:
        raise ValueError(f"losses must hold a whole number of epochs of {steps_per_epoch} steps, got {len(losses)}")
    return np.asarray(losses).reshape(-1, steps_per_epoch).mean(axis=1)


@experiment("04-zero-grad", notebook="04", about="training with and without optimizer.zero_grad()",
            claims=[Claim("without zero_grad the last epoch's loss is at least 1.5x the loss with it",
                          "last_without", ">=", "last_with", factor=1.5, unit="std²"),
                    Claim("with zero_grad the net beats the constant predictor by 40 %",
                          "last_with", "<=", "constant", factor=0.6, unit="std²"),
                    Claim("with zero_grad the net comes within 5 % of least squares' training loss",
                          "last_with", "<=", "linear", factor=1.05, unit="std²"),
                    Claim("without zero_grad the loss climbs above 3x the constant predictor's on the way",
                          "peak_without", ">=", "constant", factor=3.0, unit="std²"),
                    Claim("without zero_grad the last epoch is no better than 0.8x the constant predictor",
                          "last_without", ">=", "constant", factor=0.8, unit="std²")])
def zero_grad_lesson(seed: int) -> Trial:
    x, y = houses_standardised()
    steps_per_epoch = -(-len(x) // BATCH)
    _, with_zg = train_lecture_net(x, y, seed, zero_grad=True)
    _, without_zg = train_lecture_net(x, y, seed, zero_grad=False)
    xb, yn = add_bias(x.double().numpy()), y.double().numpy().ravel()
    means_with, means_without = epoch_means(with_zg, steps_per_epoch), epoch_means(without_zg, steps_per_epoch)
    metrics = {"constant": float(np.mean((yn - yn.mean()) ** 2)), "linear": mse(xb, yn, least_squares(xb, yn)),
               "last_with": float(means_with[-1]), "last_without": float(means_without[-1]),
               "peak_without": float(means_without.max())}
    return Trial(metrics, {"with": with_zg, "without": without_zg, "steps_per_epoch": steps_per_epoch})
