"""Bad input to notebooks 01-03's modules gets a clear error; their widgets never let an exception escape.

Maths (nnlab.regression, nnlab.neuron, nnlab.ffn), experiments (nnlab.experiments.regression/neuron/ffn) and
views (nnlab.views.regression/neuron/ffn/training). Each case asserts the error's TYPE and that its message
NAMES the argument (``match``); case ids start with the module's name. The widget tests push every control
to its extremes and force a callback to fail: the failure becomes a ⚠ status line, never an exception.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch
import torch.nn as nn

from nnlab.experiments.ffn import explore_network
from nnlab.experiments.neuron import explore_neuron
from nnlab.experiments.regression import explore_descent, surface_problem
from nnlab.ffn import (FeedforwardNeuralNetModel, explicit_forward, fit_network, house_tensors, linear_params, mlp,
                       param_count)
from nnlab.neuron import fit_neuron, neuron, response, sigmoid, sigmoid_prime
from nnlab.regression import Standardizer, add_bias, gradient_descent, least_squares, loss_surface, max_stable_lr, mse
from nnlab.training import History
from nnlab.views.ffn import network_explorer, plot_network_diagram
from nnlab.views.neuron import ResponsePlot, neuron_explorer, plot_neuron_diagram
from nnlab.views.regression import DescentPlot, descent_explorer, plot_descent
from nnlab.views.training import plot_losses

NAN, INF = float("nan"), float("inf")
XB = np.hstack([np.random.default_rng(0).normal(size=(6, 1)), np.ones((6, 1))])   # (6, 2) = [x, 1]
YV = np.arange(6.0)
XN = torch.linspace(-1, 1, 5, dtype=torch.float64)[:, None]                        # (5, 1)
YN = torch.sigmoid(XN[:, 0])


def case(name, call, error, match):
    return pytest.param(call, error, match, id=name)


def with_nan(a, index=0):
    a = a.copy() if isinstance(a, np.ndarray) else a.clone()
    a.reshape(-1)[index] = NAN
    return a


@pytest.fixture(scope="module")
def houses():
    return house_tensors()


@pytest.fixture(scope="module")
def problem():
    return surface_problem()


FITTED = Standardizer.fit(np.ones((4, 2)) * np.arange(4.0)[:, None])

REGRESSION = [
    case("regression-standardizer-str", lambda: Standardizer.fit("abc"), TypeError, "x must"),
    case("regression-standardizer-none", lambda: Standardizer.fit(None), TypeError, "x must"),
    case("regression-standardizer-nan", lambda: Standardizer.fit(np.array([1.0, NAN])), ValueError, "x contains NaN"),
    case("regression-standardizer-complex", lambda: Standardizer.fit(np.ones(3) * 1j), TypeError, "x must be real"),
    case("regression-standardizer-empty", lambda: Standardizer.fit(np.ones((0, 2))), ValueError, "x is empty"),
    case("regression-standardizer-3d", lambda: Standardizer.fit(np.ones((2, 2, 2))), ValueError, r"x.*\(2, 2, 2\)"),
    case("regression-standardizer-scalar", lambda: Standardizer.fit(3.0), ValueError, r"x.*\(\)"),
    case("regression-standardizer-std-zero", lambda: Standardizer(np.zeros(2), np.zeros(2)), ValueError, "std"),
    case("regression-standardizer-std-shape", lambda: Standardizer(np.zeros(2), np.ones(3)), ValueError,
         r"mean and std must have the same shape, got \(2,\) and \(3,\)"),
    case("regression-standardizer-mean-nan", lambda: Standardizer(np.array([NAN]), np.ones(1)), ValueError, "mean"),
    case("regression-transform-columns", lambda: FITTED.transform(np.ones((4, 3))), ValueError,
         r"x has 3 columns.*fitted on 2"),
    case("regression-transform-nan", lambda: FITTED.transform(np.full((1, 2), NAN)), ValueError, "x contains NaN"),
    case("regression-transform-complex", lambda: FITTED.transform(np.ones((1, 2)) * 1j), TypeError, "x must be real"),
    case("regression-inverse-columns", lambda: FITTED.inverse(np.ones((4, 1))), ValueError, "z has 1 column"),
    case("regression-inverse-inf", lambda: FITTED.inverse(np.full((1, 2), INF)), ValueError, "z contains NaN"),
    case("regression-add-bias-1d", lambda: add_bias(np.ones(3)), ValueError, r"x .*\(N, d\), got shape \(3,\)"),
    case("regression-add-bias-none", lambda: add_bias(None), TypeError, "x must"),
    case("regression-add-bias-nan", lambda: add_bias(np.full((2, 1), NAN)), ValueError, "x contains NaN"),
    case("regression-add-bias-empty", lambda: add_bias(np.ones((0, 3))), ValueError, "x is empty"),
    case("regression-add-bias-complex", lambda: add_bias(np.ones((2, 1)) * 1j), TypeError, "x must be real"),
    case("regression-mse-xb-1d", lambda: mse(np.ones(3), np.ones(3), np.ones(1)), ValueError, r"xb.*\(3,\)"),
    case("regression-mse-y-shape", lambda: mse(np.ones((3, 2)), np.ones(4), np.ones(2)), ValueError,
         r"xb .*y .*\(3, 2\) and \(4,\)"),
    case("regression-mse-theta-shape", lambda: mse(np.ones((3, 2)), np.ones(3), np.ones(3)), ValueError,
         r"theta .*\(2,\), got \(3,\)"),
    case("regression-mse-y-nan", lambda: mse(XB, with_nan(YV), np.ones(2)), ValueError, "y contains NaN"),
    case("regression-mse-theta-nan", lambda: mse(XB, YV, np.array([NAN, 1.0])), ValueError, "theta contains NaN"),
    case("regression-mse-empty", lambda: mse(np.ones((0, 2)), np.ones(0), np.ones(2)), ValueError, "xb is empty"),
    case("regression-mse-complex", lambda: mse(XB * 1j, YV, np.ones(2)), TypeError, "xb must be real"),
    case("regression-mse-str", lambda: mse(np.array([["a", "b"]]), np.ones(1), np.ones(2)), TypeError, "xb must"),
    case("regression-lstsq-shape", lambda: least_squares(XB, np.ones(5)), ValueError, r"\(6, 2\) and \(5,\)"),
    case("regression-lstsq-nan", lambda: least_squares(with_nan(XB), YV), ValueError, "xb contains NaN"),
    case("regression-lstsq-empty", lambda: least_squares(np.ones((0, 2)), np.ones(0)), ValueError, "xb is empty"),
    case("regression-lstsq-complex", lambda: least_squares(XB, YV * 1j), TypeError, "y must be real"),
    case("regression-max-lr-1d", lambda: max_stable_lr(np.ones(3)), ValueError, r"xb.*\(3,\)"),
    case("regression-max-lr-empty", lambda: max_stable_lr(np.ones((0, 2))), ValueError, "xb is empty"),
    case("regression-max-lr-nan", lambda: max_stable_lr(with_nan(XB)), ValueError, "xb contains NaN"),
    case("regression-max-lr-zero", lambda: max_stable_lr(np.zeros((3, 2))), ValueError, "xb is all zeros"),
    case("regression-max-lr-complex", lambda: max_stable_lr(XB * 1j), TypeError, "xb must be real"),
    case("regression-gd-xb-nan", lambda: gradient_descent(with_nan(XB), YV, 0.1, 5), ValueError, "xb contains NaN"),
    case("regression-gd-y-inf", lambda: gradient_descent(XB, np.full(6, INF), 0.1, 5), ValueError, "y contains NaN"),
    case("regression-gd-theta0-nan", lambda: gradient_descent(XB, YV, 0.1, 5, theta0=np.array([NAN, 0.0])),
         ValueError, "theta0 contains NaN"),
    case("regression-gd-theta0-shape", lambda: gradient_descent(XB, YV, 0.1, 5, theta0=np.zeros(3)), ValueError,
         r"theta0 .*\(2,\), got \(3,\)"),
    case("regression-gd-lr-bool", lambda: gradient_descent(XB, YV, True, 5), TypeError, "lr"),
    case("regression-gd-lr-negative", lambda: gradient_descent(XB, YV, -0.1, 5), ValueError, "lr"),
    case("regression-gd-lr-inf", lambda: gradient_descent(XB, YV, INF, 5), ValueError, "lr"),
    case("regression-gd-steps-float", lambda: gradient_descent(XB, YV, 0.1, 2.0), TypeError, "steps"),
    case("regression-gd-steps-bool", lambda: gradient_descent(XB, YV, 0.1, True), TypeError, "steps"),
    case("regression-gd-steps-negative", lambda: gradient_descent(XB, YV, 0.1, -1), ValueError, "steps"),
    case("regression-gd-empty", lambda: gradient_descent(np.ones((0, 2)), np.ones(0), 0.1, 5), ValueError,
         "xb is empty"),
    case("regression-gd-shape", lambda: gradient_descent(XB, YV[:5], 0.1, 5), ValueError, r"\(6, 2\) and \(5,\)"),
    case("regression-gd-complex", lambda: gradient_descent(XB, YV * 1j, 0.1, 5), TypeError, "y must be real"),
    case("regression-surface-w-2d", lambda: loss_surface(XB, YV, np.ones((2, 2)), np.ones(2)), ValueError,
         r"w .*\(2, 2\)"),
    case("regression-surface-w-nan", lambda: loss_surface(XB, YV, np.array([NAN]), np.ones(2)), ValueError,
         "w contains NaN"),
    case("regression-surface-b-empty", lambda: loss_surface(XB, YV, np.ones(2), np.ones(0)), ValueError,
         "b is empty"),
    case("regression-surface-xb-3", lambda: loss_surface(np.ones((3, 3)), np.ones(3), np.ones(2), np.ones(2)),
         ValueError, r"xb .*\(N, 2\)"),
    case("regression-surface-y-nan", lambda: loss_surface(XB, with_nan(YV), np.ones(2), np.ones(2)), ValueError,
         "y contains NaN"),
]

NEURON = [
    case("neuron-sigmoid-float", lambda: sigmoid(0.5), TypeError, "z must be a torch.Tensor"),
    case("neuron-sigmoid-list", lambda: sigmoid([0.5]), TypeError, "z must be a torch.Tensor"),
    case("neuron-sigmoid-int", lambda: sigmoid(torch.arange(3)), TypeError, "z .*int64"),
    case("neuron-sigmoid-complex", lambda: sigmoid(torch.ones(2, dtype=torch.complex64)), TypeError, "z .*complex"),
    case("neuron-sigmoid-nan", lambda: sigmoid(torch.tensor([NAN])), ValueError, "z contains NaN"),
    case("neuron-sigmoid-prime-float", lambda: sigmoid_prime(0.5), TypeError, "z must be a torch.Tensor"),
    case("neuron-sigmoid-prime-int", lambda: sigmoid_prime(torch.arange(3)), TypeError, "z .*int64"),
    case("neuron-sigmoid-prime-nan", lambda: sigmoid_prime(torch.tensor([NAN])), ValueError, "z contains NaN"),
    case("neuron-neuron-x-1d", lambda: neuron(torch.ones(3), torch.ones(3), 0.0), ValueError, r"x .*\(3,\)"),
    case("neuron-neuron-w-2d", lambda: neuron(torch.ones(2, 3), torch.ones(3, 1), 0.0), ValueError, r"w .*\(3, 1\)"),
    case("neuron-neuron-shapes", lambda: neuron(torch.ones(2, 3), torch.ones(2), 0.0), ValueError,
         r"x .*\(2, 3\) and w .*\(2,\)"),
    case("neuron-neuron-dtypes", lambda: neuron(torch.ones(2, 3), torch.ones(3, dtype=torch.float64), 0.0), TypeError,
         "x and w"),
    case("neuron-neuron-x-nan", lambda: neuron(torch.full((2, 3), NAN), torch.ones(3), 0.0), ValueError,
         "x contains NaN"),
    case("neuron-neuron-x-list", lambda: neuron([[1.0]], torch.ones(1), 0.0), TypeError, "x must be a torch.Tensor"),
    case("neuron-neuron-x-int", lambda: neuron(torch.ones(2, 1, dtype=torch.long), torch.ones(1), 0.0), TypeError,
         "x .*int64"),
    case("neuron-neuron-empty", lambda: neuron(torch.ones(0, 3), torch.ones(3), 0.0), ValueError, "x is empty"),
    case("neuron-neuron-b-str", lambda: neuron(torch.ones(2, 3), torch.ones(3), "0"), TypeError, "b must"),
    case("neuron-neuron-b-bool", lambda: neuron(torch.ones(2, 3), torch.ones(3), True), TypeError, "b must"),
    case("neuron-neuron-b-nan", lambda: neuron(torch.ones(2, 3), torch.ones(3), NAN), ValueError, "b must be finite"),
    case("neuron-neuron-b-vector", lambda: neuron(torch.ones(2, 3), torch.ones(3), torch.ones(2)), ValueError,
         r"b must be a number or a 0-d tensor"),
    case("neuron-response-w-str", lambda: response("1", 0.0), TypeError, "w must be a number"),
    case("neuron-response-w-bool", lambda: response(True, 0.0), TypeError, "w must be a number"),
    case("neuron-response-b-nan", lambda: response(1.0, NAN), ValueError, "b must be finite"),
    case("neuron-response-range", lambda: response(1.0, 0.0, 3.0, -3.0), ValueError, "x_min < x_max"),
    case("neuron-response-n-float", lambda: response(1.0, 0.0, n=10.0), TypeError, "n must be an integer"),
    case("neuron-response-n-bool", lambda: response(1.0, 0.0, n=True), TypeError, "n must be an integer"),
    case("neuron-response-n-small", lambda: response(1.0, 0.0, n=1), ValueError, "n must be an integer in"),
    case("neuron-response-n-huge", lambda: response(1.0, 0.0, n=10 ** 10), ValueError, "n must be an integer in"),
    case("neuron-fit-x-nan", lambda: fit_neuron(with_nan(XN), YN), ValueError, "x contains NaN"),
    case("neuron-fit-y-nan", lambda: fit_neuron(XN, with_nan(YN)), ValueError, "y contains NaN"),
    case("neuron-fit-x-half", lambda: fit_neuron(XN.half(), YN.half()), TypeError, "x .*float16"),
    case("neuron-fit-x-int", lambda: fit_neuron(XN.long(), YN), TypeError, "x .*int64"),
    case("neuron-fit-x-complex", lambda: fit_neuron(XN.to(torch.complex128), YN), TypeError, "x .*complex"),
    case("neuron-fit-x-list", lambda: fit_neuron([[1.0]], YN), TypeError, "x must be a torch.Tensor"),
    case("neuron-fit-y-list", lambda: fit_neuron(XN, [1.0] * 5), TypeError, "y must be a torch.Tensor"),
    case("neuron-fit-shapes", lambda: fit_neuron(XN, YN[:4]), ValueError, r"got x \(5, 1\) and y \(4,\)"),
    case("neuron-fit-y-2d", lambda: fit_neuron(XN, YN[:, None]), ValueError, r"got x \(5, 1\) and y \(5, 1\)"),
    case("neuron-fit-empty", lambda: fit_neuron(XN[:0], YN[:0]), ValueError, "x is empty"),
    case("neuron-fit-w0-shape", lambda: fit_neuron(XN, YN, w0=torch.ones(2)), ValueError, r"w0 .*\(1,\), got \(2,\)"),
    case("neuron-fit-w0-nan", lambda: fit_neuron(XN, YN, w0=torch.tensor([NAN])), ValueError, "w0 contains NaN"),
    case("neuron-fit-w0-list", lambda: fit_neuron(XN, YN, w0=[1.0]), TypeError, "w0 must be a torch.Tensor"),
    case("neuron-fit-b0-nan", lambda: fit_neuron(XN, YN, b0=NAN), ValueError, "b0"),
    case("neuron-fit-b0-bool", lambda: fit_neuron(XN, YN, b0=True), TypeError, "b0"),
    case("neuron-fit-lr-bool", lambda: fit_neuron(XN, YN, lr=True), TypeError, "lr"),
    case("neuron-fit-lr-negative", lambda: fit_neuron(XN, YN, lr=-1.0), ValueError, "lr"),
    case("neuron-fit-lr-inf", lambda: fit_neuron(XN, YN, lr=INF), ValueError, "lr"),
    case("neuron-fit-steps-float", lambda: fit_neuron(XN, YN, steps=1.5), TypeError, "steps"),
    case("neuron-fit-steps-bool", lambda: fit_neuron(XN, YN, steps=True), TypeError, "steps"),
    case("neuron-fit-steps-negative", lambda: fit_neuron(XN, YN, steps=-1), ValueError, "steps"),
]


def _model_forward(x):
    return FeedforwardNeuralNetModel(4, [3, 2], 1)(x)


W1, B1 = torch.randn(3, 4), torch.randn(3)
W2, B2 = torch.randn(1, 3), torch.randn(1)
XF = torch.randn(5, 4)

FFN = [
    case("ffn-model-input-float", lambda: FeedforwardNeuralNetModel(4.0, [3, 2], 1), TypeError, "input_dim"),
    case("ffn-model-input-bool", lambda: FeedforwardNeuralNetModel(True, [3, 2], 1), TypeError, "input_dim"),
    case("ffn-model-input-zero", lambda: FeedforwardNeuralNetModel(0, [3, 2], 1), ValueError, "input_dim"),
    case("ffn-model-hidden-one", lambda: FeedforwardNeuralNetModel(4, [3], 1), ValueError, "hidden_dim"),
    case("ffn-model-hidden-int", lambda: FeedforwardNeuralNetModel(4, 3, 1), TypeError, "hidden_dim"),
    case("ffn-model-hidden-zero", lambda: FeedforwardNeuralNetModel(4, [3, 0], 1), ValueError, r"hidden_dim\[1\]"),
    case("ffn-model-output-negative", lambda: FeedforwardNeuralNetModel(4, [3, 2], -1), ValueError, "output_dim"),
    case("ffn-model-forward-features", lambda: _model_forward(torch.ones(2, 3)), ValueError, r"x .*\(2, 3\)"),
    case("ffn-model-forward-list", lambda: _model_forward([[1.0] * 4]), TypeError, "x must be a torch.Tensor"),
    case("ffn-mlp-sizes-str", lambda: mlp("41"), TypeError, "sizes"),
    case("ffn-mlp-sizes-int", lambda: mlp(4), TypeError, "sizes"),
    case("ffn-mlp-sizes-short", lambda: mlp([4]), ValueError, "sizes"),
    case("ffn-mlp-sizes-bool", lambda: mlp([4, True]), TypeError, r"sizes\[1\]"),
    case("ffn-mlp-sizes-float", lambda: mlp([4, 2.0]), TypeError, r"sizes\[1\]"),
    case("ffn-mlp-sizes-zero", lambda: mlp([4, 0]), ValueError, r"sizes\[1\]"),
    case("ffn-mlp-activation", lambda: mlp([4, 1], "Relu"), ValueError, "activation"),
    case("ffn-mlp-activation-none", lambda: mlp([4, 1], None), ValueError, "activation"),
    case("ffn-forward-x-nan", lambda: explicit_forward(with_nan(XF), [W1, W2], [B1, B2]), ValueError,
         "x contains NaN"),
    case("ffn-forward-x-list", lambda: explicit_forward([[1.0] * 4], [W1, W2], [B1, B2]), TypeError,
         "x must be a torch.Tensor"),
    case("ffn-forward-x-int", lambda: explicit_forward(XF.long(), [W1, W2], [B1, B2]), TypeError, "x .*int64"),
    case("ffn-forward-x-empty", lambda: explicit_forward(XF[:0], [W1, W2], [B1, B2]), ValueError, "x is empty"),
    case("ffn-forward-weights-tensor", lambda: explicit_forward(XF, W1, [B1]), TypeError, "weights"),
    case("ffn-forward-weights-empty", lambda: explicit_forward(XF, [], []), ValueError, "weights"),
    case("ffn-forward-lengths", lambda: explicit_forward(XF, [W1, W2], [B1]), ValueError, "weights and biases"),
    case("ffn-forward-shape", lambda: explicit_forward(XF, [W2, W1], [B2, B1]), ValueError, "layer 1"),
    case("ffn-forward-bias-shape", lambda: explicit_forward(XF, [W1, W2], [B2, B1]), ValueError, "layer 1"),
    case("ffn-forward-activation", lambda: explicit_forward(XF, [W1, W2], [B1, B2], "swish"), ValueError,
         "activation"),
    case("ffn-forward-dtypes", lambda: explicit_forward(XF.double(), [W1, W2], [B1, B2]), TypeError,
         r"weights\[0\].*float32.*float64"),
    case("ffn-forward-weight-list", lambda: explicit_forward(XF, [[[1.0] * 4]], [B1]), TypeError,
         r"weights\[0\] must be a torch.Tensor"),
    case("ffn-forward-weight-nan", lambda: explicit_forward(XF, [with_nan(W1), W2], [B1, B2]), ValueError,
         r"weights\[0\] contains NaN"),
    case("ffn-linear-params-str", lambda: linear_params("net"), TypeError, "model"),
    case("ffn-linear-params-none", lambda: linear_params(nn.ReLU()), ValueError, "model .*no nn.Linear"),
    case("ffn-param-count-str", lambda: param_count("41"), TypeError, "sizes"),
    case("ffn-param-count-bool", lambda: param_count([4, True]), TypeError, r"sizes\[1\]"),
    case("ffn-param-count-negative", lambda: param_count([4, -1]), ValueError, r"sizes\[1\]"),
    case("ffn-house-tensors-bool", lambda: house_tensors(val_fraction=True), TypeError, "val_fraction"),
    case("ffn-house-tensors-one", lambda: house_tensors(val_fraction=1.0), ValueError, "val_fraction"),
    case("ffn-house-tensors-nan", lambda: house_tensors(val_fraction=NAN), ValueError, "val_fraction"),
    case("ffn-house-tensors-str", lambda: house_tensors(val_fraction="0.2"), TypeError, "val_fraction"),
    case("ffn-house-tensors-tiny", lambda: house_tensors(val_fraction=1e-6), ValueError, "val_fraction"),
    case("ffn-house-tensors-seed-float", lambda: house_tensors(seed=1.5), TypeError, "seed"),
    case("ffn-house-tensors-seed-negative", lambda: house_tensors(seed=-1), ValueError, "seed"),
]

FIT_NETWORK = [   # each call takes the houses tensors
    case("ffn-fit-data-str", lambda h: fit_network("houses", [4]), TypeError, "data"),
    case("ffn-fit-hidden-int", lambda h: fit_network(h, 4), TypeError, "hidden"),
    case("ffn-fit-hidden-zero", lambda h: fit_network(h, [0]), ValueError, r"hidden\[0\]"),
    case("ffn-fit-hidden-float", lambda h: fit_network(h, [2.0]), TypeError, r"hidden\[0\]"),
    case("ffn-fit-activation", lambda h: fit_network(h, [4], activation="swish"), ValueError, "activation"),
    case("ffn-fit-lr-zero", lambda h: fit_network(h, [4], lr=0.0), ValueError, "lr"),
    case("ffn-fit-lr-bool", lambda h: fit_network(h, [4], lr=True), TypeError, "lr"),
    case("ffn-fit-optimizer", lambda h: fit_network(h, [4], optimizer="lbfgs"), ValueError, "optimizer"),
    case("ffn-fit-epochs-float", lambda h: fit_network(h, [4], epochs=1.5), TypeError, "epochs"),
    case("ffn-fit-epochs-negative", lambda h: fit_network(h, [4], epochs=-1), ValueError, "epochs"),
    case("ffn-fit-batch-zero", lambda h: fit_network(h, [4], batch_size=0), ValueError, "batch_size"),
    case("ffn-fit-seed-bool", lambda h: fit_network(h, [4], seed=True), TypeError, "seed"),
    case("ffn-fit-progress", lambda h: fit_network(h, [4], epochs=1, progress="no"), TypeError, "progress"),
    case("experiments-ffn-data-str", lambda h: explore_network("houses", [4]), TypeError, "data"),
    case("experiments-ffn-hidden-int", lambda h: explore_network(h, 16), TypeError, "hidden"),
    case("experiments-ffn-hidden-empty", lambda h: explore_network(h, []), ValueError, "number of hidden layers"),
    case("experiments-ffn-hidden-bool", lambda h: explore_network(h, [True]), TypeError, r"hidden\[0\]"),
    case("experiments-ffn-hidden-float", lambda h: explore_network(h, [16.0]), TypeError, r"hidden\[0\]"),
    case("experiments-ffn-hidden-big", lambda h: explore_network(h, [129]), ValueError, r"hidden\[0\]"),
    case("experiments-ffn-activation", lambda h: explore_network(h, [4], "linear"), ValueError, "activation"),
    case("experiments-ffn-lr-big", lambda h: explore_network(h, [4], lr=20.0), ValueError, "lr"),
    case("experiments-ffn-lr-bool", lambda h: explore_network(h, [4], lr=True), TypeError, "lr"),
    case("experiments-ffn-lr-nan", lambda h: explore_network(h, [4], lr=NAN), ValueError, "lr"),
    case("experiments-ffn-optimizer", lambda h: explore_network(h, [4], optimizer="lbfgs"), ValueError, "optimizer"),
    case("experiments-ffn-epochs-zero", lambda h: explore_network(h, [4], epochs=0), ValueError, "epochs"),
    case("experiments-ffn-epochs-float", lambda h: explore_network(h, [4], epochs=2.0), TypeError, "epochs"),
    case("experiments-ffn-batch-zero", lambda h: explore_network(h, [4], batch_size=0), ValueError, "batch_size"),
    case("experiments-ffn-seed-negative", lambda h: explore_network(h, [4], seed=-1), ValueError, "seed"),
]

DESCENT = [   # each call takes the surface problem
    case("experiments-regression-feature-price", lambda p: surface_problem("price"), ValueError, "feature"),
    case("experiments-regression-feature-int", lambda p: surface_problem(3), ValueError, "feature"),
    case("experiments-regression-feature-list", lambda p: surface_problem(["age"]), ValueError, "feature"),
    case("experiments-regression-problem-str", lambda p: explore_descent("problem", 0.1, 5), TypeError, "problem"),
    case("experiments-regression-lr-bool", lambda p: explore_descent(p, True, 5), TypeError, "lr"),
    case("experiments-regression-lr-zero", lambda p: explore_descent(p, 0.0, 5), ValueError, "lr"),
    case("experiments-regression-lr-big", lambda p: explore_descent(p, 20.0, 5), ValueError, "lr"),
    case("experiments-regression-lr-nan", lambda p: explore_descent(p, NAN, 5), ValueError, "lr"),
    case("experiments-regression-steps-float", lambda p: explore_descent(p, 0.1, 2.5), TypeError, "steps"),
    case("experiments-regression-steps-bool", lambda p: explore_descent(p, 0.1, True), TypeError, "steps"),
    case("experiments-regression-steps-big", lambda p: explore_descent(p, 0.1, 201), ValueError, "steps"),
    case("experiments-regression-steps-negative", lambda p: explore_descent(p, 0.1, -1), ValueError, "steps"),
    case("views-regression-plot-problem", lambda p: DescentPlot("problem"), TypeError, "problem"),
    case("views-regression-plot-title", lambda p: DescentPlot(p, title=3), TypeError, "title"),
    case("views-regression-draw-result", lambda p: DescentPlot(p).draw("result"), TypeError, "result"),
    case("views-regression-plot-descent", lambda p: plot_descent("result"), TypeError, "result"),
    case("views-regression-explorer-lr-zero", lambda p: descent_explorer(lr=0.0), ValueError, "lr"),
    case("views-regression-explorer-lr-big", lambda p: descent_explorer(lr=100.0), ValueError, "lr"),
    case("views-regression-explorer-lr-bool", lambda p: descent_explorer(lr=True), TypeError, "lr"),
    case("views-regression-explorer-steps-big", lambda p: descent_explorer(steps=500), ValueError, "steps"),
    case("views-regression-explorer-steps-float", lambda p: descent_explorer(steps=2.5), TypeError, "steps"),
]

EXPERIMENTS_VIEWS = [
    case("experiments-neuron-w-bool", lambda: explore_neuron(True), TypeError, "w"),
    case("experiments-neuron-w-big", lambda: explore_neuron(11.0), ValueError, "w"),
    case("experiments-neuron-b-str", lambda: explore_neuron(1.0, "1"), TypeError, "b"),
    case("experiments-neuron-b-nan", lambda: explore_neuron(1.0, NAN), ValueError, "b"),
    case("experiments-neuron-range-zero", lambda: explore_neuron(1.0, 0.0, 0.0), ValueError, "x_range"),
    case("experiments-neuron-range-inf", lambda: explore_neuron(1.0, 0.0, INF), ValueError, "x_range"),
    case("experiments-neuron-range-complex", lambda: explore_neuron(1.0, 0.0, 1j), TypeError, "x_range"),
    case("views-neuron-diagram-ax", lambda: plot_neuron_diagram("ax"), TypeError, "ax"),
    case("views-neuron-draw-response", lambda: ResponsePlot().draw("r"), TypeError, "r must"),
    case("views-neuron-draw-title", lambda: ResponsePlot().draw(response(1.0, 0.0), title=3), TypeError, "title"),
    case("views-neuron-explorer-w", lambda: neuron_explorer(w=20.0), ValueError, "w"),
    case("views-neuron-explorer-b-bool", lambda: neuron_explorer(b=True), TypeError, "b"),
    case("views-neuron-explorer-range", lambda: neuron_explorer(x_range=0.0), ValueError, "x_range"),
    case("views-ffn-diagram-sizes-short", lambda: plot_network_diagram([4]), ValueError, "sizes"),
    case("views-ffn-diagram-sizes-zero", lambda: plot_network_diagram([4, 0]), ValueError, r"sizes\[1\]"),
    case("views-ffn-diagram-sizes-float", lambda: plot_network_diagram([4, 2.5]), TypeError, r"sizes\[1\]"),
    case("views-ffn-diagram-sizes-int", lambda: plot_network_diagram(4), TypeError, "sizes"),
    case("views-ffn-diagram-highlight-layer", lambda: plot_network_diagram((4, 1), highlight=[(5, 0)]), ValueError,
         "highlight"),
    case("views-ffn-diagram-highlight-unit", lambda: plot_network_diagram((4, 1), highlight=[(0, 9)]), ValueError,
         "highlight"),
    case("views-ffn-diagram-highlight-pair", lambda: plot_network_diagram((4, 1), highlight=[(0,)]), ValueError,
         "highlight"),
    case("views-ffn-diagram-highlight-float", lambda: plot_network_diagram((4, 1), highlight=[(0, 0.5)]), TypeError,
         "highlight"),
    case("views-ffn-diagram-ax", lambda: plot_network_diagram(ax="ax"), TypeError, "ax"),
    case("views-ffn-explorer-hidden1", lambda: network_explorer(hidden1=0), ValueError, "hidden1"),
    case("views-ffn-explorer-hidden1-float", lambda: network_explorer(hidden1=2.0), TypeError, "hidden1"),
    case("views-ffn-explorer-hidden2", lambda: network_explorer(hidden2=-1), ValueError, "hidden2"),
    case("views-ffn-explorer-activation", lambda: network_explorer(activation="linear"), ValueError, "activation"),
    case("views-ffn-explorer-lr", lambda: network_explorer(lr=100.0), ValueError, "lr"),
    case("views-ffn-explorer-optimizer", lambda: network_explorer(optimizer="lbfgs"), ValueError, "optimizer"),
    case("views-ffn-explorer-epochs", lambda: network_explorer(epochs=0), ValueError, "epochs"),
    case("views-training-losses-hist", lambda: plot_losses("hist"), TypeError, "hist"),
    case("views-training-losses-empty", lambda: plot_losses(History()), ValueError, "hist"),
    case("views-training-losses-scale-zero", lambda: plot_losses(History(train=[1.0]), scale=0.0), ValueError,
         "scale"),
    case("views-training-losses-scale-bool", lambda: plot_losses(History(train=[1.0]), scale=True), TypeError,
         "scale"),
    case("views-training-losses-unit", lambda: plot_losses(History(train=[1.0]), unit=3), TypeError, "unit"),
    case("views-training-losses-ax", lambda: plot_losses(History(train=[1.0]), ax="ax"), TypeError, "ax"),
]


@pytest.mark.parametrize("call, error, match", REGRESSION + NEURON + FFN + EXPERIMENTS_VIEWS)
def test_bad_input_gets_a_clear_error(call, error, match):
    with pytest.raises(error, match=match):
        call()


@pytest.mark.parametrize("call, error, match", FIT_NETWORK)
def test_bad_training_settings_get_a_clear_error(call, error, match, houses):
    with pytest.raises(error, match=match):
        call(houses)


@pytest.mark.parametrize("call, error, match", DESCENT)
def test_bad_descent_settings_get_a_clear_error(call, error, match, problem):
    with pytest.raises(error, match=match):
        call(problem)


def test_nan_data_is_bad_data_not_divergence():
    """The issue's case: NaN inputs were reported as 'Diverged ... lower the learning rate'."""
    with pytest.raises(ValueError, match="xb contains NaN"):
        gradient_descent(with_nan(XB), YV, 0.1, 5)
    with pytest.raises(ValueError, match="y contains NaN"):
        fit_neuron(XN, with_nan(YN))


