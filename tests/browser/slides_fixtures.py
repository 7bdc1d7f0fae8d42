"""Names shared by test_slides.py and test_live_demo.py.

Both use conftest.py's session-wide `browser`: Playwright's sync API cannot run two instances at once in one thread.
"""
from __future__ import annotations

import pytest

from labserver import CHROMIUM_NAMES, find_chromium  # tests/browser/labserver.py

CHROMIUM = find_chromium()
NO_CHROMIUM = f"no Chromium on the PATH (looked for {', '.join(CHROMIUM_NAMES)}): `apt-get install chromium`"


@pytest.fixture(scope="module")
def chromium(browser):
    """The headless Debian Chromium of tests/browser/conftest.py (its flags keep it off the network)."""
    return browser
