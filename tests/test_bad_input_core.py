"""Bad input to the shared modules (checks, metrics, report, data, training) gets a clear error, never a silent NaN.

Each case gives a wrong type, a bool or a float for an integer, a value out of range, a wrong shape, an empty
array, NaN/inf, complex numbers or a wrong dtype to one public function, and asserts the error's TYPE and that
its message NAMES the argument (``match``). Case ids start with the module's name.
"""
from __future__ import annotations

import csv
import math
import time

import numpy as np
import pytest
import torch
import torch.nn as nn

from nnlab import checks
from nnlab.data import HOUSES_FILE, DataFileError, data_dir, load_houses, read_table, read_verified
from nnlab.ffn import mlp
from nnlab.metrics import n_params, rmse
from nnlab.report import approx, claim, close
from nnlab.training import History, diverged, make_optimizer, mse_loss, progress, seeded, train

HOUSES_CSV = data_dir() / HOUSES_FILE
NAN, INF = float("nan"), float("inf")


def case(name, call, error, match):
    return pytest.param(call, error, match, id=name)


def _seeded(seed):
    with seeded(seed):
        pass


def _half_model():
    return mlp([2, 1]).half()


def _nan_model():
    model = mlp([2, 1])
    with torch.no_grad():
        model[0].weight.fill_(NAN)
    return model


def _overflowing_model():
    model = mlp([2, 1])
    with torch.no_grad():
        model[0].weight.fill_(3e38)
    return model


X, Y = torch.randn(8, 2), torch.randn(8, 1)


def _train(**kw):
    args = dict(model=mlp([2, 1]), x=X, y=Y, epochs=2)
    args.update(kw)
    return train(args.pop("model"), args.pop("x"), args.pop("y"), args.pop("epochs"), **args)


CHECKS = [
    case("checks-integer-bool", lambda: checks.integer("n", True), TypeError, "n must be an integer"),
    case("checks-integer-float", lambda: checks.integer("n", 2.0), TypeError, "n must be an integer"),
    case("checks-integer-str", lambda: checks.integer("n", "3"), TypeError, "n must be an integer"),
    case("checks-integer-none", lambda: checks.integer("n", None), TypeError, "n must be an integer"),
    case("checks-integer-range", lambda: checks.integer("n", 5, 0, 3), ValueError, r"n must be an integer in \[0, 3\]"),
    case("checks-number-bool", lambda: checks.number("x", True), TypeError, "x must be a number"),
    case("checks-number-str", lambda: checks.number("x", "1"), TypeError, "x must be a number"),
    case("checks-number-complex", lambda: checks.number("x", 1j), TypeError, "x must be a number"),
    case("checks-number-nan", lambda: checks.number("x", NAN), ValueError, "x must be finite"),
    case("checks-number-inf", lambda: checks.number("x", INF), ValueError, "x must be finite"),
    case("checks-number-positive", lambda: checks.number("x", 0.0, positive=True), ValueError, "x must be > 0"),
    case("checks-number-range", lambda: checks.number("x", 5.0, 0, 1), ValueError, r"x must lie in \[0, 1\]"),
    case("checks-choice-unknown", lambda: checks.choice("act", "relu2", ("relu", "tanh")), ValueError,
         "act must be one of"),
    case("checks-choice-int", lambda: checks.choice("act", 3, ("relu", "tanh")), ValueError, "act must be one of"),
    case("checks-choice-array", lambda: checks.choice("act", np.array(["relu", "tanh"]), ("relu", "tanh")),
         ValueError, "act must be one of"),
    case("checks-choice-tensor", lambda: checks.choice("act", torch.ones(2), ("relu", "tanh")), ValueError,
         "act must be one of"),
    case("checks-choice-list", lambda: checks.choice("act", ["relu"], ("relu", "tanh")), ValueError,
         "act must be one of"),
    case("checks-finite-nan", lambda: checks.finite("x", np.array([1.0, NAN])), ValueError, "x contains NaN"),
    case("checks-finite-inf-tensor", lambda: checks.finite("x", torch.tensor([INF])), ValueError, "x contains NaN"),
    case("checks-finite-complex", lambda: checks.finite("x", torch.ones(2, dtype=torch.complex64)), TypeError,
         "x must be real"),
    case("checks-finite-complex-numpy", lambda: checks.finite("x", np.ones(2) * 1j), TypeError, "x must be real"),
    case("checks-finite-str", lambda: checks.finite("x", np.array(["a"])), TypeError, "x must hold numbers"),
    case("checks-finite-none", lambda: checks.finite("x", None), TypeError, "x must hold numbers"),
    case("checks-same-shape", lambda: checks.same_shape("a", np.ones(2), "b", np.ones(3)), ValueError,
         r"a and b must have the same shape, got \(2,\) and \(3,\)"),
    case("checks-non-empty", lambda: checks.non_empty("x", torch.ones(0, 3)), ValueError,
         r"x is empty \(shape \(0, 3\)"),
]

