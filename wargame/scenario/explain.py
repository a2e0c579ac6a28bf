"""pydantic's validation errors explained as problems an instructor can act on.

pydantic reports a location such as ``('events', 0, 'delivery', 'units')`` and a terse type
such as ``greater_than_equal``. This module turns each into a ``Problem``: the path as written
in the file (``events[0].units``), the line it was written on, the value, and a message that
says what is wrong and what is allowed, with both limits of a range and a did-you-mean for a
misspelt key or id. To do so it walks the schema along the path (``schema_at``).
"""

from __future__ import annotations

import math
import re
from typing import Annotated, Any, Union, get_args, get_origin

import annotated_types
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from .errors import MISSING, Problem, allowed_list, closest, did_you_mean, number
from .schema import Scenario, Sourced

# Where each field was written: field path -> (file, line).
LineMap = dict[tuple, tuple[str, int]]


# --- where a field is, and what the schema says about it -------------------------------------


def locate(path: tuple, lines: LineMap, file: str) -> tuple[str, int]:
    """The file and line of a field, or of its nearest written parent."""
    for end in range(len(path), -1, -1):
        if path[:end] in lines:
            return lines[path[:end]]
    return file, 1


def value_at(data: Any, path: tuple) -> Any:
    """The value written at ``path``, or ``MISSING``."""
    node = data
    for part in path:
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            return MISSING
    return node


def _unwrap(spec: Any) -> tuple[Any, list]:
    """A schema type without its ``Annotated``/``Field`` layers, and the constraints they held."""
    metadata: list = []
    while True:
        if isinstance(spec, FieldInfo):
            metadata += spec.metadata
            spec = spec.annotation
        elif get_origin(spec) is Annotated:
            base, *extras = get_args(spec)
            for extra in extras:
                metadata += extra.metadata if isinstance(extra, FieldInfo) else [extra]
            spec = base
        else:
            return spec, metadata


def _is_model(spec: Any) -> bool:
    return isinstance(spec, type) and issubclass(spec, BaseModel)


def _pick_member(spec: Any, node: Any) -> Any:
    """For a union (an event, an optional section), the member that fits the data written."""
    if get_origin(spec) is not Union and type(spec).__name__ != "UnionType":
        return spec
    members = [_unwrap(m)[0] for m in get_args(spec) if m is not type(None)]
    if isinstance(node, dict) and "type" in node:
        for member in members:
            if _is_model(member) and "type" in member.model_fields:
                if node["type"] in get_args(_unwrap(member.model_fields["type"])[0]):
                    return member
    models = [m for m in members if _is_model(m)]
    return models[0] if len(models) == 1 else (members[0] if len(members) == 1 else spec)


def _child_spec(spec: Any, part: Any, node: Any) -> Any:
    """The schema of ``part`` inside a value of schema ``spec`` (``node`` is that value)."""
    base = _pick_member(_unwrap(spec)[0], node)
    if _is_model(base):
        return base.model_fields.get(part)
    origin, args = get_origin(base), get_args(base)
    if origin is dict:
        return args[1]
    if origin is list or (origin is tuple and len(args) == 2 and args[1] is Ellipsis):
        return args[0]
    if origin is tuple and isinstance(part, int) and 0 <= part < len(args):
        return args[part]
    return None


def schema_at(path: tuple, data: Any) -> Any:
    """The schema (a type or a pydantic ``FieldInfo``) for the value at ``path``, or ``None``."""
    spec: Any = Scenario
    node = data
    for part in path:
        spec = _child_spec(spec, part, node)
        if spec is None:
            return None
        node = value_at(node, (part,))
    return spec


def _model_at(path: tuple, data: Any) -> type[BaseModel] | None:
    spec = schema_at(path, data)
    base = _pick_member(_unwrap(spec)[0], value_at(data, path)) if spec is not None else None
    return base if _is_model(base) else None


def allowed_keys(path: tuple, data: Any) -> list[str]:
    """The keys the section at ``path`` accepts."""
    model = _model_at(path, data)
    return list(model.model_fields) if model else []


