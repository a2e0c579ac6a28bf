"""Reading files a user hands the kit (scenarios, saves) without trusting them.

Scenario and save files travel between instructors and students, so they are untrusted input:
only regular files are read (never a FIFO, a device or a folder), never more than a size
limit, and a file named from inside another (a scenario's ``extends``, a save's scenario)
must stay in the folder of the file that names it. Each refusal is a ``FileRefused`` whose
message says why in plain words; callers turn it into their own error type with the file name.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

MEGABYTE = 1024 * 1024


class FileRefused(ValueError):
    """A file the kit will not read, with the reason in plain words (no file name)."""


def read_bounded_text(path: str | os.PathLike, limit_bytes: int) -> str:
    """The UTF-8 text of a regular file no larger than ``limit_bytes``.

    The file is opened without blocking and checked with ``fstat`` on the open descriptor, so a
    FIFO cannot hang the reader and a file swapped after the check is still the one measured.
    """
    path = Path(path)
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise FileRefused("file not found") from None
    except IsADirectoryError:
        raise FileRefused("this is a folder, not a file") from None
    except PermissionError:
        raise FileRefused("cannot read the file: permission denied") from None
    except OSError as error:
        raise FileRefused(f"cannot read the file: {error.strerror or error}") from None
    try:
        info = os.fstat(descriptor)
        if stat.S_ISDIR(info.st_mode):
            raise FileRefused("this is a folder, not a file")
        if not stat.S_ISREG(info.st_mode):
            raise FileRefused("not a regular file (a device, pipe or socket cannot be read)")
        if info.st_size > limit_bytes:
            size, limit = _size(info.st_size), _size(limit_bytes)
            if size == limit:  # just over the limit: rounded alike, so say it in bytes
                size, limit = f"{info.st_size:,} bytes", f"{limit_bytes:,} bytes"
            raise FileRefused(f"the file is {size}; the limit is {limit}")
        with os.fdopen(descriptor, "rb", closefd=False) as file:
            data = file.read(limit_bytes + 1)  # a file that grew after fstat is still cut off here
    finally:
        os.close(descriptor)
    if len(data) > limit_bytes:
        raise FileRefused(f"the file is larger than the limit of {_size(limit_bytes)}")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise FileRefused("not a text file (allowed: text in UTF-8)") from None


def contained_path(reference: str, folder: str | os.PathLike) -> Path:
    """The file ``reference`` names inside ``folder``; refused if it is absolute or leaves it.

    Used for files named from inside another file, so a shared file can only point beside
    itself (or below), never at ``/etc/passwd`` or ``../../secret``.
    """
    text = os.fspath(reference)
    if "\x00" in text:
        raise FileRefused("a file name cannot contain a NUL character")
    candidate = Path(text)
    if candidate.is_absolute() or text.startswith("~"):
        raise FileRefused("an absolute path is not allowed here (allowed: a file beside this one, or a shipped name)")
    if ".." in candidate.parts:
        raise FileRefused("'..' is not allowed here (allowed: a file beside this one, or a shipped name)")
    base = Path(folder).resolve()
    resolved = (base / candidate).resolve()
    if resolved != base and base not in resolved.parents:
        raise FileRefused("this path leaves the folder of the file that names it (a link out of it is not followed)")
    return resolved


def _size(n_bytes: int) -> str:
    if n_bytes >= MEGABYTE:
        return f"{n_bytes / MEGABYTE:.1f} MB"
    return f"{max(1, round(n_bytes / 1024))} KB"
