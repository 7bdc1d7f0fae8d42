"""Bad input to the modules of notebooks 04 and 05 gets a clear error naming the argument, never a traceback from
deep inside numpy/torch, a silent NaN or a wrong result; widgets turn every failure into a ⚠ status line.

Modules: nnlab.autodiff, nnlab.backprop, nnlab.narx, nnlab.narx_analysis, nnlab.systems, nnlab.experiments.narx
and the views nnlab.views.{autodiff, backprop, narx}.
Each case asserts the error TYPE and that the message names the argument.
"""
from __future__ import annotations

import math
import re
import types

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch
import torch.nn as nn

from nnlab import narx, narx_analysis
from nnlab.autodiff import Tensor, forward, parameters_of
from nnlab.backprop import gradients, layers, local_backward
from nnlab.experiments import narx as experiments_narx
from nnlab.experiments.narx import explore_orders
from nnlab.ffn import FeedforwardNeuralNetModel, mlp
from nnlab.systems import CascadedTanks, Duffing, Record, add_noise, check_signal, load_record, multisine
from nnlab.systems.records import csv_path, simulator, to_csv, write_all
from nnlab.views import narx as views_narx
from nnlab.views.autodiff import draw_graph
from nnlab.views.backprop import draw_chain
from nnlab.views.narx import order_explorer, plot_free_run

TRAIN, TEST = load_record("cascaded_tanks", "train"), load_record("cascaded_tanks", "test")
U, Y = TRAIN.u[:120], TRAIN.y[:120]                    # a short slice: every refusal comes before any training
CONST = Record("constant", np.full(200, 3.0), np.full(200, 2.0), 4.0, 5)
TANKS, DUFF = CascadedTanks(), Duffing()
THETA21 = np.array([1.2, -0.5, 0.3, 0.2, -0.05])        # a stable ARX(2, 1)


def _net():
    torch.manual_seed(0)
    return mlp([3, 4, 1])


def _params():
    return parameters_of(_net())


def _wrong_params():
    params = _params()
    params["0.weight"] = Tensor(np.ones((4, 2), dtype=np.float32))
    return params


def _narx_net():
    torch.manual_seed(0)
    return narx.NarxNet(2, 1, hidden=4)


def _fit():
    return narx.train_one_step(U, Y, 2, 1, hidden=4, steps=2)


def _graph():
    a = Tensor(2.0, label="a")
    return a * a


def _nan_by_overflow():
    with np.errstate(over="ignore", invalid="ignore"):
        return Tensor([1e308]) * 10.0 * 0.0             # inf * 0 = NaN, made inside the graph


W2 = torch.zeros(2, 5)                                 # a (B, L) window
Y2 = torch.zeros(2, 2)                                 # (B, n0) initial outputs


