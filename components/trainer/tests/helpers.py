"""Helpers the trainer tests share."""

from __future__ import annotations

import csv
import json
import random
from collections.abc import Sequence
from pathlib import Path

#: The component folder: Kubeflow runs `python src/run.py` from here.
COMPONENT_ROOT = Path(__file__).resolve().parent.parent


def write_linear_dataset(
    path: Path,
    *,
    coefficients: Sequence[float],
    intercept: float,
    rows: int = 200,
    noise: float = 0.0,
    seed: int = 0,
    low: float = -1.0,
    high: float = 1.0,
    features: Sequence[str] | None = None,
    target: str = "y",
) -> Path:
    """A CSV whose target is a known linear function of uniform features, plus gaussian noise."""
    rng = random.Random(seed)
    names = list(features) if features is not None else [f"x{i + 1}" for i in range(len(coefficients))]
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow([*names, target])
        for _ in range(rows):
            xs = [rng.uniform(low, high) for _ in coefficients]
            y = intercept + sum(c * x for c, x in zip(coefficients, xs)) + rng.gauss(0.0, noise)
            writer.writerow([*(repr(x) for x in xs), repr(y)])
    return path


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
