"""setup_logging: one JSON object per line, with context, levels, exceptions and extras."""

from __future__ import annotations

import io
import json
import logging
import re
import warnings
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from component_runtime import JsonFormatter, parse_level, setup_logging

TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}(Z|\+00:00)$")


def lines_of(stream: io.StringIO) -> list[dict]:
    text = stream.getvalue()
    assert text.endswith("\n")
    return [json.loads(line) for line in text.splitlines()]


def test_one_json_object_per_line_with_all_fields(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NX_KUBEFLOW_PIPELINE", "training")
    monkeypatch.setenv("NX_KUBEFLOW_RUN_ID", "run-123")
    monkeypatch.setenv("NX_KUBEFLOW_TASK", "train")
    stream = io.StringIO()
    before = datetime.now(timezone.utc)
    log = setup_logging("trainer", stream=stream)
    log.info("hello %s", "world")
    logging.getLogger("other.module").warning("careful")
    records = lines_of(stream)
    assert len(records) == 2
    first, second = records
    assert list(first)[:8] == [
        "timestamp",
        "severity",
        "message",
        "logger",
        "component",
        "pipeline",
        "run_id",
        "task",
    ]
    assert first["severity"] == "INFO"
    assert first["message"] == "hello world"
    assert first["logger"] == "trainer"
    assert (first["component"], first["pipeline"], first["run_id"], first["task"]) == (
        "trainer",
        "training",
        "run-123",
        "train",
    )
    assert "exception" not in first
    assert second["severity"] == "WARNING"
    assert second["logger"] == "other.module"
    assert second["component"] == "trainer"
    assert TIMESTAMP.match(first["timestamp"]), first["timestamp"]
    stamp = datetime.fromisoformat(first["timestamp"].replace("Z", "+00:00"))
    assert stamp.utcoffset() == timedelta(0)
    assert before - timedelta(seconds=1) <= stamp <= datetime.now(timezone.utc) + timedelta(seconds=1)


def test_context_is_null_when_absent() -> None:
    stream = io.StringIO()
    log = setup_logging(stream=stream)
    assert log is logging.getLogger()
    log.info("x")
    (record,) = lines_of(stream)
    assert record["component"] is None
    assert record["pipeline"] is None
    assert record["run_id"] is None
    assert record["task"] is None
    assert record["logger"] == "root"


def test_component_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NX_KUBEFLOW_COMPONENT", "data-loader")
    stream = io.StringIO()
    log = setup_logging(stream=stream)
    assert log.name == "data-loader"
    log.info("x")
    assert lines_of(stream)[0]["component"] == "data-loader"
    setup_logging("explicit", stream=stream).info("y")
    assert lines_of(stream)[1]["component"] == "explicit"


def test_exception_is_one_field_on_one_line() -> None:
    stream = io.StringIO()
    log = setup_logging("trainer", stream=stream)
    try:
        raise ValueError("bad\nvalue")
    except ValueError:
        log.exception("failed to train")
    text = stream.getvalue()
    assert text.count("\n") == 1
    (record,) = lines_of(stream)
    assert record["severity"] == "ERROR"
    assert record["message"] == "failed to train"
    assert record["exception"].startswith("Traceback (most recent call last):")
    assert "test_exception_is_one_field_on_one_line" in record["exception"]
    assert record["exception"].endswith("ValueError: bad\nvalue")


def test_multiline_message_stays_on_one_line() -> None:
    stream = io.StringIO()
    setup_logging(stream=stream).info("line one\nline two\u2028three")
    assert stream.getvalue().count("\n") == 1
    assert lines_of(stream)[0]["message"] == "line one\nline two\u2028three"


def test_stack_info_is_a_field() -> None:
    stream = io.StringIO()
    setup_logging(stream=stream).info("where", stack_info=True)
    (record,) = lines_of(stream)
    assert record["stack"].startswith("Stack (most recent call last):")


def test_extra_fields(tmp_path: Path) -> None:
    class Opaque:
        def __str__(self) -> str:
            return "opaque!"

    stream = io.StringIO()
    log = setup_logging("trainer", stream=stream)
    log.info(
        "epoch done",
        extra={
            "epoch": 3,
            "metrics": {"loss": 0.25, "acc": [0.9, 0.95]},
            "path": tmp_path,
            "obj": Opaque(),
            "nan": float("nan"),
            "component": "spoofed",
        },
    )
    (record,) = lines_of(stream)
    assert record["epoch"] == 3
    assert record["metrics"] == {"loss": 0.25, "acc": [0.9, 0.95]}
    assert record["path"] == str(tmp_path)
    assert record["obj"] == "opaque!"
    assert record["nan"] == "nan"
    assert record["component"] == "trainer"
    assert record["extra_component"] == "spoofed"


def test_second_call_does_not_duplicate() -> None:
    first, second = io.StringIO(), io.StringIO()
    setup_logging("a", stream=first)
    setup_logging("b", stream=second)
    ours = [h for h in logging.getLogger().handlers if isinstance(h.formatter, JsonFormatter)]
    assert len(ours) == 1
    logging.getLogger("x").warning("once")
    assert first.getvalue() == ""
    assert [r["message"] for r in lines_of(second)] == ["once"]
    assert lines_of(second)[0]["component"] == "b"


def test_replaces_basic_config_handler() -> None:
    plain = io.StringIO()
    logging.basicConfig(stream=plain, force=True)
    stream = io.StringIO()
    setup_logging(stream=stream).warning("json only")
    assert plain.getvalue() == ""
    assert lines_of(stream)[0]["message"] == "json only"


def test_level_defaults_to_info() -> None:
    stream = io.StringIO()
    log = setup_logging(stream=stream)
    log.debug("hidden")
    log.info("shown")
    assert [r["message"] for r in lines_of(stream)] == ["shown"]
    assert logging.getLogger().level == logging.INFO


@pytest.mark.parametrize("value", ["debug", "DEBUG", "Debug", "10"])
def test_level_from_env(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("LOG_LEVEL", value)
    stream = io.StringIO()
    setup_logging(stream=stream).debug("visible")
    assert [r["severity"] for r in lines_of(stream)] == ["DEBUG"]


def test_level_argument_beats_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOG_LEVEL", "debug")
    stream = io.StringIO()
    log = setup_logging(stream=stream, level="warning")
    log.info("hidden")
    log.error("shown")
    assert [r["severity"] for r in lines_of(stream)] == ["ERROR"]


def test_bad_log_level_env_falls_back_to_info(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOG_LEVEL", "loud")
    stream = io.StringIO()
    setup_logging(stream=stream).debug("hidden")
    (record,) = lines_of(stream)
    assert record["severity"] == "WARNING"
    assert "LOG_LEVEL" in record["message"]
    assert logging.getLogger().level == logging.INFO


def test_bad_level_argument_raises() -> None:
    with pytest.raises(ValueError, match="invalid log level"):
        setup_logging(level="loud", stream=io.StringIO())


def test_parse_level() -> None:
    assert parse_level(None) == logging.INFO
    assert parse_level("warn") == logging.WARNING
    assert parse_level(" error ") == logging.ERROR
    assert parse_level(logging.DEBUG) == logging.DEBUG


def test_warnings_are_captured() -> None:
    stream = io.StringIO()
    setup_logging(stream=stream)
    warnings.simplefilter("always")
    warnings.warn("deprecated thing", DeprecationWarning)
    (record,) = lines_of(stream)
    assert record["logger"] == "py.warnings"
    assert record["severity"] == "WARNING"
    assert "DeprecationWarning: deprecated thing" in record["message"]


def test_bad_format_arguments_still_one_line() -> None:
    # formatted directly: pytest's own capture handler re-raises logging errors
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "%d items", ("many",), None)
    line = JsonFormatter(component="c").format(record)
    assert "\n" not in line
    payload = json.loads(line)
    assert "%d items" in payload["message"]
    assert payload["component"] == "c"
    assert payload["pipeline"] is None
