"""The class session benchmark: ``python -m wargame.classroom bench --teams N [--pages clients]``.

It serves a demo session in a temporary folder (``serve.start``, the pool sized for N), waits
until Voilà has pre-started the pool, then opens N student pages and reports what follows. The
pages are opened one of two ways:

- ``browsers`` (the default): headless Chromium, each page in a browser context of its own (a
  browser keeps at most six connections to one host per context). Everything a class does,
  but the browsers share this machine's cores with the server: a page costs its browser about
  6 s of CPU to open (Voilà's 5 MB of scripts, some 300 widgets), which in class each
  student's own machine spends;
- ``clients``: ``page_client.PageClient`` s, which make a page's requests (the list one
  Chromium page made, recorded first) and send its widget messages, without a browser's own
  work: the server's and the kernels' side of a class, as on the day.

It reports:

- the time from opening the link on every page until every page is playable (joined, with
  its End turn button shown; for a page client, also with the whole dashboard received, which
  a browser needs before it can draw it);
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

import asyncio
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
    pages: str  # what opened the pages: "browsers" or "page clients"
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

    def extra_kernel_said(self) -> str:
        return "" if self.pages == "browsers" else " (one kernel for the Chromium page that showed what a page asks for)"

    def pages_said(self) -> str:
        if self.pages == "browsers":
            return "headless Chromium on this machine (in class, on the students' own machines)"
        return "page clients: a page's requests and widget messages, without a browser's own work"

    def lines(self) -> list[str]:
        return [
            f"teams: {self.teams}, their pages opened by {self.pages_said()}",
            f"kernels pre-started, the app run in each, in: {self.pool_ready_s:.1f} s (before the link is opened)",
            f"every page showing its join box after opening the link: {self.join_boxes_s:.1f} s",
            f"every page playable after opening the link: {self.playable_s:.1f} s",
            latency_line("End turn, the teams clicking within a minute", self.latencies_s),
            latency_line("End turn, all teams at the same moment", self.burst_latencies_s),
            f"memory, server and {self.kernels} kernels: {self.memory_mb:,.0f} MB" + self.extra_kernel_said(),
            f"turns stored: {self.stored_turns} of {2 * self.teams}",
            f"CPU until every page showed its join box: {self.loading_cpu_s}",
            f"CPU from Join until every page was playable: {self.joining_cpu_s}",
            f"CPU while the two turns were played: {self.turn_cpu_s}",
        ]


@dataclass
class CpuSplit:
    """CPU seconds used by each side over one stretch of the benchmark."""

    pages: float
    server: float
    kernels: float
    pages_are: str = "browsers"

    def __str__(self) -> str:
        return f"{self.pages_are} {self.pages:.0f} s, Voilà's server {self.server:.0f} s, kernels {self.kernels:.0f} s"

    def __sub__(self, before: "CpuSplit") -> "CpuSplit":
        """What each side used since ``before``."""
        return CpuSplit(self.pages - before.pages, self.server - before.server, self.kernels - before.kernels, self.pages_are)


class CpuClock:
    """Reads the CPU time of the pages, the server and the kernels (Linux ``/proc``). The pages
    are our other child processes (Playwright and its browsers) and, with ``this_process``, this
    process too (where page clients run)."""

    def __init__(self, served, this_process: bool = False):
        self.served = served
        self.this_process = this_process
        self.ticks_per_s = os.sysconf("SC_CLK_TCK")

    def read(self) -> CpuSplit:
        kernels = self.served.kernels()
        ours = set(serving.descendants(os.getpid()))  # the server, its kernels, Playwright and its browser
        browsers = ours - set(kernels) - {self.served.process.pid}
        seconds = lambda pids: cpu_ticks(list(pids)) / self.ticks_per_s  # noqa: E731
        if self.this_process:
            return CpuSplit(seconds(browsers) + time.process_time(), seconds([self.served.process.pid]), seconds(kernels), "page clients")
        return CpuSplit(seconds(browsers), seconds([self.served.process.pid]), seconds(kernels))


def percentile_95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def latency_line(what: str, latencies_s: list[float]) -> str:
    return f"{what}: median {statistics.median(latencies_s):.2f} s, 95th percentile {percentile_95(latencies_s):.2f} s"


JOIN_BOX = "your team's name"  # the join box's placeholder
PAGE_KINDS = ("browsers", "clients")


def click_offsets(teams: int, within_s: float) -> list[float]:
    """When each team clicks, one every ``within_s / teams`` seconds (0 for all at once)."""
    return [index * within_s / teams for index in range(teams)]


class BrowserPages:
    """N student pages in headless Chromium, each in a browser context of its own."""

    label = "browsers"

    def __init__(self, url: str, teams: int, folder: Path):
        from playwright.sync_api import sync_playwright

        self.url = url
        self.folder = folder  # where a page that fails leaves its screenshot and its console
        self.console: dict[int, list[str]] = {}
        self.playwright = sync_playwright().start()
        self.browser = self.playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        self.pages = [self.browser.new_context().new_page() for _ in range(teams)]

    def open(self) -> None:
        from playwright.sync_api import expect

        for index, page in enumerate(self.pages):
            self.console[index] = []
            page.on("console", lambda message, index=index: self.console[index].append(f"{message.type}: {message.text}"))
            page.goto(self.url, wait_until="commit", timeout=PAGE_TIMEOUT_MS)
        for index, page in enumerate(self.pages):
            try:
                expect(page.get_by_placeholder(JOIN_BOX)).to_be_visible(timeout=PAGE_TIMEOUT_MS)
            except AssertionError:
                raise TimeoutError(f"page {index + 1} of {len(self.pages)} showed no join box; {self._left_for_later(index)}") from None

    def join(self) -> None:
        from playwright.sync_api import expect

        for number, page in enumerate(self.pages, start=1):
            page.get_by_placeholder(JOIN_BOX).fill(f"Team {number}")
            page.get_by_role("button", name="Join").click()
        for page in self.pages:
            expect(page.get_by_role("button", name="End turn")).to_be_enabled(timeout=PAGE_TIMEOUT_MS)

    def play_turn(self, turn: int, offsets_s: list[float]) -> list[float]:
        """End turn ``turn`` on every page, page ``i`` clicked ``offsets_s[i]`` seconds after
        the start; the seconds from each click until its page shows the played turn."""
        from playwright.sync_api import expect

        for page in self.pages:
            expect(page.get_by_role("button", name="End turn")).to_be_enabled(timeout=PAGE_TIMEOUT_MS)
        clicked, latencies = {}, {}
        start = time.monotonic()
        deadline = start + max(offsets_s) + PAGE_TIMEOUT_MS / 1000
        while len(latencies) < len(self.pages) and time.monotonic() < deadline:
            for index, page in enumerate(self.pages):
                if index not in clicked and time.monotonic() - start >= offsets_s[index]:
                    page.get_by_role("button", name="End turn").click(no_wait_after=True)
                    clicked[index] = time.monotonic()
            for index in clicked:
                if index not in latencies and self.pages[index].get_by_text(f"Turn {turn} played:").is_visible():
                    latencies[index] = time.monotonic() - clicked[index]
            time.sleep(0.05)
        if len(latencies) < len(self.pages):
            raise TimeoutError(f"only {len(latencies)} of {len(self.pages)} pages showed turn {turn} played.")
        return [latencies[index] for index in range(len(self.pages))]

    def close(self) -> None:
        self.browser.close()
        self.playwright.stop()

    def _left_for_later(self, index: int) -> str:
        """Keep a failed page's screenshot and console messages in the folder; say where."""
        shot, console = self.folder / f"page-{index + 1}.png", self.folder / f"page-{index + 1}-console.txt"
        self.pages[index].screenshot(path=str(shot), full_page=True)
        console.write_text("\n".join(self.console[index]), encoding="utf-8")
        return f"its screenshot is {shot} and its console {console}."


