"""nnlab.training's generic loop: train against a hand-written loop, the divergence check before each update,
train/eval modes, argument checks, History; and nnlab.views.training.plot_losses."""
import math

import pytest
import torch
import torch.nn as nn

from nnlab.ffn import mlp
from nnlab.training import History, diverged, make_optimizer, mse_loss, train
from nnlab.views.training import plot_losses

TOL = dict(rtol=1e-5, atol=1e-6)


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


def test_train_leaves_the_global_rng_alone():
    x, y = torch.randn(16, 2), torch.randn(16, 1)
    model = mlp([2, 1])
    state = torch.random.get_rng_state()
    train(model, x, y, 2, lr=0.01, batch_size=4, seed=3)
    assert torch.equal(state, torch.random.get_rng_state())


def test_train_reports_divergence_instead_of_raising():
    gen = torch.Generator().manual_seed(0)
    x, y = 100 * torch.randn(64, 2, generator=gen), torch.randn(64, 1, generator=gen)
    hist = train(mlp([2, 1]), x, y, 50, lr=1.0, optimizer="sgd")
    assert hist.diverged and hist.diverged_at < 50
    assert len(hist.train) == hist.diverged_at + 1            # recorded up to the epoch where it stopped


class Recorder(nn.Module):
    """A linear model that logs the mode it ran in and every batch loss it would be stepped on."""

    def __init__(self) -> None:
        super().__init__()
        self.lin = nn.Linear(1, 1)
        self.modes: list[bool] = []

    def forward(self, x):
        self.modes.append(self.training)
        return self.lin(x)


def test_divergence_is_checked_on_the_batch_loss_before_the_update():
    x = torch.linspace(-1, 1, 8)[:, None] * 30
    y = torch.zeros(8, 1)
    model = Recorder()
    with torch.no_grad():
        model.lin.weight.fill_(1.0)
        model.lin.bias.zero_()
    steps = []
    opt = torch.optim.SGD(model.parameters(), lr=1.0)   # far too large: the loss grows ~1,000x per step
    original = opt.step

    def counting_step(*args, **kwargs):
        steps.append([p.detach().clone() for p in model.parameters()])
        return original(*args, **kwargs)

    opt.step = counting_step
    hist = train(model, x, y, 20, optimizer=opt)
    assert hist.diverged
    # the loss that tripped the rule was never stepped on: every update came from a loss that passed it
    start = hist.train[0]
    assert diverged(hist.train[-1], start)
    assert len(steps) == hist.diverged_at - 1
    for w, b in steps:
        assert not diverged(float(((x * w[0, 0] + b[0] - y) ** 2).mean()), start)


def test_train_steps_in_train_mode_and_evaluates_in_eval_mode():
    model = Recorder()
    x, y = torch.randn(6, 1), torch.randn(6, 1)
    train(model, x, y, 2, lr=0.01, optimizer="sgd", x_val=x, y_val=y)
    # per epoch: one training step (train mode), then the training and validation losses (eval mode)
    assert model.modes == [False, False, True, False, False, True, False, False]
    assert not model.training


@pytest.mark.parametrize("call, error, words", [
    (lambda: train(mlp([2, 1]), torch.zeros(4, 2), torch.zeros(4, 1), 1, optimizer="lbfgs"), ValueError, "optimizer"),
    (lambda: train(mlp([2, 1]), torch.zeros(4, 2), torch.zeros(3, 1), 1), ValueError, "same number of rows"),
    (lambda: train(mlp([2, 1]), torch.zeros(4, 2), torch.zeros(4, 1), 1, lr=0.0), ValueError, "lr must be > 0"),
    (lambda: train(mlp([2, 1]), torch.zeros(4, 2), torch.zeros(4, 1), -1), ValueError, "epochs"),
    (lambda: train(mlp([2, 1]), torch.zeros(4, 2), torch.zeros(4, 1), 1.5), TypeError, "epochs"),
    (lambda: train(mlp([2, 1]), torch.zeros(4, 2), torch.zeros(4, 1), 1, batch_size=0), ValueError, "batch_size"),
    (lambda: train(mlp([2, 1]), torch.zeros(4, 2), torch.zeros(4, 1), 1, x_val=torch.zeros(2, 2)), ValueError,
     "x_val and y_val"),
    (lambda: train(mlp([2, 1]), torch.full((4, 2), float("nan")), torch.zeros(4, 1), 1), ValueError,
     "x contains NaN"),
])
def test_train_rejects_bad_settings_and_bad_data(call, error, words):
    with pytest.raises(error, match=words):
        call()


def test_history_best_epoch():
    assert History(train=[3, 2, 1], val=[3, 1, 2]).best_epoch == 1
    assert History(train=[3, 2, float("nan")]).best_epoch == 1


def test_plot_losses_draws_train_validation_and_best_epoch():
    ax = plot_losses(History(train=[1.0, 0.5, 0.25], val=[1.0, 0.6, 0.7]))
    labels = [line.get_label() for line in ax.get_lines()]
    assert labels == ["training", "validation", "best validation (epoch 1)"]
    assert ax.get_yscale() == "log"


def test_plot_losses_leaves_out_blown_up_losses():
    ax = plot_losses(History(train=[1.0, 2e4, float("inf")], diverged_at=2), scale=2.0)
    _, values = ax.get_lines()[0].get_data()
    assert values[:2].tolist() == [2.0, 4e4] and math.isnan(values[2])
