"""``python -m wargame.classroom COMMAND``: the debrief's commands, and the live session's.

``make-example`` and ``compare`` are the debrief's (``debrief.build_parser``); this adds:

``serve FOLDER --scenario NAME --seed S --teams N [--port P] [--ip ADDRESS] [--store URL]``
    Create or reopen a live class session in FOLDER and serve the student app (see ``serve``);
    ``--store postgresql://…`` keeps a new session's database on a PostgreSQL server.
``bench --teams N [--store URL] [--pages browsers|clients]``
    Open N student pages in headless Chromium (or as page clients, without a browser's own
    work) against a served demo session and measure (see ``bench``).
``hub-service FOLDER [--store URL] --scenario NAME --seed S``
    The class session as a JupyterHub service, started by the hub (see ``hub_service`` and
    deploy/jupyterhub/).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from . import debrief
from .store import StoreError


STORE_HELP = (
    "keep a new session's database on a PostgreSQL server, postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE "
    "(default: an SQLite file in FOLDER); a session that exists reopens where it is, without --store"
)


def build_parser() -> argparse.ArgumentParser:
    parser = debrief.build_parser()
    parser.description = "Class sessions: a live session (serve, bench), example save files and comparisons."
    commands = next(action for action in parser._actions if isinstance(action, argparse._SubParsersAction))
    serve = commands.add_parser(
        "serve",
        help="start a live class session: the student app with Voilà, a link for students, a token for the instructor",
        description="Create (or reopen) the class session in FOLDER and serve the student app until Ctrl-C.",
    )
    serve.add_argument("folder", metavar="FOLDER")
    serve.add_argument("--scenario", default="tutorial", help="a shipped scenario's name (default: tutorial)")
    serve.add_argument("--seed", type=int, default=1, help="team k plays with seed SEED + k - 1 (default: 1)")
    serve.add_argument("--teams", type=int, default=10, help="teams expected: kernels started ahead (default: 10)")
    serve.add_argument("--port", type=int, help="the port to serve on (default: a free one)")
    serve.add_argument("--ip", default="127.0.0.1", help="the address to listen on; 0.0.0.0 for a room (default: 127.0.0.1)")
    serve.add_argument("--store", metavar="URL", help=STORE_HELP)
    serve.set_defaults(run=_run_serve)
    bench = commands.add_parser(
        "bench",
        help="measure a served session with N student pages in headless Chromium",
        description="Serve a demo session, open N student pages in headless Chromium, end a turn in each, and report times and memory.",
    )
    bench.add_argument("--teams", type=int, default=10, help="pages to open (default: 10)")
    bench.add_argument("--scenario", default="tutorial", help="a shipped scenario's name (default: tutorial)")
    bench.add_argument("--store", metavar="URL", help="measure with the session's database on this PostgreSQL server (default: an SQLite file)")
    bench.add_argument(
        "--pages", choices=("browsers", "clients"), default="browsers",
        help="browsers: Chromium pages, sharing this machine with the server; clients: the pages' requests and widget "
        "messages without a browser, the server's and kernels' work alone, as in class (default: browsers)",
    )
    bench.set_defaults(run=_run_bench)
    hub = commands.add_parser(
        "hub-service",
        help="the class session as a JupyterHub service (started by the hub: see deploy/jupyterhub/)",
        description=(
            "Serve the class session's store to the hub's users: students reach only their own team's game, "
            "the instructors group every game. The hub starts this with JUPYTERHUB_SERVICE_URL, _PREFIX and _API_TOKEN set."
        ),
    )
    hub.add_argument("folder", metavar="FOLDER", help="the session's folder (its SQLite file, or where its PostgreSQL schema is named)")
    hub.add_argument(
        "--store",
        help="the PostgreSQL server, postgresql://USER:PASSWORD@HOST/DATABASE (default: $WARGAME_CLASS_STORE, which keeps "
        "the password off the command line; neither: an SQLite file in FOLDER)",
    )
    hub.add_argument("--scenario", default="tutorial", help="a shipped scenario's name (default: tutorial)")
    hub.add_argument("--seed", type=int, default=1, help="team k plays with seed SEED + k - 1 (default: 1)")
    hub.add_argument("--teams-file", help="a YAML file mapping hub names to team names (default: $WARGAME_CLASS_TEAMS, else each user is a team)")
    hub.add_argument("--instructors", help="the hub group of instructors (default: $WARGAME_CLASS_INSTRUCTORS, else instructors)")
    hub.add_argument("--ip", help="the address to listen on (default: the host of $JUPYTERHUB_SERVICE_URL; 0.0.0.0 in Kubernetes)")
    hub.set_defaults(run=_run_hub_service)
    return parser


def _run_serve(args) -> int:
    from .serve import run

    return run(args)


def _run_bench(args) -> int:
    from .bench import run

    return run(args)


def _run_hub_service(args) -> int:
    import os

    from . import hub_service
    from .serve import checked_class

    url = args.store or os.environ.get(hub_service.STORE_VARIABLE) or None
    scenario, seed, _teams = checked_class(args.scenario, args.seed, 1)
    hub_service.serve(
        args.folder, url, scenario, seed,
        teams_file=args.teams_file or os.environ.get(hub_service.TEAMS_VARIABLE) or None,
        instructors_group=args.instructors or os.environ.get(hub_service.INSTRUCTORS_VARIABLE) or None,
        ip=args.ip,
    )
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as stop:
        return stop.code if isinstance(stop.code, int) else 2
    try:
        return args.run(args)
    except (FileExistsError, FileNotFoundError, ValueError, StoreError) as error:
        print(error, file=sys.stderr)
        return 1
