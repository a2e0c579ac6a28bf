"""The class session benchmark, 30 teams (slow: ``make test-slow``). Prints its figures."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from . import gate


@pytest.mark.slow
@pytest.mark.timeout(1800)
def test_thirty_teams_join_and_play_a_turn_each(tmp_path):
    gate.require_chromium()
    from wargame.classroom.bench import bench

    # On a thread of its own: Playwright's sync API refuses to start in a thread where another
    # browser test (pytest-playwright's session-wide browser) already runs its event loop.
    with ThreadPoolExecutor(max_workers=1) as worker:
        result = worker.submit(bench, 30, folder=tmp_path).result()
    print("\n" + "\n".join(result.lines()))
    assert result.stored_turns == 30
    assert len(result.latencies_s) == 30
