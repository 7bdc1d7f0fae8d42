"""Saving and loading a playground (``nnlab.experiments.playground.Playground``) as JSON, bit for bit.

``Saving`` is mixed into ``Playground``: ``to_json`` / ``from_json`` (the whole document checked before anything
is used, every error naming the field) and ``save`` / ``load`` (files of at most ``MAX_FILE_BYTES``). The class
it is mixed into names its settings class (``config_class``: ``nnlab.experiments.playground.Config``), the
largest batch size it accepts (``max_batch_size``) and ``record_every``. The field-by-field reading lives in
``playground_file``.

The file format (``FORMAT``), checked whole by ``from_json`` before anything is used, every error naming the field::

    {"format": "nnlab-playground/1",
     "config": {every setting of Config, by name; a missing one takes Config's default},
     "state": {"steps": int >= 0, "epoch_index": int >= 0, "pos": int in [0, training points],
               "diverged": null or the warning line,
               "history": {"step": [0, 5, 10, ...], "epoch": [...], "train": [...], "test": [...]},
               "weights": {parameter name: nested lists of the parameter's shape, finite numbers}}}

"state" is absent in a settings-only document (``to_json(weights=False)``). The four history lists have one
record at step 0 and one every ``record_every`` steps; a loss that is not finite is written as the string
"NaN", "Infinity" or "-Infinity" (so the file is plain JSON: no bare NaN) and read back as that float. A file
or document has at most ``MAX_FILE_BYTES``.
"""
from __future__ import annotations

import json
import os
from typing import TypeVar

import torch

from ..checks import flag
from .playground_file import (FORMAT, MAX_FILE_BYTES, encode_loss, json_kind, path_of, read_state,
                              read_weights)

P = TypeVar("P", bound="Saving")


