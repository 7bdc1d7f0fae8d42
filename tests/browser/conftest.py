"""Fixtures for the real-browser tests: a JupyterLab server on a temporary copy of the notebooks (127.0.0.1,
random token, kernels on this environment's python) and headless Debian Chromium driven by Playwright.

Every test here is marked ``browser``; all of them skip, saying why, when /usr/bin/chromium is missing.
Teardown shuts the kernels down through the API, then ends the server's process group and any process it
left behind, so no process survives the session.
"""
from __future__ import annotations

import json
import os
import secrets
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

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
SKIP_REASON = (f"{CHROMIUM} not found: the browser tests need Debian's chromium "
               "(`apt-get install chromium`; .ci/run installs it)")


def pytest_collection_modifyitems(items):
    for item in items:
        if Path(str(item.fspath)).parent == Path(__file__).parent:
            item.add_marker(pytest.mark.browser)
            if not CHROMIUM.exists():
                item.add_marker(pytest.mark.skip(reason=SKIP_REASON))


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


def start_lab(cmd: list[str], tmp: Path, log_name: str = "jupyterlab.log") -> subprocess.Popen:
    """Start a JupyterLab command in its own process group, kernels on this environment's python, quiet settings."""
    settings = tmp / "lab-settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True, exist_ok=True)
    (settings / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False}))
    env = dict(os.environ)
    env.pop("MPLBACKEND", None)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    env.update(JUPYTERLAB_SETTINGS_DIR=str(tmp / "lab-settings"), JUPYTERLAB_WORKSPACES_DIR=str(tmp / "workspaces"),
               JUPYTER_RUNTIME_DIR=str(tmp / "runtime"), JUPYTER_DATA_DIR=str(tmp / "data"))
    log = open(tmp / log_name, "w")
    return subprocess.Popen(cmd, cwd=tmp, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


@pytest.fixture(scope="session")
def lab(tmp_path_factory) -> Lab:
    """JupyterLab on a temporary copy of notebooks/ (it autosaves: never on the real files)."""
    tmp = tmp_path_factory.mktemp("lab")
    root_dir = tmp / "notebooks"
    shutil.copytree(ROOT / "notebooks", root_dir, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    port, token = free_port(), secrets.token_urlsafe(24)
    cmd = [sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}", "--ServerApp.port_retries=0",
           "--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root_dir}",
           "--LabApp.expose_app_in_browser=True"]
    if os.geteuid() == 0:
        cmd.append("--allow-root")
    process = start_lab(cmd, tmp)
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


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium through Python Playwright (never `playwright install`)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser, lab):
    """A fresh browser page; kernels are shut down afterwards."""
    from playwright.sync_api import expect

    expect.set_options(timeout=30_000)
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(60_000)
    ARTIFACTS.mkdir(exist_ok=True)
    try:
        yield page
    finally:
        context.close()
        lab.shutdown_kernels()
