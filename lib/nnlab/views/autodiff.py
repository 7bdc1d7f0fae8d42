"""Drawing the computational graph that nnlab.autodiff records (04_backpropagation.ipynb, section 6)."""
from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.axes import Axes

from ..autodiff import Tensor
from ..checks import flag


def draw_graph(root: Tensor, ax: Axes | None = None, show_grad: bool = True) -> Axes:
    """Draw the computational graph that produced ``root`` (inputs left, root right); return the Axes."""
    if not isinstance(root, Tensor):
        raise TypeError(f"root must be an nnlab.autodiff.Tensor, got {type(root).__name__}")
    if ax is not None and not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes or None, got {type(ax).__name__}")
    show_grad = flag("show_grad", show_grad)
    order = root.topological_order()
    if len(order) > 40:
        raise ValueError(f"draw_graph is for small expressions (at most 40 tensors), this graph has {len(order)}")
    level: dict[int, int] = {}
    for node in order:                       # parents come first, so their levels are known
        level[id(node)] = 1 + max((level[id(p)] for p in node._parents), default=-1)
    for node in order:                       # an input sits just left of its first use
        if not node._parents and node is not root:
            level[id(node)] = min(level[id(c)] for c in order if any(p is node for p in c._parents)) - 1
    columns: dict[int, list[Tensor]] = {}
    for node in order:
        columns.setdefault(level[id(node)], []).append(node)
    pos = {id(n): (3.0 * c, i - (len(col) - 1) / 2) for c, col in columns.items() for i, n in enumerate(col)}
    if ax is None:
        _, ax = plt.subplots(figsize=(2.2 * (len(columns) + 1), 1.1 * max(len(c) for c in columns.values()) + 1))
    boxes, ops = {}, {}
    for node in order:
        x, y = pos[id(node)]
        value = f"{node.data.item():.3g}" if node.data.size == 1 else f"shape {node.shape}"
        lines = [s for s in (node.label, f"data {value}") if s]
        if show_grad and node.grad is not None:
            lines.append(f"grad {node.grad.item():.3g}" if node.grad.size == 1 else "grad ✓")
        boxes[id(node)] = ax.text(x, y, "\n".join(lines), ha="center", va="center", fontsize=8, bbox=dict(
            boxstyle="round", fc="#56B4E9" if not node._parents else "#F0E442", alpha=0.5))
        if node._parents:
            ops[id(node)] = ax.text(x - 1.4, y, node._op, ha="center", va="center", fontsize=9,
                                    bbox=dict(boxstyle="circle", fc="white", ec="0.45"))
    arrow = dict(arrowstyle="->", color="0.45", shrinkA=0, shrinkB=0)
    for node in order:
        if node._parents:      # parent box (right edge) -> op circle (left edge) -> node box (left edge)
            op = ops[id(node)]
            ax.annotate("", (0, 0.5), xycoords=boxes[id(node)], xytext=(1, 0.5), textcoords=op, arrowprops=arrow)
            for p in node._parents:    # an edge that skips a column bends, so it does not cross the boxes between
                bend = dict(arrow, connectionstyle="arc3,rad=0.25") if level[id(node)] - level[id(p)] > 1 else arrow
                ax.annotate("", (0, 0.5), xycoords=op, xytext=(1, 0.5), textcoords=boxes[id(p)], arrowprops=bend)
    ax.set_xlim(-1.5, 3.0 * max(columns) + 1.5)
    ax.set_ylim(-max(len(c) for c in columns.values()) / 2 - 0.5, max(len(c) for c in columns.values()) / 2 + 0.5)
    ax.axis("off")
    ax.set_title(f"computational graph of {root.label or 'the result'}: inputs (blue) flow right, gradients flow left")
    return ax
