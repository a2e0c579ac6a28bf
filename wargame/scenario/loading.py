"""Reading scenario files: safe YAML with line numbers, ``extends`` merging, and validation.

``load_scenario`` is the only entry point the rest of the kit uses. It returns a validated,
read-only ``Scenario`` or raises ``ScenarioError`` listing every problem at once, each as
``FILE:LINE: field.path = value: what is wrong (allowed: ...)``.

The steps, each a small function: find the file (``resolve_scenario_path``), read it as plain
YAML data while noting the line of every field (``read_yaml``), merge it over the scenario it
``extends`` (``read_merged``), then check it against the schema and the cross-references
(``validate``), turning pydantic's errors into problems an instructor can act on.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterator
from pathlib import Path as FilePath
from typing import Any

import yaml
from pydantic import ValidationError

from ..files import MEGABYTE, FileRefused, contained_path, read_bounded_text
from .checks import cross_reference_problems
from .errors import MISSING, Problem, ScenarioError, allowed_list, did_you_mean, show_value
from .explain import LineMap, locate, loose_numbers, pydantic_problems, value_at
from .schema import Scenario
from .yaml_limits import BoundedLoader, FastBoundedLoader, LimitExceeded, unprintable_character

ASSETS = FilePath(os.environ.get("WARGAME_ASSETS", FilePath(__file__).resolve().parents[2] / "assets"))
SCENARIO_DIR = ASSETS / "scenarios"
MAX_EXTENDS_DEPTH = 8
MAX_FILE_BYTES = MEGABYTE  # the shipped scenarios are about 20 KB each
PYYAML_MESSAGES_UP_TO = 128 * 1024  # characters: a larger file's syntax error is libyaml's
SUFFIXES = (".yaml", ".yml")


def shipped_scenarios() -> list[str]:
    """Names of the scenarios shipped in ``assets/scenarios``."""
    return sorted(p.stem for p in SCENARIO_DIR.glob("*.yaml"))


def is_scenario_name(text: str) -> bool:
    """True for a bare name such as ``tutorial``; False for anything that looks like a path."""
    return bool(text) and FilePath(text).name == text and not FilePath(text).suffix


def resolve_scenario_path(name_or_path: str | os.PathLike, beside: FilePath | None = None) -> FilePath:
    """The file of a scenario given by path or by name.

    A name is looked up beside the file that names it (``beside``, for ``extends``), then among
    the shipped scenarios. A path in ``extends`` must stay in the extending file's folder: it
    is read from there, and an absolute path, ``..`` or a link out of the folder is refused, so
    a shared scenario cannot make the kit read (and quote) files elsewhere on the machine. A
    name that matches nothing is a ``ScenarioError`` listing the shipped names.
    """
    text = os.fspath(name_or_path)
    if beside is None and (not is_scenario_name(text) or FilePath(text).is_file()):
        return FilePath(text)
    if not is_scenario_name(text):
        return _beside(text, beside)
    for suffix in SUFFIXES:
        if beside is not None and (beside / f"{text}{suffix}").exists():  # a pipe too: refused when read
            return _beside(f"{text}{suffix}", beside)
    for suffix in SUFFIXES:
        if (SCENARIO_DIR / f"{text}{suffix}").is_file():
            return SCENARIO_DIR / f"{text}{suffix}"
    names = shipped_scenarios()
    message = f"no scenario of that name (allowed: {allowed_list(names)} or a path to a .yaml file)"
    raise ScenarioError([Problem(text, 0, (), MISSING, message + did_you_mean(text, names))])


_EXTENDS_ALLOWED = "allowed: a shipped name such as tutorial, or a .yaml file in this file's folder"


def _beside(reference: str, folder: FilePath) -> FilePath:
    """The file ``reference`` names in ``folder`` (or below it), refused if it leads elsewhere."""
    try:
        path = contained_path(reference, folder)
    except FileRefused as refused:
        reason = str(refused).split(" (allowed:")[0]
        raise ScenarioError([Problem(reference, 0, (), MISSING, f"{reason} ({_EXTENDS_ALLOWED})")]) from None
    if path.suffix.lower() not in SUFFIXES:
        message = f"not a scenario file: its name must end in .yaml ({_EXTENDS_ALLOWED})"
        raise ScenarioError([Problem(reference, 0, (), MISSING, message)])
    return path


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
    """Check merged scenario data against the schema and the cross-references.

    Every problem is collected before anything is raised, so an instructor sees them all.
    """
    not_a_scenario = _not_a_scenario(data)
    if not_a_scenario:
        raise ScenarioError([Problem(file, lines.get((), (file, 1))[1], (), MISSING, not_a_scenario)])
    loose = loose_numbers(data)
    found = cross_reference_problems(data) + loose
    checked_paths = {entry[0] for entry in found}
    scenario, problems = None, []
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as error:
        explained = {entry[0] for entry in loose}
        problems += pydantic_problems(error.errors(), data, lines, file, checked_paths, explained)
    for path, message, *value in found:
        where = locate(path, lines, file)
        problems.append(Problem(*where, path, value[0] if value else value_at(data, path), message))
    if problems:
        raise ScenarioError(_note_inherited(_unique(problems), file))
    return scenario


def _not_a_scenario(data: Any) -> str | None:
    """Why the data is not a scenario at all (then one line beats a list of missing fields)."""
    if isinstance(data, dict) and any(key in Scenario.model_fields for key in data):
        return None
    if isinstance(data, dict):
        found = show_value(list(data))
        such_as = "such as title:, turns: or catalogue:"
        return f"not a scenario: none of its keys is a scenario field {such_as} (found: {found})"
    kind = "a list" if isinstance(data, list) else f"the single value {show_value(data)}"
    return f"not a scenario: the file holds {kind}, not a mapping of fields such as title: and turns:"


def _unique(problems: list[Problem]) -> list[Problem]:
    """The problems without repeats (the schema and a check may find the same one)."""
    seen, kept = set(), []
    for problem in problems:
        key = (problem.file, problem.line, problem.path, problem.message)
        if key not in seen:
            seen.add(key)
            kept.append(problem)
    return kept


def _note_inherited(problems: list[Problem], file: str) -> list[Problem]:
    """Say so when a problem sits in a scenario that ``file`` extends: fix it by overriding."""
    own = FilePath(file).name
    return [
        p
        if p.file == file or not p.line
        else Problem(p.file, p.line, p.path, p.value, f"{p.message}; inherited by {own}: override it there")
        for p in problems
    ]


# --- reading YAML -----------------------------------------------------------------------------


def read_merged(path: FilePath, chain: tuple[FilePath, ...]) -> tuple[dict, LineMap]:
    """A file's data merged over the scenario it ``extends`` (mappings merge, lists replace,
    ``null`` removes a key).

    ``chain`` holds the files already being read, to refuse a loop of ``extends``.
    """
    data, lines = read_yaml(path)
    parent_name = data.get("extends") if isinstance(data, dict) else None
    if parent_name is None:
        return data, lines
    where = lines.get(("extends",), (str(path), 1))
    if not isinstance(parent_name, str) or not parent_name.strip():
        raise ScenarioError(
            [
                Problem(
                    *where,
                    ("extends",),
                    parent_name,
                    "must be a scenario name (allowed: a name such as tutorial, or a path to a .yaml file)",
                )
            ]
        )
    try:
        parent_path = resolve_scenario_path(parent_name, beside=path.parent)
    except ScenarioError as error:
        raise ScenarioError([Problem(*where, ("extends",), parent_name, error.problems[0].message)]) from None
    here = chain + (path.resolve(),)
    if parent_path.resolve() in here:
        loop = " -> ".join(p.stem for p in here + (parent_path.resolve(),))
        raise ScenarioError(
            [Problem(*where, ("extends",), parent_name, f"scenarios extend each other in a loop: {loop}")]
        )
    if len(here) >= MAX_EXTENDS_DEPTH:  # with the parent, the chain would be longer
        message = f"too many scenarios extend one another (allowed: at most {MAX_EXTENDS_DEPTH} in a chain)"
        raise ScenarioError([Problem(*where, ("extends",), parent_name, message)])
    if not parent_path.exists():
        raise ScenarioError([Problem(*where, ("extends",), parent_name, "no such scenario file")])
    parent_data, parent_lines = read_merged(parent_path, here)
    if _not_a_scenario(parent_data):
        raise ScenarioError([Problem(str(parent_path), 1, (), MISSING, _not_a_scenario(parent_data))])
    merged = merge(parent_data, data)
    merged_lines = {**_drop_replaced(parent_lines, data), **lines}
    return merged, merged_lines


def merge(base: Any, override: Any) -> Any:
    """Deep merge for ``extends``: mappings merge key by key, anything else is replaced.

    A key set to ``null`` in the override is removed (as in JSON Merge Patch, RFC 7386), so that
    a shorter scenario can drop, say, the narrative of turns it no longer has. Every field that
    accepts ``null`` has ``null`` as its default, so removing it changes nothing else.
    """
    if isinstance(base, dict) and isinstance(override, dict):
        result = dict(base)
        for key, value in override.items():
            if value is None:
                result.pop(key, None)
            else:
                result[key] = merge(base[key], value) if key in base else value
        return result
    return override


def _drop_replaced(parent_lines: LineMap, override: Any) -> LineMap:
    """The parent's line marks, less those under a value the override replaced (a list, a scalar)."""
    return {path: where for path, where in parent_lines.items() if not _replaced(path, override)}


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
    """Parse one YAML file safely, keeping the line on which each field was written.

    Only plain data is built: a tag that would construct a Python object is refused before
    anything is constructed, as are keys written twice, and a file over the limits of
    ``yaml_limits`` (aliases that expand too far, nesting too deep) is refused while parsing.
    libyaml parses first, for speed; a file it cannot parse is read again by PyYAML's own
    parser, whose messages say more about what to fix (up to ``PYYAML_MESSAGES_UP_TO``, past
    which that would take seconds and libyaml's message is given).
    """
    file = str(path)
    text = _read_text(path)
    unprintable = unprintable_character(text)
    if unprintable:
        raise ScenarioError([Problem(file, unprintable.line, (), MISSING, unprintable.message)])
    try:
        return _parse(text, file, FastBoundedLoader)
    except yaml.YAMLError as error:
        if len(text) > PYYAML_MESSAGES_UP_TO and isinstance(error, yaml.MarkedYAMLError):
            raise ScenarioError([_yaml_problem(error, file)]) from None  # PyYAML would take seconds
    try:
        return _parse(text, file, BoundedLoader)
    except yaml.MarkedYAMLError as error:
        raise ScenarioError([_runaway_quote(text, file) or _yaml_problem(error, file)]) from None
    except yaml.YAMLError as error:
        raise ScenarioError([Problem(file, 0, (), MISSING, f"not valid YAML: {error}")]) from None


