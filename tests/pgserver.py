"""A private PostgreSQL server for tests: started in a temporary folder, stopped at the end.

Debian's ``postgresql`` package puts ``initdb`` and ``pg_ctl`` in a versioned folder
(``/usr/lib/postgresql/15/bin``), not on PATH; the newest one found is used. The server:

- lives in a fresh folder under the system's temporary folder (its data and its unix socket);
- listens on 127.0.0.1 only, on a free port, and trusts every local connection (no password);
- its superuser is ``postgres`` and ``url`` is ``postgresql://postgres@127.0.0.1:PORT/postgres``
  (plain ``postgresql://``: psycopg takes it as it is; SQLAlchemy needs
  ``postgresql+psycopg://``, which ``sqlalchemy_url`` gives);
- runs without fsync (a test never survives a crash of the server itself, only of its clients)
  and takes up to 300 connections (many test processes and stores at once).

PostgreSQL refuses to run as root: run as root, the server runs as the ``postgres`` user
(``nobody`` if there is none) through ``runuser``, and its folder belongs to that user.

Without the binaries, tests that need the server skip with one line saying how to enable them
(``apt-get install postgresql``); in CI (``CI=true``) they fail instead: see ``require_binaries``.
``tests/conftest.py`` registers the session-wide fixture ``postgres_url``; another suite can
start a server of its own with ``PostgresServer.start()``.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

BINARIES_GLOB = "/usr/lib/postgresql/*/bin"
SUPERUSER = "postgres"
START_TIMEOUT_S = 60
PORT_ATTEMPTS = 3

SKIP_MESSAGE = "PostgreSQL tests skipped: install Debian's postgresql (sudo apt-get install postgresql) to run them"
FAIL_MESSAGE = (
    "PostgreSQL tests cannot run: no {glob}/initdb and CI is set, so they fail instead of skipping; "
    "install Debian's postgresql (apt-get install postgresql), as .ci/run does"
)
FALSE_WORDS = {"", "0", "false", "no", "off"}


def in_ci(environ=None) -> bool:
    """``CI`` set to anything but an empty or false-like value (CI services set ``CI=true``)."""
    environ = os.environ if environ is None else environ
    return environ.get("CI", "").strip().lower() not in FALSE_WORDS


def _version_key(folder: Path) -> tuple:
    """``/usr/lib/postgresql/15/bin`` -> (15,): folders sort by version number, not as text."""
    return tuple(int(part) if part.isdigit() else -1 for part in folder.parent.name.split("."))


def find_binaries(pattern: str = BINARIES_GLOB) -> Path | None:
    """The newest PostgreSQL ``bin`` folder that has ``initdb`` and ``pg_ctl``, or None."""
    from glob import glob

    found = [Path(path) for path in glob(pattern) if (Path(path) / "initdb").is_file() and (Path(path) / "pg_ctl").is_file()]
    return max(found, key=_version_key) if found else None


def require_binaries() -> Path:
    """The PostgreSQL ``bin`` folder, or skip (on a user's machine) or fail (in CI) the calling test.

    Raised from this one line, so pytest's report folds every skipped PostgreSQL test into a
    single ``SKIPPED [n] ...: PostgreSQL tests skipped: ...`` line.
    """
    binaries = find_binaries()
    if binaries is None:
        if in_ci():
            pytest.fail(FAIL_MESSAGE.format(glob=BINARIES_GLOB), pytrace=False)
        pytest.skip(SKIP_MESSAGE)
    return binaries


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_user() -> str | None:
    """The user the server runs as when we are root (``postgres``, else ``nobody``); None otherwise."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    raise RuntimeError("running as root, and there is neither a 'postgres' nor a 'nobody' user to run PostgreSQL as")


@dataclass
class PostgresServer:
    """One running server: its folder, port and binaries. ``stop()`` ends it and removes the folder."""

    binaries: Path
    folder: Path
    port: int
    user: str | None  # the OS user the server runs as (None: this process's own user)

    @property
    def data(self) -> Path:
        return self.folder / "data"

    @property
    def log(self) -> Path:
        return self.folder / "server.log"

    @property
    def url(self) -> str:
        """The ``postgres`` database as its superuser: ``postgresql://postgres@127.0.0.1:PORT/postgres``."""
        return self.database_url("postgres")

    def database_url(self, database: str) -> str:
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def sqlalchemy_url(self, database: str = "postgres") -> str:
        """The same database for SQLAlchemy with the psycopg 3 driver."""
        return self.database_url(database).replace("postgresql://", "postgresql+psycopg://", 1)

    def _run(self, *command: str, timeout: float = START_TIMEOUT_S) -> subprocess.CompletedProcess:
        prefix = ["runuser", "-u", self.user, "--"] if self.user else []
        return subprocess.run(
            [*prefix, *command], stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=timeout, cwd=self.folder
        )

    def create_database(self, database: str) -> str:
        """Create a database on this server (``createdb``); its URL (plain ``postgresql://``)."""
        done = self._run(str(self.binaries / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", SUPERUSER, database)
        if done.returncode != 0:
            raise RuntimeError(f"createdb {database} failed: {done.stderr.strip()}")
        return self.database_url(database)

    def add_password_role(self, role: str, password: str, database: str = "postgres") -> str:
        """A login role that must give its password (scram-sha-256), allowed to create schemas in
        ``database``; every other connection is still trusted. Returns its URL, password included."""
        statements = (
            f"CREATE ROLE {role} LOGIN PASSWORD '{password}'; GRANT CREATE ON DATABASE {database} TO {role};"
        )
        done = self._run(
            str(self.binaries / "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", SUPERUSER, "-d", database,
            "-v", "ON_ERROR_STOP=1", "-c", statements,
        )
        if done.returncode != 0:
            raise RuntimeError(f"creating the role {role} failed: {done.stderr.strip()}")
        hba = self.data / "pg_hba.conf"
        rules = f"host all {role} 127.0.0.1/32 scram-sha-256\nhost all {role} ::1/128 scram-sha-256\n"
        hba.write_text(rules + hba.read_text())  # the first matching line wins: before the trust lines
        done = self._run(str(self.binaries / "pg_ctl"), "-D", str(self.data), "reload")
        if done.returncode != 0:
            raise RuntimeError(f"pg_ctl reload failed: {done.stderr.strip()}")
        deadline = time.monotonic() + 30  # the reload is a signal: wait until the role is asked for its password
        while time.monotonic() < deadline:
            tried = self._run(
                str(self.binaries / "psql"), "-w", "-h", "127.0.0.1", "-p", str(self.port), "-U", role, "-d", database, "-c", "select 1",
            )
            if tried.returncode != 0 and "password" in tried.stderr:
                return f"postgresql://{role}:{password}@127.0.0.1:{self.port}/{database}"
            time.sleep(0.1)
        raise RuntimeError(f"the server did not start asking {role} for a password")

    @classmethod
    def start(cls, binaries: Path | None = None) -> "PostgresServer":
        """initdb a fresh folder and start the server on a free port; returns once it accepts connections."""
        binaries = binaries or find_binaries()
        if binaries is None:
            raise RuntimeError(SKIP_MESSAGE)
        user = server_user()
        folder = Path(tempfile.mkdtemp(prefix="wargame-postgres-"))
        if user:
            entry = pwd.getpwnam(user)
            os.chown(folder, entry.pw_uid, entry.pw_gid)
        server = cls(binaries, folder, 0, user)
        try:
            server._initdb()
            for attempt in range(PORT_ATTEMPTS):  # a free port can be taken between choosing and binding it
                server.port = free_port()
                if server._pg_ctl_start():
                    return server
            raise RuntimeError(f"PostgreSQL did not start after {PORT_ATTEMPTS} tries; its log:\n{server._log_tail()}")
        except BaseException:
            server.stop()
            raise

    def _initdb(self) -> None:
        done = self._run(
            str(self.binaries / "initdb"), "-D", str(self.data), "-U", SUPERUSER, "--auth=trust",
            "--encoding=UTF8", "--locale=C", "--no-sync",
        )
        if done.returncode != 0:
            raise RuntimeError(f"initdb failed (exit code {done.returncode}): {done.stderr.strip() or done.stdout.strip()}")

    def _pg_ctl_start(self) -> bool:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off -c full_page_writes=off"
        done = self._run(
            str(self.binaries / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-o", options,
            "-w", "-t", str(START_TIMEOUT_S), "start", timeout=START_TIMEOUT_S + 10,
        )
        return done.returncode == 0

    def _log_tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def running(self) -> bool:
        if not (self.data / "postmaster.pid").exists():
            return False
        return self._run(str(self.binaries / "pg_ctl"), "-D", str(self.data), "status").returncode == 0

    def stop(self) -> None:
        """Stop the server (fast shutdown: open connections are ended) and remove its folder."""
        if self.data.is_dir() and (self.data / "postmaster.pid").exists():
            self._run(str(self.binaries / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")
            deadline = time.monotonic() + 30
            while (self.data / "postmaster.pid").exists() and time.monotonic() < deadline:
                time.sleep(0.1)
        shutil.rmtree(self.folder, ignore_errors=True)
