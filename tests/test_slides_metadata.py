"""Slides without a browser: every notebook carries slide metadata, and the offline slide build is configured
with pinned npm packages and local URLs only (the decks themselves are checked in tests/browser/test_slides.py)."""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SLIDES = ROOT / "tools" / "slides"
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
SLIDE_TYPES = {"slide", "subslide", "fragment", "skip", "notes", "-"}
MIN_SLIDES = 3

_spec = importlib.util.spec_from_file_location("slides_build", SLIDES / "build.py")  # tools/slides/build.py
build = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(build)


def slide_types(path: Path) -> list[str]:
    cells = json.loads(path.read_text())["cells"]
    return [c.get("metadata", {}).get("slideshow", {}).get("slide_type") for c in cells]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_reads_as_a_deck(path):
    types = slide_types(path)
    assert types[0] == "slide", f"{path.name}: the first cell (the title) needs slideshow.slide_type 'slide'"
    assert types.count("slide") >= MIN_SLIDES, \
        f"{path.name}: expected at least {MIN_SLIDES} cells with slide_type 'slide', found {types.count('slide')}"
    unknown = {t for t in types if t is not None} - SLIDE_TYPES
    assert not unknown, f"{path.name}: unknown slide_type {unknown}; expected one of {sorted(SLIDE_TYPES)}"


def test_npm_packages_pinned_and_locked():
    package = json.loads((SLIDES / "package.json").read_text())
    lock = json.loads((SLIDES / "package-lock.json").read_text())
    assert lock["packages"][""]["dependencies"] == package["dependencies"], "package-lock.json is stale: npm install"
    for name, version in package["dependencies"].items():
        assert version[0].isdigit(), f"{name}: pin an exact version, not {version!r}"
        assert lock["packages"][f"node_modules/{name}"]["version"] == version
    assert set(build.VENDOR_FILES) == set(package["dependencies"])


def test_exporter_urls_are_local():
    for key, url in build.EXPORTER_CONFIG.items():
        if key.endswith("_url") or key.endswith("_prefix"):
            assert "://" not in url and not url.startswith("/"), f"{key} must be a relative local path, not {url}"
    assert build.EXPORTER_CONFIG["reveal_theme"] == "white"  # `simple` fetches web fonts


def test_links_between_notebooks_point_at_decks():
    body = '<a href="02_sigmoid_neuron.ipynb">next</a> <a href="02_sigmoid_neuron.ipynb#Summary">s</a>' \
           ' <a href="https://example.org/x.ipynb">web</a> <a href="99_missing.ipynb">gone</a>'
    assert build.link_decks(body, {"02_sigmoid_neuron"}) == (
        '<a href="02_sigmoid_neuron.slides.html">next</a> <a href="02_sigmoid_neuron.slides.html#Summary">s</a>'
        ' <a href="https://example.org/x.ipynb">web</a> <a href="99_missing.ipynb">gone</a>')


def test_missing_node_modules_is_explained(tmp_path):
    with pytest.raises(ValueError, match="npm ci"):
        build.check_node_modules(tmp_path)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_widgets_have_saved_state(path):
    """Every widget shown in an output has its state saved (execute with store_widget_state), so slides render it."""
    nb = json.loads(path.read_text())
    state = nb["metadata"].get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {}).get("state", {})
    views = [out["data"]["application/vnd.jupyter.widget-view+json"]["model_id"]
             for cell in nb["cells"] if cell["cell_type"] == "code" for out in cell.get("outputs", [])
             if "application/vnd.jupyter.widget-view+json" in out.get("data", {})]
    missing = [v for v in views if v not in state]
    assert not missing, f"{path.name}: {len(missing)} widget views without saved state; re-run `make notebooks`"
