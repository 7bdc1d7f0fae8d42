"""Bad input to notebook 08's playground: the data sets (nnlab.playground), the experiment and its JSON file format
(nnlab.experiments.playground), the figures and the live widget (nnlab.views.playground), and `make lab`'s launcher
(tools/lab.py). Every case asserts the error TYPE and that the message NAMES the argument or the file's field; the
widget never lets an exception escape (a ⚠ status line instead) and its controls always show the playground's state.
"""
from __future__ import annotations

import copy
import functools
import importlib.util
import json
import math
import re
import sys
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch

from nnlab.experiments import playground as E
from nnlab.experiments.playground import BOUNDS, Config, Playground, PlaygroundResult, explore_playground
from nnlab.playground import Dataset, check_features, make_dataset, split_sizes, task
from nnlab.views import playground as V

ROOT = Path(__file__).resolve().parents[1]
MAX_BYTES = getattr(E, "MAX_FILE_BYTES", 64 * 2**20)


@pytest.fixture(autouse=True)
def escapes(monkeypatch):
    """A button callback's exception would be logged by ipywidgets and lost: here it reaches the test instead."""
    import ipywidgets.widgets.widget as widget_module

    class Kernel:
        @staticmethod
        def showtraceback(*args, **kwargs):
            raise  # noqa: PLE0704 - re-raise the exception ipywidgets is handling

    monkeypatch.setattr(widget_module, "get_ipython", lambda: Kernel)


def small(**settings) -> Playground:
    return Playground(**{"dataset": "circle", "n_points": 40, "hidden_layers": 1, "neurons": 2, **settings})


@functools.cache
def valid_text() -> str:
    """A small saved experiment: 20 training points, batch 10, 13 steps (6 epochs + 10 points), 3 records."""
    pg = small()
    pg.step(13)
    return pg.to_json()


def valid_doc() -> dict:
    return json.loads(valid_text())


# ---- nnlab.playground: the data sets ------------------------------------------------------------
def make(**kw):
    args = {"dataset": "circle", "n_points": 50, "noise": 0.1, "train_ratio": 0.5, "seed": 0, **kw}
    return make_dataset(args.pop("dataset"), **args)


def dataset(**kw):
    n = 6
    args = dict(x=torch.zeros(n, 2), y=torch.zeros(n), train=torch.arange(4), test=torch.arange(4, 6),
                extent=(-1.0, 1.0, -1.0, 1.0), task="classification", axis_labels=("x1", "x2"))
    return Dataset(**{**args, **kw})


