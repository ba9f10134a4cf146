"""Generated pages as a reader scans them, for asserting on their content: most pages are written
as HTML between Markdown headings (handbook.render.rawblocks), and a table row reads better as
``| [Payroll](../services/payroll.html) | 1d | stops |`` than as its tags."""

from __future__ import annotations

import re


def view(content: str) -> str:
    """*content* with its tables one row a line (``| cell | cell |``), links as ``[text](href)``,
    ``<strong>`` as ``**``, list items as ``- item`` and paragraph tags left out. Text, character
    references and other tags stay as they are: what is escaped stays escaped."""
    text = re.sub(r"<tr>\n<t[hd]>", "| ", content)
    text = re.sub(r"</t[hd]>\n<t[hd]>", " | ", text)
    text = re.sub(r"</t[hd]>\n</tr>", " |", text)
    text = re.sub(r'<a href="([^"]*)">(.*?)</a>', r"[\2](\1)", text)
    text = text.replace("<strong>", "**").replace("</strong>", "**")
    text = re.sub(r"<li>(.*?)</li>", r"- \1", text)
    return re.sub(r"</?p>", "", text)