class ClientPages:
    """N student pages as ``PageClient`` s in this process: the requests and widget messages of
    real pages, without a browser's own work (which in class runs on the students' machines)."""

    label = "page clients"

    def __init__(self, url: str, teams: int, resources: list[str]):
        from .page_client import PageClient

        self.loop = asyncio.new_event_loop()
        self.clients = [PageClient(url, resources, timeout_s=PAGE_TIMEOUT_MS / 1000) for _ in range(teams)]

    def open(self) -> None:
        async def open_one(client):
            await client.open()
            await client.until(lambda: client.find("Text", placeholder=JOIN_BOX), "the join box")

        self._all(open_one(client) for client in self.clients)

    def join(self) -> None:
        async def join_one(number, client):
            await client.type_into(client.find("Text", placeholder=JOIN_BOX), f"Team {number}")
            joined = await client.click(client.find("Button", description="Join"))
            await client.until(lambda: client.find("Button", enabled=True, description="End turn"), "End turn")
            # and the whole dashboard has arrived, charts and all, as a browser needs to draw it
            await client.until_handled(joined, "the dashboard")

        self._all(join_one(number, client) for number, client in enumerate(self.clients, start=1))

    def play_turn(self, turn: int, offsets_s: list[float]) -> list[float]:
        async def play_one(client, offset_s):
            await asyncio.sleep(offset_s)
            clicked = time.monotonic()
            await client.click(client.find("Button", enabled=True, description="End turn"))
            await client.until(lambda: client.shows(f"Turn {turn} played:"), f"turn {turn} played")
            return time.monotonic() - clicked

        return self._all(play_one(client, offset) for client, offset in zip(self.clients, offsets_s))

    def close(self) -> None:
        self._all(client.close() for client in self.clients)
        self.loop.close()

    def _all(self, coroutines) -> list:
        async def gather():
            return await asyncio.gather(*coroutines)

        return self.loop.run_until_complete(gather())


