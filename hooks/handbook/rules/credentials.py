"""Credentials never belong in a handbook that is copied and printed: every value of every file,
``x-`` fields included, is searched for passwords, private keys and access tokens."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Final

from handbook.problems import Location, Problem, Severity
from handbook.structure import format_path
from handbook.yamlsource import AnyNode, Map, Scalar, Seq

_KEYWORD: Final = (
    r"(?:pass(?:word|wd|phrase)?|pwd|secret|(?:api|access|secret|private)[ _-]?key"
    r"|(?:auth[ _-]?|access[ _-]?|bearer[ _-]?)?token|client[_-]?secret)"
)
# A keyword, then ':' or '=', then a value that is not a placeholder such as <from the vault>.
_ASSIGNMENT: Final = re.compile(rf"(?i)(?<![a-z]){_KEYWORD}s?\s*[:=]\s*(?![<${{(*\s]|$)(\S+)([ \t]+[a-z]+)?")
# Each pattern with the lower-case words one of which it cannot match without: a value (or a file)
# with none of them is passed over without running the pattern, the bulk of the cost otherwise.
_PATTERNS: Final = (
    ("a password or token assignment", _ASSIGNMENT),
    (
        "a password on a command line",
        re.compile(r"(?:mysql|mariadb)[a-z]*\b[^\n]*?\s-p[^\s-]\S*"),
    ),
    ("a password on a command line", re.compile(r"sshpass\s+-p\s*\S+")),
    ("a private key", re.compile(r"-----BEGIN (?:[A-Z]+ )*PRIVATE KEY( BLOCK)?-----")),
    ("an AWS access key id", re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b")),
    (
        "an access token",
        re.compile(
            r"(?:ghp_|gho_|ghu_|ghs_|ghr_|github_pat_|glpat-|xox[abposr]-|sk_live_|rk_live_|sk_test_|npm_|pypi-|AIza)"
            r"[A-Za-z0-9_\-]{10,}"
        ),
    ),
    (
        "a URL carrying user:password@",
        # Starting at the literal "://" lets the regex engine skip ahead to it.
        re.compile(r"://[^/\s:@]+:[^/\s@]+@"),
    ),
)
_KEY_IS_SECRET: Final = re.compile(rf"(?i)^(?:x-)?[a-z_-]*{_KEYWORD}s?$")


def _is_prose(match: re.Match[str]) -> bool:
    """``password: see the vault`` is a sentence, ``password: hunter2`` a secret."""
    value, next_word = match.group(1), match.group(2)
    return value.isalpha() and value.islower() and next_word is not None


# Loose and fast (no case folding, no look-behind): a keyword of _KEYWORD just before ':' or '=',
# in lower-cased text. Everything _ASSIGNMENT and _KEY_IS_SECRET find, this finds too.
_ASSIGNMENT_GUARD: Final = re.compile(r"(?:pass|pwd|secret|key|token)[a-z]*s?[ \t]*[:=]")
_GUARDS: Final = {
    "a password on a command line": ("mysql", "mariadb", "sshpass"),
    "a private key": ("private key",),
    "an AWS access key id": ("akia", "asia"),
    "an access token": (
        "ghp_",
        "gho_",
        "ghu_",
        "ghs_",
        "ghr_",
        "github_pat_",
        "glpat-",
        "xox",
        "_live_",
        "sk_test_",
        "npm_",
        "pypi-",
        "aiza",
    ),
    "a URL carrying user:password@": ("://",),
}


def _candidates(lowered: str) -> list[tuple[str, re.Pattern[str]]]:
    found = []
    for what, pattern in _PATTERNS:
        if pattern is _ASSIGNMENT:
            if _ASSIGNMENT_GUARD.search(lowered):
                found.append((what, pattern))
        elif any(word in lowered for word in _GUARDS[what]):
            found.append((what, pattern))
    return found


def might_hold_credentials(text: str) -> bool:
    """Whether a file's text has anything the value-by-value scan could find: most files have not,
    and one pass over the text is far cheaper than one per value."""
    lowered = text.lower()
    if _ASSIGNMENT_GUARD.search(lowered):
        return True  # keys named like secrets (x-db-password:) are judged value by value
    return any(pattern.search(text) for _, pattern in _candidates(lowered))


def _scalar_findings(text: str) -> Iterator[tuple[str, int]]:
    for what, pattern in _candidates(text.lower()):
        for match in pattern.finditer(text):
            if pattern is _ASSIGNMENT and _is_prose(match):
                continue
            yield what, match.start()
            break


def _location(node: Scalar, offset: int) -> Location:
    if not node.block:
        return node.location
    # Block scalars: the content starts on the line after the indicator and each content line
    # stands in the file behind its indentation, which only the file's text tells.
    index = node.value.count("\n", 0, offset)
    line = node.line + 1 + index
    start = node.value.rfind("\n", 0, offset) + 1
    value_line = node.value[start:].split("\n", 1)[0]
    try:
        file_line = node.file.read_text(encoding="utf-8-sig").splitlines()[line - 1]
    except (OSError, IndexError, UnicodeDecodeError):
        return Location(node.file, line, node.column)
    indent = len(file_line) - len(value_line) if file_line.endswith(value_line) else 0
    return Location(node.file, line, indent + (offset - start) + 1)


def scan(root: AnyNode) -> Iterator[Problem]:
    """Problems for every value that looks like a credential."""
    stack: list[tuple[AnyNode, tuple[str | int, ...]]] = [(root, ())]
    while stack:
        node, path = stack.pop()
        if isinstance(node, Map):
            for key, (_, value) in node.entries.items():
                # `x-db-password: Winter2024!` names the secret in the key, not in the value.
                if isinstance(value, Scalar) and value.value and _KEY_IS_SECRET.match(key):
                    yield _problem(
                        value.location, (*path, key), "a password or token in a field named " + repr(key)
                    )
                    continue
                stack.append((value, (*path, key)))
        elif isinstance(node, Seq):
            stack.extend((item, (*path, i)) for i, item in enumerate(node.items))
        else:
            for what, offset in _scalar_findings(node.value):
                yield _problem(_location(node, offset), path, f"this looks like {what}")
                break


def _problem(location: Location, path: tuple[str | int, ...], message: str) -> Problem:
    return Problem(
        location,
        Severity.ERROR,
        "credentials",
        format_path(path),
        message,
        "remove it: the handbook is copied and printed; say where the secret is kept instead",
    )
