"""The live lecture demo (docs/live-demos.md) in a real browser: JupyterLab started the way `make lab` starts it
(tools/lab.py's lab_command) on a temporary copy of notebooks/, notebook 01 in presentation mode with the simple
interface and no side bar, Run All, then the learning-rate slider moved by typing into its readout: the status line
and the plot must change. A screenshot of the presentation layout goes to artifacts/ (git-ignored).
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
from pathlib import Path

import pytest

from slides_fixtures import CHROMIUM, NO_CHROMIUM, chromium  # noqa: F401  (tests/browser/slides_fixtures.py)

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts"
VENV_BIN = ROOT / ".venv" / "bin"
NOTEBOOK = "01_linear_regression.ipynb"
# The lecturer's layout, in the order docs/live-demos.md gives it: (command, args, wanted toggle state or None = run).
LAYOUT = [
    ("application:set-mode", {"mode": "single-document"}, None),           # View > Appearance > Simple Interface
    ("application:toggle-left-area", {}, False),                             # ... > Show Left Sidebar (off)
    ("application:toggle-side-tabbar", {"side": "left"}, False),             # ... > Show Left Activity Bar (off)
    ("application:toggle-side-tabbar", {"side": "right"}, False),            # ... > Show Right Activity Bar (off)
    ("statusbar:toggle", {}, False),                                         # ... > Show Status Bar (off)
    ("application:toggle-presentation-mode", {}, True),                      # ... > Presentation Mode
]

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(CHROMIUM is None, reason=NO_CHROMIUM)]

sys.path.insert(0, str(ROOT / "tools"))
from lab import lab_command  # noqa: E402  (tools/lab.py: the command `make lab` runs)


def _not_course_files(folder: str, names: list[str]) -> list[str]:
    """copytree filter: skip checkpoints and anything not a plain file or folder (a running kernel's IPC sockets)."""
    return [n for n in names if n == ".ipynb_checkpoints"
            or not (Path(folder, n).is_file() or Path(folder, n).is_dir())]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _api(url: str, token: str, path: str, method: str = "GET"):
    request = urllib.request.Request(f"{url}{path}", method=method, headers={"Authorization": f"token {token}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        body = response.read()
    return json.loads(body) if body else None


def _stat(pid: int) -> tuple[int, int]:
    """(parent pid, start time) of a process, from /proc/<pid>/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[1]), int(fields[19])


def _descendants(pid: int) -> list[tuple[int, int]]:
    """(pid, start time) of processes started by pid, at any depth (kernels run outside its process group)."""
    stats = {}
    for entry in Path("/proc").iterdir():
        try:
            stats[int(entry.name)] = _stat(int(entry.name))
        except (ValueError, OSError, IndexError):
            continue
    found, frontier = [], {pid}
    while frontier:
        frontier = {p for p, (parent, _) in stats.items() if parent in frontier}
        found += [(p, stats[p][1]) for p in frontier]
    return found


def _wait_idle(url: str, token: str, timeout: float = 60) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if all(k["execution_state"] == "idle" for k in _api(url, token, "/api/kernels")):
            return
        time.sleep(0.2)
    raise TimeoutError("kernels still busy")


@pytest.fixture(scope="module")
def lab_server(tmp_path_factory):
    """`make lab`'s JupyterLab on a temporary copy of notebooks/ (it autosaves), app exposed for the test."""
    tmp = tmp_path_factory.mktemp("live_demo")
    root_dir = tmp / "notebooks"
    shutil.copytree(ROOT / "notebooks", root_dir, ignore=_not_course_files)
    settings = tmp / "settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    (settings / "notification.jupyterlab-settings").write_text(json.dumps({"fetchNews": "false",
                                                                           "checkForUpdates": False}))
    port, token = _free_port(), secrets.token_urlsafe(24)
    cmd = lab_command(port, root_dir=root_dir, browser=False) + ["--LabApp.expose_app_in_browser=True"]
    env = dict(os.environ, JUPYTERLAB_SETTINGS_DIR=str(tmp / "settings"), JUPYTERLAB_WORKSPACES_DIR=str(tmp / "ws"),
               JUPYTER_RUNTIME_DIR=str(tmp / "runtime"), JUPYTER_TOKEN=token)   # the token as make lab passes it
    env.pop("MPLBACKEND", None)  # kernels inherit it: inline plots would vanish
    bin_dir = VENV_BIN if VENV_BIN.is_dir() else Path(sys.executable).parent
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"  # kernels on the course's python
    log = open(tmp / "jupyterlab.log", "w")
    process = subprocess.Popen(cmd, cwd=tmp, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        end = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                pytest.fail(f"JupyterLab exited with {process.returncode}:\n{(tmp / 'jupyterlab.log').read_text()}")
            try:
                _api(url, token, "/api/status")
                break
            except (urllib.error.URLError, OSError):
                if time.monotonic() > end:
                    pytest.fail("JupyterLab did not answer within 60 s:\n" + (tmp / "jupyterlab.log").read_text())
                time.sleep(0.25)
        yield {"url": url, "token": token}
    finally:
        try:
            for kernel in _api(url, token, "/api/kernels"):
                _api(url, token, f"/api/kernels/{kernel['id']}", method="DELETE")
        except (urllib.error.URLError, OSError):
            pass
        leftovers = _descendants(process.pid)
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)  # the server's own process group (start_new_session)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        for pid, started in leftovers:  # a kernel the API did not shut down (same pid AND start time: ours)
            try:
                if _stat(pid)[1] == started:
                    os.kill(pid, signal.SIGKILL)
            except (OSError, IndexError, ValueError):
                pass
        log.close()