class Saving:
    """Save and load (mixed into ``Playground``): the experiment's settings, seed and exact training state."""

    def to_json(self, weights: bool = True) -> str:
        """The experiment as JSON (the format in this module's docstring): every setting incl. the seed, and
        (weights=True) the exact training state. Plain JSON only: a loss that is not finite is written as a
        string; weights that are not finite (a diverged run) are refused, a ValueError (press reset first, or
        save the settings only); so is a document larger than MAX_FILE_BYTES (an hours-long history)."""
        weights = flag("weights", weights)
        doc: dict = {"format": FORMAT, "config": self.config.to_dict()}
        if weights:
            sd = self.model.state_dict()
            bad = [k for k, v in sd.items() if not bool(torch.isfinite(v).all())]
            if bad:
                raise ValueError(f"the network's weights {bad} are not finite (training diverged), so they cannot be "
                                 "saved: press reset first, or save the settings only (weights=False)")
            history = {k: [encode_loss(v) for v in values] for k, values in self.history.items()}
            doc["state"] = {"steps": self.steps, "epoch_index": self._epoch_index, "pos": self._pos,
                            "diverged": self.diverged, "history": history,
                            "weights": {k: v.tolist() for k, v in sd.items()}}
        text = json.dumps(doc, allow_nan=False)
        if len(text) > MAX_FILE_BYTES:
            raise ValueError(f"the experiment is {len(text):,} bytes as JSON; a playground file has at most "
                             f"{MAX_FILE_BYTES:,} (the loss history is long): press reset, or save the settings only "
                             "(weights=False)")
        return text

    @classmethod
    def from_json(cls: type[P], text: str) -> P:
        """Rebuild a Playground from to_json's output; continuing it gives bit-for-bit the same run.

        The whole document is checked first (its type and format tag, every field's type and range, the
        history's lengths against the steps, the weights' shapes and finiteness) into a new playground, returned
        only when all of it is right: TypeError for a field of the wrong kind, ValueError for a wrong value, each
        naming the field (e.g. ``state.pos``)."""
        if not isinstance(text, str):
            raise TypeError(f"text must be the JSON document as a str, got {type(text).__name__}")
        if len(text) > MAX_FILE_BYTES:
            raise ValueError(f"the document is {len(text):,} characters long; a playground file has at most "
                             f"{MAX_FILE_BYTES:,}")
        try:  # bare NaN / Infinity (written by older versions) are read as floats and then checked like any number
            doc = json.loads(text, parse_constant=float)
        except json.JSONDecodeError as exc:
            raise ValueError(f"the document is not valid JSON ({exc.msg} at line {exc.lineno}, column "
                             f"{exc.colno})") from None
        except RecursionError:
            raise ValueError("the document is not a playground file: its JSON is nested too deeply") from None
        if not isinstance(doc, dict):
            raise TypeError(f"the document must be a JSON object with format, config and state, got a JSON "
                            f"{json_kind(doc)}")
        if doc.get("format") != FORMAT:
            raise ValueError(f"format: expected {FORMAT!r}, got {doc.get('format')!r} (not a playground file, or "
                             "one of another version)")
        unknown = sorted(set(doc) - {"format", "config", "state"})
        if unknown:
            raise ValueError(f"unknown field(s) {unknown} in the document; a playground file has format, config "
                             "and state")
        if "config" not in doc:
            raise ValueError("config is missing: a playground file has every setting under config")
        if not isinstance(doc["config"], dict):
            raise TypeError(f"config must be a JSON object of settings, got a JSON {json_kind(doc['config'])}")
        try:
            config = cls.config_class.from_dict(doc["config"])
        except (TypeError, ValueError) as exc:
            raise (TypeError if isinstance(exc, TypeError) else ValueError)(f"config: {exc}") from None
        if "state" not in doc:
            return cls(config)
        steps, epoch_index, pos, diverged_line, history = read_state(doc["state"], config.n_train,
                                                                    cls.max_batch_size, cls.record_every)
        pg = cls(config)
        weights = read_weights(doc["state"]["weights"], pg.model.state_dict())
        pg.model.load_state_dict(weights)
        pg.steps, pg._epoch_index, pg._pos = steps, epoch_index, pos
        pg._perm = pg._permutation(epoch_index)
        pg.history, pg.diverged = history, diverged_line
        return pg

    def save(self, path: str | os.PathLike) -> None:
        """Write to_json() to a file (a TypeError/ValueError for a bad path or state, an OSError naming the path
        when it cannot be written; the document is made before the file is opened, so a refused one leaves an
        existing file as it was)."""
        target = path_of(path)
        text = self.to_json()
        if target.is_dir():
            raise IsADirectoryError(f"path {str(target)!r} is a folder: give a file name, e.g. "
                                    f"{str(target / 'experiment.json')!r}")
        if not target.parent.is_dir():
            raise FileNotFoundError(f"path {str(target)!r}: the folder {str(target.parent)!r} does not exist")
        try:
            with open(target, "w", encoding="utf-8") as f:
                f.write(text)
        except OSError as exc:
            raise type(exc)(f"path {str(target)!r} cannot be written: {exc.strerror or exc}") from None

    @classmethod
    def load(cls: type[P], path: str | os.PathLike) -> P:
        """Read a file written by save(): its size is checked before it is read (at most MAX_FILE_BYTES), then
        from_json checks all of it. A missing file or a folder is an OSError naming the path."""
        source = path_of(path)
        if source.is_dir():
            raise IsADirectoryError(f"path {str(source)!r} is a folder, not a playground file")
        try:
            size = source.stat().st_size
        except FileNotFoundError:
            raise FileNotFoundError(f"path {str(source)!r}: no such file") from None
        if size > MAX_FILE_BYTES:
            raise ValueError(f"{source}: {size:,} bytes; a playground file has at most {MAX_FILE_BYTES:,}")
        try:
            with open(source, "rb") as f:
                raw = f.read(MAX_FILE_BYTES + 1)
        except OSError as exc:
            raise type(exc)(f"path {str(source)!r} cannot be read: {exc.strerror or exc}") from None
        if len(raw) > MAX_FILE_BYTES:  # it grew after the size check
            raise ValueError(f"{source}: more than {MAX_FILE_BYTES:,} bytes; a playground file has at most that")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ValueError(f"{source}: not UTF-8 text ({exc.reason} at byte {exc.start}); a playground file is "
                             "JSON") from None
        return cls.from_json(text)

