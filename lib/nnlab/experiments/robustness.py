"""Lessons that hold on every seed: named experiments ``run(seed) -> metrics`` and the claims made about them.

A comparison the prose makes about trained models ("the LSTM halves the ARX error") is defined once, here:

- an **experiment** is a function ``run(seed) -> Trial`` (its ``metrics``: name -> float; its ``details``:
  models, curves, anything a notebook wants to draw), registered under a name with ``@experiment``;
- a **claim** is a predicate on those metrics with its margin: ``Claim("...", "lstm", "<=", "arx", factor=0.5)``
  reads *lstm <= 0.5 x arx*; its margin is how far inside the bound the left side is (in the left side's unit).

A notebook runs seed 0 live and asserts the claims (``check(name)`` prints one ``✓`` verdict per claim).
``make robustness SEEDS="0 1 2 3 4"`` (``tools/robustness.py``) runs every experiment for every seed, prints per
claim the metric per seed, the median, the worst case and the margin, writes ``RESULTS`` (which the notebooks'
seed tables read) and fails when a claim fails on any seed. Experiments live in ``nnlab.experiments.lessons_*``
modules, one per topic; ``registry()`` imports them all.
"""
from __future__ import annotations

import hashlib
import importlib
import inspect
import json
import math
import pkgutil
import statistics
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..checks import integer, string
from ..report import approx, claim

__all__ = ["Claim", "Trial", "Experiment", "experiment", "registry", "get", "check", "RESULTS", "load_results",
           "seed_table", "summarise", "stale"]

RESULTS = Path(__file__).resolve().parents[3] / "notebooks" / "results" / "robustness.json"
OPS: dict[str, Callable[[float, float], bool]] = {"<": lambda a, b: a < b, "<=": lambda a, b: a <= b,
                                                  ">": lambda a, b: a > b, ">=": lambda a, b: a >= b}


@dataclass(frozen=True)
class Claim:
    """``left op factor * right`` on an experiment's metrics; left/right name a metric, right may be a number."""

    statement: str
    left: str
    op: str
    right: str | float
    factor: float = 1.0
    unit: str = ""

    def __post_init__(self) -> None:
        string("statement", self.statement)
        string("left", self.left)
        if self.op not in OPS:
            raise ValueError(f"op must be one of {tuple(OPS)}, got {self.op!r}")
        if not isinstance(self.right, (str, int, float)) or isinstance(self.right, bool):
            raise TypeError(f"right must be a metric name or a number, got {type(self.right).__name__}")
        if not (isinstance(self.factor, (int, float)) and math.isfinite(self.factor) and self.factor > 0):
            raise ValueError(f"factor must be a positive number, got {self.factor!r}")

    def _metric(self, metrics: Mapping[str, float], key: str) -> float:
        if key not in metrics:
            raise KeyError(f"claim {self.statement!r} needs metric {key!r}; the experiment gave {sorted(metrics)}")
        return float(metrics[key])

    def sides(self, metrics: Mapping[str, float]) -> tuple[float, float]:
        """(left value, bound = factor x right value)."""
        right = self._metric(metrics, self.right) if isinstance(self.right, str) else float(self.right)
        return self._metric(metrics, self.left), self.factor * right

    def margin(self, metrics: Mapping[str, float]) -> float:
        """How far inside its bound the left side is (negative: the claim fails; NaN counts as failing)."""
        left, bound = self.sides(metrics)
        gap = bound - left if self.op in ("<", "<=") else left - bound
        return gap if math.isfinite(gap) else -math.inf

    def holds(self, metrics: Mapping[str, float]) -> bool:
        left, bound = self.sides(metrics)
        return bool(math.isfinite(left) and math.isfinite(bound) and OPS[self.op](left, bound))

    def bound_text(self) -> str:
        """The right side as words: '0.5 × arx', 'constant', '0.4'."""
        right = self.right if isinstance(self.right, str) else f"{self.right:g}"
        return right if self.factor == 1 else f"{self.factor:g} × {right}"

    def detail(self, metrics: Mapping[str, float]) -> str:
        left, bound = self.sides(metrics)
        unit = f" {self.unit}" if self.unit else ""
        return f"{self.left} {approx(left)}{unit} {self.op} {self.bound_text()} = {approx(bound)}{unit}"


