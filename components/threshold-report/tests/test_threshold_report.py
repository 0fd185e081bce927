"""The gate's verdict and its report, without a command line."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from lib import threshold_report


@pytest.mark.parametrize(
    ("value", "limit", "lower_is_better", "passed"),
    [
        (0.4, 0.5, True, True),
        (0.5, 0.5, True, True),  # the bound itself passes, as '<=' in the pipeline's condition
        (0.6, 0.5, True, False),
        (0.9, 0.8, False, True),
        (0.7, 0.8, False, False),
    ],
)
def test_verdict(value: float, limit: float, lower_is_better: bool, passed: bool) -> None:
    assert threshold_report.verdict(value, limit, lower_is_better=lower_is_better) is passed


@pytest.mark.parametrize(("value", "limit"), [(math.nan, 0.5), (0.5, math.inf)])
def test_refuses_numbers_that_are_not_finite(value: float, limit: float) -> None:
    with pytest.raises(ValueError, match="expected a finite number"):
        threshold_report.verdict(value, limit, lower_is_better=True)


def test_run_writes_the_report(tmp_path: Path) -> None:
    assert threshold_report.run({}, metric="mean validation rmse", value=0.61, limit=0.5, report=tmp_path / "r") == {}

    assert (tmp_path / "r").read_text() == (
        "# Quality gate not passed\n\n"
        "The mean validation rmse is **0.61**; the gate needs at most **0.5**.\n\n"
        "| metric | value | limit | passed |\n"
        "|---|---|---|---|\n"
        "| mean validation rmse | 0.61 | at most 0.5 | no |\n"
    )


def test_run_follows_the_lower_is_better_setting(tmp_path: Path) -> None:
    threshold_report.run({"lower_is_better": False}, metric="accuracy", value=0.9, limit=0.8, report=tmp_path / "r")

    assert (
        (tmp_path / "r")
        .read_text()
        .startswith("# Quality gate passed\n\nThe accuracy is **0.9**; the gate needs at least **0.8**.")
    )


def test_run_refuses_an_empty_metric_name(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="metric is empty"):
        threshold_report.run({}, metric=" ", value=1.0, limit=2.0, report=tmp_path / "r")
    assert not (tmp_path / "r").exists()
