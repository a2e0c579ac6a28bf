"""``wargame.classroom.bench``'s own arithmetic: the CPU split and the percentile it reports."""

from __future__ import annotations

import subprocess
import sys
import time
from types import SimpleNamespace

from wargame.classroom.bench import CpuClock, CpuSplit, click_offsets, percentile_95, resources_asked

IDLE = "import time; time.sleep(30)"
BUSY = "import time\nend = time.process_time() + 0.6\nwhile time.process_time() < end: pass\ntime.sleep(30)"


def test_the_cpu_split_puts_each_process_on_its_side():
    server = subprocess.Popen([sys.executable, "-c", IDLE])
    kernel = subprocess.Popen([sys.executable, "-c", BUSY])  # a "kernel" that works for 0.6 s of CPU
    other = subprocess.Popen([sys.executable, "-c", IDLE])  # counted with the browsers: our other children
    try:
        clock = CpuClock(SimpleNamespace(process=server, kernels=lambda: [kernel.pid]))
        before = clock.read()
        for _ in range(200):  # until the kernel has done its work
            used = clock.read() - before
            if used.kernels >= 0.5:
                break
            time.sleep(0.05)
        assert used.kernels >= 0.5
        assert used.server < 0.2 and used.pages < 0.3
    finally:
        for process in (server, kernel, other):
            process.kill()
            process.wait()


def test_the_split_reads_in_whole_seconds():
    assert str(CpuSplit(12.4, 3.0, 0.6)) == "browsers 12 s, Voilà's server 3 s, kernels 1 s"
    assert str(CpuSplit(5.0, 1.0, 2.0, "page clients") - CpuSplit(1.0, 0.0, 0.0, "page clients")) == "page clients 4 s, Voilà's server 1 s, kernels 2 s"


def test_the_95th_percentile_is_a_measured_value_near_the_top():
    assert percentile_95([float(n) for n in range(1, 21)]) == 19.0
    assert percentile_95([2.5]) == 2.5


def test_page_clients_ask_for_what_the_page_asked_of_its_own_server_only():
    asked = [
        "http://127.0.0.1:8866/",  # the page itself: each client asks for it first anyway
        "http://127.0.0.1:8866/voila/static/voila.js",
        "http://127.0.0.1:8866/voila/templates/wargame/static/index.css?v=1",
        "ws://127.0.0.1:8866/api/kernels/k1/channels?session_id=s1",
        "http://127.0.0.1:8866/api/kernels/k1/channels?session_id=s1",
        "http://127.0.0.1:9999/elsewhere.js",
    ]
    assert resources_asked("http://127.0.0.1:8866/", asked) == ["/voila/static/voila.js", "/voila/templates/wargame/static/index.css?v=1"]


def test_clicks_within_a_minute_are_spread_evenly_and_a_burst_is_at_once():
    assert click_offsets(4, 60.0) == [0.0, 15.0, 30.0, 45.0]
    assert click_offsets(3, 0.0) == [0.0, 0.0, 0.0]