DATA_CASES = [
    ("task-type", lambda: task(5), TypeError, "dataset"),
    ("task-unknown", lambda: task("moons"), ValueError, "dataset"),
    ("split-dataset", lambda: split_sizes(None, 20, 0.5), TypeError, "dataset"),
    ("split-bool-for-int", lambda: split_sizes("circle", True, 0.5), TypeError, "n_points"),
    ("split-float-for-int", lambda: split_sizes("circle", 20.0, 0.5), TypeError, "n_points"),
    ("split-too-few", lambda: split_sizes("circle", 1, 0.5), ValueError, "n_points"),
    ("split-ratio-type", lambda: split_sizes("circle", 20, "half"), TypeError, "train_ratio"),
    ("split-ratio-nan", lambda: split_sizes("circle", 20, float("nan")), ValueError, "train_ratio"),
    ("split-ratio-range", lambda: split_sizes("circle", 20, 1.5), ValueError, "train_ratio"),
    ("features-int", lambda: check_features(5), TypeError, "features"),
    ("features-none", lambda: check_features(None), TypeError, "features"),
    ("features-str", lambda: check_features("ab"), TypeError, "features"),
    ("features-one", lambda: check_features(("age",)), ValueError, "features"),
    ("features-same", lambda: check_features(("age", "age")), ValueError, "features"),
    ("features-price", lambda: check_features(("price", "age")), ValueError, "features"),
    ("features-non-str", lambda: check_features(("age", 3)), TypeError, "features"),
    ("make-dataset-type", lambda: make(dataset=3), TypeError, "dataset"),
    ("make-dataset-unknown", lambda: make(dataset="moons"), ValueError, "dataset"),
    ("make-n-bool", lambda: make(n_points=True), TypeError, "n_points"),
    ("make-n-float", lambda: make(n_points=50.0), TypeError, "n_points"),
    ("make-n-small", lambda: make(n_points=1), ValueError, "n_points"),
    ("make-n-huge", lambda: make(n_points=10**10), ValueError, "n_points"),
    ("make-noise-neg", lambda: make(noise=-0.1), ValueError, "noise"),
    ("make-noise-nan", lambda: make(noise=float("nan")), ValueError, "noise"),
    ("make-noise-inf", lambda: make(noise=float("inf")), ValueError, "noise"),
    ("make-noise-complex", lambda: make(noise=0.1 + 0j), TypeError, "noise"),
    ("make-noise-str", lambda: make(noise="0.1"), TypeError, "noise"),
    ("make-ratio-range", lambda: make(train_ratio=1.5), ValueError, "train_ratio"),
    ("make-ratio-bool", lambda: make(train_ratio=True), TypeError, "train_ratio"),
    ("make-seed-bool", lambda: make(seed=True), TypeError, "seed"),
    ("make-seed-float", lambda: make(seed=1.5), TypeError, "seed"),
    ("make-seed-neg", lambda: make(seed=-1), ValueError, "seed"),
    ("make-seed-huge", lambda: make(seed=2**70), ValueError, "seed"),
    ("make-features", lambda: make(features=("age",)), ValueError, "features"),
    ("Dataset-x-shape", lambda: dataset(x=torch.zeros(6, 3)), ValueError, "x"),
    ("Dataset-y-shape", lambda: dataset(y=torch.zeros(5)), ValueError, "y"),
    ("Dataset-x-nan", lambda: dataset(x=torch.full((6, 2), float("nan"))), ValueError, "x"),
    ("Dataset-x-complex", lambda: dataset(x=torch.zeros(6, 2, dtype=torch.complex64)), TypeError, "x"),
    ("Dataset-x-float16", lambda: dataset(x=torch.zeros(6, 2, dtype=torch.float16)), TypeError, "x"),
    ("Dataset-x-array", lambda: dataset(x=np.zeros((6, 2))), TypeError, "x"),
    ("Dataset-empty", lambda: dataset(x=torch.zeros(0, 2), y=torch.zeros(0)), ValueError, "x"),
    ("Dataset-train-float", lambda: dataset(train=torch.zeros(4)), TypeError, "train"),
    ("Dataset-train-range", lambda: dataset(train=torch.tensor([0, 9])), ValueError, "train"),
    ("Dataset-test-empty", lambda: dataset(test=torch.arange(0)), ValueError, "test"),
    ("Dataset-extent", lambda: dataset(extent=(1.0, -1.0, 0.0, 1.0)), ValueError, "extent"),
    ("Dataset-extent-nan", lambda: dataset(extent=(0.0, float("nan"), 0.0, 1.0)), ValueError, "extent"),
    ("Dataset-task", lambda: dataset(task="clustering"), ValueError, "task"),
    ("Dataset-labels", lambda: dataset(axis_labels=("x1",)), ValueError, "axis_labels"),
]


# ---- nnlab.experiments.playground: settings, the experiment, save/load -----------------------------
def config_case(name, value):
    return lambda: Config(**{name: value})


SETTING_CASES = []
for _name, (_lo, _hi) in BOUNDS.items():
    _int = _name in E.INTEGER_SETTINGS
    SETTING_CASES += [
        (f"Config-{_name}-str", config_case(_name, "1"), TypeError, _name),
        (f"Config-{_name}-bool", config_case(_name, True), TypeError, _name),
        (f"Config-{_name}-low", config_case(_name, _lo - (1 if _int else 1e-6 if _lo else 0.01)), ValueError, _name),
        (f"Config-{_name}-high", config_case(_name, _hi + (1 if _int else 0.01)), ValueError, _name),
        (f"Config-{_name}-complex", config_case(_name, complex(_lo, 0)), TypeError, _name),
    ]
    SETTING_CASES += ([(f"Config-{_name}-float-for-int", config_case(_name, float(_lo)), TypeError, _name)] if _int else
                      [(f"Config-{_name}-nan", config_case(_name, float("nan")), ValueError, _name),
                       (f"Config-{_name}-inf", config_case(_name, float("inf")), ValueError, _name)])