def test_a_learning_rate_shows_three_significant_digits(houses, problem):
    """The issue's case: 1.78e-4 was shown as 2e-4."""
    lr = 10 ** -3.75    # a stop of the log slider: 1.778e-4
    assert "lr=0.000178" in explore_network(houses, [4], lr=lr, epochs=1).status()
    assert "lr = 0.00178" in explore_descent(problem, 10 ** -2.75, 1).status()
    panel = network_explorer(epochs=1)
    assert panel.controls["lr"].readout_format == ".3g"
    panel.controls["lr"].value = lr
    assert "lr=0.000178" in panel.last_status
    assert descent_explorer().controls["lr"].readout_format == ".3g"


# ---- widgets: every control at its extremes, and a callback forced to fail ------------------------------------


def _assert_warned(panel, words):
    """The status line is a ⚠ warning, in the warning colour, saying ``words``; nothing was raised."""
    assert panel.last_status.startswith("⚠"), panel.last_status
    assert words in panel.last_status, panel.last_status
    assert "#D55E00" in panel.status.value


def _assert_consistent(panel, recompute):
    """The status shown is the one the panel's current control values give."""
    assert panel.last_status == recompute(**panel.values())


def _widen(slider, hi):
    slider.max = hi


@pytest.mark.parametrize("control, extreme", [("lr", "min"), ("lr", "max"), ("steps", "min"), ("steps", "max")])
def test_descent_explorer_at_its_extremes(problem, control, extreme):
    panel = descent_explorer()
    slider = panel.controls[control]
    slider.value = getattr(slider, extreme) if control == "steps" else 10 ** getattr(slider, extreme)
    status = panel.last_status
    assert status and panel.last_png.startswith(b"\x89PNG")
    if (control, extreme) == ("lr", "max"):
        assert status.startswith("⚠ Diverged")
    _assert_consistent(panel, lambda lr, steps: explore_descent(problem, lr, steps).status())