CASES = {
    "autodiff": [
        ("Tensor None", lambda: Tensor(None), TypeError, "data"),
        ("Tensor str", lambda: Tensor("abc"), TypeError, "data"),
        ("Tensor complex", lambda: Tensor([1 + 2j]), TypeError, "data must be real"),
        ("Tensor float16", lambda: Tensor(np.ones(2, dtype=np.float16)), TypeError, "data.*float16"),
        ("Tensor empty", lambda: Tensor([]), ValueError, "data is empty"),
        ("Tensor NaN", lambda: Tensor([1.0, np.nan]), ValueError, "data contains NaN"),
        ("Tensor inf", lambda: Tensor(np.inf), ValueError, "data contains NaN or infinite"),
        ("Tensor ragged", lambda: Tensor([[1.0, 2.0], [3.0]]), ValueError, "data"),
        ("requires_grad str", lambda: Tensor(1.0, requires_grad="yes"), TypeError, "requires_grad"),
        ("label int", lambda: Tensor(1.0, label=3), TypeError, "label"),
        ("add shapes", lambda: Tensor([1.0, 2.0]) + Tensor([1.0, 2.0, 3.0]), ValueError, r"broadcast.*\(2,\) \(3,\)"),
        ("mul shapes", lambda: Tensor([1.0, 2.0]) * [1.0, 2.0, 3.0], ValueError, r"broadcast.*\(2,\) \(3,\)"),
        ("sub shapes", lambda: Tensor(np.ones((2, 3))) - Tensor(np.ones(2)), ValueError, r"broadcast.*\(2,3\) \(2,\)"),
        ("sub str", lambda: Tensor([1.0]) - "a", TypeError, "other"),
        ("add None", lambda: Tensor([1.0]) + None, TypeError, "other"),
        ("add complex", lambda: Tensor([1.0]) + 1j, TypeError, "other must be real"),
        ("mul NaN", lambda: Tensor([1.0]) * np.nan, ValueError, "other contains NaN"),
        ("matmul str", lambda: Tensor(np.ones((2, 2))) @ "ab", TypeError, "other"),
        ("pow str", lambda: Tensor([1.0]) ** "2", TypeError, "exponent"),
        ("pow bool", lambda: Tensor([1.0]) ** True, TypeError, "exponent"),
        ("pow NaN", lambda: Tensor([1.0]) ** math.nan, ValueError, "exponent"),
        ("sum axis range", lambda: Tensor([1.0, 2.0]).sum(axis=1), ValueError, "axis"),
        ("sum axis float", lambda: Tensor([1.0, 2.0]).sum(axis=0.0), TypeError, "axis"),
        ("sum keepdims", lambda: Tensor([1.0, 2.0]).sum(keepdims="no"), TypeError, "keepdims"),
        ("mean axis range", lambda: Tensor([1.0, 2.0]).mean(axis=3), ValueError, "axis"),
        ("mean axis bool", lambda: Tensor([1.0, 2.0]).mean(axis=True), TypeError, "axis"),
        ("item shape", lambda: Tensor(np.ones(3)).item(), ValueError, r"item\(\).*shape \(3,\)"),
        ("backward grad shape", lambda: (Tensor([1.0, 2.0]) * 2.0).backward(np.ones(3)), ValueError,
         r"grad.*\(3,\).*\(2,\)"),
        ("backward grad NaN", lambda: (Tensor([1.0, 2.0]) * 2.0).backward([np.nan, 1.0]), ValueError,
         "grad contains NaN"),
        ("backward grad complex", lambda: (Tensor([1.0]) * 2.0).backward([1j]), TypeError, "grad must be real"),
        ("backward retain_grads", lambda: (Tensor(1.0) * 2.0).backward(retain_grads="yes"), TypeError,
         "retain_grads"),
        ("parameters_of str", lambda: parameters_of("model"), TypeError, "model"),
        ("parameters_of float16", lambda: parameters_of(nn.Linear(2, 1).half()), TypeError,
         "parameter weight.*float16"),
        ("forward model", lambda: forward("model", {}, Tensor(np.ones((2, 3)))), TypeError, "model"),
        ("forward params type", lambda: forward(_net(), "params", Tensor(np.ones((2, 3)))), TypeError, "params"),
        ("forward params missing", lambda: forward(_net(), {}, Tensor(np.ones((2, 3)))), ValueError,
         "params.*0.weight"),
        ("forward params shape", lambda: forward(_net(), _wrong_params(), Tensor(np.ones((2, 3)))), ValueError,
         r"params\['0.weight'\].*\(4, 2\).*\(4, 3\)"),
        ("forward x array", lambda: forward(_net(), _params(), np.ones((2, 3))), TypeError, "x"),
        ("forward x shape", lambda: forward(_net(), _params(), Tensor(np.ones((2, 4)))), ValueError,
         r"x must have shape \(B, 3\), got \(2, 4\)"),
    ],
    "backprop": [
        ("layers str", lambda: layers("model"), TypeError, "model"),
        ("gradients list x", lambda: gradients(_net(), [[1.0, 2.0, 3.0]], torch.zeros(1, 1)), ValueError,
         "x and y must be torch tensors"),
        ("gradients empty", lambda: gradients(_net(), torch.zeros(0, 3), torch.zeros(0, 1)), ValueError,
         "x is empty"),
        ("gradients x NaN", lambda: gradients(_net(), torch.full((2, 3), math.nan), torch.zeros(2, 1)), ValueError,
         "x contains NaN"),
        ("gradients y inf", lambda: gradients(_net(), torch.zeros(2, 3), torch.full((2, 1), math.inf)), ValueError,
         "y contains NaN or infinite"),
        ("gradients x complex", lambda: gradients(_net(), torch.zeros(2, 3, dtype=torch.complex64),
                                                  torch.zeros(2, 1)), TypeError, "x must be real"),
        ("gradients x float16", lambda: gradients(_net(), torch.zeros(2, 3, dtype=torch.float16),
                                                  torch.zeros(2, 1)), ValueError, "x and y.*dtype"),
        ("gradients x int", lambda: gradients(_net(), torch.zeros(2, 3, dtype=torch.int64), torch.zeros(2, 1)),
         ValueError, "x and y.*dtype"),
        ("gradients batch", lambda: gradients(_net(), torch.zeros(5, 3), torch.zeros(4, 1)), ValueError,
         r"y must have the output's shape \(5, 1\), got \(4, 1\)"),
        ("gradients x shape", lambda: gradients(_net(), torch.zeros(5, 4), torch.zeros(5, 1)), ValueError,
         r"x must have shape \(B, 3\), got \(5, 4\)"),
        ("gradients 0-d x", lambda: gradients(FeedforwardNeuralNetModel(3, [4, 4], 1), torch.tensor(1.0),
                                              torch.zeros(1, 1)), ValueError, r"x must have shape \(B, 3\), got \(\)"),
        ("local_backward block", lambda: local_backward(nn.Linear(2, 2), torch.zeros(2, 2), torch.zeros(2, 2)),
         TypeError, "block"),
        ("local_backward shapes", lambda: local_backward(nn.Tanh(), torch.zeros(2, 3), torch.zeros(3)), ValueError,
         r"delta and out.*\(2, 3\) and \(3,\)"),
        ("local_backward list", lambda: local_backward(nn.Tanh(), [1.0], torch.zeros(1)), TypeError, "delta"),
    ],
    "narx": [
        ("regressors None", lambda: narx.regressors(None, Y, 1, 1), TypeError, "u"),
        ("regressors complex", lambda: narx.regressors(U * (1 + 1j), Y, 1, 1), TypeError, "u must be real"),
        ("regressors str", lambda: narx.regressors(["a", "b", "c"], [1.0, 2.0, 3.0], 1, 1), TypeError, "u"),
        ("regressors ragged", lambda: narx.regressors([[1.0], [2.0, 3.0]], Y, 1, 1), ValueError, "u"),
        ("regressors empty", lambda: narx.regressors([], [], 1, 1), ValueError, "u is empty"),
        ("regressors na bool", lambda: narx.regressors(U, Y, True, 1), TypeError, "na"),
        ("regressors nb float", lambda: narx.regressors(U, Y, 1, 1.0), TypeError, "nb"),
        ("regressors na 0", lambda: narx.regressors(U, Y, 0, 1), ValueError, "na"),
        ("regressors shapes", lambda: narx.regressors(np.ones(10), np.ones(9), 1, 1), ValueError,
         r"u and y.*\(10,\) and \(9,\)"),
        ("regressors 2-D", lambda: narx.regressors(np.ones((10, 2)), np.ones((10, 2)), 1, 1), ValueError,
         r"u must be a 1-D signal.*\(10, 2\)"),
        ("regressors inf", lambda: narx.regressors(U, np.where(np.arange(120) == 3, np.inf, Y), 1, 1), ValueError,
         "y contains NaN or infinite"),
        ("regressors short", lambda: narx.regressors(np.ones(3), np.ones(3), 3, 1), ValueError, "na=3, nb=1"),
        ("fit_arx NaN", lambda: narx.fit_arx(np.where(np.arange(120) == 3, np.nan, U), Y, 2, 1), ValueError,
         "u contains NaN"),
        ("simulate model str", lambda: narx.simulate("abc", U, Y[:2], 2, 1), TypeError, "model"),
        ("simulate theta NaN", lambda: narx.simulate(np.full(5, np.nan), U, Y[:2], 2, 1), ValueError,
         "model contains NaN"),
        ("simulate theta complex", lambda: narx.simulate(np.ones(5) * 1j, U, Y[:2], 2, 1), TypeError,
         "model must be real"),
        ("simulate theta shape", lambda: narx.simulate(np.ones(3), U, Y[:2], 2, 1), ValueError,
         r"theta must have shape \(5,\).*got \(3,\)"),
        ("simulate y_init complex", lambda: narx.simulate(np.ones(5), U, [1j, 1.0], 2, 1), TypeError,
         "y_init must be real"),
        ("simulate y_init None", lambda: narx.simulate(np.ones(5), U, None, 2, 1), TypeError, "y_init"),
        ("simulate y_init short", lambda: narx.simulate(np.ones(5), U, [0.0], 2, 1), ValueError, "y_init"),
        ("simulate net orders", lambda: narx.simulate(_narx_net(), U, Y[:3], 3, 1), ValueError,
         "model.*na=2, nb=1.*na=3, nb=1"),
        ("simulate na float", lambda: narx.simulate(np.ones(5), U, Y[:2], 2.0, 1), TypeError, "na"),
        ("predict theta shape", lambda: narx.predict_one_step(np.ones(3), U, Y, 2, 1), ValueError,
         r"theta must have shape \(5,\).*got \(3,\)"),
        ("predict model str", lambda: narx.predict_one_step("abc", U, Y, 2, 1), TypeError, "model"),
        ("predict net orders", lambda: narx.predict_one_step(_narx_net(), U, Y, 1, 1), ValueError,
         "model.*na=2, nb=1.*na=1, nb=1"),
        ("unroll u array", lambda: narx.unroll(_narx_net(), np.zeros((2, 5)), Y2, 2, 1), TypeError, "u"),
        ("unroll model", lambda: narx.unroll("net", W2, Y2, 2, 1), TypeError, "model"),
        ("unroll no steps", lambda: narx.unroll(_narx_net(), torch.zeros(2, 2), Y2, 2, 1), ValueError,
         r"u.*longer than.*n0 = 2"),
        ("unroll na 0", lambda: narx.unroll(_narx_net(), W2, Y2, 0, 1), ValueError, "na"),
        ("unroll dtype", lambda: narx.unroll(_narx_net(), W2.double(), Y2.double(), 2, 1), ValueError,
         "u and y_init.*dtype torch.float32"),
        ("unroll float16", lambda: narx.unroll(_narx_net(), W2.half(), Y2.half(), 2, 1), ValueError,
         "u and y_init.*dtype torch.float32"),
        ("unroll NaN", lambda: narx.unroll(_narx_net(), torch.full((2, 5), math.nan), Y2, 2, 1), ValueError,
         "u contains NaN"),
        ("unroll empty batch", lambda: narx.unroll(_narx_net(), torch.zeros(0, 5), torch.zeros(0, 2), 2, 1),
         ValueError, "u is empty"),
        ("unroll batch", lambda: narx.unroll(_narx_net(), W2, torch.zeros(3, 2), 2, 1), ValueError,
         r"\(2, 5\).*\(3, 2\)"),
        ("NarxNet hidden bool", lambda: narx.NarxNet(2, 1, hidden=True), TypeError, "hidden"),
        ("NarxNet na float", lambda: narx.NarxNet(2.0, 1), TypeError, "na"),
        ("NarxNet z_std 0", lambda: narx.NarxNet(2, 1, z_std=np.zeros(4)), ValueError, "z_std"),
        ("NarxNet z_mean shape", lambda: narx.NarxNet(2, 1, z_mean=np.ones(3)), ValueError,
         r"z_mean must have shape \(4,\).*got \(3,\)"),
        ("NarxNet z_mean NaN", lambda: narx.NarxNet(2, 1, z_mean=np.full(4, np.nan)), ValueError, "z_mean"),
        ("NarxNet y_std 0", lambda: narx.NarxNet(2, 1, y_std=0.0), ValueError, "y_std"),
        ("NarxNet y_mean NaN", lambda: narx.NarxNet(2, 1, y_mean=math.nan), ValueError, "y_mean"),
        ("NarxNet delta str", lambda: narx.NarxNet(2, 1, delta="yes"), TypeError, "delta"),
        ("NarxNet linear int", lambda: narx.NarxNet(2, 1, linear=1), TypeError, "linear"),
        ("NarxNet forward array", lambda: _narx_net()(np.zeros((3, 4))), TypeError, "z"),
        ("NarxNet forward shape", lambda: _narx_net()(torch.zeros(3, 2)), ValueError, r"\(B, 4\).*\(3, 2\)"),
        ("NarxNet forward dtype", lambda: _narx_net()(torch.zeros(3, 4, dtype=torch.float64)), ValueError,
         "z must have.*dtype torch.float32"),
        ("free_run y_init short", lambda: _narx_net().free_run(W2, torch.zeros(2, 1)), ValueError, "y_init"),
        ("free_run u array", lambda: _narx_net().free_run(np.zeros((2, 5)), Y2), TypeError, "u"),
        ("free_run no steps", lambda: _narx_net().free_run(torch.zeros(2, 2), Y2), ValueError, "u"),
        ("train_one_step seed float", lambda: narx.train_one_step(U, Y, 2, 1, steps=1, seed=1.5), TypeError, "seed"),
        ("train_one_step seed bool", lambda: narx.train_one_step(U, Y, 2, 1, steps=1, seed=True), TypeError,
         "seed"),
        ("train_one_step steps bool", lambda: narx.train_one_step(U, Y, 2, 1, steps=True), TypeError, "steps"),
        ("train_one_step lr NaN", lambda: narx.train_one_step(U, Y, 2, 1, lr=math.nan), ValueError, "lr"),
        ("train_one_step lr str", lambda: narx.train_one_step(U, Y, 2, 1, lr="big"), TypeError, "lr"),
        ("train_one_step constant u", lambda: narx.train_one_step(np.full(120, 3.0), Y, 2, 1, steps=1), ValueError,
         "u is constant"),
        ("train_one_step constant y", lambda: narx.train_one_step(U, np.full(120, 2.0), 2, 1, steps=1), ValueError,
         "y is constant"),
        ("train_one_step delta None", lambda: narx.train_one_step(U, Y, 2, 1, steps=1, delta=None), TypeError,
         "delta"),
        ("train_one_step hidden 0", lambda: narx.train_one_step(U, Y, 2, 1, hidden=0), ValueError, "hidden"),
        ("train_simulation fit", lambda: narx.train_simulation("fit", U, Y), TypeError, "fit"),
        ("train_simulation horizon 0", lambda: narx.train_simulation(_fit(), U, Y, horizon=0), ValueError,
         "horizon"),
        ("train_simulation batch float", lambda: narx.train_simulation(_fit(), U, Y, batch=2.0), TypeError, "batch"),
        ("train_simulation seed", lambda: narx.train_simulation(_fit(), U, Y, seed=-1), ValueError, "seed"),
        ("train_simulation progress", lambda: narx.train_simulation(_fit(), U, Y, progress="yes"), TypeError,
         "progress"),
        ("train_simulation complex", lambda: narx.train_simulation(_fit(), U * 1j, Y), TypeError, "u must be real"),
        ("fit_narx record", lambda: narx.fit_narx("record"), TypeError, "record"),
        ("fit_narx simulation", lambda: narx.fit_narx(TRAIN, simulation="yes"), TypeError, "simulation"),
        ("NarxFit net", lambda: narx.NarxFit("net"), TypeError, "net"),
    ],
    "systems": [
        ("check_signal complex", lambda: check_signal(np.ones(3) * 1j), TypeError, "u must be real"),
        ("check_signal None", lambda: check_signal(None), TypeError, "u"),
        ("check_signal str", lambda: check_signal(["a", "b"], "y"), TypeError, "y"),
        ("check_signal 2-D", lambda: check_signal(np.ones((3, 2))), ValueError, r"u must be a 1-D.*\(3, 2\)"),
        ("check_signal empty", lambda: check_signal([]), ValueError, "u is empty"),
        ("check_signal NaN", lambda: check_signal([1.0, np.nan]), ValueError, "u contains NaN"),
        ("tanks substeps 0", lambda: CascadedTanks(substeps=0), ValueError, "substeps"),
        ("tanks substeps float", lambda: CascadedTanks(substeps=2.0), TypeError, "substeps"),
        ("tanks ts 0", lambda: CascadedTanks(ts=0.0), ValueError, "ts"),
        ("tanks k1 NaN", lambda: CascadedTanks(k1=math.nan), ValueError, "k1"),
        ("tanks k1 str", lambda: CascadedTanks(k1="a"), TypeError, "k1"),
        ("tanks n_skip bool", lambda: CascadedTanks(n_skip=True), TypeError, "n_skip"),
        ("tanks x0 field", lambda: CascadedTanks(x0=(1.0,)), ValueError, "x0"),
        ("tanks x0 str", lambda: TANKS.simulate(np.ones(5), x0=("a", "b")), TypeError, "x0"),
        ("tanks x0 complex", lambda: TANKS.simulate(np.ones(5), x0=(1j, 1.0)), TypeError, "x0 must be real"),
        ("tanks u complex", lambda: TANKS.simulate(np.ones(5) * 1j), TypeError, "u must be real"),
        ("tanks output shape", lambda: TANKS.output(np.ones(3)), ValueError, r"states.*\(T, 2\).*\(3,\)"),
        ("tanks steady str", lambda: TANKS.steady_state("a"), TypeError, "u"),
        ("tanks steady NaN", lambda: TANKS.steady_state(math.nan), ValueError, "u"),
        ("tanks steady overflow", lambda: TANKS.steady_state(100.0), ValueError, "u.*overflow"),
        ("duffing substeps 0", lambda: Duffing(substeps=0), ValueError, "substeps"),
        ("duffing x0 NaN", lambda: DUFF.simulate(np.zeros(5), x0=(math.nan, 0.0)), ValueError, "x0"),
        ("duffing output u", lambda: DUFF.output(np.ones((3, 2)), np.ones(4)), ValueError, r"u.*\(3,\).*\(4,\)"),
        ("duffing energy shape", lambda: DUFF.energy(np.ones(3)), ValueError, r"states.*\(T, 2\).*\(3,\)"),
        ("multisine n float", lambda: multisine(64.0, [1], 1.0), TypeError, "n must be an integer"),
        ("multisine n bool", lambda: multisine(True, [1], 1.0), TypeError, "n must be an integer"),
        ("multisine harmonic float", lambda: multisine(64, [1.5], 1.0), TypeError, "harmonics"),
        ("multisine harmonics int", lambda: multisine(64, 5, 1.0), TypeError, "harmonics"),
        ("multisine harmonics empty", lambda: multisine(64, [], 1.0), ValueError, "harmonics.*empty"),
        ("multisine harmonic range", lambda: multisine(64, [40], 1.0), ValueError, "harmonics"),
        ("multisine std 0", lambda: multisine(64, [1], 0.0), ValueError, "std"),
        ("multisine seed float", lambda: multisine(64, [1], 1.0, seed=1.5), TypeError, "seed"),
        ("multisine seed negative", lambda: multisine(64, [1], 1.0, seed=-1), ValueError, "seed"),
        ("add_noise std", lambda: add_noise(np.ones(3), -1.0, 0), ValueError, "std"),
        ("add_noise seed", lambda: add_noise(np.ones(3), 0.1, seed="a"), TypeError, "seed"),
        ("add_noise complex", lambda: add_noise(np.ones(3) * 1j, 0.1, 0), TypeError, "y must be real"),
        ("simulator name", lambda: simulator("tank"), ValueError, "system"),
        ("csv_path data_dir", lambda: csv_path("cascaded_tanks", "train", data_dir=5), TypeError, "data_dir"),
        ("load_record check_sha256", lambda: load_record("cascaded_tanks", "train", check_sha256="no"), TypeError,
         "check_sha256"),
        ("load_record split", lambda: load_record("cascaded_tanks", 3), ValueError, "split"),
        ("to_csv digits negative", lambda: to_csv(TEST, -1), ValueError, "digits"),
        ("to_csv digits float", lambda: to_csv(TEST, 2.0), TypeError, "digits"),
        ("to_csv record", lambda: to_csv("record", 6), TypeError, "record"),
        ("write_all data_dir", lambda: write_all(5), TypeError, "data_dir"),
        ("Record ts", lambda: Record("r", np.ones(3), np.ones(3), 0.0, 0), ValueError, "ts"),
        ("Record n_skip float", lambda: Record("r", np.ones(3), np.ones(3), 4.0, 1.5), TypeError, "n_skip"),
        ("Record n_skip negative", lambda: Record("r", np.ones(3), np.ones(3), 4.0, -1), ValueError, "n_skip"),
        # a Record carries its signals unchecked; the functions that use them refuse bad ones
        ("Record shapes", lambda: narx.fit_narx(Record("r", np.ones(30), np.ones(40), 4.0, 0)), ValueError,
         r"u and y.*\(30,\) and \(40,\)"),
        ("Record NaN", lambda: narx.fit_narx(Record("r", np.full(30, np.nan), np.ones(30), 4.0, 0)), ValueError,
         "u contains NaN"),
        ("Record empty", lambda: narx.fit_narx(Record("r", np.ones(0), np.ones(0), 4.0, 0)), ValueError,
         "u is empty"),
    ],
    "narx_analysis": [
        ("static_gain theta None", lambda: narx_analysis.static_gain(None, 1), TypeError, "theta"),
        ("static_gain theta complex", lambda: narx_analysis.static_gain(np.array([0.5, 1j, 0.0]), 1), TypeError,
         "theta must be real"),
        ("static_gain theta NaN", lambda: narx_analysis.static_gain(np.array([0.5, np.nan, 0.0]), 1), ValueError,
         "theta contains NaN"),
        ("static_gain theta short", lambda: narx_analysis.static_gain(np.array([0.5, 1.0]), 1), ValueError, "theta"),
        ("static_gain integrator", lambda: narx_analysis.static_gain(np.array([1.0, 0.5, 0.0]), 1), ValueError,
         "theta has sum"),
        ("static_gain na 0", lambda: narx_analysis.static_gain(np.array([0.5, 1.0, 0.0]), 0), ValueError, "na"),
        ("k_step k_max 0", lambda: narx_analysis.k_step_rmse(THETA21, U, Y, 2, 1, 0), ValueError, "k_max"),
        ("k_step k_max bool", lambda: narx_analysis.k_step_rmse(THETA21, U, Y, 2, 1, True), TypeError, "k_max"),
        ("k_step k_max too long", lambda: narx_analysis.k_step_rmse(THETA21, U, Y, 2, 1, 119), ValueError, "k_max"),
        ("k_step model str", lambda: narx_analysis.k_step_rmse("arx", U, Y, 2, 1, 5), TypeError, "model"),
        ("k_step theta shape", lambda: narx_analysis.k_step_rmse(THETA21[:-1], U, Y, 2, 1, 5), ValueError,
         "ARX theta"),
        ("k_step net orders", lambda: narx_analysis.k_step_rmse(_narx_net(), U, Y, 3, 1, 5), ValueError, "model"),
        ("k_step u NaN", lambda: narx_analysis.k_step_rmse(THETA21, np.r_[np.nan, U[1:]], Y, 2, 1, 5), ValueError,
         "u contains NaN"),
        ("k_step shapes", lambda: narx_analysis.k_step_rmse(THETA21, U, Y[:-1], 2, 1, 5), ValueError, "u"),
        ("from_arx constant y", lambda: narx_analysis.from_arx(U, np.full(120, 2.0), 2, 1), ValueError, "u and y"),
        ("from_arx hidden 0", lambda: narx_analysis.from_arx(U, Y, 2, 1, hidden=0), ValueError, "hidden"),
        ("from_arx seed -1", lambda: narx_analysis.from_arx(U, Y, 2, 1, seed=-1), ValueError, "seed"),
        ("from_arx theta shape", lambda: narx_analysis.from_arx(U, Y, 2, 1, theta=np.zeros(3)), ValueError,
         "ARX theta"),
        ("from_arx y None", lambda: narx_analysis.from_arx(U, None, 2, 1), TypeError, "y"),
        ("fit_narx_from_arx record", lambda: narx_analysis.fit_narx_from_arx("train"), TypeError, "record"),
        ("fit_narx_from_arx budget", lambda: narx_analysis.fit_narx_from_arx(TRAIN, epochs=2), TypeError,
         "budget"),
        ("fit_narx_from_arx horizon", lambda: narx_analysis.fit_narx_from_arx(TRAIN, horizon=5000), ValueError,
         "horizon"),
        ("static_output 2-D", lambda: TANKS.static_output(np.ones((2, 2))), ValueError, "u must be a 1-D"),
        ("static_output NaN", lambda: TANKS.static_output(np.array([np.nan])), ValueError, "u contains NaN"),
        ("static_output str", lambda: TANKS.static_output("3 V"), TypeError, "u"),
    ],
    "experiments.narx": [
        ("na bool", lambda: explore_orders(TRAIN, TEST, True, 2, 8), TypeError, "na"),
        ("nb float", lambda: explore_orders(TRAIN, TEST, 2, 1.0, 8), TypeError, "nb"),
        ("hidden range", lambda: explore_orders(TRAIN, TEST, 2, 2, 100), ValueError, "hidden"),
        ("seed float", lambda: explore_orders(TRAIN, TEST, 2, 2, 8, seed=1.5), TypeError, "seed"),
        ("lr 0", lambda: explore_orders(TRAIN, TEST, 2, 2, 8, lr=0.0), ValueError, "lr"),
        ("train str", lambda: explore_orders("train", TEST, 2, 2, 8), TypeError, "train"),
        ("test None", lambda: explore_orders(TRAIN, None, 2, 2, 8), TypeError, "test"),
        ("constant train", lambda: explore_orders(CONST, TEST, 2, 2, 8), ValueError, "u is constant"),
        ("test too short", lambda: explore_orders(TRAIN, Record("short", TEST.u[:3], TEST.y[:3], 4.0, 2), 3, 3, 8),
         ValueError, "test record has 3 samples"),
        ("train NaN", lambda: explore_orders(types.SimpleNamespace(u=np.full(50, np.nan), y=np.ones(50)), TEST,
                                             2, 2, 8), ValueError, "u contains NaN"),
    ],
    "views": [
        ("draw_graph root", lambda: draw_graph("root"), TypeError, "root"),
        ("draw_graph ax", lambda: draw_graph(_graph(), ax="ax"), TypeError, "ax"),
        ("draw_graph show_grad", lambda: draw_graph(_graph(), show_grad="yes"), TypeError, "show_grad"),
        ("draw_chain ax", lambda: draw_chain(ax=5), TypeError, "ax"),
        ("plot_free_run record", lambda: plot_free_run("record", {}), TypeError, "record"),
        ("plot_free_run sims list", lambda: plot_free_run(TEST, [TEST.y]), TypeError, "sims"),
        ("plot_free_run sim shape", lambda: plot_free_run(TEST, {"a": np.ones(5)}), ValueError,
         r"sims\['a'\].*\(1024,\).*\(5,\)"),
        ("plot_free_run sim complex", lambda: plot_free_run(TEST, {"a": TEST.y * 1j}), TypeError,
         r"sims\['a'\] must be real"),
        ("plot_free_run title", lambda: plot_free_run(TEST, {}, title=5), TypeError, "title"),
        ("plot_free_run ax", lambda: plot_free_run(TEST, {}, ax="ax"), TypeError, "ax"),
        ("order_explorer na range", lambda: order_explorer(TRAIN, TEST, na=10), ValueError, "na"),
        ("order_explorer hidden float", lambda: order_explorer(TRAIN, TEST, hidden=8.0), TypeError, "hidden"),
        ("order_explorer hidden 1", lambda: order_explorer(TRAIN, TEST, hidden=1), ValueError, "hidden"),
        ("order_explorer train", lambda: order_explorer("train", TEST), TypeError, "train"),
    ],
}
FLAT = [(f"{module}: {name}", call, error, match) for module, cases in CASES.items()
        for name, call, error, match in cases]


