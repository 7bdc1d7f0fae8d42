"""nnlab.backprop.gradients against torch autograd (1e-10 in float64) and central finite differences; any
module whose children are its layers in forward order; the in-place local derivatives against the plain ones."""
import pytest
import torch
import torch.nn as nn

from nnlab.backprop import _local_backward_fast, gradients, layers, local_backward, loss_and_gradients
from nnlab.ffn import FeedforwardNeuralNetModel, mlp

ATOL64 = 1e-10   # float64: manual vs autograd
ATOL32 = 1e-5    # float32: manual vs autograd


def autograd_gradients(model, x, y):
    model.zero_grad()
    loss = ((model(x) - y) ** 2).mean()
    loss.backward()
    return loss.detach(), {n: p.grad.clone() for n, p in model.named_parameters()}


def make(sizes, activation, batch, seed, dtype=torch.float64):
    torch.manual_seed(seed)
    model = mlp(sizes, activation).to(dtype)
    x = torch.randn(batch, sizes[0], dtype=dtype)
    y = torch.randn(batch, sizes[-1], dtype=dtype)
    return model, x, y


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("batch", [1, 7, 64])
@pytest.mark.parametrize("sizes, activation", [
    ([4, 200, 300, 1], "sigmoid"), ([3, 8, 2], "tanh"), ([5, 16, 16, 16, 3], "relu"),
    ([2, 1], "sigmoid"), ([6, 10, 10, 10, 10, 1], "tanh"), ([3, 9, 4], "linear"),
])
def test_matches_autograd_float64(sizes, activation, batch, seed):
    model, x, y = make(sizes, activation, batch, seed)
    loss_ref, ref = autograd_gradients(model, x, y)
    loss, grads = loss_and_gradients(model, x, y)
    assert list(grads) == [n for n, _ in model.named_parameters()]
    torch.testing.assert_close(loss, loss_ref, rtol=0, atol=ATOL64)
    for name, g in grads.items():
        assert g.shape == ref[name].shape and g.dtype == torch.float64
        torch.testing.assert_close(g, ref[name], rtol=0, atol=ATOL64, msg=name)


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("batch", [1, 10, 1000])
def test_lecture_model_float64_and_float32(batch, seed):
    for dtype, atol in [(torch.float64, ATOL64), (torch.float32, ATOL32)]:
        torch.manual_seed(seed)
        model = FeedforwardNeuralNetModel(4, [200, 300], 1).to(dtype)
        x, y = torch.randn(batch, 4, dtype=dtype), torch.randn(batch, 1, dtype=dtype)
        _, ref = autograd_gradients(model, x, y)
        grads = gradients(model, x, y)
        assert list(grads) == ["fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias", "output.weight", "output.bias"]
        for name, g in grads.items():
            torch.testing.assert_close(g, ref[name], rtol=0, atol=atol, msg=f"{dtype} {name}")


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu"])
def test_matches_central_finite_differences(activation):
    model, x, y = make([3, 5, 4, 2], activation, 6, seed=3)
    grads = gradients(model, x, y)
    h = 1e-6
    with torch.no_grad():
        for name, p in model.named_parameters():
            flat = p.view(-1)
            for i in range(flat.numel()):
                old = flat[i].item()
                flat[i] = old + h
                up = ((model(x) - y) ** 2).mean().item()
                flat[i] = old - h
                down = ((model(x) - y) ** 2).mean().item()
                flat[i] = old
                assert abs((up - down) / (2 * h) - grads[name].view(-1)[i].item()) < 1e-7, (name, i)


def test_linear_without_bias_and_leading_activation():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Tanh(), nn.Linear(3, 4, bias=False), nn.ReLU(), nn.Linear(4, 2)).double()
    x, y = torch.randn(5, 3, dtype=torch.float64), torch.randn(5, 2, dtype=torch.float64)
    _, ref = autograd_gradients(model, x, y)
    grads = gradients(model, x, y)
    assert list(grads) == ["1.weight", "3.weight", "3.bias"]
    for name in ref:
        torch.testing.assert_close(grads[name], ref[name], rtol=0, atol=ATOL64)


def test_does_not_touch_autograd_state():
    model, x, y = make([3, 4, 1], "sigmoid", 5, seed=0)
    gradients(model, x, y)
    assert all(p.grad is None for p in model.parameters())


def test_layers_in_forward_order():
    model = FeedforwardNeuralNetModel(4, [5, 6], 1)
    assert [n for n, _ in layers(model)] == ["fc1", "sigmoid1", "fc2", "sigmoid2", "output"]


class LearnersCopy(nn.Module):
    """A learner's own copy of the lecture class, with its own layer names (not nnlab.ffn's class)."""

    def __init__(self):
        super().__init__()
        self.first = nn.Linear(4, 6)
        self.act1 = nn.Sigmoid()
        self.second = nn.Linear(6, 5)
        self.act2 = nn.Tanh()
        self.out = nn.Linear(5, 1)

    def forward(self, x):
        return self.out(self.act2(self.second(self.act1(self.first(x)))))


def test_any_module_whose_children_are_its_layers_in_forward_order():
    torch.manual_seed(0)
    model = LearnersCopy().double()
    x, y = torch.randn(7, 4, dtype=torch.float64), torch.randn(7, 1, dtype=torch.float64)
    _, ref = autograd_gradients(model, x, y)
    grads = gradients(model, x, y)
    assert list(grads) == [n for n, _ in model.named_parameters()]
    for name in ref:
        torch.testing.assert_close(grads[name], ref[name], rtol=0, atol=ATOL64)


