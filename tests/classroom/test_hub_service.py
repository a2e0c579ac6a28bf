"""The class service's rules, over HTTP, without a hub: a student reaches only their own team's
game, only instructors read every game, inject events and close the session; saves crossing
the API are checked. The hub's part (checking a token) is faked (``hubfake``)."""

from __future__ import annotations

import json
import urllib.request

import pytest
from tornado import web

from wargame.classroom import hub_client
from wargame.classroom.app import ClassApp, hub_app, student_app
from wargame.classroom.console import Console, team_table, white_cell_event
from wargame.classroom.hub_client import RemoteStore, ServiceRefused, under_hub
from wargame.classroom.hub_service import (
    HubIdentify,
    Identity,
    Refused,
    check_instructor,
    check_may_play,
    check_may_read,
    checked_turn_save,
    identity_for,
    load_team_file,
)
from wargame.classroom.session import TeamGame
from wargame.classroom.store import Store, StoreError
from wargame.savefile import SaveFileError, save_data
from wargame.scenario import load_scenario

from .hubfake import client, running_app, running_service

NEWS = "White Cell: the adversary doubles its drone launches this turn."


@pytest.fixture
def store(tmp_path, store_url):
    store = Store.create(tmp_path / "class", "tutorial", seed=3, url=store_url)
    yield store
    store.dispose()


@pytest.fixture
def url(store):
    with running_service(store) as url:
        yield url


# --- the rules, as pure functions ----------------------------------------------------------------


def test_a_user_is_their_own_team_unless_the_team_file_says_otherwise():
    assert identity_for({"name": "alice", "groups": []}) == Identity("alice", "alice", False)
    assert identity_for({"name": "alice", "groups": ["instructors"]}).instructor
    assert identity_for({"name": "alice", "groups": ["staff"]}, instructors_group="staff").instructor
    assert identity_for({"name": "alice"}, teams={"alice": "Blue"}).team == "Blue"
    odd = identity_for({"name": "ann@example.org", "groups": []})
    assert odd.team is None and "team file" in odd.team_problem


def test_only_the_own_team_may_be_played_and_read_and_only_instructors_read_all():
    alice, teacher = Identity("alice", "alice", False), Identity("teacher", "teacher", True)
    check_may_play(alice, "alice")
    check_may_read(alice, "alice")
    check_may_read(teacher, "alice")
    with pytest.raises(Refused, match="only your own team's game, not bob's") as refused:
        check_may_play(alice, "bob")
    assert refused.value.status == 403
    with pytest.raises(Refused, match="read only your own team's game"):
        check_may_read(alice, "bob")
    with pytest.raises(Refused, match="play only your own team's game"):
        check_may_play(teacher, "alice")  # instructors read every game, but play their own
    with pytest.raises(Refused, match="Only the class's instructors .* may inject an event; alice is not one"):
        check_instructor(alice, "inject an event")
    check_instructor(teacher, "inject an event")
    nobody = Identity("ann@x", None, False, "no team for you")
    with pytest.raises(Refused, match="no team for you"):
        check_may_read(nobody, "ann@x")


def test_the_team_file_is_checked(tmp_path):
    path = tmp_path / "teams.yaml"
    path.write_text("alice: Blue Team\nbob: Blue Team\n", encoding="utf-8")
    assert load_team_file(path) == {"alice": "Blue Team", "bob": "Blue Team"}
    path.write_text("alice: '<b>x</b>'\n", encoding="utf-8")
    with pytest.raises(ValueError, match="the team of 'alice'.*letters, digits"):
        load_team_file(path)
    path.write_text("- alice\n", encoding="utf-8")
    with pytest.raises(ValueError, match="maps hub names to team names"):
        load_team_file(path)


def test_a_turns_save_must_be_a_game_of_this_session(store):
    team = TeamGame.join(store, "alice")
    team.play_turn()
    text = json.dumps(save_data(team.game))
    checked_turn_save(text, 1, "tutorial", 3, "stochastic")
    with pytest.raises(SaveFileError, match="seed 3 .* not this team's game of tutorial with seed 4"):
        checked_turn_save(text, 1, "tutorial", 4, "stochastic")
    with pytest.raises(SaveFileError, match="holds 1 turns' orders, not 2"):
        checked_turn_save(text, 2, "tutorial", 3, "stochastic")
    with pytest.raises(SaveFileError, match="not a save file of the drone wargame kit"):
        checked_turn_save("{}", 1, "tutorial", 3, "stochastic")


# --- over HTTP -----------------------------------------------------------------------------------


def test_a_student_plays_their_own_team_through_the_service(store, url):
    alice = client(url, "alice")
    assert alice.me() == {"user": "alice", "team": "alice", "instructor": False, "problem": ""}
    game = TeamGame.join(alice, "alice")
    game.play_turn()
    game.play_turn()
    assert store.last_turn("alice") == 2  # in the service's own store
    assert alice.last_turn("alice") == 2
    again = alice.game("alice")  # replayed and checked from the save that crossed the API
    assert again.turn == 3 and again.seed == 3
    assert game.heartbeat()
    game.leave()
    assert store.team("alice").holder is None


