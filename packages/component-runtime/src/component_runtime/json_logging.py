"""JSON logging: one JSON object per line, with the run's context on every record.

Named ``json_logging`` so that it never shadows the standard library's ``logging``.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from datetime import datetime, timezone

from .executor_io import is_unresolved_placeholder

# typing for annotations only: importing it costs every task ~2 ms (type checkers take
# any name TYPE_CHECKING as true)
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import IO, Any

__all__ = [
    "CONTEXT_ENV_VARS",
    "JsonFormatter",
    "parse_level",
    "setup_logging",
]

#: Context field -> the environment variable it is read from.
CONTEXT_ENV_VARS = {
    "component": "NX_KUBEFLOW_COMPONENT",
    "pipeline": "NX_KUBEFLOW_PIPELINE",
    "run_id": "NX_KUBEFLOW_RUN_ID",
    "task": "NX_KUBEFLOW_TASK",
    "run_name": "NX_KUBEFLOW_RUN_NAME",
}

_CORE_FIELDS = (
    "timestamp",
    "severity",
    "message",
    "logger",
    "component",
    "pipeline",
    "run_id",
    "task",
    "run_name",
    "exception",
    "stack",
)

# Attributes every LogRecord has; anything else on a record came from `extra=`.
_RECORD_ATTRIBUTES = frozenset(vars(logging.LogRecord("", logging.INFO, "", 0, "", None, None)).keys()) | {
    "message",
    "asctime",
    "taskName",
}

_LEVELS = {
    "CRITICAL": logging.CRITICAL,
    "FATAL": logging.FATAL,
    "ERROR": logging.ERROR,
    "WARNING": logging.WARNING,
    "WARN": logging.WARNING,
    "INFO": logging.INFO,
    "DEBUG": logging.DEBUG,
    "NOTSET": logging.NOTSET,
}

# Marks the handlers setup_logging installed, so a second call replaces them.
_HANDLER_MARK = "_component_runtime_json_handler"


def _utc_timestamp(created: float) -> str:
    moment = datetime.fromtimestamp(created, tz=timezone.utc)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _json_value(value: Any) -> Any:
    """The value itself when JSON can hold it, else its str()."""
    try:
        json.dumps(value, allow_nan=False)
    except (TypeError, ValueError, OverflowError, RecursionError):
        return str(value)
    return value


class JsonFormatter(logging.Formatter):
    """Formats a record as one line of JSON.

    Fields: timestamp, severity, message, logger, component, pipeline, run_id, task,
    run_name, then ``exception`` (the formatted traceback, one string) and ``stack`` when the
    record carries them, then the record's ``extra=`` fields. An extra field named
    like one of those is written as ``extra_<name>`` rather than replacing it.
    """

    def __init__(
        self,
        *,
        component: str | None = None,
        pipeline: str | None = None,
        run_id: str | None = None,
        task: str | None = None,
        run_name: str | None = None,
    ) -> None:
        super().__init__()
        self.context = {
            "component": component,
            "pipeline": pipeline,
            "run_id": run_id,
            "task": task,
            "run_name": run_name,
        }

    def format(self, record: logging.LogRecord) -> str:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - bad %-arguments (any error they raise) must not break the one-line contract
            message = f"{record.msg!r} % {record.args!r}"
        payload: dict[str, Any] = {
            "timestamp": _utc_timestamp(record.created),
            "severity": record.levelname,
            "message": message,
            "logger": record.name,
            **self.context,
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            payload["exception"] = record.exc_text
        if record.stack_info:
            payload["stack"] = self.formatStack(record.stack_info)
        for key, value in vars(record).items():
            if key in _RECORD_ATTRIBUTES or key.startswith("_"):
                continue
            name = f"extra_{key}" if key in _CORE_FIELDS else key
            payload[name] = _json_value(value)
        # ensure_ascii: writable in any stream encoding, and no U+2028/U+2029 that
        # some readers (str.splitlines among them) take for line breaks
        return json.dumps(payload, ensure_ascii=True, default=str)


def parse_level(level: int | str | None) -> int:
    """A logging level from an int or a name (case-insensitive, e.g. ``debug``) or digits."""
    if level is None:
        return logging.INFO
    if isinstance(level, bool):
        raise ValueError(f"invalid log level: {level!r}")
    if isinstance(level, int):
        return level
    text = str(level).strip()
    if text.isdigit():
        return int(text)
    name = text.upper()
    if name in _LEVELS:
        return _LEVELS[name]
    custom = logging.getLevelName(name)  # a level registered with logging.addLevelName
    if isinstance(custom, int):
        return custom
    raise ValueError(f"invalid log level {level!r}: use one of DEBUG, INFO, WARNING, ERROR, CRITICAL")


def _known(value: str | None) -> str | None:
    """The value, unless it is empty or a KFP placeholder its executor left unresolved."""
    if value is None or not value.strip() or is_unresolved_placeholder(value):
        return None
    return value


def setup_logging(
    component: str | None = None,
    *,
    level: int | str | None = None,
    stream: IO[str] | None = None,
    pipeline: str | None = None,
    run_id: str | None = None,
    task: str | None = None,
    run_name: str | None = None,
) -> logging.Logger:
    """Configures the root logger to write one JSON object per line to ``stream``.

    ``component`` defaults to NX_KUBEFLOW_COMPONENT. ``pipeline``, ``run_id``, ``task``
    and ``run_name`` are the run's identity as the executor gave it (see
    :func:`component_runtime.run_identity`); each one not given, empty or still an
    unresolved ``{{$.…}}`` placeholder comes from NX_KUBEFLOW_PIPELINE,
    NX_KUBEFLOW_RUN_ID, NX_KUBEFLOW_TASK, NX_KUBEFLOW_RUN_NAME (null when unset).
    ``level`` defaults to LOG_LEVEL (case-insensitive), else INFO. ``stream`` defaults
    to sys.stderr. Calling it again replaces the handler it installed before (and
    any plain StreamHandler such as logging.basicConfig's), so no line is written
    twice. Python warnings are routed into logging (logger ``py.warnings``).

    Returns the component's logger (the root logger when no component is known).
    """
    component = component or os.environ.get(CONTEXT_ENV_VARS["component"]) or None
    given = {"pipeline": pipeline, "run_id": run_id, "task": task, "run_name": run_name}
    context = {
        field: _known(given[field]) or os.environ.get(variable) or None
        for field, variable in CONTEXT_ENV_VARS.items()
        if field != "component"
    }

    bad_env_level = None
    if level is not None:
        resolved_level = parse_level(level)
    else:
        env_level = os.environ.get("LOG_LEVEL")
        try:
            resolved_level = parse_level(env_level or None)
        except ValueError:
            resolved_level, bad_env_level = logging.INFO, env_level

    handler = logging.StreamHandler(stream if stream is not None else sys.stderr)
    handler.setFormatter(JsonFormatter(component=component, **context))
    setattr(handler, _HANDLER_MARK, True)

    root = logging.getLogger()
    for existing in list(root.handlers):
        # ours from an earlier call, or basicConfig's plain text handler; subclasses
        # (FileHandler, pytest's capture handlers...) are left alone
        if getattr(existing, _HANDLER_MARK, False) or type(existing) is logging.StreamHandler:
            root.removeHandler(existing)
            if getattr(existing, _HANDLER_MARK, False):
                existing.close()
    root.addHandler(handler)
    root.setLevel(resolved_level)
    logging.captureWarnings(True)

    logger = logging.getLogger(component) if component else root
    if bad_env_level is not None:
        logger.warning("LOG_LEVEL=%r is not a log level; using INFO", bad_env_level)
    return logger
