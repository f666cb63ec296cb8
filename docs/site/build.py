"""Build the book site: both editions, every notebook executed at build time, offline.

    python docs/site/build.py                 # -> _build/site/index.html (English), _build/site/zh/ (中文)
    python -m http.server -d _build/site 8000 # then open http://localhost:8000

Steps: stage each edition's pages under ``_build/site-src/<lang>/`` with the repository's layout
(``index.md`` is the README, notebooks under ``notebooks/``) and links rewritten for the site;
execute every notebook there with a Jupyter kernel (``--jobs`` at a time; the inline backend,
so every ``plt.show()`` becomes an image on the page); run Sphinx (myst-nb, sphinx-book-theme,
MathJax served from the site itself) once per edition. No step needs the network.
``--reuse`` keeps executed notebooks whose source and ppo_core have not changed since the last build.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import posixpath
import re
import shutil
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CONF = Path(__file__).resolve().parent
BUILD = ROOT / "_build"
LANGS = ("en", "zh")
SUPPORT = ("README.md", "cheatsheet.md", "glossary.md", "derivation_map.md")
TOC = {"en": ("Notebooks", "Reference"), "zh": ("笔记本", "参考资料")}
WIDGET = "application/vnd.jupyter.widget-view+json"
SOLUTION_MARKER = re.compile(r"^### (BEGIN|END) SOLUTION[ \t]*(\n|$)", re.M)  # nbgrader's markers, a heading in Markdown
LONGEST_FIRST = ("05", "07", "06", "04", "01", "03", "02")  # by run time (README's table): the pool ends sooner


def pages(lang: str) -> dict[str, str]:
    """{repository path: site path} of the pages of one edition."""
    notebooks = ROOT / "notebooks" if lang == "en" else ROOT / "notebooks" / "zh"
    found = {"README.md" if lang == "en" else "README.zh-CN.md": "index.md"}
    for path in sorted(notebooks.glob("[0-9][0-9]_*.ipynb")):
        found[path.relative_to(ROOT).as_posix()] = f"notebooks/{path.name}"
    for name in SUPPORT:
        source = ROOT / "notebooks" / name if name == "glossary.md" else notebooks / name
        found[source.relative_to(ROOT).as_posix()] = f"notebooks/{name}"
    return found


def rewrite_links(text: str, repo_path: str, lang: str, assets: set) -> str:
    """The page's relative links, pointed at the site's copies (the other edition's pages by URL)."""
    own, other = pages(lang), pages("en" if lang == "zh" else "zh")
    here = posixpath.dirname(own[repo_path]) or "."

    def fix(match):
        bang, label, target = match.group(1), match.group(2), match.group(3)
        if re.match(r"[a-z]+:", target) or target.startswith("#"):
            return match.group(0)
        path, _, fragment = target.partition("#")
        anchor = f"#{fragment}" if fragment else ""
        resolved = posixpath.normpath(posixpath.join(posixpath.dirname(repo_path), path))
        if resolved in own:
            return f"{bang}[{label}]({posixpath.relpath(own[resolved], here)}{anchor})"
        if resolved in other:  # the other edition: a plain URL across the two Sphinx projects
            site = other[resolved].rsplit(".", 1)[0] + ".html"
            url = posixpath.relpath(("zh/" if lang == "en" else "../") + site, here)
            return f'<a href="{url}{anchor}">{label}</a>'
        if (ROOT / resolved).is_file() and resolved.rsplit(".", 1)[-1] in ("png", "svg", "gif", "jpg"):
            assets.add(resolved)
            return f"{bang}[{label}]({posixpath.relpath('_repo/' + resolved, here)})"
        return f"{label} (`{resolved}` in the repository)" if not bang else ""

    text = re.sub(r"^<a id=\"([\w-]+)\"></a>\s*$", r"(\1)=", text, flags=re.M)  # an HTML anchor -> a MyST target
    return re.sub(r"(!?)\[([^\]]*)\]\(([^)\s]+)\)", fix, text)


def toctree(lang: str) -> str:
    names = [site[:-len(".ipynb")] for site in pages(lang).values() if site.endswith(".ipynb")]
    support = [f"notebooks/{name[:-3]}" for name in SUPPORT]
    block = lambda caption, entries: ("\n```{toctree}\n:hidden:\n:maxdepth: 1\n:caption: " + caption + "\n\n"
                                      + "\n".join(entries) + "\n```\n")
    return block(TOC[lang][0], names) + block(TOC[lang][1], support)


def library_digest() -> bytes:
    """A digest of ppo_core's code and of this script: an executed notebook is stale when either changed."""
    digest = hashlib.sha256()
    for path in sorted((ROOT / "ppo_core").rglob("*.py")) + [Path(__file__).resolve()]:  # and the staging rules here
        digest.update(path.read_bytes())
    return digest.digest()


def stage(lang: str) -> Path:
    """Copy one edition's pages into _build/site-src/<lang>/ (notebooks still unexecuted)."""
    out = BUILD / "site-src" / lang
    out.mkdir(parents=True, exist_ok=True)
    assets: set = set()
    for repo_path, site_path in pages(lang).items():
        source = ROOT / repo_path
        if not source.exists():
            sys.exit(f"the {lang} edition needs {repo_path}, which is missing")
        target = out / site_path
        target.parent.mkdir(parents=True, exist_ok=True)
        if repo_path.endswith(".ipynb"):
            notebook = json.loads(source.read_text(encoding="utf-8"))
            for cell in notebook["cells"]:
                if cell["cell_type"] == "markdown":
                    text = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
                    text = SOLUTION_MARKER.sub("", text)  # a written question's model answer: no marker headings on the page
                    cell["source"] = rewrite_links(text, repo_path, lang, assets)
            notebook["metadata"]["site_source_sha"] = hashlib.sha256(source.read_bytes() + library_digest()).hexdigest()
            staged = target.with_suffix(".unexecuted.json")
            staged.write_text(json.dumps(notebook, ensure_ascii=False), encoding="utf-8")
        else:
            text = rewrite_links(source.read_text(encoding="utf-8"), repo_path, lang, assets)
            if site_path == "index.md":
                text += toctree(lang)
            target.write_text(text, encoding="utf-8")
    for asset in assets:
        (out / "_repo" / asset).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ROOT / asset, out / "_repo" / asset)
    return out


