"""Small pieces of HTML the page templates print many times over (filters of the environment):
a contact with its numbers, a status, an impact level, an optional value, a table.

They write what the site's Markdown made of the same pieces, character for character, for the
templates that write their pages as HTML blocks (see :mod:`handbook.render.rawblocks`). Data text
goes through :func:`~handbook.render.text.plain`, as every value a template prints; links are
``href`` values made by :mod:`handbook.render.paths`, which need no escaping. A filter, unlike a
Jinja macro, costs one Python call: service pages print these thousands of times.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from markupsafe import Markup

from handbook.render.common import Contact, Status
from handbook.render.text import plain

DASH = Markup("—")


def text(value: object) -> Markup:
    """A value as the templates print it: Markup as it is, anything else as plain text."""
    if value is None:
        return Markup("")
    return value if isinstance(value, Markup) else plain(value)


def opt(value: object) -> Markup:
    """A value, or a dash when there is none."""
    if value is None or value == "":
        return DASH
    return text(value)


def who(contact: Contact | None) -> Markup:
    """A person or team linked to the contacts page, then each of their numbers as a tel: link."""
    if contact is None:
        return DASH
    parts = [f'<a href="{contact.href}">{plain(contact.name)}</a>']
    parts += [f' · <a href="{phone.href}">{plain(phone.number)}</a>' for phone in contact.phones]
    return Markup("".join(parts))


def status(value: Status) -> Markup:
    """An estimate's status in words (the colour is only the class's)."""
    label = f'<span class="hb-status hb-{plain(value.key)}">{plain(value.label)}</span>'
    return Markup(label + f" {plain(value.detail)}" if value.detail else label)


def level(cell: Any) -> Markup:
    """An impact level with its name: a mapping or an object with ``level`` and ``name``."""
    number, name = (cell["level"], cell["name"]) if isinstance(cell, Mapping) else (cell.level, cell.name)
    return Markup(f'<span class="hb-level hb-level-{int(number)}">{int(number)} {plain(name)}</span>')


def link(href: object, label: object) -> Markup:
    """``<a href>`` with a label: *href* made by paths (Markup), *label* data text or Markup."""
    if not isinstance(href, Markup):
        raise TypeError(f"a link target must come from handbook.render.paths, not {href!r}")
    return Markup(f'<a href="{href}">{text(label)}</a>')


def table(headers: Iterable[object], rows: Iterable[Iterable[object]]) -> Markup:
    """A table as the site's Markdown writes one: each row and cell on a line of its own."""
    lines = ["<table>", "<thead>", "<tr>"]
    lines += [f"<th>{text(h)}</th>" for h in headers]
    lines += ["</tr>", "</thead>", "<tbody>"]
    for row in rows:
        lines.append("<tr>")
        lines += [f"<td>{text(cell)}</td>" for cell in row]
        lines.append("</tr>")
    lines += ["</tbody>", "</table>"]
    return Markup("\n".join(lines))


FILTERS = {"opt": opt, "who": who, "status": status, "level": level, "text": text}
