"""Notebook 08's lessons over seeds (nnlab.experiments.lessons_playground): the helpers against plain sums and
counts, the experiments' registration and claims, one cheap experiment run for seed 0; the side-by-side figure."""
import math

import numpy as np
import pytest
import torch

from nnlab.experiments import robustness
from nnlab.experiments.lessons_playground import sum_w2, train_averaged, uncertain_band
from nnlab.experiments.playground import Playground
from nnlab.views.playground import plot_side_by_side, playground

NAMES = ["08-circle", "08-xor", "08-l2", "08-houses"]


def test_the_experiments_are_registered_for_notebook_08():
    experiments = robustness.registry()
    for name in NAMES:
        assert experiments[name].notebook == "08" and experiments[name].claims


def test_train_averaged_is_the_mean_of_the_last_records_and_accuracy():
    pg, twin = Playground(dataset="gauss", lr=0.3, seed=2), Playground(dataset="gauss", lr=0.3, seed=2)
    out = train_averaged(pg, 50, 20)
    twin.step(30)
    accuracy = []
    for _ in range(4):
        twin.step(5)
        accuracy.append(twin.accuracy())
    assert pg.steps == 50 and twin.history == pg.history
    assert out["train"] == pytest.approx(np.mean(pg.history["train"][-4:]), abs=1e-12)
    assert out["test"] == pytest.approx(np.mean(pg.history["test"][-4:]), abs=1e-12)
    assert out["accuracy"] == pytest.approx(np.mean(accuracy), abs=1e-12)
    assert "accuracy" not in train_averaged(Playground(dataset="plane", lr=0.1), 10, 5)


@pytest.mark.parametrize("steps,window,match", [(10, 3, "window"), (12, 7, "multiple"), (10, 15, "at most"),
                                                (0, 5, "steps"), (10, 0, "window")])
def test_train_averaged_refuses_bad_windows(steps, window, match):
    with pytest.raises(ValueError, match=match):
        train_averaged(Playground(dataset="circle"), steps, window)


def test_train_averaged_refuses_a_playground_between_records():
    pg = Playground(dataset="circle")
    pg.step(3)
    with pytest.raises(ValueError, match="record"):
        train_averaged(pg, 10, 5)


def test_sum_w2_is_the_l2_penalty_over_its_strength():
    pg = Playground(dataset="circle", hidden_layers=2, neurons=3, l2=0.01)
    pg.step(5)
    weights = [p for n, p in pg.model.named_parameters() if n.endswith("weight")]
    assert sum_w2(pg) == pytest.approx(sum(float((w.detach().double() ** 2).sum()) for w in weights), rel=1e-12)
    assert sum_w2(pg) * 0.01 == pytest.approx(float(pg.penalty().detach()), rel=1e-5)


def test_uncertain_band_counts_the_grid_points_between_0_1_and_0_9():
    pg = Playground(dataset="circle")
    p = pg.output_grid(20)
    assert uncertain_band(pg, 20) == ((p > 0.1) & (p < 0.9)).sum() / 400
    with torch.no_grad():
        for param in pg.model.parameters():
            param.zero_()  # output 0: P = 1/2 everywhere
    assert uncertain_band(pg, 20) == 1.0


def test_houses_experiment_rows_for_seed_0():
    """Constant and linear rows are exact (01's split does not move with the seed); the claims hold on seed 0."""
    exp = robustness.get("08-houses")
    a, b = exp.trial(0), exp.trial(1)
    assert a.metrics["constant"] == b.metrics["constant"] and a.metrics["linear"] == b.metrics["linear"]
    assert a.metrics["linear"] == pytest.approx(0.675, abs=5e-4)  # least squares on livingArea, age
    assert all(c.holds(a.metrics) for c in exp.claims)
    assert math.isfinite(a.metrics["net"]) and len(a.details["playground"].data.test) == 346


def test_side_by_side_figure_has_one_plane_per_run_and_the_losses():
    runs = {"a": Playground(dataset="circle"), "b": Playground(dataset="circle", l2=0.001)}
    fig = plot_side_by_side(runs)
    assert [ax.get_title() for ax in fig.axes[:2]] == ["a", "b"] and fig.axes[2].get_xlabel() == "epoch"
    assert len(fig.axes[2].lines) == 4


@pytest.mark.parametrize("runs,error", [({}, TypeError), ([Playground()], TypeError), ({1: Playground()}, TypeError),
                                        ({"a": "not a playground"}, TypeError)])
def test_side_by_side_refuses_bad_runs(runs, error):
    with pytest.raises(error):
        plot_side_by_side(runs)


def test_the_widget_disables_the_train_ratio_for_the_houses():
    w = playground(dataset="circle")
    assert not w.controls["train_ratio"].disabled
    w.controls["dataset"].value = "houses"
    assert w.playground.config.dataset == "houses" and w.controls["train_ratio"].disabled
    assert w.playground.config.n_train == 1382
