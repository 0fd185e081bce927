"""Runs the trainer entry point on temporary paths, the way Kubeflow runs it."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

import run
from helpers import COMPONENT_ROOT, json_lines, write_linear_dataset


def run_main(dataset: Path, outputs: Path, *extra: str) -> int:
    return run.main(
        [
            "--dataset",
            str(dataset),
            *extra,
            "--model",
            str(outputs / "model"),
            "--rmse",
            str(outputs / "rmse"),
            "--metrics",
            str(outputs / "metrics"),
            "--classification",
            str(outputs / "classification"),
            "--report",
            str(outputs / "report"),
        ]
    )


def test_run_writes_every_output(tmp_path: Path) -> None:
    inputs = tmp_path / "inputs"
    outputs = tmp_path / "outputs"
    inputs.mkdir()
    write_linear_dataset(inputs / "dataset", coefficients=[3.0, -2.0], intercept=0.5, rows=200, noise=0.1, seed=1)

    exit_code = run.main(
        [
            "--dataset",
            str(inputs / "dataset"),
            "--learning-rate",
            "0.05",
            "--epochs",
            "200",
            "--model",
            str(outputs / "model"),
            "--rmse",
            str(outputs / "rmse"),
            "--metrics",
            str(outputs / "metrics"),
            "--classification",
            str(outputs / "classification"),
            "--report",
            str(outputs / "report"),
        ]
    )

    assert exit_code == 0
    assert (outputs / "model").exists()
    assert (outputs / "metrics").exists()
    rmse = float((outputs / "rmse").read_text())
    # the noise is N(0, 0.1^2): a good fit leaves about 0.1, no fit leaves about 2
    assert 0.05 < rmse < 0.15

    model = json.loads((outputs / "model").read_text())
    assert model["type"] == "linear_regression"
    assert model["features"] == ["x1", "x2"]
    assert model["target"] == "y"
    assert model["weights"] == pytest.approx([3.0, -2.0], abs=0.05)
    assert model["intercept"] == pytest.approx(0.5, abs=0.05)
    assert model["training"]["training_rows"] == 160
    assert model["training"]["validation_rows"] == 40
    assert model["training"]["validation_rmse"] == rmse

    metrics = json.loads((outputs / "metrics").read_text())
    assert set(metrics) == {"rmse", "train-rmse", "r2"}
    assert metrics["rmse"] == rmse
    assert 0.05 < metrics["train-rmse"] < 0.15
    assert metrics["r2"] > 0.99

    # kfp's ClassificationMetrics metadata: a good fit sorts the 40 validation rows by the median well
    classification = json.loads((outputs / "classification").read_text())
    assert classification["confusionMatrix"]["annotationSpecs"] == [
        {"displayName": "below median"},
        {"displayName": "above median"},
    ]
    matrix = [row["row"] for row in classification["confusionMatrix"]["rows"]]
    assert sum(map(sum, matrix)) == 40 and matrix[0][0] + matrix[1][1] >= 36
    curve = classification["confidenceMetrics"]
    assert (curve[0]["recall"], curve[0]["falsePositiveRate"]) == (0.0, 0.0)
    assert (curve[-1]["recall"], curve[-1]["falsePositiveRate"]) == (1.0, 1.0)
    report = (outputs / "report").read_text(encoding="utf-8")
    assert report.startswith("# Linear regression\n") and f"| rmse | {rmse:.6g} |" in report


def test_learning_rate_and_epochs_have_defaults(tmp_path: Path) -> None:
    dataset = write_linear_dataset(tmp_path / "ds.csv", coefficients=[1.0], intercept=-1.0, rows=50)

    assert run_main(dataset, tmp_path / "out") == 0

    training = json.loads((tmp_path / "out" / "model").read_text())["training"]
    assert training["learning_rate"] == 0.05
    assert training["epochs"] == 200


def test_too_few_epochs_leave_a_larger_error(tmp_path: Path) -> None:
    dataset = write_linear_dataset(tmp_path / "ds.csv", coefficients=[3.0, -2.0], intercept=0.5, rows=100, noise=0.1)

    assert run_main(dataset, tmp_path / "short", "--epochs", "2") == 0
    assert run_main(dataset, tmp_path / "long", "--epochs", "300") == 0

    short = float((tmp_path / "short" / "rmse").read_text())
    long = float((tmp_path / "long" / "rmse").read_text())
    assert short > 1.0
    assert long < 0.2


def test_logs_the_loss_every_log_every_epochs(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("DYNACONF_LOG_LEVEL", "INFO")  # [testing] logs warnings only
    monkeypatch.setenv("DYNACONF_LOG_EVERY", "40")
    dataset = write_linear_dataset(tmp_path / "ds.csv", coefficients=[3.0, -2.0], intercept=0.5, rows=100, noise=0.1)

    assert run_main(dataset, tmp_path / "out", "--epochs", "100") == 0

    records = json_lines(capsys.readouterr().err)
    assert all(record["component"] == "trainer" for record in records)
    assert records[0]["message"] == f"read 100 rows from {dataset}"
    assert (records[0]["training_rows"], records[0]["validation_rows"]) == (80, 20)
    epochs = [record for record in records if "epoch" in record]
    assert [record["epoch"] for record in epochs] == [1, 40, 80, 100]
    losses = [record["loss"] for record in epochs]
    assert losses == sorted(losses, reverse=True)  # it learns
    assert losses[-1] < 0.05
    fitted = [record for record in records if record["message"].startswith("fitted y: rmse")]
    assert len(fitted) == 1
    assert fitted[0]["rmse"] == float((tmp_path / "out" / "rmse").read_text())
    assert fitted[0]["weights"]["x1"] == pytest.approx(3.0, abs=0.1)
    assert records[-1]["message"] == "trainer finished"


def error_records(capsys) -> list[dict]:
    return [record for record in json_lines(capsys.readouterr().err) if record["severity"] == "ERROR"]


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("", "is empty: expected a CSV header line"),
        ("x1,x2,y\n", "has a header but no rows"),
        ("x1,x2,target\n1,2,3\n", "has no target column 'y'"),
        ("y\n1\n2\n", "has only the target column 'y'"),
        ("x1,x2,y\n1,2,3\n4,five,6\n", "line 3, column x2: 'five' is not a number"),
        ("x1,x2,y\n1,2,3\n4,5\n", "line 3 has 2 values, the header has 3 columns"),
        ("x1,x2,y\n1,nan,3\n", "'nan' is not a finite number"),
        ("x1,x1,y\n1,2,3\n", "repeats the column(s) x1"),
    ],
)
def test_bad_dataset_fails_with_a_json_error_naming_the_problem(tmp_path: Path, capsys, content, problem) -> None:
    dataset = tmp_path / "ds.csv"
    dataset.write_text(content)

    assert run_main(dataset, tmp_path / "out") == 1

    errors = error_records(capsys)
    assert len(errors) == 1
    assert errors[0]["message"].startswith("trainer failed: ")
    assert problem in errors[0]["message"]
    assert errors[0]["component"] == "trainer"
    assert problem in errors[0]["exception"]
    assert str(dataset) in errors[0]["exception"]
    assert not (tmp_path / "out" / "rmse").exists()


def test_missing_dataset_file_fails(tmp_path: Path, capsys) -> None:
    assert run_main(tmp_path / "nowhere.csv", tmp_path / "out") == 1

    assert "nowhere.csv is not a file" in error_records(capsys)[0]["exception"]


@pytest.mark.parametrize(
    ("arguments", "problem"),
    [
        (["--learning-rate", "0"], "learning_rate must be a positive number"),
        (["--learning-rate", "-0.1"], "learning_rate must be a positive number"),
        (["--epochs", "0"], "epochs must be at least 1"),
        (["--learning-rate", "5"], "training diverged"),
    ],
)
def test_bad_parameters_fail_with_a_json_error(tmp_path: Path, capsys, arguments, problem) -> None:
    dataset = write_linear_dataset(tmp_path / "ds.csv", coefficients=[3.0, -2.0], intercept=0.5, rows=50)

    assert run_main(dataset, tmp_path / "out", *arguments) == 1

    errors = error_records(capsys)
    assert len(errors) == 1 and problem in errors[0]["exception"]
    assert not (tmp_path / "out" / "model").exists()


def test_target_column_comes_from_the_settings(tmp_path: Path, monkeypatch) -> None:
    """DYNACONF_TARGET (e.g. a task's env in pipeline.yaml) overrides config/settings.toml."""
    dataset = write_linear_dataset(
        tmp_path / "ds.csv", coefficients=[2.0], intercept=1.0, rows=60, features=["size"], target="price"
    )
    monkeypatch.setenv("DYNACONF_TARGET", "price")

    assert run_main(dataset, tmp_path / "out") == 0

    model = json.loads((tmp_path / "out" / "model").read_text())
    assert (model["features"], model["target"]) == (["size"], "price")
    assert model["weights"][0] == pytest.approx(2.0, abs=0.01)


def test_entry_point_runs_as_kubeflow_runs_it(tmp_path: Path) -> None:
    """`python src/run.py` from the component folder, in a fresh process, [production] settings."""
    dataset = write_linear_dataset(
        tmp_path / "in" / "dataset", coefficients=[3.0, -2.0], intercept=0.5, rows=80, noise=0.1
    )
    env = {**os.environ, "ENV_FOR_DYNACONF": "production", "NX_KUBEFLOW_TASK": "train"}
    result = subprocess.run(
        [
            sys.executable,
            "src/run.py",
            "--dataset",
            str(dataset),
            "--epochs",
            "250",
            "--model",
            str(tmp_path / "out" / "model"),
            "--rmse",
            str(tmp_path / "out" / "rmse"),
            "--metrics",
            str(tmp_path / "out" / "metrics"),
            "--classification",
            str(tmp_path / "out" / "classification"),
            "--report",
            str(tmp_path / "out" / "report"),
        ],
        cwd=COMPONENT_ROOT,
        check=False,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    records = json_lines(result.stderr)
    assert {record["task"] for record in records} == {"train"}
    assert [record["epoch"] for record in records if "epoch" in record] == [1, 100, 200, 250]  # log_every = 100
    assert records[-1]["message"] == "trainer finished"
    assert math.isfinite(float((tmp_path / "out" / "rmse").read_text()))


def test_settings_load_for_the_testing_environment() -> None:
    settings = run.load_settings(run.COMPONENT_ROOT, env="testing")

    assert settings.get("log_level") == "WARNING"
    assert settings.target == "y"
    assert settings.validation_fraction == 0.2
    assert settings.log_every == 50


def test_settings_per_environment() -> None:
    development = run.load_settings(run.COMPONENT_ROOT, env="development")
    production = run.load_settings(run.COMPONENT_ROOT, env="production")

    assert (development.log_level, development.log_every) == ("DEBUG", 10)
    assert (production.log_level, production.log_every) == ("INFO", 100)


def kfp_executor_input(outputs: Path) -> dict:
    """The executor input as kfp.local makes it for this component (protobuf JSON)."""
    artifact = lambda name, title: {
        "artifacts": [
            {
                "name": name,
                "type": {"schemaTitle": title, "schemaVersion": "0.0.1"},
                "uri": str(outputs / name),
                "metadata": {},
            }
        ]
    }
    return {
        "inputs": {"parameterValues": {"learning_rate": 0.05, "epochs": 50}},
        "outputs": {
            "parameters": {"rmse": {"outputFile": str(outputs / "rmse")}},
            "artifacts": {
                "model": artifact("model", "system.Model"),
                "metrics": artifact("metrics", "system.Metrics"),
                "classification": artifact("classification", "system.ClassificationMetrics"),
                "report": artifact("report", "system.Markdown"),
            },
            "outputFile": str(outputs / "executor_output.json"),
        },
    }


def test_run_writes_the_executor_output_kfp_reads(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("DYNACONF_LOG_LEVEL", "INFO")  # [testing] logs warnings only
    dataset = write_linear_dataset(tmp_path / "ds.csv", coefficients=[3.0, -2.0], intercept=0.5, rows=100, noise=0.1)
    outputs = tmp_path / "outputs"
    executor_input = json.dumps(kfp_executor_input(outputs))

    assert (
        run_main(
            dataset,
            outputs,
            "--epochs",
            "50",
            "--executor-input",
            executor_input,
            "--pipeline-job-name",
            "training-pipeline-2024-05-01-12-00-00-000000",
            "--pipeline-job-uuid",
            "81234567",
            "--pipeline-task-name",
            "trainer",
        )
        == 0
    )

    written = json.loads((outputs / "executor_output.json").read_text())
    rmse = float((outputs / "rmse").read_text())
    metrics = json.loads((outputs / "metrics").read_text())
    classification = json.loads((outputs / "classification").read_text())
    # kfp's Python executor's shape: every output artifact with its URI and metadata, the
    # metrics as the Metrics artifact's metadata (what the KFP UI shows), the parameter's value
    assert written == {
        "artifacts": {
            "model": {"artifacts": [{"name": "model", "uri": str(outputs / "model"), "metadata": {}}]},
            "metrics": {"artifacts": [{"name": "metrics", "uri": str(outputs / "metrics"), "metadata": metrics}]},
            "classification": {
                "artifacts": [
                    {"name": "classification", "uri": str(outputs / "classification"), "metadata": classification}
                ]
            },
            "report": {"artifacts": [{"name": "report", "uri": str(outputs / "report"), "metadata": {}}]},
        },
        "parameterValues": {"rmse": rmse},
    }
    assert set(metrics) == {"rmse", "train-rmse", "r2"} and metrics["rmse"] == rmse
    assert set(classification) == {"confusionMatrix", "confidenceMetrics"}
    records = json_lines(capsys.readouterr().err)
    assert records and all(
        (record["run_name"], record["run_id"], record["task"])
        == ("training-pipeline-2024-05-01-12-00-00-000000", "81234567", "trainer")
        for record in records
    )


def test_placeholders_left_unresolved_change_nothing(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("DYNACONF_LOG_LEVEL", "INFO")  # [testing] logs warnings only
    # An executor that resolves none of KFP's own placeholders (each identity input left at its
    # component.yaml default, as a KFP server leaves it when no task input passes the placeholder)
    dataset = write_linear_dataset(tmp_path / "ds.csv", coefficients=[1.0], intercept=0.0, rows=30)
    outputs = tmp_path / "out"
    extra = [
        "--executor-input",
        "{{$}}",
        "--pipeline-job-name",
        "{{$.pipeline_job_name}}",
        "--pipeline-job-uuid",
        "{{$.pipeline_job_uuid}}",
        "--pipeline-task-name",
        "{{$.pipeline_task_name}}",
    ]

    assert run_main(dataset, outputs, *extra) == 0

    assert sorted(path.name for path in outputs.iterdir()) == ["classification", "metrics", "model", "report", "rmse"]
    records = json_lines(capsys.readouterr().err)
    assert records and all(record["run_id"] is None and record["task"] is None for record in records)
