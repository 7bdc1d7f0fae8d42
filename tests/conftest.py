"""Test set-up: a non-interactive matplotlib backend for tests (never set MPLBACKEND: kernels inherit it)."""
import matplotlib

matplotlib.use("Agg")
