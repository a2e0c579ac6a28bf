"""A student's page without a browser, for the class benchmark (``bench --pages clients``).

Opening the link, a browser downloads the page and about a hundred scripts and stylesheets,
opens a websocket to the kernel Voilà gave the page, and asks that kernel for every widget's
state; a student's typing and clicks become widget messages on the same websocket. A
``PageClient`` makes the same requests (``resources``: the paths one real page asked for) and
sends the same widget messages, so Voilà's server and the kernels do the work they do in
class, while the work of the page itself (parsing Voilà's 5 MB of scripts, drawing some 300
widgets and the charts: about 6 s of CPU a page here) is left out: in class it is done by each
student's own machine, not by the two cores that serve the class.

What a client does not send: the messages BokehJS sends back from a drawn chart (its size, the
ranges it worked out, some twenty small messages a turn), so the kernels do a little less
work than with real pages; the Chromium bench (``--pages browsers``) counts that work too.
"""

from __future__ import annotations

import asyncio
import json
import re
import uuid
from urllib.parse import urljoin

from jupyter_client.session import Session
from jupyter_server.services.kernels.connection.base import deserialize_msg_from_ws_v1, serialize_msg_to_ws_v1
from tornado.httpclient import AsyncHTTPClient, HTTPRequest
from tornado.websocket import websocket_connect

# Jupyter's binary websocket protocol, the one JupyterLab's and Voilà's pages speak
KERNEL_PROTOCOL = "v1.kernel.websocket.jupyter.org"
CONTROL_PROTOCOL = "1.0.0"  # ipywidgets 8's control comm, on which a page asks for every widget
CONNECTIONS_PER_PAGE = 6  # a browser opens at most six connections to one host
PAGE_CONFIG = re.compile(r'<script id="jupyter-config-data" type="application/json">(.*?)</script>', re.S)


class PageError(RuntimeError):
    """The server or the kernel did not answer as a student's page needs."""


