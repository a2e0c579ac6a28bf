"""The skip-or-fail decision for the JupyterHub test, without a hub: without its proxy (or
jupyterhub) it skips with one line saying how to get it, and fails in CI."""

from __future__ import annotations

import pytest

from . import hubs


@pytest.fixture
def no_proxy(monkeypatch, tmp_path):
    monkeypatch.setattr(hubs, "PROXY_IN_VENV", tmp_path / "no-such-proxy")
    monkeypatch.setenv("PATH", str(tmp_path))


def test_a_missing_proxy_skips_with_how_to_get_it(no_proxy, monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match=r"configurable-http-proxy \(npm\) missing; `make hub-tools` installs them"):
        hubs.require_hub_tools()


def test_a_missing_proxy_fails_in_ci(no_proxy, monkeypatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI is set, so the test fails instead of skipping"):
        hubs.require_hub_tools()


def test_the_kits_own_proxy_is_found_first(monkeypatch, tmp_path):
    proxy = tmp_path / "configurable-http-proxy"
    proxy.write_text("#!/bin/sh\n")
    monkeypatch.setattr(hubs, "PROXY_IN_VENV", proxy)
    assert hubs.require_hub_tools() == proxy
