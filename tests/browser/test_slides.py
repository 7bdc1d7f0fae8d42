"""The offline slide decks (`make slides`) in headless Chromium: every deck loads with zero failed requests and
no request leaving 127.0.0.1, MathJax typesets the math, widgets render from their saved state, and reveal.js
shows as many slides as the notebook has slide/subslide cells, and no code cell (its source or its printed
output) runs past the right edge of its slide on any slide.

The decks are built once per module by tools/slides/build.py into a temporary folder and served by a local
http.server on 127.0.0.1; any request to another host is aborted and counted as a failure.
"""
from __future__ import annotations

import functools
import http.server
import json
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from slides_fixtures import CHROMIUM, NO_CHROMIUM, chromium  # noqa: F401  (tests/browser/slides_fixtures.py)

ROOT = Path(__file__).resolve().parents[2]
NODE_MODULES = ROOT / "tools" / "slides" / "node_modules"
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
REVEAL = "vendor/reveal.js/dist/reveal.js"  # the requirejs module id of reveal.js inside a deck

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason=NO_CHROMIUM),
    pytest.mark.skipif(not NODE_MODULES.exists(), reason="tools/slides/node_modules not installed: run `make slides`"
                       " or `(cd tools/slides && npm ci --no-audit --no-fund --ignore-scripts)`"),
]


def listed_slides(out: Path, name: str) -> int:
    """The slide count build.py lists for a deck in its index.html (what the browser must then show)."""
    import re
    found = re.search(rf'href="{re.escape(name)}\.slides\.html">[^<]*</a> \((\d+) slides\)',
                      (out / "index.html").read_text())
    assert found, f"index.html does not list {name}"
    return int(found.group(1))


def math_cells(nb: dict) -> int:
    """Markdown cells that contain TeX delimiters."""
    return sum("$" in "".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")


def widget_views(nb: dict) -> int:
    """Widget views among the saved outputs (rendered from the notebook's widget state)."""
    return sum("application/vnd.jupyter.widget-view+json" in out.get("data", {})
               for c in nb["cells"] if c["cell_type"] == "code" for out in c.get("outputs", []))


# Visit every slide and measure each code cell there: the cell must fit in its slide, and every code box in it
# (source and text output) must neither scroll sideways nor reach past the slide's right edge. Returns the number
# of code cells measured and the offenders.
OVERFLOW_JS = f"""() => {{
    const reveal = require('{REVEAL}');
    const slides = [...document.querySelectorAll('.reveal .slides section:not(.stack)')];
    const found = [];
    let cells = 0;
    slides.forEach((slide, k) => {{
        const at = reveal.getIndices(slide);
        reveal.slide(at.h, at.v);
        const right = slide.getBoundingClientRect().right;
        slide.querySelectorAll('.jp-CodeCell').forEach(cell => {{
            cells += 1;
            if (cell.scrollWidth > slide.clientWidth + 1)
                found.push(`slide ${{k}}: cell ${{cell.scrollWidth}} px wide, slide ${{slide.clientWidth}} px`);
            cell.querySelectorAll('pre').forEach(pre => {{
                const text = JSON.stringify(pre.textContent.trim().split('\\n')[0].slice(0, 50));
                if (pre.scrollWidth > pre.clientWidth + 1)
                    found.push(`slide ${{k}}: ${{text}} scrolls (${{pre.scrollWidth}} > ${{pre.clientWidth}} px)`);
                else if (pre.getBoundingClientRect().right > right + 1)
                    found.push(`slide ${{k}}: ${{text}} ends past the slide's right edge`);
            }});
        }});
    }});
    reveal.slide(0, 0);
    return {{cells, found}};
}}"""


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # keep pytest's output clean
        pass


@pytest.fixture(scope="module")
def decks(tmp_path_factory) -> dict:
    """Build every deck with tools/slides/build.py from a snapshot of notebooks/ (the files may be rewritten while
    the tests run); return the snapshot folder, the output folder and the build time."""
    tmp = tmp_path_factory.mktemp("slides")
    snapshot, out = tmp / "notebooks", tmp / "slides"
    snapshot.mkdir()
    for path in NOTEBOOKS:
        shutil.copy2(path, snapshot / path.name)
    start = time.perf_counter()
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "slides" / "build.py"), "--out", str(out),
                             *sorted(str(p) for p in snapshot.glob("*.ipynb"))],
                            cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return {"notebooks": snapshot, "out": out, "seconds": time.perf_counter() - start}


