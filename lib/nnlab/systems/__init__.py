"""Simulated dynamical systems and their shipped input/output records (first used in 05_narx_models.ipynb).

- ``CascadedTanks``, ``Duffing``: small simulators with ``simulate(u, x0=None) -> y`` on numpy arrays.
- ``multisine``, ``add_noise``: seeded input and measurement-noise signals.
- ``load_record(system, split) -> Record``: the verified CSV records in data/ (``python -m nnlab.systems`` writes them).
- ``load_rig(split) -> Record``: the real cascaded-tanks rig's measured records (data/cascaded_tanks_benchmark.csv).
"""
from .models import CascadedTanks, Duffing, add_noise, check_signal, multisine
from .records import SPECS, SYSTEMS, Record, csv_path, generate, load_record, load_rig, simulator, to_csv, write_all

__all__ = ["CascadedTanks", "Duffing", "multisine", "add_noise", "check_signal", "Record", "load_record", "load_rig",
           "generate", "write_all", "to_csv", "csv_path", "simulator", "SYSTEMS", "SPECS"]