_SYMBOLS = {"gt": ">", "ge": ">=", "lt": "<", "le": "<="}
_BOUNDS = (annotated_types.Gt, annotated_types.Ge, annotated_types.Lt, annotated_types.Le)


def _limits(path: tuple, data: Any) -> str | None:
    """Both limits of a number field, such as ``>= 0 and <= 1``, read from the schema."""
    spec = schema_at(path, data)
    if spec is None:
        return None
    parts = []
    for bound in _unwrap(spec)[1]:
        if isinstance(bound, _BOUNDS):
            name = type(bound).__name__.lower()
            parts.append((name.startswith("l"), f"{_SYMBOLS[name]} {number(getattr(bound, name))}"))
    return " and ".join(text for _, text in sorted(parts)) or None


def _one_limit(ctx: dict) -> str:
    """The one limit pydantic reports, as in ``{'ge': 0}`` -> ``>= 0``."""
    name, limit = next((k, v) for k, v in ctx.items() if k in _SYMBOLS)
    return f"{_SYMBOLS[name]} {number(limit)}"


def _event_types(path: tuple, data: Any) -> list[str]:
    spec = schema_at(path, data)
    members = get_args(_unwrap(spec)[0]) if spec is not None else ()
    return [tag for m in members if _is_model(m) for tag in get_args(_unwrap(m.model_fields["type"])[0])]


def _data_path(loc: tuple, data: Any) -> tuple:
    """A pydantic error location as a path in the data (union tags and ``[key]`` dropped)."""
    path, node = [], data
    for index, part in enumerate(loc):
        last = index == len(loc) - 1
        if isinstance(node, dict) and part in node:
            path.append(part)
            node = node[part]
        elif isinstance(node, dict) and isinstance(part, str) and part.isdigit() and int(part) in node:
            path.append(int(part))
            node = node[int(part)]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            path.append(part)
            node = node[part]
        elif last and isinstance(node, dict) and isinstance(part, str) and "[" not in part:
            path.append(part)
        # anything else is a union tag such as an event's type, or pydantic's "[key]": skip it
    return tuple(path)


# --- what pydantic lets through -----------------------------------------------------------------


def loose_numbers(data: Any, path: tuple = (), root: Any = None) -> list[tuple]:
    """``(path, message)`` for each number field holding true/false, ``.nan`` or ``.inf``.

    pydantic reads ``true`` as 1 in a number field (``turns: yes`` would make a one-turn game),
    and no lower limit stops ``.inf``.
    """
    root = data if root is None else root
    if isinstance(data, (bool, float)):
        return _loose_number(data, path, root)
    if isinstance(data, str) and _EXPONENT_TEXT.fullmatch(data.strip()):
        return _number_read_as_text(data, path, root)
    if isinstance(data, dict):
        entries = data.items()
    elif isinstance(data, list):
        entries = enumerate(data)
    else:
        return []
    return [found for key, value in entries for found in loose_numbers(value, path + (key,), root)]


def _loose_number(value: bool | float, path: tuple, root: Any) -> list[tuple]:
    spec = schema_at(path, root)
    base = _pick_member(_unwrap(spec)[0], value) if spec is not None else None
    if base not in (int, float, Sourced):
        return []
    kind = "a whole number" if base is int else "a number"
    if isinstance(value, bool) and base is not Sourced:  # pydantic refuses true for a figure
        return [
            (path, f"wrong kind of value (allowed: {kind}; YAML reads yes, no, on and off as true/false)")
        ]
    if not math.isfinite(value):
        return [(path, f"not a finite number (allowed: {kind}, not .nan or .inf)")]
    return []


# A number in exponent form that YAML 1.1 (PyYAML) reads as text: it needs a dot in the
# mantissa and a sign in the exponent (1.5e+3), so 1.5e3 and 1e+6 are read as text.
_EXPONENT_TEXT = re.compile(r"[-+]?[0-9][0-9_]*(\.[0-9_]*)?[eE][-+]?[0-9]+")


