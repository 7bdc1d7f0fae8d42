"""nnlab.experiments.lessons_backprop: the forgotten-zero_grad experiment's pieces (small budgets)."""
import numpy as np
import pytest
import torch

from nnlab.experiments.lessons_backprop import epoch_means, houses_standardised, train_lecture_net


def test_houses_standardised_shapes_and_scale():
    x, y = houses_standardised()
    assert x.shape == (len(y), 4) and y.shape == (len(x), 1) and x.dtype == torch.float32
    torch.testing.assert_close(y.mean(), torch.tensor(0.0), atol=1e-5, rtol=0)
    torch.testing.assert_close(y.std(unbiased=False), torch.tensor(1.0), atol=1e-5, rtol=0)


def test_training_is_reproducible_per_seed_and_zero_grad_matters():
    x, y = houses_standardised()
    x, y = x[:256], y[:256]
    _, a = train_lecture_net(x, y, seed=3, zero_grad=True, epochs=1)
    _, b = train_lecture_net(x, y, seed=3, zero_grad=True, epochs=1)
    _, c = train_lecture_net(x, y, seed=3, zero_grad=False, epochs=1)
    assert len(a) == 4 and a == b
    assert a[0] == c[0] and a[1:] != c[1:]      # same start; from the second step on the gradients accumulate


def test_epoch_means():
    np.testing.assert_allclose(epoch_means([1.0, 3.0, 2.0, 4.0], 2), [2.0, 3.0])
    with pytest.raises(ValueError, match="whole number of epochs"):
        epoch_means([1.0, 2.0, 3.0], 2)
    with pytest.raises(ValueError, match="steps_per_epoch"):
        epoch_means([1.0], 0)


def test_bad_training_data_is_rejected():
    with pytest.raises(ValueError, match=r"x of shape \(N, 4\)"):
        train_lecture_net(torch.zeros(8, 3), torch.zeros(8, 1), seed=0, zero_grad=True, epochs=1)
    with pytest.raises(TypeError, match="epochs"):
        train_lecture_net(torch.zeros(8, 4), torch.zeros(8, 1), seed=0, zero_grad=True, epochs=1.5)
