"""Print the requirements file `make env` installs: requirements.txt itself, or a copy without its extra index.

requirements.txt names PyTorch's CPU wheel index, so that on Linux `pip install -r requirements.txt` takes
the CPU build of torch (about 190 MB) instead of the default CUDA build (several GB). When that index
cannot be reached within a few seconds, pip would retry it for every package; this script then writes a
copy of the file without the index line (``.venv/requirements-default-index.txt``), says so, and prints
its path, so the install falls back to the default index at once. ``TORCH_INDEX=default`` does the same on
purpose: the opt-in for a learner with an NVIDIA GPU (then torch is the default, CUDA build on Linux).

    python tools/pip_requirements.py [requirements.txt] [out-dir]
"""
from __future__ import annotations

import os
import sys
import urllib.error
import urllib.request
from pathlib import Path

INDEX_OPTION = "--extra-index-url"


def extra_indexes(lines: list[str]) -> list[str]:
    """The URLs of the file's --extra-index-url lines."""
    return [line.split(None, 1)[1].strip() for line in lines if line.strip().startswith(INDEX_OPTION + " ")]


def reachable(url: str, timeout: float = 5.0) -> bool:
    """Whether the index answers within timeout seconds."""
    try:
        with urllib.request.urlopen(urllib.request.Request(url, method="HEAD"), timeout=timeout):
            return True
    except (urllib.error.URLError, OSError, ValueError):
        return False


def main(argv: list[str]) -> int:
    source = Path(argv[0] if argv else "requirements.txt")
    out_dir = Path(argv[1] if len(argv) > 1 else ".venv")
    lines = source.read_text().splitlines()
    indexes = extra_indexes(lines)
    wanted = os.environ.get("TORCH_INDEX", "cpu")
    if wanted not in ("cpu", "default"):
        print(f"TORCH_INDEX must be 'cpu' or 'default', got {wanted!r}", file=sys.stderr)
        return 2
    if not indexes or (wanted == "cpu" and all(reachable(url) for url in indexes)):
        print(source)
        return 0
    reason = ("TORCH_INDEX=default" if wanted == "default"
              else f"{', '.join(indexes)} cannot be reached")
    print(f"{reason}: installing every package from the default index (on Linux, torch is then the "
          "CUDA build unless a CPU wheel is at hand)", file=sys.stderr)
    out = out_dir / "requirements-default-index.txt"
    out.write_text("\n".join(line for line in lines if not line.strip().startswith(INDEX_OPTION)) + "\n")
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
