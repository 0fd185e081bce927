"""Unit tests of src/lib/trainer.py, without the command line."""

from __future__ import annotations

import itertools
import json
import math
from pathlib import Path

import pytest
from component_runtime import load_settings

from helpers import COMPONENT_ROOT, write_linear_dataset
from lib import trainer
from lib.trainer import (
    Dataset,
    LinearModel,
    above_median_classification,
    classification_metadata,
    fit,
    metrics_metadata,
    r2,
    read_dataset,
    rmse,
    split_indices,
)


def test_read_dataset_takes_every_other_column_as_a_feature(tmp_path: Path) -> None:
    path = tmp_path / "ds.csv"
    path.write_text("a,y,b\n1,2,3\n4.5,-6,7e-1\n\n")

    data = read_dataset(path)

    assert (data.features, data.target) == (["a", "b"], "y")
    assert data.x == [[1.0, 3.0], [4.5, 0.7]]
    assert data.y == [2.0, -6.0]
    assert len(data) == 2


def test_read_dataset_accepts_crlf_and_a_byte_order_mark(tmp_path: Path) -> None:
    path = tmp_path / "ds.csv"
    path.write_bytes(b"\xef\xbb\xbfx1, y\r\n1,2\r\n")

    data = read_dataset(path)

    assert (data.features, data.x, data.y) == (["x1"], [[1.0]], [2.0])


def test_read_dataset_with_another_target(tmp_path: Path) -> None:
    path = tmp_path / "ds.csv"
    path.write_text("y,price\n1,2\n")

    data = read_dataset(path, target="price")

    assert (data.features, data.target, data.x, data.y) == (["y"], "price", [[1.0]], [2.0])


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("", "is empty"),
        ("\n", "is empty"),
        ("x1,y\n", "has a header but no rows"),
        ("x1,z\n1,2\n", "has no target column 'y' \\(settings key target\\); its columns are x1, z"),
        ("x1,,y\n1,2,3\n", "has a column without a name \\(column 2\\)"),
        ("x1,y\n1,2,3\n", "line 2 has 3 values"),
        ("x1,y\n1,\n", "line 2, column y: '' is not a number"),
        ("x1,y\ninf,1\n", "not a finite number"),
    ],
)
def test_read_dataset_names_the_problem(tmp_path: Path, content, problem) -> None:
    path = tmp_path / "ds.csv"
    path.write_text(content)

    with pytest.raises(ValueError, match=problem):
        read_dataset(path)


def test_split_is_seeded_disjoint_and_complete() -> None:
    training, validation = split_indices(10, validation_fraction=0.3, seed=4)

    assert len(validation) == 3 and len(training) == 7
    assert sorted(training + validation) == list(range(10))
    assert split_indices(10, validation_fraction=0.3, seed=4) == (training, validation)
    assert split_indices(10, validation_fraction=0.3, seed=5) != (training, validation)


def test_split_without_validation() -> None:
    assert split_indices(4, validation_fraction=0.0, seed=0) == ([0, 1, 2, 3], [])


@pytest.mark.parametrize("fraction", [-0.1, 1.0, 1.5])
def test_split_rejects_a_fraction_outside_0_to_1(fraction) -> None:
    with pytest.raises(ValueError, match="validation_fraction must be at least 0 and below 1"):
        split_indices(10, validation_fraction=fraction, seed=0)


def noiseless(tmp_path: Path, **kwargs) -> Dataset:
    return read_dataset(write_linear_dataset(tmp_path / "ds.csv", **kwargs))


@pytest.mark.parametrize("standardize", [True, False])
def test_fit_recovers_known_coefficients(tmp_path: Path, standardize) -> None:
    data = noiseless(tmp_path, coefficients=[3.0, -2.0, 0.5], intercept=0.5, rows=100)

    model = fit(data, learning_rate=0.1, epochs=2000, standardize=standardize)

    assert model.weights == pytest.approx([3.0, -2.0, 0.5], abs=1e-3)
    assert model.intercept == pytest.approx(0.5, abs=1e-3)
    assert rmse(model, data.x, data.y) < 1e-3
    assert model.features == ["x1", "x2", "x3"]


def test_standardizing_handles_features_far_from_zero(tmp_path: Path) -> None:
    """Raw features around 1000 make plain descent diverge at this rate; standardized ones do not."""
    data = noiseless(tmp_path, coefficients=[0.02], intercept=-3.0, rows=80, low=900.0, high=1100.0)

    model = fit(data, learning_rate=0.1, epochs=500, standardize=True)

    assert model.weights[0] == pytest.approx(0.02, rel=1e-3)
    assert model.intercept == pytest.approx(-3.0, abs=0.05)
    with pytest.raises(ValueError, match="training diverged"):
        fit(data, learning_rate=0.1, epochs=500, standardize=False)


