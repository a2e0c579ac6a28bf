"""JupyterHub for the end-to-end class test: deploy/jupyterhub/'s configuration with its test
override, started on free loopback ports in a temporary folder and stopped with nothing left.

Needs the hub's tools: jupyterhub (the kit's ``hub`` extra) and configurable-http-proxy (an npm
package, installed into .venv/node by ``make hub-tools``, which ``make test-slow`` runs). Without
them the test skips with one line saying how to get them; in CI (``CI=true``) it fails instead.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from . import gate, servers

REPO = servers.REPO
DEPLOY = REPO / "deploy" / "jupyterhub"
PROXY_IN_VENV = REPO / ".venv" / "node" / "node_modules" / ".bin" / "configurable-http-proxy"
START_TIMEOUT_S = 120.0
SERVER_TIMEOUT_S = 240.0
SERVICE = "wargame-class"

SKIP_MESSAGE = "JupyterHub tests skipped: {missing} missing; `make hub-tools` installs them (make test-slow does)"


def find_proxy() -> Path | None:
    """configurable-http-proxy: the kit's own (make hub-tools), else one on PATH."""
    if PROXY_IN_VENV.is_file():
        return PROXY_IN_VENV
    found = shutil.which("configurable-http-proxy")
    return Path(found) if found else None


def require_hub_tools() -> Path:
    """The proxy's path, or skip (on a user's machine) or fail (in CI) the calling test."""
    missing = []
    try:
        import jupyterhub  # noqa: F401
    except ImportError:
        missing.append("jupyterhub (pip install -e '.[hub]')")
    proxy = find_proxy()
    if proxy is None:
        missing.append("configurable-http-proxy (npm)")
    if missing:
        message = SKIP_MESSAGE.format(missing=" and ".join(missing))
        if gate.in_ci():
            pytest.fail(message + "; CI is set, so the test fails instead of skipping", pytrace=False)
        pytest.skip(message)
    return proxy


@dataclass
class Hub:
    process: subprocess.Popen
    url: str  # the public address (the proxy)
    admin_token: str
    folder: Path
    log_path: Path

    def api(self, method: str, path: str, body: dict | None = None):
        """The hub's REST API as the test's admin service."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            f"{self.url}/hub/api/{path}", data=data, method=method, headers={"Authorization": f"token {self.admin_token}"}
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            text = response.read()
        return json.loads(text) if text else None

    @property
    def service_url(self) -> str:
        """The class service through the hub's proxy, as a browser or another host reaches it."""
        return f"{self.url}/services/{SERVICE}/"

    def start_server(self, user: str) -> None:
        try:
            self.api("POST", f"users/{user}")
        except urllib.error.HTTPError as error:
            if error.code != 409:  # the user exists already (the instructors group made them)
                raise
        self.api("POST", f"users/{user}/server")

    def wait_for_servers(self, users) -> dict[str, int]:
        """Until every user's server is ready; their process ids."""
        deadline = time.monotonic() + SERVER_TIMEOUT_S
        pids = {}
        while time.monotonic() < deadline and len(pids) < len(users):
            for user in users:
                server = self.api("GET", f"users/{user}")["servers"].get("", {})
                if server.get("ready"):
                    pids[user] = server["state"]["pid"]
            time.sleep(1)
        if len(pids) < len(users):
            raise TimeoutError(f"users' servers not ready after {SERVER_TIMEOUT_S:.0f} s: {sorted(set(users) - set(pids))}\n{self.log_tail()}")
        return pids

    def log_tail(self, lines: int = 60) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def processes(self) -> list[int]:
        return [self.process.pid, *servers.descendants(self.process.pid)]


def environment_of(pid: int) -> dict[str, str]:
    """A process's environment (Linux; the test runs every process as its own user)."""
    raw = Path(f"/proc/{pid}/environ").read_bytes()
    return dict(item.split("=", 1) for item in raw.decode(errors="replace").split("\0") if "=" in item)


def start(folder: Path, proxy: Path, settings: dict[str, str], log_path: Path) -> Hub:
    """jupyterhub -f deploy/jupyterhub/test_config.py, as README.md says, with ``settings`` (the
    class's WARGAME_CLASS_* settings) in its environment; returns once the hub answers."""
    folder.mkdir(parents=True, exist_ok=True)
    port = servers.free_port()
    admin_token = os.urandom(16).hex()
    env = servers.jupyter_env(folder / "jupyter")
    env.update(settings)
    env.update(
        {
            "WARGAME_TEST_HUB_DIR": str(folder),
            "WARGAME_TEST_HUB_PORT": str(port),
            "WARGAME_TEST_HUB_INTERNAL_PORT": str(servers.free_port()),
            "WARGAME_TEST_PROXY_API_PORT": str(servers.free_port()),
            "WARGAME_TEST_HUB_API_TOKEN": admin_token,
            "WARGAME_TEST_PROXY": str(proxy),
            "PATH": os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")]),
        }
    )
    log = open(log_path, "ab")
    try:
        process = subprocess.Popen(
            [str(Path(sys.executable).parent / "jupyterhub"), "-f", str(DEPLOY / "test_config.py")],
            cwd=folder, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
    finally:
        log.close()
    hub = Hub(process, f"http://127.0.0.1:{port}", admin_token, folder, log_path)
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the hub stopped as it started (exit code {process.returncode}):\n{hub.log_tail()}")
        if "JupyterHub is now running" in log_path.read_text(errors="replace"):
            return hub
        time.sleep(0.5)
    stop(hub)
    raise TimeoutError(f"the hub did not start within {START_TIMEOUT_S:.0f} s:\n{hub.log_tail()}")


def stop(hub: Hub, processes: list[int] | None = None) -> list[int]:
    """SIGTERM to the hub (it stops users' servers and the service), then kill what is left of
    ``processes`` (users' servers run in sessions of their own); the ones that had to be killed."""
    processes = sorted(set(processes or []) | set(hub.processes()))
    if hub.process.poll() is None:
        hub.process.send_signal(signal.SIGTERM)
        try:
            hub.process.wait(60)
        except subprocess.TimeoutExpired:
            hub.process.kill()
            hub.process.wait(10)
    time.sleep(1)
    killed = []
    for pid in processes:
        if servers._alive(pid):
            killed.append(pid)
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
    return killed
