"""The real-estate data set (Saratoga County houses, 2006), verified by SHA-256."""
from __future__ import annotations

import csv
import hashlib
import io
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .checks import integer, number, string

# The course's data/ folder sits beside lib/ in the checkout (the editable install); an installed copy of
# nnlab finds it through the NNLAB_DATA environment variable.
SOURCE_DATA_DIR = Path(__file__).resolve().parents[2] / "data"
HOUSES_FILE = "saratoga_houses.csv"
HOUSES_SHA256 = "40e219b1cb6d03a95c2042b0bf425b3bd5f4382a0d729da19673fc2fa92c00f6"
HOUSES_ROWS = 1728
HOUSES_MAX_BYTES = 1_000_000       # the file is 133,639 bytes
NUMERIC_COLUMNS = ("price", "lotSize", "age", "landValue", "livingArea", "pctCollege",
                   "bedrooms", "fireplaces", "bathrooms", "rooms")
DEFAULT_FEATURES = ("livingArea", "bedrooms", "bathrooms", "age")


class DataFileError(ValueError):
    """A data file is missing, truncated, altered or malformed."""


def data_dir() -> Path:
    """The course's data folder: $NNLAB_DATA when set, else data/ beside lib/ in the course's checkout."""
    given = os.environ.get("NNLAB_DATA")
    folder = Path(given).expanduser() if given else SOURCE_DATA_DIR
    if not folder.is_dir():
        where = f"NNLAB_DATA={given!r}" if given else f"{folder} (beside lib/ in the course's checkout)"
        raise DataFileError(f"the course's data folder was not found at {where}: set NNLAB_DATA to the "
                            "data/ folder of the course (it ships with the repository)")
    return folder


@dataclass(frozen=True)
class Houses:
    """Features and target (price in k$) with a fixed train/test split; arrays are float64."""

    features: tuple[str, ...]
    x_train: np.ndarray  # (n_train, n_features)
    y_train: np.ndarray  # (n_train,)  price in thousands of USD
    x_test: np.ndarray   # (n_test, n_features)
    y_test: np.ndarray   # (n_test,)


RESTORE = "Restore it with `git checkout -- data/`."


def _path(name: str, path: object) -> Path:
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"{name} must be a file path (str or pathlib.Path), got {path!r} ({type(path).__name__})")
    return Path(path)


def _sha256(sha256: object) -> str | None:
    if sha256 is None:
        return None
    if not isinstance(sha256, str):
        raise TypeError(f"sha256 must be a hex digest (str) or None, got {sha256!r} ({type(sha256).__name__})")
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256.lower()):
        raise ValueError(f"sha256 must be 64 hexadecimal digits or None, got {sha256!r}")
    return sha256.lower()


def read_verified(path: str | Path, sha256: str | None, max_bytes: int, rows: int | None = None,
                  restore: str = RESTORE) -> list[list[str]]:
    """The rows of a CSV file, read only after its size and then its SHA-256 check out (None skips the hash).

    The one reader of the course's data files: size first (a huge file is refused before it is read; at most
    ``max_bytes`` + 1 bytes are ever read, so a file that grows meanwhile is refused too), the hash before any
    parsing, and every failure a DataFileError with the path, the reason and how to restore it.
    ``rows``, the expected number of data rows, tells a truncated file from an altered one.
    """
    path = _path("path", path)
    sha256 = _sha256(sha256)
    max_bytes = integer("max_bytes", max_bytes, 1)
    if rows is not None:
        rows = integer("rows", rows, 0)
    string("restore", restore)
    if path.is_dir():
        raise DataFileError(f"{path}: is a directory, not a data file. {restore}")
    if not path.is_file():
        raise DataFileError(f"{path}: file not found. It ships with the course in data/; {restore}")
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise DataFileError(f"{path}: {size:,} bytes, more than the {max_bytes:,} this file can have. {restore}")
        with path.open("rb") as f:
            raw = f.read(max_bytes + 1)
    except OSError as exc:
        raise DataFileError(f"{path}: cannot be read ({exc.strerror or exc}). {restore}") from None
    if len(raw) > max_bytes:
        raise DataFileError(f"{path}: more than the {max_bytes:,} bytes this file can have. {restore}")
    if not raw:
        raise DataFileError(f"{path}: the file is empty. {restore}")
    digest = hashlib.sha256(raw).hexdigest() if sha256 is not None else None
    if digest is not None and digest != sha256:
        found = max(raw.count(b"\n") - 1, 0)     # data rows below the header, counted without parsing
        reason = ("its content was altered" if rows is None or found == rows
                  else f"it has {found} data rows, expected {rows} ({'truncated' if found < rows else 'rows added'}?)")
        raise DataFileError(f"{path}: SHA-256 is {digest}, expected {sha256}: {reason}. {restore}")
    if b"\x00" in raw:
        raise DataFileError(f"{path}: not a CSV file (binary data: a NUL byte at byte {raw.index(0)}). {restore}")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DataFileError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start}). {restore}") from None
    try:
        table = [row for row in csv.reader(io.StringIO(text)) if row]
    except csv.Error as exc:
        raise DataFileError(f"{path}: not a CSV file ({exc}). {restore}") from None
    if not table:
        raise DataFileError(f"{path}: the file is empty. {restore}")
    return table


