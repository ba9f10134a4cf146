"""The theme's navigation, rendered once per folder for the pages it does not list.

Material renders its navigation (the sidebar, and the tabs) anew for every page, a tenth of a
1,000-service build. For a page the navigation does not list (a service, site, supplier, what-if
or exercise page: ``not_in_nav`` in mkdocs.yml) nothing in it is marked active, and what it prints
depends on the page only through the links, which are relative to the page's folder: every such
page of a folder gets the same HTML. :func:`install` makes the theme's navigation templates keep
that HTML per folder and print it again; pages the navigation lists are rendered as always.

The navigation's HTML is also written without the indentation the templates give it (a run of
white space holding a line break becomes the line break), which shows the same: nearly a tenth
of the site at 1,000 services. ``tests/test_themecache.py`` builds a site with and without all
this and compares every page, the navigation's white space aside.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterator
from typing import Any, Final

import jinja2

# Material's partials that render the navigation: each only marks the current page and its
# sections as active, and writes links relative to the page.
PARTIALS: Final = ("partials/nav.html", "partials/tabs.html")
# Partials of every page, outside its article, written compact too (not kept: they show the page).
COMPACTED: Final = ("partials/header.html", "partials/toc.html", "partials/footer.html")


# A run of white space that holds a line break: in the navigation's HTML (no <pre>, no scripts)
# one line break shows the same. The theme's templates indent each tag on a line of its own: a
# third of the navigation's bytes, in every page.
_SPACE: Final = re.compile(r"[ \t]*\n\s*")


_VERBATIM: Final = ("<pre", "<textarea", "<script", "<style", "<PRE", "<TEXTAREA", "<SCRIPT", "<STYLE")


def compact(html: str) -> str:
    """*html* with every run of white space that holds a line break cut to the line break, where
    white space shows as one space: markup without <pre>, <textarea>, scripts or styles (*html*
    holding any of them is left as it is)."""
    if any(tag in html for tag in _VERBATIM):
        return html
    return _SPACE.sub("\n", html)


def _compacted(render: Callable[[Any], Iterator[str]]) -> Callable[[Any], Iterator[str]]:
    def compacted(context: Any) -> Iterator[str]:
        yield compact("".join(render(context)))

    return compacted


def _cached(render: Callable[[Any], Iterator[str]]) -> Callable[[Any], Iterator[str]]:
    by_folder: dict[tuple[int, str], str] = {}

    def cached(context: Any) -> Iterator[str]:
        page, nav = context.get("page"), context.get("nav")
        url = getattr(page, "url", None)
        if nav is None or not isinstance(url, str) or any(listed is page for listed in nav.pages):
            yield compact("".join(render(context)))
            return
        key = (id(nav), posixpath.dirname(url))
        html = by_folder.get(key)
        if html is None:
            html = by_folder[key] = compact("".join(render(context)))
        yield html

    return cached


def install(env: jinja2.Environment) -> int:
    """Make the theme's navigation partials in *env* (one build's: MkDocs makes the environment
    anew for each) render once per folder for pages the navigation does not list. Returns how
    many it found; a theme without them is left as it is."""
    found = 0
    for name in (*PARTIALS, *COMPACTED):
        try:
            template = env.get_template(name)
        except jinja2.TemplateNotFound:
            continue
        render = getattr(template, "root_render_func", None)
        if render is None:
            continue
        template.root_render_func = _cached(render) if name in PARTIALS else _compacted(render)
        found += 1
    return found
