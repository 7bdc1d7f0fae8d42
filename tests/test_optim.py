"""nnlab.optim.Adam (Adam from scratch, notebook 03) against torch.optim.Adam: oracle tests on random problems."""
import pytest
import torch

from nnlab.optim import Adam, adam_update


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("lr, betas, eps", [(1e-3, (0.9, 0.999), 1e-8), (0.1, (0.5, 0.9), 1e-6),
                                            (1.0, (0.0, 0.99), 1e-8)])
def test_adam_equals_torch_on_a_random_net(seed, lr, betas, eps):
    gen = torch.Generator().manual_seed(seed)
    x = torch.randn(32, 3, generator=gen, dtype=torch.float64)
    y = torch.randn(32, 1, generator=gen, dtype=torch.float64)
    torch.manual_seed(seed)
    ours = torch.nn.Sequential(torch.nn.Linear(3, 7), torch.nn.Tanh(), torch.nn.Linear(7, 1)).double()
    theirs = torch.nn.Sequential(torch.nn.Linear(3, 7), torch.nn.Tanh(), torch.nn.Linear(7, 1)).double()
    theirs.load_state_dict(ours.state_dict())
    opts = [(ours, Adam(ours.parameters(), lr=lr, betas=betas, eps=eps)),
            (theirs, torch.optim.Adam(theirs.parameters(), lr=lr, betas=betas, eps=eps))]
    for _ in range(8):
        for model, opt in opts:
            opt.zero_grad()
            torch.mean((model(x) - y) ** 2).backward()
            opt.step()
    for p, q in zip(ours.parameters(), theirs.parameters()):
        torch.testing.assert_close(p, q, rtol=0, atol=1e-10)   # float64: the same arithmetic up to rounding


def test_adam_float32_within_1e_6_and_skips_parameters_without_gradient():
    torch.manual_seed(0)
    a, b = torch.randn(5, requires_grad=True), torch.randn(5, requires_grad=True)
    frozen = torch.randn(3, requires_grad=True)
    b.data.copy_(a.data)
    start = frozen.detach().clone()
    ours, theirs = Adam([a, frozen], lr=0.05), torch.optim.Adam([b], lr=0.05)
    for _ in range(10):
        for p, opt in ((a, ours), (b, theirs)):
            opt.zero_grad()
            (p ** 2).sum().backward()
            opt.step()
    torch.testing.assert_close(a, b, rtol=0, atol=1e-6)
    assert torch.equal(frozen, start) and frozen.grad is None


def test_first_step_is_lr_times_the_sign_of_the_gradient():
    p = torch.tensor([0.0, 0.0, 0.0])
    g = torch.tensor([1e3, -1e-3, 5.0])
    adam_update(p, g, torch.zeros(3), torch.zeros(3), t=1, lr=0.3, beta1=0.9, beta2=0.999, eps=1e-12)
    torch.testing.assert_close(p, torch.tensor([-0.3, 0.3, -0.3]), rtol=0, atol=1e-6)


def test_closure_is_called_and_its_loss_returned():
    p = torch.ones(2, requires_grad=True)
    opt = Adam([p], lr=0.1)

    def closure():
        opt.zero_grad()
        loss = (p ** 2).sum()
        loss.backward()
        return loss

    assert opt.step(closure).item() == pytest.approx(2.0)
    assert (p < 1).all()


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(lr=0.0), ValueError, "lr"), (dict(lr=-1.0), ValueError, "lr"), (dict(lr="1e-3"), TypeError, "lr"),
    (dict(betas=0.9), TypeError, "betas"), (dict(betas=(0.9,)), TypeError, "betas"),
    (dict(betas=(1.0, 0.999)), ValueError, "betas"), (dict(betas=(0.9, 1.5)), ValueError, r"betas\[1\]"),
    (dict(eps=0.0), ValueError, "eps"),
])
def test_bad_settings_are_refused(kwargs, error, match):
    with pytest.raises(error, match=match):
        Adam([torch.zeros(1, requires_grad=True)], **kwargs)