def requests_of_a_page(url: str) -> list[str]:
    """The paths (with their queries) of everything one Chromium page asks the server for
    until it shows its join box, beyond the page itself and its kernel's websocket."""
    from playwright.sync_api import expect, sync_playwright

    asked: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_context().new_page()
        page.on("request", lambda request: asked.append(request.url))
        page.goto(url, timeout=PAGE_TIMEOUT_MS)
        expect(page.get_by_placeholder(JOIN_BOX)).to_be_visible(timeout=PAGE_TIMEOUT_MS)
        browser.close()
    return resources_asked(url, asked)


def resources_asked(url: str, asked: list[str]) -> list[str]:
    """Of the addresses a page at ``url`` asked for, the paths (with their queries) of those on
    its own server, without the page itself and its kernel's websocket."""
    origin = "/".join(url.split("/")[:3])
    paths = [address[len(origin):] for address in asked if address.startswith(origin + "/")]
    return [path for path in paths if path != url[len(origin):] and "/channels?" not in path]


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


def bench(teams: int, scenario: str = "tutorial", folder: Path | None = None, store_url: str | None = None, pages: str = "browsers") -> BenchResult:
    """Serve a demo session, open ``teams`` pages, play two turns in each, and measure
    (``store_url``: the session's database on that PostgreSQL server; ``pages``: "browsers"
    for Chromium pages, "clients" for ``PageClient`` s)."""
    if pages not in PAGE_KINDS:
        raise ValueError(f"pages must be one of {', '.join(PAGE_KINDS)}, not {pages!r}.")
    folder = Path(folder or tempfile.mkdtemp(prefix="wargame-bench-"))
    log_path = folder / "voila.log"
    log = open(log_path, "wb")
    started = time.monotonic()
    # clients: one kernel more, for the Chromium page that shows what a page asks the server for
    pool = teams + (pages == "clients")
    served = serving.start(folder / "session", scenario, seed=1, teams=pool, log=log, store_url=store_url)
    try:
        _wait_for_pool(log_path, serving.pool_kernels(pool))
        _wait_until_quiet(served)
        pool_ready = time.monotonic() - started
        if pages == "clients":
            resources = requests_of_a_page(served.url)
            _wait_until_quiet(served)
            students = ClientPages(served.url, teams, resources)
        else:
            students = BrowserPages(served.url, teams, folder)
        try:
            clock = CpuClock(served, this_process=pages == "clients")
            cpu_at_open = clock.read()
            opened = time.monotonic()
            students.open()
            loaded = time.monotonic() - opened
            cpu_at_join_boxes = clock.read()
            students.join()
            playable = time.monotonic() - opened
            cpu_at_playable = clock.read()
            within_a_minute = students.play_turn(1, click_offsets(teams, CLICKS_WITHIN_S))
            at_once = students.play_turn(2, click_offsets(teams, 0.0))
            cpu_at_end = clock.read()
            kernels = served.kernels()
            memory = resident_mb([served.process.pid, *kernels])
            stored = sum(served.store.last_turn(f"Team {number}") for number in range(1, teams + 1))
        finally:
            students.close()
    finally:
        served.stop()
        log.close()
    return BenchResult(
        teams, students.label, pool_ready, playable, loaded, within_a_minute, at_once, memory, len(kernels), stored,
        cpu_at_join_boxes - cpu_at_open, cpu_at_playable - cpu_at_join_boxes, cpu_at_end - cpu_at_playable,
    )


def run(args) -> int:
    if not CHROMIUM.exists():
        print(f"The benchmark needs Chromium at {CHROMIUM} (apt-get install chromium).", file=sys.stderr)
        return 1
    result = bench(args.teams, args.scenario, store_url=args.store, pages=args.pages)
    print("\n".join(result.lines()))
    return 0 if result.stored_turns == 2 * result.teams else 1
