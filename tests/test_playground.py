"""The playground's data sets (nnlab.playground) and experiment (nnlab.experiments.playground): settings and
their bounds, training steps, divergence, views' data, exact save/load. Figures and widget: test_playground_views."""
import json
import subprocess
import sys

import numpy as np
import pytest
import torch

from nnlab import ffn, metrics, training
from nnlab.data import load_houses
from nnlab.experiments.playground import (ACTIVATIONS, BOUNDS, Config, Playground, PlaygroundResult,
                                          explore_playground)
from nnlab.playground import CLASSIFICATION, DATASETS, HOUSE_FEATURES, make_dataset, split_sizes, task
from nnlab.regression import Standardizer


def weights_equal(a: Playground, b: Playground) -> bool:
    sa, sb = a.model.state_dict(), b.model.state_dict()
    return sa.keys() == sb.keys() and all(torch.equal(sa[k], sb[k]) for k in sa)


# ---- settings ------------------------------------------------------------------------------------
@pytest.mark.parametrize("name,value", [("lr", 0.0), ("lr", 11.0), ("hidden_layers", -1), ("hidden_layers", 7),
                                        ("neurons", 0), ("neurons", 9), ("batch_size", 0), ("batch_size", 65),
                                        ("l1", -0.1), ("l2", 0.2), ("noise", 0.6), ("train_ratio", 0.0),
                                        ("train_ratio", 1.0), ("lr", float("nan")), ("dataset", "moons"),
                                        ("activation", "gelu"), ("features", ("age", "age")),
                                        ("features", ("price", "age"))])
def test_out_of_bounds_settings_raise_naming_the_setting(name, value):
    with pytest.raises(ValueError, match=name):
        Config(**{name: value})


@pytest.mark.parametrize("name,value", [("hidden_layers", True), ("neurons", 2.0), ("seed", False),
                                        ("batch_size", "10"), ("n_points", 100.0), ("lr", True), ("noise", "0.1")])
def test_settings_of_the_wrong_kind_raise_type_error(name, value):
    """An integer setting is an int (not a bool, not a float); a real one is a number (not a bool)."""
    with pytest.raises(TypeError, match=name):
        Config(**{name: value})


def test_every_bound_is_accepted_and_numbers_are_normalised():
    for name, (lo, hi) in BOUNDS.items():
        for value in (lo, hi):
            extra = {"n_points": 2000, "train_ratio": 0.9} if name == "batch_size" else {}
            assert getattr(Config(**{name: value, **extra}), name) == value
    c = Config(lr=1, hidden_layers=np.int64(3))  # an int learning rate is a number; numpy ints are ints
    assert type(c.lr) is float and type(c.hidden_layers) is int


def test_activations_are_the_ffn_table():
    assert set(ACTIVATIONS) == set(ffn.ACTIVATIONS)


def test_batch_size_cannot_exceed_the_training_set():
    with pytest.raises(ValueError, match="batch_size must be at most the 2 training points"):
        Config(n_points=20, train_ratio=0.1, batch_size=10)


def test_failed_set_changes_nothing():
    pg = Playground(dataset="gauss")
    pg.step(10)
    before = pg.to_json()
    with pytest.raises(ValueError, match="lr"):
        pg.set(lr=100.0)
    assert pg.to_json() == before


def test_config_dict_round_trip_and_unknown_keys():
    c = Config(dataset="houses", features=("age", "landValue"), seed=7)
    assert Config.from_dict(json.loads(json.dumps(c.to_dict()))) == c
    with pytest.raises(ValueError, match="unknown setting"):
        Config.from_dict({"dataset": "xor", "learning_rate": 0.1})


