"""component-runtime: what every nx-kubeflow component uses at run time.

- :func:`load_settings`: the component's layered dynaconf settings (pipeline under component);
- :func:`setup_logging`: one JSON object per log line, with the run's context;
- :mod:`component_runtime.kfp_io`: reading parameters and writing outputs the way KFP expects;
- :class:`ExecutorIO`: KFP's executor input, and the executor output file KFP reads back
  (output artifacts with their metadata, output parameters);
- :func:`add_kfp_arguments` / :func:`run_identity`: the arguments KFP's executor passes;
- :func:`read_task_final_status`: the PipelineTaskFinalStatus KFP gives an exit task, as a dict;
- :mod:`component_runtime.classification_metrics`: a ClassificationMetrics artifact's confusion
  matrix and ROC curve, and a SlicedClassificationMetrics artifact's per slice, in kfp's
  metadata shapes (also methods of :class:`OutputArtifact`);
- :func:`write_markdown` / :func:`write_html`: Markdown and HTML report artifacts.

Every name is imported from its module on first use (PEP 562 ``__getattr__``): each task is
a fresh Python process, and a task that does not write classification metrics or reports
should not pay for loading them. ``from component_runtime import x`` works as before;
type checkers and IDEs read the ``TYPE_CHECKING`` imports below.
"""

from __future__ import annotations

import importlib

# typing.TYPE_CHECKING without importing typing (~2 ms a task): type checkers take any
# name TYPE_CHECKING as true.
TYPE_CHECKING = False

# The submodule executor_io shares its name with the function executor_io (kfp_arguments.py).
# Python sets a submodule as an attribute of its package when the submodule is first imported,
# which would hide the function from a later `from component_runtime import executor_io`. So
# the submodule is imported here, once (everything a component does needs json and pathlib,
# which it imports), and its attribute dropped: the name then always finds the function.
importlib.import_module(".executor_io", __name__)
globals().pop("executor_io", None)

if TYPE_CHECKING:
    from .classification_metrics import (
        log_confusion_matrix,
        log_roc_curve,
        log_roc_data_point,
        log_slice_confusion_matrix,
        log_slice_roc_curve,
    )
    from .executor_io import ExecutorInputError, ExecutorIO, OutputArtifact, is_unresolved_placeholder
    from .json_logging import JsonFormatter, parse_level, setup_logging
    from .kfp_arguments import RunIdentity, add_kfp_arguments, executor_io, run_identity
    from .kfp_io import (
        ensure_parent_dir,
        format_parameter,
        output_artifact_path,
        parameter_parser,
        read_parameter,
        write_output_parameter,
    )
    from .report_artifacts import write_html, write_markdown
    from .settings import PipelineSettingsError, load_settings, resolve_env, settings_files
    from .task_final_status import TASK_FINAL_STATUS_TYPE, read_task_final_status

__version__ = "0.3.0"  # as pyproject.toml says (tests/test_distribution.py checks)

#: Public name -> the submodule that defines it (tests/test_lazy_imports.py checks it
#: against __all__ and the TYPE_CHECKING imports above).
_SOURCES = {
    "log_confusion_matrix": "classification_metrics",
    "log_roc_curve": "classification_metrics",
    "log_roc_data_point": "classification_metrics",
    "log_slice_confusion_matrix": "classification_metrics",
    "log_slice_roc_curve": "classification_metrics",
    "ExecutorInputError": "executor_io",
    "ExecutorIO": "executor_io",
    "OutputArtifact": "executor_io",
    "is_unresolved_placeholder": "executor_io",
    "JsonFormatter": "json_logging",
    "parse_level": "json_logging",
    "setup_logging": "json_logging",
    "RunIdentity": "kfp_arguments",
    "add_kfp_arguments": "kfp_arguments",
    "executor_io": "kfp_arguments",
    "run_identity": "kfp_arguments",
    "ensure_parent_dir": "kfp_io",
    "format_parameter": "kfp_io",
    "output_artifact_path": "kfp_io",
    "parameter_parser": "kfp_io",
    "read_parameter": "kfp_io",
    "write_output_parameter": "kfp_io",
    "write_html": "report_artifacts",
    "write_markdown": "report_artifacts",
    "PipelineSettingsError": "settings",
    "load_settings": "settings",
    "resolve_env": "settings",
    "settings_files": "settings",
    "TASK_FINAL_STATUS_TYPE": "task_final_status",
    "read_task_final_status": "task_final_status",
}

__all__ = [
    "TASK_FINAL_STATUS_TYPE",
    "ExecutorIO",
    "ExecutorInputError",
    "JsonFormatter",
    "OutputArtifact",
    "PipelineSettingsError",
    "RunIdentity",
    "__version__",
    "add_kfp_arguments",
    "ensure_parent_dir",
    "executor_io",
    "format_parameter",
    "is_unresolved_placeholder",
    "load_settings",
    "log_confusion_matrix",
    "log_roc_curve",
    "log_roc_data_point",
    "log_slice_confusion_matrix",
    "log_slice_roc_curve",
    "output_artifact_path",
    "parameter_parser",
    "parse_level",
    "read_parameter",
    "read_task_final_status",
    "resolve_env",
    "run_identity",
    "settings_files",
    "setup_logging",
    "write_html",
    "write_markdown",
    "write_output_parameter",
]


def __getattr__(name: str) -> object:
    """A public name, imported from its submodule on first use and kept as a module global."""
    source = _SOURCES.get(name)
    if source is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{source}", __name__), name)
    globals()[name] = value  # later reads find it without calling __getattr__ again
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
