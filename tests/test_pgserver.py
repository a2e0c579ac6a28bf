"""``tests/pgserver.py``: the private PostgreSQL server the store tests (and others) run on."""

from __future__ import annotations

import subprocess

import pytest

from . import pgserver


def test_the_newest_postgresql_folder_is_chosen(tmp_path):
    for version in ("9.6", "15", "16", "100"):
        (tmp_path / version / "bin").mkdir(parents=True)
        for program in ("initdb", "pg_ctl"):
            (tmp_path / version / "bin" / program).write_text("")
    (tmp_path / "101" / "bin").mkdir(parents=True)  # no initdb: not a server
    assert pgserver.find_binaries(str(tmp_path / "*" / "bin")) == tmp_path / "100" / "bin"
    assert pgserver.find_binaries(str(tmp_path / "none" / "*" / "bin")) is None


@pytest.mark.parametrize("ci, ci_set", [("true", True), ("1", True), ("", False), ("false", False), ("0", False)])
def test_ci_is_read_as_the_browser_tests_read_it(ci, ci_set):
    assert pgserver.in_ci({"CI": ci}) is ci_set
    assert pgserver.in_ci({}) is False


def test_without_the_binaries_a_test_skips_and_in_ci_it_fails(monkeypatch):
    monkeypatch.setattr(pgserver, "find_binaries", lambda pattern=pgserver.BINARIES_GLOB: None)
    monkeypatch.setenv("CI", "false")
    with pytest.raises(pytest.skip.Exception, match="apt-get install postgresql"):
        pgserver.require_binaries()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="fail instead of skipping.*apt-get install postgresql"):
        pgserver.require_binaries()


def test_the_server_answers_on_its_url(postgres_server, postgres_url):
    psql = postgres_server.binaries / "psql"
    prefix = ["runuser", "-u", postgres_server.user, "--"] if postgres_server.user else []
    done = subprocess.run([*prefix, str(psql), postgres_url, "-At", "-c", "select 41 + 1"], capture_output=True, text=True, timeout=30)
    assert done.stdout.strip() == "42", done.stderr
    assert postgres_server.running()
    other = postgres_server.create_database("another_class")
    done = subprocess.run([*prefix, str(psql), other, "-At", "-c", "select current_database()"], capture_output=True, text=True, timeout=30)
    assert done.stdout.strip() == "another_class", done.stderr


def test_a_server_stops_and_leaves_nothing_behind(postgres_server):
    server = pgserver.PostgresServer.start(postgres_server.binaries)
    folder, port = server.folder, server.port
    assert server.running() and (folder / "data" / "PG_VERSION").is_file()
    server.stop()
    assert not folder.exists()
    with pgserver.socket.socket() as sock:
        assert sock.connect_ex(("127.0.0.1", port)) != 0
