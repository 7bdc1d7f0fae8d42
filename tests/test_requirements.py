"""The environment installs the CPU build of torch on Linux, and falls back to the default index at once."""
from __future__ import annotations

import http.server
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from packaging.specifiers import SpecifierSet
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
TOOL = ROOT / "tools" / "pip_requirements.py"
CPU_INDEX = "https://download.pytorch.org/whl/cpu"


def requirement_lines() -> list[str]:
    return [line.strip() for line in (ROOT / "requirements.txt").read_text().splitlines()
            if line.strip() and not line.lstrip().startswith("#")]


def test_requirements_name_pytorchs_cpu_index_and_pin_torch_without_a_local_label():
    lines = requirement_lines()
    assert f"--extra-index-url {CPU_INDEX}" in lines
    torch = [line for line in lines if line.startswith("torch==")]
    assert torch == ["torch==2.13.0"], "pin torch exactly, without +cpu, so the default index can stand in"


def test_on_linux_pip_prefers_the_cpu_wheel_over_the_default_indexs_build():
    # pip takes the highest version that meets the pin; a local label (+cpu) sorts above the plain release
    pin = SpecifierSet("==2.13.0")
    candidates = [Version("2.13.0"), Version("2.13.0+cpu")]
    assert all(pin.contains(v) for v in candidates)
    assert max(candidates) == Version("2.13.0+cpu")


def run_tool(requirements: Path, out_dir: Path, **env: str) -> subprocess.CompletedProcess:
    import os
    return subprocess.run([sys.executable, str(TOOL), str(requirements), str(out_dir)], capture_output=True,
                          text=True, timeout=60, env={**os.environ, **env})


def write_requirements(tmp_path: Path, index: str) -> Path:
    path = tmp_path / "requirements.txt"
    path.write_text(f"# pins\n--extra-index-url {index}\ntorch==2.13.0\n-e .\n")
    return path


def test_an_unreachable_index_is_dropped_at_once(tmp_path):
    requirements = write_requirements(tmp_path, "http://127.0.0.1:9/whl/cpu")   # nothing listens on port 9
    done = run_tool(requirements, tmp_path, TORCH_INDEX="cpu")
    assert done.returncode == 0, done.stderr
    fallback = Path(done.stdout.strip())
    assert fallback == tmp_path / "requirements-default-index.txt"
    assert fallback.read_text() == "# pins\ntorch==2.13.0\n-e .\n"
    assert "cannot be reached" in done.stderr


@pytest.fixture
def local_index():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), http.server.SimpleHTTPRequestHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


def test_a_reachable_index_keeps_the_file_as_it_is(tmp_path, local_index):
    requirements = write_requirements(tmp_path, local_index)
    done = run_tool(requirements, tmp_path, TORCH_INDEX="cpu")
    assert done.returncode == 0 and done.stdout.strip() == str(requirements)


def test_torch_index_default_is_the_gpu_opt_in(tmp_path, local_index):
    requirements = write_requirements(tmp_path, local_index)
    done = run_tool(requirements, tmp_path, TORCH_INDEX="default")
    assert "--extra-index-url" not in Path(done.stdout.strip()).read_text()
    assert run_tool(requirements, tmp_path, TORCH_INDEX="cuda").returncode == 2


def test_pyproject_declares_the_runtime_dependencies():
    tomllib = pytest.importorskip("tomllib")   # Python 3.11+
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    names = {d.split(">")[0].split("=")[0].split("<")[0].strip() for d in deps}
    assert {"torch", "numpy", "matplotlib", "ipywidgets", "tqdm"} <= names
