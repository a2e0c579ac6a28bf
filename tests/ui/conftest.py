"""Fixtures for the dashboard tests: dashboards built without a browser or a kernel."""

from __future__ import annotations

import pytest

from wargame.ui import play


@pytest.fixture
def expected_dashboard():
    """The tutorial in expected mode: every figure can be checked by hand."""
    return play("tutorial", mode="expected", forecast_runs=200)


@pytest.fixture
def callback_errors_fail_the_test(monkeypatch):
    """ipywidgets prints an exception raised in a button's callback and carries on; in these
    tests it must fail the test instead."""
    from ipywidgets.widgets.widget import CallbackDispatcher

    def call(self, *args, **kwargs):
        value = None
        for callback in self.callbacks:
            result = callback(*args, **kwargs)
            value = result if result is not None else value
        return value

    monkeypatch.setattr(CallbackDispatcher, "__call__", call)
