"""The output convention (nnlab.report) and the nbval sanitizer rule that masks trained numbers."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from nbval_rules import sanitize  # tests/nbval_rules.py: the sanitizer file as nbval applies it

from nnlab.report import approx, claim, close


# --- the sanitizer rule: it masks the numbers behind ≈ and nothing else --------------------------------------

@pytest.mark.parametrize("saved, fresh", [
    ("test RMSE ≈0.153 V", "test RMSE ≈0.218 V"),
    ("loss ≈1.2e-03 after 100 steps", "loss ≈9.8e-04 after 100 steps"),
    ("accuracy ≈34.4 %", "accuracy ≈100.0 %"),
    ("weight ≈-0.002", "weight ≈0.001"),
    ("price ≈1,234 k$", "price ≈987 k$"),
    ("diverged at step ≈21. Lower", "diverged at step ≈7. Lower"),
    ("| LSTM   |   ≈0.15 |  12 |", "| LSTM   |  ≈12.34 |  12 |"),     # padding around the number is masked too
    ("✓ the LSTM beats ARX: ≈0.153 V < ≈0.322 V", "✓ the LSTM beats ARX: ≈0.218 V < ≈0.322 V"),
])
def test_masks_trained_numbers(saved, fresh):
    assert saved != fresh
    assert sanitize(saved) == sanitize(fresh)


@pytest.mark.parametrize("saved, fresh", [
    ("test RMSE 0.153 V", "test RMSE 0.218 V"),                  # a plain number is compared
    ("max |a - b| < 1e-06 ✓", "max |a - b| < 1e-05 ✓"),            # the bound is compared
    ("✓ the LSTM beats ARX", "✗ the LSTM beats ARX"),              # the verdict is compared
    ("diverged: False ≈0.1", "diverged: True ≈0.1"),              # the words around a masked number are compared
    ("RMSE ≈0.153 V", "RMSE ≈0.153 mV"),                          # and its unit
    ("RMSE ≈nan", "RMSE ≈0.153"),                                 # a NaN is never masked
    ("step ≈21. Lower", "step ≈21 Lower"),                         # the full stop after a number stays
    ("≈1, ≈2", "≈1 ≈2"),                                          # and so does a comma
    ("shape (3, 5, 20)", "shape (3, 5, 21)"),
])
def test_leaves_everything_else_compared(saved, fresh):
    assert sanitize(saved) != sanitize(fresh)


def test_numbers_printed_by_approx_are_masked():
    assert sanitize(f"x {approx(0.1534)} y") == sanitize(f"x {approx(123.456, '.1f')} y")
    assert sanitize(approx(float("nan"))) != sanitize(approx(0.5))


# --- approx, close, claim -------------------------------------------------------------------------------------

def test_approx_formats_with_the_sign():
    assert approx(0.15341) == "≈0.153"
    assert approx(0.15341, ".1e") == "≈1.5e-01"
    assert approx(torch.tensor(2.5), ".1f") == "≈2.5"


def test_close_prints_the_bound_not_the_noise(capsys):
    a = torch.randn(5, 3, dtype=torch.float64)
    assert close("a - a(1 + 1e-15)", a, a * (1 + 1e-15), atol=1e-12) is None   # a cell's last line shows no noise
    assert capsys.readouterr().out == "max |a - a(1 + 1e-15)| < 1e-12 ✓\n"
    close("numpy vs torch", np.ones(3), torch.ones(3), atol=1e-9)   # mixed types


@pytest.mark.parametrize("actual, expected", [(torch.ones(3), torch.ones(3) + 1e-3),
                                              (torch.tensor([1.0, float("nan")]), torch.tensor([1.0, 1.0]))])
def test_close_fails_above_the_bound_or_on_nan(actual, expected, capsys):
    with pytest.raises(AssertionError, match="not below 1e-06"):
        close("x", actual, expected, atol=1e-6)
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize("atol", [0, -1e-6, float("nan"), "1e-6", True])
def test_close_refuses_a_bad_tolerance(atol):
    with pytest.raises(ValueError, match="atol must be a positive number"):
        close("x", 1.0, 1.0, atol=atol)


def test_close_names_both_shapes():
    with pytest.raises(ValueError, match=r"shape \(2, 3\).*shape \(3, 2\)"):
        close("x", torch.zeros(2, 3), torch.zeros(3, 2), atol=1e-6)


def test_claim_prints_the_verdict_or_fails(capsys):
    claim("0.15 beats 0.32", 0.15 < 0.32, f"{approx(0.15)} < {approx(0.32)}")
    assert capsys.readouterr().out == "✓ 0.15 beats 0.32: ≈0.150 < ≈0.320\n"
    with pytest.raises(AssertionError, match="claim does not hold: 0.40 beats 0.32"):
        claim("0.40 beats 0.32", 0.40 < 0.32)
