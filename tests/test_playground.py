"""The playground: settings and their bounds, data sets, training steps, views' data, exact save/load, the widget."""
import asyncio
import json
import math

import numpy as np
import pytest
import torch

from nnlab.playground import Playground, plot_playground
from nnlab.playground_data import ACTIVATIONS, CLASSIFICATION, DATASETS, REGULARIZATION, Config, make_dataset
from nnlab.playground_widget import PlaygroundWidget, neuron_mosaic, playground


def _run(coro):
    """asyncio.run in a fresh thread: the browser tests' sync Playwright keeps an event loop in the main thread."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


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
    d = make_dataset(c)
    n = c.n_total
    assert d.x.shape == (n, 2) and d.y.shape == (n,) and d.x.dtype == torch.float32
    assert len(d.train) == c.n_train == round(ratio * n) and len(d.train) + len(d.test) == n
    assert set(d.train.tolist()).isdisjoint(d.test.tolist())
    assert torch.isfinite(d.x).all() and torch.isfinite(d.y).all()
    if dataset in CLASSIFICATION:
        assert set(d.y.unique().tolist()) == {0.0, 1.0}
    again = make_dataset(c)
    assert torch.equal(d.x, again.x) and torch.equal(d.train, again.train)
    other = make_dataset(Config(dataset=dataset, noise=noise, train_ratio=ratio, seed=1))
    assert not torch.equal(d.x, other.x) or not torch.equal(d.train, other.train)


def test_houses_use_the_chosen_features_standardised():
    d = make_dataset(Config(dataset="houses", features=("livingArea", "age"), noise=0.0))
    xt, yt = d.x[d.train].double(), d.y[d.train].double()
    torch.testing.assert_close(xt.mean(0), torch.zeros(2, dtype=torch.float64), atol=1e-5, rtol=0)
    torch.testing.assert_close(yt.std(unbiased=False), torch.tensor(1.0, dtype=torch.float64), atol=1e-5, rtol=0)
    assert d.axis_labels == ("livingArea (standardised)", "age (standardised)")


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
    assert neuron_mosaic(pg)[:8] == b"\x89PNG\r\n\x1a\n"


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
    assert done < 500 and pg.diverged.startswith(f"⚠ Diverged at step ≈{pg.steps} (epoch ≈")
    assert "the training loss reached ≈" in pg.diverged and "learning rate (now 10)" in pg.diverged
    assert pg.step(10) == 0 and pg.summary() == pg.diverged
    pg.reset()
    assert pg.diverged is None


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


# ---- widget ------------------------------------------------------------------------------------------
CONTROL_VALUES = {"dataset": list(DATASETS), "features": [("bedrooms", "bathrooms")], "activation": list(ACTIVATIONS),
                  "hidden_layers": [0, 6, 2], "neurons": [1, 8], "lr": [1e-4, 10.0, 0.1], "batch_size": [1, 64],
                  "l1": [REGULARIZATION[-1], 0.0], "l2": [REGULARIZATION[-1], 0.0], "noise": [0.0, 0.5],
                  "train_ratio": [0.1, 0.9]}


@pytest.fixture(scope="module")
def widget():
    return playground()


@pytest.mark.parametrize("name", list(CONTROL_VALUES))
def test_every_control_drives_the_playground(widget, name):
    for value in CONTROL_VALUES[name]:
        widget.controls[name].value = value
        got = getattr(widget.playground.config, name)
        assert got == value or (isinstance(value, float) and got == pytest.approx(value)), (name, value, got)
        assert not widget.last_status.startswith("⚠"), widget.last_status  # never a settings error
        widget.playground.step(3)
        status = widget.redraw()
        assert not status.startswith("⚠") or status.startswith("⚠ Diverged"), status  # e.g. lr 10: reported
        widget.buttons["reset"].click()
    assert widget.controls["neurons"].disabled == (widget.playground.config.hidden_layers == 0)


def test_batch_size_bound_follows_the_training_set():
    w = playground(n_points=20, batch_size=8)
    w.controls["train_ratio"].value = 0.1  # 2 training points: the slider's bound moves and clamps the value
    assert w.controls["batch_size"].max == 2 and w.playground.config.batch_size == 2
    w.controls["train_ratio"].value = 0.9
    assert w.controls["batch_size"].max == 18


def test_buttons_step_reset_seed_and_divergence_on_the_panel():
    w = playground(dataset="plane")
    image = w.plane.value
    w.buttons["step"].click()
    assert w.playground.steps == 1 and "step 1" in w.epoch.value and w.plane.value != image
    w.buttons["seed"].click()
    assert w.playground.config.seed == 1 and w.playground.steps == 0
    w.controls["lr"].value = 10.0
    w.playground.step(100)
    w.buttons["reset"].click()  # reset clears divergence
    assert not w.last_status.startswith("⚠")
    w.playground.step(100)
    w.redraw()
    assert w.last_status.startswith("⚠ Diverged") and "D55E00" in w.status.value


def test_test_points_are_optional():
    w = playground()
    with_test = w.plane.value
    assert len(w.renderer.fig.axes[0].collections) == 2
    w.show_test.value = False
    assert len(w.renderer.fig.axes[0].collections) == 1 and w.plane.value != with_test


def test_save_and_load_buttons(tmp_path):
    w = playground(dataset="xor", hidden_layers=3)
    w.playground.step(30)
    w.filename.value = str(tmp_path / "x.json")
    w.buttons["save"].click()
    other = playground()
    other.filename.value = w.filename.value
    other.buttons["load"].click()
    assert weights_equal(w.playground, other.playground)
    assert other.controls["dataset"].value == "xor" and other.controls["hidden_layers"].value == 3
    other.filename.value = str(tmp_path / "missing.json")
    other.buttons["load"].click()
    assert other.last_status.startswith("⚠ could not load")


def test_play_runs_in_chunks_and_pause_stops_it():
    async def scenario():
        w = PlaygroundWidget(Playground(dataset="gauss"), steps_per_chunk=5, max_redraws_per_s=20)
        w.play()
        for _ in range(40):  # the loop yields between chunks, so this coroutine keeps running
            await asyncio.sleep(0)
        w.pause()
        await w._task
        steps = w.playground.steps
        await asyncio.sleep(0.01)
        return w, steps

    w, steps = _run(scenario())
    assert steps >= 100 and steps % 5 == 0 and w.playground.steps == steps and not w.playing
    assert w.redraws >= 2 and f"step {steps}" in w.epoch.value


def test_play_stops_by_itself_on_divergence():
    async def scenario():
        w = PlaygroundWidget(Playground(dataset="plane", lr=10.0))
        w.play()
        await asyncio.wait_for(w._task, timeout=10)
        return w

    w = _run(scenario())
    assert w.last_status.startswith("⚠ Diverged") and not w.playing


def test_static_plot_has_labelled_axes():
    fig = plot_playground(Playground(dataset="houses"))
    ax_out, ax_loss = fig.axes
    assert "livingArea" in ax_out.get_xlabel() and ax_loss.get_xlabel() == "epoch"
    assert math.isclose(fig.get_figwidth(), 9.5)
