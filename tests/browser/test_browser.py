"""Real-browser tests: run notebooks 01 and 08 in JupyterLab (headless Chromium), move sliders, press play
then pause, and check that the views changed. Screenshots go to artifacts/ (not committed)."""
from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"  # git-ignored

pytestmark = pytest.mark.browser

NB01 = "01_linear_regression.ipynb"
NB08 = "08_playground.ipynb"


def open_and_run_all(page, lab, name: str) -> None:
    """Open a notebook, wait for its kernel, run all cells and check every code cell ran."""
    if not (lab.root_dir / name).exists():
        pytest.skip(f"notebooks/{name} does not exist yet")
    workspace = name.split("_")[0]  # a fresh workspace per notebook: no tab of an earlier test is restored
    page.goto(f"{lab.url}/lab/workspaces/nb{workspace}/tree/{name}?reset&token={lab.token}")
    page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell.currentWidget"
                           " && window.jupyterapp.shell.currentWidget.sessionContext"
                           " && window.jupyterapp.shell.currentWidget.sessionContext.session"
                           " && window.jupyterapp.shell.currentWidget.sessionContext.session.kernel"
                           " && window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.status === 'idle'")
    ok = page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    counts = page.evaluate("() => window.jupyterapp.shell.currentWidget.content.widgets"
                           ".filter(c => c.model.type === 'code').map(c => c.model.executionCount)")
    assert ok is not False and counts and all(isinstance(c, int) for c in counts), counts
    errors = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"
                          ":has-text('Traceback')")
    assert errors.count() == 0 or page.locator(".jp-Cell[data-tags*='raises-exception']").count() > 0
    lab.wait_kernels_idle()


def scroll_to_cell(page, text: str) -> None:
    """Make the first cell whose source contains `text` the active cell and scroll it to the top."""
    index = page.evaluate("""async (text) => {
        const nb = window.jupyterapp.shell.currentWidget.content;
        const i = nb.widgets.findIndex(c => c.model.sharedModel.getSource().includes(text));
        if (i >= 0) { nb.activeCellIndex = i; await nb.scrollToItem(i, 'start'); }
        return i; }""", text)
    assert index >= 0, f"no cell contains {text!r}"


def slider(page, description: str):
    """The ipywidgets slider whose label is `description`."""
    return page.locator(".widget-slider", has=page.locator(".widget-label", has_text=re.compile(f"^{description}$")))


def press_on_handle(page, description: str, key: str) -> None:
    """Move a slider with the keyboard (End = maximum, Home = minimum, arrows = one step)."""
    handle = slider(page, description).first.locator(".noUi-handle")
    handle.scroll_into_view_if_needed()
    handle.focus()
    page.keyboard.press(key)


def wait_changed(page, locator, attribute: str, before: str | None, timeout: float = 30) -> str:
    """Wait until locator's attribute (or inner text, attribute='text') differs from before; return it."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        now = locator.text_content() if attribute == "text" else locator.get_attribute(attribute)
        if now != before:
            return now
        page.wait_for_timeout(100)
    raise AssertionError(f"{attribute} did not change from {before!r}")


def wait_until(page, condition, what: str, timeout: float = 30) -> None:
    """Poll condition() until it holds (every 100 ms); fail saying what did not happen."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if condition():
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"{what} did not happen within {timeout} s")


def wait_steady(page, read, quiet_ms: int = 600, timeout: float = 30) -> str:
    """The value read() settles on: unchanged over quiet_ms (the playground redraws at most 8 times a second)."""
    end, last, since = time.monotonic() + timeout, read(), time.monotonic()
    while time.monotonic() < end:
        page.wait_for_timeout(100)
        now = read()
        if now != last:
            last, since = now, time.monotonic()
        elif (time.monotonic() - since) * 1000 >= quiet_ms:
            return now
    raise AssertionError(f"{last!r} did not settle within {timeout} s")


def test_notebook01_descent_explorer(page, lab):
    open_and_run_all(page, lab, NB01)
    scroll_to_cell(page, "descent_explorer(")
    panel = page.locator(".widget-vbox", has=slider(page, "learning rate")).last
    image = panel.locator(".widget-output img").first
    image.scroll_into_view_if_needed()
    before_src = image.get_attribute("src")
    status = panel.locator(".widget-html-content").nth(1)
    before_status = status.text_content()
    press_on_handle(page, "learning rate", "End")  # the largest learning rate: gradient descent diverges
    after_status = wait_changed(page, status, "text", before_status)
    assert "Diverged" in after_status, after_status
    assert wait_changed(page, image, "src", before_src) != before_src
    press_on_handle(page, "steps", "Home")  # 0 steps
    wait_changed(page, status, "text", after_status)
    lab.wait_kernels_idle()
    page.screenshot(path=str(ARTIFACTS / "browser_01_descent_explorer.png"))


def test_notebook08_playground_play_pause_and_controls(page, lab):
    open_and_run_all(page, lab, NB08)
    scroll_to_cell(page, "playground(dataset=")
    epoch = page.locator(".widget-html-content", has_text="epoch").first
    plane = page.locator(".widget-image").first
    plane.scroll_into_view_if_needed()
    assert "epoch 0.00" in epoch.text_content()  # play is not started by the notebook
    before_src = plane.get_attribute("src")

    steps = lambda text: int(re.search(r"step (\d+)", text).group(1))  # noqa: E731
    page.get_by_role("button", name="▶ play", exact=True).click()
    running = wait_changed(page, epoch, "text", epoch.text_content())
    wait_until(page, lambda: steps(epoch.text_content()) >= steps(running) + 50, "50 more steps while playing")
    page.get_by_role("button", name="‖ pause", exact=True).click()
    paused = wait_steady(page, epoch.text_content)            # the chunk in flight ends, then nothing moves
    lab.wait_kernels_idle()
    assert epoch.text_content() == paused, "training went on after pause"
    assert steps(paused) > steps(running) > 0
    assert plane.get_attribute("src") != before_src
    page.screenshot(path=str(ARTIFACTS / "browser_08_playground_after_play.png"))

    neurons = page.locator(".widget-image").nth(1)
    before_neurons = neurons.get_attribute("src")
    press_on_handle(page, "hidden layers", "Home")  # 0 hidden layers: resets, neurons slider disabled
    wait_changed(page, neurons, "src", before_neurons)
    assert "epoch 0.00" in epoch.text_content()
    page.get_by_role("button", name="step", exact=True).click()
    wait_changed(page, epoch, "text", "epoch 0.00")

    scroll_to_cell(page, "sequence_explorer(")
    seq_image = page.locator(".widget-vbox", has=slider(page, "hidden size")).last.locator(".widget-output img")
    before_seq = seq_image.first.get_attribute("src")
    press_on_handle(page, "hidden size", "Home")  # retrains the sequence model with 1 hidden unit
    wait_changed(page, seq_image.first, "src", before_seq, timeout=60)
    lab.wait_kernels_idle()
    page.screenshot(path=str(ARTIFACTS / "browser_08_after_controls.png"), full_page=True)
