"""Backpropagation by hand: MSE-loss gradients of a feedforward network, computed without autograd.

Derived in 04_backpropagation.ipynb. With the lecture's notation, the recursion is

    delta^L = delta^{L+1} dz^{L+1}/dz^L          (pass the error one block back)
    dl/dtheta_L = delta^{L+1} dz^{L+1}/dtheta_L   (read off the block's parameter gradient)

and each block only needs its own local derivative:
Linear z' = z W^T + b  ->  delta = delta' W,  dW = delta'^T z,  db = sum over the batch of delta';
Sigmoid s = sigma(z)   ->  delta = delta' * s (1 - s);  Tanh t  ->  delta' * (1 - t^2);  ReLU r  ->  delta' * [r > 0].
"""
from __future__ import annotations

import torch
import torch.nn as nn

from .ffn import FeedforwardNeuralNetModel

SUPPORTED = (nn.Linear, nn.Sigmoid, nn.Tanh, nn.ReLU, nn.Identity)


def layers(model: nn.Module) -> list[tuple[str, nn.Module]]:
    """The blocks of ``model`` in forward order as (name, module) pairs; ValueError for anything unsupported."""
    if isinstance(model, FeedforwardNeuralNetModel):
        names = ["fc1", "sigmoid1", "fc2", "sigmoid2", "output"]
        blocks = [(n, getattr(model, n)) for n in names]
    elif isinstance(model, nn.Sequential):
        blocks = list(model.named_children())
    else:
        raise ValueError(f"expected an nn.Sequential or nnlab.ffn.FeedforwardNeuralNetModel, "
                         f"got {type(model).__name__}")
    for name, block in blocks:
        if not isinstance(block, SUPPORTED):
            raise ValueError(f"layer {name!r} is {type(block).__name__}; only Linear, Sigmoid, Tanh, ReLU "
                             "and Identity layers are supported")
    if not any(isinstance(b, nn.Linear) for _, b in blocks):
        raise ValueError(f"expected at least one nn.Linear layer, found {[type(b).__name__ for _, b in blocks]}")
    return blocks


def _check_inputs(blocks: list[tuple[str, nn.Module]], x: torch.Tensor, y: torch.Tensor) -> None:
    first = next(b for _, b in blocks if isinstance(b, nn.Linear))
    if not isinstance(x, torch.Tensor) or not isinstance(y, torch.Tensor):
        raise ValueError(f"x and y must be torch tensors, got {type(x).__name__} and {type(y).__name__}")
    if x.ndim != 2 or x.shape[1] != first.in_features:
        raise ValueError(f"x must have shape (B, {first.in_features}), got {tuple(x.shape)}")
    if x.dtype != first.weight.dtype or y.dtype != first.weight.dtype:
        raise ValueError(f"x and y must have the parameters' dtype {first.weight.dtype}, "
                         f"got {x.dtype} and {y.dtype}")


def loss_and_gradients(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
    """MSE loss mean((model(x) - y)^2) (a 0-d tensor) and its gradients keyed like model.named_parameters().

    x: (B, in_features), y: (B, out_features), same dtype as the parameters. No autograd is used.
    """
    blocks = layers(model)
    _check_inputs(blocks, x, y)
    grads: dict[str, torch.Tensor] = {}
    with torch.no_grad():
        outputs = [x]                                   # outputs[i] = input of block i (the lecture's z)
        for _, block in blocks:
            outputs.append(block(outputs[-1]))
        y_hat = outputs[-1]
        if y.shape != y_hat.shape:
            raise ValueError(f"y must have the output's shape {tuple(y_hat.shape)}, got {tuple(y.shape)} "
                             "(for one output use y.reshape(-1, 1): (B,) - (B, 1) would broadcast to (B, B))")
        err = y_hat - y
        loss = (err * err).mean()
        delta = err * (2.0 / err.numel())               # dl/dy_hat, (B, out)
        first_linear = next(i for i, (_, b) in enumerate(blocks) if isinstance(b, nn.Linear))
        for i in range(len(blocks) - 1, first_linear - 1, -1):
            name, block = blocks[i]
            z_in, z_out = outputs[i], outputs[i + 1]
            if isinstance(block, nn.Linear):
                grads[f"{name}.weight"] = delta.T @ z_in             # (out, in)
                if block.bias is not None:
                    grads[f"{name}.bias"] = delta.sum(0)             # (out,)
                if i > first_linear:
                    delta = delta @ block.weight                     # (B, in)
            # The local derivatives below are built in place (mul_): one new (B, n) array instead of three.
            elif isinstance(block, nn.Sigmoid):
                delta = (1 - z_out).mul_(z_out).mul_(delta)              # delta * s (1 - s)
            elif isinstance(block, nn.Tanh):
                delta = (z_out * z_out).neg_().add_(1).mul_(delta)       # delta * (1 - t^2)
            elif isinstance(block, nn.ReLU):
                delta = (z_out > 0).to(delta.dtype).mul_(delta)          # delta * [r > 0]
    order = [n for n, _ in model.named_parameters()]
    return loss, {n: grads[n] for n in order if n in grads}


def gradients(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> dict[str, torch.Tensor]:
    """Gradients of mean((model(x) - y)^2), keyed like model.named_parameters(), each shaped like its parameter.

    x: (B, in_features), y: (B, out_features). Computed by backpropagation without autograd.
    """
    return loss_and_gradients(model, x, y)[1]
