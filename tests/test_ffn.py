"""Feedforward nets: explicit matrix products vs nn.Module, the parameter-count formula, training, the widget."""
import math

import pytest
import torch
import torch.nn as nn
from nbval_rules import sanitize  # tests/nbval_rules.py: the sanitizer file as nbval applies it

from nnlab.ffn import (FeedforwardNeuralNetModel, describe_fit, explicit_forward, fit_network, house_tensors,
                       linear_params, mlp, network_explorer, param_count)
from nnlab.training import History, make_optimizer, mse_loss, plot_losses, train

TOL = dict(rtol=1e-5, atol=1e-6)  # float32 sums of up to ~300 terms


@pytest.fixture(scope="module")
def houses():
    return house_tensors()


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu", "linear"])
@pytest.mark.parametrize("seed", range(3))
def test_explicit_forward_equals_module(activation, seed):
    gen = torch.Generator().manual_seed(seed)
    depth = int(torch.randint(1, 5, (1,), generator=gen))
    sizes = torch.randint(1, 40, (depth + 1,), generator=gen).tolist()
    torch.manual_seed(seed)
    model = mlp(sizes, activation)
    x = torch.randn(int(torch.randint(1, 20, (1,), generator=gen)), sizes[0], generator=gen)
    weights, biases = linear_params(model)
    torch.testing.assert_close(explicit_forward(x, weights, biases, activation), model(x), **TOL)


@pytest.mark.parametrize("seed", range(3))
def test_explicit_forward_equals_lecture_model(seed):
    torch.manual_seed(seed)
    model = FeedforwardNeuralNetModel(4, [200, 300], 1)
    x = torch.randn(10, 4)
    weights, biases = linear_params(model)
    assert [tuple(w.shape) for w in weights] == [(200, 4), (300, 200), (1, 300)]
    torch.testing.assert_close(explicit_forward(x, weights, biases), model(x), **TOL)


def test_explicit_forward_rejects_mismatched_shapes():
    with pytest.raises(ValueError, match="layer 2"):
        explicit_forward(torch.zeros(3, 4), [torch.zeros(5, 4), torch.zeros(1, 6)], [torch.zeros(5), torch.zeros(1)])
    with pytest.raises(ValueError, match="activation"):
        explicit_forward(torch.zeros(3, 4), [torch.zeros(1, 4)], [torch.zeros(1)], "softsign")


@pytest.mark.parametrize("seed", range(6))
def test_param_count_matches_numel(seed):
    gen = torch.Generator().manual_seed(seed)
    sizes = torch.randint(1, 300, (int(torch.randint(2, 6, (1,), generator=gen)),), generator=gen).tolist()
    model = mlp(sizes)
    assert param_count(sizes) == sum(p.numel() for p in model.parameters())


def test_param_count_of_the_lecture_model():
    model = FeedforwardNeuralNetModel(4, [200, 300], 1)
    assert param_count([4, 200, 300, 1]) == sum(p.numel() for p in model.parameters()) == 61_601


def test_param_count_rejects_bad_sizes():
    with pytest.raises(ValueError, match="at least 2"):
        param_count([4])


def test_mse_loss_refuses_silent_broadcast():
    with pytest.raises(ValueError, match="same shape"):
        mse_loss(torch.zeros(5, 1), torch.zeros(5))
    y = torch.randn(7, 1)
    torch.testing.assert_close(mse_loss(y + 1, y), torch.nn.functional.mse_loss(y + 1, y))


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
@pytest.mark.parametrize("batch_size", [None, 8])
def test_train_matches_a_hand_written_loop(optimizer, batch_size):
    gen = torch.Generator().manual_seed(1)
    x, y = torch.randn(32, 3, generator=gen), torch.randn(32, 1, generator=gen)
    torch.manual_seed(0)
    a = mlp([3, 5, 1], "tanh")
    torch.manual_seed(0)
    b = mlp([3, 5, 1], "tanh")
    hist = train(a, x, y, 3, lr=0.05, optimizer=optimizer, batch_size=batch_size, seed=7)
    opt = make_optimizer(optimizer, b.parameters(), 0.05)
    g = torch.Generator().manual_seed(7)
    for _ in range(3):
        order = torch.randperm(32, generator=g) if batch_size else torch.arange(32)
        for start in range(0, 32, batch_size or 32):
            idx = order[start:start + (batch_size or 32)]
            opt.zero_grad()
            torch.mean((b(x[idx]) - y[idx]) ** 2).backward()
            opt.step()
    for p, q in zip(a.parameters(), b.parameters()):
        torch.testing.assert_close(p, q, **TOL)
    assert len(hist.train) == 4 and not hist.diverged
    assert hist.train[-1] == pytest.approx(torch.mean((b(x) - y) ** 2).item(), rel=1e-5)