def _number_read_as_text(text: str, path: tuple, root: Any) -> list[tuple]:
    spec = schema_at(path, root)
    base = _pick_member(_unwrap(spec)[0], text) if spec is not None else None
    if base not in (int, float, Sourced):
        return []
    kind = "a whole number" if base is int else "a number"
    value = float(text.strip().replace("_", ""))
    if not math.isfinite(value):
        return [(path, f"not a finite number (allowed: {kind}, not .nan or .inf)")]
    return [(path, f"YAML reads {text.strip()} as text, not a number (allowed: {kind}; write {how_to_write(value)})")]


def how_to_write(value: float) -> str:
    """A number as YAML reads it, plainly and in exponent form: ``1500 or 1.5e+3``."""
    mantissa, exponent = f"{value:.15e}".split("e")
    mantissa = mantissa.rstrip("0")
    scientific = f"{mantissa}{'0' if mantissa.endswith('.') else ''}e{int(exponent):+d}"
    plain = f"{value:.15f}".rstrip("0").rstrip(".") if abs(value) < 1e16 else None
    if plain is None or len(plain) > 20:
        return scientific
    return f"{plain} or {scientific}"


# --- pydantic errors to problems --------------------------------------------------------------

_TYPE_WORDS = {
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "string_type": "text",
    "dict_type": "a mapping of keys to values",
    "model_type": "a mapping of keys to values",
    "model_attributes_type": "a mapping of keys to values",
    "list_type": "a list",
    "tuple_type": "a list",
}

_LIMIT_KINDS = ("greater_than", "greater_than_equal", "less_than", "less_than_equal", "sourced_limit")

_SOURCED_WORDS = "a number, or a mapping with value: and optional source:, range:, contested:, note:"

_ID_RULE = "lower-case letters, digits and _, starting with a letter"


def pydantic_problems(
    errors: list[dict],
    data: Any,
    lines: LineMap,
    file: str,
    checked_paths: set[tuple] = frozenset(),
    explained_paths: set[tuple] = frozenset(),
) -> list[Problem]:
    """pydantic's errors as problems, less those another problem already explains.

    A missing field is not reported when a misspelt key next to it is (the did-you-mean says it
    all), an id that breaks the id pattern is not reported when a cross-reference check has
    already found it unknown at the same place (``checked_paths``), and a limit broken by
    ``.nan`` or ``.inf`` is left to ``loose_numbers``, which says "not a finite number", as is
    any other value it has explained (``explained_paths``, such as ``1.5e3`` read as text).
    """
    suggested = set()
    for error in errors:
        if error["type"] in ("extra_forbidden", "invalid_key"):
            path = _data_path(tuple(error["loc"]), data)
            match = closest(path[-1], allowed_keys(path[:-1], data)) if path else None
            if match:
                suggested.add(path[:-1] + (match,))
    problems = []
    for error in errors:
        path = _data_path(tuple(error["loc"]), data)
        if error["type"] == "missing" and path in suggested:
            continue
        if error["type"] == "string_pattern_mismatch" and path in checked_paths:
            continue
        if error["type"] in (*_LIMIT_KINDS, "finite_number") and _non_finite(error.get("input")):
            continue  # ``loose_numbers`` says "not a finite number"
        problem = problem_from_pydantic(error, data, lines, file)
        if path in explained_paths or problem.path in explained_paths:
            continue  # ``loose_numbers`` has said what is wrong with this value
        problems.append(problem)
    return problems


def _non_finite(value: Any) -> bool:
    """True for ``.nan`` or ``.inf``, written alone or as a sourced figure's value or range."""
    if isinstance(value, Sourced):
        return any(_non_finite(v) for v in (value.value, *(value.range or ())))
    if isinstance(value, dict):
        return any(_non_finite(v) for v in (value.get("value"), *_as_list(value.get("range"))))
    return isinstance(value, float) and not math.isfinite(value)


def _as_list(value: Any) -> list:
    return list(value) if isinstance(value, (list, tuple)) else []


