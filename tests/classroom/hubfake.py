"""The class service on a loopback port with a faked hub: a token stands for a hub user.

Everything but the hub is real: the service's Tornado application, its rules and the store,
reached over HTTP by ``RemoteStore``. Only ``identify`` (in the service, the hub checking the
token and reading the user's groups) is replaced by a table of tokens.
"""

from __future__ import annotations

import asyncio
import threading
from contextlib import contextmanager

from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets

from wargame.classroom.hub_client import RemoteStore
from wargame.classroom.hub_service import MOST_BODY_BYTES, ClassService, make_app

PREFIX = "/services/wargame-class/"

USERS = {
    "token-alice": {"kind": "user", "name": "alice", "groups": []},
    "token-bob": {"kind": "user", "name": "bob", "groups": ["students"]},
    "token-carol": {"kind": "user", "name": "carol", "groups": []},
    "token-teacher": {"kind": "user", "name": "teacher", "groups": ["instructors"]},
    "token-robot": {"kind": "service", "name": "robot"},
}


def fake_identify(users: dict):
    """Who the hub would say a request's token belongs to: ``users[token]``, or nobody."""

    async def identify(handler):
        header = handler.request.headers.get("Authorization", "")
        token = header[len("token "):] if header.startswith("token ") else ""
        return users.get(token)

    return identify


@contextmanager
def running_app(app):
    """A Tornado application on a free loopback port in a thread of its own; yields its port."""
    ready = threading.Event()
    state = {}

    def run():
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        sockets = bind_sockets(0, "127.0.0.1")
        server = HTTPServer(app, max_body_size=MOST_BODY_BYTES)
        server.add_sockets(sockets)
        state.update(loop=loop, server=server, port=sockets[0].getsockname()[1])
        ready.set()
        loop.run_forever()
        server.stop()
        loop.run_until_complete(server.close_all_connections())
        loop.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    ready.wait(10)
    try:
        yield state["port"]
    finally:
        state["loop"].call_soon_threadsafe(state["loop"].stop)
        thread.join(10)


@contextmanager
def running_service(store, users=USERS, teams=None, identify=None):
    """The class service on a free loopback port; yields its base URL (with the hub's prefix)."""
    service = ClassService(store, identify or fake_identify(users), teams=teams)
    try:
        with running_app(make_app(service, PREFIX)) as port:
            yield f"http://127.0.0.1:{port}{PREFIX}"
    finally:
        service.executor.shutdown(wait=True)


def client(url: str, user: str) -> RemoteStore:
    return RemoteStore(url, f"token-{user}", timeout=20)
