"""Strict YAML reading: one data file's text to a tree of nodes that remember their line and column.

The data format is plain YAML read the same by YAML 1.1 and 1.2 tools, so this reader refuses what
would make the two disagree or make a file expensive to read: anchors, aliases, merge keys, tags,
duplicate keys, tab indentation, more than one document. It builds the tree from parser events
without recursion, so depth is bounded and a "billion laughs" file stops at its first anchor.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import yaml

from handbook.problems import Location, Problem, Severity

MAX_FILE_BYTES: Final = 1024 * 1024
MAX_DEPTH: Final = 32
_WRITE_OUT: Final = "plain YAML only: write the value out in full"

try:  # libyaml's parser is many times faster; the pure-Python one reads the same events.
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader


# Nodes are never changed after reading; they are not declared frozen because a frozen dataclass
# pays for every field on creation, and a data folder has hundreds of thousands of nodes.
@dataclass(slots=True)
class Node:
    file: Path
    line: int
    column: int

    @property
    def location(self) -> Location:
        return Location(self.file, self.line, self.column)


@dataclass(slots=True)
class Scalar(Node):
    value: str
    plain: bool
    block: bool = False
    # What a YAML 1.1 or 1.2 reader would make of a plain scalar when that is not text:
    # "null", "boolean", "number" or "date"; None when both read it as text.
    reading: str | None = None


@dataclass(slots=True)
class Seq(Node):
    items: tuple[AnyNode, ...]


@dataclass(slots=True)
class Map(Node):
    # key text -> (key scalar, value node), in file order; duplicates already reported and dropped.
    entries: dict[str, tuple[Scalar, AnyNode]] = field(default_factory=dict)

    def get(self, key: str) -> AnyNode | None:
        entry = self.entries.get(key)
        return entry[1] if entry else None

    def key_node(self, key: str) -> Scalar | None:
        entry = self.entries.get(key)
        return entry[0] if entry else None


AnyNode = Scalar | Seq | Map


@dataclass(frozen=True, slots=True)
class Ambiguous:
    """A plain scalar that YAML 1.1 or 1.2 would not read as text; it matches no type of the model."""

    text: str
    reading: str


# Resolution rules of YAML 1.1 (as PyYAML implements them) and of the YAML 1.2 core schema.
_NULL = re.compile(r"~|null|Null|NULL|")
_BOOL_12 = re.compile(r"true|True|TRUE|false|False|FALSE")
_BOOL_11 = re.compile(r"y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF")
_INT_11 = re.compile(
    r"[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+"
    r"|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+"
)
_INT_12 = re.compile(r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+")
_FLOAT_11 = re.compile(
    r"[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9_]+(?:[eE][-+][0-9]+)?"
    r"|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)"
)
_FLOAT_12 = re.compile(
    r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN"
)
_TIMESTAMP_11 = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
    r"|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?"
    r"(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?"
)
_PLAIN_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")
_PLAIN_FLOAT = re.compile(r"[-+]?[0-9]+\.[0-9]*")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


# Text that starts with a letter no null or boolean starts with (f n o t y) is text in both
# versions: most values of a data folder, answered without trying every pattern.
_SURELY_TEXT = re.compile(r"[a-eg-mp-su-xzA-EG-MP-SU-XZ]")


@functools.lru_cache(maxsize=8192)
def reading_of(text: str) -> str | None:
    """What YAML 1.1 or 1.2 reads a plain scalar as, when either reads it as anything but text."""
    if _SURELY_TEXT.match(text):
        return None
    if _NULL.fullmatch(text):
        return "null"
    if _BOOL_11.fullmatch(text):
        return "boolean"
    if any(r.fullmatch(text) for r in (_INT_11, _INT_12, _FLOAT_11, _FLOAT_12)):
        return "number"
    if _TIMESTAMP_11.fullmatch(text):
        return "date"
    return None


def scalar_value(node: Scalar) -> object:
    """The Python value the model validates: text, or what both YAML versions agree a plain scalar is."""
    if not node.plain or node.reading is None:
        return node.value
    text = node.value
    if node.reading == "null":
        return None
    if node.reading == "boolean" and _BOOL_12.fullmatch(text):
        return text.lower() == "true"
    if node.reading == "number":
        if _PLAIN_INT.fullmatch(text):
            return int(text)
        if _PLAIN_FLOAT.fullmatch(text):  # both versions agree; .inf, 1e3, 1_0.5 stay ambiguous
            return float(text)
    if node.reading == "date" and _DATE.fullmatch(text):
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass  # "2026-13-45": YAML 1.1 still takes it for a date; a date field says what is wrong
    return Ambiguous(text, node.reading)


def to_python(node: AnyNode) -> object:
    """The plain Python data the model validates (mapping keys are always text)."""
    # Iterative, like the reader: depth is bounded already, but the stack costs nothing.
    if isinstance(node, Scalar):
        return scalar_value(node)
    if isinstance(node, Seq):
        return [to_python(item) for item in node.items]
    return {key: to_python(value) for key, (_, value) in node.entries.items()}


def to_json(node: AnyNode) -> object:
    """The data as an editor's YAML 1.2 language server sees it, for checking the JSON Schemas."""
    if isinstance(node, Scalar):
        value = scalar_value(node)
        if isinstance(value, dt.date):
            return node.value
        if isinstance(value, Ambiguous):
            return node.value
        return value
    if isinstance(node, Seq):
        return [to_json(item) for item in node.items]
    return {key: to_json(value) for key, (_, value) in node.entries.items()}


