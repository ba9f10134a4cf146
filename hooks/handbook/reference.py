"""The editors' page of problem codes, generated from ``handbook.codes`` at every build so it
never drifts from the checker."""

from __future__ import annotations

from handbook.codes import CODES
from handbook.yamlsource import MAX_DEPTH, MAX_FILE_BYTES

_INTRO = """\
# Problem codes

Every message of `handbook check` (and of a failed build) has the form

```
data/services/payroll.yaml:14:9: error: bia.rto: '4 hours' is not a duration (write 4h, 30m, 1d12h)
```

file, line and column, severity, the field path, what is wrong and, in brackets, what would be
right. `--format json` and `--format github` carry the code below with each message; codes are
stable.

**Errors** stop the build and replace nothing already built. **Warnings** are findings about the
plan: they appear in the handbook's plan health and never stop a build, but
`handbook check --strict` fails on them. Plan-health warnings are judged once a data folder has no
errors, because they need the whole, valid set (an estimate follows every dependency).

Bounds of the reader: a file of at most {max_bytes} bytes, nesting at most {max_depth} levels, no
anchors or aliases at all (so an alias bomb stops at its first anchor), plain text at most 500
characters, markdown at most 20,000.
"""


def render_problem_codes() -> str:
    lines = [
        _INTRO.format(max_bytes=f"{MAX_FILE_BYTES:,}", max_depth=MAX_DEPTH),
    ]
    group = None
    for code in CODES:
        if code.group != group:
            group = code.group
            lines += ["", f"## {group.capitalize()}", "", "| code | severity | meaning |", "|---|---|---|"]
        lines.append(f"| `{code.code}` | {code.severity} | {code.summary} |")
    return "\n".join(lines) + "\n"