def read_table(path: str | Path | None = None, sha256: str | None = HOUSES_SHA256) -> dict[str, np.ndarray]:
    """The houses CSV (default: data_dir()/saratoga_houses.csv), verified: {column: array of 1,728 values}.

    Every numeric column must hold finite numbers (a 'nan' or 'inf' in the file is refused, with its line).
    """
    path = _path("path", path) if path is not None else data_dir() / HOUSES_FILE
    table_rows = read_verified(path, sha256, max_bytes=HOUSES_MAX_BYTES, rows=HOUSES_ROWS)
    header, body = table_rows[0], table_rows[1:]
    twice = sorted({c for c in header if header.count(c) > 1})
    if twice:
        raise DataFileError(f"{path}: header names column(s) {twice} twice; found {header}. {RESTORE}")
    missing = [c for c in NUMERIC_COLUMNS if c not in header]
    if missing:
        raise DataFileError(f"{path}: header lacks column(s) {missing}; found {header}. {RESTORE}")
    if not body:
        raise DataFileError(f"{path}: a header and no data rows. {RESTORE}")
    columns: dict[str, list[str]] = {name: [] for name in header}
    for lineno, row in enumerate(body, start=2):
        if len(row) != len(header):
            raise DataFileError(f"{path}, line {lineno}: {len(row)} fields, expected {len(header)}")
        for name, value in zip(header, row):
            columns[name].append(value)
    table: dict[str, np.ndarray] = {}
    for name, values in columns.items():
        if name in NUMERIC_COLUMNS:
            try:
                table[name] = np.array(values, dtype=np.float64)
            except ValueError as exc:
                raise DataFileError(f"{path}: column {name!r} is not numeric ({exc})") from None
            bad = np.flatnonzero(~np.isfinite(table[name]))
            if bad.size:
                raise DataFileError(f"{path}: column {name!r} holds {values[bad[0]]!r} on line {bad[0] + 2}: "
                                    f"every value must be a finite number. {RESTORE}")
        else:
            table[name] = np.array(values)
    return table


def load_houses(features: tuple[str, ...] | list[str] = DEFAULT_FEATURES, test_fraction: float = 0.2,
                seed: int = 0, path: str | Path | None = None,
                sha256: str | None = HOUSES_SHA256) -> Houses:
    """Verified houses data: x (N, len(features)) and price y (N,) in k$, split by a fixed random permutation.

    The split depends only on ``seed`` (its own generator), not on the global seed,
    so every notebook sees the same 1,382 training and 346 test houses.
    """
    if isinstance(features, (str, bytes)) or not isinstance(features, (tuple, list)):
        raise TypeError(f"features must be a tuple or list of column names, got {features!r} "
                        f"({type(features).__name__})")
    features = tuple(features)
    test_fraction = number("test_fraction", test_fraction)
    if not 0.0 < test_fraction < 1.0:
        raise ValueError(f"test_fraction must lie in (0, 1), got {test_fraction}")
    seed = integer("seed", seed, 0)
    unknown = [f for f in features if not isinstance(f, str) or f not in NUMERIC_COLUMNS or f == "price"]
    if unknown or not features:
        raise ValueError(f"features must be a non-empty subset of {NUMERIC_COLUMNS[1:]}, got {features}")
    if len(set(features)) != len(features):
        raise ValueError(f"features must name each column once, got {features}")
    table = read_table(path, sha256)
    x = np.stack([table[f] for f in features], axis=1)
    y = table["price"] / 1000.0
    n_test = int(round(test_fraction * len(y)))
    if not 1 <= n_test <= len(y) - 1:
        raise ValueError(f"test_fraction = {test_fraction:g} puts {n_test} of the {len(y):,} houses in the test "
                         "split: both splits need at least one house")
    order = np.random.default_rng(seed).permutation(len(y))
    test, train = order[:n_test], order[n_test:]
    return Houses(features, x[train], y[train], x[test], y[test])
