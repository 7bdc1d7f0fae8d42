"""Test set-up: a non-interactive matplotlib backend for tests (never set MPLBACKEND: kernels inherit it)."""
import matplotlib

matplotlib.use("Agg")


import pytest  # noqa: E402
import torch  # noqa: E402


@pytest.fixture(autouse=True)
def _one_thread():
    """Tests run single-threaded, like the notebooks (nnlab.setup uses threads=1): fast and deterministic."""
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(previous)


@pytest.fixture(autouse=True)
def _close_figures():
    """Every figure a test draws is closed after it (matplotlib keeps them otherwise)."""
    yield
    import matplotlib.pyplot as plt
    plt.close("all")


def pytest_collection_modifyitems(config, items):
    """Run the real-browser tests last: sync Playwright keeps an event loop in the main thread for the session."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)
