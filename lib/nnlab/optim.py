"""Adam from scratch, as a ``torch.optim.Optimizer`` (derived in 03_feedforward_networks.ipynb).

Adam keeps, per parameter entry, a running mean of its gradient ``m`` and of its squared gradient ``v``, and
steps by ``lr * m_hat / (sqrt(v_hat) + eps)``: each entry gets its own step size, about ``lr`` when its gradient
keeps its sign, whatever that gradient's scale. It equals ``torch.optim.Adam`` (no weight decay, no amsgrad);
tests/test_optim.py checks this on random problems.
"""
from __future__ import annotations

from collections.abc import Iterable

import torch

from .checks import number

__all__ = ["Adam", "adam_update"]


def adam_update(p: torch.Tensor, g: torch.Tensor, m: torch.Tensor, v: torch.Tensor, t: int, lr: float,
                beta1: float, beta2: float, eps: float) -> None:
    """One Adam step, in place, on parameter p with gradient g and moments m, v (all one shape); t counts from 1."""
    m.mul_(beta1).add_(g, alpha=1 - beta1)                 # running mean of the gradient
    v.mul_(beta2).addcmul_(g, g, value=1 - beta2)          # running mean of the squared gradient
    m_hat, v_hat = m / (1 - beta1 ** t), v / (1 - beta2 ** t)   # corrected for starting at 0
    p.sub_(lr * m_hat / (v_hat.sqrt() + eps))              # a step of about lr per entry


class Adam(torch.optim.Optimizer):
    """Adam (Kingma & Ba 2015) written out: ``Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-8)``."""

    def __init__(self, params: Iterable[torch.Tensor], lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8) -> None:
        lr, eps = number("lr", lr, positive=True), number("eps", eps, positive=True)
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise TypeError(f"betas must be a pair (beta1, beta2), got {betas!r}")
        beta1, beta2 = (number(f"betas[{i}]", b, 0.0, 1.0) for i, b in enumerate(betas))
        if beta1 == 1.0 or beta2 == 1.0:
            raise ValueError(f"betas must lie in [0, 1), got {tuple(betas)}")
        super().__init__(params, dict(lr=lr, betas=(beta1, beta2), eps=eps))

    @torch.no_grad()
    def step(self, closure=None):
        """Update every parameter that has a gradient; returns closure() when one is given (torch's convention)."""
        loss = None if closure is None else torch.enable_grad()(closure)()
        for group in self.param_groups:
            beta1, beta2 = group["betas"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                if not state:
                    state.update(t=0, m=torch.zeros_like(p), v=torch.zeros_like(p))
                state["t"] += 1
                adam_update(p, p.grad, state["m"], state["v"], state["t"], group["lr"], beta1, beta2, group["eps"])
        return loss