def _parse(text: str, file: str, loader_class: type) -> tuple[Any, LineMap]:
    """The data of a YAML text and the line of each field, with ``loader_class`` parsing."""
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        if node is None:
            message = "the file is empty (allowed: a scenario's fields, such as title: and turns:)"
            raise ScenarioError([Problem(file, 1, (), MISSING, message)])
        lines: LineMap = {}
        problems = list(_mark_lines(node, (), lines, file))
        if problems:
            raise ScenarioError(problems)
        return loader.construct_document(node), lines
    except LimitExceeded as limit:
        raise ScenarioError([Problem(file, limit.line, limit.path, MISSING, limit.message)]) from None
    finally:
        loader.dispose()


def _read_text(path: FilePath) -> str:
    """The file's text, or a one-line problem saying why it cannot be read.

    Only a regular file of at most ``MAX_FILE_BYTES`` is read: a pipe, a device such as
    ``/dev/zero`` or a huge file is refused before it is read.
    """
    try:
        return read_bounded_text(path, MAX_FILE_BYTES)
    except FileRefused as refused:
        reason = str(refused).replace("this is a folder, not a file", "this is a folder, not a scenario file")
        reason = reason.replace("(allowed: text in UTF-8)", "(allowed: YAML text in UTF-8)")
        if "limit" in reason:
            reason = _too_large(path) or reason
        raise ScenarioError([Problem(str(path), 0, (), MISSING, reason)]) from None


