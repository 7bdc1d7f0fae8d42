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


def test_micro_table_marks_targets_met_missed_and_absent(tmp_path, monkeypatch, capsys):
    bench = bench_module()
    (tmp_path / "bench").mkdir()
    (tmp_path / "bench" / "bench_fake.py").write_text(
        "def run():\n"
        "    return [{'name': 'fast', 'value': 1.0, 'unit': 'x', 'target': 2.0},\n"
        "            {'name': 'slow', 'value': 3.0, 'unit': 'x', 'target': 2.0},\n"
        "            {'name': 'many', 'value': 50.0, 'unit': '/s', 'target': 30, 'higher_is_better': True},\n"
        "            {'name': 'info', 'value': 7.0, 'unit': 'ms', 'target': None}]\n")
    monkeypatch.setattr(bench, "ROOT", tmp_path)
    bench.bench_micro()
    rows = {line.split()[0]: line.split() for line in capsys.readouterr().out.splitlines()[3:]}
    assert rows["fast"][-1] == "yes" and rows["slow"][-1] == "NO" and rows["many"][-1] == "yes"
    assert rows["info"][-1] == "7"          # no target: no verdict column


@pytest.mark.parametrize("path", sorted((ROOT / "bench").glob("bench_*.py")), ids=lambda p: p.stem)
def test_every_micro_benchmark_imports_and_has_run(path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)          # catches a benchmark left behind by a moved or renamed function
    assert callable(module.run)
