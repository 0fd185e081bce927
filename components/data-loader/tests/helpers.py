"""Helpers the data-loader tests share."""

from __future__ import annotations

import json
from pathlib import Path

#: The component folder: Kubeflow runs `python src/run.py` from here.
COMPONENT_ROOT = Path(__file__).resolve().parent.parent


def json_lines(text: str) -> list[dict]:
    """Every line of ``text`` parsed as JSON (fails the test on a line that is not)."""
    records = []
    for line in text.splitlines():
        if line.strip():
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError as exc:  # pragma: no cover - the failure message
                raise AssertionError(f"log line is not JSON: {line!r}") from exc
    return records
