"""Backprop speed on the lecture's 4-200-300-1 network at batch 1,000 (float32), as ratios against torch autograd.

manual backprop (nnlab.backprop.gradients) / autograd: target <= 1.2;
scratch engine (nnlab.autodiff, numpy) / autograd: target <= 3.
All three run in one fresh subprocess with ONE thread each (torch.set_num_threads(1) and
OPENBLAS/OMP/MKL_NUM_THREADS=1, which numpy's BLAS reads only at start-up), interleaved, best of N.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

BATCH, ROUNDS = 1000, 60


def measure() -> dict[str, float]:
    """Best-of-ROUNDS seconds of one gradient computation for each method (run inside the subprocess)."""
    import numpy as np
    import torch

    from nnlab.autodiff import Tensor, forward, parameters_of
    from nnlab.backprop import gradients
    from nnlab.ffn import FeedforwardNeuralNetModel

    torch.set_num_threads(1)
    torch.manual_seed(0)
    model = FeedforwardNeuralNetModel(4, [200, 300], 1)
    x, y = torch.randn(BATCH, 4), torch.randn(BATCH, 1)
    params = parameters_of(model)
    x_np, y_np = Tensor(x.numpy(), requires_grad=False), y.numpy()

    def autograd() -> None:
        model.zero_grad()
        ((model(x) - y) ** 2).mean().backward()

    def manual() -> None:
        gradients(model, x, y)

    def engine() -> None:
        for p in params.values():
            p.zero_grad()
        ((forward(model, params, x_np) - y_np) ** 2).mean().backward()

    best = {"autograd": np.inf, "manual": np.inf, "engine": np.inf}
    fns = {"autograd": autograd, "manual": manual, "engine": engine}
    for _ in range(ROUNDS):
        for name, fn in fns.items():
            start = time.perf_counter()
            fn()
            best[name] = min(best[name], time.perf_counter() - start)
    return best


def run() -> list[dict]:
    """The two ratios, measured in the same fresh single-threaded process."""
    root = Path(__file__).resolve().parents[1]
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    env["PYTHONPATH"] = os.pathsep.join([str(root / "bench"), str(root / "lib"), env.get("PYTHONPATH", "")])
    code = "import json, bench_backprop; print(json.dumps(bench_backprop.measure()))"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    t = json.loads(out.stdout.strip().splitlines()[-1])
    return [
        {"name": "backprop: manual / autograd, 4-200-300-1, batch 1000", "value": t["manual"] / t["autograd"],
         "unit": "time ratio", "target": 1.2, "higher_is_better": False},
        {"name": "backprop: scratch engine / autograd, batch 1000", "value": t["engine"] / t["autograd"],
         "unit": "time ratio", "target": 3.0, "higher_is_better": False},
    ]


if __name__ == "__main__":
    for row in run():
        print(f"{row['name']}: {row['value']:.2f} (target <= {row['target']})")