def test_descent_explorer_turns_a_refused_setting_into_a_warning_and_recovers(problem):
    panel = descent_explorer()
    _widen(panel.controls["steps"], 1000)
    panel.controls["steps"].value = 1000           # the experiment refuses more than 200 steps
    _assert_warned(panel, "steps must be an integer in [0, 200]")
    assert panel.values()["steps"] == 1000         # the control keeps what was asked for; the status says why not
    panel.controls["steps"].value = 30
    assert not panel.last_status.startswith("⚠") and panel.last_png.startswith(b"\x89PNG")


@pytest.mark.parametrize("control", ["w", "b", "x_range"])
@pytest.mark.parametrize("extreme", ["min", "max"])
def test_neuron_explorer_at_its_extremes(control, extreme):
    panel = neuron_explorer()
    slider = panel.controls[control]
    slider.value = getattr(slider, extreme)
    assert panel.last_status and panel.last_png.startswith(b"\x89PNG")
    _assert_consistent(panel, lambda w, b, x_range: explore_neuron(w, b, x_range).status())


def test_neuron_explorer_turns_a_refused_setting_into_a_warning_and_recovers():
    panel = neuron_explorer()
    _widen(panel.controls["x_range"], 50.0)
    panel.controls["x_range"].value = 40.0
    _assert_warned(panel, "x_range must lie in [0.5, 20]")
    panel.controls["x_range"].value = 5.0
    assert not panel.last_status.startswith("⚠") and panel.last_png.startswith(b"\x89PNG")


