# JupyterHub configuration for a live class of the drone wargame kit (see README.md beside it).
#
# For The Littlest JupyterHub (TLJH): copy this file to /opt/tljh/config/jupyterhub_config.d/
# (TLJH loads every .py file there after its own settings) and `sudo tljh-config reload hub`.
# For a plain JupyterHub: `jupyterhub -f jupyterhub_config.py`.
#
# It adds to the hub:
# - the class service (``python -m wargame.classroom hub-service``), started and stopped by the
#   hub, the only process that knows the session's store (WARGAME_CLASS_STORE: a PostgreSQL URL;
#   without it, an SQLite file in the session's folder);
# - the roles: every user may reach the service, and so may the token of their server's kernels
#   (JUPYTERHUB_API_TOKEN); the service may read users' groups (to know the instructors);
# - the instructors group (WARGAME_CLASS_INSTRUCTORS_USERS, comma-separated hub names);
# - for every user's server: the service's address (WARGAME_CLASS_SERVICE_URL), the kit's
#   notebooks as its folder, and the student app as the page it opens.
#
# Settings come from the hub's environment, so that the database password lives in one file
# readable by root only (systemd's EnvironmentFile, see README.md), never in this one:
#
#   WARGAME_CLASS_STORE             the session's database: postgresql://USER:PASSWORD@HOST/DB
#                                   (unset: an SQLite file in the session folder, for one small class)
#   WARGAME_CLASS_SESSION_FOLDER    the session's folder on the hub's machine (default /srv/wargame-class/session)
#   WARGAME_CLASS_SCENARIO          a shipped scenario's name (default tutorial)
#   WARGAME_CLASS_SEED              team k plays with seed SEED + k - 1 (default 1)
#   WARGAME_CLASS_INSTRUCTORS_USERS hub names of the instructors, comma-separated
#   WARGAME_CLASS_INSTRUCTORS       the instructors' hub group (default instructors)
#   WARGAME_CLASS_TEAMS             optional: a YAML file mapping hub names to team names
#   WARGAME_KIT_PYTHON              the Python that has the kit (default TLJH's user environment)
#   WARGAME_KIT_NOTEBOOKS           the kit's notebooks folder (default /opt/wargame/notebooks)
#   WARGAME_CLASS_SERVICE_PORT      the service's port (default 10101)
#   WARGAME_CLASS_SERVICE_HOST      the name the proxy and users' servers reach the service by
#                                   (default 127.0.0.1: one server; hub in zero-to-jupyterhub)

import os
import sys

c = get_config()  # noqa: F821  (given by JupyterHub when it reads this file)

SERVICE = "wargame-class"


def _setting(name, default=None):
    value = os.environ.get(name, "").strip()
    if value:
        return value
    if default is None:
        raise SystemExit(f"jupyterhub_config.py of the wargame class: set {name} in the hub's environment (see deploy/jupyterhub/README.md).")
    return default


_tljh_python = "/opt/tljh/user/bin/python"
kit_python = _setting("WARGAME_KIT_PYTHON", _tljh_python if os.path.exists(_tljh_python) else sys.executable)
notebooks = _setting("WARGAME_KIT_NOTEBOOKS", "/opt/wargame/notebooks")
service_port = int(_setting("WARGAME_CLASS_SERVICE_PORT", "10101"))
instructors_group = _setting("WARGAME_CLASS_INSTRUCTORS", "instructors")
instructors = [name.strip() for name in _setting("WARGAME_CLASS_INSTRUCTORS_USERS", "").split(",") if name.strip()]
service_host = _setting("WARGAME_CLASS_SERVICE_HOST", "127.0.0.1")
service_url = f"http://{service_host}:{service_port}"

service_environment = {"WARGAME_CLASS_INSTRUCTORS": instructors_group}
if os.environ.get("WARGAME_CLASS_STORE"):  # in the environment, never on the command line (ps shows that to everyone)
    service_environment["WARGAME_CLASS_STORE"] = os.environ["WARGAME_CLASS_STORE"]
if os.environ.get("WARGAME_CLASS_TEAMS"):
    service_environment["WARGAME_CLASS_TEAMS"] = os.environ["WARGAME_CLASS_TEAMS"]

# Appended: TLJH (and other configuration files) may have services and roles of their own.
c.JupyterHub.services.append(
    {
        "name": SERVICE,
        "url": service_url,
        "command": [
            kit_python, "-m", "wargame.classroom", "hub-service",
            _setting("WARGAME_CLASS_SESSION_FOLDER", "/srv/wargame-class/session"),
            "--scenario", _setting("WARGAME_CLASS_SCENARIO", "tutorial"),
            "--seed", _setting("WARGAME_CLASS_SEED", "1"),
            # on one server, the loopback only; elsewhere every address of the hub's pod
            "--ip", "127.0.0.1" if service_host == "127.0.0.1" else "0.0.0.0",
        ],
        "environment": service_environment,
        "display": False,
    }
)

c.JupyterHub.load_roles.extend([
    # every user (the default role, plus the class service)
    {"name": "user", "scopes": ["self", f"access:services!service={SERVICE}"]},
    # the service reads users' groups to know who is an instructor
    {"name": f"{SERVICE}-service", "scopes": ["read:users:groups"], "services": [SERVICE]},
])
# The token in every user's server and kernels: the hub's defaults, plus the class service.
c.Spawner.server_token_scopes = ["users:activity!user", "access:servers!server", f"access:services!service={SERVICE}"]

c.JupyterHub.load_groups.update({instructors_group: {"users": instructors}})

# Users' servers: where the service is (through the hub's proxy would work too), the kit's
# notebooks, and the student app first. Instructors open instructors/13_live_console.ipynb in Lab.
c.Spawner.environment.update({"WARGAME_CLASS_SERVICE_URL": f"{service_url}/services/{SERVICE}/"})
c.Spawner.notebook_dir = notebooks
c.Spawner.default_url = "/voila/render/class_app.ipynb"
# A page closed or reloaded leaves its kernel behind (about 150 MB): shut down kernels no page
# has been connected to for 15 minutes. A student's open page keeps its kernel.
c.Spawner.args.extend(["--MappingKernelManager.cull_idle_timeout=900", "--MappingKernelManager.cull_interval=60"])

# What each student's server may use is the spawner's: `tljh-config set limits.memory 600M` and
# `limits.cpu 0.5` in TLJH, singleuser.memory and .cpu in zero-to-jupyterhub (README.md says why).
