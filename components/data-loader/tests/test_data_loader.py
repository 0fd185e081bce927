"""Unit tests of src/lib/data_loader.py, without the command line."""

from __future__ import annotations

import csv
import math
import statistics
from pathlib import Path

import pytest
from component_runtime import load_settings

from helpers import COMPONENT_ROOT
from lib import data_loader
from lib.data_loader import DatasetSpec, check_inputs, generate_rows, write_dataset

SPEC = DatasetSpec(features=("a", "b", "c"), coefficients=(1.5, 0.0, -4.0), intercept=2.0, target="t")


def test_without_noise_the_target_is_the_linear_function() -> None:
    rows = list(generate_rows(SPEC, rows=50, noise=0.0, seed=1))

    assert len(rows) == 50
    for a, b, c, t in rows:
        assert t == pytest.approx(2.0 + 1.5 * a - 4.0 * c, abs=1e-12)


def test_features_stay_in_their_range() -> None:
    spec = DatasetSpec(features=("x",), coefficients=(1.0,), intercept=0.0, feature_low=5.0, feature_high=6.0)

    xs = [row[0] for row in generate_rows(spec, rows=500, noise=0.0, seed=0)]

    assert min(xs) >= 5.0 and max(xs) <= 6.0
    assert max(xs) - min(xs) > 0.9  # spread over the range, not one value


def test_noise_has_the_requested_standard_deviation() -> None:
    rows = list(generate_rows(SPEC, rows=4000, noise=0.5, seed=11))

    residuals = [t - (2.0 + 1.5 * a - 4.0 * c) for a, _, c, t in rows]

    assert statistics.fmean(residuals) == pytest.approx(0.0, abs=0.05)
    assert statistics.pstdev(residuals) == pytest.approx(0.5, rel=0.05)


def test_features_depend_on_the_seed_only_not_on_the_noise() -> None:
    quiet = list(generate_rows(SPEC, rows=10, noise=0.0, seed=5))
    noisy = list(generate_rows(SPEC, rows=10, noise=1.0, seed=5))
    other = list(generate_rows(SPEC, rows=10, noise=0.0, seed=6))

    assert [row[:3] for row in quiet] == [row[:3] for row in noisy]
    assert [row[3] for row in quiet] != [row[3] for row in noisy]
    assert [row[:3] for row in quiet] != [row[:3] for row in other]


