"""bench/run.py reports the kernel's peak memory in megabytes on Linux (ru_maxrss in KB) and macOS (in bytes)."""
from __future__ import annotations

import contextlib
import importlib.util
import io
import resource
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

ROOT = Path(__file__).resolve().parents[1]


def bench_module():
    spec = importlib.util.spec_from_file_location("bench_run", ROOT / "bench" / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("platform, maxrss", [("linux", 300 * 1024), ("darwin", 300 * 1024 * 1024)])
def test_peak_cell_prints_megabytes_on_each_platform(monkeypatch, platform, maxrss):
    cell = bench_module().PEAK_CELL
    monkeypatch.setattr(sys, "platform", platform)
    monkeypatch.setattr(resource, "getrusage", lambda who: SimpleNamespace(ru_maxrss=maxrss))
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(cell, "<peak cell>", "exec"), {})   # the cell the benchmark appends to each notebook
    assert out.getvalue().split() == ["NNLAB_PEAK_MB", "300.0"]