METRICS = [
    case("metrics-rmse-str", lambda: rmse("abc", np.ones(3)), TypeError, "y must"),
    case("metrics-rmse-none", lambda: rmse(np.ones(3), None), TypeError, "y_hat must"),
    case("metrics-rmse-complex", lambda: rmse(np.ones(3) * 1j, np.ones(3)), TypeError, "y must be real"),
    case("metrics-rmse-complex-tensor", lambda: rmse(np.ones(3), torch.ones(3, dtype=torch.complex64)), TypeError,
         "y_hat must be real"),
    case("metrics-rmse-nan-y", lambda: rmse(np.array([1.0, NAN]), np.ones(2)), ValueError, "y contains NaN"),
    case("metrics-rmse-inf-y", lambda: rmse(np.array([1.0, INF]), np.ones(2)), ValueError, "y contains NaN"),
    case("metrics-rmse-shape", lambda: rmse(np.ones(3), np.ones(4)), ValueError,
         r"y and y_hat must have the same shape, got \(3,\) and \(4,\)"),
    case("metrics-rmse-broadcast", lambda: rmse(np.ones((3, 1)), np.ones(3)), ValueError, r"\(3, 1\) and \(3,\)"),
    case("metrics-rmse-empty", lambda: rmse(np.ones(0), np.ones(0)), ValueError, "y is empty"),
    case("metrics-rmse-scalar", lambda: rmse(1.0, 2.0), ValueError, "y must"),
    case("metrics-rmse-skip-bool", lambda: rmse(np.ones(3), np.ones(3), skip=True), TypeError, "skip"),
    case("metrics-rmse-skip-float", lambda: rmse(np.ones(3), np.ones(3), skip=1.0), TypeError, "skip"),
    case("metrics-rmse-skip-negative", lambda: rmse(np.ones(3), np.ones(3), skip=-1), ValueError, "skip"),
    case("metrics-rmse-skip-all", lambda: rmse(np.ones(3), np.ones(3), skip=3), ValueError, "skip"),
    case("metrics-n-params-list", lambda: n_params([1, 2]), TypeError, "model"),
    case("metrics-n-params-none", lambda: n_params(None), TypeError, "model"),
    case("metrics-n-params-tensor", lambda: n_params(torch.ones(3)), TypeError, "model"),
]

