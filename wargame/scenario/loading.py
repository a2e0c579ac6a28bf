"""Reading scenario files: safe YAML with line numbers, ``extends`` merging, and validation.

``load_scenario`` is the only entry point the rest of the kit uses. It returns a validated,
read-only ``Scenario`` or raises ``ScenarioError`` listing every problem at once.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path as FilePath
from typing import Any

import yaml
from pydantic import ValidationError

from .checks import cross_reference_problems
from .errors import MISSING, Problem, ScenarioError, allowed_list, did_you_mean, show_value
from .schema import Scenario

ASSETS = FilePath(os.environ.get("WARGAME_ASSETS", FilePath(__file__).resolve().parents[2] / "assets"))
SCENARIO_DIR = ASSETS / "scenarios"
MAX_EXTENDS_DEPTH = 8

# Where each field was written: field path -> (file, line).
LineMap = dict[tuple, tuple[str, int]]


def shipped_scenarios() -> list[str]:
    """Names of the scenarios shipped in ``assets/scenarios``."""
    return sorted(p.stem for p in SCENARIO_DIR.glob("*.yaml"))


def resolve_scenario_path(name_or_path: str | os.PathLike) -> FilePath:
    """A file path for a shipped scenario's name, or the path itself."""
    candidate = FilePath(name_or_path)
    if candidate.suffix in (".yaml", ".yml") or candidate.exists() or os.sep in str(name_or_path):
        return candidate
    shipped = SCENARIO_DIR / f"{name_or_path}.yaml"
    if shipped.exists():
        return shipped
    raise ScenarioError(
        [
            Problem(
                str(name_or_path),
                0,
                (),
                MISSING,
                f"no scenario of that name (allowed: {allowed_list(shipped_scenarios())})"
                + did_you_mean(str(name_or_path), shipped_scenarios()),
            )
        ]
    )


def load_scenario(name_or_path: str | os.PathLike) -> Scenario:
    """Read, merge and validate a scenario by shipped name or by file path."""
    path = resolve_scenario_path(name_or_path)
    data, lines = read_merged(path, chain=())
    scenario = validate(data, lines, str(path))
    object.__setattr__(scenario, "__pydantic_private__", dict(scenario.__pydantic_private__))
    scenario._name = path.stem
    scenario._path = str(path)
    scenario._content_hash = hashlib.sha256(scenario.model_dump_json().encode()).hexdigest()[:16]
    return scenario


def validate(data: Any, lines: LineMap, file: str) -> Scenario:
    """Check merged scenario data against the schema and the cross-references."""
    problems = []
    if not isinstance(data, dict):
        raise ScenarioError([Problem(file, 1, (), MISSING, "a scenario file must be a mapping of fields")])
    scenario = None
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as error:
        problems += [_problem_from_pydantic(e, data, lines, file) for e in error.errors()]
    problems += [
        Problem(*_locate(path, data, lines, file), path, _value_at(data, path), message)
        for path, message in cross_reference_problems(data)
    ]
    if problems:
        raise ScenarioError(_unique(problems))
    return scenario


def _unique(problems: list[Problem]) -> list[Problem]:
    seen, kept = set(), []
    for problem in problems:
        key = (problem.file, problem.line, problem.path, problem.message)
        if key not in seen:
            seen.add(key)
            kept.append(problem)
    return kept


# --- reading YAML -----------------------------------------------------------------------------


def read_merged(path: FilePath, chain: tuple) -> tuple[dict, LineMap]:
    """A file's data merged over the scenario it ``extends`` (mappings merge, lists replace)."""
    data, lines = read_yaml(path)
    parent_name = data.get("extends") if isinstance(data, dict) else None
    if parent_name is None:
        return data, lines
    where = lines.get(("extends",), (str(path), 1))
    if not isinstance(parent_name, str):
        raise ScenarioError([Problem(*where, ("extends",), parent_name, "must be a scenario name")])
    if parent_name in chain or len(chain) >= MAX_EXTENDS_DEPTH:
        raise ScenarioError(
            [Problem(*where, ("extends",), parent_name, "scenarios extend each other in a loop")]
        )
    try:
        parent_path = resolve_scenario_path(parent_name)
    except ScenarioError as error:
        raise ScenarioError(
            [Problem(*where, ("extends",), parent_name, error.problems[0].message)]
        ) from None
    if not parent_path.exists():
        raise ScenarioError([Problem(*where, ("extends",), parent_name, "no such scenario file")])
    parent_data, parent_lines = read_merged(parent_path, chain + (parent_name,))
    merged = merge(parent_data, data)
    merged_lines = {**parent_lines, **_drop_replaced(parent_lines, data), **lines}
    merged.pop("extends", None)
    merged_lines.pop(("extends",), None)
    return merged, merged_lines


