"""Shared fixtures: small hand-written scenario variants built with ``extends``, and a private
PostgreSQL server (``postgres_url``, see ``tests/pgserver.py``)."""

from __future__ import annotations

import itertools

import pytest
import yaml

import wargame

from . import pgserver

_counter = itertools.count()


# The round budget the hand arithmetic of the rule tests uses. The shipped tutorial's money is
# small on purpose (it binds a sound defence); a test of a rule should not be a test of that.
ROUND_BUDGET = {"initial_usd": 50_000_000, "per_turn_usd": 20_000_000}


@pytest.fixture
def variant(tmp_path):
    """Make a scenario that extends a shipped one with some fields overridden. A variant of the
    tutorial starts from ``ROUND_BUDGET`` ($50M, then $20M a turn) unless it sets its own."""

    def make(overrides: dict, base: str = "tutorial") -> wargame.Scenario:
        if base == "tutorial":
            overrides = {**overrides, "budget": {**ROUND_BUDGET, **overrides.get("budget", {})}}
        path = tmp_path / f"variant_{next(_counter)}.yaml"
        path.write_text(yaml.safe_dump({"extends": base, **overrides}, sort_keys=False), encoding="utf-8")
        return wargame.load_scenario(path)

    return make


@pytest.fixture
def tutorial(variant):
    """The tutorial with ``ROUND_BUDGET``: the scenario the rule tests' hand arithmetic is written for."""
    return variant({})


STRIKE_DRONE = {
    "name": "FPV strike drone",
    "role": "strike_drone",
    "unit_cost_usd": 500,
    "stock_units": 1000,
    "capacity_units_per_turn": 500,
    "capacity_cost_usd_per_unit": 1000,
    "capacity_lead_time_days": 30,
}

TARGET_SETS = {
    "production": {
        "name": "Drone factories",
        "value_usd_per_hit": 1_000_000,
        "capacity_loss_per_hit": 0.001,
        "recovery_per_turn": 0.5,
    },
    "launch_sites": {
        "name": "Launch sites",
        "value_usd_per_hit": 200_000,
        "capacity_loss_per_hit": 0.002,
        "recovery_per_turn": 0.5,
        "dwell_minutes": 30,
    },
}


@pytest.fixture
def strike_scenario(variant):
    """The tutorial with an FPV strike drone and two adversary target sets."""
    return variant(
        {
            "catalogue": {"fpv": STRIKE_DRONE},
            "adversary": {"target_sets": TARGET_SETS},
        }
    )


def needs_postgres(item) -> bool:
    """The test asks for the PostgreSQL server, itself or as the ``postgresql`` store backend."""
    if {"postgres_url", "postgres_server"} & set(getattr(item, "fixturenames", ())):
        return True
    params = getattr(getattr(item, "callspec", None), "params", {})
    return params.get("store_backend") == "postgresql"


def pytest_runtest_setup(item):
    """Skip (or, in CI, fail) a PostgreSQL test before its fixtures start anything.

    Raised here rather than in the fixture, the skip keeps one location, so the report folds
    every skipped PostgreSQL test into one line that says how to enable them.
    """
    if needs_postgres(item):
        pgserver.require_binaries()


@pytest.fixture(scope="session")
def postgres_server():
    """A private PostgreSQL server for the whole test session, stopped and removed at the end
    (``pgserver.PostgresServer``: its URL, ``create_database``, its log)."""
    server = pgserver.PostgresServer.start(pgserver.require_binaries())
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def postgres_url(postgres_server) -> str:
    """``postgresql://postgres@127.0.0.1:PORT/postgres``: the private server's superuser, no
    password. Tests that share it keep apart by schema or by database."""
    return postgres_server.url


# The class-session store runs on two databases: an SQLite file in the session folder, and a
# PostgreSQL server (the private one above). A test that takes ``store_url`` runs on both,
# ``[sqlite]`` and ``[postgresql]``, and passes the URL on (``Store.create(folder, ..., url=store_url)``;
# None means the SQLite file). On the server each session is a schema of its own, so tests
# sharing the server never meet. A test may narrow the backends with
# ``@pytest.mark.parametrize("store_backend", [...], indirect=True)``.
STORE_BACKENDS = ("sqlite", "postgresql")


@pytest.fixture(params=STORE_BACKENDS)
def store_backend(request) -> str:
    return request.param


@pytest.fixture
def store_url(store_backend, request) -> str | None:
    """None for an SQLite session; the private PostgreSQL server's URL otherwise."""
    if store_backend == "sqlite":
        return None
    return request.getfixturevalue("postgres_url")
