"""Fixtures for every notifier test."""

from __future__ import annotations

import os

import pytest


@pytest.fixture(autouse=True)
def testing_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Settings come from the [testing] environment, as under `nx run notifier:test`,
    also when pytest is started by hand; overrides from the shell do not leak in."""
    monkeypatch.setenv("ENV_FOR_DYNACONF", "testing")
    for name in list(os.environ):
        if name.startswith("DYNACONF_") or name in ("LOG_LEVEL", "NX_KUBEFLOW_PIPELINE_DIR", "PIPELINE_SETTINGS_TOML"):
            monkeypatch.delenv(name)
