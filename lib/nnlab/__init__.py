"""nnlab: the small helper package shared by the course notebooks and tests.

Modules by topic, each imported by name where it is used:
``data`` (real-estate data), ``regression`` (01), ``neuron`` (02), ``ffn`` (03),
``backprop`` and ``autodiff`` (04), ``systems`` and ``narx`` (05), ``recurrent`` and
``sequences`` (06-07), ``playground`` and ``sequence_explorer`` (08), ``widgets``
(the common widget panel) and ``exercises`` (self-checking exercises).
"""
from __future__ import annotations

import os
import random

import numpy as np
import torch

__all__ = ["setup", "COLORS", "__version__"]
__version__ = "0.1.0"

# Okabe-Ito palette: distinguishable with the common forms of colour blindness.
COLORS = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]


def _plot_style() -> None:
    import matplotlib as mpl
    from cycler import cycler

    mpl.rcParams.update({
        "figure.figsize": (6.4, 3.6),
        "figure.dpi": 90,
        "axes.prop_cycle": cycler(color=COLORS),
        "axes.grid": True,
        "grid.alpha": 0.3,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "legend.frameon": False,
        "image.cmap": "viridis",
        "svg.hashsalt": "nnlab",
    })


def setup(seed: int = 0, threads: int = 1, device: str | None = None) -> torch.device:
    """Seed python/numpy/torch, make torch deterministic, fix the thread count, set the plot style; return the device.

    The device is the CPU unless ``device`` (or the environment variable
    ``NNLAB_DEVICE``) asks for another one, e.g. ``"cuda"``.
    """
    if not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed must be a non-negative int, got {seed!r}")
    if not isinstance(threads, int) or threads < 1:
        raise ValueError(f"threads must be a positive int, got {threads!r}")
    name = device or os.environ.get("NNLAB_DEVICE", "cpu")
    dev = torch.device(name)
    if dev.type == "cuda":
        if not torch.cuda.is_available():
            raise ValueError(f"device {name!r} requested but torch sees no CUDA device; use 'cpu'")
        os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    # Same switch as torch.use_deterministic_algorithms(True) for eager code, without importing
    # torch._inductor (which costs about 2 s per kernel).
    torch.set_deterministic_debug_mode("error")
    torch.set_num_threads(threads)
    _plot_style()
    return dev