@pytest.mark.parametrize("call, error, match", [c[1:] for c in FLAT], ids=[c[0] for c in FLAT])
def test_bad_input_gets_a_clear_error(call, error, match):
    named = re.sub(r"^(\w+)", r"\\b\1\\b", match)      # the argument's name as a word: "u" is not "must"
    with pytest.raises(error, match=named):
        call()


# ---- valid but odd input: the right answer, not an error --------------------------------------------------------

def test_relu_propagates_nan_like_torch():
    x = _nan_by_overflow()
    out = x.relu()
    assert np.isnan(out.data).all() and torch.relu(torch.tensor([math.nan])).isnan().all()


def test_repr_of_every_shape_works():
    assert repr(Tensor(2.0)) == "Tensor(2, op='leaf')" and repr(Tensor([3.0]) * 2.0) == "Tensor(6, op='*')"
    assert repr(Tensor([1.0, 2.0])) == "Tensor(shape=(2,), op='leaf')"


def test_integers_become_float64_and_float32_stays():
    assert Tensor([1, 2]).data.dtype == np.float64 and Tensor(np.ones(2, np.float32)).data.dtype == np.float32


# ---- divergence is reported, bad data never is --------------------------------------------------------------------

def test_a_huge_learning_rate_is_reported_as_divergence():
    fit = narx.train_one_step(TRAIN.u, TRAIN.y, 2, 5, steps=50, lr=1e6)
    assert fit.diverged and fit.diverged_at[0] == "one-step" and len(fit.one_step) == fit.diverged_at[1] + 1
    with pytest.raises(ValueError, match="diverged at one-step step"):
        narx.train_simulation(fit, TRAIN.u, TRAIN.y)