class MadeOutOfOrder(nn.Module):
    """Layers created in another order than forward uses them: backprop must refuse, not return wrong numbers."""

    def __init__(self, same_shapes: bool):
        super().__init__()
        n = 4 if same_shapes else 6
        self.second = nn.Linear(n, 4)
        self.first = nn.Linear(4, n)
        self.act = nn.Tanh()

    def forward(self, x):
        return self.second(self.act(self.first(x)))


class FunctionalActivation(nn.Module):
    """forward applies torch.sigmoid, which is no child: the chain of children misses it."""

    def __init__(self):
        super().__init__()
        self.fc1, self.fc2 = nn.Linear(4, 3), nn.Linear(3, 1)

    def forward(self, x):
        return self.fc2(torch.sigmoid(self.fc1(x)))


@pytest.mark.parametrize("model, found", [
    (MadeOutOfOrder(same_shapes=False), "do not chain in the order they were made"),
    (MadeOutOfOrder(same_shapes=True), r"forward does not compute its children one after the other"),
    (FunctionalActivation(), r"forward does not compute its children .* in the order they were made \(fc1, fc2\)"),
])
def test_children_out_of_forward_order_are_refused(model, found):
    torch.manual_seed(0)
    with pytest.raises(ValueError, match=found):
        gradients(model, torch.randn(3, 4), torch.randn(3, 1 if not isinstance(model, MadeOutOfOrder) else 4))


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("block, make_out", [
    (nn.Sigmoid(), torch.sigmoid), (nn.Tanh(), torch.tanh), (nn.ReLU(), torch.relu), (nn.Identity(), lambda z: z),
])
def test_in_place_local_derivatives_equal_the_plain_ones_bitwise(block, make_out, dtype):
    gen = torch.Generator().manual_seed(0)
    out = make_out(3 * torch.randn(64, 50, generator=gen, dtype=dtype))
    delta = torch.randn(64, 50, generator=gen, dtype=dtype)
    fast, plain = _local_backward_fast(block, delta.clone(), out.clone()), local_backward(block, delta, out)
    assert fast.dtype == plain.dtype == dtype and torch.equal(fast, plain)


def test_local_backward_leaves_its_inputs_alone():
    out, delta = torch.sigmoid(torch.randn(5, 3)), torch.randn(5, 3)
    out0, delta0 = out.clone(), delta.clone()
    _local_backward_fast(nn.Sigmoid(), delta, out)
    assert torch.equal(out, out0) and torch.equal(delta, delta0)


@pytest.mark.parametrize("model, found", [
    (nn.Sequential(nn.Linear(3, 4), nn.Dropout(0.1), nn.Linear(4, 1)), "Dropout"),
    (nn.Sequential(nn.Linear(3, 4), nn.Sequential(nn.Tanh()), nn.Linear(4, 1)), "Sequential"),
    (nn.Sequential(nn.Linear(3, 4), nn.Softplus(), nn.Linear(4, 1)), "Softplus"),
    (nn.Linear(3, 1), "Linear has no child layers"),
    (nn.Sequential(nn.Sigmoid()), "Sigmoid"),
])
def test_unsupported_models_raise(model, found):
    with pytest.raises(ValueError, match=found):
        gradients(model, torch.randn(2, 3), torch.randn(2, 1))


@pytest.mark.parametrize("x, y, message", [
    (torch.randn(5, 4), torch.randn(5, 1), r"x must have shape \(B, 3\), got \(5, 4\)"),
    (torch.randn(3), torch.randn(3, 1), r"x must have shape \(B, 3\), got \(3,\)"),
    (torch.randn(5, 3), torch.randn(5), r"y must have the output's shape \(5, 1\), got \(5,\)"),
    (torch.randn(5, 3, dtype=torch.float64), torch.randn(5, 1, dtype=torch.float64), "dtype torch.float32"),
    ([[1.0, 2.0, 3.0]], torch.randn(1, 1), "torch tensors"),
])
def test_bad_inputs_raise(x, y, message):
    torch.manual_seed(0)
    with pytest.raises(ValueError, match=message):
        gradients(mlp([3, 4, 1]), x, y)


def test_importing_backprop_loads_no_other_course_module():
    """backprop works on any module, so it does not need (or load) nnlab.ffn for the lecture's class."""
    import subprocess
    import sys
    code = ("import sys, nnlab.backprop; "
            "print(sorted(m for m in sys.modules if m.startswith('nnlab.') and m != 'nnlab.backprop'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_saved_bytes_grow_with_the_batch_and_vanish_without_grad():
    from nnlab.backprop import saved_bytes
    model = FeedforwardNeuralNetModel(4, [200, 300], 1)
    for batch in (10, 100):
        assert saved_bytes(model, torch.randn(batch, 4), torch.randn(batch, 1)) == batch * 505 * 4
    with torch.no_grad():
        assert saved_bytes(model, torch.randn(10, 4), torch.randn(10, 1)) == 0
    with pytest.raises(ValueError, match="same batch size"):
        saved_bytes(model, torch.randn(3, 4), torch.randn(2, 1))
    with pytest.raises(ValueError, match="x must be a 2-D tensor"):
        saved_bytes(model, torch.randn(4), torch.randn(2, 1))
    with pytest.raises(TypeError, match="model"):
        saved_bytes("net", torch.randn(3, 4), torch.randn(3, 1))
