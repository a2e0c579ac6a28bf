"""Stopping a server leaves nothing running: checked with stand-in servers (no browser needed).

A stand-in starts a child in a session of its own, as jupyter_client starts kernels, so the
child is outside the server's process group and only the server's own shutdown ends it.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import pytest

from . import servers

# A "server" with one "kernel": on SIGTERM it ends its kernel (unless told not to), then exits.
STAND_IN = """
import signal, subprocess, sys, time
kernel = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"], start_new_session=True)
print(kernel.pid, flush=True)
def stop(*_):
    if sys.argv[1] == "polite":
        kernel.terminate()
        kernel.wait()
    sys.exit(0)
signal.signal(signal.SIGTERM, stop)
time.sleep(600)
"""


def stand_in(tmp_path, manners: str) -> tuple[servers.Server, int]:
    log = tmp_path / "server.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-c", STAND_IN, manners], stdout=subprocess.PIPE, stderr=out, start_new_session=True
        )
    kernel = int(process.stdout.readline())
    return servers.Server("stand-in", process, 0, log), kernel


def test_stop_ends_the_server_and_the_kernels_it_started(tmp_path):
    server, kernel = stand_in(tmp_path, "polite")
    assert kernel in servers.descendants(server.process.pid)
    servers.stop(server)
    assert server.process.poll() is not None
    with pytest.raises(ProcessLookupError):
        os.killpg(server.process.pid, 0)
    assert not servers._alive(kernel)


def test_stop_fails_and_cleans_up_when_a_kernel_outlives_its_server(tmp_path, monkeypatch):
    monkeypatch.setattr(servers, "STOP_TIMEOUT", 1.0)
    server, kernel = stand_in(tmp_path, "rude")
    with pytest.raises(AssertionError, match=f"still running after it stopped: \\[{kernel}\\]"):
        servers.stop(server)
    deadline = time.monotonic() + 10
    while servers._alive(kernel) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not servers._alive(kernel)


def test_free_port_is_free_on_the_loopback():
    port = servers.free_port()
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", port))
