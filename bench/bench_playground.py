"""Playground throughput (notebook 08): optimizer steps per second while the views are redrawn live, and redraws
per second, for a 2-layer, 8-neuron network on 500 points, on one thread as in the notebooks.

Live training is the widget's own loop (``PlaygroundWidget.play``: chunks of steps on an asyncio event loop,
redraws throttled to at most 8 per second); the reference measured in the same run is the same number of
steps without any redraw, so the ratio says what the live views cost.
"""
from __future__ import annotations

import asyncio
import time

import matplotlib

matplotlib.use("Agg")

import torch  # noqa: E402

from nnlab.experiments.playground import Config, Playground  # noqa: E402
from nnlab.views.playground import PlaygroundWidget  # noqa: E402

CONFIG = Config(dataset="spiral", hidden_layers=2, neurons=8, n_points=500, lr=0.1)  # never diverges here
SECONDS = 3.0


def _live(seconds: float) -> tuple[float, float]:
    """(steps/s, redraws/s) of the widget's play loop during `seconds`."""
    w = PlaygroundWidget(Playground(CONFIG))

    async def scenario() -> float:
        start = time.perf_counter()
        w.play()
        await asyncio.sleep(seconds)
        w.pause()
        await w._task
        return time.perf_counter() - start

    steps0, redraws0 = w.playground.steps, w.redraws
    elapsed = asyncio.run(scenario())
    return (w.playground.steps - steps0) / elapsed, (w.redraws - redraws0) / elapsed


def _bare(steps: int) -> float:
    """Steps/s without any drawing (the reference)."""
    pg = Playground(CONFIG)
    start = time.perf_counter()
    pg.step(steps)
    return steps / (time.perf_counter() - start)


def _redraws(seconds: float) -> float:
    """Back-to-back redraws per second (both views, status and counter), one step between redraws."""
    w = PlaygroundWidget(Playground(CONFIG))
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        w.playground.step(1)
        w.redraw()
        n += 1
    return n / (time.perf_counter() - start)


def run() -> list[dict]:
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        live_steps, live_redraws = _live(SECONDS)
        bare = _bare(max(200, int(live_steps * 1.0)))
        redraws = _redraws(2.0)
    finally:
        torch.set_num_threads(threads)
    return [
        {"name": "playground: steps/s with live redraw (2x8, 500 pts)", "value": live_steps, "unit": "steps/s",
         "target": 30.0, "higher_is_better": True},
        {"name": "playground: redraws/s (back to back)", "value": redraws, "unit": "redraws/s", "target": 5.0,
         "higher_is_better": True},
        {"name": "playground: redraws/s while playing (throttle 8/s)", "value": live_redraws, "unit": "redraws/s",
         "target": None, "higher_is_better": True},
        {"name": "playground: live steps/s / bare steps/s", "value": live_steps / bare, "unit": "ratio",
         "target": None, "higher_is_better": True},
    ]


if __name__ == "__main__":
    for row in run():
        print(row)
