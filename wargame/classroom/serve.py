"""Serving a live class session: ``python -m wargame.classroom serve FOLDER --scenario NAME``.

``serve`` creates the session in FOLDER (or reopens it: same scenario and seed), prints a fresh
instructor token (the console opens the session only with it), and starts Voilà on the student
app notebook alone, never on a folder: served on a folder, Voilà pre-starts a pool of kernels
for every notebook in it (measured: 100 kernels for a pool of 10 on ``notebooks/``, and no page
ever became playable; docs/TESTING notes in the design folder). The pool holds ``--teams``
kernels with the app already run, so a student's page only attaches to a ready kernel.

Voilà 0.5 refills its pool as it hands kernels out: ``get_rendered_notebook`` pops a kernel
and calls ``fill_if_needed``, which starts kernels (after ``fill_delay``) until the pool holds
``pool_size`` again (voila/voila_kernel_manager.py). A class of N would start 2N kernels, the
second N running the app while the first N pages load (measured with 30 teams: 8.8 GB, every
page playable after 160 s). A delay does not help: the delayed kernels sit in the pool at once,
and a page that arrives meanwhile waits for one (measured: 121 s with a delay of 120 s). So
Voilà runs here through ``run_voila`` with its pool manager made a ``class_pool``: the pool is
filled to N + ``SPARE_KERNELS`` when the server starts, and after that it is only topped up
to the spares (for a reload, a late team or a kernel that died), so a class of N starts N + 2
kernels, all before the class. Topped up as the class took its kernels, the spares started
during the class: Voilà's server runs the app in each and renders its page, and while it did
its relaying of the pages' messages waited (measured with 30 teams: the first four End turns
took 1.5 to 7.5 s, the rest 0.1 s).

The session's database is an SQLite file in FOLDER, or with ``--store postgresql://…`` a schema
on a PostgreSQL server (``store``): the folder then says where it is, and the kernels open it
from there. A password in that URL reaches the kernels as ``PGPASSWORD`` (libpq's own variable),
never through a file.

The kernels talk to the server over Unix sockets (``KernelManager.transport=ipc``), not TCP
ports: a port is chosen free and then bound by the kernel, and with a class's kernels starting
at once another process can take it first (measured: one of 31 kernels died with "Address
already in use", and the page given it failed after 60 s).

A page may send its kernel only the widgets' messages (``PAGE_MESSAGES``): code sent through a
kernel's websocket is dropped by the server, so the app runs no code a student types.

Ctrl-C (or SIGTERM) stops Voilà and every kernel it started.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from ..scenario.loading import shipped_scenarios
from ..seeds import checked_seed
from .app import FOLDER_VARIABLE
from .store import Store, StoreError, server_url

APP_NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "class_app.ipynb"
MOST_TEAMS = 60
# Kernels kept ready once the class has taken the pool: a reloaded page or a late team gets one
# at once; any more would run the app beside the class's kernels for nobody.
SPARE_KERNELS = 2
# How long Voilà waits for a cell's output once its kernel has run it, as it pre-runs the app in
# each kernel of the pool. Its executor's default is 4 s, after which it renders the page
# without the rest of the output: with 32 kernels starting on two cores, one page came without
# the app (Voilà logged "Timeout waiting for IOPub output") and its student could never join.
IOPUB_TIMEOUT_S = 120
# What a page may send its kernel: the widgets' messages, nothing that runs code. Voilà runs
# the notebook itself, server-side; without this list a page could send an execute_request
# through its kernel's websocket, and that code could read every team's game in the store.
PAGE_MESSAGES = ("kernel_info_request", "comm_info_request", "comm_open", "comm_msg", "comm_close")


@dataclass
class Served:
    """A running session server: Voilà's process, its link, and the instructor token."""

    process: subprocess.Popen
    url: str
    token: str
    folder: Path
    store: Store

    def kernels(self) -> list[int]:
        """The process ids of Voilà's kernels (each runs in a session of its own)."""
        return descendants(self.process.pid)

    def stop(self, timeout: float = 30.0) -> None:
        """Stop Voilà (its own process group) and then any kernel it left running."""
        kernels = self.kernels()
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)
        for pid in kernels:  # Voilà shuts its kernels down on SIGTERM; this is for one that did not
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.store.dispose()


def descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (Linux: read from /proc; elsewhere none are found)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(parent, []).append(int(entry.name))
    found, waiting = [], [pid]
    while waiting:
        for child in children.get(waiting.pop(), []):
            found.append(child)
            waiting.append(child)
    return found


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def voila_command(teams: int, port: int, ip: str, notebook: Path = APP_NOTEBOOK) -> list[str]:
    """Voilà on the app notebook alone, with a preheated pool of ``teams`` kernels and the
    spares (``pool_kernels``), then the spares alone."""
    return [
        sys.executable, "-c", "from wargame.classroom.serve import run_voila; run_voila()", f"--spare={SPARE_KERNELS}", str(notebook),
        "--no-browser", f"--Voila.ip={ip}", f"--port={port}", "--Voila.port_retries=0",
        "--preheat_kernel=True", f"--pool_size={pool_kernels(teams)}",
        "--show_tracebacks=False",
        "--KernelManager.transport=ipc",
        f"--VoilaExecutor.iopub_timeout={IOPUB_TIMEOUT_S}",
        f"--MappingKernelManager.allowed_message_types={list(PAGE_MESSAGES)}",
    ]


def pool_kernels(teams: int) -> int:
    """The kernels started before a class of ``teams``: one a team, and the spares."""
    return teams + SPARE_KERNELS


