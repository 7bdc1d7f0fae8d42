"""The playground's 2-D data sets (08_playground.ipynb): tensors out, nothing drawn.

Classification: circle, XOR, Gaussian clusters, spiral (labels 0/1). Regression: a noisy plane, and the
real-estate data of notebook 01 on two chosen features, on 01's fixed split (``nnlab.data.load_houses``: the same
1,382 training and 346 test houses in every notebook, whatever the seed or train ratio), inputs and price
standardised on the training houses.
Every data set is a function of its arguments only: it draws from its own generator seeded by ``seed``.
The settings, training and views of the playground are ``nnlab.experiments.playground`` and
``nnlab.views.playground``.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch

from .checks import choice, float_tensor, integer, non_empty, number
from .data import HOUSES_ROWS, NUMERIC_COLUMNS, load_houses
from .regression import Standardizer

CLASSIFICATION = ("circle", "xor", "gauss", "spiral")
REGRESSION = ("plane", "houses")
DATASETS = CLASSIFICATION + REGRESSION
HOUSE_FEATURES = tuple(c for c in NUMERIC_COLUMNS if c != "price")
DEFAULT_FEATURES = ("livingArea", "age")
EXTENT = (-1.2, 1.2, -1.2, 1.2)  # the plot extent of the synthetic data sets (x1 min, x1 max, x2 min, x2 max)
MAX_POINTS = 1_000_000  # make_dataset's n_points at most (the playground's own bound is far lower)
MAX_SEED = 2**63 - 1    # what a torch.Generator takes
HOUSES_TRAIN = HOUSES_ROWS - round(0.2 * HOUSES_ROWS)  # 1,382: load_houses' default 80/20 split (notebook 01's)


def check_name(argument: str, value, options: tuple[str, ...]) -> str:
    """One of the named options (a data set, an activation): a str (TypeError otherwise), among options
    (ValueError otherwise), each message naming the argument."""
    if not isinstance(value, str):
        raise TypeError(f"{argument} must be a name (str), one of {', '.join(map(repr, options))}; "
                        f"got {value!r} ({type(value).__name__})")
    return choice(argument, value, options)


@dataclass(frozen=True)
class Dataset:
    """Points x (N, 2) float32, targets y (N,) float32, train/test index split, plot extent and task."""

    x: torch.Tensor
    y: torch.Tensor
    train: torch.Tensor
    test: torch.Tensor
    extent: tuple[float, float, float, float]  # (x1 min, x1 max, x2 min, x2 max)
    task: str                                  # "classification" or "regression"
    axis_labels: tuple[str, str]

    def __post_init__(self) -> None:
        """Check the pieces fit: x (N, 2) and y (N,) real, finite float32/64 tensors with N >= 2; train and test
        non-empty integer index tensors into them; an extent of four finite numbers, lowest before highest."""
        float_tensor("x", self.x, ndim=2, layout="(N, 2)")
        if self.x.shape[1] != 2:
            raise ValueError(f"x must have shape (N, 2), got shape {tuple(self.x.shape)}")
        float_tensor("y", self.y, ndim=1, layout="(N,)")
        if len(self.y) != len(self.x):
            raise ValueError(f"x and y must have the same number of points: x has shape {tuple(self.x.shape)}, "
                             f"y shape {tuple(self.y.shape)}")
        for name in ("train", "test"):
            idx = getattr(self, name)
            if not isinstance(idx, torch.Tensor) or idx.dtype not in (torch.int64, torch.int32) or idx.ndim != 1:
                raise TypeError(f"{name} must be a 1-D integer index tensor, got "
                                f"{getattr(idx, 'dtype', type(idx).__name__)}")
            non_empty(name, idx)
            if int(idx.min()) < 0 or int(idx.max()) >= len(self.x):
                raise ValueError(f"{name} indices must lie in [0, {len(self.x) - 1}], got "
                                 f"{int(idx.min())}..{int(idx.max())}")
        if not isinstance(self.extent, (tuple, list)) or len(self.extent) != 4:
            raise ValueError(f"extent must be (x1 min, x1 max, x2 min, x2 max), got {self.extent!r}")
        lo1, hi1, lo2, hi2 = (number("extent", v) for v in self.extent)
        if not (lo1 < hi1 and lo2 < hi2):
            raise ValueError(f"extent must have each minimum below its maximum, got {self.extent}")
        choice("task", self.task, ("classification", "regression"))
        if (not isinstance(self.axis_labels, (tuple, list)) or len(self.axis_labels) != 2
                or not all(isinstance(a, str) for a in self.axis_labels)):
            raise ValueError(f"axis_labels must be two strings, got {self.axis_labels!r}")


def task(dataset: str) -> str:
    """'classification' (labels 0/1, loss BCE) or 'regression' (loss MSE) for a data set's name."""
    return "classification" if check_name("dataset", dataset, DATASETS) in CLASSIFICATION else "regression"


def split_sizes(dataset: str, n_points: int, train_ratio: float) -> tuple[int, int]:
    """(points used, training points): for 'houses' always 01's split (1,728, 1,382); else n_points and
    round(train_ratio * n_points), at least 1 and leaving at least 1 test point."""
    houses = check_name("dataset", dataset, DATASETS) == "houses"
    ratio = number("train_ratio", train_ratio, 0.0, 1.0)
    if houses:
        return HOUSES_ROWS, HOUSES_TRAIN
    total = integer("n_points", n_points, 2, MAX_POINTS)
    return total, min(max(1, round(ratio * total)), total - 1)