def test_a_student_cannot_reach_another_teams_game(store, url):
    TeamGame.join(client(url, "alice"), "alice").play_turn()
    bob = client(url, "bob")
    for attempt in (
        lambda: bob.game("alice"),
        lambda: bob.last_save_text("alice"),
        lambda: bob.team("alice"),
        lambda: bob.claim("alice", "bob-page", 90, take_over=True),
        lambda: bob.release("alice", "x"),
        lambda: bob.add_team("alice"),
        lambda: TeamGame.join(bob, "alice"),
    ):
        with pytest.raises(ServiceRefused, match="signed in as bob, whose team is bob: you may (read|play) only your own team's game, not alice's"):
            attempt()
    assert store.team("alice").holder is not None and store.last_turn("alice") == 1


def test_a_student_cannot_write_a_turn_for_another_team(store, url):
    alice_game = TeamGame.join(client(url, "alice"), "alice")
    alice_game.play_turn()
    with pytest.raises(ServiceRefused, match="not alice's"):
        client(url, "bob").write_turn("alice", 2, save_data(alice_game.game), holder=alice_game.holder)
    assert store.last_turn("alice") == 1


def test_only_instructors_inject_list_and_close(store, url):
    bob = client(url, "bob")
    event = white_cell_event("raid_surge", load_scenario("tutorial"), "attack_drone", 2.0, NEWS)
    for what, attempt in (
        ("inject a White Cell event", lambda: bob.inject(event)),
        ("close the session", bob.close),
        ("list every team", bob.teams),
        ("read every team's game", bob.last_saves),
        ("read every team's figures", bob.table),
    ):
        with pytest.raises(ServiceRefused, match=f"Only the class's instructors \\(the hub group instructors\\) may {what}; bob is not one of them"):
            attempt()
    assert store.events() == [] and store.is_open()


def test_the_instructor_sees_every_team_and_an_injected_event_reaches_them(store, url):
    games = {name: TeamGame.join(client(url, name), name) for name in ("alice", "bob", "carol")}
    for game in games.values():
        game.play_turn()
    teacher = client(url, "teacher")
    assert [row.name for row in teacher.teams()] == ["alice", "bob", "carol"]
    assert set(teacher.last_saves()) == {"alice", "bob", "carol"}
    table = {row["team"]: row for row in teacher.table()}
    assert {team: row["turns_played"] for team, row in table.items()} == {"alice": 1, "bob": 1, "carol": 1}
    assert team_table(teacher).loc["bob", "money_end_usd"] == table["bob"]["money_end_usd"]
    assert teacher.game("carol").turn == 2  # an instructor reads every game
    number = teacher.inject(white_cell_event("raid_surge", load_scenario("tutorial"), "attack_drone", 2.0, NEWS))
    assert number == 1 and [event.event["text"] for event in client(url, "bob").events()] == [NEWS]
    for game in games.values():
        assert [news.text for news in game.take_news()] == [NEWS]
        game.play_turn()
        assert [(event.turn, event.text) for event in store.game(game.team).injected_events] == [(2, NEWS)]
    with pytest.raises(ValueError, match="multiplier"):
        teacher.inject({"type": "raid_surge", "threat": "attack_drone", "multiplier": 1000, "text": "too much"})
    teacher.close()
    assert not store.is_open()
    with pytest.raises(StoreError, match="The session is closed"):
        games["alice"].play_turn()
    assert store.last_turn("alice") == 2 and games["alice"].turn == 3  # taken back whole
    teacher.reopen()
    assert store.is_open()


def test_a_bad_save_is_refused_and_nothing_is_stored(store, url):
    alice = client(url, "alice")
    game = TeamGame.join(alice, "alice")
    other = TeamGame.join(store, "zed")
    other.play_turn()
    with pytest.raises(ValueError, match="seed 4 .* not this team's game of tutorial with seed 3"):
        alice.write_turn("alice", 1, save_data(other.game), holder=game.holder)
    with pytest.raises(ValueError, match="not a save file"):
        alice.write_turn("alice", 1, {"hello": 1}, holder=game.holder)
    assert store.last_turn("alice") == 0


def test_no_token_no_service_and_no_other_kind_of_caller(url):
    with pytest.raises(ServiceRefused, match="Sign in through the hub"):
        RemoteStore(url, "a guess").session()
    with pytest.raises(ServiceRefused, match="serves hub users, not the service robot"):
        client(url, "robot").session()
    request = urllib.request.Request(url + "api/session")  # no Authorization header at all
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == 401 and "Sign in" in json.loads(refused.value.read())["error"]


