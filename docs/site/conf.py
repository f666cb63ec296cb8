"""Sphinx configuration of the book site: one configuration, built twice (English at the root, Chinese under zh/).

docs/site/build.py stages each edition's pages, executes the notebooks and calls Sphinx with
``-D language=en`` or ``-D language=zh_CN``; see the README's "The book site" section.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent / "_ext"))

project = "PPO from first principles"
author = "the ppo_core authors"
language = "en"

extensions = ["myst_nb", "sphinx-mathjax-offline", "langswitch"]
myst_enable_extensions = ["dollarmath", "amsmath"]
myst_heading_anchors = 3
myst_update_mathjax = False    # MathJax typesets the whole page, the sidebar's titles too (not only the .math spans)
nb_execution_mode = "off"       # build.py has executed every notebook already (in parallel)
nb_ipywidgets_js = {}           # no widget manager from a CDN: the sliders' static figure is on the page
nb_merge_streams = True
suppress_warnings = ["myst.header", "misc.highlighting_failure"]
exclude_patterns = ["_build", "**.ipynb_checkpoints"]

html_theme = "sphinx_book_theme"
html_title = "PPO from first principles"
html_static_path = [str(Path(__file__).parent / "_static")]
html_css_files = ["langswitch.css"]
html_theme_options = {
    "show_navbar_depth": 1,
    "use_download_button": True,
    "use_fullscreen_button": False,
    "use_repository_button": False,
    "use_source_button": False,
    "navigation_with_keys": False,
}
html_last_updated_fmt = None
html_copy_source = False
