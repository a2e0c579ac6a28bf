"""Reading YAML that may have been written to hurt: limits checked while the file is parsed.

Scenario files travel between instructors and students, so a file may be built to exhaust the
machine. PyYAML shares the value an alias (``*name``) points at instead of copying it, so a
few hundred bytes of aliases of aliases stand for billions of values, and everything that
walks the data afterwards (line marks, merging, the schema) would visit each of them. Deep
nesting (``[[[[...]]]]``) exhausts Python's recursion instead. The loaders here count, while
they compose the document, how many values the data holds once every alias is written out and
how deep it nests, and stops at the first value over a limit, with its line; nothing is built
beyond that point. The limits are far above any real scenario (the shipped ones hold about 500
values, nested 7 deep).
"""

from __future__ import annotations

import re
import unicodedata

import yaml

MAX_VALUES = 20_000  # values (every key, item and scalar) once aliases are expanded
MAX_DEPTH = 32  # lists and mappings inside one another
MAX_NUMBER_CHARS = 30  # digits of a whole number: far more than any field allows

# The characters PyYAML refuses in a file, checked first so the message can name the line.
_UNPRINTABLE = re.compile(yaml.reader.Reader.NON_PRINTABLE.pattern)

_CONTROL_NAMES = {0: "NUL", 8: "backspace", 27: "ESC, the start of a terminal escape code", 127: "DEL"}


class LimitExceeded(yaml.YAMLError):
    """A file over one of the limits: the line (1-based) and field where it went over, and why."""

    def __init__(self, line: int, message: str, path: tuple = ()):
        super().__init__(message)
        self.line = line
        self.message = message
        self.path = path


def unprintable_character(text: str) -> LimitExceeded | None:
    """The first character a YAML file may not hold (a NUL byte, a terminal escape), if any."""
    found = _UNPRINTABLE.search(text)
    if found is None:
        return None
    line = text.count("\n", 0, found.start()) + 1
    plain_text = "a scenario is plain text (allowed: printable characters, tabs and line breaks)"
    return LimitExceeded(line, f"the file holds {describe_character(found.group())}; {plain_text}")


def describe_character(character: str) -> str:
    """``a control character (ESC, ...; code 27)`` for a character that cannot be shown."""
    code = ord(character)
    if unicodedata.category(character) != "Cc":
        return f"a character YAML does not allow (U+{code:04X})"
    name = _CONTROL_NAMES.get(code)
    return f"a control character ({name}; code {code})" if name else f"a control character (code {code})"


class _BoundedComposer(yaml.composer.Composer):
    """PyYAML's composer, refusing while it composes a document over the limits.

    For every node composed it records how many values it holds and how deep it nests (its
    ``size`` and ``height``); an alias adds the size of the node it points at, so a document's
    count is its size with every alias written out. An alias to a node still being composed
    (``&a [*a]``) would make the data contain itself and is refused the same way.
    """

    def __init__(self):
        super().__init__()
        self._sizes: dict[int, int] = {}
        self._heights: dict[int, int] = {}
        self._values = 0
        self._path: list = []  # the field being composed, as in ``Problem.path``

    @property
    def _depth(self) -> int:
        return len(self._path)

    def compose_node(self, parent, index):
        self._path.append(_part(parent, index))
        try:
            return self._compose_counted(parent, index)
        finally:
            self._path.pop()

    def _compose_counted(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            target = self.anchors.get(event.anchor)
            if target is not None:
                self._count_alias(target, event)
            return super().compose_node(parent, index)
        line = self.peek_event().start_mark.line + 1
        if self._depth > MAX_DEPTH:
            raise self._refuse(line, f"lists and mappings nested too deep (allowed: at most {MAX_DEPTH} levels)")
        self._add_values(1, line, by_alias=False)
        node = super().compose_node(parent, index)
        children = _children(node)
        self._sizes[id(node)] = 1 + sum(self._sizes[id(child)] for child in children)
        self._heights[id(node)] = 1 + max((self._heights[id(child)] for child in children), default=0)
        if isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:int":
            digits = node.value.lstrip("+-").replace("_", "")
            if len(digits) > MAX_NUMBER_CHARS:  # Python itself refuses to read over 4,300 digits
                message = f"a whole number of {len(digits):,} digits (allowed: at most {MAX_NUMBER_CHARS} digits)"
                raise self._refuse(line, message)
        return node

    def _refuse(self, line: int, message: str) -> LimitExceeded:
        """The refusal at ``line``, for the field being composed (a key reports its mapping)."""
        return LimitExceeded(line, message, tuple(part for part in self._path if part is not None))

    def _count_alias(self, target: yaml.Node, event: yaml.AliasEvent) -> None:
        line = event.start_mark.line + 1
        if id(target) not in self._sizes:
            raise self._refuse(
                line,
                f"the alias *{event.anchor} points at the list or mapping that holds it, "
                "so the value would contain itself (allowed: aliases to values written before, outside it)",
            )
        if self._depth + self._heights[id(target)] - 1 > MAX_DEPTH:
            raise self._refuse(
                line,
                f"with the alias *{event.anchor} written out, lists and mappings nest too deep "
                f"(allowed: at most {MAX_DEPTH} levels)",
            )
        self._add_values(self._sizes[id(target)], line, by_alias=True)

    def _add_values(self, count: int, line: int, by_alias: bool) -> None:
        self._values += count
        if self._values > MAX_VALUES:
            how = " once its aliases (*name) are written out" if by_alias else ""
            allowed = f"(allowed: at most {MAX_VALUES:,}; a scenario holds a few hundred)"
            raise self._refuse(line, f"the file holds more than {MAX_VALUES:,} values{how} {allowed}")


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _part(parent: yaml.Node | None, index) -> object:
    """The path part of a node: a list position, a mapping key, or None (the root, or a key)."""
    if isinstance(parent, yaml.SequenceNode):
        return index
    if isinstance(parent, yaml.MappingNode) and isinstance(index, yaml.ScalarNode):
        if index.tag == "tag:yaml.org,2002:int" and len(index.value) <= MAX_NUMBER_CHARS:
            try:
                return int(index.value.replace("_", ""), 0)
            except ValueError:
                pass
        return index.value
    return None


class BoundedLoader(
    _BoundedComposer,
    yaml.reader.Reader,
    yaml.scanner.Scanner,
    yaml.parser.Parser,
    yaml.constructor.SafeConstructor,
    yaml.resolver.Resolver,
):
    """PyYAML's safe loader (all Python) with the limits: its syntax errors name the most."""

    def __init__(self, stream):
        yaml.reader.Reader.__init__(self, stream)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        _BoundedComposer.__init__(self)
        yaml.constructor.SafeConstructor.__init__(self)
        yaml.resolver.Resolver.__init__(self)


if yaml.__with_libyaml__:
    from yaml._yaml import CParser

    class FastBoundedLoader(
        _BoundedComposer, CParser, yaml.constructor.SafeConstructor, yaml.resolver.Resolver
    ):
        """The same limits over libyaml's parser, several times faster on a large file.

        Only the composing is done in Python (to count as it goes); a file it finds not to be
        valid YAML is read again by ``BoundedLoader`` for PyYAML's more telling messages.
        """

        def __init__(self, stream):
            CParser.__init__(self, stream)
            _BoundedComposer.__init__(self)
            yaml.constructor.SafeConstructor.__init__(self)
            yaml.resolver.Resolver.__init__(self)

else:  # pragma: no cover - PyYAML built without libyaml
    FastBoundedLoader = BoundedLoader