SETTING_CASES += [
    ("Config-dataset-type", config_case("dataset", 3), TypeError, "dataset"),
    ("Config-dataset-unknown", config_case("dataset", "moons"), ValueError, "dataset"),
    ("Config-activation-type", config_case("activation", None), TypeError, "activation"),
    ("Config-activation-unknown", config_case("activation", "gelu"), ValueError, "activation"),
    ("Config-features-str", config_case("features", "age"), TypeError, "features"),
    ("Config-features-same", config_case("features", ("age", "age")), ValueError, "features"),
    ("Config-batch-over-train", lambda: Config(n_points=20, train_ratio=0.1, batch_size=10), ValueError, "batch_size"),
    ("Config-unknown", lambda: Config(learning_rate=0.1), TypeError, "learning_rate"),
    ("from_dict-list", lambda: Config.from_dict([("lr", 0.1)]), TypeError, "config"),
    ("from_dict-unknown", lambda: Config.from_dict({"learning_rate": 0.1}), ValueError, "learning_rate"),
]


def pg_case(action):
    return lambda: action(small())


EXPERIMENT_CASES = SETTING_CASES + [
    ("Playground-config-type", lambda: Playground({"lr": 0.1}), TypeError, "config"),
    ("Playground-setting", lambda: Playground(Config(), lr=100.0), ValueError, "lr"),
    ("step-neg", pg_case(lambda pg: pg.step(-1)), ValueError, "n"),
    ("step-float", pg_case(lambda pg: pg.step(2.0)), TypeError, "n"),
    ("step-bool", pg_case(lambda pg: pg.step(True)), TypeError, "n"),
    ("step-str", pg_case(lambda pg: pg.step("3")), TypeError, "n"),
    ("set-out-of-range", pg_case(lambda pg: pg.set(lr=100.0)), ValueError, "lr"),
    ("set-unknown", pg_case(lambda pg: pg.set(momentum=0.9)), TypeError, "momentum"),
    ("set-bool", pg_case(lambda pg: pg.set(neurons=True)), TypeError, "neurons"),
    ("grid-zero", pg_case(lambda pg: pg.grid(0)), ValueError, "resolution"),
    ("grid-neg", pg_case(lambda pg: pg.grid(-1)), ValueError, "resolution"),
    ("grid-float", pg_case(lambda pg: pg.grid(2.5)), TypeError, "resolution"),
    ("grid-huge", pg_case(lambda pg: pg.grid(10**6)), ValueError, "resolution"),
    ("output_grid-bool", pg_case(lambda pg: pg.output_grid(True)), TypeError, "resolution"),
    ("output_grid-zero", pg_case(lambda pg: pg.output_grid(0)), ValueError, "resolution"),
    ("neuron_grids-float", pg_case(lambda pg: pg.neuron_grids(4.0)), TypeError, "resolution"),
    ("neuron_grids-neg", pg_case(lambda pg: pg.neuron_grids(-3)), ValueError, "resolution"),
    ("accuracy-split", pg_case(lambda pg: pg.accuracy("val")), ValueError, "split"),
    ("accuracy-type", pg_case(lambda pg: pg.accuracy(1)), TypeError, "split"),
    ("to_json-weights", pg_case(lambda pg: pg.to_json(weights="yes")), TypeError, "weights"),
    ("explore-settings", lambda: explore_playground({"lr": 0.1}, 10), TypeError, "settings"),
    ("explore-steps-neg", lambda: explore_playground(Config(n_points=40), -1), ValueError, "steps"),
    ("explore-steps-float", lambda: explore_playground(Config(n_points=40), 10.0), TypeError, "steps"),
    ("Result-config", lambda: PlaygroundResult({}, 0, 0.0, 1.0, 1.0, 1.0, None, None), TypeError, "config"),
    ("Result-steps", lambda: PlaygroundResult(Config(), -1, 0.0, 1.0, 1.0, 1.0, None, None), ValueError, "steps"),
    ("Result-accuracy", lambda: PlaygroundResult(Config(), 0, 0.0, 1.0, 1.0, 1.0, 1.5, None), ValueError,
     "test_accuracy"),
    ("Result-diverged", lambda: PlaygroundResult(Config(), 0, 0.0, 1.0, 1.0, 1.0, None, 5), TypeError, "diverged"),
]


# ---- the file format: documents from_json must refuse, each naming the field --------------------------
def mutate(change):
    """A valid saved experiment with one change (a function of the parsed document), as JSON text."""
    def text():
        doc = valid_doc()
        change(doc)
        return json.dumps(doc)  # allow_nan: the NaN cases are what older versions wrote
    return text


def put(path, value):
    def change(doc):
        *parents, last = path
        node = doc
        for key in parents:
            node = node[key]
        node[last] = value
    return change


