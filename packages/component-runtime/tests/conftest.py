"""Shared fixtures: a clean environment and a restored logging setup for every test."""

from __future__ import annotations

import logging
import os
import warnings
from pathlib import Path

import pytest

_EXACT_VARS = (
    "ENV_FOR_DYNACONF",
    "LOG_LEVEL",
    "PIPELINE_SETTINGS_TOML",
    "NX_KUBEFLOW_PIPELINE_DIR",
    "NX_KUBEFLOW_COMPONENT",
    "NX_KUBEFLOW_PIPELINE",
    "NX_KUBEFLOW_RUN_ID",
    "NX_KUBEFLOW_TASK",
    "NX_KUBEFLOW_RUN_NAME",
)


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No variable from the developer's shell or CI changes what a test sees."""
    for name in list(os.environ):
        if name in _EXACT_VARS or name.startswith("DYNACONF_") or name.endswith("_FOR_DYNACONF"):
            monkeypatch.delenv(name, raising=False)


@pytest.fixture(autouse=True)
def restore_logging():
    """setup_logging changes process-wide state: put it back after each test."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    with warnings.catch_warnings():  # restores filters and showwarning on exit
        yield
        logging.captureWarnings(False)
    for handler in list(root.handlers):
        if handler not in handlers:
            root.removeHandler(handler)
    for handler in handlers:
        if handler not in root.handlers:
            root.addHandler(handler)
    root.setLevel(level)


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def write():
    """write(path, text): writes a file, making its folders."""
    return _write


@pytest.fixture
def component(tmp_path: Path) -> Path:
    root = tmp_path / "components" / "trainer"
    (root / "config").mkdir(parents=True)
    return root


@pytest.fixture
def pipeline(tmp_path: Path) -> Path:
    root = tmp_path / "pipelines" / "training"
    (root / "config").mkdir(parents=True)
    return root
