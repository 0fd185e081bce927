"""component-runtime: what every nx-kubeflow component uses at run time.

- :func:`load_settings`: the component's layered dynaconf settings (pipeline under component);
- :func:`setup_logging`: one JSON object per log line, with the run's context;
- :mod:`component_runtime.kfp_io`: reading parameters and writing outputs the way KFP expects.
"""

from .json_logging import JsonFormatter, parse_level, setup_logging
from .kfp_io import (
    ensure_parent_dir,
    format_parameter,
    output_artifact_path,
    parameter_parser,
    read_parameter,
    write_output_parameter,
)
from .settings import PipelineSettingsError, load_settings, resolve_env, settings_files

__version__ = "0.1.0"

__all__ = [
    "JsonFormatter",
    "PipelineSettingsError",
    "__version__",
    "ensure_parent_dir",
    "format_parameter",
    "load_settings",
    "output_artifact_path",
    "parameter_parser",
    "parse_level",
    "read_parameter",
    "resolve_env",
    "settings_files",
    "setup_logging",
    "write_output_parameter",
]