def drop(path):
    def change(doc):
        *parents, last = path
        node = doc
        for key in parents:
            node = node[key]
        del node[last]
    return change


def all_history(fn):
    def change(doc):
        for key, values in doc["state"]["history"].items():
            doc["state"]["history"][key] = fn(values)
    return change


W0 = "0.weight"  # (2, 2): the first layer's weights of small()
BAD_DOCUMENTS = [
    ("not-text", lambda: b"{}", TypeError, "text"),
    ("empty", lambda: "", ValueError, "JSON"),
    ("truncated", lambda: valid_text()[:-40], ValueError, "JSON"),
    ("json-list", lambda: "[1, 2]", TypeError, "document"),
    ("json-number", lambda: "5", TypeError, "document"),
    ("json-null", lambda: "null", TypeError, "document"),
    ("no-format", mutate(drop(["format"])), ValueError, "format"),
    ("other-format", mutate(put(["format"], "something else")), ValueError, "format"),
    ("format-number", mutate(put(["format"], 1)), ValueError, "format"),
    ("unknown-field", mutate(put(["extra"], 1)), ValueError, "extra"),
    ("no-config", mutate(drop(["config"])), ValueError, "config"),
    ("config-list", mutate(put(["config"], [])), TypeError, "config"),
    ("config-unknown", mutate(put(["config", "learning_rate"], 0.1)), ValueError, "learning_rate"),
    ("config-lr-str", mutate(put(["config", "lr"], "abc")), TypeError, "lr"),
    ("config-lr-out", mutate(put(["config", "lr"], 100.0)), ValueError, "lr"),
    ("config-layers-bool", mutate(put(["config", "hidden_layers"], True)), TypeError, "hidden_layers"),
    ("config-neurons-float", mutate(put(["config", "neurons"], 2.0)), TypeError, "neurons"),
    ("config-dataset", mutate(put(["config", "dataset"], "moons")), ValueError, "dataset"),
    ("config-features-str", mutate(put(["config", "features"], "age")), TypeError, "features"),
    ("config-batch-over-train", mutate(put(["config", "batch_size"], 64)), ValueError, "batch_size"),
    ("config-lr-nan", mutate(put(["config", "lr"], float("nan"))), ValueError, "lr"),
    ("state-list", mutate(put(["state"], [])), TypeError, "state"),
    ("state-no-steps", mutate(drop(["state", "steps"])), ValueError, "state.steps"),
    ("state-unknown", mutate(put(["state", "optimizer"], {})), ValueError, "optimizer"),
    ("steps-str", mutate(put(["state", "steps"], "abc")), TypeError, "state.steps"),
    ("steps-bool", mutate(put(["state", "steps"], True)), TypeError, "state.steps"),
    ("steps-neg", mutate(put(["state", "steps"], -1)), ValueError, "state.steps"),
    ("steps-inf", mutate(put(["state", "steps"], float("inf"))), TypeError, "state.steps"),
    ("steps-float", mutate(put(["state", "steps"], 13.0)), TypeError, "state.steps"),
    ("steps-vs-points", mutate(put(["state", "steps"], 1000)), ValueError, "state.steps"),
    ("epoch-float", mutate(put(["state", "epoch_index"], 1.5)), TypeError, "state.epoch_index"),
    ("pos-neg", mutate(put(["state", "pos"], -5)), ValueError, "state.pos"),
    ("pos-over-train", mutate(put(["state", "pos"], 21)), ValueError, "state.pos"),
    ("history-list", mutate(put(["state", "history"], [])), TypeError, "state.history"),
    ("history-no-test", mutate(drop(["state", "history", "test"])), ValueError, "state.history"),
    ("history-unequal", mutate(lambda d: d["state"]["history"]["train"].append(0.5)), ValueError, "state.history"),
    ("history-vs-steps", mutate(all_history(lambda v: v[:-1])), ValueError, "state.history"),
    ("history-too-long", mutate(all_history(lambda v: v * 40_000)), ValueError, "state.history"),
    ("history-steps", mutate(put(["state", "history", "step"], [0.0, 5.0, 11.0])), ValueError,
     "state.history.step"),
    ("history-str", mutate(put(["state", "history", "train"], [0.7, "abc", 0.6])), TypeError,
     "state.history.train"),
    ("history-not-list", mutate(put(["state", "history", "test"], 0.5)), TypeError, "state.history.test"),
    ("history-epoch-nan", mutate(put(["state", "history", "epoch"], [0.0, float("nan"), 5.0])), ValueError,
     "state.history.epoch"),
    ("history-negative-loss", mutate(put(["state", "history", "test"], [0.7, -1.0, 0.6])), ValueError,
     "state.history.test"),
    ("weights-list", mutate(put(["state", "weights"], [])), TypeError, "state.weights"),
    ("weights-missing", mutate(drop(["state", "weights", W0])), ValueError, W0),
    ("weights-extra", mutate(put(["state", "weights", "9.weight"], [[0.0]])), ValueError, "9.weight"),
    ("weights-shape", mutate(put(["state", "weights", W0], [[0.1, 0.2, 0.3]] * 2)), ValueError, r"\(2, 2\)"),
    ("weights-nan", mutate(put(["state", "weights", W0], [[float("nan"), 0.1], [0.1, 0.1]])), ValueError,
     "state.weights"),
    ("weights-inf-token", mutate(put(["state", "weights", W0], [["Infinity", 0.1], [0.1, 0.1]])), TypeError,
     "state.weights"),
    ("weights-ragged", mutate(put(["state", "weights", W0], [[0.1, 0.2], [0.1]])), ValueError, "state.weights"),
    ("weights-bool", mutate(put(["state", "weights", W0], [[True, False], [True, False]])), TypeError,
     "state.weights"),
    ("weights-str", mutate(put(["state", "weights", W0], "abc")), TypeError, "state.weights"),
    ("diverged-number", mutate(put(["state", "diverged"], 5)), TypeError, "state.diverged"),
    ("oversized", lambda: valid_text()[:-1] + " " * MAX_BYTES + "}", ValueError, "at most"),
]