@pytest.fixture(scope="module")
def server(decks):
    """A local http.server on 127.0.0.1 serving the built decks."""
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(decks["out"])))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_build_writes_every_deck(decks):
    out = decks["out"]
    assert sorted(p.name for p in out.glob("*.slides.html")) == [f"{nb.stem}.slides.html" for nb in NOTEBOOKS]
    assert len(NOTEBOOKS) >= 2, "expected the course's notebooks in notebooks/"
    assert (out / "index.html").exists() and (out / "vendor" / "versions.json").exists()
    for deck in out.glob("*.slides.html"):
        text = deck.read_text()
        for url in ("https://unpkg.com", "https://cdnjs.cloudflare.com", "https://cdn.jsdelivr.net", "import mermaid"):
            assert url not in text, f"{deck.name} still refers to {url}"
    print(f"built {len(NOTEBOOKS)} decks in {decks['seconds']:.1f} s")


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_deck_offline(notebook, decks, server, chromium):  # noqa: F811  (the fixture imported above)
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    nb = json.loads((decks["notebooks"] / notebook.name).read_text())  # the version the deck was built from
    problems: list[str] = []
    context = chromium.new_context(viewport={"width": 1280, "height": 800})

    def only_local(route) -> None:
        if route.request.url.startswith(server + "/"):
            route.continue_()
        else:
            problems.append(f"external request {route.request.url}")
            route.abort()

    context.route("**/*", only_local)
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.on("requestfailed", lambda r: problems.append(f"failed {r.url} ({r.failure})"))
    page.on("response", lambda r: r.status >= 400 and problems.append(f"HTTP {r.status} {r.url}"))
    page.on("console", lambda m: m.type == "error" and "Failed to load resource" in m.text
            and problems.append(f"console: {m.text}"))
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    def wait_for(condition: str, what: str) -> None:
        try:
            page.wait_for_function(condition, timeout=45_000)
        except PlaywrightTimeout:
            pytest.fail(f"{notebook.stem}: {what} did not happen within 45 s; failed requests and errors:\n"
                        + "\n".join(problems or ["(none recorded)"]))

    try:
        page.goto(f"{server}/{notebook.stem}.slides.html")
        wait_for("() => document.querySelector('.reveal.ready') !== null", "reveal.js initialising")
        wait_for("() => window.MathJax && MathJax.Hub && MathJax.Hub.queue && MathJax.Hub.queue.pending === 0"
                 " && MathJax.Hub.queue.running === 0", "MathJax loading and typesetting")
        if widget_views(nb):
            wait_for("() => document.querySelectorAll('.jupyter-widgets').length > 0", "widgets rendering")
        page.wait_for_load_state("networkidle")
        found = page.evaluate(f"""() => ({{
            total: require('{REVEAL}').getTotalSlides(),
            leaves: document.querySelectorAll('.reveal .slides section:not(.stack)').length,
            tex: document.querySelectorAll('script[type^="math/tex"]').length,
            typeset: document.querySelectorAll('.MathJax_CHTML, .MathJax_Display').length,
            errors: document.querySelectorAll('.MathJax_Error, .merror').length,
            widgets: document.querySelectorAll('.jupyter-widgets').length}})""")
        overflow = page.evaluate(OVERFLOW_JS)
    finally:
        context.close()

    assert problems == [], f"{notebook.stem}: {len(problems)} failed requests or errors:\n" + "\n".join(problems)
    listed = listed_slides(decks["out"], notebook.stem)
    assert listed > 1 and found["total"] == found["leaves"] == listed, (found, listed)
    if math_cells(nb):
        assert found["tex"] > 0 and found["typeset"] >= found["tex"] and found["errors"] == 0, found
    if widget_views(nb):
        assert found["widgets"] > 0, f"{notebook.stem}: no widget rendered from the saved state ({found})"
    code_cells = sum(c["cell_type"] == "code" and c.get("metadata", {}).get("slideshow", {}).get("slide_type")
                     not in ("skip", "notes") for c in nb["cells"])
    assert overflow["cells"] == code_cells, f"{notebook.stem}: measured {overflow['cells']} of {code_cells} code cells"
    assert overflow["found"] == [], (f"{notebook.stem}: code runs off {len(overflow['found'])} slide edges:\n"
                                     + "\n".join(overflow["found"]))
