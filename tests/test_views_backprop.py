"""nnlab.views.backprop.draw_chain: the lecture's back-propagation diagram of notebook 04."""
import matplotlib.pyplot as plt

from nnlab.views.backprop import draw_chain


def test_draw_chain_labels_every_z_delta_and_theta():
    fig, ax = plt.subplots()
    assert draw_chain(ax) is ax
    texts = {t.get_text() for t in ax.texts}
    assert {"$z^1$", "$z^4$", r"$\delta^1$", r"$\delta^4$", r"$\theta_3$", r"$\ell$"} <= texts
    assert r"$\theta_4$" not in texts and not ax.axison
    plt.close(fig)
    ax = draw_chain()                      # makes its own figure
    assert ax.get_title().startswith("Back-propagation")
    plt.close(ax.figure)
