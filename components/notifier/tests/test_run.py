"""Runs the notifier entry point on temporary paths, the way Kubeflow runs it."""

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
            "--message",
            "example",
            "--status",
            '{"state": "SUCCEEDED", "pipelineJobResourceName": "example-run", "pipelineTaskName": "exit-handler-1", "error": {}}',
            "--report",
            str(outputs / "report"),
            "--executor-input",
            json.dumps(executor_input),
        ]
    )

    assert exit_code == 0
    assert (outputs / "report").read_text().startswith("# SUCCEEDED: example\n")
    # every output artifact with its URI and metadata, and the output parameters' values
    executor_output = json.loads((outputs / "executor_output.json").read_text())
    assert sorted(executor_output.get("artifacts", {})) == ["report"]
    assert sorted(executor_output.get("parameterValues", {})) == []


def test_run_reports_a_failure_as_kfp_local_passes_it_and_still_succeeds(tmp_path: Path) -> None:
    # kfp.local's spelling of the status: the proto's snake_case names
    status = {"state": "FAILED", "pipeline_job_resource_name": "local", "pipeline_task_name": "t", "error": {"code": 1}}

    exit_code = run.main(["--message", "m", "--status", json.dumps(status), "--report", str(tmp_path / "report")])

    assert exit_code == 0
    assert (tmp_path / "report").read_text().startswith("# FAILED: m\n")


def test_run_without_a_status_reports_unknown(tmp_path: Path) -> None:
    assert run.main(["--message", "m", "--report", str(tmp_path / "report")]) == 0
    assert (tmp_path / "report").read_text().startswith("# UNKNOWN: m\n")


def test_settings_load_for_the_testing_environment() -> None:
    settings = run.load_settings(run.COMPONENT_ROOT, env="testing")

    assert settings.get("log_level") == "WARNING"
