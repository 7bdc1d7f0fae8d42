"""Export the course notebooks to reveal.js slide decks that work with no network (`make slides`).

Every script, style sheet and font a deck loads comes from the npm packages pinned in tools/slides/package.json
(installed by `npm ci` into tools/slides/node_modules) and is copied next to the decks, in <out>/vendor/:
reveal.js 4 (theme `white`: its fonts ship with it), require.js, jQuery 2, MathJax 2.7 and the
@jupyter-widgets/html-manager that renders widgets from the state saved in each notebook. Notebooks are not
re-executed: the decks show the committed outputs (`make notebooks` refreshes them).

    .venv/bin/python tools/slides/build.py                      # every notebook -> slides/
    .venv/bin/python tools/slides/build.py --out DIR NB.ipynb   # chosen notebooks -> DIR
"""
from __future__ import annotations

import argparse
import html
import json
import re
import shutil
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
NODE_MODULES = HERE / "node_modules"
TEMPLATES = HERE / "templates"
VENDOR = "vendor"  # folder inside the output directory; every URL below is relative to the decks

# package -> (files or folders to copy, relative to the package; glob patterns left out of copied folders)
VENDOR_FILES: dict[str, tuple[list[str], list[str]]] = {
    "reveal.js": (["dist", "plugin/notes", "LICENSE"], ["*.map", "*.esm.js"]),
    "requirejs": (["require.js"], []),
    "jquery": (["dist/jquery.min.js", "LICENSE.txt"], []),
    "mathjax": (["MathJax.js", "config", "extensions", "jax", "localization", "fonts/HTML-CSS/TeX", "LICENSE"],
                ["png", "*.map"]),
    "@jupyter-widgets/html-manager": (["dist"], ["*.map", "embed.js", "embed.js.LICENSE.txt", "libembed-amd.js"]),
}

EXPORTER_CONFIG = {
    "reveal_url_prefix": f"{VENDOR}/reveal.js",
    "reveal_theme": "white",  # `simple` imports web fonts from Google
    "reveal_scroll": True,  # a slide taller than the screen scrolls instead of being cut off
    "require_js_url": f"{VENDOR}/requirejs/require.js",
    "jquery_url": f"{VENDOR}/jquery/dist/jquery.min.js",
    "mathjax_url": f"{VENDOR}/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe",
    "widget_renderer_url": f"{VENDOR}/@jupyter-widgets/html-manager/dist/embed-amd.js",
}


def pinned_versions() -> dict[str, str]:
    """The exact versions package.json asks for, by package name."""
    return json.loads((HERE / "package.json").read_text())["dependencies"]


def check_node_modules(node_modules: Path = NODE_MODULES) -> dict[str, str]:
    """Versions installed in node_modules; ValueError naming what is missing or mismatched."""
    wanted = pinned_versions()
    problems = []
    for name, version in wanted.items():
        meta = node_modules / name / "package.json"
        if not meta.exists():
            problems.append(f"{name}@{version} is not installed")
        elif (found := json.loads(meta.read_text())["version"]) != version:
            problems.append(f"{name}: expected {version}, found {found}")
    if problems:
        raise ValueError("the slide libraries are missing or stale (" + "; ".join(problems) + "): run `make slides`"
                         f" or `(cd {HERE.relative_to(ROOT)} && npm ci --no-audit --no-fund --ignore-scripts)`")
    return wanted


def copy_vendor(out: Path, versions: dict[str, str], node_modules: Path = NODE_MODULES) -> bool:
    """Copy the libraries the decks load into out/vendor (skipped when already there at these versions)."""
    target, stamp = out / VENDOR, out / VENDOR / "versions.json"
    if stamp.exists() and json.loads(stamp.read_text()) == versions:
        return False
    shutil.rmtree(target, ignore_errors=True)
    for package, (items, ignore) in VENDOR_FILES.items():
        for item in items:
            src, dst = node_modules / package / item, target / package / item
            dst.parent.mkdir(parents=True, exist_ok=True)
            if src.is_dir():
                shutil.copytree(src, dst, ignore=shutil.ignore_patterns(*ignore))
            else:
                shutil.copy2(src, dst)
    stamp.write_text(json.dumps(versions, indent=1, sort_keys=True) + "\n")
    return True