# ---- nnlab.views.playground: figures and widget arguments ---------------------------------------------
VIEW_CASES = [
    ("plot_datasets-setting", lambda: V.plot_datasets(lr="fast"), TypeError, "lr"),
    ("plot_datasets-unknown", lambda: V.plot_datasets(speed=1), TypeError, "speed"),
    ("draw_views-pg", lambda: V.draw_views("pg", *plt.subplots(1, 2)[1]), TypeError, "pg"),
    ("draw_views-axes", lambda: V.draw_views(small(), None, None), TypeError, "ax_out"),
    ("draw_views-resolution", lambda: V.draw_views(small(), *plt.subplots(1, 2)[1], resolution=0), ValueError,
     "resolution"),
    ("draw_views-show_test", lambda: V.draw_views(small(), *plt.subplots(1, 2)[1], show_test="no"), TypeError,
     "show_test"),
    ("plot_playground-pg", lambda: V.plot_playground(None), TypeError, "pg"),
    ("plot_playground-show_test", lambda: V.plot_playground(small(), show_test=1), TypeError, "show_test"),
    ("plot_neurons-pg", lambda: V.plot_neurons(Config()), TypeError, "pg"),
    ("plot_neurons-resolution", lambda: V.plot_neurons(small(), resolution=2.5), TypeError, "resolution"),
    ("neuron_mosaic-zoom", lambda: V.neuron_mosaic(small(), zoom=0), ValueError, "zoom"),
    ("neuron_mosaic-resolution", lambda: V.neuron_mosaic(small(), resolution=-4), ValueError, "resolution"),
    ("Renderer-resolution", lambda: V.Renderer(resolution=True), TypeError, "resolution"),
    ("Renderer-show_test", lambda: V.Renderer(show_test="yes"), TypeError, "show_test"),
    ("Renderer-png", lambda: V.Renderer().png("pg"), TypeError, "pg"),
    ("Widget-playground", lambda: V.PlaygroundWidget(Config()), TypeError, "playground"),
    ("Widget-chunk-zero", lambda: V.PlaygroundWidget(small(), steps_per_chunk=0), ValueError, "steps_per_chunk"),
    ("Widget-chunk-float", lambda: V.PlaygroundWidget(small(), steps_per_chunk=2.5), TypeError, "steps_per_chunk"),
    ("Widget-redraws-zero", lambda: V.PlaygroundWidget(small(), max_redraws_per_s=0), ValueError,
     "max_redraws_per_s"),
    ("Widget-redraws-nan", lambda: V.PlaygroundWidget(small(), max_redraws_per_s=float("nan")), ValueError,
     "max_redraws_per_s"),
    ("playground-setting", lambda: V.playground(lr=100.0), ValueError, "lr"),
    ("playground-unknown", lambda: V.playground(speed=3), TypeError, "speed"),
]


