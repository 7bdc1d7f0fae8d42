"""The playground's file format (``FORMAT``): reading and checking a saved experiment, field by field.

Used by ``nnlab.experiments.playground_save`` (``Playground.to_json`` / ``from_json`` / ``save`` / ``load``),
whose docstring shows the document. Every error names the field (e.g. ``state.pos``): TypeError for a field of the
wrong kind, ValueError for a wrong value.
"""
from __future__ import annotations

import math
import os
from pathlib import Path

import numpy as np
import torch

from ..checks import integer

FORMAT = "nnlab-playground/1"
MAX_FILE_BYTES = 64 * 2**20  # a saved experiment at most (~5 million steps of history); larger ones are refused unread
STATE_FIELDS = ("steps", "epoch_index", "pos", "diverged", "history", "weights")
HISTORY_FIELDS = ("step", "epoch", "train", "test")
NON_FINITE = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}  # how the file writes such losses


def path_of(path) -> Path:
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a file name (str or path), got {path!r} ({type(path).__name__})")
    if not str(path).strip():
        raise ValueError("path is empty: give a file name, e.g. 'experiment.json'")
    return Path(path)


def json_kind(value) -> str:
    return {dict: "object", list: "array", str: "string", bool: "boolean", type(None): "null"}.get(
        type(value), "number")


def encode_loss(value: float) -> float | str:
    """A history value for the file: the number, or "NaN" / "Infinity" / "-Infinity" (JSON has no such numbers)."""
    if math.isfinite(value):
        return value
    return "NaN" if math.isnan(value) else "Infinity" if value > 0 else "-Infinity"


def numbers(name: str, values, tokens: bool = False) -> list[float]:
    """A JSON list of numbers (not booleans) as floats; with tokens, "NaN"/"Infinity"/"-Infinity" too."""
    if not isinstance(values, list):
        raise TypeError(f"{name} must be a list of numbers, got a JSON {json_kind(values)}")
    if all(type(v) in (int, float) for v in values):  # the common case, checked at once
        return [float(v) for v in values]
    out = []
    for i, v in enumerate(values):
        if tokens and isinstance(v, str) and v in NON_FINITE:
            out.append(NON_FINITE[v])
        elif isinstance(v, bool) or not isinstance(v, (int, float)):
            raise TypeError(f"{name}[{i}] must be a number{' or one of ' + ', '.join(NON_FINITE) if tokens else ''}, "
                            f"got {v!r} (a JSON {json_kind(v)})")
        else:
            out.append(float(v))
    return out


def read_state(state, n_train: int, max_batch: int, record_every: int) -> tuple[int, int, int, str | None, dict]:
    """The document's state checked against its config (its training-set size and largest batch):
    (steps, epoch_index, pos, diverged, history)."""
    if not isinstance(state, dict):
        raise TypeError(f"state must be a JSON object with {', '.join(STATE_FIELDS)}, got a JSON {json_kind(state)}")
    unknown = sorted(set(state) - set(STATE_FIELDS))
    if unknown:
        raise ValueError(f"unknown field(s) {unknown} in state; a saved state has {', '.join(STATE_FIELDS)}")
    missing = [f"state.{k}" for k in STATE_FIELDS if k not in state]
    if missing:
        raise ValueError(f"{', '.join(missing)} missing: a saved state has {', '.join(STATE_FIELDS)}")
    steps = integer("state.steps", state["steps"], 0)
    epoch_index = integer("state.epoch_index", state["epoch_index"], 0)
    pos = integer("state.pos", state["pos"], 0, n_train)
    used, most = epoch_index * n_train + pos, max_batch
    if not steps <= used <= most * steps:
        raise ValueError(f"state.steps = {steps} does not fit state.epoch_index = {epoch_index} and state.pos = {pos}: "
                         f"those make {used} training points used ({n_train} per epoch), and each step uses 1 to "
                         f"{most}")
    diverged_line = state["diverged"]
    if diverged_line is not None and not isinstance(diverged_line, str):
        raise TypeError(f"state.diverged must be null or the warning line (a string), got a JSON "
                        f"{json_kind(diverged_line)}")
    h = state["history"]
    if not isinstance(h, dict):
        raise TypeError(f"state.history must be a JSON object of lists {', '.join(HISTORY_FIELDS)}, got a JSON "
                        f"{json_kind(h)}")
    if sorted(h) != sorted(HISTORY_FIELDS):
        raise ValueError(f"state.history must have exactly the lists {', '.join(HISTORY_FIELDS)}, got {sorted(h)}")
    history = {k: numbers(f"state.history.{k}", h[k], tokens=k in ("train", "test")) for k in HISTORY_FIELDS}
    lengths = {k: len(v) for k, v in history.items()}
    if len(set(lengths.values())) != 1:
        raise ValueError(f"state.history's lists must have equal lengths, got {lengths}")
    records = steps // record_every + 1
    if lengths["step"] != records:
        raise ValueError(f"state.history has {lengths['step']:,} records, but state.steps = {steps} makes {records:,} "
                         f"(one at step 0 and one every {record_every} steps)")
    for i, v in enumerate(history["step"]):
        if v != i * record_every:
            raise ValueError(f"state.history.step must be 0, {record_every}, {2 * record_every}, ...: got {v:g} at "
                             f"position {i}")
    epochs = np.array(history["epoch"])
    if not np.isfinite(epochs).all():
        i = int(np.flatnonzero(~np.isfinite(epochs))[0])
        raise ValueError(f"state.history.epoch must hold finite numbers, got {epochs[i]} at position {i}")
    if (epochs < 0).any() or (np.diff(epochs) < 0).any():
        raise ValueError("state.history.epoch must be non-negative and never decrease")
    for k in ("train", "test"):
        losses = np.array(history[k])
        if (losses < 0).any():  # NaN compares False: a NaN loss is kept (a blow-up), a negative one is impossible
            raise ValueError(f"state.history.{k} holds a negative loss ({losses[losses < 0][0]:g}); a loss is >= 0")
        if not math.isfinite(losses[0]):
            raise ValueError(f"state.history.{k}[0], the loss at step 0, must be finite, got {losses[0]}")
    return steps, epoch_index, pos, diverged_line, history


def read_weights(weights, expected: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """The document's weights as tensors of the model's parameters (names, shapes, dtypes), all finite."""
    if not isinstance(weights, dict):
        raise TypeError(f"state.weights must be a JSON object of parameters by name, got a JSON {json_kind(weights)}")
    missing, extra = [k for k in expected if k not in weights], sorted(k for k in weights if k not in expected)
    if missing or extra:
        raise ValueError(f"state.weights must hold exactly the parameters {list(expected)} of the configured network; "
                         f"missing {missing}, unexpected {extra}")
    loaded = {}
    for k, t in expected.items():
        name = f"state.weights[{k!r}]"
        try:
            arr = np.asarray(weights[k])
        except (ValueError, OverflowError):
            raise ValueError(f"{name} is not an array of numbers of shape {tuple(t.shape)} (rows of different "
                             "lengths?)") from None
        if arr.dtype.kind not in "iuf":
            got = {"b": "booleans", "U": "strings"}.get(arr.dtype.kind, "values that are not numbers")
            raise TypeError(f"{name} must hold numbers, got {got}")
        if arr.shape != tuple(t.shape):
            raise ValueError(f"{name} must have shape {tuple(t.shape)}, got {arr.shape}")
        if not np.isfinite(arr).all():
            raise ValueError(f"{name} holds NaN or infinite values; the weights of a saved network are finite")
        loaded[k] = torch.tensor(arr, dtype=t.dtype)
    return loaded