def check_features(features: tuple[str, str] | list[str]) -> tuple[str, str]:
    """Two different numeric columns of the houses (not the price), as a tuple."""
    if not isinstance(features, (tuple, list)) or not all(isinstance(f, str) for f in features):
        raise TypeError(f"features must be a pair of column names (a tuple or list of two str) from "
                        f"{HOUSE_FEATURES}, got {features!r} ({type(features).__name__})")
    features = tuple(features)
    if len(features) != 2 or any(f not in HOUSE_FEATURES for f in features) or features[0] == features[1]:
        raise ValueError(f"features must be two different columns of {HOUSE_FEATURES}, got {features}")
    return features


def _classification(name: str, n: int, noise: float, g: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """Points in about [-1, 1]^2 with labels 0/1 (the TensorFlow Playground's four shapes)."""
    u = lambda *shape: torch.rand(*shape, generator=g, dtype=torch.float64)  # noqa: E731
    half = n // 2
    if name == "circle":  # label 1 inside radius 0.5, label 0 in the ring 0.7..1
        r = torch.cat([0.5 * u(half), 0.7 + 0.3 * u(n - half)])
        a = 2 * math.pi * u(n)
        x = torch.stack([r * torch.cos(a), r * torch.sin(a)], 1)
        y = torch.cat([torch.ones(half), torch.zeros(n - half)])
    elif name == "xor":  # label 1 where x1 * x2 > 0; points kept off the axes
        x = u(n, 2) * 1.9 + 0.05
        x = torch.where(u(n, 2) < 0.5, -x, x) / 2
        y = (x[:, 0] * x[:, 1] > 0).double()
    elif name == "gauss":  # two clusters
        centre = torch.tensor([[0.4, 0.4], [-0.4, -0.4]], dtype=torch.float64)
        y = torch.cat([torch.ones(half), torch.zeros(n - half)])
        x = centre[(1 - y).long()] + 0.2 * torch.randn(n, 2, generator=g, dtype=torch.float64)
        return x + noise * torch.randn(n, 2, generator=g, dtype=torch.float64), y
    else:  # spiral: two interleaved arms
        t = torch.cat([u(half), u(n - half)])
        y = torch.cat([torch.ones(half), torch.zeros(n - half)])
        angle = 1.75 * 2 * math.pi * t + math.pi * y
        x = torch.stack([t * torch.sin(angle), t * torch.cos(angle)], 1)
    return x + noise * (2 * u(n, 2) - 1), y


def _houses(features: tuple[str, str], noise: float, g: torch.Generator) -> Dataset:
    """The houses on two features on 01's split (``load_houses()``: its 1,382 training houses first); both sides
    standardised on the training houses (``nnlab.regression.Standardizer``), then input noise added (from g)."""
    houses = load_houses(features=features)
    x_all = np.vstack([houses.x_train, houses.x_test])
    y_all = np.concatenate([houses.y_train, houses.y_test])
    n_tr = len(houses.y_train)
    x = torch.from_numpy(Standardizer.fit(x_all[:n_tr]).transform(x_all))
    y = torch.from_numpy(Standardizer.fit(y_all[:n_tr]).transform(y_all))
    x = x + noise * torch.randn(x.shape, generator=g, dtype=torch.float64)
    lo, hi = np.percentile(x.numpy(), [0.5, 99.5], axis=0)
    extent = (float(lo[0]) - 0.2, float(hi[0]) + 0.2, float(lo[1]) - 0.2, float(hi[1]) + 0.2)
    idx = torch.arange(len(y))
    return Dataset(x.float(), y.float(), idx[:n_tr], idx[n_tr:], extent, "regression",
                   tuple(f"{f} (standardised)" for f in features))


def make_dataset(dataset: str, *, n_points: int, noise: float, train_ratio: float, seed: int,
                 features: tuple[str, str] | list[str] = DEFAULT_FEATURES) -> Dataset:
    """A data set by name: circle/xor/gauss/spiral (labels 0/1), plane or houses (standardised target).

    ``n_points``, ``train_ratio`` and (for the split) ``seed`` are ignored by 'houses' (all 1,728 rows on 01's
    fixed split), ``features`` is used only by it; ``noise`` is the
    label-shape noise (classification), the target noise (plane) or the input noise (houses).
    """
    noise = number("noise", noise, 0.0)
    number("train_ratio", train_ratio, 0.0, 1.0)
    seed = integer("seed", seed, 0, MAX_SEED)
    features = check_features(features)
    n_total, n_train = split_sizes(dataset, n_points, train_ratio)
    g = torch.Generator().manual_seed(seed)
    if dataset == "houses":
        return _houses(features, noise, g)
    if dataset in CLASSIFICATION:
        x, y = _classification(dataset, n_total, noise, g)
    else:  # plane
        x = 2 * torch.rand(n_total, 2, generator=g, dtype=torch.float64) - 1
        y = 0.8 * x[:, 0] - 0.5 * x[:, 1] + 2 * noise * torch.randn(n_total, generator=g, dtype=torch.float64)
    order = torch.randperm(len(y), generator=g)
    return Dataset(x.float(), y.float(), order[:n_train], order[n_train:], EXTENT, task(dataset), ("x1", "x2"))
