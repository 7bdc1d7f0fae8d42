"""Feedforward networks: the lecture's model class (with its bugs fixed) and a general MLP builder.

Derived in 03_feedforward_networks.ipynb.
"""
from __future__ import annotations

import torch
import torch.nn as nn

ACTIVATIONS = {"sigmoid": nn.Sigmoid, "tanh": nn.Tanh, "relu": nn.ReLU, "linear": nn.Identity}


class FeedforwardNeuralNetModel(nn.Module):
    """The lecture's network: input -> Linear -> Sigmoid -> Linear -> Sigmoid -> Linear; x (B, input_dim) -> (B, output_dim).

    Fixed from the notes: ``return x`` belongs inside ``forward``.
    """

    def __init__(self, input_dim: int, hidden_dim: list[int], output_dim: int) -> None:
        super().__init__()
        if len(hidden_dim) != 2:
            raise ValueError(f"hidden_dim must list 2 layer sizes, got {hidden_dim!r}")
        self.fc1 = nn.Linear(input_dim, hidden_dim[0])
        self.sigmoid1 = nn.Sigmoid()
        self.fc2 = nn.Linear(hidden_dim[0], hidden_dim[1])
        self.sigmoid2 = nn.Sigmoid()
        self.output = nn.Linear(hidden_dim[1], output_dim)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.fc1(x)
        x = self.sigmoid1(x)
        x = self.fc2(x)
        x = self.sigmoid2(x)
        x = self.output(x)
        return x


def mlp(sizes: list[int], activation: str = "sigmoid") -> nn.Sequential:
    """Linear layers sizes[0] -> ... -> sizes[-1] with ``activation`` between them (none after the last)."""
    if len(sizes) < 2 or any(int(s) < 1 for s in sizes):
        raise ValueError(f"sizes must list at least 2 positive layer sizes, got {sizes!r}")
    if activation not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {sorted(ACTIVATIONS)}, got {activation!r}")
    layers: list[nn.Module] = []
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(nn.Linear(a, b))
        if i < len(sizes) - 2:
            layers.append(ACTIVATIONS[activation]())
    return nn.Sequential(*layers)