def class_pool(manager_class: type, spare: int) -> type:
    """Voilà's pool manager made to fill its pool once, to the size configured (the class),
    and afterwards to keep only ``spare`` kernels ready instead of refilling to that size."""

    class ClassPool(manager_class):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)  # Voilà fills the pool to ``pool_size`` here
            default = dict(self.kernel_pools_config.get("default", {}))
            self.kernel_pools_config = {
                name: {**config, "pool_size": min(spare, config.get("pool_size", spare))}
                for name, config in {**self.kernel_pools_config, "default": default}.items()
            }

    ClassPool.__name__ = ClassPool.__qualname__ = f"Class{manager_class.__name__}"
    return ClassPool


def run_voila(argv: list[str] | None = None) -> None:
    """Voilà's own command line (``python -m voila ARGS``), its preheated pool made a
    ``class_pool``; ``--spare=K`` (first) sets the kernels kept ready once the class is in."""
    import voila.app

    argv = list(sys.argv[1:] if argv is None else argv)
    spare = SPARE_KERNELS
    if argv and argv[0].startswith("--spare="):
        spare = int(argv.pop(0).split("=", 1)[1])
    voila_factory = voila.app.voila_kernel_manager_factory

    def factory(base_class, preheat_kernel, default_pool_size, **kwargs):
        manager_class = voila_factory(base_class, preheat_kernel, default_pool_size, **kwargs)
        return class_pool(manager_class, spare) if preheat_kernel else manager_class

    voila.app.voila_kernel_manager_factory = factory  # the name Voilà's ``init_settings`` calls
    voila.app.main(argv=argv)


def checked_class(scenario: str, seed, teams) -> tuple[str, int, int]:
    """The scenario name, seed and class size, or ``ValueError`` saying what to change."""
    if scenario not in shipped_scenarios():
        raise ValueError(
            f"serve plays a shipped scenario, by name; {scenario!r} is not one (shipped: {', '.join(shipped_scenarios())})."
        )
    if not isinstance(teams, int) or not 1 <= teams <= MOST_TEAMS:
        raise ValueError(f"--teams is the number of teams expected, from 1 to {MOST_TEAMS}; not {teams!r}.")
    return scenario, checked_seed(seed), teams


def kernel_environment(base: dict, folder: Path, store_url: str | None) -> dict:
    """The kernels' environment: the session folder, and the server's password if the URL has one."""
    environment = dict(base)
    environment[FOLDER_VARIABLE] = str(folder)
    password = server_url(store_url).password if store_url else None
    if password:
        environment["PGPASSWORD"] = password
    return environment


def start(
    folder: str | os.PathLike, scenario: str, seed: int, teams: int, port: int | None = None, ip: str = "127.0.0.1",
    log=None, env: dict | None = None, store_url: str | None = None,
) -> Served:
    """Create or reopen the session and start Voilà on the app; returns once the port is open.

    ``store_url``: a new session's PostgreSQL server (``postgresql://USER@HOST:PORT/DATABASE``);
    without it a new session is an SQLite file in ``folder``. A session that exists is reopened
    where its folder says.
    """
    scenario, seed, teams = checked_class(scenario, seed, teams)
    folder = Path(folder).resolve()
    store = Store.open_or_create(folder, scenario, seed, url=store_url)
    if store.session().status != "open":
        store.reopen()
    token = secrets.token_urlsafe(16)
    store.set_instructor_token(token)
    port = port or free_port()
    environment = kernel_environment(os.environ if env is None else env, folder, store_url)
    process = subprocess.Popen(
        voila_command(teams, port, ip), env=environment, stdin=subprocess.DEVNULL,
        stdout=log or subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True,
    )
    served = Served(process, f"http://{'127.0.0.1' if ip in ('0.0.0.0', '') else ip}:{port}/", token, folder, store)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            served.stop()
            raise StoreError(f"Voilà stopped as it started (exit code {process.returncode}); is port {port} in use?")
        with socket.socket() as sock:
            sock.settimeout(0.5)
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return served
        time.sleep(0.2)
    served.stop()
    raise StoreError(f"Voilà did not open port {port} within 90 seconds.")


def _interrupt(_signal, _frame):
    raise KeyboardInterrupt


def run(args) -> int:
    """The ``serve`` command: start, print the link and the token, wait for Ctrl-C, stop."""
    try:
        if args.store:
            server_url(args.store)  # a URL that cannot be a session store is refused before anything is made
    except StoreError as error:
        print(error, file=sys.stderr)
        return 1
    Path(args.folder).mkdir(parents=True, exist_ok=True)
    log_path = Path(args.folder) / "voila.log"
    try:
        with open(log_path, "ab") as log:
            served = start(
                args.folder, args.scenario, args.seed, args.teams, port=args.port, ip=args.ip, log=log, store_url=args.store
            )
    except (ValueError, StoreError) as error:
        print(error, file=sys.stderr)
        return 1
    signal.signal(signal.SIGTERM, _interrupt)  # SIGTERM stops as Ctrl-C does
    info = served.store.session()
    print(f"Class session in {served.folder}: {info.scenario}, seed {info.seed}, {args.teams} teams expected.")
    print(f"Its database:      {served.store.where}")
    print(f"Student link:      {served.url}" + ("   (use this machine's address in the room)" if args.ip in ("0.0.0.0", "") else ""))
    print(f"Instructor token:  {served.token}   (for notebooks/instructors/13_live_console; do not share it)")
    print(f"Voilà is pre-starting {pool_kernels(args.teams)} kernels (its log: {log_path}); pages open at once when they are ready. Ctrl-C stops everything.")
    sys.stdout.flush()
    try:
        while served.process.poll() is None:
            time.sleep(0.5)
        print(f"Voilà stopped (exit code {served.process.returncode}).", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Stopping Voilà and its kernels...")
        return 0
    finally:
        served.stop()