@dataclass
class Trial:
    """One run of an experiment: metrics (name -> float, what the claims read) and details (anything else)."""

    metrics: dict[str, float]
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Experiment:
    """A named experiment: which notebook shows it, what it measures, ``run(seed) -> Trial`` and its claims."""

    name: str
    notebook: str
    about: str
    run: Callable[[int], Trial]
    claims: tuple[Claim, ...]

    def fingerprint(self) -> str:
        """SHA-256 (first 16 hex digits) of the source of the lessons module that defines it: the results file
        records it, so a table printed from results older than the code is refused."""
        source = inspect.getsource(sys.modules[self.run.__module__])
        return hashlib.sha256(source.encode("utf-8")).hexdigest()[:16]

    def trial(self, seed: int = 0) -> Trial:
        """Run for one seed (the metrics as floats)."""
        seed = integer("seed", seed, 0)
        out = self.run(seed)
        if isinstance(out, Mapping):
            out = Trial(dict(out))
        if not isinstance(out, Trial):
            raise TypeError(f"experiment {self.name!r}: run(seed) must return a Trial or a dict of metrics, "
                            f"got {type(out).__name__}")
        out.metrics = {k: float(v) for k, v in out.metrics.items()}
        return out


_REGISTRY: dict[str, Experiment] = {}


def experiment(name: str, notebook: str, about: str, claims: list[Claim] | tuple[Claim, ...]):
    """Decorator: register ``run(seed) -> Trial`` as the experiment ``name`` with its claims."""
    string("name", name)
    claims = tuple(claims)
    if not claims or not all(isinstance(c, Claim) for c in claims):
        raise TypeError(f"experiment {name!r}: claims must be a non-empty list of Claim")

    def register(run: Callable[[int], Trial]) -> Callable[[int], Trial]:
        if name in _REGISTRY and _REGISTRY[name].run.__qualname__ != run.__qualname__:
            raise ValueError(f"experiment {name!r} is defined twice")
        _REGISTRY[name] = Experiment(name, notebook, about, run, claims)
        return run
    return register


def _import_all() -> dict[str, Exception]:
    """Import each nnlab.experiments.lessons_* module; return {module: error} for those that failed."""
    from .. import experiments
    errors = {}
    for info in pkgutil.iter_modules(experiments.__path__):
        if info.name.startswith("lessons_"):
            try:
                importlib.import_module(f"{experiments.__name__}.{info.name}")
            except Exception as exc:          # reported by registry(), or by get() when the name is missing
                errors[info.name] = exc
    return errors


def _sorted() -> dict[str, Experiment]:
    return dict(sorted(_REGISTRY.items(), key=lambda kv: (kv[1].notebook, kv[0])))


def registry() -> dict[str, Experiment]:
    """Every experiment of the course (imports each nnlab.experiments.lessons_* module), by name."""
    errors = _import_all()
    if errors:
        module, exc = next(iter(errors.items()))
        raise ImportError(f"nnlab.experiments.{module} cannot be imported: {type(exc).__name__}: {exc}") from exc
    return _sorted()


def get(name: str) -> Experiment:
    """One experiment by name (a broken lessons module elsewhere does not stop it; it is named if ``name`` is
    missing)."""
    errors = _import_all()
    if name not in _REGISTRY:
        broken = "".join(f"; nnlab.experiments.{m} failed to import ({type(e).__name__}: {e})"
                         for m, e in errors.items())
        raise KeyError(f"no experiment named {name!r}; known: {', '.join(_sorted())}{broken}")
    return _REGISTRY[name]