# ---- data ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("dataset", DATASETS)
@pytest.mark.parametrize("noise", [0.0, 0.5])
@pytest.mark.parametrize("ratio", [0.1, 0.9])
def test_datasets_shapes_split_and_determinism(dataset, noise, ratio):
    c = Config(dataset=dataset, noise=noise, train_ratio=ratio)
    d = c.make_dataset()
    n = c.n_total
    assert d.x.shape == (n, 2) and d.y.shape == (n,) and d.x.dtype == torch.float32
    expected = 1382 if dataset == "houses" else round(ratio * n)  # the houses keep 01's split
    assert len(d.train) == c.n_train == expected and len(d.train) + len(d.test) == n
    assert set(d.train.tolist()).isdisjoint(d.test.tolist())
    assert torch.isfinite(d.x).all() and torch.isfinite(d.y).all()
    if dataset in CLASSIFICATION:
        assert set(d.y.unique().tolist()) == {0.0, 1.0}
    again = make_dataset(dataset, n_points=500, noise=noise, train_ratio=ratio, seed=0)
    assert torch.equal(d.x, again.x) and torch.equal(d.train, again.train) and d.task == task(dataset)
    other = make_dataset(dataset, n_points=500, noise=noise, train_ratio=ratio, seed=1)
    if dataset == "houses" and noise == 0:  # no noise, a fixed split: the seed changes nothing in the data
        assert torch.equal(d.x, other.x) and torch.equal(d.test, other.test)
    else:
        assert not torch.equal(d.x, other.x) or not torch.equal(d.train, other.train)


def test_houses_use_the_chosen_features_standardised():
    d = make_dataset("houses", n_points=20, noise=0.0, train_ratio=0.5, seed=0, features=("livingArea", "age"))
    xt, yt = d.x[d.train].double(), d.y[d.train].double()
    torch.testing.assert_close(xt.mean(0), torch.zeros(2, dtype=torch.float64), atol=1e-5, rtol=0)
    torch.testing.assert_close(yt.std(unbiased=False), torch.tensor(1.0, dtype=torch.float64), atol=1e-5, rtol=0)
    assert d.axis_labels == ("livingArea (standardised)", "age (standardised)")
    assert len(d.y) == 1728 and len(d.train) == 1382  # neither n_points nor train_ratio apply to the houses


@pytest.mark.parametrize("seed,ratio", [(0, 0.5), (3, 0.1), (7, 0.9)])
def test_houses_are_notebook_01s_split_whatever_the_seed_and_ratio(seed, ratio):
    """The playground's training and test houses are load_houses()'s (01's), in its order, for every seed."""
    features = ("livingArea", "age")
    ref = load_houses(features=features)
    d = make_dataset("houses", n_points=20, noise=0.0, train_ratio=ratio, seed=seed, features=features)
    scaler = Standardizer.fit(ref.x_train)
    torch.testing.assert_close(d.x[d.train].double(), torch.from_numpy(scaler.transform(ref.x_train)),
                               atol=1e-5, rtol=0)
    torch.testing.assert_close(d.x[d.test].double(), torch.from_numpy(scaler.transform(ref.x_test)),
                               atol=1e-5, rtol=0)
    y_scaler = Standardizer.fit(ref.y_train)
    torch.testing.assert_close(d.y[d.test].double(), torch.from_numpy(y_scaler.transform(ref.y_test)),
                               atol=1e-5, rtol=0)
    assert Config(dataset="houses", train_ratio=ratio, seed=seed).n_train == len(ref.y_train) == 1382


@pytest.mark.parametrize("kwargs,error,match", [
    ({"dataset": "moons"}, ValueError, "dataset"), ({"n_points": 1}, ValueError, "n_points"),
    ({"n_points": 50.0}, TypeError, "n_points"), ({"noise": -0.1}, ValueError, "noise"),
    ({"train_ratio": 1.5}, ValueError, "train_ratio"), ({"seed": True}, TypeError, "seed"),
    ({"features": ("age",)}, ValueError, "features")])
def test_make_dataset_checks_its_arguments(kwargs, error, match):
    args = {"dataset": "circle", "n_points": 50, "noise": 0.1, "train_ratio": 0.5, "seed": 0, **kwargs}
    with pytest.raises(error, match=match):
        make_dataset(args.pop("dataset"), **args)


def test_split_sizes_leave_a_test_point_and_a_training_point():
    assert split_sizes("circle", 20, 0.99) == (20, 19) and split_sizes("circle", 20, 0.01) == (20, 1)
    assert split_sizes("houses", 20, 0.5) == (1728, 1382) and len(HOUSE_FEATURES) == 9