def test_simulation_training_reports_divergence():
    fit = narx.train_one_step(TRAIN.u, TRAIN.y, 2, 5, steps=20)
    fine = narx.train_simulation(fit, TRAIN.u, TRAIN.y, steps=30, lr=1e6)
    assert fine.diverged_at is not None and fine.diverged_at[0] == "simulation"


def test_explore_orders_warns_on_divergence():
    res = explore_orders(TRAIN, TEST, 2, 2, 8, lr=1e6)
    assert res.diverged_at is not None and res.status().startswith("⚠ The net's one-step training diverged")


def test_explore_orders_default_lr_is_the_trainers():
    a, b = explore_orders(TRAIN, TEST, 1, 1, 4), explore_orders(TRAIN, TEST, 1, 1, 4, lr=1e-2)
    assert a.rmse_narx == b.rmse_narx and not a.status().startswith("⚠")


# ---- the widget: extremes and failures become a ⚠ status, never an exception ------------------------------------

@pytest.fixture(scope="module")
def panel():
    return order_explorer(TRAIN, TEST, na=1, nb=0, hidden=2)


@pytest.mark.parametrize("control, value", [("na", 6), ("na", 1), ("nb", 6), ("nb", 0), ("hidden", 64),
                                            ("hidden", 2)])
def test_each_control_at_its_extremes(panel, control, value):
    panel.controls[control].value = value
    assert f"{control}={value}" in panel.last_status and panel.last_png