REPORT = [
    case("report-approx-none", lambda: approx(None), TypeError, "value"),
    case("report-approx-str", lambda: approx("0.5"), TypeError, "value"),
    case("report-approx-bool", lambda: approx(True), TypeError, "value"),
    case("report-approx-complex", lambda: approx(1 + 2j), TypeError, "value"),
    case("report-approx-complex-numpy", lambda: approx(np.complex128(1 + 2j)), TypeError, "value"),
    case("report-approx-tensor", lambda: approx(torch.ones(3)), TypeError, "value"),
    case("report-approx-array", lambda: approx(np.ones(2)), TypeError, "value"),
    case("report-approx-fmt-type", lambda: approx(0.5, 3), TypeError, "fmt"),
    case("report-approx-fmt-bad", lambda: approx(0.5, ".3q"), ValueError, "fmt"),
    case("report-close-label", lambda: close(3, 1.0, 1.0, 1e-6), TypeError, "label"),
    case("report-close-none", lambda: close("x", None, 1.0, 1e-6), TypeError, "actual"),
    case("report-close-str", lambda: close("x", 1.0, "abc", 1e-6), TypeError, "expected"),
    case("report-close-complex", lambda: close("x", np.array([1 + 1j]), np.array([1.0]), 1e-6), TypeError,
         "actual must be real"),
    case("report-close-complex-tensor", lambda: close("x", torch.ones(2), torch.ones(2, dtype=torch.complex64), 1e-6),
         TypeError, "expected must be real"),
    case("report-close-shape", lambda: close("x", np.ones((2, 3)), np.ones((3, 2)), 1e-6), ValueError,
         r"actual has shape \(2, 3\) but expected has shape \(3, 2\)"),
    case("report-close-empty", lambda: close("x", np.ones(0), np.ones(0), 1e-6), ValueError, "empty"),
    case("report-close-atol-bool", lambda: close("x", 1.0, 1.0, True), ValueError, "atol"),
    case("report-close-atol-negative", lambda: close("x", 1.0, 1.0, -1e-6), ValueError, "atol"),
    case("report-close-atol-nan", lambda: close("x", 1.0, 1.0, NAN), ValueError, "atol"),
    case("report-close-atol-inf", lambda: close("x", 1.0, 1.0, INF), ValueError, "atol"),
    case("report-close-nan", lambda: close("x", np.array([1.0, NAN]), np.ones(2), 1e-6), AssertionError,
         r"\|x\|.*NaN"),
    case("report-claim-statement", lambda: claim(3, True), TypeError, "statement"),
    case("report-claim-holds-str", lambda: claim("it holds", "yes"), TypeError, "holds"),
    case("report-claim-holds-none", lambda: claim("it holds", None), TypeError, "holds"),
    case("report-claim-holds-number", lambda: claim("it holds", 0.5), TypeError, "holds"),
    case("report-claim-holds-array", lambda: claim("it holds", np.array([True, False])), TypeError, "holds"),
    case("report-claim-holds-tensor", lambda: claim("it holds", torch.tensor([True, True])), TypeError, "holds"),
    case("report-claim-detail", lambda: claim("it holds", True, 3), TypeError, "detail"),
]


def _file(tmp_path, content: bytes, name="houses.csv"):
    path = tmp_path / name
    path.write_bytes(content)
    return path


HEADER = HOUSES_CSV.read_text().splitlines()[0]
ROW = HOUSES_CSV.read_text().splitlines()[1]


def bad_row(price: str) -> str:
    """The first data row with its price replaced by ``price``."""
    return ",".join([price] + ROW.split(",")[1:])