class YamlError(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.format())
        self.problem = problem


def _problem(file: Path, line: int, column: int, code: str, message: str, hint: str = "") -> Problem:
    return Problem(Location(file, line, column), Severity.ERROR, code, "", message, hint)


_BOM: Final = b"\xef\xbb\xbf"


def decode(file: Path, data: bytes) -> str:
    """UTF-8 text of a data file (a byte order mark is dropped); a YamlError names the first bad
    byte at its line and (character) column."""
    if data.startswith(_BOM):
        data = data[len(_BOM) :]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        line = data.count(b"\n", 0, exc.start) + 1
        column = len(data[line_start : exc.start].decode("utf-8", errors="replace")) + 1
        raise YamlError(
            _problem(
                file,
                line,
                column,
                "encoding",
                f"byte 0x{data[exc.start]:02x} is not UTF-8",
                "save the file as UTF-8",
            )
        ) from None


def _tab_in_indent(file: Path, text: str, line: int) -> Problem | None:
    """A tab-indent problem when *line* (1-based) is indented with a tab."""
    lines = text.splitlines()
    if not 1 <= line <= len(lines):
        return None
    content = lines[line - 1]
    indent = content[: len(content) - len(content.lstrip(" \t"))]
    if "\t" not in indent or not content.strip():
        return None
    return _problem(
        file,
        line,
        indent.index("\t") + 1,
        "tab-indent",
        "a tab is used for indentation",
        "indent with spaces; YAML does not allow tabs there",
    )


def parse(file: Path, text: str) -> tuple[AnyNode, list[Problem]]:
    """The single document of *text* as a node tree, with the problems that did not stop reading
    (duplicate keys); a YamlError for anything else the format forbids."""
    found: list[Problem] = []
    try:
        return _build(file, yaml.parse(text, Loader=_Loader), found), found
    except yaml.YAMLError:
        if _Loader is yaml.SafeLoader:
            raise _syntax_problem(file, text) from None
    # libyaml refuses a few things the YAML specification allows (a tab leading a block scalar's
    # content) and stops flow nesting at its own limit; the pure-Python parser reads by the
    # specification. It is slower, so it only reads the files libyaml refused, and its
    # complaint is the one reported.
    found = []
    try:
        return _build(file, yaml.parse(text, Loader=yaml.SafeLoader), found), found
    except yaml.YAMLError:
        raise _syntax_problem(file, text) from None


def _syntax_problem(file: Path, text: str) -> YamlError:
    try:
        for _ in yaml.parse(text, Loader=yaml.SafeLoader):
            pass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        tab = _tab_in_indent(file, text, line)
        if tab is not None:
            return YamlError(tab)
        problem = (exc.problem or "malformed YAML").strip()
        context = f" {exc.context.strip()}" if exc.context else ""
        started = exc.context_mark
        if context and started is not None and mark is not None and started.line != mark.line:
            # "while parsing a flow sequence" is only useful with where that sequence began.
            context += f" that starts at line {started.line + 1}, column {started.column + 1}"
        hint = "check the indentation and quoting near this line"
        if "'\\t'" in problem or "\t" in problem:
            hint = "indent with spaces, not tabs"
        return YamlError(
            _problem(
                file,
                line,
                (mark.column + 1) if mark is not None else 1,
                "yaml-syntax",
                f"malformed YAML: {problem}{context}",
                hint,
            )
        )
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow, at a text position
        position = int(exc.position)
        line = text.count("\n", 0, position) + 1
        column = position - (text.rfind("\n", 0, position) + 1) + 1
        return YamlError(
            _problem(
                file,
                line,
                column,
                "yaml-syntax",
                f"malformed YAML: character U+{int(exc.character):04X} is not allowed ({exc.reason})",
                "remove it; it is often pasted in by accident",
            )
        )
    except yaml.YAMLError as exc:  # pragma: no cover - every parser error above carries a place
        return YamlError(_problem(file, 1, 1, "yaml-syntax", f"malformed YAML: {exc}", "see the data format"))
    # The event stream parses but our reader refused it: _build raised a YamlError of its own
    # with the C parser, which the pure-Python one would raise too; reaching here means the two
    # parsers disagree on a valid file.
    return YamlError(_problem(file, 1, 1, "yaml-syntax", "malformed YAML", "check the file's syntax"))


@dataclass
class _Open:
    """A sequence or mapping whose end event has not come yet."""

    start: yaml.Event
    is_map: bool
    items: list[AnyNode] = field(default_factory=list)
    pairs: list[tuple[Scalar, AnyNode]] = field(default_factory=list)
    pending_key: Scalar | None = None


