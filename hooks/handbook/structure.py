"""Node tree -> typed record: validates one file's shape with the model and turns every complaint
into a Problem at the line and column of the value it is about."""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from handbook.model import Record
from handbook.problems import Location, Problem, Severity
from handbook.yamlsource import AnyNode, Map, Scalar, Seq, scalar_value

R = TypeVar("R", bound=Record)
LocPart = str | int


def format_path(parts: Sequence[LocPart]) -> str:
    """``("depends_on", 0, "service")`` -> ``depends_on[0].service``."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out


def suggest(word: str, candidates: Sequence[str], preferred: Sequence[str] = ()) -> str | None:
    """The nearest candidate, looking first among *preferred* (e.g. the keys a record still lacks)."""
    for pool in (preferred, candidates):
        match = difflib.get_close_matches(word, list(pool), n=1, cutoff=0.6)
        if match:
            return match[0]
    return None


def did_you_mean(word: str, candidates: Sequence[str], preferred: Sequence[str] = ()) -> str:
    match = suggest(word, candidates, preferred)
    return f"did you mean '{match}'?" if match else ""


def node_at(root: AnyNode, parts: Sequence[LocPart]) -> tuple[AnyNode, int, Scalar | None]:
    """The deepest node along *parts*, how many parts it consumed, and the key scalar of the last
    mapping step (for pointing at a key rather than its value)."""
    node, used, key = root, 0, None
    for part in parts:
        if isinstance(node, Map) and isinstance(part, str) and part in node.entries:
            key, node = node.entries[part]
        elif isinstance(node, Seq) and isinstance(part, int) and 0 <= part < len(node.items):
            key, node = None, node.items[part]
        else:
            break
        used += 1
    return node, used, key


def locate(root: AnyNode, *parts: LocPart) -> Location:
    return node_at(root, parts)[0].location


class _Tracked:
    """Converts nodes to plain data while remembering which dict came from which mapping node."""

    def __init__(self) -> None:
        self.maps: dict[int, tuple[Map, tuple[LocPart, ...]]] = {}
        self._keep: list[object] = []  # ids are only unique while the objects live

    def convert(self, node: AnyNode, path: tuple[LocPart, ...] = ()) -> object:
        if isinstance(node, Scalar):
            return scalar_value(node)
        if isinstance(node, Seq):
            return [self.convert(item, (*path, i)) for i, item in enumerate(node.items)]
        data = {key: self.convert(value, (*path, key)) for key, (_, value) in node.entries.items()}
        self.maps[id(data)] = (node, path)
        self._keep.append(data)
        return data


def _is_empty(node: AnyNode) -> bool:
    """`key:` or `key: ~`; the words null and Null are text that needs quotes, like no and on."""
    return isinstance(node, Scalar) and node.plain and node.value in ("", "~")


def _describe(node: AnyNode) -> str:
    if isinstance(node, Map):
        return "a mapping"
    if isinstance(node, Seq):
        return "a list"
    return f"'{node.value}'"


def _problem(node: AnyNode, parts: Sequence[LocPart], code: str, message: str, hint: str = "") -> Problem:
    return Problem(node.location, Severity.ERROR, code, format_path(parts), message, hint)


_EXPECTED = {
    "int_type": ("a whole number", "write a number without quotes"),
    "int_parsing": ("a whole number", "write a number without quotes"),
    "int_from_float": ("a whole number", "write a whole number"),
    "bool_type": ("true or false", "write true or false"),
    "bool_parsing": ("true or false", "write true or false"),
    "tuple_type": ("a list", "write [a, b] or one '- item' a line"),
    "list_type": ("a list", "write [a, b] or one '- item' a line"),
    "dict_type": ("a mapping", "write key: value lines"),
    "model_type": ("a mapping", "write key: value lines"),
    "model_attributes_type": ("a mapping", "write key: value lines"),
}
_BOUNDS = {
    "greater_than": ("gt", "greater than"),
    "greater_than_equal": ("ge", "at least"),
    "less_than": ("lt", "less than"),
    "less_than_equal": ("le", "at most"),
}


def _translate(root: AnyNode, error: Any) -> Problem:
    loc = tuple(part for part in error["loc"] if not (isinstance(part, str) and part.endswith("]")))
    key_error = any(isinstance(part, str) and part == "[key]" for part in error["loc"])
    kind: str = error["type"]
    ctx: dict[str, Any] = error.get("ctx") or {}
    node, used, key = node_at(root, loc)
    if key_error and key is not None:
        node = key

    if kind == "missing":
        name = loc[-1]
        parent, _, parent_key = node_at(root, loc[:-1])
        return _problem(
            parent_key or parent,
            loc[:-1],
            "missing-field",
            f"missing required field '{name}'",
            f"add {name}: to this mapping",
        )
    if used < len(loc):  # the model named a place the file does not have; point at the nearest
        return _problem(node, loc, "wrong-type", error["msg"])
    if kind == "string_type":
        if _is_empty(node):
            return _problem(node, loc, "empty-value", "has no value", "write a value or remove the key")
        if isinstance(node, Scalar) and node.plain and node.reading:
            return _problem(
                node,
                loc,
                "unquoted-text",
                f"'{node.value}' reads as a {node.reading} in YAML, not as text",
                f'quote it: "{node.value}"',
            )
        hint = str(ctx.get("hint", "write text"))
        return _problem(node, loc, "wrong-type", f"expected text, found {_describe(node)}", hint)
    if kind in _EXPECTED:
        expected, hint = _EXPECTED[kind]
        if _is_empty(node):
            return _problem(node, loc, "empty-value", "has no value", "write a value or remove the key")
        return _problem(node, loc, "wrong-type", f"expected {expected}, found {_describe(node)}", hint)
    if kind == "literal_error":
        allowed = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        value = node.value if isinstance(node, Scalar) else _describe(node)
        hint = did_you_mean(value, allowed) if isinstance(node, Scalar) else ""
        return _problem(node, loc, "bad-value", f"'{value}' is not one of: {', '.join(allowed)}", hint)
    if kind in _BOUNDS:
        name, words = _BOUNDS[kind]
        return _problem(node, loc, "bad-value", f"{_describe(node)} must be {words} {ctx.get(name)}")
    if kind in ("too_short", "too_long"):
        words = "at least" if kind == "too_short" else "at most"
        limit = ctx.get("min_length") if kind == "too_short" else ctx.get("max_length")
        return _problem(node, loc, "bad-value", f"needs {words} {limit} item{'s' if limit != 1 else ''}")
    if "hint" in ctx:  # our own validators: the type is the stable code
        return _problem(node, loc, kind, error["msg"], str(ctx["hint"]))
    return _problem(node, loc, "wrong-type", error["msg"])


def _unknown_key_problems(
    tracked: _Tracked, found: list[tuple[dict[str, Any], type[BaseModel], list[str]]]
) -> list[Problem]:
    problems = []
    for data, model, keys in found:
        if id(data) not in tracked.maps:
            continue
        node, path = tracked.maps[id(data)]
        fields = list(model.model_fields)
        absent = [name for name in fields if name not in data]
        for key in keys:
            key_node = node.key_node(key) or node
            value = node.get(key)
            hint = (
                did_you_mean(key, fields, absent)
                or f"known keys: {', '.join(fields)}; or an x- key of your own"
            )
            if " " in key and isinstance(value, Scalar) and value.plain and value.value == "":
                # `{name: Major, description: a, b}` reads 'b' as a key of its own.
                hint = "a comma inside { } starts a new key: quote text that contains commas"
            problems.append(_problem(key_node, (*path, key), "unknown-key", f"unknown key '{key}'", hint))
    return problems


def attach_nodes(record: BaseModel, node: AnyNode, path: tuple[LocPart, ...] = ()) -> None:
    """Give every record in the tree its node and field path, so rules can point at lines."""
    if isinstance(record, Record):
        object.__setattr__(record, "_node", node)  # records are frozen; these are not fields
        object.__setattr__(record, "_path", path)
        if not record.located_children:
            return
    if not isinstance(node, Map):
        return
    for name in type(record).__pydantic_fields__:
        child = node.get(name)
        value = getattr(record, name)
        if child is None:
            continue
        if isinstance(value, BaseModel):
            attach_nodes(value, child, (*path, name))
        elif isinstance(value, tuple) and isinstance(child, Seq):
            for i, (item, item_node) in enumerate(zip(value, child.items, strict=False)):
                if isinstance(item, BaseModel):
                    attach_nodes(item, item_node, (*path, name, i))


def where(record: Record, *parts: LocPart) -> tuple[Location, str]:
    """Location and field path of a field of *record* (the record itself when *parts* is empty);
    the nearest existing node when the field is absent."""
    node = node_at(record._node, parts)[0]
    return node.location, format_path((*record._path, *parts))


def problem_at(
    record: Record,
    parts: Sequence[LocPart],
    severity: Severity,
    code: str,
    message: str,
    hint: str = "",
) -> Problem:
    location, path = where(record, *parts)
    return Problem(location, severity, code, path, message, hint)


def build_record(model: type[R], root: AnyNode) -> tuple[R | None, list[Problem]]:
    """Validate *root* as a *model*; the record (None when invalid) and every problem found."""
    tracked = _Tracked()
    data = tracked.convert(root)
    context: dict[str, Any] = {"unknown_keys": []}
    problems: list[Problem] = []
    record: R | None
    try:
        record = model.model_validate(data, context=context)
    except ValidationError as exc:
        record = None
        problems.extend(_translate(root, error) for error in exc.errors(include_url=False))
    unknown = _unknown_key_problems(tracked, context["unknown_keys"])
    # A reference whose only key was a typo ({team: x}) is "unknown key", not also "names none".
    typo_paths = {p.path.rpartition(".")[0] for p in unknown}
    problems = [p for p in problems if not (p.code == "bad-reference" and p.path in typo_paths)]
    problems.extend(unknown)
    if record is not None:
        if problems:  # unknown keys make the file invalid too
            return None, problems
        attach_nodes(record, root)
    return record, problems
