"""Re-execute notebooks top to bottom in fresh kernels and save them with their outputs (`make notebooks`)."""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]


def execute(path: Path, timeout: int = 180, tries: int = 2) -> float:
    """Run one notebook in a fresh kernel (cwd = its folder), save it in place, return the seconds taken.

    A cell that takes longer than ``timeout`` s is retried once in a new kernel: with many kernels starting
    at once, a client can (rarely) lose its kernel's messages and would otherwise wait forever.
    """
    for attempt in range(tries):
        nb = nbformat.read(path, as_version=4)
        client = NotebookClient(nb, timeout=timeout, kernel_name="python3", allow_errors=False,
                                resources={"metadata": {"path": str(path.parent)}}, store_widget_state=True)
        start = time.perf_counter()
        try:
            client.execute()
        except TimeoutError:
            if attempt == tries - 1:
                raise
            print(f"{path.name}: a cell timed out after {timeout} s; retrying in a fresh kernel", flush=True)
            continue
        seconds = time.perf_counter() - start
        nbformat.write(nb, path)
        return seconds
    raise AssertionError("unreachable")


def main(paths: list[str]) -> None:
    os.environ["PATH"] = str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", "")
    os.environ.pop("MPLBACKEND", None)
    targets = [Path(p) for p in paths] or sorted((ROOT / "notebooks").glob("*.ipynb"))
    for path in targets:
        print(f"{path.name:40s} {execute(path):6.1f} s", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
