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
"""

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

__version__ = "0.2.0"  # as pyproject.toml says (tests/test_distribution.py checks)

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
