"""The arguments KFP's executor passes: executor input and the run's identity."""

from __future__ import annotations

import argparse
import io
import json
from pathlib import Path

import pytest
from component_runtime import add_kfp_arguments, executor_io, run_identity, setup_logging


def parse(argv: list[str]) -> argparse.Namespace:
    return add_kfp_arguments(argparse.ArgumentParser()).parse_args(argv)


def test_identity_from_resolved_placeholders() -> None:
    args = parse(
        [
            "--pipeline-job-name",
            "training-pipeline-2024-01-01",
            "--pipeline-job-uuid",
            "1234",
            "--pipeline-task-name",
            "trainer",
        ]
    )
    identity = run_identity(args)
    assert (identity.run_name, identity.run_id, identity.task) == ("training-pipeline-2024-01-01", "1234", "trainer")


def test_placeholders_an_executor_left_as_written_are_unknown() -> None:
    # the KFP launcher resolves {{$.pipeline_*}} only as task inputs, not in args
    args = parse(
        [
            "--pipeline-job-name",
            "{{$.pipeline_job_name}}",
            "--pipeline-job-uuid",
            "{{$.pipeline_job_uuid}}",
            "--pipeline-task-name",
            "",
        ]
    )
    assert run_identity(args).logging_context() == {"run_name": None, "run_id": None, "task": None}
    assert not executor_io(parse(["--executor-input", "{{$}}"])).active
    assert not executor_io(parse([])).active


def test_log_records_carry_the_identity_the_executor_gave(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NX_KUBEFLOW_PIPELINE", "training-pipeline")
    monkeypatch.setenv("NX_KUBEFLOW_TASK", "from-env")
    stream = io.StringIO()
    args = parse(
        [
            "--pipeline-job-name",
            "job",
            "--pipeline-job-uuid",
            "{{$.pipeline_job_uuid}}",
            "--pipeline-task-name",
            "trainer",
        ]
    )
    setup_logging("trainer", stream=stream, **run_identity(args).logging_context()).info("x")
    record = json.loads(stream.getvalue())
    assert {key: record[key] for key in ("pipeline", "run_id", "task", "run_name")} == {
        "pipeline": "training-pipeline",  # from the environment
        "run_id": None,  # left unresolved, and not in the environment
        "task": "trainer",  # the executor's word wins over the environment
        "run_name": "job",
    }


def test_executor_input_argument(tmp_path: Path) -> None:
    text = json.dumps({"outputs": {"outputFile": str(tmp_path / "out.json"), "parameters": {"n": {"outputFile": "x"}}}})
    io_ = executor_io(parse(["--executor-input", text]))
    io_.set_output_parameter("n", 3)
    io_.write()
    assert json.loads((tmp_path / "out.json").read_text()) == {"parameterValues": {"n": 3}}
