"""The headless Chromium shared by test_slides.py and test_live_demo.py.

Playwright's sync API cannot run two instances at once in one thread, so when tests/browser/conftest.py provides
its session-wide `browser` fixture, that browser is reused; otherwise (conftest without it, or the file run alone
elsewhere) one is launched here for the module, with the flags from shared/reference/jupyter-testing.md.
"""
from __future__ import annotations

from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
NO_CHROMIUM = f"{CHROMIUM} not found: `apt-get install chromium` (.ci/run installs it)"


@pytest.fixture(scope="module")
def chromium(request):
    """A Playwright Browser (Debian Chromium, headless; never `playwright install`)."""
    try:
        shared = request.getfixturevalue("browser")  # tests/browser/conftest.py: one Playwright per session
    except pytest.FixtureLookupError:
        shared = None
    if shared is not None:
        yield shared
        return
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