@pytest.fixture(scope="module")
def network_panel():
    return network_explorer(epochs=1)


@pytest.mark.parametrize("control, value", [
    ("hidden1", "min"), ("hidden1", "max"), ("hidden2", "max"), ("hidden2", "min"), ("lr", "min"), ("lr", "max"),
    ("activation", "sigmoid"), ("activation", "relu"), ("optimizer", "sgd"), ("lr", 1e-2), ("optimizer", "adam"),
    ("epochs", "max"), ("epochs", "min")])
def test_network_explorer_at_its_extremes(network_panel, houses, control, value):
    panel = network_panel
    slider = panel.controls[control]
    if value in ("min", "max"):
        value = 10 ** getattr(slider, value) if control == "lr" else getattr(slider, value)
    slider.value = value
    assert panel.last_status and panel.last_png.startswith(b"\x89PNG")
    if (control, value) == ("lr", 10.0) and panel.values()["optimizer"] == "sgd":
        assert panel.last_status.startswith("⚠ Diverged")

    def recompute(hidden1, hidden2, activation, lr, optimizer, epochs):
        hidden = [hidden1] + ([hidden2] if hidden2 > 0 else [])
        return explore_network(houses, hidden, activation, lr, optimizer, epochs).status()

    _assert_consistent(panel, recompute)


