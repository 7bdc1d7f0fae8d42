"""The lessons-over-seeds machinery: claims, check, the seed table, the results file and `make robustness`."""
from __future__ import annotations

import importlib.util
import json
import math
from pathlib import Path

import pytest

from nnlab.experiments import robustness
from nnlab.experiments.robustness import Claim, Trial, experiment

ROOT = Path(__file__).resolve().parents[1]


@experiment("zz-toy", "99", "a toy experiment for the tests", [
    Claim("a is small", "a", "<", 0.5, unit="V"),
    Claim("a at most half of b", "a", "<=", "b", factor=0.5, unit="V"),
])
def _toy(seed: int) -> Trial:
    return Trial({"a": 0.1 * (seed + 1), "b": 1.0}, {"seed": seed})


def tool():
    spec = importlib.util.spec_from_file_location("robustness_tool", ROOT / "tools" / "robustness.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_claim_sides_margin_and_verdict():
    c = Claim("lstm halves arx", "lstm", "<=", "arx", factor=0.5, unit="V")
    assert c.sides({"lstm": 0.2, "arx": 0.6}) == (0.2, 0.3)
    assert c.margin({"lstm": 0.2, "arx": 0.6}) == pytest.approx(0.1)
    assert c.holds({"lstm": 0.2, "arx": 0.6}) and not c.holds({"lstm": 0.31, "arx": 0.6})
    assert Claim("x", "a", ">", 1).margin({"a": 3}) == 2
    assert not c.holds({"lstm": math.nan, "arx": 0.6}) and c.margin({"lstm": math.nan, "arx": 0.6}) == -math.inf
    assert c.detail({"lstm": 0.2, "arx": 0.6}) == "lstm ≈0.200 V <= 0.5 × arx = ≈0.300 V"


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(op="=="), ValueError, "op must be one of"),
    (dict(right=True), TypeError, "right must be a metric name or a number"),
    (dict(factor=0), ValueError, "factor must be a positive number"),
    (dict(factor=math.inf), ValueError, "factor must be a positive number"),
    (dict(statement=3), TypeError, "statement"),
])
def test_bad_claims_are_refused(kwargs, error, match):
    args = dict(statement="s", left="a", op="<", right=1.0) | kwargs
    with pytest.raises(error, match=match):
        Claim(**args)


def test_a_missing_metric_names_the_claim_and_the_metrics():
    with pytest.raises(KeyError, match="needs metric 'b'.*\\['a'\\]"):
        Claim("s", "a", "<", "b").holds({"a": 1.0})


def test_check_prints_one_verdict_per_claim_and_fails_loudly(capsys):
    trial = robustness.check("zz-toy", seed=0)
    assert trial.details == {"seed": 0}
    assert capsys.readouterr().out.splitlines() == [
        "✓ a is small: a ≈0.100 V < 0.5 = ≈0.500 V", "✓ a at most half of b: a ≈0.100 V <= 0.5 × b = ≈0.500 V"]
    with pytest.raises(AssertionError, match="claim does not hold: a is small"):
        robustness.check("zz-toy", seed=5)
    with pytest.raises(KeyError, match="no experiment named 'nope'"):
        robustness.check("nope")


def test_registering_twice_and_empty_claims_are_refused():
    with pytest.raises(TypeError, match="non-empty list of Claim"):
        experiment("zz-empty", "99", "x", [])
    with pytest.raises(ValueError, match="defined twice"):
        experiment("zz-toy", "99", "x", [Claim("s", "a", "<", 1)])(lambda seed: {"a": 0})


def test_summary_gives_median_worst_seed_and_margin():
    rows = robustness.summarise(robustness.get("zz-toy"), {s: _toy(s).metrics for s in range(5)})
    assert rows[0]["median"] == pytest.approx(0.3) and rows[0]["worst_seed"] == 4
    assert rows[0]["worst_margin"] == pytest.approx(0.0) and not rows[0]["holds"]   # 0.5 < 0.5 fails
    assert rows[1]["holds"] and rows[1]["worst_margin"] == pytest.approx(0.0)


