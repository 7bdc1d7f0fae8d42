"""The shipped input/output records (data/<system>_<split>.csv): how they are generated, written and loaded.

Regenerate all four files with ``python -m nnlab.systems`` (provenance in data/SYSTEMS.md).
"""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..checks import flag, integer, number
from ..data import DataFileError, read_verified
from ..data import data_dir as course_data_dir
from .models import CascadedTanks, Duffing, add_noise, multisine

SYSTEMS = ("cascaded_tanks", "duffing")
SPLITS = ("train", "test")
HEADER = ["time_s", "u_V", "y_V"]
UNITS = {"time": "s", "u": "V", "y": "V"}
MAX_BYTES = 1_000_000   # the largest record (duffing, 4096 rows) is about 143 kB
RESTORE = "Restore it with `git checkout -- data/`, or regenerate it with `python -m nnlab.systems`."


@dataclass(frozen=True)
class RecordSpec:
    """How one record is made: input multisine (period n, harmonics, std, mean, seed) and output noise (std, seed)."""

    n: int
    harmonics: tuple[int, ...]
    u_std: float
    u_mean: float
    u_seed: int
    noise_std: float
    noise_seed: int
    digits: int  # decimals written for u and y


_TANK_H = tuple(range(1, 20))                         # 19 harmonics of 1024 samples: below 4.6 mHz
_DUFF_H = tuple(range(1, 1342, 2))                    # odd lines of a 4096-sample period up to 200 Hz
SPECS: dict[tuple[str, str], RecordSpec] = {
    ("cascaded_tanks", "train"): RecordSpec(1024, _TANK_H, 1.0, 2.8, 3, 0.02, 101, 6),
    ("cascaded_tanks", "test"): RecordSpec(1024, _TANK_H, 1.0, 2.8, 9, 0.02, 102, 6),
    ("duffing", "train"): RecordSpec(4096, _DUFF_H, 0.022, 0.005, 3, 1e-4, 103, 9),
    ("duffing", "test"): RecordSpec(4096, _DUFF_H, 0.022, 0.005, 4, 1e-4, 104, 9),
}
SHA256 = {
    ("cascaded_tanks", "train"): "53204af422d7fc0e5b28edc1165e04d6ec8b9e845c49e84db17d86725706afa8",
    ("cascaded_tanks", "test"): "ac52046f3bf0e08b4292ca7376b77d6aeccf50d56c351e5d817e8638f1874b8b",
    ("duffing", "train"): "e5cb434238627cd5c2432bd2939c09898ef927bd359d3fa7cce31f846034694b",
    ("duffing", "test"): "56c204b9b758dc9560954153b09eb2203e1c7b5e2af039f7759d6a21482f7437",
}


def simulator(system: str) -> CascadedTanks | Duffing:
    """The simulator (default, fitted parameters) behind a record name."""
    _check_name(system, "train")
    return CascadedTanks() if system == "cascaded_tanks" else Duffing()


@dataclass(frozen=True)
class Record:
    """One measured experiment: input u (T,) and output y (T,) in volts, sampled every ts seconds."""

    name: str
    u: np.ndarray
    y: np.ndarray
    ts: float
    n_skip: int          # samples skipped by the simulation-error score (initialisation window)
    units: dict[str, str] = field(default_factory=lambda: dict(UNITS))

    def __post_init__(self) -> None:
        """Its settings are checked here; its signals where they are used (``check_signal``: shape, NaN, empty), so
        that a record can carry bad data to the function that must refuse it."""
        if not isinstance(self.name, str):
            raise TypeError(f"name must be a str, got {type(self.name).__name__}")
        number("ts", self.ts, positive=True)
        integer("n_skip", self.n_skip, 0)

    @property
    def t(self) -> np.ndarray:
        """Sample times (T,) in seconds."""
        return np.arange(self.u.size) * self.ts

    def __len__(self) -> int:
        return int(self.u.size)


def _check_name(system: str, split: str) -> None:
    if system not in SYSTEMS:
        raise ValueError(f"system must be one of {SYSTEMS}, got {system!r}")
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}, got {split!r}")


def _check_dir(data_dir: str | Path | None) -> None:
    if data_dir is not None and not isinstance(data_dir, (str, os.PathLike)):
        raise TypeError(f"data_dir must be a folder path (str or Path) or None, got {type(data_dir).__name__}")


def csv_path(system: str, split: str, data_dir: str | Path | None = None) -> Path:
    """<data_dir>/<system>_<split>.csv (default: the course's data folder, nnlab.data.data_dir())."""
    _check_name(system, split)
    _check_dir(data_dir)
    return Path(data_dir if data_dir is not None else course_data_dir()) / f"{system}_{split}.csv"


def generate(system: str, split: str) -> Record:
    """Simulate one record from its spec (deterministic: seeded input and noise)."""
    _check_name(system, split)
    spec, sim = SPECS[(system, split)], simulator(system)
    u = multisine(spec.n, spec.harmonics, spec.u_std, spec.u_mean, spec.u_seed)
    y = add_noise(sim.simulate(u), spec.noise_std, spec.noise_seed)
    return Record(f"{system}_{split}", u, y, sim.ts, sim.n_skip)