DATA = [   # each call takes tmp_path
    case("data-read-path-none", lambda t: read_verified(None, None, 1000), TypeError, "path"),
    case("data-read-path-int", lambda t: read_verified(3, None, 1000), TypeError, "path"),
    case("data-read-directory", lambda t: read_verified(t, None, 1000), DataFileError, "is a directory"),
    case("data-read-missing", lambda t: read_verified(t / "nope.csv", None, 1000), DataFileError, "not found"),
    case("data-read-sha-short", lambda t: read_verified(_file(t, b"a\n"), "abc", 1000), ValueError, "sha256"),
    case("data-read-sha-int", lambda t: read_verified(_file(t, b"a\n"), 3, 1000), TypeError, "sha256"),
    case("data-read-max-bytes-bool", lambda t: read_verified(_file(t, b"a\n"), None, True), TypeError, "max_bytes"),
    case("data-read-max-bytes-float", lambda t: read_verified(_file(t, b"a\n"), None, 1e6), TypeError, "max_bytes"),
    case("data-read-max-bytes-zero", lambda t: read_verified(_file(t, b"a\n"), None, 0), ValueError, "max_bytes"),
    case("data-read-rows-negative", lambda t: read_verified(_file(t, b"a\n"), None, 1000, rows=-1), ValueError,
         "rows"),
    case("data-read-rows-float", lambda t: read_verified(_file(t, b"a\n"), None, 1000, rows=2.0), TypeError, "rows"),
    case("data-read-restore", lambda t: read_verified(_file(t, b"a\n"), None, 1000, restore=3), TypeError, "restore"),
    case("data-read-empty", lambda t: read_verified(_file(t, b""), HOUSES_SHA, 1000), DataFileError,
         "the file is empty"),
    case("data-read-garbage-unchecked", lambda t: read_verified(_file(t, bytes(range(1, 256)) * 4), None, 10_000),
         DataFileError, "houses.csv: not UTF-8"),
    case("data-read-nul-unchecked", lambda t: read_verified(_file(t, b"a,b\n\x00\x00,1\n"), None, 10_000),
         DataFileError, "houses.csv: not a CSV file"),
    case("data-read-garbage-checked", lambda t: read_verified(_file(t, bytes(range(256)) * 4), HOUSES_SHA, 10_000,
                                                              rows=1728), DataFileError, "houses.csv: SHA-256"),
    case("data-table-header-only", lambda t: read_table(_file(t, (HEADER + "\n").encode()), sha256=None),
         DataFileError, "no data rows"),
    case("data-table-nan-value", lambda t: read_table(_file(t, f"{HEADER}\n{ROW}\n{bad_row('nan')}\n".encode()),
                                                      sha256=None), DataFileError, "column 'price'.*line 3"),
    case("data-table-inf-value", lambda t: read_table(_file(t, f"{HEADER}\n{bad_row('inf')}\n".encode()),
                                                      sha256=None), DataFileError, "column 'price'.*line 2"),
    case("data-table-duplicate-column", lambda t: read_table(_file(t, f"{HEADER},price\n{ROW},1\n".encode()),
                                                             sha256=None), DataFileError, "price.*twice"),
    case("data-table-path-int", lambda t: read_table(3), TypeError, "path"),
    case("data-load-features-str", lambda t: load_houses(features="livingArea"), TypeError, "features"),
    case("data-load-features-int", lambda t: load_houses(features=3), TypeError, "features"),
    case("data-load-features-empty", lambda t: load_houses(features=()), ValueError, "features"),
    case("data-load-features-unknown", lambda t: load_houses(features=("nope",)), ValueError, "features"),
    case("data-load-features-twice", lambda t: load_houses(features=("age", "age")), ValueError, "features"),
    case("data-load-fraction-bool", lambda t: load_houses(test_fraction=True), TypeError, "test_fraction"),
    case("data-load-fraction-str", lambda t: load_houses(test_fraction="0.2"), TypeError, "test_fraction"),
    case("data-load-fraction-nan", lambda t: load_houses(test_fraction=NAN), ValueError, "test_fraction"),
    case("data-load-fraction-zero", lambda t: load_houses(test_fraction=0.0), ValueError, "test_fraction"),
    case("data-load-fraction-no-test", lambda t: load_houses(test_fraction=1e-5), ValueError, "test_fraction"),
    case("data-load-fraction-no-train", lambda t: load_houses(test_fraction=1 - 1e-5), ValueError, "test_fraction"),
    case("data-load-seed-float", lambda t: load_houses(seed=1.5), TypeError, "seed"),
    case("data-load-seed-bool", lambda t: load_houses(seed=True), TypeError, "seed"),
    case("data-load-seed-negative", lambda t: load_houses(seed=-1), ValueError, "seed"),
    case("data-load-path-int", lambda t: load_houses(path=3), TypeError, "path"),
    case("data-load-sha-int", lambda t: load_houses(sha256=5), TypeError, "sha256"),
]
HOUSES_SHA = "40e219b1cb6d03a95c2042b0bf425b3bd5f4382a0d729da19673fc2fa92c00f6"