def test_write_dataset_writes_header_and_rows_with_fixed_decimals(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"

    written = write_dataset(path, SPEC, rows=7, noise=0.1, seed=3, decimals=3)

    assert written == 7
    text = path.read_text()
    assert "\r" not in text and text.endswith("\n")
    lines = text.splitlines()
    assert lines[0] == "a,b,c,t"
    assert len(lines) == 8
    for line in lines[1:]:
        values = line.split(",")
        assert len(values) == 4
        assert all(len(value.split(".")[1]) == 3 for value in values)
    with path.open(newline="") as handle:
        assert len(list(csv.DictReader(handle))) == 7


@pytest.mark.parametrize(
    ("kwargs", "problem"),
    [
        ({"rows": 0, "noise": 0.1}, "rows must be at least 1"),
        ({"rows": -3, "noise": 0.1}, "rows must be at least 1"),
        ({"rows": 11, "noise": 0.1}, "rows=11 is above max_rows=10"),
        ({"rows": 5, "noise": -0.1}, "must be >= 0"),
        ({"rows": 5, "noise": math.nan}, "must be >= 0"),
        ({"rows": 5, "noise": math.inf}, "must be >= 0"),
    ],
)
def test_check_inputs_names_the_bad_input(kwargs, problem) -> None:
    with pytest.raises(ValueError, match=problem):
        check_inputs(max_rows=10, **kwargs)


def test_check_inputs_accepts_the_limits() -> None:
    check_inputs(rows=10, noise=0.0, max_rows=10)
    check_inputs(rows=1, noise=2.0, max_rows=10)


@pytest.mark.parametrize(
    ("kwargs", "problem"),
    [
        ({"features": (), "coefficients": ()}, "dataset.features is empty"),
        ({"features": ("x1", "x2"), "coefficients": (1.0,)}, "has 1 values but dataset.features names 2"),
        ({"features": ("x1", "x1"), "coefficients": (1.0, 2.0)}, "x1 repeat"),
        ({"features": ("y",), "coefficients": (1.0,)}, "y repeat"),
        ({"features": ("",), "coefficients": (1.0,)}, "is not a non-empty string"),
        ({"features": ("x1",), "coefficients": ("3",)}, "dataset.coefficients must hold finite numbers"),
        ({"features": ("x1",), "coefficients": (1.0,), "intercept": math.inf}, "dataset.intercept"),
        ({"features": ("x1",), "coefficients": (1.0,), "feature_low": 1.0, "feature_high": 1.0}, "must be below"),
    ],
)
def test_dataset_spec_rejects_what_cannot_make_a_dataset(kwargs, problem) -> None:
    with pytest.raises(ValueError, match=problem):
        DatasetSpec(**{"intercept": 0.0, **kwargs})


class FakeSettings(dict):
    """What the lib needs of dynaconf's settings: get(key, default)."""


def test_spec_from_settings_reads_the_dataset_table() -> None:
    settings = FakeSettings(dataset={"features": ["u", "v"], "coefficients": [1, 2], "intercept": -1, "target": "w"})

    spec = DatasetSpec.from_settings(settings)

    assert spec == DatasetSpec(features=("u", "v"), coefficients=(1, 2), intercept=-1, target="w")
    assert spec.header == ["u", "v", "w"]


@pytest.mark.parametrize(
    ("settings", "problem"),
    [
        (FakeSettings(), "no \\[dataset\\] table"),
        (FakeSettings(dataset={"features": ["x"]}), "lacks coefficients, intercept"),
        (
            FakeSettings(dataset={"features": "x1", "coefficients": [1], "intercept": 0}),
            "must be a list of column names",
        ),
        (FakeSettings(dataset={"features": ["x1"], "coefficients": 1, "intercept": 0}), "must be a list of numbers"),
    ],
)
def test_spec_from_settings_explains_a_bad_table(settings, problem) -> None:
    with pytest.raises(ValueError, match=problem):
        DatasetSpec.from_settings(settings)


def test_run_uses_the_true_model_from_the_component_settings(tmp_path: Path) -> None:
    settings = load_settings(COMPONENT_ROOT, env="testing")
    path = tmp_path / "ds.csv"

    outputs = data_loader.run(settings, rows=30, noise=0.0, seed=9, dataset=path)

    assert outputs == {"row_count": 30}
    with path.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 30
    for row in rows:
        expected = 0.5 + 3.0 * float(row["x1"]) - 2.0 * float(row["x2"])
        assert float(row["y"]) == pytest.approx(expected, abs=1e-5)  # 6 decimals in the file


def test_run_follows_a_settings_override(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("DYNACONF_DATASET__INTERCEPT", "100.0")
    monkeypatch.setenv("DYNACONF_DECIMALS", "2")
    settings = load_settings(COMPONENT_ROOT, env="testing")
    path = tmp_path / "ds.csv"

    data_loader.run(settings, rows=5, noise=0.0, seed=9, dataset=path)

    with path.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        assert float(row["y"]) > 90.0
        assert len(row["y"].split(".")[1]) == 2


@pytest.mark.parametrize(
    ("key", "value"), [("decimals", "18"), ("decimals", "-1"), ("max_rows", "0"), ("max_rows", "'many'")]
)
def test_run_rejects_bad_numeric_settings(tmp_path: Path, monkeypatch, key, value) -> None:
    monkeypatch.setenv(f"DYNACONF_{key.upper()}", value)
    settings = load_settings(COMPONENT_ROOT, env="testing")

    with pytest.raises(ValueError, match=f"setting {key} must be a whole number"):
        data_loader.run(settings, rows=5, noise=0.0, seed=9, dataset=tmp_path / "ds.csv")
