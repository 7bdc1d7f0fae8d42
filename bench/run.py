"""`make bench`: notebook execution time and kernel peak memory against a bare-kernel floor, then the
micro-benchmarks of bench/bench_*.py, each printed as a ratio against a reference measured in the same run.

Then `make robustness` for 5 seeds, timed against its 8-minute target (into a scratch results file).

Usage: python bench/run.py [--notebooks-only | --micro-only] [--no-robustness] [--repeat N] [notebook ...]
"""
from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
# ru_maxrss is in kilobytes on Linux and in bytes on macOS; the kernel prints megabytes either way.
PEAK_CELL = ("import resource, sys\n"
             "per_mb = 1024 * 1024 if sys.platform == 'darwin' else 1024\n"
             "print('NNLAB_PEAK_MB', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / per_mb)")
COURSE_TARGET_S = 150.0     # the whole course, all notebooks, on 2 cores
COURSE_TARGET_FLOOR = 2.5   # ... about 2.5 x (number of notebooks x floor)
NOTEBOOK_TARGET_S = 20.0    # each notebook, fresh kernel, on 2 cores
ROBUSTNESS_TARGET_S = 480.0  # make robustness, 5 seeds, on 2 cores


def run_notebook(nb: nbformat.NotebookNode, cwd: Path) -> tuple[float, float]:
    """Execute nb in a fresh kernel; return (seconds including kernel start, kernel peak RSS in MB)."""
    nb = nbformat.from_dict(nb)
    nb.cells.append(nbformat.v4.new_code_cell(PEAK_CELL))
    for attempt in range(2):  # a lost kernel message (rare, with many kernels starting at once) -> one retry
        client = NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(cwd)}})
        start = time.perf_counter()
        try:
            client.execute()
            break
        except TimeoutError:
            if attempt:
                raise
    seconds = time.perf_counter() - start
    text = "".join(o.get("text", "") for o in nb.cells[-1].outputs)
    return seconds, float(text.split("NNLAB_PEAK_MB")[1].split()[0])


def floor_notebook() -> nbformat.NotebookNode:
    """A bare kernel that only imports torch: the cost every notebook pays."""
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import torch")])


def bench_notebooks(paths: list[Path], repeat: int) -> None:
    floors = [run_notebook(floor_notebook(), ROOT / "notebooks") for _ in range(repeat)]
    floor_s = min(f[0] for f in floors)
    floor_mb = min(f[1] for f in floors)
    print(f"\n## Notebooks (fresh kernel each, best of {repeat}; floor = kernel start + import torch)\n")
    print(f"{'notebook':34s} {'time s':>7s} {'x floor':>8s} {'peak MB':>8s} {'x floor':>8s}  "
          f"<= {NOTEBOOK_TARGET_S:.0f} s")
    print(f"{'(floor: bare kernel + torch)':34s} {floor_s:7.1f} {1:8.2f} {floor_mb:8.0f} {1:8.2f}")
    total = 0.0
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        runs = [run_notebook(nb, path.parent) for _ in range(repeat)]
        s, mb = min(r[0] for r in runs), min(r[1] for r in runs)
        total += s
        ok = "yes" if s <= NOTEBOOK_TARGET_S else "NO"
        print(f"{path.name:34s} {s:7.1f} {s / floor_s:8.2f} {mb:8.0f} {mb / floor_mb:8.2f}  {ok}", flush=True)
    n = len(paths)
    ratio = total / (n * floor_s) if n else float("nan")
    print(f"{'TOTAL (' + str(n) + ' notebooks)':34s} {total:7.1f} {ratio:8.2f}")
    print(f"\ncourse: {total:.1f} s (target < {COURSE_TARGET_S:.0f} s for all nine notebooks); "
          f"total / ({n} x floor) = {ratio:.2f} (target about {COURSE_TARGET_FLOOR})")


def bench_micro() -> None:
    modules = sorted((ROOT / "bench").glob("bench_*.py"))
    if not modules:
        return
    print("\n## Micro-benchmarks (ratios against a reference measured in the same run)\n")
    print(f"{'benchmark':72s} {'value':>10s} {'target':>10s}  ok")
    for path in modules:
        spec = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        for row in module.run():  # dicts: name, value, unit, target (upper bound or None), higher_is_better
            value, target = row["value"], row.get("target")
            met = target is not None and (value >= target if row.get("higher_is_better") else value <= target)
            ok = "" if target is None else ("yes" if met else "NO")
            shown = f"{value:10.3g}"
            tgt = "" if target is None else (">= " if row.get("higher_is_better") else "<= ") + f"{target:g}"
            print(f"{row['name'] + ' (' + row.get('unit', '') + ')':72s} {shown} {tgt:>10s}  {ok}", flush=True)


def bench_robustness() -> None:
    """`make robustness` for seeds 0-4 into a scratch results file; its wall time against the 8-minute target."""
    import subprocess
    import tempfile
    print("\n## make robustness (seeds 0 1 2 3 4, every experiment, 2 processes)\n")
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        proc = subprocess.run([sys.executable, str(ROOT / "tools" / "robustness.py"), "--seeds", "0 1 2 3 4",
                               "--results", str(Path(tmp) / "robustness.json")], capture_output=True, text=True)
        wall = time.perf_counter() - start
    last = (proc.stdout.strip().splitlines() or ["(no output)"])[-1]
    ok = "yes" if wall <= ROBUSTNESS_TARGET_S and proc.returncode == 0 else "NO"
    print(f"{'robustness, 5 seeds (s)':72s} {wall:10.1f} {'<= ' + str(int(ROBUSTNESS_TARGET_S)):>10s}  {ok}")
    print(f"  exit {proc.returncode}: {last}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebooks", nargs="*")
    parser.add_argument("--notebooks-only", action="store_true")
    parser.add_argument("--micro-only", action="store_true")
    parser.add_argument("--no-robustness", action="store_true", help="skip timing make robustness (minutes)")
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    os.environ["PATH"] = str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", "")
    os.environ.pop("MPLBACKEND", None)
    print(f"cores: {os.cpu_count()}, python {sys.version.split()[0]}")
    if not args.micro_only:
        paths = [Path(p) for p in args.notebooks] or sorted((ROOT / "notebooks").glob("*.ipynb"))
        bench_notebooks(paths, args.repeat)
    if not args.notebooks_only:
        bench_micro()
    if not (args.notebooks_only or args.micro_only or args.no_robustness):
        bench_robustness()


if __name__ == "__main__":
    main()
