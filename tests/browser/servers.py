"""JupyterLab and Voilà servers for the browser tests: started on free loopback ports with
temporary Jupyter and IPython folders, and stopped with nothing left running.

A server runs in its own process group (``start_new_session``); jupyter_client starts each
kernel in a session of its own, so the kernels are found as the server's descendants before
it is stopped. ``stop`` sends SIGTERM to the server's group (the server shuts its kernels
down), waits, and raises if any of those processes is still alive afterwards (after killing
it, so a failed test leaves nothing behind either).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

START_TIMEOUT = 60.0  # seconds for the server's port to open
STOP_TIMEOUT = 30.0  # seconds for the server and its kernels to exit after SIGTERM


def free_port() -> int:
    """A TCP port on the loopback that nothing listens on now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def jupyter_env(home: Path) -> dict[str, str]:
    """The environment for a server: every Jupyter and IPython folder under ``home``, and the
    repository on PYTHONPATH and JUPYTER_PATH (the kit and its Voilà template are found with
    or without an install)."""
    folders = {
        "JUPYTER_CONFIG_DIR": "config",
        "JUPYTER_RUNTIME_DIR": "runtime",
        "JUPYTER_DATA_DIR": "data",
        "IPYTHONDIR": "ipython",
        "JUPYTERLAB_SETTINGS_DIR": "lab-settings",
        "JUPYTERLAB_WORKSPACES_DIR": "lab-workspaces",
    }
    env = dict(os.environ)
    for variable, name in folders.items():
        path = home / name
        path.mkdir(parents=True, exist_ok=True)
        env[variable] = str(path)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO)] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
    # the kit's Voilà template from this checkout, installed or not (share/jupyter/voila/templates)
    env["JUPYTER_PATH"] = os.pathsep.join([str(REPO / "share" / "jupyter")] + ([env["JUPYTER_PATH"]] if env.get("JUPYTER_PATH") else []))
    env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"  # ipykernel's debugger warning on kernel start
    return env


def write_lab_settings(env: dict[str, str]) -> None:
    """No news popup, no update check, no autosave (the notebooks are copies, but quiet is better)."""
    settings = Path(env["JUPYTERLAB_SETTINGS_DIR"])
    files = {
        "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false", "checkForUpdates": False},
        "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    }
    for name, values in files.items():
        path = settings / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values), encoding="utf-8")


@dataclass
class Server:
    name: str
    process: subprocess.Popen
    port: int
    log_path: Path
    stopped: bool = field(default=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log_tail(self, lines: int = 40) -> str:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])


def _port_open(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def start(name: str, command: list[str], env: dict[str, str], log_path: Path, attempts: int = 3) -> Server:
    """Start ``command`` (formatted with ``port=``) on a free port and wait for the port to open.

    If the server exits before its port opens (another process took the port in between),
    it is tried again on another port.
    """
    failures = []
    for _ in range(attempts):
        port = free_port()
        log = open(log_path, "ab")
        try:
            process = subprocess.Popen(
                [part.format(port=port) for part in command],
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        finally:
            log.close()
        server = Server(name, process, port, log_path)
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if process.poll() is not None:
                break
            if _port_open(port):
                return server
            time.sleep(0.1)
        failures.append(f"port {port}: exit code {process.poll()}\n{server.log_tail()}")
        stop(server, check=False)
    raise RuntimeError(f"{name} did not start:\n" + "\n\n".join(failures))


def _parents() -> dict[int, tuple[int, str]]:
    """Every process's parent and state: from /proc on Linux, from ``ps`` elsewhere."""
    table = {}
    if Path("/proc/self/stat").exists():
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            # "pid (command) state ppid ...": the command may hold spaces and parentheses
            state, parent = stat.rsplit(")", 1)[1].split()[:2]
            table[int(entry.name)] = (int(parent), state)
        return table
    listing = subprocess.run(["ps", "-A", "-o", "pid=", "-o", "ppid=", "-o", "stat="], capture_output=True, text=True)
    for line in listing.stdout.splitlines():
        pid, parent, state = line.split()[:3]
        table[int(pid)] = (int(parent), state[:1])
    return table


def descendants(pid: int) -> list[int]:
    """Every live process below ``pid``."""
    children: dict[int, list[int]] = {}
    for child, (parent, _) in _parents().items():
        children.setdefault(parent, []).append(child)
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _alive(pid: int) -> bool:
    """Running (a zombie has exited: only its parent's wait is missing)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    _, state = _parents().get(pid, (0, "Z"))
    return state != "Z"


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def stop(server: Server, check: bool = True) -> None:
    """SIGTERM to the server's process group, wait for it and its kernels to exit.

    With ``check``, raise if anything had to be killed or is still there.
    """
    if server.stopped:
        return
    server.stopped = True
    process = server.process
    pgid = process.pid  # start_new_session: the server leads its own group
    kernels = descendants(process.pid)
    problems = []
    if process.poll() is None:
        try:
            os.killpg(pgid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            problems.append(f"{server.name} (pid {process.pid}) ignored SIGTERM for {STOP_TIMEOUT:.0f} s")
    deadline = time.monotonic() + STOP_TIMEOUT
    while time.monotonic() < deadline and (_group_alive(pgid) or any(_alive(pid) for pid in kernels)):
        time.sleep(0.1)
    left = [pid for pid in kernels if _alive(pid)]
    if _group_alive(pgid):
        problems.append(f"processes of {server.name}'s group {pgid} still running after SIGTERM")
    if left:
        problems.append(f"processes started by {server.name} still running after it stopped: {left}")
    for pid in left:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    try:
        os.killpg(pgid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    if process.poll() is None:
        process.wait(timeout=10)
    if check and problems:
        raise AssertionError("; ".join(problems) + f"\n{server.name} log:\n{server.log_tail()}")


def jupyterlab(root: Path, home: Path, log_path: Path, extra_env: dict[str, str] | None = None) -> Server:
    """JupyterLab on ``root`` (``extra_env``: more variables for it and its kernels)."""
    env = {**jupyter_env(home), **(extra_env or {})}
    write_lab_settings(env)
    command = [
        sys.executable, "-m", "jupyterlab",
        "--no-browser", "--allow-root",
        "--ServerApp.ip=127.0.0.1", "--ServerApp.port={port}", "--ServerApp.port_retries=0",
        "--ServerApp.token=", "--ServerApp.password=",
        f"--ServerApp.root_dir={root}",
    ]
    return start("JupyterLab", command, env, log_path)


def voila(root: Path, home: Path, log_path: Path) -> Server:
    env = jupyter_env(home)
    command = [
        sys.executable, "-m", "voila",
        "--no-browser", "--Voila.ip=127.0.0.1", "--port={port}", "--Voila.port_retries=0",
        "--show_tracebacks=True",
        str(root),
    ]
    return start("Voilà", command, env, log_path)
