"""The book site builds from the notebooks, in both editions, offline, with every figure and no error on any page.

This test runs the README's site command (``python docs/site/build.py``, which executes all fourteen
notebooks) into a temporary folder, then reads the pages it wrote.
"""

import json
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent
STAGED = ROOT / "_build" / "site-src"
STEMS = [p.stem for p in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))]
SUPPORT = ["index", "notebooks/README", "notebooks/cheatsheet", "notebooks/glossary", "notebooks/derivation_map"]
EXTERNAL = r"""(?:https?:)?//"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("site") / "site"
    subprocess.run([sys.executable, str(ROOT / "docs" / "site" / "build.py"), "--out", str(out)], check=True, cwd=ROOT,
                   timeout=3600)
    return out


def pages(site):
    """The site's pages (not the theme's template fragments under _static/)."""
    return sorted(p for p in site.rglob("*.html") if "_static" not in p.relative_to(site).parts)


def edition(site, lang):
    return site if lang == "en" else site / "zh"


def test_every_page_exists_in_both_editions(site):
    for lang in ("en", "zh"):
        for name in [f"notebooks/{stem}" for stem in STEMS] + SUPPORT:
            assert (edition(site, lang) / f"{name}.html").is_file(), f"the {lang} site has no page {name}.html"


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("stem", STEMS)
def test_each_notebook_page_shows_every_figure_and_no_error(site, lang, stem):
    notebook = json.loads((STAGED / lang / "notebooks" / f"{stem}.ipynb").read_text(encoding="utf-8"))
    outputs = [o for c in notebook["cells"] if c["cell_type"] == "code" for o in c["outputs"]]
    figures = sum("image/png" in o.get("data", {}) for o in outputs)
    assert not [o for o in outputs if o["output_type"] == "error"], f"{lang}/{stem}: a cell raised during the build"
    page = (edition(site, lang) / "notebooks" / f"{stem}.html").read_text(encoding="utf-8")
    assert figures > 0, f"{lang}/{stem}: the executed notebook has no figure: was plt.show() swallowed by a headless backend?"
    images = len(re.findall(r"<img\b", page))
    assert images >= figures, f"{lang}/{stem}.html shows {images} images; the notebook drew {figures} figures"
    assert "Traceback (most recent call last)" not in page, f"{lang}/{stem}.html shows a traceback"


def test_internal_links_and_resources_resolve(site):
    broken = []
    for page in pages(site):
        html = page.read_text(encoding="utf-8")
        for target in re.findall(r"""(?:href|src)=["']([^"']+)["']""", html):
            parts = urlsplit(target)
            if parts.scheme or target.startswith(("#", "//", "data:", "mailto:", "javascript:")):
                continue
            path = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            if not path.exists():
                broken.append(f"{page.relative_to(site)} -> {target}")
    assert not broken, f"{len(broken)} broken links, e.g. {broken[:5]}"


def test_nothing_is_loaded_from_another_host(site):
    found = []
    for page in pages(site):
        html = page.read_text(encoding="utf-8")
        found += [f"{page.relative_to(site)}: {m}" for m in
                  re.findall(rf"""<script[^>]*\bsrc=["']{EXTERNAL}[^"']*""", html)
                  + re.findall(rf"""<link[^>]*\bhref=["']{EXTERNAL}[^"']*""", html)
                  + re.findall(rf"""@import\s+(?:url\()?["']?{EXTERNAL}[^"')]*""", html)]
    for sheet in site.rglob("*.css"):
        found += [f"{sheet.relative_to(site)}: {m}" for m in
                  re.findall(rf"""(?:@import\s+|url\()\s*["']?{EXTERNAL}[^"')]*""", sheet.read_text(encoding="utf-8", errors="replace"))]
    assert not found, f"pages load from other hosts (readers offline or behind a firewall see broken pages): {found[:5]}"


def test_math_is_rendered_by_the_sites_own_mathjax(site):
    page = (site / "notebooks" / "01_advantage.html").read_text(encoding="utf-8")
    scripts = re.findall(r"""<script[^>]*\bsrc=["']([^"']*mathjax[^"']*)["']""", page, re.I)
    assert scripts, "no MathJax script on a page full of formulas"
    assert all((site / "notebooks" / urlsplit(s).path).resolve().is_file() for s in scripts)


def test_chinese_pages_declare_their_language_and_every_page_links_to_its_twin(site):
    for page in pages(site):
        html = page.read_text(encoding="utf-8")
        relative = page.relative_to(site).as_posix()
        if relative.startswith(("_", "zh/_")) or relative in ("genindex.html", "search.html", "zh/genindex.html", "zh/search.html"):
            continue
        chinese = relative.startswith("zh/")
        assert re.search(r'<html[^>]*\blang="zh-CN"' if chinese else r'<html[^>]*\blang="en"', html), \
            f"{relative} does not declare lang=\"{'zh-CN' if chinese else 'en'}\""
        switch = re.search(r'<a class="langswitch" href="([^"]+)"', html)
        assert switch, f"{relative} has no language switch"
        twin = (page.parent / switch.group(1)).resolve()
        expected = (site / relative[3:]) if chinese else (site / "zh" / relative)
        assert twin == expected.resolve(), f"{relative}: the language switch points at {switch.group(1)}"
