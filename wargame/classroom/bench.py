"""The class session benchmark: ``python -m wargame.classroom bench --teams N``.

It serves a demo session in a temporary folder (``serve.start``, the pool sized for N), waits
until Voilà has pre-started the pool, then opens N student pages in headless Chromium, each in
its own browser context (a browser keeps at most six connections to one host per context),
and reports:

- the time from opening the link on every page until every page is playable (joined, with
  its End turn button shown);
- the click-to-update latency of End turn with all N teams clicking together: from each
  click until that page shows the played turn (median and 95th percentile);
- the memory of the server and its kernels (resident set, summed), once all have played;
- that every team's turn is in the store.

It needs Playwright and Debian's Chromium (``/usr/bin/chromium``), as the browser tests do.
Figures are printed, never asserted: they depend on the machine.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from . import serve as serving

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
POOL_TIMEOUT_S = 600.0
PAGE_TIMEOUT_MS = 600_000


@dataclass
class BenchResult:
    teams: int
    pool_ready_s: float
    playable_s: float
    latencies_s: list[float]
    memory_mb: float
    kernels: int
    stored_turns: int

    @property
    def median_s(self) -> float:
        return statistics.median(self.latencies_s)

    @property
    def p95_s(self) -> float:
        ordered = sorted(self.latencies_s)
        return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]

    def lines(self) -> list[str]:
        return [
            f"teams: {self.teams}",
            f"kernels pre-started, the app run in each, in: {self.pool_ready_s:.1f} s (before the link is opened)",
            f"every page playable after opening the link: {self.playable_s:.1f} s",
            f"End turn, all teams at once: median {self.median_s:.2f} s, 95th percentile {self.p95_s:.2f} s",
            f"memory, server and {self.kernels} kernels: {self.memory_mb:,.0f} MB",
            f"turns stored: {self.stored_turns} of {self.teams}",
        ]


def resident_mb(pids: list[int]) -> float:
    total_kb = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total_kb += int(line.split()[1])
        except OSError:
            continue
    return total_kb / 1024


def _wait_for_pool(log_path: Path, teams: int) -> None:
    deadline = time.monotonic() + POOL_TIMEOUT_S
    while time.monotonic() < deadline:
        if f"is filled with {teams} kernel" in log_path.read_text(errors="replace"):
            return
        time.sleep(0.5)
    raise TimeoutError(f"Voilà did not pre-start {teams} kernels within {POOL_TIMEOUT_S:.0f} s (see {log_path}).")


def cpu_ticks(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except (OSError, ValueError, IndexError):
            continue
    return total


def _wait_until_quiet(served, seconds: float = 3.0) -> None:
    """Until the server and its kernels use under a tenth of a core: the pool has run the app.

    Voilà logs the pool as filled once its kernels have started, before they have run the
    notebook; "kernels pre-started before the class" means after that run.
    """
    ticks_per_s = os.sysconf("SC_CLK_TCK")
    deadline = time.monotonic() + POOL_TIMEOUT_S
    while time.monotonic() < deadline:
        pids = [served.process.pid, *served.kernels()]
        before = cpu_ticks(pids)
        time.sleep(seconds)
        if cpu_ticks(pids) - before < 0.1 * seconds * ticks_per_s:
            return
    raise TimeoutError(f"the server and its kernels were still busy after {POOL_TIMEOUT_S:.0f} s.")


def bench(teams: int, scenario: str = "tutorial", folder: Path | None = None, store_url: str | None = None) -> BenchResult:
    """Serve a demo session, open ``teams`` pages, end a turn in each, and measure
    (``store_url``: the session's database on that PostgreSQL server)."""
    from playwright.sync_api import expect, sync_playwright

    folder = Path(folder or tempfile.mkdtemp(prefix="wargame-bench-"))
    log_path = folder / "voila.log"
    log = open(log_path, "wb")
    started = time.monotonic()
    served = serving.start(folder / "session", scenario, seed=1, teams=teams, log=log, store_url=store_url)
    try:
        _wait_for_pool(log_path, teams)
        _wait_until_quiet(served)
        pool_ready = time.monotonic() - started
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            pages = [browser.new_context().new_page() for _ in range(teams)]
            opened = time.monotonic()
            for page in pages:
                page.goto(served.url, wait_until="commit", timeout=PAGE_TIMEOUT_MS)
            for number, page in enumerate(pages, start=1):
                box = page.get_by_placeholder("your team's name")
                expect(box).to_be_visible(timeout=PAGE_TIMEOUT_MS)
                box.fill(f"Team {number}")
                page.get_by_role("button", name="Join").click()
            for page in pages:
                expect(page.get_by_role("button", name="End turn")).to_be_enabled(timeout=PAGE_TIMEOUT_MS)
            playable = time.monotonic() - opened
            clicked = {}
            for index, page in enumerate(pages):
                page.get_by_role("button", name="End turn").click(no_wait_after=True)
                clicked[index] = time.monotonic()
            latencies = {}
            deadline = time.monotonic() + PAGE_TIMEOUT_MS / 1000
            while len(latencies) < teams and time.monotonic() < deadline:
                for index, page in enumerate(pages):
                    if index not in latencies and page.get_by_text("Turn 1 played:").is_visible():
                        latencies[index] = time.monotonic() - clicked[index]
                time.sleep(0.05)
            kernels = served.kernels()
            memory = resident_mb([served.process.pid, *kernels])
            stored = sum(served.store.last_turn(f"Team {number}") for number in range(1, teams + 1))
            browser.close()
    finally:
        served.stop()
        log.close()
    if len(latencies) < teams:
        raise TimeoutError(f"only {len(latencies)} of {teams} pages showed their played turn.")
    return BenchResult(teams, pool_ready, playable, list(latencies.values()), memory, len(kernels), stored)


def run(args) -> int:
    if not CHROMIUM.exists():
        print(f"The benchmark needs Chromium at {CHROMIUM} (apt-get install chromium).", file=sys.stderr)
        return 1
    result = bench(args.teams, args.scenario, store_url=args.store)
    print("\n".join(result.lines()))
    return 0 if result.stored_turns == result.teams else 1
