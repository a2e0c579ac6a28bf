"""The page client the class bench opens pages with: it keeps the widgets' states as a page's
widget manager does, and against a served session it joins and plays as a student would."""

from __future__ import annotations

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from wargame.classroom import serve as serving
from wargame.classroom.bench import JOIN_BOX
from wargame.classroom.page_client import PageClient, PageError


def test_the_states_a_page_is_sent_are_kept_by_widget():
    client = PageClient("http://127.0.0.1:1/", [])
    # the answer to request_states: states without their defaults, the model named beside them
    client._take("comm_msg", {"comm_id": "control", "data": {"method": "update_states", "states": {
        "text": {"model_name": "TextModel", "state": {"placeholder": JOIN_BOX}},
        "join": {"model_name": "ButtonModel", "state": {"description": "Join"}},
    }}})
    assert client.find("Text", placeholder=JOIN_BOX) == "text"
    assert client.find("Button", enabled=True, description="Join") == "join"  # disabled is a default: left out
    # a widget the kernel opens later comes whole; an update changes only what it names
    assert client._take("comm_open", {"comm_id": "end", "target_name": "jupyter.widget", "data": {"state": {
        "_model_name": "ButtonModel", "description": "End turn", "disabled": True}}})
    assert client.find("Button", description="End turn") == "end"
    assert client.find("Button", enabled=True, description="End turn") is None
    client._take("comm_msg", {"comm_id": "end", "data": {"method": "update", "state": {"disabled": False}}})
    assert client.find("Button", enabled=True, description="End turn") == "end"
    assert client.widgets["end"]["description"] == "End turn"
    # text is read from HTML widgets only, and other messages change nothing
    client._take("comm_open", {"comm_id": "news", "target_name": "jupyter.widget", "data": {"state": {
        "_model_name": "HTMLModel", "value": "<b>Turn 1 played:</b> 12 downed"}}})
    assert client.shows("Turn 1 played:") and not client.shows("Turn 2 played:")
    assert not client._take("comm_open", {"comm_id": "other", "target_name": "some.other.target", "data": {}})
    assert not client._take("status", {"execution_state": "idle"})
    assert client.find("Text", placeholder="no such box") is None


def test_waiting_for_what_never_comes_says_what_was_awaited():
    async def wait():
        client = PageClient("http://127.0.0.1:1/", [], timeout_s=0.2)
        await client.until(lambda: client.find("Button", description="End turn"), "End turn")

    with pytest.raises(PageError, match="waited 0 s for End turn"):
        asyncio.run(wait())


def test_two_clients_join_a_served_session_and_play_a_turn_each(tmp_path):
    log = open(tmp_path / "voila.log", "wb")
    served = serving.start(tmp_path / "class", "tutorial", seed=5, teams=2, log=log)

    async def play(client: PageClient, team: str) -> float:
        await client.open()
        await client.until(lambda: client.find("Text", placeholder=JOIN_BOX), "the join box")
        await client.type_into(client.find("Text", placeholder=JOIN_BOX), team)
        await client.click(client.find("Button", description="Join"))
        await client.until(lambda: client.find("Button", enabled=True, description="End turn"), "End turn")
        clicked = time.monotonic()
        await client.click(client.find("Button", enabled=True, description="End turn"))
        await client.until(lambda: client.shows("Turn 1 played:"), "turn 1 played")
        assert client.handled, "the kernel said it had handled the messages sent"
        latency = time.monotonic() - clicked
        await client.close()
        return latency

    async def class_of_two():
        clients = [PageClient(served.url, ["/voila/static/voila.js"], timeout_s=180) for _ in range(2)]
        return await asyncio.gather(play(clients[0], "Blue"), play(clients[1], "Red"))

    try:
        # in a thread of its own: a browser test in this process may keep an event loop running here
        with ThreadPoolExecutor(1) as thread:
            latencies = thread.submit(asyncio.run, class_of_two()).result()
        assert all(latency > 0 for latency in latencies)
        assert served.store.last_turn("Blue") == 1 and served.store.last_turn("Red") == 1
    finally:
        served.stop()
        log.close()