class PageClient:
    """One student's page: open it, find widgets by what they show, type and click."""

    def __init__(self, url: str, resources: list[str], timeout_s: float = 600.0):
        self.url = url
        self.resources = resources
        self.timeout_s = timeout_s
        self.session = Session(session=uuid.uuid4().hex, username="student")
        self.widgets: dict[str, dict] = {}  # comm id -> the widget's state, as the kernel last sent it
        self.handled: set[str] = set()  # the messages sent whose handling the kernel has finished
        self._changed = asyncio.Condition()
        self._socket = None
        self._reading: asyncio.Task | None = None

    async def open(self) -> None:
        """Load the page and its resources, connect to its kernel, and get every widget's state
        (after which a browser would draw the page)."""
        http = AsyncHTTPClient(force_instance=True, max_clients=CONNECTIONS_PER_PAGE)  # one per page, like a browser
        page = await http.fetch(self.url, request_timeout=self.timeout_s)
        found = PAGE_CONFIG.search(page.body.decode())
        if found is None:
            raise PageError(f"{self.url} sent no whole Voilà page (no page configuration): its kernel may have failed; see the server's log.")
        config = json.loads(found.group(1))
        await asyncio.gather(*(http.fetch(urljoin(self.url, path), request_timeout=self.timeout_s) for path in self.resources))
        channels = f"{config['baseUrl']}api/kernels/{config['kernelId']}/channels?session_id={self.session.session}"
        request = HTTPRequest(urljoin(self.url, channels).replace("http", "ws", 1), request_timeout=self.timeout_s)
        self._socket = await websocket_connect(request, subprotocols=[KERNEL_PROTOCOL])
        self._reading = asyncio.get_running_loop().create_task(self._read())
        await self._send("kernel_info_request", {})
        control = uuid.uuid4().hex  # ipywidgets' page asks for all states on a comm of its own
        await self._send("comm_open", {"comm_id": control, "target_name": "jupyter.widget.control", "data": {}}, {"version": CONTROL_PROTOCOL})
        await self._send("comm_msg", {"comm_id": control, "data": {"method": "request_states"}})
        await self.until(lambda: self.widgets, "the widgets' states")
        await self._send("comm_close", {"comm_id": control, "data": {}})

    async def close(self) -> None:
        if self._socket is not None:
            self._socket.close()
        if self._reading is not None:
            await asyncio.wait([self._reading], timeout=5)

    def find(self, model: str, enabled: bool = False, **shown) -> str | None:
        """The comm id of a widget of that model (``"Button"``, ``"Text"``…) whose state holds
        every value in ``shown`` (its description, placeholder…), and with ``enabled`` one not
        disabled; None if there is none."""
        for comm_id, state in self.widgets.items():
            if state.get("_model_name") != f"{model}Model" or (enabled and state.get("disabled", False)):
                continue
            if all(state.get(key) == value for key, value in shown.items()):
                return comm_id
        return None

    def shows(self, text: str) -> bool:
        """Whether an HTML widget's text contains ``text``."""
        return any(text in str(state.get("value", "")) for state in self.widgets.values() if state.get("_model_name") == "HTMLModel")

    async def until(self, condition, what: str) -> None:
        """Wait until ``condition()`` holds after a message from the kernel (or already does)."""
        async with self._changed:
            try:
                await asyncio.wait_for(self._changed.wait_for(condition), self.timeout_s)
            except asyncio.TimeoutError:
                raise PageError(f"the page waited {self.timeout_s:.0f} s for {what}.") from None

    async def type_into(self, comm_id: str, value: str) -> str:
        """Type ``value`` into a text box; returns the message's id (see ``until_handled``)."""
        return await self._send("comm_msg", {"comm_id": comm_id, "data": {"method": "update", "state": {"value": value}, "buffer_paths": []}})

    async def click(self, comm_id: str) -> str:
        """Click a button; returns the message's id (see ``until_handled``)."""
        return await self._send("comm_msg", {"comm_id": comm_id, "data": {"method": "custom", "content": {"event": "click"}}})

    async def until_handled(self, msg_id: str, what: str) -> None:
        """Wait until the kernel has finished handling the message ``msg_id`` and everything it
        sent meanwhile has arrived (its "idle" comes after all of it, on the same channel)."""
        await self.until(lambda: msg_id in self.handled, what)

    async def _send(self, msg_type: str, content: dict, metadata: dict | None = None) -> str:
        message = self.session.msg(msg_type, content, metadata=metadata)
        await self._socket.write_message(serialize_msg_to_ws_v1(message, "shell", pack=self.session.pack), binary=True)
        return message["header"]["msg_id"]

    async def _read(self) -> None:
        while (frame := await self._socket.read_message()) is not None:
            if isinstance(frame, str):  # this protocol sends binary frames only
                continue
            channel, parts = deserialize_msg_from_ws_v1(frame)
            if channel != "iopub":
                continue
            header, parent, content = json.loads(parts[0]), json.loads(parts[1]), json.loads(parts[3])
            if self._take(header["msg_type"], content, parent):
                async with self._changed:
                    self._changed.notify_all()

    def _take(self, msg_type: str, content: dict, parent: dict | None = None) -> bool:
        """Record what a message from the kernel says (a widget's state, or that the kernel has
        handled one of ours: ``parent``); whether it changed anything a wait may be for."""
        if msg_type == "status":
            if content.get("execution_state") != "idle" or not (parent or {}).get("msg_id"):
                return False
            self.handled.add(parent["msg_id"])
            return True
        data = content.get("data") or {}
        if msg_type == "comm_open" and content.get("target_name") == "jupyter.widget":
            self.widgets[content["comm_id"]] = dict(data.get("state", {}))  # a new widget: its whole state
            return True
        if msg_type != "comm_msg":
            return False
        if data.get("method") in ("update", "echo_update"):
            self.widgets.setdefault(content["comm_id"], {}).update(data.get("state", {}))
            return True
        if data.get("method") == "update_states":  # the answer to request_states: every widget
            for comm_id, model in data.get("states", {}).items():  # their states without defaults
                self.widgets[comm_id] = {**model.get("state", {}), "_model_name": model.get("model_name")}
            return True
        return False
