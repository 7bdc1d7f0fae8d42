"""nnlab: the small helper package shared by the course notebooks and tests, in three layers.

**Maths and models** (no matplotlib, no ipywidgets, no text for learners), by topic:
``data`` (the verified data files), ``regression`` (01), ``neuron`` (02), ``ffn`` and ``optim`` (03),
``backprop``, ``autodiff`` and ``value`` (04), ``systems``, ``narx`` and ``narx_analysis`` (05), ``recurrent``,
``bptt``, ``smoothing`` and ``sequences`` (06-07), ``statespace`` and ``memory`` (07), ``playground`` (08's data
sets); shared by all: ``checks`` (argument validators), ``metrics`` (``rmse``,
``n_params``), ``training`` (the generic loop ``train``, the divergence rule ``diverged``, ``seeded``,
``progress``) and ``report`` (the output convention: ``approx``, ``close``, ``claim``).

**Experiments** (``nnlab.experiments.<topic>``): settings in, a result out with its ``status()`` line; the
lessons over seeds (``experiments.lessons_<topic>``: named experiments ``run(seed) -> metrics`` and their claims,
run by ``make robustness``; machinery in ``experiments.robustness``).
**Views** (``nnlab.views.<topic>``): figures, diagrams and the widgets that wire controls to an experiment;
``views.widgets`` holds the panel and sliders every widget uses. Only notebooks, tests and views import
views. ``exercises`` holds each notebook's self-checking exercises.

Vocabulary, used the same way everywhere:

=====================  ==========================================================================
``fit_<thing>(...)``    trains (or, for least squares, solves) and returns a ``<Thing>Fit``:
                        ``fit_neuron`` -> ``NeuronFit``, ``fit_network`` -> ``NetworkFit``,
                        ``fit_narx`` -> ``NarxFit`` (its two phases: ``train_one_step``,
                        ``train_simulation``), ``fit_sequence`` -> ``SequenceFit``; ``fit_arx`` -> θ
``train(...)``          the generic mini-batch loop of 03 (returns a ``History``)
``explore_<topic>``     an experiment: settings -> ``<Topic>Result`` with ``.status()``
``<topic>_explorer``    the widget factory for that experiment (in views)
``steps``               optimizer updates; ``epochs``: passes over the training data
``diverged_at``         the 0-based step (or epoch) whose loss broke ``training.diverged``; no update
                        was made from that loss
``kind``                ``"rnn"`` or ``"lstm"``
=====================  ==========================================================================
"""
from __future__ import annotations

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


def setup(seed: int = 0, threads: int = 1) -> torch.device:
    """Seed python/numpy/torch, make torch deterministic, fix the threads, set the plot style; return the CPU device.

    The course runs on the CPU: every notebook is sized for a laptop, and its saved outputs are checked there.
    """
    from .checks import integer

    seed, threads = integer("seed", seed, lo=0), integer("threads", threads, lo=1)
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    # Same switch as torch.use_deterministic_algorithms(True) for eager code, without importing
    # torch._inductor (which costs about 2 s per kernel).
    torch.set_deterministic_debug_mode("error")
    torch.set_num_threads(threads)
    _plot_style()
    return torch.device("cpu")
