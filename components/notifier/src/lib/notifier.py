"""Reports how the pipeline ended as a Markdown report, as the exit task of an exit handler.

KFP runs an exit handler's exit task once the tasks under the handler have ended, also
when one of them failed, and fills its ``status`` input (PipelineTaskFinalStatus) with
how they ended; component-runtime gives it as a dict with the proto's field names:
``state`` (SUCCEEDED, FAILED or CANCELLED), ``pipeline_job_resource_name`` (the run),
``pipeline_task_name`` (the handler's group, e.g. ``exit-handler-1``) and ``error``
(``{"code", "message"}``, both None on success). The report is a Markdown artifact and
one log record, at INFO when the tasks succeeded and at ERROR otherwise, so a log-based
alert catches the failure. The report itself never fails the run for what it reports.

run.py parses the arguments Kubeflow passes and calls run(); this module does
the work, so it can be tested and reused without a command line.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

#: Where KFP gave no status: the task is not an exit task (or ran outside KFP).
UNKNOWN = "UNKNOWN"


def _cell(text: Any) -> str:
    """A value as one Markdown table cell: no line breaks, no column bars."""
    return str(text).replace("|", "\\|").replace("\r", " ").replace("\n", " ")


def markdown(message: str, status: dict[str, Any] | None) -> str:
    """The report: the outcome as the heading, the message, then the status's fields."""
    status = status or {}
    state = status.get("state") or UNKNOWN
    error = status.get("error") or {}
    rows = [
        ("state", state),
        ("run", status.get("pipeline_job_resource_name") or "-"),
        ("tasks", status.get("pipeline_task_name") or "-"),
    ]
    code = error.get("code")
    if error.get("message") or code is not None:
        rows.append(("error", (error.get("message") or "-") + ("" if code is None else f" (code {code})")))
    table = "".join(f"| {name} | {_cell(value)} |\n" for name, value in rows)
    return f"# {state}: {message}\n\n| | |\n|---|---|\n{table}"


def run(
    settings: Any,
    *,
    message: str,
    status: dict[str, Any] | None,
    report: Path,
) -> dict[str, Any]:
    """Writes the Markdown report and logs it, at ERROR unless the tasks succeeded."""
    text = markdown(message, status)
    report.write_text(text, encoding="utf-8")
    state = (status or {}).get("state") or UNKNOWN
    level = logging.INFO if state == "SUCCEEDED" else logging.ERROR
    # "message" is the log record's own field: the report's message goes under "notice"
    fields = {"state": state, "notice": message}
    if status:
        fields["error"] = (status.get("error") or {}).get("message")
        fields["tasks"] = status.get("pipeline_task_name")
    logger.log(level, "%s: %s\n%s", state, message, text, extra=fields)
    return {}
