"""Runs the data-loader entry point on temporary paths, the way Kubeflow runs it."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import run
from helpers import COMPONENT_ROOT, json_lines


def run_main(outputs: Path, *extra: str) -> int:
    return run.main(
        [
            *extra,
            "--dataset",
            str(outputs / "dataset"),
            "--row-count",
            str(outputs / "row_count"),
        ]
    )


def test_run_writes_every_output(tmp_path: Path) -> None:
    inputs = tmp_path / "inputs"
    outputs = tmp_path / "outputs"
    inputs.mkdir()

    exit_code = run.main(
        [
            "--rows",
            "200",
            "--noise",
            "0.1",
            "--seed",
            "42",
            "--dataset",
            str(outputs / "dataset"),
            "--row-count",
            str(outputs / "row_count"),
        ]
    )

    assert exit_code == 0
    assert (outputs / "dataset").exists()
    assert int((outputs / "row_count").read_text()) == 200
    lines = (outputs / "dataset").read_text().splitlines()
    assert len(lines) == 201
    assert lines[0] == "x1,x2,y"
    with (outputs / "dataset").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 200
    for row in rows:
        x1, x2 = float(row["x1"]), float(row["x2"])
        assert -1.0 <= x1 <= 1.0 and -1.0 <= x2 <= 1.0
        # y = 0.5 + 3 x1 - 2 x2 + N(0, 0.1^2): no residual is anywhere near 1 (10 sigma)
        assert abs(float(row["y"]) - (0.5 + 3.0 * x1 - 2.0 * x2)) < 1.0


def test_defaults_come_from_component_yaml(tmp_path: Path) -> None:
    assert run_main(tmp_path) == 0

    assert (tmp_path / "row_count").read_text() == "200"
    assert len((tmp_path / "dataset").read_text().splitlines()) == 201


def test_same_seed_same_file_other_seed_other_file(tmp_path: Path) -> None:
    for name, seed in (("a", "7"), ("b", "7"), ("c", "8")):
        assert run_main(tmp_path / name, "--rows", "20", "--seed", seed) == 0

    first = (tmp_path / "a" / "dataset").read_bytes()
    assert (tmp_path / "b" / "dataset").read_bytes() == first
    assert (tmp_path / "c" / "dataset").read_bytes() != first


def test_logs_the_rows_written_as_json(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("DYNACONF_LOG_LEVEL", "INFO")  # [testing] logs warnings only

    assert run_main(tmp_path, "--rows", "12", "--seed", "3") == 0

    records = json_lines(capsys.readouterr().err)
    wrote = [record for record in records if record["message"].startswith("wrote 12 rows")]
    assert len(wrote) == 1
    assert wrote[0]["severity"] == "INFO"
    assert wrote[0]["component"] == "data-loader"
    assert wrote[0]["rows"] == 12
    assert wrote[0]["columns"] == ["x1", "x2", "y"]
    assert wrote[0]["path"] == str(tmp_path / "dataset")
    assert records[-1]["message"] == "data-loader finished"


@pytest.mark.parametrize(
    ("arguments", "problem"),
    [
        (["--rows", "0"], "rows must be at least 1"),
        (["--rows", "10001"], "above max_rows=10000"),
        (["--noise", "-0.5"], "it must be >= 0"),
    ],
)
def test_bad_input_fails_with_a_json_error(tmp_path: Path, capsys, arguments, problem) -> None:
    assert run_main(tmp_path, *arguments) == 1

    errors = [record for record in json_lines(capsys.readouterr().err) if record["severity"] == "ERROR"]
    assert len(errors) == 1
    assert errors[0]["message"].startswith("data-loader failed: ")
    assert problem in errors[0]["message"]
    assert problem in errors[0]["exception"]
    assert not (tmp_path / "row_count").exists()


def test_unparseable_parameter_is_a_usage_error(tmp_path: Path, capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        run_main(tmp_path, "--rows", "many")

    assert exit_info.value.code == 2
    error = capsys.readouterr().err
    assert "argument --rows: invalid Integer parameter value 'many'" in error
    assert not (tmp_path / "dataset").exists()


def test_entry_point_runs_as_kubeflow_runs_it(tmp_path: Path) -> None:
    """`python src/run.py` from the component folder, in a fresh process."""
    env = {**os.environ, "ENV_FOR_DYNACONF": "production", "NX_KUBEFLOW_TASK": "load"}
    result = subprocess.run(
        [
            sys.executable,
            "src/run.py",
            "--rows",
            "25",
            "--dataset",
            str(tmp_path / "out" / "dataset"),
            "--row-count",
            str(tmp_path / "out" / "row_count"),
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
    assert [record["message"] for record in records] == [
        "wrote 25 rows to " + str(tmp_path / "out" / "dataset"),
        "data-loader finished",
    ]
    assert {record["task"] for record in records} == {"load"}
    assert (tmp_path / "out" / "row_count").read_text() == "25"


def test_settings_load_for_the_testing_environment() -> None:
    settings = run.load_settings(run.COMPONENT_ROOT, env="testing")

    assert settings.get("log_level") == "WARNING"
    assert settings.max_rows == 10000
    assert settings.dataset.coefficients == [3.0, -2.0]


def test_production_allows_larger_datasets() -> None:
    settings = run.load_settings(run.COMPONENT_ROOT, env="production")

    assert settings.get("log_level") == "INFO"
    assert settings.max_rows == 10000000
    assert settings.dataset.features == ["x1", "x2"]


def test_run_writes_the_executor_output_kfp_reads(tmp_path: Path, capsys, monkeypatch) -> None:
    """Without this file kfp.local gives the trainer no dataset: it learns artifacts from it."""
    monkeypatch.setenv("DYNACONF_LOG_LEVEL", "INFO")  # [testing] logs warnings only
    outputs = tmp_path / "task"
    executor_input = {
        "inputs": {"parameterValues": {"rows": 20, "noise": 0.1, "seed": 42}},
        "outputs": {
            "parameters": {"row_count": {"outputFile": str(outputs / "row_count")}},
            "artifacts": {
                "dataset": {
                    "artifacts": [
                        {
                            "name": "dataset",
                            "type": {"schemaTitle": "system.Dataset", "schemaVersion": "0.0.1"},
                            "uri": str(outputs / "dataset"),
                            "metadata": {},
                        }
                    ]
                }
            },
            "outputFile": str(outputs / "executor_output.json"),
        },
    }
    identity = [
        "--pipeline-job-name",
        "training-pipeline-x",
        "--pipeline-job-uuid",
        "42",
        "--pipeline-task-name",
        "data-loader",
    ]

    assert run_main(outputs, "--rows", "20", "--executor-input", json.dumps(executor_input), *identity) == 0

    assert json.loads((outputs / "executor_output.json").read_text()) == {
        "artifacts": {
            "dataset": {"artifacts": [{"name": "dataset", "uri": str(outputs / "dataset"), "metadata": {"rows": 20}}]}
        },
        "parameterValues": {"row_count": 20},
    }
    assert (outputs / "row_count").read_text() == "20"  # the file too, for executors that read it
    records = json_lines(capsys.readouterr().err)
    assert records and all(
        (r["run_name"], r["run_id"], r["task"]) == ("training-pipeline-x", "42", "data-loader") for r in records
    )