def check(name: str, seed: int = 0) -> Trial:
    """Run an experiment for one seed and assert each of its claims, printing one '✓ statement: detail' each."""
    exp = get(name)
    trial = exp.trial(seed)
    for c in exp.claims:
        claim(c.statement, c.holds(trial.metrics), c.detail(trial.metrics))
    return trial


def summarise(exp: Experiment, per_seed: Mapping[int, Mapping[str, float]]) -> list[dict[str, Any]]:
    """Per claim: left value and margin per seed, the median, the worst seed, and whether it holds on all."""
    rows = []
    for c in exp.claims:
        seeds = sorted(per_seed)
        lefts = {s: c.sides(per_seed[s])[0] for s in seeds}
        margins = {s: c.margin(per_seed[s]) for s in seeds}
        worst = min(seeds, key=lambda s: margins[s])
        rows.append({"statement": c.statement, "left": c.left, "bound": f"{c.op} {c.bound_text()}",
                     "unit": c.unit, "values": lefts, "margins": margins,
                     "median": statistics.median(lefts.values()), "worst_seed": worst,
                     "worst": lefts[worst], "worst_margin": margins[worst],
                     "holds": all(c.holds(per_seed[s]) for s in seeds)})
    return rows


def load_results(path: str | Path | None = None) -> dict[str, Any]:
    """The results file ``make robustness`` writes (JSON; never code or pickles)."""
    path = Path(path) if path is not None else RESULTS
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no robustness results yet; run `make robustness`")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"{path}: not a robustness results file ({exc}); rerun `make robustness`") from None
    if not isinstance(data, dict) or not isinstance(data.get("experiments"), dict):
        raise ValueError(f"{path}: not a robustness results file (no 'experiments' table); rerun `make robustness`")
    return data


def _per_seed(data: Mapping[str, Any], name: str) -> dict[int, dict[str, float]]:
    runs = data["experiments"].get(name)
    if not runs:
        raise KeyError(f"{RESULTS.name} has no results for {name!r}; run `make robustness ONLY={name}`")
    return {int(seed): run["metrics"] for seed, run in runs.items()}


def stale(data: Mapping[str, Any], name: str) -> str | None:
    """Why the results of ``name`` in ``data`` are older than its code (None when they are current)."""
    exp = get(name)
    recorded = data.get("fingerprints", {}).get(name)
    if recorded == exp.fingerprint():
        return None
    module = exp.run.__module__
    same = ",".join(n for n, e in _sorted().items() if e.run.__module__ == module)
    return (f"the results of {name!r} were made by another version of {module} (fingerprint {recorded} vs "
            f"{exp.fingerprint()}): rerun `make robustness ONLY={same}`")


def seed_table(name: str, metrics: list[str] | None = None, path: str | Path | None = None) -> str:
    """The seed table of one experiment from the results file: one row per seed, median and worst claim margins."""
    exp, data = get(name), load_results(path)
    per_seed = _per_seed(data, name)
    why = stale(data, name)
    if why:
        raise ValueError(f"{path or RESULTS}: {why}")
    keys = metrics if metrics is not None else sorted({k for m in per_seed.values() for k in m})
    width = max(12, *(len(k) + 2 for k in keys))
    lines = [f"{name}: {exp.about} (from make robustness, {len(per_seed)} seeds)",
             "seed  " + "".join(f"{k:>{width}s}" for k in keys)]
    for seed, m in sorted(per_seed.items()):
        lines.append(f"{seed:<6d}" + "".join(f"{approx(m[k]) if k in m else '-':>{width}s}" for k in keys))
    lines.append("median" + "".join(
        f"{approx(statistics.median(m[k] for m in per_seed.values() if k in m)):>{width}s}" for k in keys))
    for row in summarise(exp, per_seed):
        mark = "✓" if row["holds"] else "✗"
        lines.append(f"{mark} {row['statement']}: on {len(per_seed)}/{len(per_seed)} seeds" if row["holds"] else
                     f"{mark} {row['statement']}: fails on seed {row['worst_seed']}")
    return "\n".join(lines)