TRAINING = [
    case("training-diverged-loss-str", lambda: diverged("1", 1.0), TypeError, "loss"),
    case("training-diverged-loss-bool", lambda: diverged(True, 1.0), TypeError, "loss"),
    case("training-diverged-start-none", lambda: diverged(1.0, None), TypeError, "start"),
    case("training-diverged-start-str", lambda: diverged(1.0, "1"), TypeError, "start"),
    case("training-seeded-float", lambda: _seeded(1.5), TypeError, "seed"),
    case("training-seeded-bool", lambda: _seeded(True), TypeError, "seed"),
    case("training-seeded-negative", lambda: _seeded(-1), ValueError, "seed"),
    case("training-progress-iterable", lambda: progress(3, "steps"), TypeError, "iterable"),
    case("training-progress-desc", lambda: progress(range(3), 3), TypeError, "desc"),
    case("training-progress-enabled", lambda: progress(range(3), "steps", enabled="yes"), TypeError, "enabled"),
    case("training-mse-list", lambda: mse_loss([1.0], torch.ones(1)), TypeError, "y_hat"),
    case("training-mse-shape", lambda: mse_loss(torch.ones(4, 1), torch.ones(4)), ValueError,
         r"y_hat and y must have the same shape, got \(4, 1\) and \(4,\)"),
    case("training-mse-empty", lambda: mse_loss(torch.ones(0, 1), torch.ones(0, 1)), ValueError, "empty"),
    case("training-mse-int", lambda: mse_loss(torch.ones(3), torch.ones(3, dtype=torch.long)), TypeError, "y"),
    case("training-mse-complex", lambda: mse_loss(torch.ones(3, dtype=torch.complex64), torch.ones(3)), TypeError,
         "y_hat"),
    case("training-mse-half", lambda: mse_loss(torch.ones(3).half(), torch.ones(3).half()), TypeError, "float16"),
    case("training-history-empty", lambda: History().best_epoch, ValueError, "no losses"),
    case("training-optimizer-name", lambda: make_optimizer("lbfgs", mlp([2, 1]).parameters(), 0.1), ValueError,
         "optimizer"),
    case("training-optimizer-lr-zero", lambda: make_optimizer("sgd", mlp([2, 1]).parameters(), 0.0), ValueError,
         "lr"),
    case("training-optimizer-lr-bool", lambda: make_optimizer("sgd", mlp([2, 1]).parameters(), True), TypeError,
         "lr"),
    case("training-optimizer-params-empty", lambda: make_optimizer("sgd", [], 0.1), ValueError, "params"),
    case("training-optimizer-params-int", lambda: make_optimizer("sgd", 3, 0.1), TypeError, "params"),
    case("training-train-model-str", lambda: _train(model="net"), TypeError, "model"),
    case("training-train-model-half", lambda: _train(model=_half_model(), x=X.half(), y=Y.half()), TypeError,
         "float16"),
    case("training-train-model-nan", lambda: _train(model=_nan_model()), ValueError, "model"),
    case("training-train-model-no-params", lambda: _train(model=nn.Identity(), y=X), ValueError, "model"),
    case("training-train-model-overflows", lambda: _train(model=_overflowing_model(), x=X * 1e10), ValueError,
         "before any update"),
    case("training-train-x-list", lambda: _train(x=[[1.0, 2.0]] * 8), TypeError, "x must"),
    case("training-train-x-half", lambda: _train(x=X.half()), TypeError, "x.*float16"),
    case("training-train-x-int", lambda: _train(x=X.long()), TypeError, "x.*int64"),
    case("training-train-x-complex", lambda: _train(x=X.to(torch.complex64)), TypeError, "x"),
    case("training-train-x-float64", lambda: _train(x=X.double()), TypeError, "x.*float64.*float32"),
    case("training-train-x-nan", lambda: _train(x=torch.full((8, 2), NAN)), ValueError, "x contains NaN"),
    case("training-train-y-inf", lambda: _train(y=torch.full((8, 1), INF)), ValueError, "y contains NaN"),
    case("training-train-x-empty", lambda: _train(x=X[:0], y=Y[:0]), ValueError, "x is empty"),
    case("training-train-rows", lambda: _train(y=Y[:5]), ValueError, "x and y"),
    case("training-train-x-features", lambda: _train(x=torch.randn(8, 3)), ValueError, r"x.*\(8, 3\)"),
    case("training-train-y-shape", lambda: _train(y=Y[:, 0]), ValueError, "y_hat and y must have the same shape"),
    case("training-train-epochs-bool", lambda: _train(epochs=True), TypeError, "epochs"),
    case("training-train-epochs-float", lambda: _train(epochs=1.5), TypeError, "epochs"),
    case("training-train-epochs-negative", lambda: _train(epochs=-1), ValueError, "epochs"),
    case("training-train-lr-negative", lambda: _train(lr=-0.1), ValueError, "lr"),
    case("training-train-lr-nan", lambda: _train(lr=NAN), ValueError, "lr"),
    case("training-train-lr-bool", lambda: _train(lr=True), TypeError, "lr"),
    case("training-train-batch-zero", lambda: _train(batch_size=0), ValueError, "batch_size"),
    case("training-train-batch-float", lambda: _train(batch_size=2.0), TypeError, "batch_size"),
    case("training-train-batch-bool", lambda: _train(batch_size=True), TypeError, "batch_size"),
    case("training-train-optimizer-name", lambda: _train(optimizer="lbfgs"), ValueError, "optimizer"),
    case("training-train-optimizer-int", lambda: _train(optimizer=3), TypeError, "optimizer"),
    case("training-train-val-alone", lambda: _train(x_val=X), ValueError, "x_val and y_val"),
    case("training-train-val-nan", lambda: _train(x_val=torch.full((4, 2), NAN), y_val=Y[:4]), ValueError,
         "x_val contains NaN"),
    case("training-train-val-rows", lambda: _train(x_val=X[:4], y_val=Y[:3]), ValueError, "x_val and y_val"),
    case("training-train-loss-fn", lambda: _train(loss_fn=3), TypeError, "loss_fn"),
    case("training-train-seed-bool", lambda: _train(seed=True), TypeError, "seed"),
    case("training-train-seed-negative", lambda: _train(seed=-1), ValueError, "seed"),
    case("training-train-progress", lambda: _train(progress="yes"), TypeError, "progress"),
]


