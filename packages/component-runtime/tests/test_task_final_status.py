"""PipelineTaskFinalStatus: what KFP's driver and kfp.local pass an exit task, as one dict."""

from __future__ import annotations

import argparse
import json

import pytest
from component_runtime import parameter_parser, read_parameter, read_task_final_status


def test_reads_kfp_drivers_protojson_names() -> None:
    # the backend marshals the proto with protojson: camelCase names, error a google.rpc.Status
    text = json.dumps(
        {
            "state": "FAILED",
            "pipelineJobResourceName": "cross-validation-abc12",
            "pipelineTaskName": "exit-handler-1",
            "error": {"code": 2, "message": "task train failed"},
        }
    )
    assert read_task_final_status(text) == {
        "state": "FAILED",
        "pipeline_job_resource_name": "cross-validation-abc12",
        "pipeline_task_name": "exit-handler-1",
        "error": {"code": 2, "message": "task train failed"},
    }


def test_reads_kfp_locals_snake_case_names_and_an_empty_error() -> None:
    # kfp.local (orchestrator_utils) writes the proto's own field names
    text = json.dumps(
        {"state": "SUCCEEDED", "pipeline_job_resource_name": "local-pipeline-x", "pipeline_task_name": "x", "error": {}}
    )
    assert read_task_final_status(text) == {
        "state": "SUCCEEDED",
        "pipeline_job_resource_name": "local-pipeline-x",
        "pipeline_task_name": "x",
        "error": {"code": None, "message": None},
    }


def test_missing_names_and_error_are_none() -> None:
    assert read_task_final_status('{"state": "CANCELLED"}') == {
        "state": "CANCELLED",
        "pipeline_job_resource_name": None,
        "pipeline_task_name": None,
        "error": {"code": None, "message": None},
    }


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("SUCCEEDED", "not JSON"),
        ("[1]", "expected a JSON object"),
        ('{"pipelineTaskName": "t"}', "expected a text state"),
        ('{"state": ""}', "expected a text state"),
        ('{"state": "FAILED", "error": "boom"}', "error is not a JSON object"),
    ],
)
def test_refuses_what_kfp_never_passes(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        read_task_final_status(text)


def test_read_parameter_and_the_argparse_type_take_it_by_its_component_yaml_name() -> None:
    text = '{"state": "SUCCEEDED", "pipelineTaskName": "exit-handler-1", "error": {}}'
    assert read_parameter(text, "PipelineTaskFinalStatus")["pipeline_task_name"] == "exit-handler-1"
    parser = argparse.ArgumentParser()
    parser.add_argument("--status", type=parameter_parser("PipelineTaskFinalStatus"), default=None)
    assert parser.parse_args([]).status is None  # optional: KFP fills it on exit tasks only
    assert parser.parse_args(["--status", text]).status["state"] == "SUCCEEDED"
    with pytest.raises(SystemExit):
        parser.parse_args(["--status", "{}"])