# ---- tools/lab.py ----------------------------------------------------------------------------------
@functools.cache
def lab():
    spec = importlib.util.spec_from_file_location("nnlab_lab_bad_input", ROOT / "tools" / "lab.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


TOKEN = "t" * 20
LAB_CASES = [
    ("check_token-int", lambda: lab().check_token(12345678901234567890), TypeError, "token"),
    ("check_token-short", lambda: lab().check_token("short"), ValueError, "characters"),
    ("environment-base", lambda: lab().lab_environment(TOKEN, base=["PATH=/bin"]), TypeError, "base"),
    ("command-port-bool", lambda: lab().lab_command(True), TypeError, "port"),
    ("command-port-str", lambda: lab().lab_command("8888"), TypeError, "port"),
    ("command-port-zero", lambda: lab().lab_command(0), ValueError, "port"),
    ("command-port-high", lambda: lab().lab_command(70000), ValueError, "port"),
    ("command-browser", lambda: lab().lab_command(8888, browser="no"), TypeError, "browser"),
]

ALL_CASES = ([("data", *c) for c in DATA_CASES] + [("experiment", *c) for c in EXPERIMENT_CASES]
             + [("views", *c) for c in VIEW_CASES] + [("lab", *c) for c in LAB_CASES])


@pytest.mark.parametrize("module,case,call,error,match", ALL_CASES, ids=[f"{c[0]}:{c[1]}" for c in ALL_CASES])
def test_bad_argument_is_refused_naming_it(module, case, call, error, match):
    with pytest.raises(error, match=match):
        call()


@pytest.mark.parametrize("case,text,error,match", BAD_DOCUMENTS, ids=[c[0] for c in BAD_DOCUMENTS])
def test_from_json_refuses_a_malformed_document_naming_the_field(case, text, error, match):
    with pytest.raises(error, match=match):
        Playground.from_json(text())


# ---- the widget -------------------------------------------------------------------------------------
def assert_controls_match(w: V.PlaygroundWidget) -> None:
    """Every control shows the playground's state (value, the batch-size bound, what is enabled)."""
    c = w.playground.config
    for name, control in w.controls.items():
        value = tuple(control.value) if name == "features" else control.value
        assert value == getattr(c, name), (name, control.value, getattr(c, name))
    assert w.controls["batch_size"].max == min(BOUNDS["batch_size"][1], c.n_train)
    assert w.controls["neurons"].disabled == (c.hidden_layers == 0)
    assert w.controls["features"].disabled == (c.dataset != "houses")


@pytest.mark.parametrize("case,text,error,match", BAD_DOCUMENTS, ids=[c[0] for c in BAD_DOCUMENTS])
def test_load_button_shows_a_malformed_file_on_the_status_line(case, text, error, match, tmp_path):
    w = V.playground(dataset="xor")
    w.playground.step(7)
    before, image = w.playground, w.plane.value
    content = text()
    path = tmp_path / "bad.json"
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    w.filename.value = str(path)
    w.buttons["load"].click()
    assert w.last_status.startswith("⚠ could not load"), w.last_status
    if case != "not-text":  # a file's content is always text: b"{}" is the document {} (no format)
        assert re.search(match, w.last_status), (match, w.last_status)  # the field is named here too
    assert w.playground is before and w.playground.steps == 7 and w.plane.value == image
    assert_controls_match(w)


def test_load_button_refuses_files_that_are_not_experiments(tmp_path):
    w = V.playground()
    before = w.playground
    for name, content in [("folder", None), ("missing.json", None), ("binary.json", b"\xff\xfe\x00garbage")]:
        path = tmp_path / name
        if name == "folder":
            path.mkdir()
        elif content is not None:
            path.write_bytes(content)
        w.filename.value = str(path)
        w.buttons["load"].click()
        assert w.last_status.startswith(f"⚠ could not load {path}"), w.last_status
        assert w.playground is before
        assert_controls_match(w)
    with pytest.raises(IsADirectoryError, match="folder"):
        Playground.load(str(tmp_path / "folder"))
    with pytest.raises(FileNotFoundError, match="missing"):
        Playground.load(str(tmp_path / "missing.json"))
    with pytest.raises(ValueError, match="UTF-8"):
        Playground.load(str(tmp_path / "binary.json"))
    with pytest.raises(TypeError, match="path"):
        Playground.load(5)


def test_an_oversized_file_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "huge.json"
    with open(path, "wb") as f:
        f.truncate(MAX_BYTES + 1)  # sparse: no disk used
    with pytest.raises(ValueError, match="at most"):
        Playground.load(str(path))


@pytest.mark.parametrize("settings", [{"l1": 0.05}, {"l2": 5e-5}, {"features": ("age", "rooms"), "dataset": "houses"}])
def test_files_nnlab_writes_load_and_the_controls_show_them(settings, tmp_path):
    """Every setting Config accepts can be shown: a dropdown gains a value that is not yet among its options."""
    saved = Playground(**settings)
    saved.step(3)
    path = tmp_path / "mine.json"
    saved.save(str(path))
    w = V.playground()
    w.filename.value = str(path)
    w.buttons["load"].click()
    assert not w.last_status.startswith("⚠"), w.last_status
    assert w.playground.steps == 3
    assert_controls_match(w)
    name = next(iter(set(settings) - {"dataset"}))
    w.controls[name].value = w.controls[name].options[0] if name != "features" else w.controls[name].options[0][1]
    assert_controls_match(w)
    again = V.playground(**settings)  # and a widget can start with them
    assert_controls_match(again)


def test_to_json_writes_valid_json_and_reads_non_finite_losses_back():
    pg = small()
    pg.step(10)
    pg.history["train"][1], pg.history["test"][2] = float("nan"), float("inf")
    text = pg.to_json()
    json.loads(text, parse_constant=lambda token: pytest.fail(f"{token} is not JSON"))
    back = Playground.from_json(text)
    assert math.isnan(back.history["train"][1]) and back.history["test"][2] == math.inf
    assert back.history["step"] == pg.history["step"] and back.history["test"] == pg.history["test"]


def test_non_finite_weights_are_not_saved(tmp_path):
    pg = small()
    with torch.no_grad():
        pg.model[0].weight[0, 0] = float("nan")
    with pytest.raises(ValueError, match="weights"):
        pg.to_json()
    assert "state" not in json.loads(pg.to_json(weights=False))
    w = V.PlaygroundWidget(pg)
    w.filename.value = str(tmp_path / "x.json")
    w.buttons["save"].click()
    assert w.last_status.startswith("⚠ could not save") and "weights" in w.last_status
    assert not (tmp_path / "x.json").exists()


@pytest.mark.parametrize("where", ["folder", "no-such-folder", "empty"])
def test_save_button_reports_an_unwritable_path(where, tmp_path):
    w = V.playground()
    target = {"folder": tmp_path, "no-such-folder": tmp_path / "nope" / "x.json", "empty": ""}[where]
    w.filename.value = str(target)
    w.buttons["save"].click()
    assert w.last_status.startswith("⚠ could not save"), w.last_status
    assert_controls_match(w)
    error = {"folder": IsADirectoryError, "no-such-folder": FileNotFoundError, "empty": ValueError}[where]
    with pytest.raises(error, match="path"):
        w.playground.save(str(target))
    with pytest.raises(TypeError, match="path"):
        w.playground.save(None)


def test_a_refused_save_leaves_the_old_file_whole(tmp_path):
    """The document is made before the file is opened: a state that cannot be saved does not truncate the file."""
    path = tmp_path / "x.json"
    small().save(str(path))
    good = path.read_text()
    pg = small(seed=3)
    with torch.no_grad():
        pg.model[0].bias[0] = float("inf")
    with pytest.raises(ValueError, match="weights"):
        pg.save(str(path))
    assert path.read_text() == good


SLIDERS = ["hidden_layers", "neurons", "lr", "batch_size", "noise", "train_ratio"]


@pytest.mark.parametrize("name", SLIDERS + ["dataset", "features", "activation", "l1", "l2"])
def test_every_control_at_its_extremes_keeps_state_and_controls_together(name):
    w = V.playground(n_points=40)
    control = w.controls[name]
    if name in SLIDERS:
        values = [control.min, control.max] if name != "lr" else [10 ** control.min, 10 ** control.max]
    else:
        values = [o[1] if isinstance(o, tuple) and name == "features" else o for o in control.options]
    for value in values:
        control.value = value
        w.buttons["step"].click()
        assert not w.last_status.startswith("⚠") or w.last_status.startswith("⚠ Diverged"), (name, value,
                                                                                               w.last_status)
        assert_controls_match(w)


def test_float_controls_and_state_agree_after_rounding():
    w = V.playground()
    w.controls["lr"].value = 10 ** -3.75  # 1.778e-4: the state keeps 4 significant digits, the control shows them
    w.controls["noise"].value = 0.1 + 0.05
    assert w.playground.config.lr == pytest.approx(10 ** -3.75, rel=1e-3) and w.playground.config.noise == 0.15
    assert_controls_match(w)


FAILURES = [ValueError("lr refused"), RuntimeError("broken"), ZeroDivisionError("division by zero"),
            IndexError("list index out of range"), KeyError("weight")]


def boom(exc):
    def fail(*args, **kwargs):
        raise copy.copy(exc)
    return fail


@pytest.mark.parametrize("exc", FAILURES, ids=lambda e: type(e).__name__)
def test_a_failing_setting_shows_on_the_status_line_and_the_control_goes_back(exc, monkeypatch):
    w = V.playground()
    image = w.plane.value
    monkeypatch.setattr(w.playground, "set", boom(exc))
    w.controls["lr"].value = 1.0
    w.controls["dataset"].value = "spiral"
    assert w.last_status.startswith("⚠") and str(exc).strip("'") in w.last_status, w.last_status
    assert w.playground.config.lr == 0.3 and w.playground.config.dataset == "circle"
    assert_controls_match(w)
    assert w.plane.value == image  # the last good picture stays


@pytest.mark.parametrize("button,method", [("step", "step"), ("reset", "reset"), ("seed", "new_seed")])
@pytest.mark.parametrize("exc", FAILURES[:3], ids=lambda e: type(e).__name__)
def test_a_failing_button_shows_on_the_status_line(button, method, exc, monkeypatch):
    w = V.playground()
    monkeypatch.setattr(w.playground, method, boom(exc))
    w.buttons[button].click()
    assert w.last_status.startswith("⚠") and str(exc) in w.last_status, w.last_status
    assert_controls_match(w)


def test_a_failing_reset_changes_nothing(monkeypatch):
    pg = small()
    pg.step(7)
    before = pg.to_json()
    monkeypatch.setattr("nnlab.experiments.playground.make_dataset", boom(RuntimeError("no data")))
    with pytest.raises(RuntimeError, match="no data"):
        pg.set(dataset="spiral")
    with pytest.raises(RuntimeError, match="no data"):
        pg.reset()
    assert pg.to_json() == before and pg.config.dataset == "circle"


def test_a_failing_redraw_keeps_the_last_picture(monkeypatch):
    w = V.playground()
    image, neurons = w.plane.value, w.neurons.value
    monkeypatch.setattr(w.renderer, "png", boom(RuntimeError("cannot draw")))
    w.buttons["step"].click()
    assert w.last_status.startswith("⚠") and "cannot draw" in w.last_status
    assert w.plane.value == image and w.playground.steps == 1
    w.show_test.value = False
    assert w.last_status.startswith("⚠") and w.renderer.show_test is False
    w.controls["hidden_layers"].value = 3
    assert w.playground.config.hidden_layers == 3 and w.last_status.startswith("⚠")
    assert_controls_match(w)
    monkeypatch.undo()
    w.buttons["step"].click()
    assert not w.last_status.startswith("⚠") and w.plane.value != image and w.neurons.value != neurons


def test_a_load_that_cannot_be_shown_restores_the_old_experiment(tmp_path, monkeypatch):
    saved = small(dataset="spiral", hidden_layers=3)
    saved.save(str(tmp_path / "x.json"))
    w = V.playground()
    before = w.playground
    monkeypatch.setattr(w.renderer, "png", boom(RuntimeError("cannot draw")))
    w.filename.value = str(tmp_path / "x.json")
    w.buttons["load"].click()
    assert w.last_status.startswith("⚠ could not load") and "cannot draw" in w.last_status
    assert w.playground is before
    assert_controls_match(w)


def test_play_reports_a_failing_chunk_and_stops(monkeypatch):
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    w = V.playground()
    monkeypatch.setattr(w.playground, "step", boom(RuntimeError("chunk failed")))

    async def scenario():
        w.play()
        await asyncio.wait_for(w._task, timeout=10)

    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, scenario()).result()
    assert not w.playing and w.last_status.startswith("⚠") and "chunk failed" in w.last_status


def test_a_config_cannot_be_changed_after_its_checks():
    import dataclasses

    from nnlab.experiments.playground import Config
    config = Config()
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.neurons = 3.5           # would bypass the integer check
    assert dataclasses.replace(config, neurons=3).neurons == 3
    with pytest.raises(TypeError, match="neurons"):
        dataclasses.replace(config, neurons=3.5)
