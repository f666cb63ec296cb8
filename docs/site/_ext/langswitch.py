"""A link to the same page in the other edition, at the top of every page (English ↔ 中文).

The English site is the root, the Chinese one is ``zh/``, and a page has the same name in both,
so the other edition's page of ``notebooks/01_advantage`` is ``zh/notebooks/01_advantage`` (and back).
"""


def _switch(app, pagename, templatename, context, doctree):
    if "body" not in context:
        return
    depth = pagename.count("/")
    chinese = app.config.language.startswith("zh")
    up = "../" * depth
    href = f"{up}../{pagename}.html" if chinese else f"{up}zh/{pagename}.html"
    label = "English" if chinese else "中文"
    lang = "en" if chinese else "zh-CN"
    context["body"] = (f'<a class="langswitch" href="{href}" hreflang="{lang}" lang="{lang}">{label}</a>\n'
                       + context["body"])


def setup(app):
    app.connect("html-page-context", _switch)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