def test_train_reports_divergence_instead_of_raising():
    gen = torch.Generator().manual_seed(0)
    x, y = 100 * torch.randn(64, 2, generator=gen), torch.randn(64, 1, generator=gen)
    hist = train(mlp([2, 1]), x, y, 50, lr=1.0, optimizer="sgd")
    assert hist.diverged and hist.diverged_at < 50


def test_train_rejects_bad_settings():
    with pytest.raises(ValueError, match="optimizer"):
        train(mlp([2, 1]), torch.zeros(4, 2), torch.zeros(4, 1), 1, optimizer="lbfgs")
    with pytest.raises(ValueError, match="same number of rows"):
        train(mlp([2, 1]), torch.zeros(4, 2), torch.zeros(3, 1), 1)
    with pytest.raises(ValueError, match="learning rate"):
        train(mlp([2, 1]), torch.zeros(4, 2), torch.zeros(4, 1), 1, lr=0.0)


def test_history_best_epoch():
    assert History(train=[3, 2, 1], val=[3, 1, 2]).best_epoch == 1
    assert History(train=[3, 2, float("nan")]).best_epoch == 1


def test_house_tensors_split_and_scaling(houses):
    assert houses.x_train.shape == (1106, 4) and houses.x_val.shape == (276, 4) and houses.x_test.shape == (346, 4)
    assert houses.y_train.shape == (1106, 1) and houses.x_train.dtype == torch.float32
    torch.testing.assert_close(houses.x_train.mean(0), torch.zeros(4), atol=1e-5, rtol=0)
    assert 50 < houses.y_std < 150 and 150 < houses.y_mean < 250  # k$


def test_fit_network_learns_the_houses(houses):
    fit = fit_network(houses, [8], "tanh", lr=1e-2, epochs=30)
    assert fit.n_params == 4 * 8 + 8 + 8 + 1
    assert fit.history.train[-1] < 0.6 * fit.history.train[0]
    assert 40 < fit.test_rmse < 90  # k$: predicting the mean would give ~98


@pytest.mark.parametrize("settings,warning", [
    ({}, None),                                                     # the default: a small tanh net
    ({"lr": 10.0, "optimizer": "sgd", "activation": "relu"}, "⚠ Diverged"),  # extreme learning rate
    ({"lr": 1e-4, "epochs": 1}, None),                               # extreme: tiny step, one epoch
    ({"hidden1": 64, "hidden2": 64, "activation": "relu", "epochs": 200}, "⚠ Over-fitting"),
    ({"hidden1": 1, "activation": "sigmoid"}, None),
])
def test_widget_at_several_settings(settings, warning):
    panel = network_explorer()
    for name, value in settings.items():
        panel.controls[name].value = value
    status = panel.last_status
    if warning is None:
        assert not status.startswith("⚠") and "RMSE train" in status, status
    else:
        assert status.startswith(warning), status


def test_describe_fit_reports_divergence(houses):
    fit = fit_network(houses, [4], "relu", lr=10.0, optimizer="sgd", epochs=20)
    assert fit.history.diverged
    assert describe_fit(fit, [4], "relu", 10.0, "sgd").startswith("⚠ Diverged")
    assert math.isfinite(fit.history.train[0])


def test_describe_fit_marks_trained_numbers(houses):
    fit = fit_network(houses, [4], "tanh", lr=1e-2, epochs=5)
    text = describe_fit(fit, [4], "tanh", 1e-2, "adam")
    assert sanitize(text) == ("4-4-1 tanh (25 parameters), adam lr=0.01: RMSE train≈#, "
                                           "validation≈#, test≈#k$; best validation at epoch≈#of 5.")
    wild = fit_network(houses, [4], "relu", lr=10.0, optimizer="sgd", epochs=20)
    assert sanitize(describe_fit(wild, [4], "relu", 10.0, "sgd")) == (
        "⚠ Diverged at epoch≈#: 4-4-1 relu (25 parameters), sgd lr=10; the training loss blew up. "
        "Lower the learning rate.")


def test_lecture_model_rejects_wrong_hidden_list():
    with pytest.raises(ValueError, match="2 layer sizes"):
        FeedforwardNeuralNetModel(4, [200], 1)
    assert isinstance(mlp([4, 3, 1], "relu")[1], nn.ReLU)


def test_plot_losses_draws_train_validation_and_best_epoch():
    ax = plot_losses(History(train=[1.0, 0.5, 0.25], val=[1.0, 0.6, 0.7]))
    labels = [line.get_label() for line in ax.get_lines()]
    assert labels == ["training", "validation", "best validation (epoch 1)"]
    assert ax.get_yscale() == "log"
