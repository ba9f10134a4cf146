"""The Jinja environment of the page templates: every value a template prints is plain text unless
a view model marked it safe, and an undefined name is an error, not an empty string."""

from __future__ import annotations

import functools
import re

import jinja2
from markupsafe import Markup

from handbook.render.text import plain


def _finalize(value: object) -> object:
    # Runs on every {{ ... }} before autoescaping: what is not already Markup (rendered markdown,
    # our own links) is data text, escaped for HTML and Markdown alike.
    if value is None:
        return Markup("")
    if isinstance(value, Markup):
        return value
    return plain(value)


_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def anchor(value: str) -> Markup:
    """A record id used as an HTML id or a URL fragment: validated ids need no escaping, and
    escaping would break them (``-`` is special to Markdown)."""
    if not _ID.fullmatch(value):
        raise ValueError(f"not an id: {value!r}")
    return Markup(value)


@functools.cache
def environment() -> jinja2.Environment:
    """One environment per process: it holds compiled templates, never data of a build."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("handbook.render", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        finalize=_finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["anchor"] = anchor
    return env


def render(template: str, **context: object) -> str:
    return environment().get_template(template).render(**context)
