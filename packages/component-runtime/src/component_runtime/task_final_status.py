"""The final status KFP gives an exit task: a ``PipelineTaskFinalStatus`` input.

A component input typed ``PipelineTaskFinalStatus`` is filled by KFP, never by the
pipeline: an exit task (or a task with ``ignore_upstream_failure``) gets how the
tasks it waited for ended. It arrives by value (``{inputValue: status}``) as a JSON
object, spelt two ways:

- KFP's driver marshals the proto ``PipelineTaskFinalStatus`` with protojson:
  ``{"state": "FAILED", "pipelineJobResourceName": "...", "pipelineTaskName":
  "exit-handler-1", "error": {"code": 2, "message": "..."}}`` (``error`` is a
  ``google.rpc.Status``, ``{}`` when the tasks succeeded);
- kfp.local writes the proto's own field names: ``pipeline_job_resource_name``,
  ``pipeline_task_name``.

kfp's Python executor reads either (the camelCase names first); so does
:func:`read_task_final_status`, which gives the proto's field names whichever came.
"""

from __future__ import annotations

import json

# typing for annotations only: importing it costs every task ~2 ms (type checkers take
# any name TYPE_CHECKING as true)
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

__all__ = ["TASK_FINAL_STATUS_TYPE", "read_task_final_status"]

#: The component.yaml type name, exactly as kfp recognises it (type_utils.is_task_final_status_type).
TASK_FINAL_STATUS_TYPE = "PipelineTaskFinalStatus"


def _first(value: dict[str, Any], *names: str) -> Any:
    for name in names:
        if value.get(name) is not None:
            return value[name]
    return None


def read_task_final_status(text: str) -> dict[str, Any]:
    """Parses a PipelineTaskFinalStatus as KFP passes it into a dict with the proto's field names.

    Returns ``{"state", "pipeline_job_resource_name", "pipeline_task_name", "error"}``, where
    ``state`` is SUCCEEDED, FAILED or CANCELLED and ``error`` is ``{"code": int | None,
    "message": str | None}`` (both None when the tasks succeeded). Raises ValueError naming
    the value when it is not a JSON object with a text ``state``.
    """
    if not isinstance(text, str):
        raise ValueError(f"expected the {TASK_FINAL_STATUS_TYPE} as JSON text, got {type(text).__name__}")
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"invalid {TASK_FINAL_STATUS_TYPE} value {text!r}: not JSON ({exc})") from None
    if not isinstance(value, dict):
        raise ValueError(f"invalid {TASK_FINAL_STATUS_TYPE} value {text!r}: expected a JSON object")
    state = value.get("state")
    if not isinstance(state, str) or not state:
        raise ValueError(
            f"invalid {TASK_FINAL_STATUS_TYPE} value {text!r}: expected a text state (SUCCEEDED, FAILED or CANCELLED)"
        )
    error = value.get("error")
    if error is None:
        error = {}
    if not isinstance(error, dict):
        raise ValueError(f"invalid {TASK_FINAL_STATUS_TYPE} value {text!r}: error is not a JSON object")
    return {
        "state": state,
        "pipeline_job_resource_name": _first(value, "pipelineJobResourceName", "pipeline_job_resource_name"),
        "pipeline_task_name": _first(value, "pipelineTaskName", "pipeline_task_name"),
        "error": {"code": error.get("code"), "message": error.get("message")},
    }
