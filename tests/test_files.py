"""Reading untrusted files: regular files only, bounded, and names that stay in their folder."""

import os

import pytest

from wargame.files import FileRefused, contained_path, read_bounded_text


def test_a_small_text_file_is_read(tmp_path):
    path = tmp_path / "a.yaml"
    path.write_text("title: x\n", encoding="utf-8")
    assert read_bounded_text(path, 100) == "title: x\n"


@pytest.mark.parametrize(
    "make, reason",
    [
        (lambda d: d, "folder"),
        (lambda d: d / "missing.yaml", "not found"),
        (lambda d: "/dev/zero", "not a regular file"),
    ],
)
def test_what_is_not_a_small_regular_file_is_refused(tmp_path, make, reason):
    with pytest.raises(FileRefused, match=reason):
        read_bounded_text(make(tmp_path), 100)


def test_a_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    with pytest.raises(FileRefused, match="not a regular file"):
        read_bounded_text(fifo, 100)


def test_a_file_over_the_limit_is_refused_with_both_sizes(tmp_path):
    path = tmp_path / "big.yaml"
    path.write_bytes(b"x" * 5000)
    with pytest.raises(FileRefused, match=r"5 KB; the limit is 2 KB"):
        read_bounded_text(path, 2048)


def test_binary_is_refused(tmp_path):
    path = tmp_path / "b.yaml"
    path.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(FileRefused, match="UTF-8"):
        read_bounded_text(path, 100)


@pytest.mark.parametrize("reference", ["/etc/passwd", "../x.yaml", "a/../../x.yaml", "~/x.yaml", "a\x00b"])
def test_references_out_of_the_folder_are_refused(tmp_path, reference):
    with pytest.raises(FileRefused):
        contained_path(reference, tmp_path)


def test_a_link_out_of_the_folder_is_refused(tmp_path):
    (tmp_path / "inner").mkdir()
    (tmp_path / "inner" / "out.yaml").symlink_to(tmp_path / "secret.yaml")
    with pytest.raises(FileRefused, match="leaves the folder"):
        contained_path("out.yaml", tmp_path / "inner")


def test_a_file_beside_or_below_is_allowed(tmp_path):
    assert contained_path("b.yaml", tmp_path) == (tmp_path / "b.yaml").resolve()
    assert contained_path("sub/b.yaml", tmp_path) == (tmp_path / "sub" / "b.yaml").resolve()