def make_exporter():
    """nbconvert's SlidesExporter with every URL pointing into vendor/ and the Mermaid CDN import removed."""
    from nbconvert import SlidesExporter
    from traitlets.config import Config

    config = Config({"SlidesExporter": dict(EXPORTER_CONFIG, template_name="reveal_offline",
                                            extra_template_basedirs=[str(TEMPLATES)])})
    return SlidesExporter(config=config)


def slide_count(nb: dict) -> int:
    """How many reveal.js slides (slides + subslides) nbconvert makes of a notebook (dict or NotebookNode)."""
    types = [cell.get("metadata", {}).get("slideshow", {}).get("slide_type", "-") for cell in nb["cells"]]
    visible = [t for t in types if t not in ("skip", "notes")]
    if not visible:
        return 0
    return (visible[0] not in ("slide", "subslide")) + sum(t in ("slide", "subslide") for t in visible)


def link_decks(body: str, names: set[str]) -> str:
    """Point links to sibling notebooks (`02_x.ipynb`, `02_x.ipynb#anchor`) at their decks."""
    pattern = re.compile(r'href="([^"/:]+)\.ipynb(#[^"]*)?"')
    return pattern.sub(lambda m: f'href="{m[1]}.slides.html{m[2] or ""}"' if m[1] in names else m[0], body)


def write_index(out: Path, decks: list[tuple[str, str, int]]) -> None:
    """A plain local index.html listing the decks (no scripts, no fonts)."""
    rows = "\n".join(f'<li><a href="{html.escape(f)}">{html.escape(t)}</a> ({n} slides)</li>' for f, t, n in decks)
    out.joinpath("index.html").write_text(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Course slides</title></head>\n"
        "<body style=\"font-family: sans-serif; max-width: 40em; margin: 2em auto\">\n<h1>Course slides</h1>\n"
        "<p>Arrow keys move between slides, <kbd>Esc</kbd> shows the overview, <kbd>S</kbd> opens speaker"
        " notes, <kbd>F</kbd> goes full screen. Everything loads from this folder: no network needed.</p>\n"
        f"<ul>\n{rows}\n</ul>\n</body></html>\n")


def title_of(nb: dict, fallback: str) -> str:
    """The first markdown heading of a notebook (its `# NN · Title` line), else fallback."""
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            for line in "".join(cell["source"]).splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return fallback


def build(notebooks: list[Path], out: Path, node_modules: Path = NODE_MODULES) -> list[Path]:
    """Export notebooks to out/<name>.slides.html with vendor/ beside them; return the deck paths."""
    import nbformat

    if not notebooks:
        raise ValueError("no notebooks given (expected notebooks/*.ipynb)")
    versions = check_node_modules(node_modules)
    out.mkdir(parents=True, exist_ok=True)
    copy_vendor(out, versions, node_modules)
    exporter = make_exporter()
    names = {p.stem for p in notebooks}
    decks, listing = [], []
    for path in notebooks:
        nb = nbformat.read(path, as_version=4)
        body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": path.stem}})
        deck = out / f"{path.stem}.slides.html"
        deck.write_text(link_decks(body, names), encoding="utf-8")
        decks.append(deck)
        listing.append((deck.name, title_of(nb, path.stem), slide_count(nb)))
    write_index(out, listing)
    return decks


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: notebooks/*.ipynb")
    parser.add_argument("--out", type=Path, default=ROOT / "slides", help="output folder (default: slides/)")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    try:
        decks = build(args.notebooks or sorted((ROOT / "notebooks").glob("*.ipynb")), args.out)
    except ValueError as error:
        sys.exit(f"build.py: {error}")
    for deck in decks:
        print(f"  {deck}")
    print(f"{len(decks)} decks in {time.perf_counter() - start:.1f} s; open {args.out / 'index.html'}"
          " (works offline)")


if __name__ == "__main__":
    main()
