"""The skip-or-fail decision for the browser tests, without a browser: skip with one line on a
machine without Debian's Chromium, fail in CI, run when it is there."""

from __future__ import annotations

import pytest

from . import gate


@pytest.fixture
def no_chromium(monkeypatch, tmp_path):
    monkeypatch.setattr(gate, "CHROMIUM", tmp_path / "no-such-chromium")


@pytest.fixture
def fake_chromium(monkeypatch, tmp_path):
    path = tmp_path / "chromium"
    path.write_text("#!/bin/sh\n")
    path.chmod(0o755)
    monkeypatch.setattr(gate, "CHROMIUM", path)
    return path


@pytest.mark.parametrize("ci", [None, "", "false", "0", "no"])
def test_missing_browser_skips_outside_ci_with_one_line_saying_how_to_enable(no_chromium, monkeypatch, ci):
    if ci is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", ci)
    assert gate.decide() == ("skip", gate.SKIP_MESSAGE)
    assert "\n" not in gate.SKIP_MESSAGE and "apt-get install chromium" in gate.SKIP_MESSAGE
    with pytest.raises(pytest.skip.Exception, match="browser tests skipped: install Debian's chromium"):
        gate.require_chromium()


@pytest.mark.parametrize("ci", ["true", "True", "1", "yes"])
def test_missing_browser_fails_in_ci(no_chromium, monkeypatch, ci):
    monkeypatch.setenv("CI", ci)
    action, why = gate.decide()
    assert action == "fail"
    assert str(gate.CHROMIUM) in why and "apt-get install chromium" in why
    with pytest.raises(pytest.fail.Exception, match="is missing and CI is set"):
        gate.require_chromium()


@pytest.mark.parametrize("ci", [None, "true"])
def test_present_browser_runs_in_and_out_of_ci(fake_chromium, monkeypatch, ci):
    if ci is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", ci)
    assert gate.decide() == ("run", "")
    assert gate.require_chromium() == fake_chromium


def test_a_file_that_cannot_run_is_no_browser(monkeypatch, tmp_path):
    path = tmp_path / "chromium"
    path.write_text("not a program")
    path.chmod(0o644)
    monkeypatch.setattr(gate, "CHROMIUM", path)
    monkeypatch.delenv("CI", raising=False)
    assert gate.decide()[0] == "skip"
