"""The class session benchmark, 30 teams (slow: ``make test-slow``), which prints its figures;
and the pool of kernels it is served with, which must not double as a class takes it."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace

import pytest

from wargame.classroom.serve import SPARE_KERNELS, class_pool, pool_kernels, voila_command

from . import gate


def kernels_started(pool: int, pages: int, spare: int | None) -> tuple[int, int, int]:
    """Kernels Voilà's own pool manager (or, with ``spare``, the class pool) starts when its
    pool of ``pool`` kernels is filled and when ``pages`` pages then open, and how many it then
    holds ready. The kernels are stand-ins: starting one only counts it."""
    from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
    from traitlets.config import Configurable
    from voila.voila_kernel_manager import voila_kernel_manager_factory

    started = []
    parent = Configurable()
    parent.root_dir, parent.notebook_path, parent.base_url, parent.server_url, parent.port = "/tmp", "/tmp/app.ipynb", "/", "/", 0
    manager_class = voila_kernel_manager_factory(AsyncMappingKernelManager, True, pool)
    if spare is not None:
        manager_class = class_pool(manager_class, spare)

    class CountingPool(manager_class):
        async def _initialize(self, notebook_path, kernel_id=None, **kwargs):
            started.append(notebook_path)
            return {"task": None, "renderer": SimpleNamespace(stop_generator=False, rendered_cache=[]), "kernel_id": f"k{len(started)}"}

    async def open_pages():
        manager = CountingPool(parent=parent, fill_delay=0)
        await asyncio.sleep(0.05)  # the first fill's tasks run
        before = len(started)
        for _ in range(pages):
            if manager.get_pool_size("app.ipynb"):  # as Voilà's page handler asks (else a kernel of its own)
                await manager.get_rendered_notebook("app.ipynb")
            await asyncio.sleep(0)
        await asyncio.sleep(0.05)  # the refills' tasks run
        return before, manager.get_pool_size("app.ipynb")

    # in a thread of its own: Playwright's sync API (other tests of the session) keeps an event
    # loop running in this one, where asyncio.run refuses to start another
    with ThreadPoolExecutor(1) as thread:
        before, ready = thread.submit(asyncio.run, open_pages()).result()
    return before, len(started) - before, ready


def test_voilas_own_pool_doubles_a_class_and_the_class_pool_starts_its_kernels_before_it():
    # (kernels started before the class, started while its pages opened, ready afterwards)
    assert kernels_started(pool=6, pages=6, spare=None) == (6, 6, 6)  # Voilà 0.5 refills every kernel taken
    six_teams = pool_kernels(6)
    assert six_teams == 6 + SPARE_KERNELS
    assert kernels_started(pool=six_teams, pages=6, spare=SPARE_KERNELS) == (8, 0, 2)  # the class and two spares, all before
    assert kernels_started(pool=6, pages=6, spare=SPARE_KERNELS) == (6, 2, 2)  # spares not counted in: started in class
    assert kernels_started(pool=six_teams, pages=8, spare=SPARE_KERNELS) == (8, 2, 2)  # reloads, late teams: spares refilled
    assert kernels_started(pool=6, pages=8, spare=0) == (6, 0, 0)  # none: two pages start kernels as they come
    assert kernels_started(pool=pool_kernels(1), pages=1, spare=SPARE_KERNELS) == (3, 0, 2)


def test_serve_runs_voila_with_the_class_pool():
    command = voila_command(teams=30, port=8866, ip="127.0.0.1")
    assert "run_voila" in " ".join(command) and f"--spare={SPARE_KERNELS}" in command
    assert f"--pool_size={30 + SPARE_KERNELS}" in command and "--preheat_kernel=True" in command
    assert "--KernelManager.transport=ipc" in command  # no port to race for as 30 kernels start
    assert "--VoilaExecutor.iopub_timeout=120" in command  # no page rendered without the app


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
    assert result.stored_turns == 60  # two turns each
    assert len(result.latencies_s) == len(result.burst_latencies_s) == 30


@pytest.mark.slow
@pytest.mark.timeout(1800)
def test_thirty_teams_as_page_clients_join_and_play_two_turns_each(tmp_path):
    """The same class with the pages' requests and messages but not their browsers' work: the
    server's side of a class, whose figures the closing notes quote against the targets."""
    gate.require_chromium()  # one Chromium page shows what a page asks the server for
    from wargame.classroom.bench import bench

    with ThreadPoolExecutor(max_workers=1) as worker:
        result = worker.submit(bench, 30, folder=tmp_path, pages="clients").result()
    print("\n" + "\n".join(result.lines()))
    assert result.pages == "page clients"
    assert result.stored_turns == 60
    assert len(result.latencies_s) == len(result.burst_latencies_s) == 30