@pytest.mark.parametrize("call, error, match", CHECKS + METRICS + REPORT + TRAINING)
def test_bad_input_gets_a_clear_error(call, error, match):
    with pytest.raises(error, match=match):
        call()


@pytest.mark.parametrize("call, error, match", DATA)
def test_bad_data_input_gets_a_clear_error(call, error, match, tmp_path):
    with pytest.raises(error, match=match):
        call(tmp_path)


def test_a_huge_file_is_refused_by_its_size_before_it_is_read(tmp_path, monkeypatch):
    """The issue's case: a 300 MB file of valid rows took 18.7 s and 4.9 GB before being called altered."""
    path = tmp_path / "houses.csv"
    with path.open("wb") as f:              # 300 MB of valid rows, written sparsely: a header, a hole, a row
        f.write((HEADER + "\n").encode())
        f.seek(300_000_000 - len(ROW) - 1)
        f.write((ROW + "\n").encode())
    monkeypatch.setattr("hashlib.sha256", lambda *a: pytest.fail("hashed a file that is too big"))
    start = time.perf_counter()
    with pytest.raises(DataFileError, match=r"houses.csv: 300,000,000 bytes, more than the 1,000,000"):
        read_table(path)
    assert time.perf_counter() - start < 1.0


def test_the_hash_is_checked_before_any_parsing(tmp_path, monkeypatch):
    """An altered file of valid rows is refused on its SHA-256; the CSV parser never sees it."""
    path = tmp_path / "houses.csv"
    path.write_text(HOUSES_CSV.read_text().replace(ROW, ROW.replace(",", ",1", 1), 1))
    monkeypatch.setattr(csv, "reader", lambda *a, **k: pytest.fail("parsed an unverified file"))
    with pytest.raises(DataFileError, match="houses.csv: SHA-256 .* content was altered"):
        read_table(path)


def test_nan_and_half_precision_are_bad_data_not_divergence():
    """The issue's case: NaN inputs or a float16 model were reported as 'Diverged ... lower the learning rate'."""
    with pytest.raises(ValueError, match="x contains NaN"):
        _train(x=torch.full((8, 2), NAN))
    with pytest.raises(TypeError, match="float16"):
        _train(model=_half_model(), x=X.half(), y=Y.half())


def test_mse_of_an_empty_batch_is_an_error_not_nan():
    with pytest.raises(ValueError, match="empty"):
        mse_loss(torch.ones(0), torch.ones(0))
    assert not math.isnan(float(mse_loss(torch.ones(2), torch.zeros(2))))