def test_the_tool_runs_seeds_prints_the_table_writes_results_and_fails_on_a_failing_seed(tmp_path, capsys):
    results = tmp_path / "r.json"
    assert tool().main(["--jobs", "1", "--only", "zz-toy", "--seeds", "0 1 2", "--results", str(results)]) == 0
    out = capsys.readouterr().out
    assert "## zz-toy (notebook 99)" in out and "✓ a is small" in out and "all hold" in out
    data = json.loads(results.read_text())
    assert data["experiments"]["zz-toy"]["2"]["metrics"] == {"a": pytest.approx(0.3), "b": 1.0}
    table = robustness.seed_table("zz-toy", ["a"], path=results)
    assert table.splitlines()[1:] == ["seed             a", "0           ≈0.100", "1           ≈0.200",
                                      "2           ≈0.300", "median      ≈0.200", "✓ a is small: on 3/3 seeds",
                                      "✓ a at most half of b: on 3/3 seeds"]
    assert tool().main(["--jobs", "1", "--only", "zz-toy", "--seeds", "3 4", "--results", str(results)]) == 1
    assert "FAILS on seed 4" in capsys.readouterr().out


def test_a_table_from_results_older_than_the_code_is_refused(tmp_path):
    results = tmp_path / "r.json"
    assert tool().main(["--jobs", "1", "--only", "zz-toy", "--seeds", "0", "--results", str(results)]) == 0
    data = json.loads(results.read_text())
    assert data["fingerprints"]["zz-toy"] == robustness.get("zz-toy").fingerprint()
    data["fingerprints"]["zz-toy"] = "0" * 16                   # as if the lessons module changed since
    results.write_text(json.dumps(data))
    with pytest.raises(ValueError, match="another version of .*rerun `make robustness ONLY=zz-toy`"):
        robustness.seed_table("zz-toy", path=results)


@pytest.mark.parametrize("argv, match", [
    (["--seeds", "a b"], "whole numbers"), (["--seeds", "-1"], "at least one seed >= 0"),
    (["--jobs", "0"], "at least 1"), (["--only", "nope"], "unknown experiment"),
])
def test_the_tool_refuses_bad_arguments(argv, match, capsys):
    with pytest.raises(SystemExit):
        tool().main(argv)
    assert match in capsys.readouterr().err


def test_a_malformed_results_file_is_refused_with_its_path(tmp_path):
    bad = tmp_path / "r.json"
    bad.write_text("{not json")
    with pytest.raises(ValueError, match=f"{bad}: not a robustness results file"):
        robustness.load_results(bad)
    bad.write_text("[1, 2]")
    with pytest.raises(ValueError, match="no 'experiments' table"):
        robustness.load_results(bad)
    with pytest.raises(FileNotFoundError, match="run `make robustness`"):
        robustness.load_results(tmp_path / "missing.json")


def course_experiments():
    return {n: e for n, e in robustness.registry().items() if not n.startswith("zz-")}


def test_the_committed_results_cover_every_experiment_on_seeds_0_to_4_and_every_claim_holds():
    data = robustness.load_results()
    for name, exp in course_experiments().items():
        runs = data["experiments"].get(name)
        assert runs is not None, f"{name}: not in {robustness.RESULTS.name}; run `make robustness`"
        assert sorted(map(int, runs)) == [0, 1, 2, 3, 4], f"{name}: seeds {sorted(runs)}"
        assert robustness.stale(data, name) is None, robustness.stale(data, name)
        for row in robustness.summarise(exp, {int(s): r["metrics"] for s, r in runs.items()}):
            assert row["holds"], f"{name}: {row['statement']} fails on seed {row['worst_seed']}"


def test_every_experiment_is_run_live_by_its_notebook():
    sources = {p.name[:2]: p.read_text(encoding="utf-8") for p in (ROOT / "notebooks").glob("*.ipynb")}
    for name, exp in course_experiments().items():
        assert f'check(\\"{name}\\"' in sources.get(exp.notebook, ""), f"notebook {exp.notebook} never checks {name}"
