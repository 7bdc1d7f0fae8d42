"""Simulator throughput (nnlab.systems) and the NARX baselines' cost, each against a reference in the same run.

- tanks / Duffing: samples per second of ``simulate``, as a ratio against the same equations written as a plain
  numpy loop (0-d arrays per step, the way a first implementation usually looks); higher is better.
- the tanks simulator's speed against real time (one sample = 4 s of rig time).
- NARX free run: NarxNet.free_run (input part of layer 1 batched) vs the plain unroll calling the net per step.
- k-step-ahead RMSE (notebook 05): all start points as one batch vs one free run per start point.
- notebook 05's experiment ``05-narx`` for one seed, CPU seconds (the course's budget: about 10 s per seed).
"""
from __future__ import annotations

import time

import numpy as np
import torch

from nnlab import narx, narx_analysis
from nnlab.experiments import robustness
from nnlab.systems import CascadedTanks, Duffing, load_rig, multisine


def _best(fn, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def _tanks_numpy_loop(sim: CascadedTanks, u: np.ndarray) -> np.ndarray:
    x = np.array(sim.x0, dtype=np.float64)
    y = np.empty(u.size)
    h = sim.ts / sim.substeps
    for k in range(u.size):
        y[k] = min(x[1] + sim.y_off, sim.y_sat)
        inflow = sim.k4 * np.maximum(u[k] - sim.u_off, 0.0)
        for _ in range(sim.substeps):
            s = np.sqrt(x)
            q1 = sim.k1 * s[0]
            over = inflow - q1 if (x[0] >= sim.x1_max and inflow > q1) else 0.0
            dx = np.array([inflow - q1 - over, sim.k2 * s[0] - sim.k3 * s[1] + sim.k5 * over])
            x = np.maximum(x + h * dx, 0.0)
            x[0] = min(x[0], sim.x1_max)
    return y


def _duffing_numpy_loop(sim: Duffing, u: np.ndarray) -> np.ndarray:
    def f(x, uu):
        return np.array([x[1], -sim.c * x[1] - sim.k1 * x[0] - sim.k2 * x[0] ** 2 - sim.k3 * x[0] ** 3
                         + sim.b * (uu - sim.u0)])
    x, h, n = np.zeros(2), sim.ts / sim.substeps, sim.substeps
    ue = np.append(u, u[-1])
    y = np.empty(u.size)
    for k in range(u.size):
        y[k] = x[0] + sim.d * (u[k] - sim.u0)
        for j in range(n):
            ua, um, ub = (ue[k] + (ue[k + 1] - ue[k]) * (j + s) / n for s in (0.0, 0.5, 1.0))
            k1 = f(x, ua)
            k2 = f(x + 0.5 * h * k1, um)
            k3 = f(x + 0.5 * h * k2, um)
            k4 = f(x + h * k3, ub)
            x = x + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
    return y


def run() -> list[dict]:
    rows = []
    tanks, duff = CascadedTanks(), Duffing()
    u_t = multisine(1024, range(1, 20), 1.0, 2.8, seed=0, periods=4)           # 4096 samples
    u_d = multisine(4096, range(1, 1342, 2), 0.022, 0.005, seed=0)             # 4096 samples
    assert np.allclose(_tanks_numpy_loop(tanks, u_t[:300]), tanks.simulate(u_t[:300]), atol=1e-9)
    assert np.allclose(_duffing_numpy_loop(duff, u_d[:300]), duff.simulate(u_d[:300]), atol=1e-9)
    for name, sim, u, ref in [("tanks", tanks, u_t, _tanks_numpy_loop), ("duffing", duff, u_d, _duffing_numpy_loop)]:
        t_sim = _best(lambda sim=sim, u=u: sim.simulate(u))
        t_ref = _best(lambda sim=sim, u=u, ref=ref: ref(sim, u[:1024]), repeat=1) * u.size / 1024
        rows.append({"name": f"{name} simulate throughput", "value": u.size / t_sim, "unit": "samples/s",
                     "target": None, "higher_is_better": True})
        rows.append({"name": f"{name} simulate speed-up vs plain numpy loop", "value": t_ref / t_sim, "unit": "x",
                     "target": 3.0, "higher_is_better": True})
    t_sim = _best(lambda: tanks.simulate(u_t))
    rows.append({"name": "tanks simulate vs real time (4 s per sample)", "value": u_t.size * tanks.ts / t_sim,
                 "unit": "x", "target": None, "higher_is_better": True})
    torch.manual_seed(0)
    net = narx.NarxNet(2, 5, 16)
    u_w, y0 = torch.randn(32, 65), torch.randn(32, 5)
    with torch.no_grad():
        t_fast = _best(lambda: narx.unroll(net, u_w, y0, 2, 5))
        t_plain = _best(lambda: narx.unroll(net, u_w, y0, 2, 5, fast=False))
    rows.append({"name": "NARX free run (32 x 60): plain unroll / free_run", "value": t_plain / t_fast, "unit": "x",
                 "target": 1.5, "higher_is_better": True})
    rows.append(_k_step_row())
    threads = torch.get_num_threads()
    torch.set_num_threads(1)                                  # as in the notebook and make robustness
    start = time.process_time()
    robustness.get("05-narx").trial(0)
    seconds = time.process_time() - start
    torch.set_num_threads(threads)
    rows.append({"name": "05-narx experiment, one seed", "value": seconds, "unit": "CPU s",
                 "target": 10.0, "higher_is_better": False})
    return rows


def _k_step_row() -> dict:
    """narx_analysis.k_step_rmse (every start as one batch) against one ARX free run per start point."""
    rec = load_rig("test")
    theta, k_max, n0 = narx.fit_arx(rec.u, rec.y, 2, 5), 60, 5

    def per_start() -> np.ndarray:
        err = np.array([narx.simulate(theta, rec.u[s - n0:s + k_max], rec.y[s - n0:s], 2, 5)[n0:] - rec.y[s:s + k_max]
                        for s in range(n0, rec.u.size - k_max + 1)])
        return np.sqrt(np.mean(err ** 2, axis=0))

    assert np.allclose(per_start(), narx_analysis.k_step_rmse(theta, rec.u, rec.y, 2, 5, k_max), atol=1e-9)
    t_batch = _best(lambda: narx_analysis.k_step_rmse(theta, rec.u, rec.y, 2, 5, k_max))
    t_loop = _best(per_start, repeat=1)
    return {"name": "k-step RMSE (k = 1..60): per-start loop / batched", "value": t_loop / t_batch, "unit": "x",
            "target": 3.0, "higher_is_better": True}


if __name__ == "__main__":
    for row in run():
        print(f"{row['name']:55s} {row['value']:12.4g} {row['unit']}")
