"""The nbval sanitizer file applied exactly as nbval applies it, for tests of printed text (nbval's own parser)."""
from __future__ import annotations

import re
from pathlib import Path

from nbval.plugin import get_sanitize_patterns

CFG = Path(__file__).with_name("nbval_sanitize.cfg")


def sanitize(text: str) -> str:
    """text after every rule of tests/nbval_sanitize.cfg, in order (a trained number becomes '≈#')."""
    for regex, replace in get_sanitize_patterns(CFG.read_text()):
        text = re.sub(regex, replace, text)
    return text
