"""Runs the cv-summary entry point on temporary paths, the way Kubeflow runs it."""

from __future__ import annotations

import json
from pathlib import Path

import run


def test_run_writes_every_output(tmp_path: Path) -> None:
    inputs = tmp_path / "inputs"
    outputs = tmp_path / "outputs"
    inputs.mkdir()
    # what KFP's executor passes as {{$}}: KFP reads back the executor output file it names
    executor_input = {
        "outputs": {
            "parameters": {
                "mean_rmse": {"outputFile": str(outputs / "mean_rmse")},
            },
            "artifacts": {
                "summary": {
                    "artifacts": [
                        {
                            "name": "summary",
                            "uri": str(outputs / "summary"),
                            "metadata": {},
                        },
                    ],
                },
            },
            "outputFile": str(outputs / "executor_output.json"),
        }
    }

    exit_code = run.main(
        [
            "--rmse-values",
            "[1, 2, 3]",
            "--summary",
            str(outputs / "summary"),
            "--mean-rmse",
            str(outputs / "mean_rmse"),
            "--executor-input",
            json.dumps(executor_input),
        ]
    )

    assert exit_code == 0
    assert (outputs / "summary").exists()
    assert float((outputs / "mean_rmse").read_text()) == 2.0
    summary = json.loads((outputs / "summary").read_text())
    assert summary == {"mean_rmse": 2.0, "std_rmse": 1.0, "min_rmse": 1.0, "max_rmse": 3.0, "folds": 3}
    # every output artifact with its URI and metadata, and the output parameters' values
    executor_output = json.loads((outputs / "executor_output.json").read_text())
    assert sorted(executor_output.get("artifacts", {})) == ["summary"]
    assert executor_output["parameterValues"] == {"mean_rmse": 2.0}
    # the metrics as the Metrics artifact's metadata, which the KFP UI shows
    assert executor_output["artifacts"]["summary"]["artifacts"][0]["metadata"] == summary


def test_run_fails_with_the_reason_for_an_error_that_is_no_number(tmp_path: Path, capsys) -> None:
    exit_code = run.main(
        ["--rmse-values", '[0.1, "x"]', "--summary", str(tmp_path / "s"), "--mean-rmse", str(tmp_path / "m")]
    )

    assert exit_code == 1
    assert "rmse_values[1] is 'x'" in capsys.readouterr().err
    assert not (tmp_path / "m").exists()


def test_settings_load_for_the_testing_environment() -> None:
    settings = run.load_settings(run.COMPONENT_ROOT, env="testing")

    assert settings.get("log_level") == "WARNING"
