"""The playground's settings (with their bounds) and its 2-D data sets (used in 08_playground.ipynb).

Classification: circle, XOR, Gaussian clusters, spiral (labels 0/1). Regression:
a noisy plane, and the real-estate data on two chosen features (price standardised).
Every data set is a function of (n_points, noise, seed) only: it has its own generator.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields

import numpy as np
import torch

from .data import NUMERIC_COLUMNS, load_houses

CLASSIFICATION = ("circle", "xor", "gauss", "spiral")
REGRESSION = ("plane", "houses")
DATASETS = CLASSIFICATION + REGRESSION
ACTIVATIONS = ("relu", "tanh", "sigmoid", "linear")
REGULARIZATION = (0.0, 1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1)
HOUSE_FEATURES = tuple(c for c in NUMERIC_COLUMNS if c != "price")

# name: (lowest, highest) allowed; the widget's controls use the same bounds, so they cannot leave them.
BOUNDS = {"lr": (1e-4, 10.0), "hidden_layers": (0, 6), "neurons": (1, 8), "batch_size": (1, 64),
          "l1": (0.0, 0.1), "l2": (0.0, 0.1), "noise": (0.0, 0.5), "train_ratio": (0.1, 0.9),
          "n_points": (20, 2000), "seed": (0, 2**31 - 1)}


@dataclass
class Config:
    """Every control of the playground plus the seed: this (and the weights) is an experiment's full state."""

    dataset: str = "circle"
    activation: str = "tanh"
    hidden_layers: int = 2
    neurons: int = 4
    lr: float = 0.3
    batch_size: int = 10
    l1: float = 0.0
    l2: float = 0.0
    noise: float = 0.1
    train_ratio: float = 0.5
    n_points: int = 500
    features: tuple[str, str] = ("livingArea", "age")
    seed: int = 0

    def __post_init__(self) -> None:
        self.features = tuple(self.features)
        self.validate()

    def validate(self) -> None:
        """Raise ValueError naming the setting, its allowed values and the value given."""
        choices = {"dataset": DATASETS, "activation": ACTIVATIONS}
        for name, allowed in choices.items():
            if getattr(self, name) not in allowed:
                raise ValueError(f"{name} must be one of {allowed}, got {getattr(self, name)!r}")
        for name, (lo, hi) in BOUNDS.items():
            value = getattr(self, name)
            if not (isinstance(value, (int, float)) and math.isfinite(value) and lo <= value <= hi):
                raise ValueError(f"{name} must lie in [{lo}, {hi}], got {value!r}")
        if len(self.features) != 2 or any(f not in HOUSE_FEATURES for f in self.features) \
                or self.features[0] == self.features[1]:
            raise ValueError(f"features must be two different columns of {HOUSE_FEATURES}, got {self.features}")
        if self.batch_size > self.n_train:
            raise ValueError(f"batch_size must be at most the {self.n_train} training points, got {self.batch_size}")

    @property
    def task(self) -> str:
        """'classification' or 'regression'."""
        return "classification" if self.dataset in CLASSIFICATION else "regression"

    @property
    def n_total(self) -> int:
        """Number of points actually used (all 1,728 houses for the real-estate data)."""
        return 1728 if self.dataset == "houses" else self.n_points

    @property
    def n_train(self) -> int:
        """Training points: round(train_ratio * n_total), at least 1, leaving at least 1 test point."""
        return min(max(1, round(self.train_ratio * self.n_total)), self.n_total - 1)

    def to_dict(self) -> dict:
        """Plain JSON-able dict of every setting."""
        d = asdict(self)
        d["features"] = list(self.features)
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "Config":
        """Inverse of to_dict; unknown keys raise ValueError."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(d) - known)
        if unknown:
            raise ValueError(f"unknown setting(s) {unknown}; known: {sorted(known)}")
        return cls(**d)


@dataclass(frozen=True)
class Dataset:
    """Points x (N, 2) float32, targets y (N,) float32, train/test index split, plot extent and task."""

    x: torch.Tensor
    y: torch.Tensor
    train: torch.Tensor
    test: torch.Tensor
    extent: tuple[float, float, float, float]  # (x1 min, x1 max, x2 min, x2 max)
    task: str
    axis_labels: tuple[str, str]


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


def make_dataset(config: Config) -> Dataset:
    """The data set a config names: circle/xor/gauss/spiral (labels 0/1), plane or houses (standardised target)."""
    g = torch.Generator().manual_seed(config.seed)
    labels = ("x1", "x2")
    if config.dataset in CLASSIFICATION:
        x, y = _classification(config.dataset, config.n_points, config.noise, g)
    elif config.dataset == "plane":
        x = 2 * torch.rand(config.n_points, 2, generator=g, dtype=torch.float64) - 1
        y = 0.8 * x[:, 0] - 0.5 * x[:, 1] + 2 * config.noise * torch.randn(config.n_points, generator=g,
                                                                           dtype=torch.float64)
    else:
        houses = load_houses(features=config.features, test_fraction=1 - config.n_train / 1728, seed=config.seed)
        x_all = np.vstack([houses.x_train, houses.x_test])
        y_all = np.concatenate([houses.y_train, houses.y_test])
        n_tr = len(houses.y_train)
        mean, std = x_all[:n_tr].mean(0), x_all[:n_tr].std(0)
        x = torch.from_numpy((x_all - mean) / np.where(std > 0, std, 1.0))
        y = torch.from_numpy((y_all - y_all[:n_tr].mean()) / y_all[:n_tr].std())
        x = x + config.noise * torch.randn(x.shape, generator=g, dtype=torch.float64)
        labels = tuple(f"{f} (standardised)" for f in config.features)
        lo, hi = np.percentile(x.numpy(), [0.5, 99.5], axis=0)
        extent = (float(lo[0]) - 0.2, float(hi[0]) + 0.2, float(lo[1]) - 0.2, float(hi[1]) + 0.2)
        idx = torch.arange(len(y))
        return Dataset(x.float(), y.float(), idx[:n_tr], idx[n_tr:], extent, "regression", labels)
    order = torch.randperm(len(y), generator=g)
    n_tr = config.n_train
    return Dataset(x.float(), y.float(), order[:n_tr], order[n_tr:], (-1.2, 1.2, -1.2, 1.2), config.task, labels)
