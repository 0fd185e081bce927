"""Explains a quality gate's verdict: a measured value against its limit, as a Markdown report.

A pipeline's condition (``if: {left: ..., operator: '<=', right: ...}``) decides; this
component says what was decided and why, where a reader looks for it (the run's
artifacts, the log). Whether lower values are better is the setting ``lower_is_better``
(errors: yes; accuracies: no).

run.py parses the arguments Kubeflow passes and calls run(); this module does
the work, so it can be tested and reused without a command line.
"""

from __future__ import annotations

import logging
import math
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)


def verdict(value: float, limit: float, *, lower_is_better: bool) -> bool:
    """Whether ``value`` passes ``limit``: at most it when lower is better, else at least it."""
    for name, number in (("value", value), ("limit", limit)):
        if not math.isfinite(number):
            raise ValueError(f"{name} is {number!r}: expected a finite number")
    return value <= limit if lower_is_better else value >= limit


def markdown(metric: str, value: float, limit: float, *, lower_is_better: bool) -> str:
    """The report: a heading with the verdict, then the numbers."""
    passed = verdict(value, limit, lower_is_better=lower_is_better)
    bound = "at most" if lower_is_better else "at least"
    outcome = "passed" if passed else "not passed"
    return (
        f"# Quality gate {outcome}\n\n"
        f"The {metric} is **{value:g}**; the gate needs {bound} **{limit:g}**.\n\n"
        "| metric | value | limit | passed |\n"
        "|---|---|---|---|\n"
        f"| {metric} | {value:g} | {bound} {limit:g} | {'yes' if passed else 'no'} |\n"
    )


def run(
    settings: Any,
    *,
    metric: str,
    value: float,
    limit: float,
    report: Path,
) -> dict[str, Any]:
    """Writes the Markdown report and logs its verdict."""
    if not metric.strip():
        raise ValueError("metric is empty: name what was measured, e.g. 'mean validation rmse'")
    lower_is_better = bool(settings.get("lower_is_better", True))
    text = markdown(metric, value, limit, lower_is_better=lower_is_better)
    report.write_text(text, encoding="utf-8")
    passed = verdict(value, limit, lower_is_better=lower_is_better)
    logger.info(
        "%s %g against the limit %g: %s",
        metric,
        value,
        limit,
        "passed" if passed else "not passed",
        extra={"metric": metric, "value": value, "limit": limit, "passed": passed},
    )
    return {}