def test_network_explorer_turns_refused_settings_into_warnings_and_recovers():
    panel = network_explorer(epochs=1)
    _widen(panel.controls["epochs"], 500)
    panel.controls["epochs"].value = 500
    _assert_warned(panel, "epochs must be an integer in [1, 200]")
    panel.controls["epochs"].value = 1
    assert not panel.last_status.startswith("⚠")
    panel.controls["lr"].max = 3                   # 10 ** 3
    panel.controls["lr"].value = 1000.0
    _assert_warned(panel, "lr must lie in")
    panel.controls["lr"].value = 1e-2
    assert not panel.last_status.startswith("⚠") and panel.last_png.startswith(b"\x89PNG")


@pytest.mark.parametrize("factory, module, function", [
    (descent_explorer, "nnlab.views.regression", "explore_descent"),
    (neuron_explorer, "nnlab.views.neuron", "explore_neuron"),
    (lambda: network_explorer(epochs=1), "nnlab.views.ffn", "explore_network")])
def test_an_unexpected_failure_in_a_callback_becomes_a_warning(monkeypatch, factory, module, function):
    """Not only a refused setting (ValueError): whatever a callback raises, the panel shows ⚠ and stays usable."""
    panel = factory()
    good = panel.last_status

    def broken(*args, **kwargs):
        raise RuntimeError("the solver broke")

    monkeypatch.setattr(f"{module}.{function}", broken)
    name, control = next(iter(panel.controls.items()))
    control.value = control.max if not hasattr(control, "options") else control.options[-1]
    assert panel.last_status.startswith("⚠") and "the solver broke" in panel.last_status
    assert panel.values()[name] == control.value    # the control keeps the learner's choice
    monkeypatch.undo()
    assert "the solver broke" not in panel.refresh() and panel.last_png.startswith(b"\x89PNG")
    assert good


def test_plot_losses_with_a_given_axes_draws_there():
    fig, ax = plt.subplots()
    assert plot_losses(History(train=[1.0, 0.5]), ax) is ax