def merge(base: Any, override: Any) -> Any:
    """Deep merge for ``extends``: mappings merge key by key, anything else is replaced."""
    if isinstance(base, dict) and isinstance(override, dict):
        result = dict(base)
        for key, value in override.items():
            result[key] = merge(base[key], value) if key in base else value
        return result
    return override


def _drop_replaced(parent_lines: LineMap, override: Any) -> LineMap:
    """Line marks of the parent that an override replaced wholesale (a list, a scalar) are gone."""
    return {
        path: where
        for path, where in parent_lines.items()
        if not _replaced(path, override)
    }


def _replaced(path: tuple, override: Any) -> bool:
    node = override
    for part in path:
        if not isinstance(node, dict):
            return True
        if part not in node:
            return False
        node = node[part]
    return False


def read_yaml(path: FilePath) -> tuple[Any, LineMap]:
    """Parse one YAML file safely, keeping the line on which each field was written."""
    file = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError([Problem(file, 0, (), MISSING, "file not found")]) from None
    except (OSError, UnicodeDecodeError) as error:
        raise ScenarioError([Problem(file, 0, (), MISSING, f"cannot read the file: {error}")]) from None
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise ScenarioError([Problem(file, 1, (), MISSING, "the file is empty")])
        lines: LineMap = {}
        problems: list[Problem] = []
        _mark_lines(node, (), lines, problems, file)
        data = loader.construct_document(node)
    except yaml.constructor.ConstructorError as error:
        line = error.problem_mark.line + 1 if error.problem_mark else 0
        tag = getattr(error.problem_mark, "name", "")
        raise ScenarioError(
            [
                Problem(
                    file,
                    line,
                    (),
                    MISSING,
                    "refused: "
                    + (error.problem or "this YAML tag is not plain data").replace(
                        "could not determine a constructor for the tag", "the tag"
                    )
                    + " would construct a Python object; scenario files hold plain data only"
                    + ("" if tag else ""),
                )
            ]
        ) from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 0
        raise ScenarioError(
            [Problem(file, line, (), MISSING, f"not valid YAML: {error.problem or error}")]
        ) from None
    except yaml.YAMLError as error:
        raise ScenarioError([Problem(file, 0, (), MISSING, f"not valid YAML: {error}")]) from None
    finally:
        loader.dispose()
    if problems:
        raise ScenarioError(problems)
    return data, lines


def _mark_lines(node: yaml.Node, path: tuple, lines: LineMap, problems: list, file: str) -> None:
    lines.setdefault(path, (file, node.start_mark.line + 1))
    if isinstance(node, yaml.MappingNode):
        seen = {}
        for key_node, value_node in node.value:
            key = _scalar_key(key_node)
            if key in seen:
                problems.append(
                    Problem(
                        file,
                        key_node.start_mark.line + 1,
                        path + (key,),
                        MISSING,
                        f"written twice (first on line {seen[key]}); keep one",
                    )
                )
            seen[key] = key_node.start_mark.line + 1
            lines[path + (key,)] = (file, key_node.start_mark.line + 1)
            _mark_lines(value_node, path + (key,), lines, problems, file)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _mark_lines(item, path + (index,), lines, problems, file)


def _scalar_key(node: yaml.Node) -> Any:
    """A mapping key as the constructed document will hold it (ints stay ints)."""
    if isinstance(node, yaml.ScalarNode):
        if node.tag == "tag:yaml.org,2002:int":
            try:
                return int(node.value.replace("_", ""))
            except ValueError:
                return node.value
        return node.value
    return str(node.value)


# --- pydantic errors to problems --------------------------------------------------------------


def _locate(path: tuple, data: Any, lines: LineMap, file: str) -> tuple[str, int]:
    """The file and line of a field, or of its nearest written parent."""
    for end in range(len(path), -1, -1):
        if path[:end] in lines:
            return lines[path[:end]]
    return file, 1


def _value_at(data: Any, path: tuple) -> Any:
    node = data
    for part in path:
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            return MISSING
    return node


def _data_path(loc: tuple, data: Any) -> tuple:
    """A pydantic error location as a path in the data (union tags and wrappers dropped)."""
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
        elif isinstance(node, dict) and isinstance(part, str) and "[" not in part and not last:
            # a key that is absent here: a union tag such as an event's type; skip it
            continue
    return tuple(path)


