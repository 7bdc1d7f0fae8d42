"""`make robustness`: every named experiment of the course for every seed, and every claim checked on each.

Usage: python tools/robustness.py [--seeds "0 1 2 3 4"] [--jobs 2] [--only NAME[,NAME]] [--results PATH]

Prints, per claim, the metric per seed, the median, the worst seed and its margin; writes the results file the
notebooks' seed tables read (notebooks/results/robustness.json; a partial run with --only updates only its
experiments); exits 1 when any claim fails on any seed.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_S = 480.0     # 5 seeds of every experiment in at most 8 minutes on 2 cores


def _run_one(name: str, seed: int) -> tuple[str, int, dict[str, float], float]:
    """In a worker process: one experiment, one seed, one thread."""
    import torch

    from nnlab.experiments import robustness
    torch.set_num_threads(1)
    torch.set_deterministic_debug_mode("error")
    start = time.perf_counter()
    trial = robustness.get(name).trial(seed)
    return name, seed, trial.metrics, time.perf_counter() - start


def _fmt(x: float) -> str:
    return f"{x:.3g}" if abs(x) < 1e4 else f"{x:.3e}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default=os.environ.get("SEEDS") or "0 1 2 3 4")
    parser.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument("--only", default="", help="comma-separated experiment names (default: all)")
    parser.add_argument("--results", default=None, help="results file (default: notebooks/results/robustness.json)")
    args = parser.parse_args(argv)
    try:
        seeds = [int(s) for s in args.seeds.replace(",", " ").split()]
    except ValueError:
        parser.error(f"--seeds must be whole numbers separated by spaces, got {args.seeds!r}")
    if not seeds or min(seeds) < 0:
        parser.error(f"--seeds must name at least one seed >= 0, got {args.seeds!r}")
    if args.jobs < 1:
        parser.error(f"--jobs must be at least 1, got {args.jobs}")

    from nnlab.experiments import robustness
    experiments = robustness.registry()
    names = [n for n in args.only.split(",") if n] or list(experiments)
    unknown = [n for n in names if n not in experiments]
    if unknown:
        parser.error(f"unknown experiment(s) {', '.join(unknown)}; known: {', '.join(experiments)}")

    start = time.perf_counter()
    runs: dict[str, dict[int, dict]] = {n: {} for n in names}
    tasks = [(n, s) for n in names for s in seeds]
    if args.jobs == 1:                                   # in this process (what the tests use)
        results = [_run_one(n, s) for n, s in tasks]
    else:
        with ProcessPoolExecutor(max_workers=args.jobs, mp_context=get_context("spawn")) as pool:
            results = [fut.result() for fut in [pool.submit(_run_one, n, s) for n, s in tasks]]
    for name, seed, metrics, seconds in results:
        runs[name][seed] = {"metrics": metrics, "seconds": round(seconds, 2)}
    wall = time.perf_counter() - start

    failures = 0
    print(f"# make robustness: {len(names)} experiments x seeds {' '.join(map(str, seeds))} "
          f"({args.jobs} processes)\n")
    for name in names:
        exp = experiments[name]
        per_seed = {s: runs[name][s]["metrics"] for s in seeds}
        secs = sum(runs[name][s]["seconds"] for s in seeds)
        print(f"## {name} (notebook {exp.notebook}): {exp.about}  [{secs:.0f} s of work]")
        head = "".join(f"{'seed ' + str(s):>9s}" for s in seeds)
        print(f"   {'claim [metric, bound]; then its value per seed':40s}{head}{'median':>9s}{'worst':>9s}"
              f"{'margin':>9s}")
        for row in robustness.summarise(exp, per_seed):
            mark = "✓" if row["holds"] else "✗"
            failures += not row["holds"]
            values = "".join(f"{_fmt(row['values'][s]):>9s}" for s in seeds)
            unit = f" {row['unit']}" if row["unit"] else ""
            print(f" {mark} {row['statement']} [{row['left']} {row['bound']}{unit}]")
            print(f"   {'':40s}{values}{_fmt(row['median']):>9s}{_fmt(row['worst']):>9s}"
                  f"{_fmt(row['worst_margin']):>9s}" + ("" if row["holds"] else f"  FAILS on seed {row['worst_seed']}"))
        print()

    path = Path(args.results) if args.results else robustness.RESULTS
    data = {"experiments": {}}
    if path.is_file():
        try:
            data = robustness.load_results(path)
        except ValueError:
            pass
    fingerprints = data.setdefault("fingerprints", {})
    for name in names:
        data["experiments"][name] = {str(s): runs[name][s] for s in seeds}
        fingerprints[name] = experiments[name].fingerprint()
    data["experiments"] = {n: data["experiments"][n] for n in sorted(data["experiments"]) if n in experiments}
    data["fingerprints"] = {n: fingerprints[n] for n in data["experiments"] if n in fingerprints}
    data["machine"] = {"platform": platform.platform(), "processor": platform.processor() or platform.machine(),
                       "cpus": os.cpu_count(), "python": platform.python_version(),
                       "torch": __import__("torch").__version__}
    data["last_run"] = {"seeds": seeds, "experiments": names, "wall_s": round(wall, 1), "jobs": args.jobs}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")

    claims = sum(len(experiments[n].claims) for n in names)
    verdict = "all hold" if not failures else f"{failures} FAIL"
    shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    print(f"{claims} claims x {len(seeds)} seeds: {verdict}; wall time {wall:.0f} s "
          f"(target for 5 seeds: {TARGET_S:.0f} s); results in {shown}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
