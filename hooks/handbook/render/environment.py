"""The Jinja environment of the page templates: every value a template prints is plain text unless
a view model marked it safe, and an undefined name is an error, not an empty string."""

from __future__ import annotations

import functools
import re

import jinja2
from markupsafe import Markup

from handbook.durations import Duration
from handbook.render import inline
from handbook.render.text import plain


def _finalize(value: object) -> object:
    # Runs on every {{ ... }} before autoescaping: what is not already Markup (rendered markdown,
    # our own links) is data text, escaped for HTML and Markdown alike.
    if value is None:
        return Markup("")
    if isinstance(value, Markup):
        return value
    if type(value) in _REPEATED:
        return _plain_repeated(value)
    return plain(value)


# Values printed over and over (tiers, durations, names, numbers): escaped once each. A pure
# function of the value's text, so the cache holds across the builds of `mkdocs serve`.
_REPEATED: frozenset[type] = frozenset({str, int, Duration})


@functools.lru_cache(maxsize=65536, typed=True)
def _plain_repeated(value: object) -> Markup:
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
    env.filters.update(inline.FILTERS)
    return env


def render(template: str, **context: object) -> str:
    return environment().get_template(template).render(**context)