def _allowed_keys(loc_path: tuple, data: Any) -> list[str]:
    """The keys a section accepts, found by walking the schema along the path."""
    from typing import get_args, get_origin

    from pydantic import BaseModel

    model: Any = Scenario
    node = data
    for part in loc_path[:-1]:
        node = node[part] if isinstance(node, (dict, list)) else None
        model = _child_model(model, part, node)
        if model is None:
            return []
    if isinstance(model, type) and issubclass(model, BaseModel):
        return list(model.model_fields)
    return []


def _child_model(model: Any, part: Any, node: Any) -> Any:
    from typing import Annotated, Union, get_args, get_origin

    from pydantic import BaseModel

    def unwrap(annotation: Any) -> Any:
        while get_origin(annotation) is Annotated:
            annotation = get_args(annotation)[0]
        return annotation

    if isinstance(model, type) and issubclass(model, BaseModel):
        field = model.model_fields.get(part)
        if field is None:
            return None
        annotation = unwrap(field.annotation)
        if get_origin(annotation) is Annotated:
            annotation = unwrap(annotation)
    else:
        annotation = unwrap(model)
        origin = get_origin(annotation)
        if origin is dict:
            annotation = unwrap(get_args(annotation)[1])
        elif origin is tuple or origin is list:
            annotation = unwrap(get_args(annotation)[0])
        else:
            return None
    annotation = unwrap(annotation)
    origin = get_origin(annotation)
    if origin is Union or str(origin) == "types.UnionType":
        members = [unwrap(a) for a in get_args(annotation) if a is not type(None)]
        if isinstance(node, dict) and "type" in node:
            for member in members:
                if isinstance(member, type) and issubclass(member, BaseModel):
                    tag = member.model_fields.get("type")
                    if tag is not None and node["type"] in get_args(tag.annotation):
                        return member
        models = [m for m in members if isinstance(m, type) and issubclass(m, BaseModel)]
        return models[0] if len(models) == 1 else (members[0] if members else None)
    return annotation


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


def _problem_from_pydantic(error: dict, data: Any, lines: LineMap, file: str) -> Problem:
    kind, ctx = error["type"], error.get("ctx", {})
    path = _data_path(tuple(error["loc"]), data)
    value = _value_at(data, path)
    where = _locate(path, data, lines, file)
    if kind == "missing":
        message = "required field is missing"
        value = MISSING
    elif kind == "extra_forbidden":
        allowed = _allowed_keys(path, data)
        message = f"unknown field (allowed: {allowed_list(allowed)})" + did_you_mean(path[-1], allowed)
        value = MISSING
    elif kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        symbol = {"greater_than": ">", "greater_than_equal": ">=", "less_than": "<", "less_than_equal": "<="}[kind]
        limit = next(iter(ctx.values()))
        message = f"out of range (allowed: {symbol} {limit})"
    elif kind in ("literal_error", "enum"):
        expected = str(ctx.get("expected", "")).replace("'", "")
        message = f"not a known choice (allowed: {expected})"
        choices = [c.strip() for c in expected.replace(" or ", ",").split(",") if c.strip()]
        message += did_you_mean(value, choices)
    elif kind == "union_tag_invalid":
        expected = str(ctx.get("expected_tags", "")).replace("'", "")
        message = f"unknown event type (allowed: {expected})"
        path = path + ("type",) if path and path[-1] != "type" else path
        value = _value_at(data, path)
        where = _locate(path, data, lines, file)
        message += did_you_mean(value, [c.strip() for c in expected.split(",")])
    elif kind == "union_tag_not_found":
        message = "an event needs a `type` (allowed: delivery, funding, legal_regime, import_market, jamming)"
    elif kind == "string_pattern_mismatch":
        message = "not a valid id (allowed: lower-case letters, digits and _, starting with a letter)"
    elif kind in ("too_short", "too_long"):
        message = "needs at least one entry" if kind == "too_short" else "too many entries"
        limit = ctx.get("min_length", ctx.get("max_length"))
        message += f" (allowed: {'at least' if kind == 'too_short' else 'at most'} {limit})"
    elif kind in _TYPE_WORDS:
        message = f"wrong kind of value (allowed: {_TYPE_WORDS[kind]})"
    elif kind == "value_error":
        message = str(ctx.get("error", error["msg"]))
        if isinstance(value, dict) and "value" in value and message.startswith("out of range"):
            path, value = path + ("value",), value["value"]
            where = _locate(path, data, lines, file)
    else:
        message = error["msg"]
    if isinstance(value, dict) and kind not in ("missing", "extra_forbidden") and path:
        value = "{...}"
    return Problem(where[0], where[1], path, value, message)


__all__ = ["load_scenario", "shipped_scenarios", "ScenarioError", "show_value", "merge"]
