"""Names shared by test_slides.py and test_live_demo.py.

Both use conftest.py's session-wide `browser`: Playwright's sync API cannot run two instances at once in one thread.
"""
from __future__ import annotations

from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
NO_CHROMIUM = f"{CHROMIUM} not found: `apt-get install chromium` (.ci/run installs it)"


@pytest.fixture(scope="module")
def chromium(browser):
    """The headless Debian Chromium of tests/browser/conftest.py (flags from shared/reference/jupyter-testing.md)."""
    return browser
