"""The executor output file, as kfp's own Python executor writes it, from the executor input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from component_runtime import ExecutorInputError, ExecutorIO, is_unresolved_placeholder


def executor_input(tmp_path: Path) -> dict:
    """Shaped as kfp.local and the KFP driver make it (protobuf JSON, camelCase)."""
    return {
        "inputs": {"parameterValues": {"epochs": 3}},
        "outputs": {
            "parameters": {"rmse": {"outputFile": str(tmp_path / "task" / "rmse")}},
            "artifacts": {
                "model": {
                    "artifacts": [
                        {
                            "name": "model",
                            "type": {"schemaTitle": "system.Model", "schemaVersion": "0.0.1"},
                            "uri": str(tmp_path / "task" / "model"),
                            "metadata": {},
                        }
                    ]
                },
                "metrics": {
                    "artifacts": [
                        {
                            "name": "metrics",
                            "type": {"schemaTitle": "system.Metrics"},
                            "uri": "minio://bucket/run/task/metrics",
                        }
                    ]
                },
            },
            "outputFile": str(tmp_path / "task" / "deep" / "executor_output.json"),
        },
    }


def test_writes_the_executor_output_as_kfps_executor_does(tmp_path: Path) -> None:
    io = ExecutorIO.from_text(json.dumps(executor_input(tmp_path)))
    assert io.active
    io.output_artifact("metrics").log_metric("rmse", 0.25)
    io.output_artifact("metrics").log_metric("r2", 1)
    io.set_output_parameter("rmse", 0.25)
    written = io.write()
    assert written == tmp_path / "task" / "deep" / "executor_output.json"
    assert json.loads(written.read_text()) == {
        "artifacts": {
            "model": {"artifacts": [{"name": "model", "uri": str(tmp_path / "task" / "model"), "metadata": {}}]},
            "metrics": {
                "artifacts": [
                    {"name": "metrics", "uri": "minio://bucket/run/task/metrics", "metadata": {"rmse": 0.25, "r2": 1}}
                ]
            },
        },
        "parameterValues": {"rmse": 0.25},
    }
    assert io.output_artifact("model").schema_title == "system.Model"
    assert not list(written.parent.glob(".*.tmp"))


def test_without_an_executor_input_nothing_is_written(tmp_path: Path) -> None:
    for text in (None, "", "  ", "{{$}}"):
        io = ExecutorIO.from_text(text)
        assert not io.active
        io.set_output_parameter("anything", 1)  # no executor input: nothing to check against
        io.output_artifact("metrics").log_metric("rmse", 0.5)
        assert io.output_artifact("metrics").metadata == {"rmse": 0.5}
        assert io.write() is None
    assert list(tmp_path.iterdir()) == []


def test_without_an_output_file_nothing_is_written() -> None:
    io = ExecutorIO({"inputs": {}, "outputs": {}})
    assert not io.active
    assert io.write() is None


def test_unknown_outputs_are_named(tmp_path: Path) -> None:
    io = ExecutorIO(executor_input(tmp_path))
    with pytest.raises(KeyError, match="no output artifact 'modle'.*metrics, model"):
        io.output_artifact("modle")
    with pytest.raises(KeyError, match="no output parameter 'rsme'.*rmse"):
        io.set_output_parameter("rsme", 1.0)
    with pytest.raises(ValueError, match="cannot be written as JSON"):
        io.set_output_parameter("rmse", float("nan"))


def test_metrics_are_finite_numbers(tmp_path: Path) -> None:
    metrics = ExecutorIO(executor_input(tmp_path)).output_artifact("metrics")
    with pytest.raises(TypeError):
        metrics.log_metric("ok", True)
    with pytest.raises(ValueError):
        metrics.log_metric("inf", float("inf"))


def test_bad_executor_input_says_what_is_wrong() -> None:
    with pytest.raises(ExecutorInputError, match="not JSON"):
        ExecutorIO.from_text("{nope")
    with pytest.raises(ExecutorInputError, match="JSON object"):
        ExecutorIO.from_text("[1]")
    with pytest.raises(ExecutorInputError, match="outputs.artifacts.model lists no artifact"):
        ExecutorIO({"outputs": {"artifacts": {"model": {"artifacts": []}}}})


def test_unresolved_placeholders() -> None:
    assert is_unresolved_placeholder("{{$}}")
    assert is_unresolved_placeholder(" {{$.pipeline_job_name}} ")
    assert not is_unresolved_placeholder("training-pipeline-2024")
    assert not is_unresolved_placeholder(None)
