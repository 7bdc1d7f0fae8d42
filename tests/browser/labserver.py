"""Helpers to run a JupyterLab server in tests: start it in its own process group (kernels on this
environment's python, quiet settings), wait for it, call its API, and stop it with every process it started.
Used by tests/browser/conftest.py and tests/test_lab.py."""
from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path


CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def find_chromium() -> Path | None:
    """The first Chromium-family browser on the PATH ($NNLAB_CHROMIUM first, when set), or None."""
    given = os.environ.get("NNLAB_CHROMIUM")
    for name in ((given,) if given else ()) + CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return Path(found)
    return None


@dataclass
class Lab:
    """A running JupyterLab: base URL, token, the notebooks' temporary folder and the server process."""

    url: str
    token: str
    root_dir: Path
    process: subprocess.Popen

    def api(self, path: str, method: str = "GET") -> object:
        """Call the REST API with the token; return the decoded JSON (None for an empty body)."""
        request = urllib.request.Request(f"{self.url}{path}", method=method,
                                         headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else None

    def shutdown_kernels(self) -> None:
        """Shut every running kernel down (frees the CPU between tests)."""
        for kernel in self.api("/api/kernels"):
            self.api(f"/api/kernels/{kernel['id']}", method="DELETE")

    def wait_kernels_idle(self, timeout: float = 30) -> None:
        """Wait until every kernel reports execution_state idle."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if all(k["execution_state"] == "idle" for k in self.api("/api/kernels")):
                return
            time.sleep(0.2)
        raise TimeoutError("kernels still busy")


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_http(url: str, process: subprocess.Popen, log: Path, timeout: float = 90) -> None:
    """Poll url until it answers (any HTTP status); fail with the server log if the process dies or time runs out."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if process.poll() is not None:
            raise RuntimeError(f"JupyterLab exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except urllib.error.HTTPError:
            return
        except (urllib.error.URLError, OSError):
            time.sleep(0.25)
    raise TimeoutError(f"JupyterLab did not answer within {timeout} s:\n{log.read_text()[-3000:]}")


def _descendants(pid: int) -> list[int]:
    """Process ids whose parent chain leads to pid (read from /proc)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    found, frontier = [], [pid]
    while frontier:
        children = [p for p, parent in parents.items() if parent in frontier]
        found += children
        frontier = children
    return found


def stop_process_tree(process: subprocess.Popen) -> None:
    """SIGTERM the process group, then SIGKILL whatever is left of it and of its descendants."""
    leftovers = _descendants(process.pid)
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
    for pid in leftovers:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def start_lab(cmd: list[str], tmp: Path, log_name: str = "jupyterlab.log",
              env: dict[str, str] | None = None) -> subprocess.Popen:
    """Start a JupyterLab command in its own process group (env or ours), kernels on this python, quiet settings."""
    settings = tmp / "lab-settings" / "@jupyterlab"
    for extension, name, values in [("apputils-extension", "notification", {"fetchNews": "false",
                                                                             "checkForUpdates": False}),
                                    ("notebook-extension", "tracker", {"windowingMode": "none"})]:  # all cells in DOM
        (settings / extension).mkdir(parents=True, exist_ok=True)
        (settings / extension / f"{name}.jupyterlab-settings").write_text(json.dumps(values))
    env = dict(os.environ if env is None else env)
    env.pop("MPLBACKEND", None)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    env.update(JUPYTERLAB_SETTINGS_DIR=str(tmp / "lab-settings"), JUPYTERLAB_WORKSPACES_DIR=str(tmp / "workspaces"),
               JUPYTER_RUNTIME_DIR=str(tmp / "runtime"), JUPYTER_DATA_DIR=str(tmp / "data"))
    log = open(tmp / log_name, "w")
    return subprocess.Popen(cmd, cwd=tmp, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


@contextlib.contextmanager
def serve(cmd: list[str], tmp: Path, port: int, token: str, root_dir: Path, env: dict[str, str]):
    """Start a JupyterLab command (token in env), wait until it answers, yield a Lab; then stop it and its kernels."""
    process = start_lab(cmd, tmp, env=env)
    server = Lab(f"http://127.0.0.1:{port}", token, root_dir, process)
    try:
        wait_for_http(f"{server.url}/api/status?token={token}", process, tmp / "jupyterlab.log")
        yield server
    finally:
        try:
            server.shutdown_kernels()
        except (OSError, urllib.error.URLError):
            pass
        stop_process_tree(process)
