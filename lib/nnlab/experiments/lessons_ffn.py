"""Notebook 03's trained comparisons as named experiments (see ``robustness``): step sizes, one change at a time,
the network against linear regression, the small net against the lecture net, over-fitting, and the
initial weight scale (no training).

Every run trains on the 1,106 standardised training houses of ``nnlab.ffn.house_tensors()`` (validation: 276,
test: 346) from weights drawn with ``seed``; the mini-batch order comes from ``seed`` too. RMSEs are in k$.
Equal budgets: every recipe sees ``EPOCHS`` x 1,106 samples (full batch: 80 steps; batches of 128: 720 steps).
Runs are cached per (recipe, seed), so the experiments of one process share them (the notebook trains each once).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import torch

from ..checks import choice, integer
from ..ffn import HouseTensors, fit_network, house_tensors, mlp, output_hessian, pre_activations
from ..metrics import rmse
from ..regression import add_bias, least_squares
from ..training import History, seeded, train
from .robustness import Claim, Trial, experiment

EPOCHS = 80          # every recipe: 80 passes over the 1,106 training houses
BATCH = 128          # mini-batches: 9 steps per epoch (the last one holds 82 houses)
LECTURE = [4, 200, 300, 1]
SMALL = [4, 16, 1]
BOOTSTRAP = 2000     # resamples of the test houses
# name -> (activation, optimizer, lr, batch_size); the baseline is "sgd_full": the notes' recipe on scaled data
RECIPES = {"sgd_1e-4": ("sigmoid", "sgd", 1e-4, None), "sgd_0.1": ("sigmoid", "sgd", 0.1, None),
           "sgd_full": ("sigmoid", "sgd", 1e-2, None), "sgd_batches": ("sigmoid", "sgd", 1e-2, BATCH),
           "adam_full": ("sigmoid", "adam", 1e-2, None), "adam_batches": ("sigmoid", "adam", 1e-2, BATCH),
           "tanh_sgd": ("tanh", "sgd", 1e-2, None)}
ONE_CHANGE = ("sgd_full", "sgd_batches", "adam_full", "tanh_sgd", "adam_batches")


@lru_cache(maxsize=1)
def data() -> HouseTensors:
    """The houses as notebook 03 trains on them (house_tensors(): 1,106 / 276 / 346 houses, standardised)."""
    return house_tensors()


@dataclass(frozen=True)
class Run:
    """One trained lecture net: the model, its history (standardised MSE per epoch) and the RMSEs in k$."""

    model: torch.nn.Module
    history: History
    train_rmse: float
    test_rmse: float
    test_errors: np.ndarray      # (346,) prediction - price, k$


def _rmses(model: torch.nn.Module, d: HouseTensors) -> tuple[float, float, np.ndarray]:
    with torch.no_grad():
        err = (model(d.x_test) - d.y_test)[:, 0].double().numpy() * d.y_std
        return rmse(d.y_train, model(d.x_train)) * d.y_std, float(np.sqrt(np.mean(err ** 2))), err


@lru_cache(maxsize=32)
def recipe(name: str, seed: int, sizes: tuple[int, ...] = tuple(LECTURE)) -> Run:
    """Train the net ``sizes`` with recipe ``name`` (see RECIPES) for EPOCHS epochs from the weights of ``seed``."""
    choice("name", name, RECIPES)
    seed = integer("seed", seed, 0)
    activation, optimizer, lr, batch = RECIPES[name]
    d = data()
    with seeded(seed):
        model = mlp(list(sizes), activation)
    hist = train(model, d.x_train, d.y_train, EPOCHS, lr=lr, optimizer=optimizer, batch_size=batch,
                 x_val=d.x_val, y_val=d.y_val, seed=seed)
    return Run(model, hist, *_rmses(model, d))


def linear_baseline() -> tuple[float, float, np.ndarray]:
    """Least squares on the same 1,106 training houses: (train RMSE, test RMSE, test errors (346,)), k$."""
    d = data()
    xb = add_bias(d.x_train.double().numpy())
    theta = least_squares(xb, d.y_train[:, 0].double().numpy())
    err_tr = (xb @ theta - d.y_train[:, 0].double().numpy()) * d.y_std
    err = (add_bias(d.x_test.double().numpy()) @ theta - d.y_test[:, 0].double().numpy()) * d.y_std
    return float(np.sqrt(np.mean(err_tr ** 2))), float(np.sqrt(np.mean(err ** 2))), err


def constant_baseline() -> tuple[float, float]:
    """Predict the training mean (0 in standardised units) for every house: (train RMSE, test RMSE), k$."""
    d = data()
    return (float(d.y_train.double().pow(2).mean().sqrt()) * d.y_std,
            float(d.y_test.double().pow(2).mean().sqrt()) * d.y_std)


@experiment("03-step-size", notebook="03", about="SGD, full batch, lecture net: lr 1e-4, 1e-2, 0.1 vs 2/λ_max",
            claims=[Claim("lr 0.1 is above the output layer's limit 2/λ_max", "limit", "<", 0.1),
                    Claim("lr 1e-2 is below it", "limit", ">", 0.01),
                    Claim("lr 0.1 blows up: within 3 epochs the training RMSE jumps over 10x", "blowup_0.1", ">",
                          10.0),
                    Claim("lr 1e-4 learns only the mean: its predictions' spread stays under 2 k$", "spread_1e-4",
                          "<", 2.0, unit="k$"),
                    Claim("... while their mean offset shrinks by over half", "offset_ratio_1e-4", "<", 0.5),
                    Claim("lr 1e-2 crawls: still above 90% of the constant predictor", "sgd_full", ">=",
                          "constant", factor=0.9, unit="k$")])
def step_size(seed: int) -> Trial:
    d = data()
    with seeded(seed):
        model = mlp(LECTURE, "sigmoid")
    hessian, z = output_hessian(model, d.x_train)
    lam = torch.linalg.eigvalsh(hessian)               # ascending
    runs = {name: recipe(name, seed) for name in ("sgd_1e-4", "sgd_full", "sgd_0.1")}
    with torch.no_grad():
        before, after = model(d.x_train)[:, 0] * d.y_std, runs["sgd_1e-4"].model(d.x_train)[:, 0] * d.y_std
    blowup = np.sqrt(runs["sgd_0.1"].history.train[:4])
    metrics = {"lambda_max": float(lam[-1]), "lambda_2": float(lam[-2]), "limit": 2.0 / float(lam[-1]),
               "z_mean": float(z[:, :-1].mean()), "z_spread": float(z[:, :-1].std(0).mean()),
               "blowup_0.1": float(blowup.max() / blowup[0]), "spread_1e-4": float(after.std()),
               "offset_ratio_1e-4": float(after.mean().abs() / before.mean().abs()), "constant": constant_baseline()[0],
               "sgd_1e-4": runs["sgd_1e-4"].train_rmse, "sgd_full": runs["sgd_full"].train_rmse}
    return Trial(metrics, {"runs": runs, "hessian": hessian, "eigenvalues": lam, "model": model})


@experiment("03-one-change", notebook="03", about="one change per run at equal budget (80 epochs), train RMSE",
            claims=[Claim("each single change beats the baseline by over 15%", "worst_single", "<=", "sgd_full",
                          factor=0.85, unit="k$"),
                    Claim("Adam + mini-batches beats every single change", "adam_batches", "<=", "best_single",
                          unit="k$"),
                    Claim("... and fits the training houses better than least squares", "adam_batches", "<",
                          "linear", unit="k$"),
                    Claim("full-batch Adam first rises: over 1.5x its start within 20 epochs", "adam_full_rise", ">",
                          1.5),
                    Claim("tanh has flattened: under 1 k$ gained in its last 40 epochs", "late_tanh_sgd", "<", 1.0,
                          unit="k$"),
                    Claim("Adam + mini-batches has nearly flattened: under 3 k$ in its last 40", "late_adam_batches",
                          "<", 3.0, unit="k$"),
                    Claim("the other three still fall: over 2.5 k$ each in their last 40", "late_others", ">", 2.5,
                          unit="k$")])
def one_change(seed: int) -> Trial:
    runs = {name: recipe(name, seed) for name in ONE_CHANGE}
    metrics = {name: run.train_rmse for name, run in runs.items()}
    single = [metrics[n] for n in ("sgd_batches", "adam_full", "tanh_sgd")]
    curves = {name: np.sqrt(run.history.train) * data().y_std for name, run in runs.items()}   # (81,) k$
    late = {name: float(c[EPOCHS // 2] - c[EPOCHS]) for name, c in curves.items()}
    metrics.update(worst_single=max(single), best_single=min(single), constant=constant_baseline()[0],
                   linear=linear_baseline()[0],
                   adam_full_rise=float(curves["adam_full"][:21].max() / curves["adam_full"][0]),
                   late_tanh_sgd=late["tanh_sgd"], late_adam_batches=late["adam_batches"],
                   late_others=min(late[n] for n in ("sgd_full", "sgd_batches", "adam_full")))
    return Trial(metrics, {"runs": runs, "curves": curves})


def _bootstrap(err_a: np.ndarray, err_b: np.ndarray, seed: int) -> tuple[float, float]:
    """5% and 95% percentiles of RMSE(a) - RMSE(b) over BOOTSTRAP resamples of the test houses."""
    idx = np.random.default_rng(seed).integers(0, len(err_a), size=(BOOTSTRAP, len(err_a)))
    diff = np.sqrt((err_a[idx] ** 2).mean(1)) - np.sqrt((err_b[idx] ** 2).mean(1))
    lo, hi = np.percentile(diff, [5, 95])
    return float(lo), float(hi)


@experiment("03-net-vs-linear", notebook="03", about="lecture net (Adam, batches) vs least squares, test RMSE",
            claims=[Claim("the net is far better than the constant predictor", "net", "<=", "constant",
                          factor=0.75, unit="k$"),
                    Claim("the net is ahead of least squares on this test split", "linear_minus_net", ">", 0.0,
                          unit="k$"),
                    Claim("the 90% bootstrap interval of linear - net reaches below 0", "boot_lo", "<", 0.0,
                          unit="k$"),
                    Claim("... and above 0: no clear winner", "boot_hi", ">", 0.0, unit="k$")])
def net_vs_linear(seed: int) -> Trial:
    run = recipe("adam_batches", seed)
    _, linear, err_linear = linear_baseline()
    lo, hi = _bootstrap(err_linear, run.test_errors, seed)
    metrics = {"net": run.test_rmse, "linear": linear, "constant": constant_baseline()[1],
               "linear_minus_net": linear - run.test_rmse, "boot_lo": lo, "boot_hi": hi}
    return Trial(metrics, {"run": run, "linear_errors": err_linear})


@experiment("03-small-vs-large", notebook="03", about="4-16-1 (97 parameters) vs 4-200-300-1 (61,601), test RMSE",
            claims=[Claim("the small net is far better than the constant predictor", "small", "<=", "constant",
                          factor=0.75, unit="k$"),
                    Claim("the 97-parameter net is no worse than the 61,601-parameter one (within 0.5 k$)",
                          "small_minus_large", "<=", 0.5, unit="k$"),
                    Claim("small and large nets within 3 k$ of each other (no clear effect of size)", "abs_gap",
                          "<=", 3.0, unit="k$")])
def small_vs_large(seed: int) -> Trial:
    large = recipe("adam_batches", seed)
    small = recipe("adam_batches", seed, tuple(SMALL))
    metrics = {"small": small.test_rmse, "large": large.test_rmse, "constant": constant_baseline()[1],
               "small_minus_large": small.test_rmse - large.test_rmse,
               "abs_gap": abs(small.test_rmse - large.test_rmse)}
    return Trial(metrics, {"small": small, "large": large})


@experiment("03-overfitting", notebook="03", about="4-64-64-1 ReLU, Adam full batch, 200 epochs: the gap opens",
            claims=[Claim("after its best epoch the training loss falls by over 10%", "train_ratio", "<", 0.9),
                    Claim("while the validation loss turns up by over 5%", "val_ratio", ">", 1.05)])
def overfitting(seed: int) -> Trial:
    fit = fit_network(data(), [64, 64], activation="relu", lr=3e-2, optimizer="adam", epochs=200, batch_size=None,
                      seed=seed)
    h, best = fit.history, fit.history.best_epoch
    metrics = {"train_ratio": h.train[-1] / h.train[best], "val_ratio": h.val[-1] / h.val[best],
               "best_epoch": float(best), "train": fit.train_rmse, "val": fit.val_rmse}
    return Trial(metrics, {"fit": fit})


def notes_recipe_run(seed: int, epochs: int = 60) -> tuple[torch.nn.Module, torch.nn.Module, list[float]]:
    """The notes' recipe verbatim: raw features, full-batch SGD lr 1e-4 on all 1,382 training houses.

    Returns (initial model, trained model, losses per epoch before each step) of the lecture net drawn with ``seed``.
    """
    from ..data import load_houses
    from ..ffn import FeedforwardNeuralNetModel

    seed, epochs = integer("seed", seed, 0), integer("epochs", epochs, 1)
    h = load_houses()
    x = torch.tensor(h.x_train, dtype=torch.float32)             # (1382, 4) raw
    y = torch.tensor(h.y_train, dtype=torch.float32)[:, None]    # (1382, 1) k$
    with seeded(seed):
        init = FeedforwardNeuralNetModel(4, [200, 300], 1)
    model = FeedforwardNeuralNetModel(4, [200, 300], 1)
    model.load_state_dict(init.state_dict())
    optimizer, losses = torch.optim.SGD(model.parameters(), lr=1e-4), []
    for _ in range(epochs):
        optimizer.zero_grad()
        loss = torch.mean((model(x) - y) ** 2)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return init, model, losses


@experiment("03-notes-recipe", notebook="03", about="the notes' recipe on raw features: SGD lr 1e-4, 60 epochs",
            claims=[Claim("the RMSE levels off just above the std of the prices", "rmse_over_std", ">", 1.0),
                    Claim("... within 1%", "rmse_over_std", "<", 1.01),
                    Claim("the predictions are (almost) one number: spread under 1% of the prices'",
                          "spread_over_std", "<", 0.01),
                    Claim("almost every first-layer sigmoid is saturated (σ' < 0.01)", "saturated", ">", 0.99),
                    Claim("the output layer's inputs hardly vary across houses", "z_spread", "<", 0.01),
                    Claim("the output weights learn too: mean |Δw| over half of |Δb|", "dw_over_db", ">", 0.5)])
def notes_recipe(seed: int) -> Trial:
    from ..data import load_houses

    init, model, losses = notes_recipe_run(seed)
    x = torch.tensor(load_houses().x_train, dtype=torch.float32)
    price_std = float(np.std(load_houses().y_train))
    with torch.no_grad():
        pre = model.fc1(x)
        z = model.sigmoid2(model.fc2(model.sigmoid1(pre)))
        s = torch.sigmoid(pre)
        dw = float((model.output.weight - init.output.weight).abs().mean())
        db = float((model.output.bias - init.output.bias).abs().max())
        metrics = {"rmse_over_std": float(np.sqrt(losses[-1])) / price_std,
                   "spread_over_std": float(model(x).std()) / price_std,
                   "saturated": float((s * (1 - s) < 0.01).float().mean()), "z_spread": float(z.std(0).max()),
                   "dw_over_db": dw / db}
    return Trial(metrics, {"init": init, "model": model, "losses": losses})


INITS = {"default": None, "xavier": lambda w: torch.nn.init.xavier_uniform_(w, gain=4.0),
         "normal": torch.nn.init.normal_}    # nn.Linear's ±1/√fan_in; 4 × Glorot (sigmoid); N(0, 1)


def init_net(name: str, seed: int, activation: str = "sigmoid") -> torch.nn.Sequential:
    """The lecture net drawn with ``seed``; for "xavier" / "normal" every weight redrawn that way, biases 0."""
    init = INITS[choice("name", name, INITS)]
    with seeded(integer("seed", seed, 0)):
        net = mlp(LECTURE, activation)
        if init is not None:
            with torch.no_grad():
                for layer in net[::2]:
                    init(layer.weight), layer.bias.zero_()
    return net


@experiment("03-init", notebook="03", about="lecture net at initialisation (no training): weight scale, curvature",
            claims=[Claim("sigmoid, default init: λ_max over 100x the next eigenvalue", "ratio_sigmoid", ">", 100.0),
                    Claim("tanh, default init: no such direction, λ_max under 3x the next", "ratio_tanh", "<", 3.0),
                    Claim("Xavier-style: over 5x the default's spread across houses", "spread_xavier", ">",
                          "spread_default", factor=5.0),
                    Claim("... with under 5% of unit-house pairs saturated", "sat_xavier", "<", 0.05),
                    Claim("... and λ_2 over 20x the default's", "lam2_xavier", ">", "lam2_default", factor=20.0),
                    Claim("N(0, 1) weights saturate over half of them", "sat_normal", ">", 0.5)])
def init_scales(seed: int) -> Trial:
    x = data().x_train
    pre, lam = {}, {}
    for name in INITS:
        net = init_net(name, seed)
        pre[name] = pre_activations(net, x)[1]                                  # (1106, 300): layer-2 sums
        lam[name] = torch.linalg.eigvalsh(output_hessian(net, x)[0])          # (301,) ascending
    lam_tanh = torch.linalg.eigvalsh(output_hessian(init_net("default", seed, "tanh"), x)[0])
    metrics = {"ratio_sigmoid": float(lam["default"][-1] / lam["default"][-2]),
               "ratio_tanh": float(lam_tanh[-1] / lam_tanh[-2])}
    for name, a in pre.items():
        s = torch.sigmoid(a)
        metrics.update({f"spread_{name}": float(a.std(0).mean()), f"sat_{name}": float((s * (1 - s) < 0.01).float()
                        .mean()), f"lam2_{name}": float(lam[name][-2])})
    return Trial(metrics, {"pre": pre, "eigenvalues": lam, "eigenvalues_tanh": lam_tanh})