def _too_large(path: FilePath) -> str | None:
    """Why a file over the size limit is refused, in bytes (1.0 MB against 1.0 MB says nothing)."""
    try:
        size = path.stat().st_size
    except OSError:
        return None
    limit = f"at most {MAX_FILE_BYTES:,} bytes, 1 MB; a scenario is about 20 KB"
    return f"the file is too large: {size:,} bytes (allowed: {limit})"


_YAML_HINTS = {
    "found character '\\t'": "indent with spaces, not tabs",
    "mapping values are not allowed here": "put text with ': ' in it in quotes, or fix the indentation",
    "expected <block end>": "check this line's indentation against the lines above",
    "but found another document": "a scenario file holds one document: remove the extra '---'",
    "expected '<document start>'": "top-level fields start at the left margin: check the indentation",
}


def _runaway_quote(text: str, file: str) -> Problem | None:
    """An unclosed quote that swallowed the fields below it, reported where it opened.

    YAML lets quoted text run over several lines, so the parser only gives up at the next
    quote, often far below; a quoted text holding lines such as ``key: value`` is the sign.
    """
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if isinstance(token, yaml.ScalarToken) and token.style in ('"', "'"):
                first, last = token.start_mark.line, token.end_mark.line
                swallowed = text.splitlines()[first + 1 : last]
                if any(_FIELD_LINE.match(line) for line in swallowed):
                    message = f"a quote opened on this line is not closed (it runs to line {last + 1})"
                    return Problem(file, first + 1, (), MISSING, f"not valid YAML: {message}")
    except yaml.YAMLError:
        pass
    return None


