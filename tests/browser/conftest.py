"""Fixtures for the real-browser tests: a JupyterLab server on a temporary copy of the notebooks (127.0.0.1,
random token, kernels on this environment's python) and headless Debian Chromium driven by Playwright.

Every test here is marked ``browser``; all of them skip, saying why, when no Chromium is on the PATH
(chromium, chromium-browser, google-chrome; or the one $NNLAB_CHROMIUM names).
Teardown shuts the kernels down through the API, then ends the server's process group and any process it
left behind, so no process survives the session.
"""
from __future__ import annotations

import os
import secrets
import shutil
import sys
from pathlib import Path

import pytest

from labserver import CHROMIUM_NAMES, Lab, find_chromium, free_port, serve  # tests/browser/labserver.py

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = find_chromium()
ARTIFACTS = ROOT / "artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
SKIP_REASON = (f"no Chromium on the PATH (looked for {', '.join(CHROMIUM_NAMES)}): the browser tests need one "
               "(Debian: `apt-get install chromium`; .ci/run installs it)")


def pytest_collection_modifyitems(items):
    for item in items:
        if Path(str(item.fspath)).parent == Path(__file__).parent:
            item.add_marker(pytest.mark.browser)
            if CHROMIUM is None:
                item.add_marker(pytest.mark.skip(reason=SKIP_REASON))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)  # lets the page fixture see whether the test failed


@pytest.fixture(scope="session")
def lab(tmp_path_factory) -> Lab:
    """JupyterLab on a temporary copy of notebooks/ (it autosaves: never on the real files)."""
    tmp = tmp_path_factory.mktemp("lab")
    root_dir = tmp / "notebooks"
    shutil.copytree(ROOT / "notebooks", root_dir, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    port, token = free_port(), secrets.token_urlsafe(24)
    cmd = [sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}", "--ServerApp.port_retries=0",
           "--ServerApp.ip=127.0.0.1", f"--ServerApp.root_dir={root_dir}",
           "--LabApp.expose_app_in_browser=True"]
    if os.geteuid() == 0:
        cmd.append("--allow-root")
    with serve(cmd, tmp, port, token, root_dir, env={**os.environ, "JUPYTER_TOKEN": token}) as server:
        yield server   # the token in the environment, never on the command line


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
def page(browser, lab, request):
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
        report = getattr(request.node, "rep_call", None)
        if report is not None and report.failed:  # what the browser showed when the test failed
            page.screenshot(path=str(ARTIFACTS / f"FAILED_{request.node.name}.png"))
        context.close()
        lab.shutdown_kernels()