def problem_from_pydantic(error: dict, data: Any, lines: LineMap, file: str) -> Problem:
    """One pydantic error as ``FILE:LINE: field.path = value: what is wrong (allowed: ...)``."""
    kind, ctx, loc = error["type"], error.get("ctx", {}), tuple(error["loc"])
    path = _data_path(loc, data)
    is_key = bool(loc) and loc[-1] == "[key]"
    value = MISSING if is_key else value_at(data, path)
    written = path[-1] if is_key and path else value
    message = error["msg"]
    if kind == "missing" and loc and isinstance(loc[-1], int):
        size = len(get_args(_unwrap(schema_at(path, data))[0])) if schema_at(path, data) else loc[-1] + 1
        allowed = "[low, high]" if path and path[-1] == "range" else f"a list of {size}"
        message = f"too few entries (allowed: {allowed})"
    elif kind == "missing":
        message = "required field is missing"
        value = MISSING
    elif kind in ("extra_forbidden", "invalid_key"):
        allowed = allowed_keys(path[:-1], data)
        message = f"unknown field (allowed: {allowed_list(allowed)})" + did_you_mean(path[-1], allowed)
        value = MISSING
    elif kind in _LIMIT_KINDS[:-1]:
        limits = _limits(path, data) or _one_limit(ctx)
        message = f"out of range (allowed: {limits})"
    elif kind in ("literal_error", "enum"):
        choices = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        noun = "key" if is_key else "choice"
        message = f"not a known {noun} (allowed: {', '.join(choices)})" + did_you_mean(written, choices)
    elif kind == "union_tag_invalid":
        choices = re.findall(r"'([^']*)'", str(ctx.get("expected_tags", "")))
        path = path + ("type",)
        value = value_at(data, path)
        message = f"unknown event type (allowed: {', '.join(choices)})" + did_you_mean(value, choices)
    elif kind == "union_tag_not_found":
        path, value = path + ("type",), MISSING
        message = f"required field is missing (allowed: {', '.join(_event_types(path[:-1], data))})"
    elif kind == "string_pattern_mismatch":
        message = f"not a valid id (allowed: {_ID_RULE})"
        suggestion = _as_id(written)
        message += f"; did you mean {suggestion!r}?" if suggestion else ""
    elif kind in ("too_short", "too_long"):
        limit = ctx.get("min_length") if kind == "too_short" else ctx.get("max_length")
        message = (
            f"needs at least {limit} entr{'y' if limit == 1 else 'ies'} (allowed: at least {limit})"
            if kind == "too_short"
            else f"too many entries (allowed: at most {limit})"
        )
    elif kind in ("model_type", "model_attributes_type") and _is_sourced(path, data):
        message = f"wrong kind of value (allowed: {_SOURCED_WORDS})"
    elif kind in _TYPE_WORDS:
        message = f"wrong kind of value (allowed: {_TYPE_WORDS[kind]})"
        if kind == "string_type" and _looks_like_text(value):
            message = f'{message[:-1]}; put it in quotes, e.g. "{value}")'
    elif kind == "sourced_limit":
        if isinstance(value, dict) and ctx["part"] in value:
            path, value = path + (ctx["part"],), value[ctx["part"]]
        message = ctx["message"]
    return Problem(*locate(path, lines, file), path, value, message)


def _looks_like_text(value: Any) -> bool:
    """A number or date that YAML read as such but the field wants as text (``version: 1.0``)."""
    is_number = isinstance(value, (int, float)) and not isinstance(value, bool)
    return is_number or type(value).__name__ in ("date", "datetime")


def _is_sourced(path: tuple, data: Any) -> bool:
    spec = schema_at(path, data)
    return spec is not None and _unwrap(spec)[0] is Sourced


def _as_id(word: Any) -> str | None:
    """A valid id close to ``word`` (``Interceptor Drone`` -> ``interceptor_drone``), if any."""
    text = re.sub(r"[^a-z0-9_]+", "_", str(word).strip().lower()).strip("_")
    text = re.sub(r"^[^a-z]+", "", text)
    return text if text and text != word else None
