"""Micro-benchmark: from-scratch LSTM forward+backward time / ``nn.LSTM``'s, measured in the same run.

B = 32, L = 128, H = 64, one layer, float32, one thread. The two are timed interleaved (best of many
repeats, thread CPU time) so load from other processes hits both alike. Rows: the hand-written BPTT
(``bptt=True``, target <= 2) and, for reference, the plain autograd loop over time. One more row: the CPU seconds
of one run of the sequence explorer at its default settings (notebooks 07 and 08; target <= 3 s, so the widget
stays responsive).
"""
from __future__ import annotations

import time

import torch
import torch.nn as nn

from nnlab.experiments.sequences import SequenceSettings, explore_sequence
from nnlab.recurrent import LSTM

B, L, H = 32, 128, 64


def _step(model: nn.Module, x: torch.Tensor) -> float:
    start = time.thread_time()                      # CPU time of this thread: robust to other processes' load
    out, _ = model(x)
    out.sum().backward()
    return time.thread_time() - start


def ratios(input_size: int = H, repeats: int = 30) -> dict[str, float]:
    """Best-of-``repeats`` fwd+bwd seconds of each model divided by nn.LSTM's best (same inputs, interleaved)."""
    torch.manual_seed(0)
    ref = nn.LSTM(input_size, H)
    models = {"bptt": LSTM(input_size, H, bptt=True), "loop": LSTM(input_size, H)}
    for m in models.values():
        m.load_state_dict(ref.state_dict())
    x = torch.randn(L, B, input_size, requires_grad=True)
    best = {"ref": float("inf"), **{k: float("inf") for k in models}}
    for r in range(repeats):
        best["ref"] = min(best["ref"], _step(ref, x))
        best["bptt"] = min(best["bptt"], _step(models["bptt"], x))
        if r < 3:                                    # the slow loop: a few repeats are enough
            best["loop"] = min(best["loop"], _step(models["loop"], x))
    return {k: best[k] / best["ref"] for k in models}


def explorer_seconds() -> float:
    """CPU seconds (this thread) of one uncached explorer run at the default settings."""
    start = time.thread_time()
    explore_sequence(SequenceSettings(), cache=False)
    return time.thread_time() - start


def run() -> list[dict]:
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        r = ratios()
        explorer = explorer_seconds()
    finally:
        torch.set_num_threads(threads)
    tag = f"B={B}, L={L}, H=I={H}"
    return [
        {"name": f"LSTM bptt fwd+bwd / nn.LSTM ({tag})", "value": r["bptt"], "unit": "x",
         "target": 2.0, "higher_is_better": False},
        {"name": f"LSTM autograd loop fwd+bwd / nn.LSTM ({tag})", "value": r["loop"], "unit": "x",
         "target": None, "higher_is_better": False},
        {"name": "sequence explorer, one run at the default settings", "value": explorer, "unit": "s",
         "target": 3.0, "higher_is_better": False},
    ]


if __name__ == "__main__":
    for row in run():
        print(f"{row['name']}: {row['value']:.2f} {row['unit']} (target {row['target']})")
