"""Text for a terminal: what the command line prints carries no control characters.

A scenario or a save file is untrusted: a title holding terminal escape codes (``\\x1b]0;...``,
``\\x1b[2J``) would retitle or clear the instructor's terminal, and bidirectional overrides
would show text in another order than it is. The command line writes through
``printable_output()``, which drops them and keeps line breaks and tabs. Imports nothing of
the kit.
"""

from __future__ import annotations

import contextlib
import re
import sys

# C0 controls but tab and newline, DEL, C1 controls, and Unicode's bidirectional overrides
_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """``text`` without control characters (an escape sequence's visible rest stays, inert)."""
    return _UNPRINTABLE.sub("", text)


class PrintableStream:
    """A text stream that writes ``printable`` text to the stream it wraps."""

    def __init__(self, stream):
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(printable(text))
        return len(text)

    def __getattr__(self, name):  # flush, fileno, encoding, isatty...
        return getattr(self._stream, name)


@contextlib.contextmanager
def printable_output():
    """While inside, everything printed to standard output and error is ``printable``."""
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = PrintableStream(sys.stdout), PrintableStream(sys.stderr)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved
