"""Widget response time for notebooks 01-03: a control change until the redraw is finished (figure rendered to PNG).

nnlab.views.widgets.Panel renders each figure to PNG itself (render_png), so setting a control's value times
the whole redraw; the display text goes nowhere outside a kernel. One thread,
as in the notebooks (nnlab.setup). Values are medians over several changes, in milliseconds.
"""
from __future__ import annotations

import contextlib
import io
import statistics
import time


def _median_ms(make_panel, control: str, values: list) -> float:
    """Median time (ms) of setting panel.controls[control] to each value in turn (each differs from the last)."""
    times = []
    with contextlib.redirect_stdout(io.StringIO()):  # outside a kernel, display() prints the figure's repr
        panel = make_panel()  # Panel.refresh renders each figure to PNG itself (widgets.render_png)
        for v in values:
            start = time.perf_counter()
            panel.controls[control].value = v
            times.append(1000 * (time.perf_counter() - start))
    return statistics.median(times)


def _reference_ms(repeats: int = 7) -> float:
    """Median time (ms) to create, render to PNG and close the simplest figure: the machine's plotting speed."""
    import matplotlib.pyplot as plt

    times = []
    for i in range(repeats + 1):  # the first round (font cache, canvas set-up) is not timed
        start = time.perf_counter()
        fig, ax = plt.subplots()
        ax.plot([0, 1], [0, 1])
        fig.savefig(io.BytesIO(), format="png")
        plt.close(fig)
        if i:
            times.append(1000 * (time.perf_counter() - start))
    return statistics.median(times)


def _ratio(row: dict, ref: float) -> dict:
    """The same measurement as a ratio to the reference plot (machine-independent)."""
    return {"name": row["name"].split(":")[0] + " / reference plot", "value": row["value"] / ref, "unit": "ratio",
            "target": None, "higher_is_better": False}


def run() -> list[dict]:
    import matplotlib

    matplotlib.use("Agg")
    import nnlab
    from nnlab.views.ffn import network_explorer
    from nnlab.views.neuron import neuron_explorer
    from nnlab.views.regression import descent_explorer

    nnlab.setup(seed=0)
    ref = _reference_ms()
    rows = [{"name": "reference: one line plot rendered to PNG", "value": ref, "unit": "ms", "target": None,
             "higher_is_better": False}]
    ms = _median_ms(descent_explorer, "lr", [0.05, 0.2, 0.5, 1.2, 0.01, 0.1, 0.3])
    rows.append({"name": "widget 01 descent_explorer: lr change -> redraw", "value": ms, "unit": "ms",
                 "target": 150.0, "higher_is_better": False})
    rows.append(_ratio(rows[-1], ref))
    ms = _median_ms(neuron_explorer, "w", [2.0, -1.0, 5.0, 0.5, 8.0, -3.0, 1.5])
    rows.append({"name": "widget 02 neuron_explorer: w change -> redraw", "value": ms, "unit": "ms",
                 "target": 150.0, "higher_is_better": False})
    rows.append(_ratio(rows[-1], ref))
    ms = _median_ms(network_explorer, "epochs", [40, 60, 50, 70, 45])
    rows.append({"name": "widget 03 network_explorer: epochs change -> retrain+redraw", "value": ms, "unit": "ms",
                 "target": None, "higher_is_better": False})
    rows.append(_ratio(rows[-1], ref))
    return rows


if __name__ == "__main__":
    for row in run():
        print(f"{row['name']:62s} {row['value']:8.1f} {row['unit']}  (target {row['target']})")
