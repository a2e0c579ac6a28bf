"""``wargame.classroom.bench``'s own arithmetic: the CPU split and the percentile it reports."""

from __future__ import annotations

import subprocess
import sys
import time
from types import SimpleNamespace

from wargame.classroom.bench import CpuClock, CpuSplit, percentile_95

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
        assert used.server < 0.2 and used.browsers < 0.3
    finally:
        for process in (server, kernel, other):
            process.kill()
            process.wait()


def test_the_split_reads_in_whole_seconds():
    assert str(CpuSplit(12.4, 3.0, 0.6)) == "browsers 12 s, Voilà's server 3 s, kernels 1 s"


def test_the_95th_percentile_is_a_measured_value_near_the_top():
    assert percentile_95([float(n) for n in range(1, 21)]) == 19.0
    assert percentile_95([2.5]) == 2.5
