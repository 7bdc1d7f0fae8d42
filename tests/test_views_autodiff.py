"""nnlab.views.autodiff.draw_graph: the recorded graph of a small expression, labels, gradients, size limit."""
import matplotlib.pyplot as plt
import pytest

from nnlab.autodiff import Tensor
from nnlab.views.autodiff import draw_graph


def test_draw_graph_labels_and_size_limit():
    a, b = Tensor(2.0, label="a"), Tensor(-3.0, label="b")
    c = a * b + a
    c.label = "c"
    c.backward(retain_grads=True)
    ax = draw_graph(c)
    texts = [t.get_text() for t in ax.texts]
    assert "a\ndata 2\ngrad -2" in texts and "*" in texts and "+" in texts
    y = a
    for _ in range(45):
        y = y + a
    with pytest.raises(ValueError, match="at most 40 tensors"):
        draw_graph(y)


def test_draws_on_the_given_axes_without_gradients():
    x = Tensor(1.5, label="x")
    y = (x * 2.0).tanh()
    fig, ax = plt.subplots()
    assert draw_graph(y, ax=ax, show_grad=False) is ax
    texts = [t.get_text() for t in ax.texts]
    assert "tanh" in texts and not any("grad" in t for t in texts)
