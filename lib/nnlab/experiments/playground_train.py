"""The playground's network side, under ``nnlab.experiments.playground.Playground``: the training helpers and the
views' data.

``nnlab.experiments.playground`` keeps the settings (``Config``), the run (``Playground``: its state and the training
loop ``step``), ``PlaygroundResult`` and ``explore_playground``; saving and loading live in ``playground_save``.
Here: the batch order of each epoch, the data loss, the network's outputs in evaluation mode, the train and test
losses, and ``Readouts``, mixed into ``Playground``, which gives the views their data (loss curves, the output and
the hidden neurons over the plane, the accuracy). Nothing here draws: ``nnlab.views.playground`` does.
"""
from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from ..checks import integer
from ..playground import Dataset, check_name

MAX_RESOLUTION = 1000        # grid points per axis at most for the views over the plane


def _permutation(seed: int, epoch: int, n: int) -> torch.Tensor:
    g = torch.Generator().manual_seed(seed * 2**32 + epoch)
    return torch.randperm(n, generator=g)


def _data_loss(task: str, out: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    if task == "classification":
        return F.binary_cross_entropy_with_logits(out, y)
    return F.mse_loss(out, y)


def _outputs(model: torch.nn.Module, x: torch.Tensor) -> torch.Tensor:
    mode = model.training
    model.eval()
    with torch.no_grad():
        out = model(x).squeeze(1)
    model.train(mode)
    return out


def _losses(model: torch.nn.Module, data: Dataset) -> tuple[float, float]:
    """The data loss on the training and on the test points."""
    with torch.no_grad():
        out = _outputs(model, data.x)
        train = _data_loss(data.task, out[data.train], data.y[data.train]).item()
        test = _data_loss(data.task, out[data.test], data.y[data.test]).item()
    return train, test


class Readouts:
    """The views' data of a ``Playground`` (mixed into it): its data, network and history are read, never changed."""

    def _outputs(self, x: torch.Tensor) -> torch.Tensor:
        """The network's outputs (N,) for x (N, 2) in evaluation mode (the training mode is restored after)."""
        return _outputs(self.model, x)

    def loss_curves(self) -> dict[str, np.ndarray]:
        """{'step', 'epoch', 'train', 'test'}: arrays (K,), one point every ``record_every`` steps."""
        return {k: np.array(v) for k, v in self.history.items()}

    def grid(self, resolution: int) -> tuple[np.ndarray, np.ndarray, torch.Tensor]:
        """Grid axes x1 (R,), x2 (R,) over the plot extent and the points (R*R, 2), row = x2, column = x1."""
        resolution = integer("resolution", resolution, 1, MAX_RESOLUTION)
        x0, x1, y0, y1 = self.data.extent
        xs, ys = np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution)
        gx, gy = np.meshgrid(xs, ys)
        return xs, ys, torch.tensor(np.stack([gx.ravel(), gy.ravel()], 1), dtype=torch.float32)

    def output_grid(self, resolution: int = 40) -> np.ndarray:
        """Model output over the plane (R, R): P(label 1) for classification, the prediction for regression."""
        resolution = integer("resolution", resolution, 1, MAX_RESOLUTION)
        _, _, pts = self.grid(resolution)
        out = self._outputs(pts)
        if self.data.task == "classification":
            out = torch.sigmoid(out)
        return out.reshape(resolution, resolution).numpy()

    def neuron_grids(self, resolution: int = 16) -> list[np.ndarray]:
        """Each hidden layer's neuron outputs over the plane: a list of arrays (neurons, R, R)."""
        resolution = integer("resolution", resolution, 1, MAX_RESOLUTION)
        _, _, h = self.grid(resolution)
        layers, mode = [], self.model.training
        self.model.eval()
        with torch.no_grad():
            for i, module in enumerate(self.model):
                h = module(h)
                if i % 2 == 1:  # after an activation
                    layers.append(h.T.reshape(-1, resolution, resolution).numpy())
        self.model.train(mode)
        return layers

    def accuracy(self, split: str = "test") -> float | None:
        """Fraction of correctly labelled points in 'train' or 'test' (None for regression)."""
        split = check_name("split", split, ("train", "test"))
        if self.data.task != "classification":
            return None
        idx = self.data.train if split == "train" else self.data.test
        pred = (self._outputs(self.data.x[idx]) > 0).float()
        return float((pred == self.data.y[idx]).float().mean())