_FIELD_LINE = re.compile(r"^\s*(- )?[A-Za-z_][\w-]*:(\s|$)")

# Mistakes the parser notices only lines later: the line that opened the construct is reported.
_UNCLOSED = {
    "while scanning a simple key": "the key on this line needs ': ' after it",
    "while scanning a quoted scalar": "a quote opened on this line is not closed",
    "while parsing a flow sequence": "a '[' opened on this line is not closed",
    "while parsing a flow mapping": "a '{' opened on this line is not closed",
}


def _yaml_problem(error: yaml.MarkedYAMLError, file: str) -> Problem:
    """A YAML syntax error as a problem on the line to fix, with a hint where one helps.

    That is the line where the parser gave up, except for a construct left open (a quote, a
    bracket, a key without ':'), which is reported on the line that opened it.
    """
    mark = error.problem_mark or error.context_mark
    line = mark.line + 1 if mark else 0
    opened = error.context_mark.line + 1 if error.context_mark and error.problem else line
    problem = error.problem or error.context or str(error)
    if error.context in _UNCLOSED and opened != line:
        message = f"not valid YAML: {problem} on line {line}; {_UNCLOSED[error.context]}"
        return Problem(file, opened, (), MISSING, message)
    message = f"not valid YAML: {problem}"
    if error.context and opened != line:
        message += f" ({error.context} started on line {opened})"
    hint = next((h for key, h in _YAML_HINTS.items() if key in str(error.problem)), None)
    if FilePath(file).suffix.lower() not in SUFFIXES:
        hint = "is this a scenario? scenario files are YAML files ending in .yaml"
    return Problem(file, line, (), MISSING, f"{message}; {hint}" if hint else message)


_PLAIN_TAGS = {tag for tag in yaml.SafeLoader.yaml_constructors if tag}


def _mark_lines(node: yaml.Node, path: tuple, lines: LineMap, file: str) -> Iterator[Problem]:
    """Record the line of every field under ``node``; yield repeated keys and refused tags."""
    lines.setdefault(path, (file, node.start_mark.line + 1))
    if node.tag not in _PLAIN_TAGS:
        yield _refused_tag(node, path, file)
        return
    if isinstance(node, yaml.MappingNode):
        seen: dict[Any, int] = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag not in _PLAIN_TAGS:
                yield Problem(file, line, path, MISSING, "a key must be a plain word or number")
                continue
            key = _scalar_key(key_node)
            if key in seen:
                yield Problem(
                    file, line, path + (key,), MISSING, f"written twice (first on line {seen[key]}); keep one"
                )
            seen[key] = line
            lines[path + (key,)] = (file, line)
            yield from _mark_lines(value_node, path + (key,), lines, file)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            yield from _mark_lines(item, path + (index,), lines, file)


def _refused_tag(node: yaml.Node, path: tuple, file: str) -> Problem:
    tag = node.tag.replace("tag:yaml.org,2002:", "!!")
    allowed = "(allowed: plain numbers, text, true/false, lists and mappings)"
    if tag.startswith("!!python/"):
        message = (
            f"refused: the tag {tag} would build a Python object; a scenario holds plain data only {allowed}"
        )
    else:
        message = f"unknown YAML tag {tag} {allowed}"
    return Problem(file, node.start_mark.line + 1, path, MISSING, message)


def _scalar_key(node: yaml.ScalarNode) -> Any:
    """A mapping key as the constructed document will hold it (ints stay ints)."""
    if node.tag == "tag:yaml.org,2002:int":
        try:
            return int(node.value.replace("_", ""), 0)
        except ValueError:
            return node.value
    return node.value


__all__ = [
    "ScenarioError",
    "load_scenario",
    "merge",
    "read_yaml",
    "resolve_scenario_path",
    "shipped_scenarios",
    "show_value",
    "validate",
]