@pytest.mark.parametrize("control, value, clamped", [("na", 100, 6), ("nb", -5, 0), ("hidden", 1000, 64)])
def test_values_beyond_a_slider_are_clamped(panel, control, value, clamped):
    panel.controls[control].value = value
    assert panel.controls[control].value == clamped and f"{control}={clamped}" in panel.last_status


@pytest.mark.parametrize("error", [ValueError("the experiment refuses this setting"), TypeError("bad type"),
                                   RuntimeError("torch failed"), FloatingPointError("overflow")])
def test_a_failing_callback_becomes_a_warning(monkeypatch, error):
    panel = order_explorer(TRAIN, TEST, na=1, nb=1, hidden=4)
    before = panel.values()

    def refuse(*args, **kwargs):
        raise error

    monkeypatch.setattr(views_narx, "explore_orders", refuse)
    panel.controls["nb"].value = 2                        # no exception escapes
    assert panel.last_status.startswith("⚠") and str(error) in panel.last_status
    assert panel.values() == {**before, "nb": 2}           # the controls keep what the learner chose
    monkeypatch.undo()
    panel.controls["nb"].value = 1                        # and the widget recovers on the next change
    assert not panel.last_status.startswith("⚠") and panel.last_png


def test_a_record_the_experiment_refuses_gives_a_warning_at_start():
    panel = order_explorer(CONST, TEST)
    assert panel.last_status.startswith("⚠") and "constant" in panel.last_status


def test_a_diverging_run_in_the_widget_warns(monkeypatch):
    monkeypatch.setattr(views_narx, "explore_orders",
                        lambda *a, **k: experiments_narx.explore_orders(*a, **k, lr=1e6))
    panel = order_explorer(TRAIN, TEST, na=1, nb=1, hidden=4)
    assert panel.last_status.startswith("⚠ The net's one-step training diverged")
    plt.close("all")
