# The hub of jupyterhub_config.py as the end-to-end test runs it on one machine
# (tests/browser/test_hub_class.py): the same file, then these overrides.
#
#   jupyterhub -f deploy/jupyterhub/test_config.py
#
# with, in the environment, the settings jupyterhub_config.py reads (WARGAME_CLASS_STORE: the
# test's own PostgreSQL server) and:
#
#   WARGAME_TEST_HUB_DIR        a temporary folder: the hub's database, secrets, users' homes
#   WARGAME_TEST_HUB_PORT       the public port (the proxy), on 127.0.0.1
#   WARGAME_TEST_HUB_API_TOKEN  a token for the test itself (an admin service), to start users' servers
#   WARGAME_TEST_PROXY          the configurable-http-proxy program (installed by `make hub-tools`)
#
# Overridden: anyone signs in with any password (DummyAuthenticator), users' servers run as
# processes of the test's own user (SimpleLocalProcessSpawner), everything on 127.0.0.1.

import os
import sys
from pathlib import Path

c = get_config()  # noqa: F821
load_subconfig(str(Path(__file__).with_name("jupyterhub_config.py")))  # noqa: F821

folder = Path(os.environ["WARGAME_TEST_HUB_DIR"])
port = int(os.environ["WARGAME_TEST_HUB_PORT"])
bin_folder = Path(sys.executable).parent

c.JupyterHub.authenticator_class = "dummy"
c.Authenticator.allow_all = True
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = str(folder / "home" / "{username}")
c.Spawner.cmd = [str(bin_folder / "jupyterhub-singleuser")]
if os.getuid() == 0:  # a test run as root (CI here): its users' servers are root's too
    c.Spawner.args.append("--allow-root")
c.Spawner.start_timeout = 180
c.Spawner.http_timeout = 180

c.JupyterHub.bind_url = f"http://127.0.0.1:{port}"
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(os.environ["WARGAME_TEST_HUB_INTERNAL_PORT"])
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{os.environ['WARGAME_TEST_PROXY_API_PORT']}"
c.ConfigurableHTTPProxy.command = [os.environ["WARGAME_TEST_PROXY"]]
c.ConfigurableHTTPProxy.pid_file = str(folder / "proxy.pid")
c.ConfigurableHTTPProxy.auth_token = "test-proxy-token"
c.JupyterHub.db_url = f"sqlite:///{folder / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(folder / "jupyterhub_cookie_secret")
c.JupyterHub.cleanup_servers = True
c.JupyterHub.cleanup_proxy = True

# the test's own hand on the hub: start and stop users' servers, read their state
c.JupyterHub.services.append({"name": "test-admin", "api_token": os.environ["WARGAME_TEST_HUB_API_TOKEN"]})
c.JupyterHub.load_roles.append({"name": "test-admin", "scopes": ["admin:users", "admin:servers", "read:users"], "services": ["test-admin"]})
