"""Summarises per-fold validation errors: their mean and spread.

The input is what ``{collect: {task: train-fold, output: rmse}}`` gives: one rmse per
fold of a loop, as a list of numbers. The summary is the mean (the cross-validated
error a quality gate compares), the sample standard deviation (how much the folds
disagree; 0 for a single fold), the lowest and highest, and the number of folds.

run.py parses the arguments Kubeflow passes and calls run(); this module does
the work, so it can be tested and reused without a command line.
"""

from __future__ import annotations

import json
import logging
import math
import statistics
from collections.abc import Sequence
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)


def fold_errors(values: Sequence[Any]) -> list[float]:
    """The per-fold errors as floats; ValueError naming the fold for anything that is not a finite number >= 0."""
    if not isinstance(values, (list, tuple)) or not values:
        raise ValueError(f"rmse_values must be a non-empty list of numbers, one per fold; got {values!r}")
    errors = []
    for index, value in enumerate(values):
        # bool is an int in Python, but a true/false is no error measure
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
            raise ValueError(f"rmse_values[{index}] is {value!r}: expected a finite number >= 0 (a fold's rmse)")
        errors.append(float(value))
    return errors


def summarise(values: Sequence[Any], *, digits: int) -> dict[str, float | int]:
    """mean_rmse, std_rmse (sample standard deviation), min_rmse, max_rmse and folds, rounded to ``digits``."""
    errors = fold_errors(values)
    spread = statistics.stdev(errors) if len(errors) > 1 else 0.0
    return {
        "mean_rmse": round(statistics.fmean(errors), digits),
        "std_rmse": round(spread, digits),
        "min_rmse": round(min(errors), digits),
        "max_rmse": round(max(errors), digits),
        "folds": len(errors),
    }


def run(
    settings: Any,
    *,
    rmse_values: list,
    summary: Path,
) -> dict[str, Any]:
    """Writes the summary (a Metrics artifact: JSON here, its metrics in the executor output)
    and returns ``mean_rmse`` and the metrics."""
    metrics = summarise(rmse_values, digits=int(settings.get("digits", 6)))
    logger.info(
        "%d folds: mean rmse %s, spread %s", metrics["folds"], metrics["mean_rmse"], metrics["std_rmse"], extra=metrics
    )
    summary.write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")
    return {"mean_rmse": metrics["mean_rmse"], "metrics": metrics}