def to_csv(record: Record, digits: int) -> bytes:
    """The CSV bytes of a record: header time_s,u_V,y_V then one row per sample, fixed decimals, LF endings."""
    if not isinstance(record, Record):
        raise TypeError(f"record must be a Record, got {type(record).__name__}")
    digits = integer("digits", digits, 0, 17)
    lines = [",".join(HEADER)]
    for t, u, y in zip(record.t.tolist(), record.u.tolist(), record.y.tolist()):
        lines.append(f"{t:.7f},{u:.{digits}f},{y:.{digits}f}")
    return ("\n".join(lines) + "\n").encode("ascii")


def write_all(data_dir: str | Path | None = None) -> dict[Path, str]:
    """Generate and write every record (default: into the course's data folder); return {path: SHA-256}."""
    _check_dir(data_dir)
    hashes = {}
    data_dir = Path(data_dir) if data_dir is not None else course_data_dir()
    data_dir.mkdir(parents=True, exist_ok=True)
    for system, split in SPECS:
        raw = to_csv(generate(system, split), SPECS[(system, split)].digits)
        path = csv_path(system, split, data_dir)
        path.write_bytes(raw)
        hashes[path] = hashlib.sha256(raw).hexdigest()
    return hashes


def load_record(system: str, split: str, data_dir: str | Path | None = None, check_sha256: bool = True) -> Record:
    """Load a shipped record, verified by size and SHA-256: u (T,), y (T,) float64 volts; T = 1024 (tanks) or
    4096 (duffing). Read through ``nnlab.data.read_verified``.

    Raises DataFileError (a ValueError) naming the path and the reason if the file is missing, altered or malformed.
    """
    _check_name(system, split)
    check_sha256 = flag("check_sha256", check_sha256)
    path, spec, sim = csv_path(system, split, data_dir), SPECS[(system, split)], simulator(system)
    rows = read_verified(path, SHA256[(system, split)] if check_sha256 else None, MAX_BYTES, rows=spec.n,
                         restore=RESTORE)
    if rows[0] != HEADER:
        raise DataFileError(f"{path}: header must be {','.join(HEADER)}, found {','.join(rows[0])}. {RESTORE}")
    if len(rows) < 2:
        raise DataFileError(f"{path}: no data rows. {RESTORE}")
    try:
        table = np.array(rows[1:], dtype=np.float64)
    except ValueError as exc:
        raise DataFileError(f"{path}: a row is not 3 numbers ({exc}). {RESTORE}") from None
    if table.ndim != 2 or table.shape[1] != 3:
        raise DataFileError(f"{path}: expected 3 columns per row, got shape {table.shape}. {RESTORE}")
    if not np.isfinite(table).all():
        raise DataFileError(f"{path}: contains NaN or infinite values. {RESTORE}")
    return Record(f"{system}_{split}", table[:, 1].copy(), table[:, 2].copy(), sim.ts, sim.n_skip)


# The real rig: the measured records of the Cascaded Tanks benchmark (Schoukens, Mattsson, Wigren & Noel, 2016).
RIG_FILE = "cascaded_tanks_benchmark.csv"
RIG_SHA256 = "f390312e1ab7919b53d13c184b49541fc89d7ac43ee7c314fbea8279e821483a"
RIG_HEADER = ["u_train_V", "u_test_V", "y_train_V", "y_test_V"]
RIG_ROWS, RIG_TS, RIG_SKIP = 1024, 4.0, 5
RIG_RESTORE = "Restore it with `git checkout -- data/cascaded_tanks_benchmark.csv` (provenance in data/README.md)."


def load_rig(split: str, data_dir: str | Path | None = None) -> Record:
    """A measured record of the real cascaded-tanks rig, verified by size and SHA-256: u (1024,), y (1024,) volts,
    ts = 4 s, n_skip = 5. ``split`` is "train" (the benchmark's estimation record) or "test" (validation).

    Raises DataFileError (a ValueError) naming the path and the reason if the file is missing, altered or malformed.
    """
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}, got {split!r}")
    _check_dir(data_dir)
    path = Path(data_dir if data_dir is not None else course_data_dir()) / RIG_FILE
    rows = read_verified(path, RIG_SHA256, MAX_BYTES, rows=RIG_ROWS, restore=RIG_RESTORE)
    if rows[0] != RIG_HEADER:
        raise DataFileError(f"{path}: header must be {','.join(RIG_HEADER)}, found {','.join(rows[0])}. {RIG_RESTORE}")
    try:
        table = np.array(rows[1:], dtype=np.float64)
    except ValueError as exc:
        raise DataFileError(f"{path}: a row is not 4 numbers ({exc}). {RIG_RESTORE}") from None
    if table.shape != (RIG_ROWS, 4) or not np.isfinite(table).all():
        raise DataFileError(f"{path}: expected {RIG_ROWS} rows of 4 finite numbers, got shape {table.shape}. "
                            f"{RIG_RESTORE}")
    col = 0 if split == "train" else 1
    return Record(f"cascaded_tanks_rig_{split}", table[:, col].copy(), table[:, col + 2].copy(), RIG_TS, RIG_SKIP)