_SCALAR: Final = yaml.ScalarEvent
_MAPPING_START: Final = yaml.MappingStartEvent
_SEQUENCE_START: Final = yaml.SequenceStartEvent
_MAPPING_END: Final = yaml.MappingEndEvent
_SEQUENCE_END: Final = yaml.SequenceEndEvent


def _refused_node(event: Any, refuse: Callable[..., YamlError]) -> YamlError:
    if event.anchor is not None:
        return refuse(event, "yaml-anchor", f"anchors (&{event.anchor}) are not allowed", _WRITE_OUT)
    # Only a tag written in the file is ever set (`!foo`, `!!str`, even a bare `!`).
    written = str(event.tag).replace("tag:yaml.org,2002:", "!!", 1)
    return refuse(event, "yaml-tag", f"tags ({written}) are not allowed", "remove the tag")


def _build(file: Path, events: Iterator[Any], found: list[Problem]) -> AnyNode:
    stack: list[_Open] = []
    root: AnyNode | None = None
    documents = 0

    def at(event: yaml.Event) -> tuple[int, int]:
        mark = event.start_mark
        return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)

    def refuse(event: yaml.Event, code: str, message: str, hint: str) -> YamlError:
        return YamlError(_problem(file, *at(event), code, message, hint))

    def attach(node: AnyNode, event: yaml.Event) -> None:
        nonlocal root
        if not stack:
            root = node
            return
        parent = stack[-1]
        if not parent.is_map:
            parent.items.append(node)
        elif parent.pending_key is None:
            if not isinstance(node, Scalar):
                raise refuse(event, "yaml-syntax", "a mapping key must be plain text", "write key: value")
            if node.plain and node.value == "<<":
                raise refuse(event, "yaml-merge-key", "merge keys (<<) are not allowed", "write the keys out")
            parent.pending_key = node
        else:
            parent.pairs.append((parent.pending_key, node))
            parent.pending_key = None

    def close(container: _Open) -> AnyNode:
        line, column = at(container.start)
        if not container.is_map:
            return Seq(file, line, column, tuple(container.items))
        entries: dict[str, tuple[Scalar, AnyNode]] = {}
        for key, value in container.pairs:
            if key.value in entries:
                first = entries[key.value][0]
                found.append(
                    _problem(
                        file,
                        key.line,
                        key.column,
                        "duplicate-key",
                        f"duplicate key '{key.value}' (first at line {first.line})",
                        "keep one of them",
                    )
                )
                continue
            entries[key.value] = (key, value)
        return Map(file, line, column, entries)

    # Dispatch on the exact event class: this loop runs once per scalar of every data file, so
    # it is kept to the few steps each event needs (the common case first).
    for event in events:
        kind = type(event)
        if kind is _SCALAR:
            if event.anchor is not None or event.tag is not None:
                raise _refused_node(event, refuse)
            mark = event.start_mark
            style = event.style
            plain = not style  # libyaml says "", the pure-Python parser None
            value = event.value
            scalar = Scalar(
                file,
                mark.line + 1,
                mark.column + 1,
                value,
                plain,
                style == "|" or style == ">",
                reading_of(value) if plain else None,
            )
            if stack and not stack[-1].is_map:
                stack[-1].items.append(scalar)
            else:
                attach(scalar, event)
        elif kind is _MAPPING_START or kind is _SEQUENCE_START:
            if event.anchor is not None or event.tag is not None:
                raise _refused_node(event, refuse)
            if len(stack) >= MAX_DEPTH:
                raise refuse(
                    event,
                    "yaml-too-deep",
                    f"nesting deeper than {MAX_DEPTH} levels",
                    "the data format never nests that deep; check the indentation",
                )
            stack.append(_Open(event, is_map=kind is _MAPPING_START))
        elif kind is _MAPPING_END or kind is _SEQUENCE_END:
            container = stack.pop()
            attach(close(container), container.start)
        elif kind is yaml.AliasEvent:
            raise refuse(event, "yaml-alias", f"aliases (*{event.anchor}) are not allowed", _WRITE_OUT)
        elif kind is yaml.DocumentStartEvent:
            documents += 1
            if documents > 1:
                raise refuse(
                    event,
                    "yaml-multiple-documents",
                    "the file holds more than one YAML document",
                    "keep one document per file; remove the '---' line",
                )
    if root is None:
        raise YamlError(_problem(file, 1, 1, "empty-file", "the file is empty", "see the data format"))
    return root


def read_text(file: Path) -> str:
    """The text of one data file, enforcing the size bound before reading it whole."""
    size = file.stat().st_size
    if size > MAX_FILE_BYTES:
        raise YamlError(
            _problem(
                file,
                1,
                1,
                "file-too-large",
                f"the file is {size:,} bytes, more than the {MAX_FILE_BYTES:,} allowed",
                "split it or shorten it",
            )
        )
    return decode(file, file.read_bytes())


def read_file(file: Path) -> tuple[AnyNode, list[Problem]]:
    """Read and parse one data file."""
    return parse(file, read_text(file))
