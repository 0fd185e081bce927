"""The notifier's report and log, without a command line."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from lib import notifier

FAILED = {
    "state": "FAILED",
    "pipeline_job_resource_name": "cross-validation-7",
    "pipeline_task_name": "exit-handler-1",
    "error": {"code": 2, "message": 'task "train-fold" failed: learning_rate | must be > 0'},
}


def test_a_success_is_reported_with_its_run() -> None:
    status = {
        "state": "SUCCEEDED",
        "pipeline_job_resource_name": "cross-validation-7",
        "pipeline_task_name": "exit-handler-1",
        "error": {"code": None, "message": None},
    }
    assert notifier.markdown("cross-validation", status) == (
        "# SUCCEEDED: cross-validation\n\n"
        "| | |\n|---|---|\n"
        "| state | SUCCEEDED |\n"
        "| run | cross-validation-7 |\n"
        "| tasks | exit-handler-1 |\n"
    )


def test_a_failure_carries_its_error_in_one_cell() -> None:
    text = notifier.markdown("cross-validation", FAILED)

    assert text.startswith("# FAILED: cross-validation\n")
    assert '| error | task "train-fold" failed: learning_rate \\| must be > 0 (code 2) |\n' in text


def test_no_status_is_unknown() -> None:
    assert notifier.markdown("m", None).startswith("# UNKNOWN: m\n")


def test_run_writes_the_report_and_logs_a_failure_as_an_error(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO):
        assert notifier.run({}, message="cross-validation", status=FAILED, report=tmp_path / "report") == {}

    assert (tmp_path / "report").read_text() == notifier.markdown("cross-validation", FAILED)
    [record] = caplog.records
    assert record.levelno == logging.ERROR
    assert record.state == "FAILED"
    assert record.error == FAILED["error"]["message"]


def test_run_logs_a_success_as_info(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO):
        notifier.run({}, message="m", status={"state": "SUCCEEDED", "error": {}}, report=tmp_path / "report")

    [record] = caplog.records
    assert record.levelno == logging.INFO


def test_an_error_without_a_code_shows_only_its_message() -> None:
    status = {"state": "FAILED", "error": {"code": None, "message": "task x failed"}}

    assert "| error | task x failed |\n" in notifier.markdown("m", status)