def execute(job) -> tuple[str, float]:
    """Execute one staged notebook in a fresh kernel, from the directory its source lives in."""
    staged, target, cwd = job
    import nbformat
    from nbclient import NotebookClient

    started = time.perf_counter()
    notebook = nbformat.reads(Path(staged).read_text(encoding="utf-8"), as_version=4)
    NotebookClient(notebook, timeout=1800, kernel_name="python3", resources={"metadata": {"path": cwd}}).execute()
    for cell in notebook.cells:  # sliders need a live kernel; the static figure drawn before them stays
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.outputs if WIDGET not in o.get("data", {})]
    Path(target).write_text(nbformat.writes(notebook), encoding="utf-8")
    Path(staged).unlink()
    return Path(target).name, time.perf_counter() - started


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__.split("\n\n", 1)[1])
    parser.add_argument("--out", type=Path, default=BUILD / "site", help="where the site goes (default: _build/site)")
    parser.add_argument("--jobs", type=int, default=2, help="notebooks executed at the same time (default: 2)")
    parser.add_argument("--lang", choices=LANGS, action="append", help="build only this edition (repeatable; default: both)")
    parser.add_argument("--reuse", action="store_true", help="keep executed notebooks whose source and ppo_core did not change")
    args = parser.parse_args(argv)
    if args.jobs < 1:
        parser.error(f"--jobs must be at least 1, got {args.jobs}")
    langs = args.lang or list(LANGS)
    started = time.perf_counter()
    # The kernels draw with the inline backend: a headless Agg backend inherited from the shell would
    # swallow plt.show() and leave pages without figures.
    os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    jobs = []
    for lang in langs:
        out = stage(lang)
        for staged in sorted(out.glob("notebooks/*.unexecuted.json")):
            target = staged.with_name(staged.name.replace(".unexecuted.json", ".ipynb"))
            sha = json.loads(staged.read_text(encoding="utf-8"))["metadata"]["site_source_sha"]
            if args.reuse and target.exists() and json.loads(target.read_text(encoding="utf-8"))["metadata"].get("site_source_sha") == sha:
                staged.unlink()
                continue
            cwd = ROOT / ("notebooks" if lang == "en" else "notebooks/zh")
            jobs.append((str(staged), str(target), str(cwd)))
    jobs.sort(key=lambda job: LONGEST_FIRST.index(Path(job[1]).name[:2]) if Path(job[1]).name[:2] in LONGEST_FIRST else 99)
    print(f"executing {len(jobs)} notebooks, {args.jobs} at a time ...", flush=True)
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        for name, seconds in pool.map(execute, jobs):
            print(f"  executed {name} in {seconds:.0f} s", flush=True)
    if args.out.exists():
        shutil.rmtree(args.out)
    for lang in langs:
        destination = args.out if lang == "en" else args.out / "zh"
        command = [sys.executable, "-m", "sphinx", "-b", "html", "-q", "-c", str(CONF),
                   "-D", f"language={'en' if lang == 'en' else 'zh_CN'}", str(BUILD / "site-src" / lang), str(destination)]
        subprocess.run(command, check=True)
        print(f"built the {lang} edition in {destination}", flush=True)
    print(f"site built in {time.perf_counter() - started:.0f} s: {args.out / 'index.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
