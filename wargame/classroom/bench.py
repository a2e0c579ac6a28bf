"""The class session benchmark: ``python -m wargame.classroom bench --teams N``.

It serves a demo session in a temporary folder (``serve.start``, the pool sized for N), waits
until Voilà has pre-started the pool, then opens N student pages in headless Chromium, each in
its own browser context (a browser keeps at most six connections to one host per context),
and reports:

- the time from opening the link on every page until every page is playable (joined, with
  its End turn button shown);
- the click-to-update latency of End turn, from each click until that page shows the played
  turn (median and 95th percentile), twice: turn 1 with the N teams clicking within one minute
  (one click every 60/N seconds, as a class does), then turn 2 with all N clicking at the same
  moment (the worst case);
- the memory of the server and its kernels (resident set, summed), once all have played;
- that every team's two turns are in the store;
- the CPU time each side used while the pages opened and while the turns were played: the
  browsers (here on the same two cores; in class, on the students' own machines), Voilà's
  server, and the kernels. On one machine the browsers take most of it, so the times above
  measure the browsers as much as the server: these figures say how much is the server's.

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
CLICKS_WITHIN_S = 60.0  # "all teams clicking in the same minute"


@dataclass
class BenchResult:
    teams: int
    pool_ready_s: float
    playable_s: float
    join_boxes_s: float  # opening the link until every page shows its join box
    latencies_s: list[float]  # turn 1: the clicks spread over a minute
    burst_latencies_s: list[float]  # turn 2: every click at the same moment
    memory_mb: float
    kernels: int
    stored_turns: int
    loading_cpu_s: "CpuSplit"  # opening the link until every join box shows
    joining_cpu_s: "CpuSplit"  # the teams joining until every page is playable
    turn_cpu_s: "CpuSplit"  # the two turns

    @property
    def median_s(self) -> float:
        return statistics.median(self.latencies_s)

    @property
    def p95_s(self) -> float:
        return percentile_95(self.latencies_s)

    def lines(self) -> list[str]:
        return [
            f"teams: {self.teams}",
            f"kernels pre-started, the app run in each, in: {self.pool_ready_s:.1f} s (before the link is opened)",
            f"every page showing its join box after opening the link: {self.join_boxes_s:.1f} s",
            f"every page playable after opening the link: {self.playable_s:.1f} s",
            latency_line("End turn, the teams clicking within a minute", self.latencies_s),
            latency_line("End turn, all teams at the same moment", self.burst_latencies_s),
            f"memory, server and {self.kernels} kernels: {self.memory_mb:,.0f} MB",
            f"turns stored: {self.stored_turns} of {2 * self.teams}",
            f"CPU until every page showed its join box: {self.loading_cpu_s}",
            f"CPU from Join until every page was playable: {self.joining_cpu_s}",
            f"CPU while the two turns were played: {self.turn_cpu_s}",
        ]


@dataclass
class CpuSplit:
    """CPU seconds used by each side over one stretch of the benchmark."""

    browsers: float
    server: float
    kernels: float

    def __str__(self) -> str:
        return f"browsers {self.browsers:.0f} s, Voilà's server {self.server:.0f} s, kernels {self.kernels:.0f} s"

    def __sub__(self, before: "CpuSplit") -> "CpuSplit":
        """What each side used since ``before``."""
        return CpuSplit(self.browsers - before.browsers, self.server - before.server, self.kernels - before.kernels)


class CpuClock:
    """Reads the CPU time of the browsers, the server and the kernels (Linux ``/proc``)."""

    def __init__(self, served):
        self.served = served
        self.ticks_per_s = os.sysconf("SC_CLK_TCK")

    def read(self) -> CpuSplit:
        kernels = self.served.kernels()
        ours = set(serving.descendants(os.getpid()))  # the server, its kernels, Playwright and its browser
        browsers = ours - set(kernels) - {self.served.process.pid}
        seconds = lambda pids: cpu_ticks(list(pids)) / self.ticks_per_s  # noqa: E731
        return CpuSplit(seconds(browsers), seconds([self.served.process.pid]), seconds(kernels))


def percentile_95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def latency_line(what: str, latencies_s: list[float]) -> str:
    return f"{what}: median {statistics.median(latencies_s):.2f} s, 95th percentile {percentile_95(latencies_s):.2f} s"


def play_turn(pages, turn: int, offsets_s: list[float]) -> list[float]:
    """End turn ``turn`` on every page, page ``i`` clicked ``offsets_s[i]`` seconds after the
    start; the seconds from each click until its page shows the played turn."""
    from playwright.sync_api import expect

    for page in pages:
        expect(page.get_by_role("button", name="End turn")).to_be_enabled(timeout=PAGE_TIMEOUT_MS)
    clicked, latencies = {}, {}
    start = time.monotonic()
    deadline = start + max(offsets_s) + PAGE_TIMEOUT_MS / 1000
    while len(latencies) < len(pages) and time.monotonic() < deadline:
        for index, page in enumerate(pages):
            if index not in clicked and time.monotonic() - start >= offsets_s[index]:
                page.get_by_role("button", name="End turn").click(no_wait_after=True)
                clicked[index] = time.monotonic()
        for index in clicked:
            if index not in latencies and pages[index].get_by_text(f"Turn {turn} played:").is_visible():
                latencies[index] = time.monotonic() - clicked[index]
        time.sleep(0.05)
    if len(latencies) < len(pages):
        raise TimeoutError(f"only {len(latencies)} of {len(pages)} pages showed turn {turn} played.")
    return [latencies[index] for index in range(len(pages))]


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
    """Serve a demo session, open ``teams`` pages, play two turns in each, and measure
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
            clock = CpuClock(served)
            cpu_at_open = clock.read()
            opened = time.monotonic()
            for page in pages:
                page.goto(served.url, wait_until="commit", timeout=PAGE_TIMEOUT_MS)
            for page in pages:
                expect(page.get_by_placeholder("your team's name")).to_be_visible(timeout=PAGE_TIMEOUT_MS)
            loaded = time.monotonic() - opened
            cpu_at_join_boxes = clock.read()
            for number, page in enumerate(pages, start=1):
                page.get_by_placeholder("your team's name").fill(f"Team {number}")
                page.get_by_role("button", name="Join").click()
            for page in pages:
                expect(page.get_by_role("button", name="End turn")).to_be_enabled(timeout=PAGE_TIMEOUT_MS)
            playable = time.monotonic() - opened
            cpu_at_playable = clock.read()
            within_a_minute = play_turn(pages, 1, [index * CLICKS_WITHIN_S / teams for index in range(teams)])
            at_once = play_turn(pages, 2, [0.0] * teams)
            cpu_at_end = clock.read()
            kernels = served.kernels()
            memory = resident_mb([served.process.pid, *kernels])
            stored = sum(served.store.last_turn(f"Team {number}") for number in range(1, teams + 1))
            browser.close()
    finally:
        served.stop()
        log.close()
    return BenchResult(
        teams, pool_ready, playable, loaded, within_a_minute, at_once, memory, len(kernels), stored,
        cpu_at_join_boxes - cpu_at_open, cpu_at_playable - cpu_at_join_boxes, cpu_at_end - cpu_at_playable,
    )


def run(args) -> int:
    if not CHROMIUM.exists():
        print(f"The benchmark needs Chromium at {CHROMIUM} (apt-get install chromium).", file=sys.stderr)
        return 1
    result = bench(args.teams, args.scenario, store_url=args.store)
    print("\n".join(result.lines()))
    return 0 if result.stored_turns == 2 * result.teams else 1
