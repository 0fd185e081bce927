"""KFP container IO helpers."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from component_runtime import (
    ensure_parent_dir,
    format_parameter,
    output_artifact_path,
    read_parameter,
    write_output_parameter,
)
from component_runtime.kfp_io import parameter_type

# --- paths --------------------------------------------------------------------------------


def test_ensure_parent_dir_makes_folders(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "c" / "out.txt"
    result = ensure_parent_dir(str(target))
    assert isinstance(result, Path)
    assert result == target
    assert target.parent.is_dir()
    assert not target.exists()
    assert ensure_parent_dir(target) == target  # again: no error


def test_output_artifact_path(tmp_path: Path) -> None:
    target = tmp_path / "outputs" / "model" / "data"
    result = output_artifact_path(str(target))
    assert result == target
    assert target.parent.is_dir()
    result.write_bytes(b"weights")
    assert target.read_bytes() == b"weights"


# --- writing output parameters --------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("plain text", "plain text"),
        ("", ""),
        ("  spaced\n", "  spaced\n"),
        (True, "true"),
        (False, "false"),
        (0, "0"),
        (42, "42"),
        (-7, "-7"),
        (10**20, "100000000000000000000"),
        (0.1, "0.1"),
        (0.9123, "0.9123"),
        (1e-7, "1e-07"),
        (3.0, "3.0"),
        ({"a": 1, "b": [True, None]}, '{"a":1,"b":[true,null]}'),
        ([1, "two", 3.5], '[1,"two",3.5]'),
        ((1, 2), "[1,2]"),
        ({"name": "é"}, '{"name":"é"}'),
    ],
)
def test_write_output_parameter(tmp_path: Path, value, text: str) -> None:
    path = tmp_path / "outputs" / "deep" / "value"
    returned = write_output_parameter(str(path), value)
    assert returned == path
    assert path.read_text(encoding="utf-8") == text
    assert format_parameter(value) == text


def test_written_values_read_back(tmp_path: Path) -> None:
    cases = [
        ("String", "hello"),
        ("Integer", 12),
        ("Float", 0.125),
        ("Boolean", False),
        ("JsonObject", {"k": [1, 2]}),
        ("JsonArray", [{"a": 1}]),
    ]
    for index, (type_name, value) in enumerate(cases):
        path = write_output_parameter(tmp_path / f"p{index}", value)
        assert read_parameter(path.read_text(encoding="utf-8"), type_name) == value


def test_write_output_parameter_overwrites(tmp_path: Path) -> None:
    path = tmp_path / "acc"
    write_output_parameter(path, "a much longer first value")
    write_output_parameter(path, 0.5)
    assert path.read_text(encoding="utf-8") == "0.5"


def test_write_rejects_unsupported_types(tmp_path: Path) -> None:
    with pytest.raises(TypeError, match="NoneType"):
        write_output_parameter(tmp_path / "x", None)
    with pytest.raises(TypeError, match="set"):
        write_output_parameter(tmp_path / "x", {1, 2})
    with pytest.raises(ValueError, match="JSON"):
        write_output_parameter(tmp_path / "x", {"loss": float("nan")})
    assert not (tmp_path / "x").exists()


# --- reading input parameters ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "type_name", "expected"),
    [
        ("hello world", "String", "hello world"),
        (" keep spaces ", "String", " keep spaces "),
        ("", "String", ""),
        ("42", "Integer", 42),
        (" -3 ", "Integer", -3),
        ("0.01", "Float", 0.01),
        ("3", "Float", 3.0),
        ("1e-07", "Float", 1e-07),
        ("true", "Boolean", True),
        ("TRUE", "Boolean", True),
        ("True", "Boolean", True),
        ("1", "Boolean", True),
        ("false", "Boolean", False),
        ("False", "Boolean", False),
        ("0", "Boolean", False),
        ('{"a": {"b": [1, 2]}}', "JsonObject", {"a": {"b": [1, 2]}}),
        ("{}", "JsonObject", {}),
        ('[1, "x", null]', "JsonArray", [1, "x", None]),
        ("[]", "JsonArray", []),
        # kfp's aliases, any case
        ("7", "int", 7),
        ("2.5", "Double", 2.5),
        ("yes", "str", "yes"),
        ("text", "Text", "text"),
        ("false", "bool", False),
        ('{"k": 1}', "Dict", {"k": 1}),
        ("[1]", "List", [1]),
        ("5", "NUMBER_INTEGER", 5),
    ],
)
def test_read_parameter(text: str, type_name: str, expected) -> None:
    value = read_parameter(text, type_name)
    assert value == expected
    assert type(value) is type(expected)


def test_read_float_special_values() -> None:
    assert math.isnan(read_parameter("nan", "Float"))
    assert read_parameter("-inf", "Float") == float("-inf")


@pytest.mark.parametrize(
    ("text", "type_name", "message"),
    [
        ("1.5", "Integer", "invalid Integer parameter value '1.5'"),
        ("", "Integer", "invalid Integer"),
        ("ten", "Float", "invalid Float parameter value 'ten'"),
        ("yes", "Boolean", "expected true, false, 1 or 0"),
        ("2", "Boolean", "invalid Boolean"),
        ("", "Boolean", "invalid Boolean"),
        ("{not json", "JsonObject", "invalid JsonObject parameter value '{not json': not JSON"),
        ("[1, 2]", "JsonObject", "expected a JSON object, got list"),
        ('{"a": 1}', "JsonArray", "expected a JSON array, got dict"),
        ("1", "Dataset", "'Dataset' is not a KFP parameter type"),
    ],
)
def test_read_parameter_errors(text: str, type_name: str, message: str) -> None:
    with pytest.raises(ValueError) as caught:
        read_parameter(text, type_name)
    assert message in str(caught.value)


def test_read_parameter_requires_text() -> None:
    with pytest.raises(ValueError, match="as text"):
        read_parameter(3, "Integer")  # type: ignore[arg-type]


def test_parameter_type_names() -> None:
    assert parameter_type("jsonarray") == "JsonArray"
    assert parameter_type(" Boolean ") == "Boolean"
    with pytest.raises(ValueError):
        parameter_type("Model")


def test_json_output_is_compact_and_valid(tmp_path: Path) -> None:
    path = write_output_parameter(tmp_path / "metrics", {"a": [1, 2], "b": {"c": "d"}})
    text = path.read_text(encoding="utf-8")
    assert " " not in text
    assert json.loads(text) == {"a": [1, 2], "b": {"c": "d"}}


def test_parameter_parser_gives_argparse_the_reason() -> None:
    import argparse

    from component_runtime import parameter_parser

    parser = argparse.ArgumentParser(prog="demo", exit_on_error=False)
    parser.add_argument("--rows", type=parameter_parser("int"))
    assert parser.parse_args(["--rows", "12"]).rows == 12
    with pytest.raises(argparse.ArgumentError, match="invalid Integer parameter value 'many'"):
        parser.parse_args(["--rows", "many"])