def test_a_constant_feature_gets_weight_zero() -> None:
    data = Dataset(["c", "x"], "y", [[5.0, 0.0], [5.0, 1.0], [5.0, 2.0], [5.0, 3.0]], [1.0, 3.0, 5.0, 7.0])

    model = fit(data, learning_rate=0.2, epochs=500)

    assert model.weights == pytest.approx([0.0, 2.0], abs=1e-6)
    assert model.intercept == pytest.approx(1.0, abs=1e-6)


def test_fit_reports_a_falling_loss_every_epoch(tmp_path: Path) -> None:
    data = noiseless(tmp_path, coefficients=[1.0, 1.0], intercept=0.0, rows=30)
    seen: list[tuple[int, float]] = []

    model = fit(data, learning_rate=0.05, epochs=25, on_epoch=lambda epoch, loss: seen.append((epoch, loss)))

    assert [epoch for epoch, _ in seen] == list(range(1, 26))
    losses = [loss for _, loss in seen]
    assert all(later < earlier for earlier, later in itertools.pairwise(losses))
    assert model.training["loss"] == losses[-1]
    assert losses[-1] == pytest.approx(rmse(model, data.x, data.y) ** 2, rel=1e-9)


@pytest.mark.parametrize(
    ("kwargs", "problem"),
    [
        ({"learning_rate": 0.0, "epochs": 10}, "learning_rate must be a positive number"),
        ({"learning_rate": math.nan, "epochs": 10}, "learning_rate must be a positive number"),
        ({"learning_rate": 0.1, "epochs": 0}, "epochs must be at least 1"),
        ({"learning_rate": 50.0, "epochs": 200}, "training diverged: the loss is .* lower learning_rate"),
    ],
)
def test_fit_rejects_what_cannot_train(tmp_path: Path, kwargs, problem) -> None:
    data = noiseless(tmp_path, coefficients=[3.0], intercept=0.0, rows=20)

    with pytest.raises(ValueError, match=problem):
        fit(data, **kwargs)


def test_model_predicts_and_round_trips_through_json() -> None:
    model = LinearModel(["a", "b"], "y", [2.0, -1.0], 0.5, {"epochs": 3})

    assert model.predict([1.0, 4.0]) == pytest.approx(-1.5)
    again = LinearModel.from_json(json.loads(json.dumps(model.to_json())))
    assert again == model
    with pytest.raises(ValueError, match="not a linear_regression model"):
        LinearModel.from_json({"type": "tree"})


def test_error_measures() -> None:
    model = LinearModel(["x"], "y", [1.0], 0.0)
    x, y = [[0.0], [1.0], [2.0], [3.0]], [0.0, 1.0, 2.0, 5.0]

    assert rmse(model, x, y) == pytest.approx(1.0)  # errors 0, 0, 0, 2
    assert r2(model, x, y) == pytest.approx(1 - 4 / 14)
    assert r2(model, x, [1.0, 1.0, 1.0, 1.0]) is None


def test_metrics_are_kfp_v2_metrics_metadata() -> None:
    # what dsl.Metrics.log_metric keeps: name -> number; unknown values left out
    assert metrics_metadata({"rmse": 0.25, "r2": None}) == {"rmse": 0.25}


def train(tmp_path: Path, settings, dataset: Path, **kwargs) -> tuple[dict, dict, dict]:
    outputs = trainer.run(
        settings,
        dataset=dataset,
        learning_rate=kwargs.get("learning_rate", 0.05),
        epochs=kwargs.get("epochs", 200),
        model=tmp_path / "model.json",
        metrics=tmp_path / "metrics.json",
        classification=tmp_path / "classification.json",
        report=tmp_path / "report.md",
    )
    model = json.loads((tmp_path / "model.json").read_text())
    metrics = json.loads((tmp_path / "metrics.json").read_text())
    assert outputs["metrics"] == metrics
    return outputs, model, metrics


def test_run_holds_out_the_validation_rows_from_the_settings(tmp_path: Path, monkeypatch) -> None:
    dataset = write_linear_dataset(
        tmp_path / "ds.csv", coefficients=[3.0, -2.0], intercept=0.5, rows=100, noise=0.1, seed=2
    )
    monkeypatch.setenv("DYNACONF_VALIDATION_FRACTION", "0.5")

    outputs, model, metrics = train(tmp_path, load_settings(COMPONENT_ROOT, env="testing"), dataset)

    assert (model["training"]["training_rows"], model["training"]["validation_rows"]) == (50, 50)
    assert outputs["rmse"] == metrics["rmse"] == model["training"]["validation_rmse"]
    assert metrics["train-rmse"] == model["training"]["train_rmse"]
    assert outputs["rmse"] != metrics["train-rmse"]  # measured on other rows
    assert 0.05 < outputs["rmse"] < 0.15


