"""The summary of per-fold errors, without a command line."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from lib import cv_summary


def test_mean_and_sample_spread_of_the_folds() -> None:
    assert cv_summary.summarise([0.1, 0.2, 0.3], digits=6) == {
        "mean_rmse": 0.2,
        "std_rmse": 0.1,  # sample standard deviation: sqrt(((0.1)^2 + 0 + (0.1)^2) / 2)
        "min_rmse": 0.1,
        "max_rmse": 0.3,
        "folds": 3,
    }


def test_one_fold_has_no_spread_and_integers_count_as_errors() -> None:
    assert cv_summary.summarise([2], digits=6) == {
        "mean_rmse": 2.0,
        "std_rmse": 0.0,
        "min_rmse": 2.0,
        "max_rmse": 2.0,
        "folds": 1,
    }


def test_rounds_to_the_digits_setting() -> None:
    assert cv_summary.summarise([0.123456789, 0.2], digits=3)["mean_rmse"] == 0.162


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ([], "non-empty list"),
        ({"a": 1}, "non-empty list"),
        ([0.1, "0.2"], r"rmse_values\[1\] is '0.2'"),
        ([0.1, True], r"rmse_values\[1\] is True"),
        ([math.nan], "finite number"),
        ([math.inf], "finite number"),
        ([0.1, -0.1], r"rmse_values\[1\] is -0.1"),
        ([None], "rmse_values\\[0\\] is None"),
    ],
)
def test_refuses_what_is_no_list_of_errors(values: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        cv_summary.summarise(values, digits=6)  # type: ignore[arg-type]


def test_run_writes_the_summary_and_returns_the_mean(tmp_path: Path) -> None:
    outputs = cv_summary.run({"digits": 4}, rmse_values=[0.1, 0.3], summary=tmp_path / "summary")

    assert outputs["mean_rmse"] == 0.2
    written = json.loads((tmp_path / "summary").read_text())
    assert written == outputs["metrics"]
    assert written == {"mean_rmse": 0.2, "std_rmse": 0.1414, "min_rmse": 0.1, "max_rmse": 0.3, "folds": 2}