def test_a_team_file_gives_several_students_one_team(store):
    with running_service(store, teams={"alice": "Blue", "bob": "Blue"}) as url:
        game = TeamGame.join(client(url, "alice"), "Blue")
        game.play_turn()
        assert client(url, "bob").last_turn("Blue") == 1
        with pytest.raises(ServiceRefused, match="whose team is Blue"):
            client(url, "bob").game("carol")


def test_an_unreachable_service_says_so():
    with pytest.raises(StoreError, match="cannot be reached"):
        RemoteStore("http://127.0.0.1:9/services/wargame-class/", "token-alice", timeout=2).session()


# --- the app and the console on the service ------------------------------------------------------


def test_the_student_app_under_a_hub_joins_the_signed_in_team(store, url, monkeypatch):
    environ = {hub_client.SERVICE_URL_VARIABLE: url, hub_client.TOKEN_VARIABLE: "token-alice"}
    assert under_hub(environ) and not under_hub({hub_client.TOKEN_VARIABLE: "x"})
    app = hub_app(environ)
    assert isinstance(app, ClassApp) and app.name_box.value == "alice" and app.name_box.disabled
    assert app.join(app.name_box.value)
    app.dashboard._end_turn()
    assert store.last_turn("alice") == 1
    # student_app() picks the hub from the kernel's environment
    monkeypatch.delenv("WARGAME_CLASS_FOLDER", raising=False)
    for name, value in {**environ, hub_client.TOKEN_VARIABLE: "token-bob"}.items():
        monkeypatch.setenv(name, value)
    bobs = student_app()
    assert isinstance(bobs, ClassApp) and bobs.name_box.value == "bob"
    assert not bobs.join("alice")
    assert "not alice&#x27;s" in bobs.message.value


def test_the_student_app_says_why_it_cannot_open(url):
    app = hub_app({hub_client.SERVICE_URL_VARIABLE: url, hub_client.TOKEN_VARIABLE: "a guess"})
    assert "The class session cannot open: Sign in through the hub" in app.value


def test_the_console_works_on_the_service(store, url):
    TeamGame.join(client(url, "alice"), "alice").play_turn()
    live = Console(store=client(url, "teacher"))
    assert "alice" in live.teams.value and "1 of 4" in live.teams.value
    live.kind.value = "raid_surge"
    live.amount.value = 2.0
    live.text.value = NEWS
    assert live.inject() == 1
    assert [event.event["text"] for event in store.events()] == [NEWS]
    live.close_session()
    assert not store.is_open() and "live.store.export" in live.close_message.value
    assert [path.name for path in live.store.export(store.folder.parent / "saves")] == ["team_01_alice.json"]


# --- identifying callers through the hub (its client faked, its API a small fake) ------------------


class FakeHubAuth:
    """JupyterHub's ``HubAuth`` as ``HubIdentify`` uses it: the token's model, the scope check,
    and the hub API's address and the service's token (to read a user's groups)."""

    access_scopes = {"access:services!service=wargame-class"}
    api_token = "service-token"

    def __init__(self, api_url: str):
        self.api_url = api_url

    async def get_user(self, handler, sync=False):
        token = handler.request.headers.get("Authorization", "")[len("token "):]
        return {
            "token-alice": {"kind": "user", "name": "alice", "scopes": ["access:services!service=wargame-class"]},
            "token-teacher": {"kind": "user", "name": "teacher", "scopes": ["access:services!service=wargame-class"]},
            "token-lab": {"kind": "user", "name": "alice", "scopes": ["access:servers!user=alice"]},
        }.get(token)

    def check_scopes(self, required, model):
        return bool(set(required) & set(model["scopes"]))


class FakeUsersApi(web.RequestHandler):
    """The hub's ``GET /users/NAME``, for the service's token only."""

    asked = []

    def get(self, name):
        if self.request.headers.get("Authorization") != "token service-token":
            raise web.HTTPError(403)
        FakeUsersApi.asked.append(name)
        self.finish({"name": name, "groups": ["instructors"] if name == "teacher" else []})


def test_the_hub_identifies_callers_and_gives_their_groups(store):
    FakeUsersApi.asked.clear()
    with running_app(web.Application([(r"/hub/api/users/([^/]+)", FakeUsersApi)])) as hub_port:
        identify = HubIdentify(FakeHubAuth(f"http://127.0.0.1:{hub_port}/hub/api"))
        with running_service(store, identify=identify) as url:
            assert client(url, "teacher").me()["instructor"] is True
            assert client(url, "alice").me() == {"user": "alice", "team": "alice", "instructor": False, "problem": ""}
            client(url, "alice").me()
            assert FakeUsersApi.asked.count("alice") == 1  # groups remembered for a while
            with pytest.raises(ServiceRefused, match="does not give access to the class service .*access:services!service=wargame-class"):
                RemoteStore(url, "token-lab").session()
            with pytest.raises(ServiceRefused, match="Sign in through the hub"):
                RemoteStore(url, "token-nobody").session()