@pytest.fixture(scope="module")
def demo_page(chromium):
    context = chromium.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.set_default_timeout(60_000)
    try:
        yield page
    finally:
        context.close()


def _wait_changed(page, read, before: str, what: str, timeout: float = 30) -> str:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if (now := read()) != before:
            return now
        page.wait_for_timeout(100)
    raise AssertionError(f"{what} did not change from {before[:80]!r} within {timeout} s")


def test_widget_live_in_presentation_mode(lab_server, demo_page):
    page = demo_page
    url, token = lab_server["url"], lab_server["token"]
    page.goto(f"{url}/lab/tree/{NOTEBOOK}?token={token}")
    page.wait_for_function("() => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;"
                           " const k = w && w.sessionContext && w.sessionContext.session"
                           " && w.sessionContext.session.kernel; return k && k.status === 'idle'; }")

    # The clean layout: one document, no side bars or activity bars, no status bar, presentation mode (larger type).
    commands = page.evaluate("() => window.jupyterapp.commands.listCommands()")
    missing = sorted({c for c, _, _ in LAYOUT if c not in commands})
    assert not missing, f"JupyterLab lacks the commands docs/live-demos.md relies on: {missing}"
    page.evaluate("""async (layout) => { const cmds = window.jupyterapp.commands;
        for (const [id, args, on] of layout) {
            if (on === null || cmds.isToggled(id, args) !== on) { await cmds.execute(id, args); } } }""", LAYOUT)
    state = page.evaluate("""(layout) => ({shell: document.querySelector('#main').className,
        mode: window.jupyterapp.shell.mode, leftCollapsed: window.jupyterapp.shell.leftCollapsed,
        toggled: layout.filter(([id, args, on]) => on !== null)
                       .map(([id, args, on]) => window.jupyterapp.commands.isToggled(id, args) === on)})""", LAYOUT)
    assert "jp-mod-presentationMode" in state["shell"] and state["mode"] == "single-document", state
    assert state["leftCollapsed"] and all(state["toggled"]), state

    # Run All, as the lecturer does from the Run menu.
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.wait_for_function("() => window.jupyterapp.shell.currentWidget.content.widgets"
                           ".filter(c => c.model.type === 'code').every(c => Number.isInteger(c.model.executionCount))"
                           " && window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.status === 'idle'")
    _wait_idle(url, token)

    lr = page.locator(".widget-slider", has=page.locator(".widget-label", has_text="learning rate")).last
    panel = page.locator(".widget-vbox", has=lr).last
    readout, image = lr.locator(".widget-readout"), panel.locator(".widget-output img").first
    status = panel.locator(".widget-html-content").last
    lr.scroll_into_view_if_needed()
    image.wait_for()
    before_src, before_status, before_readout = image.get_attribute("src"), status.inner_text(), readout.inner_text()

    readout.click()  # the lecturer types a learning rate into the slider's readout
    page.keyboard.press("Control+A")
    page.keyboard.type("0.5")
    page.keyboard.press("Enter")
    after_status = _wait_changed(page, status.inner_text, before_status, "the status line")
    after_src = _wait_changed(page, lambda: image.get_attribute("src"), before_src, "the plot")
    assert readout.inner_text() != before_readout and "5.0e-1" in readout.inner_text(), readout.inner_text()
    assert "lr = 0.5" in after_status, after_status
    assert after_src != before_src and after_src.startswith("data:image/png")

    _wait_idle(url, token)
    ARTIFACTS.mkdir(exist_ok=True)
    panel.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "live_demo_presentation_mode.png"))
