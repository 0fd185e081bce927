"""Runs the threshold-report entry point on temporary paths, the way Kubeflow runs it."""

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
            "parameters": {},
            "artifacts": {
                "report": {
                    "artifacts": [
                        {
                            "name": "report",
                            "uri": str(outputs / "report"),
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
            "--metric",
            "mean validation rmse",
            "--value",
            "0.5",
            "--limit",
            "0.5",
            "--report",
            str(outputs / "report"),
            "--executor-input",
            json.dumps(executor_input),
        ]
    )

    assert exit_code == 0
    assert (outputs / "report").read_text().startswith("# Quality gate passed\n")
    # every output artifact with its URI and metadata, and the output parameters' values
    executor_output = json.loads((outputs / "executor_output.json").read_text())
    assert sorted(executor_output.get("artifacts", {})) == ["report"]
    assert sorted(executor_output.get("parameterValues", {})) == []


def test_settings_load_for_the_testing_environment() -> None:
    settings = run.load_settings(run.COMPONENT_ROOT, env="testing")

    assert settings.get("log_level") == "WARNING"
