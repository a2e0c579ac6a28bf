"""Progress bars: silent in tests and pipes, on when asked, and counting what they are told."""

from __future__ import annotations

import io

import wargame.progress as progress_module
from wargame.progress import progress, progress_enabled


def test_bars_are_off_under_pytest(monkeypatch):
    monkeypatch.delenv("WARGAME_PROGRESS", raising=False)
    assert progress_enabled() is False
    with progress(total=3) as bar:
        assert bar.disable


def test_the_switch_forces_bars_on_or_off(monkeypatch):
    monkeypatch.setenv("WARGAME_PROGRESS", "1")
    assert progress_enabled() is True
    monkeypatch.setenv("WARGAME_PROGRESS", "0")
    assert progress_enabled() is False


def test_off_when_the_output_is_not_a_terminal(monkeypatch):
    monkeypatch.delenv("WARGAME_PROGRESS", raising=False)
    monkeypatch.delenv("PYTEST_CURRENT_TEST", raising=False)
    monkeypatch.delitem(__import__("sys").modules, "pytest")
    monkeypatch.setattr(progress_module.sys, "stderr", io.StringIO())
    assert progress_enabled() is False


def test_a_bar_that_is_on_writes_plain_text_after_its_delay():
    out = io.StringIO()
    with progress(total=4, desc="simulate 10 games", unit="turn", file=out, disable=False, delay=0, leave=True) as bar:
        for _ in range(4):
            bar.update(1)
    text = out.getvalue()
    assert "simulate 10 games" in text and "4/4" in text
    quiet = io.StringIO()
    with progress(total=4, file=quiet, disable=False) as bar:  # the default delay: a short run stays silent
        bar.update(4)
    assert quiet.getvalue() == ""


def test_simulate_counts_its_turns_on_a_bar_when_bars_are_on(monkeypatch, capsys):
    import wargame

    monkeypatch.setenv("WARGAME_PROGRESS", "1")
    monkeypatch.setattr(progress_module, "SHOW_AFTER_SECONDS", 0.0)
    wargame.simulate("tutorial", "hold", runs=5, seed=0)
    shown = capsys.readouterr().err
    assert "simulate 5 games" in shown and "/4 " in shown  # a bar over the 4 turns (tqdm throttles redraws)
    monkeypatch.setenv("WARGAME_PROGRESS", "0")
    wargame.simulate("tutorial", "hold", runs=5, seed=0)
    assert capsys.readouterr().err == ""


def test_the_balance_check_counts_its_policies_on_a_bar_when_bars_are_on(monkeypatch, capsys):
    from wargame.balance import FAMILY, check_scenario
    from wargame.policies import BUILT_IN

    monkeypatch.setenv("WARGAME_PROGRESS", "1")
    monkeypatch.setattr(progress_module, "SHOW_AFTER_SECONDS", 0.0)
    check_scenario("tutorial", runs=2, search_runs=2)
    shown = capsys.readouterr().err
    assert "balance tutorial" in shown and f"/{len(BUILT_IN) + len(FAMILY)} " in shown
