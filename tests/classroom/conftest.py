"""The class-session tests run on both databases the store can use: an SQLite file in the
session folder, and a PostgreSQL server (the private one of ``tests/pgserver.py``).

A test that takes ``store_url`` runs twice, ``[sqlite]`` and ``[postgresql]``; it passes the
URL on (``Store.create(folder, ..., url=store_url)``): None means the SQLite file. On the
server every session is a schema of its own, so tests sharing the server never meet.
"""

from __future__ import annotations

import pytest

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