def test_maths_and_experiment_modules_load_no_plotting_or_widgets():
    code = ("import sys, nnlab.playground, nnlab.experiments.playground\n"
            "print(sorted(m for m in ('matplotlib', 'ipywidgets') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stdout.strip() == "[]", done.stdout + done.stderr


# ---- model, steps, views --------------------------------------------------------------------------
@pytest.mark.parametrize("layers", [0, 1, 6])
@pytest.mark.parametrize("neurons", [1, 8])
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_architecture_and_views(layers, neurons, activation):
    pg = Playground(dataset="xor", hidden_layers=layers, neurons=neurons, activation=activation, lr=0.1)
    assert pg.step(7) == 7 and pg.steps == 7
    grids = pg.neuron_grids(12)
    assert len(grids) == layers and all(g.shape == (neurons, 12, 12) for g in grids)
    out = pg.output_grid(20)
    assert out.shape == (20, 20) and (out >= 0).all() and (out <= 1).all()
    curves = pg.loss_curves()
    assert curves["step"].tolist() == [0.0, 5.0] and np.isfinite(curves["train"]).all()
    assert metrics.n_params(pg.model) == ffn.param_count([2] + [neurons] * layers + [1])


def test_neuron_grid_matches_the_layer_output():
    pg = Playground(dataset="circle", hidden_layers=2, neurons=3)
    _, _, pts = pg.grid(5)
    with torch.no_grad():
        h2 = pg.model[:4](pts)  # Linear, act, Linear, act -> (25, 3)
    torch.testing.assert_close(torch.tensor(pg.neuron_grids(5)[1]).reshape(3, 25), h2.T, rtol=0, atol=0)


def test_training_lowers_the_loss_and_counts_epochs():
    pg = Playground(dataset="gauss", lr=0.3, batch_size=10, train_ratio=0.5)  # 250 training points
    start = pg.history["train"][0]
    pg.step(100)
    assert pg.epoch == pytest.approx(4.0) and pg.history["train"][-1] < 0.5 * start
    assert pg.accuracy() > 0.9
    pg.set(batch_size=7)  # applies live, no reset
    pg.step(1)
    assert pg.steps == 101 and pg.epoch == pytest.approx(4 + 7 / 250)


def test_summary_marks_trained_numbers_approximate():
    pg = Playground(dataset="circle")
    pg.step(25)
    h, acc = pg.history, pg.accuracy()
    # epoch and step are exact; the losses and the accuracy come out of training: marked ≈
    assert pg.summary() == (f"epoch 1.00 · step 25 · train loss ≈{h['train'][-1]:.3f} · "
                            f"test loss ≈{h['test'][-1]:.3f} · test accuracy ≈{acc:.1%}")
    assert pg.summary() == pg.result().status()


def test_explore_playground_is_a_fresh_run_of_its_settings():
    settings = Config(dataset="xor", lr=0.3)
    result = explore_playground(settings, steps=40)
    pg = Playground(settings)
    pg.step(40)
    assert isinstance(result, PlaygroundResult) and result == pg.result()
    assert result.steps == 40 and result.epoch == pytest.approx(1.6) and result.diverged is None
    assert result.start_loss == pg.history["train"][0] and result.train_loss == pg.history["train"][-1]
    assert result.config == settings and result.config is not settings  # a snapshot: later set() cannot change it


def test_initial_weights_are_seeded_without_touching_the_global_generator():
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    a = Playground(seed=4)
    assert torch.equal(torch.rand(3), expected)  # the global RNG went on as if no playground had been built
    assert weights_equal(a, Playground(seed=4)) and not weights_equal(a, Playground(seed=5))


def test_step_counts_must_be_non_negative_integers():
    pg = Playground()
    with pytest.raises(ValueError, match="n"):
        pg.step(-1)
    with pytest.raises(TypeError, match="n"):
        pg.step(2.0)
    assert pg.step(0) == 0 and not pg.model.training  # evaluation mode between steps


def test_regression_views_and_no_accuracy():
    pg = Playground(dataset="plane", lr=0.1)
    pg.step(50)
    assert pg.accuracy() is None and "accuracy" not in pg.summary()
    assert pg.history["test"][-1] < pg.history["test"][0]


@pytest.mark.parametrize("name,value", [("dataset", "spiral"), ("activation", "relu"), ("hidden_layers", 3),
                                        ("neurons", 5), ("noise", 0.3), ("train_ratio", 0.8), ("seed", 3)])
def test_structural_changes_reset(name, value):
    pg = Playground()
    pg.step(20)
    assert pg.set(**{name: value}) is True and pg.steps == 0 and getattr(pg.config, name) == value


@pytest.mark.parametrize("name,value", [("lr", 1e-4), ("lr", 10.0), ("batch_size", 1), ("batch_size", 64),
                                        ("l1", 0.1), ("l2", 0.1)])
def test_live_changes_do_not_reset(name, value):
    pg = Playground()
    pg.step(20)
    assert pg.set(**{name: value}) is False and pg.steps == 20


def test_chunking_does_not_change_the_run():
    a, b = Playground(dataset="xor", lr=0.2), Playground(dataset="xor", lr=0.2)
    a.step(100)
    for _ in range(20):
        b.step(3)
        b.step(2)
    assert weights_equal(a, b) and a.history == b.history


@pytest.mark.parametrize("l1,l2", [(0.0, 0.1), (0.1, 0.0), (0.03, 0.03)])
def test_regularisation_penalty_and_effect(l1, l2):
    pg = Playground(dataset="circle", l1=l1, l2=l2, lr=0.3)
    w = [p for n, p in pg.model.named_parameters() if n.endswith("weight")]
    expected = l1 * sum(x.abs().sum() for x in w) + l2 * sum((x ** 2).sum() for x in w)
    torch.testing.assert_close(pg.penalty(), expected)
    free = Playground(dataset="circle", lr=0.3)
    pg.step(100)
    free.step(100)
    norm = lambda p: sum(float(x.detach().abs().sum()) for n, x in p.model.named_parameters() if n.endswith("weight"))  # noqa
    assert norm(pg) < norm(free)


@pytest.mark.parametrize("dataset", ["plane", "houses"])
def test_divergence_stops_and_reports(dataset):
    pg = Playground(dataset=dataset, lr=10.0)
    done = pg.step(500)
    # the refused step is the one after the last update taken
    assert done == pg.steps < 500 and pg.diverged.startswith(f"⚠ Diverged at step ≈{pg.steps + 1} (epoch ≈")
    assert "the training loss reached ≈" in pg.diverged and "learning rate (now 10)" in pg.diverged
    assert pg.step(10) == 0 and pg.summary() == pg.diverged
    assert pg.result().diverged == pg.diverged and pg.result().status().startswith("⚠")
    pg.reset()
    assert pg.diverged is None


@pytest.mark.parametrize("dataset", ["plane", "houses"])
def test_divergence_is_checked_before_the_update(dataset, monkeypatch):
    """The rule is nnlab.training.diverged on the mini-batch loss about to be stepped on: that step never happens."""
    pg = Playground(dataset=dataset, lr=10.0, batch_size=20)
    done = pg.step(500)
    again = Playground(dataset=dataset, lr=10.0, batch_size=20)
    assert again.step(done) == done and again.diverged is None and weights_equal(pg, again)
    seen = []
    monkeypatch.setattr("nnlab.experiments.playground.diverged",
                        lambda loss, start: seen.append((loss, start)) or training.diverged(loss, start))
    again.step(1)
    (loss, start), = seen
    assert training.diverged(loss, start) and start == again.history["train"][0]
    assert again.diverged is not None and weights_equal(pg, again) and again.steps == done


def test_new_seed_changes_data_and_weights():
    pg = Playground()
    x0, w0 = pg.data.x.clone(), pg.model[0].weight.detach().clone()
    assert pg.new_seed() == 1
    assert not torch.equal(pg.data.x, x0) and not torch.equal(pg.model[0].weight, w0)


# ---- save / load -----------------------------------------------------------------------------------
@pytest.mark.parametrize("dataset", ["circle", "spiral", "houses"])
def test_save_load_continues_bit_for_bit(dataset, tmp_path):
    pg = Playground(dataset=dataset, hidden_layers=2, neurons=8, lr=0.1, l1=1e-3, l2=1e-3, batch_size=13)
    pg.step(53)  # mid-epoch, mid-recording interval
    path = tmp_path / "experiment.json"
    pg.save(str(path))
    assert path.stat().st_size < 50_000
    loaded = Playground.load(str(path))
    assert weights_equal(pg, loaded) and loaded.epoch == pg.epoch
    pg.step(60)
    loaded.step(60)
    assert weights_equal(pg, loaded) and pg.history == loaded.history


def test_settings_only_json_reproduces_the_run_from_scratch():
    pg = Playground(dataset="xor", seed=5, lr=0.2)
    handout = pg.to_json(weights=False)
    pg.step(40)
    learner = Playground.from_json(handout)
    learner.step(40)
    assert "state" not in json.loads(handout) and weights_equal(pg, learner)


def test_load_rejects_other_documents():
    with pytest.raises(ValueError, match="nnlab-playground/1"):
        Playground.from_json('{"format": "something else"}')