def test_run_without_validation_rows_scores_the_training_rows(tmp_path: Path, monkeypatch, caplog) -> None:
    dataset = write_linear_dataset(tmp_path / "ds.csv", coefficients=[1.0], intercept=0.0, rows=3, noise=0.1)

    outputs, model, metrics = train(tmp_path, load_settings(COMPONENT_ROOT, env="testing"), dataset)

    assert model["training"]["validation_rows"] == 0  # int(3 * 0.2) == 0
    assert model["training"]["validation_rmse"] is None
    assert outputs["rmse"] == metrics["train-rmse"]
    assert "too few rows for a validation split" in caplog.text


@pytest.mark.parametrize(
    ("key", "value", "problem"),
    [
        ("TARGET", "1", "setting target must be a string, got 1"),
        ("STANDARDIZE", "'yes'", "setting standardize must be true or false"),
        ("SPLIT_SEED", "true", "setting split_seed must be a whole number"),
        ("VALIDATION_FRACTION", "'a fifth'", "setting validation_fraction must be a number"),
        ("VALIDATION_FRACTION", "1.0", "validation_fraction must be at least 0 and below 1"),
        ("LOG_EVERY", "0", "setting log_every must be at least 1"),
    ],
)
def test_run_rejects_bad_settings(tmp_path: Path, monkeypatch, key, value, problem) -> None:
    dataset = write_linear_dataset(tmp_path / "ds.csv", coefficients=[1.0], intercept=0.0, rows=10)
    monkeypatch.setenv(f"DYNACONF_{key}", value)

    with pytest.raises(ValueError, match=problem):
        train(tmp_path, load_settings(COMPONENT_ROOT, env="testing"), dataset)


def test_above_median_classification_counts_and_sweeps_the_predictions() -> None:
    # y = x; the model predicts x - 1.25: rows 3 and 4 are above the median 2.5, only row 4 predicted above
    data = Dataset(["x"], "y", [[1.0], [2.0], [3.0], [4.0]], [1.0, 2.0, 3.0, 4.0])
    model = LinearModel(features=["x"], target="y", weights=[1.0], intercept=-1.25)

    classified = above_median_classification(model, data)

    assert classified["median"] == 2.5
    assert classified["categories"] == ["below median", "above median"]
    assert classified["matrix"] == [[2, 0], [1, 1]]  # row 3 predicted 1.75: below
    assert classified["roc"] == {
        "thresholds": [3.75, 2.75, 1.75, 0.75, -0.25],
        "tpr": [0.0, 0.5, 1.0, 1.0, 1.0],
        "fpr": [0.0, 0.0, 0.0, 0.5, 1.0],
    }
    metadata = classification_metadata(classified)
    assert metadata["confusionMatrix"]["rows"] == [{"row": [2, 0]}, {"row": [1, 1]}]
    assert metadata["confidenceMetrics"][1] == {"confidenceThreshold": 2.75, "recall": 0.5, "falsePositiveRate": 0.0}


def test_above_median_classification_of_one_category_has_no_curve() -> None:
    data = Dataset(["x"], "y", [[1.0], [2.0]], [5.0, 5.0])
    model = LinearModel(features=["x"], target="y", weights=[0.0], intercept=5.0)

    classified = above_median_classification(model, data)

    assert classified["matrix"] == [[2, 0], [0, 0]]
    assert classified["roc"] == {"fpr": [], "tpr": [], "thresholds": []}
    assert "confidenceMetrics" not in classification_metadata(classified)


def test_run_writes_the_classification_file_and_the_markdown_report(tmp_path: Path) -> None:
    dataset = write_linear_dataset(tmp_path / "ds.csv", coefficients=[3.0, -2.0], intercept=0.5, rows=100, noise=0.1)

    outputs, _model, metrics = train(tmp_path, load_settings(COMPONENT_ROOT, env="testing"), dataset)

    assert json.loads((tmp_path / "classification.json").read_text()) == classification_metadata(
        outputs["classification"]
    )
    report = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert report == outputs["report"]
    assert f"| rmse | {metrics['rmse']:.6g} |" in report
    assert "| x1 |" in report and "| intercept |" in report
    (tn, fp), (fn, tp) = outputs["classification"]["matrix"]
    assert f"| below median | {tn} | {fp} |" in report and f"| above median | {fn} | {tp} |" in report
