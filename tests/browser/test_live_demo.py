"""The live lecture demo (docs/live-demos.md) in a real browser: JupyterLab started the way `make lab` starts it
(tools/lab.py's lab_command) on a temporary copy of notebooks/, notebook 01 in presentation mode with the simple
interface and no side bar, Run All, then the learning-rate slider moved by typing into its readout: the status line
and the plot must change. A screenshot of the presentation layout goes to artifacts/ (git-ignored).
"""
from __future__ import annotations

import secrets
import shutil
import sys
import time
from pathlib import Path

import pytest

from labserver import free_port, serve  # tests/browser/labserver.py
from slides_fixtures import CHROMIUM, NO_CHROMIUM, chromium  # noqa: F401  (tests/browser/slides_fixtures.py)

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts"
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
from lab import lab_command, lab_environment  # noqa: E402  (tools/lab.py: what `make lab` runs)


def _not_course_files(folder: str, names: list[str]) -> list[str]:
    """copytree filter: skip checkpoints and anything not a plain file or folder (a running kernel's IPC sockets)."""
    return [n for n in names if n == ".ipynb_checkpoints"
            or not (Path(folder, n).is_file() or Path(folder, n).is_dir())]


@pytest.fixture(scope="module")
def lab_server(tmp_path_factory):
    """`make lab`'s JupyterLab (its command and environment) on a temporary copy of notebooks/, app exposed."""
    tmp = tmp_path_factory.mktemp("live_demo")
    root_dir = tmp / "notebooks"
    shutil.copytree(ROOT / "notebooks", root_dir, ignore=_not_course_files)
    port, token = free_port(), secrets.token_urlsafe(24)
    cmd = lab_command(port, root_dir=root_dir, browser=False) + ["--LabApp.expose_app_in_browser=True"]
    with serve(cmd, tmp, port, token, root_dir, env=lab_environment(token)) as server:  # as make lab passes it
        yield server


@pytest.fixture(scope="module")
def demo_page(chromium):  # noqa: F811  (the fixture imported above)
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
    url, token = lab_server.url, lab_server.token
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
    lab_server.wait_kernels_idle(timeout=60)

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
    assert readout.inner_text() != before_readout and float(readout.inner_text()) == 0.5, readout.inner_text()
    assert "lr = 0.5" in after_status, after_status
    assert after_src != before_src and after_src.startswith("data:image/png")

    lab_server.wait_kernels_idle(timeout=60)
    ARTIFACTS.mkdir(exist_ok=True)
    panel.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "live_demo_presentation_mode.png"))
