"""What the command line prints carries no control characters from a scenario or a save file."""

from __future__ import annotations

import io
import sys

from wargame.__main__ import main
from wargame.terminal import PrintableStream, printable, printable_output

from .scenario.helpers import edit, tutorial_text

ESCAPES = "\x1b]0;pwned\x07\x1b[2J\x1b[31mRed\x9b1m\u202eevil\x00"


def test_printable_drops_control_characters_and_keeps_lines():
    assert printable(f"Title {ESCAPES}\n\tnext") == "Title ]0;pwned[2J[31mRed1mevil\n\tnext"


def test_a_printable_stream_writes_printable_text():
    out = io.StringIO()
    stream = PrintableStream(out)
    assert stream.write("a\x1b[2Jb\n") == len("a\x1b[2Jb\n")
    assert out.getvalue() == "a[2Jb\n"


def test_printable_output_restores_the_streams():
    before = sys.stdout, sys.stderr
    with printable_output():
        assert isinstance(sys.stdout, PrintableStream) and isinstance(sys.stderr, PrintableStream)
    assert (sys.stdout, sys.stderr) == before


# the same characters as YAML escapes in a double-quoted title
YAML_TITLE = 'title: "\\e]0;pwned\\a\\e[2J\\e[31mRed\\x9b1m\\u202eevil\\0 Tutorial"\n'


def test_validate_prints_a_hostile_title_without_its_escape_codes(tmp_path, capsys):
    """The loader refuses control characters in a scenario's text; its message quotes the title
    written out (``\\x1b``), and nothing raw reaches the terminal."""
    text = edit(tutorial_text(), 'title: "Tutorial: a hundred drones a month"\n', YAML_TITLE)
    path = tmp_path / "hostile.yaml"
    path.write_text(text, encoding="utf-8")
    code = main(["validate", str(path)])
    out, err = capsys.readouterr()
    assert code == 1 and "title" in out, out + err
    for stream in (out, err):
        assert not any(ch in stream for ch in "\x1b\x07\x9b\u202e\x00"), repr(stream)


def test_what_the_command_line_prints_is_printable(capsys, monkeypatch):
    """Whatever a command prints (here a check that echoes a hostile title) goes through
    ``printable_output``."""
    import wargame.__main__ as cli

    monkeypatch.setattr(cli, "check_file", lambda name: (True, [f"OK: {name} (\x1b]0;pwned\x07\x1b[2JTitle)"]))
    code = main(["validate", "anything"])
    out, err = capsys.readouterr()
    assert code == 0 and "pwned" in out and "Title" in out
    assert "\x1b" not in out and "\x07" not in out
