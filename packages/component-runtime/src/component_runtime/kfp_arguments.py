"""The arguments a component takes from KFP itself rather than from its inputs.

component.yaml passes them like this (``nx g component`` writes it so)::

    inputs:
    - {name: pipeline_job_name, type: String, default: '{{$.pipeline_job_name}}'}
    - {name: pipeline_job_uuid, type: String, default: '{{$.pipeline_job_uuid}}'}
    - {name: pipeline_task_name, type: String, default: '{{$.pipeline_task_name}}'}
    ...
    args:
    - --executor-input
    - {executorInput: null}              # kfp compiles it to {{$}}
    - --pipeline-job-name
    - {inputValue: pipeline_job_name}
    - --pipeline-job-uuid
    - {inputValue: pipeline_job_uuid}
    - --pipeline-task-name
    - {inputValue: pipeline_task_name}

``{{$}}`` is the executor input: every executor resolves it (the KFP launcher,
kfp.local, this project's runner). The three ``{{$.pipeline_*}}`` placeholders are
what kfp's ``dsl.PIPELINE_JOB_NAME_PLACEHOLDER``, ``PIPELINE_JOB_ID_PLACEHOLDER`` and
``PIPELINE_TASK_NAME_PLACEHOLDER`` stand for. KFP's driver resolves them only where
a task input's value is exactly the placeholder, never in a container's arguments
nor in an input's default; so they are inputs, and nx-kubeflow's compiler passes
the placeholder to each task explicitly, which gives that task input. kfp.local
and this project's runner resolve them too. Where an executor did not (kfp's own
compile, which writes only the default, run on a KFP server), the text still holds
the placeholder: that counts as "not known" and the identity falls back to the
NX_KUBEFLOW_* variables (see :func:`component_runtime.setup_logging`).
"""

from __future__ import annotations

from ._dataclass_compat import DataclassCompat, dataclass_compat
from .executor_io import ExecutorIO, is_unresolved_placeholder

# argparse and typing for annotations only (the parser is the caller's): importing typing
# costs every task ~2 ms (type checkers take any name TYPE_CHECKING as true)
TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from typing import Any

__all__ = [
    "RunIdentity",
    "add_kfp_arguments",
    "executor_io",
    "run_identity",
]


def add_kfp_arguments(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Adds --executor-input, --pipeline-job-name, --pipeline-job-uuid and --pipeline-task-name (all optional)."""
    group = parser.add_argument_group("KFP", "set by the executor (component.yaml passes them)")
    group.add_argument(
        "--executor-input",
        dest="executor_input",
        default=None,
        help="KFP's executor input JSON ({{$}}); the executor output file is written where it says",
    )
    group.add_argument("--pipeline-job-name", dest="pipeline_job_name", default=None, help="{{$.pipeline_job_name}}")
    group.add_argument("--pipeline-job-uuid", dest="pipeline_job_uuid", default=None, help="{{$.pipeline_job_uuid}}")
    group.add_argument("--pipeline-task-name", dest="pipeline_task_name", default=None, help="{{$.pipeline_task_name}}")
    return parser


@dataclass_compat(frozen=True)
class RunIdentity(DataclassCompat):
    """Which run and task this is, as the executor said; None where it did not.

    A frozen dataclass to the outside (``dataclasses.replace``, ``asdict``...), without
    importing dataclasses on every task's start-up (_dataclass_compat.py).
    """

    run_name: str | None
    run_id: str | None
    task: str | None
    _fields = ("run_name", "run_id", "task")

    def __init__(self, run_name: str | None = None, run_id: str | None = None, task: str | None = None) -> None:
        object.__setattr__(self, "run_name", run_name)
        object.__setattr__(self, "run_id", run_id)
        object.__setattr__(self, "task", task)

    @staticmethod
    def _dataclass_twin() -> type:
        from dataclasses import dataclass

        @dataclass(frozen=True)
        class RunIdentity:
            run_name: str | None = None
            run_id: str | None = None
            task: str | None = None

        return RunIdentity

    def logging_context(self) -> dict[str, str | None]:
        """Keyword arguments for :func:`component_runtime.setup_logging`."""
        return {"run_name": self.run_name, "run_id": self.run_id, "task": self.task}


def _known(value: Any) -> str | None:
    if not isinstance(value, str) or not value.strip() or is_unresolved_placeholder(value):
        return None
    return value


def run_identity(args: argparse.Namespace) -> RunIdentity:
    """The identity in the arguments :func:`add_kfp_arguments` added (unresolved placeholders are None)."""
    return RunIdentity(
        run_name=_known(getattr(args, "pipeline_job_name", None)),
        run_id=_known(getattr(args, "pipeline_job_uuid", None)),
        task=_known(getattr(args, "pipeline_task_name", None)),
    )


def executor_io(args: argparse.Namespace) -> ExecutorIO:
    """The executor input in --executor-input (an empty one when the argument is absent)."""
    return ExecutorIO.from_text(getattr(args, "executor_input", None))
