"""nnlab.checks: the shared validators (each section added by the worker that needed the validator)."""
import numpy as np
import pytest
import torch

from nnlab import checks


# ---- flag, real_array (added for notebooks 04-05) ----------------------------------------------------------------

@pytest.mark.parametrize("value", [True, False, np.bool_(True)])
def test_flag_accepts_bools(value):
    assert checks.flag("delta", value) is bool(value)


@pytest.mark.parametrize("value", [1, 0, "yes", None, 1.0])
def test_flag_refuses_everything_else(value):
    with pytest.raises(TypeError, match="delta must be True or False"):
        checks.flag("delta", value)


@pytest.mark.parametrize("value, dtype", [([1, 2], np.int64), (np.ones(2, np.float32), np.float32), (2.5, np.float64),
                                          (torch.ones(2, requires_grad=True), np.float32), ([True], np.bool_)])
def test_real_array_converts_numbers(value, dtype):
    assert checks.real_array("x", value).dtype == dtype


@pytest.mark.parametrize("value, error, match", [
    (None, TypeError, "x must hold numbers"), ("abc", TypeError, "x must hold numbers"),
    ([1 + 2j], TypeError, "x must be real"), (torch.ones(2, dtype=torch.complex64), TypeError, "x must be real"),
    ([[1.0], [2.0, 3.0]], ValueError, "x must be a rectangular array"),
])
def test_real_array_refuses_what_is_not_real_numbers(value, error, match):
    with pytest.raises(error, match=match):
        checks.real_array("x", value)


# ---- choice, float_dtype, float_tensor, float_array, string (added for the shared modules and 01-03) ------------

@pytest.mark.parametrize("value", ["relu", np.str_("relu")])
def test_choice_returns_a_known_option(value):
    assert checks.choice("activation", value, ("relu", "tanh")) == "relu"


@pytest.mark.parametrize("value", [True, 1.0, np.array(["relu", "tanh"]), torch.ones(2), ["relu"], None])
def test_choice_refuses_another_type_or_an_array(value):
    """True is not the option 1, and an array compared with an option has no single truth value."""
    options = ("relu", "tanh") if not isinstance(value, (bool, float)) else (1, 2)
    with pytest.raises(ValueError, match="activation must be one of"):
        checks.choice("activation", value, options)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_float_dtype_accepts_single_and_double_precision(dtype):
    assert checks.float_dtype("x", dtype) is dtype


@pytest.mark.parametrize("dtype, words", [(torch.float16, "half precision"), (torch.bfloat16, "half precision"),
                                          (torch.int64, "torch.int64"), (torch.bool, "torch.bool"),
                                          (torch.complex64, "torch.complex64")])
def test_float_dtype_refuses_other_dtypes(dtype, words):
    with pytest.raises(TypeError, match=f"x must hold float32 or float64 numbers, got .*{words}"):
        checks.float_dtype("x", dtype)


def test_float_tensor_returns_the_tensor_itself():
    x = torch.ones(3, 2)
    assert checks.float_tensor("x", x, 2, "(N, d)") is x


@pytest.mark.parametrize("value, error, match", [
    ([1.0], TypeError, "x must be a torch.Tensor, got list"),
    (np.ones(2), TypeError, "x must be a torch.Tensor, got ndarray"),
    (torch.ones(2).half(), TypeError, "float16"),
    (torch.ones(3), ValueError, r"x must have shape \(N, d\), got shape \(3,\)"),
    (torch.ones(0, 2), ValueError, "x is empty"),
    (torch.tensor([[1.0, float("nan")]]), ValueError, "x contains NaN"),
    (torch.tensor([[float("inf"), 1.0]]), ValueError, "x contains NaN"),
])
def test_float_tensor_refuses_bad_tensors(value, error, match):
    with pytest.raises(error, match=match):
        checks.float_tensor("x", value, 2, "(N, d)")


@pytest.mark.parametrize("value", [[[1, 2]], np.ones((1, 2), np.float32), torch.ones(1, 2), [[True, False]]])
def test_float_array_converts_to_float64(value):
    arr = checks.float_array("x", value, 2)
    assert arr.dtype == np.float64 and arr.shape == (1, 2)


def test_float_array_does_not_copy_a_float64_array():
    x = np.ones((2, 2))
    assert checks.float_array("x", x) is x


@pytest.mark.parametrize("value, error, match", [
    (None, TypeError, "x must hold numbers"), ("abc", TypeError, "x must hold numbers"),
    (np.ones(2) * 1j, TypeError, "x must be real"), (np.ones(3), ValueError, r"x must have shape \(N, d\)"),
    (np.ones((0, 2)), ValueError, "x is empty"), (np.array([[np.nan, 1.0]]), ValueError, "x contains NaN"),
])
def test_float_array_refuses_bad_arrays(value, error, match):
    with pytest.raises(error, match=match):
        checks.float_array("x", value, 2, "(N, d)")


@pytest.mark.parametrize("value", [3, None, b"title", ["a"]])
def test_string_refuses_what_is_not_a_str(value):
    assert checks.string("title", "a title") == "a title"
    with pytest.raises(TypeError, match="title must be a string"):
        checks.string("title", value)
