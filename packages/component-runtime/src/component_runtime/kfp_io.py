"""Helpers for a KFP container component's inputs and outputs.

A container component gets its inputs on the command line (``{inputValue: x}`` is
the value as text, ``{inputPath: x}`` a local path) and writes its outputs to the
paths KFP hands it (``{outputPath: x}``), whose folders may not exist yet.

KFP's launcher passes parameter values as text: strings as they are, numbers in
plain decimal (``3``, ``0.01``), booleans as ``true``/``false``, JSON objects and
arrays as JSON. It reads an output parameter file back by the output's type:
String as it is, Integer with Go's ParseInt, Float with ParseFloat, Boolean with
ParseBool, JsonObject/JsonArray as JSON.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from .task_final_status import TASK_FINAL_STATUS_TYPE, read_task_final_status

# typing for annotations only: importing it costs every task ~2 ms (type checkers take
# any name TYPE_CHECKING as true)
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

__all__ = [
    "PARAMETER_TYPES",
    "ensure_parent_dir",
    "format_parameter",
    "output_artifact_path",
    "parameter_parser",
    "parameter_type",
    "read_parameter",
    "write_output_parameter",
]

#: What the path arguments take (``X | Y`` of types needs no typing import on Python >= 3.10).
PathLike = str | os.PathLike[str]

#: Parameter type names kfp accepts in component.yaml (lower-cased) -> canonical name.
PARAMETER_TYPES = {
    "string": "String",
    "str": "String",
    "text": "String",
    "integer": "Integer",
    "int": "Integer",
    "float": "Float",
    "double": "Float",
    "boolean": "Boolean",
    "bool": "Boolean",
    "jsonobject": "JsonObject",
    "dict": "JsonObject",
    "jsonarray": "JsonArray",
    "list": "JsonArray",
    # the IR's own names
    "number_integer": "Integer",
    "number_double": "Float",
    "struct": "JsonObject",
    # what KFP gives an exit task, by value: a JSON object (task_final_status.py)
    "pipelinetaskfinalstatus": TASK_FINAL_STATUS_TYPE,
    "task_final_status": TASK_FINAL_STATUS_TYPE,
}

_TRUE = {"true", "1"}
_FALSE = {"false", "0"}


def ensure_parent_dir(path: PathLike) -> Path:
    """Makes the folders above ``path`` and returns it as a Path."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    return target


def output_artifact_path(path: PathLike) -> Path:
    """The path KFP gave for an output artifact, with its parent folders made."""
    return ensure_parent_dir(path)


def parameter_type(type_name: str) -> str:
    """The canonical KFP parameter type for ``type_name`` (aliases, any case)."""
    canonical = PARAMETER_TYPES.get(str(type_name).strip().lower())
    if canonical is None:
        raise ValueError(
            f"{type_name!r} is not a KFP parameter type: use String, Integer, Float, Boolean, JsonObject, JsonArray"
            " or PipelineTaskFinalStatus"
        )
    return canonical


def read_parameter(value: str, type_name: str) -> Any:
    """Parses a parameter value passed as text on the command line into its type.

    String -> str as given; Integer -> int; Float -> float; Boolean -> bool from
    ``true``/``false`` (any case) or ``1``/``0``; JsonObject -> dict; JsonArray -> list;
    PipelineTaskFinalStatus -> dict with the proto's field names (:func:`read_task_final_status`).
    Raises ValueError naming the type and the value when the text does not parse.
    """
    kind = parameter_type(type_name)
    if not isinstance(value, str):
        raise ValueError(f"expected the {kind} parameter as text, got {type(value).__name__}")
    if kind == "String":
        return value
    if kind == TASK_FINAL_STATUS_TYPE:
        return read_task_final_status(value)
    text = value.strip()
    if kind == "Integer":
        try:
            return int(text, 10)
        except ValueError:
            raise ValueError(f"invalid Integer parameter value {value!r}: expected a whole number") from None
    if kind == "Float":
        try:
            return float(text)
        except ValueError:
            raise ValueError(f"invalid Float parameter value {value!r}: expected a number") from None
    if kind == "Boolean":
        lowered = text.lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        raise ValueError(f"invalid Boolean parameter value {value!r}: expected true, false, 1 or 0")
    expected = dict if kind == "JsonObject" else list
    try:
        parsed = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"invalid {kind} parameter value {value!r}: not JSON ({exc})") from None
    if not isinstance(parsed, expected):
        raise ValueError(
            f"invalid {kind} parameter value {value!r}: expected a JSON "
            f"{'object' if expected is dict else 'array'}, got {type(parsed).__name__}"
        )
    return parsed


def parameter_parser(type_name: str) -> Callable[[str], Any]:
    """An argparse ``type=`` for a KFP parameter: ``read_parameter`` whose errors
    argparse shows as they are (it hides a plain ValueError's message)."""
    import argparse  # here: reading a parameter without a command line does not need it

    kind = parameter_type(type_name)

    def parse(value: str) -> Any:
        try:
            return read_parameter(value, kind)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    parse.__name__ = kind  # argparse names the type in some messages
    return parse


def format_parameter(value: Any) -> str:
    """The text KFP's launcher reads back for an output parameter value.

    str as it is; bool as ``true``/``false``; int via str(); float via repr();
    dict/list (and tuple) as compact JSON.
    """
    if isinstance(value, str):
        return value
    if isinstance(value, bool):  # before int: bool is an int
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, (dict, list, tuple)):
        try:
            return json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
        except ValueError as exc:  # NaN or infinity inside
            raise ValueError(f"cannot write {value!r} as a JSON parameter: {exc}") from None
    raise TypeError(
        f"cannot write a {type(value).__name__} as a KFP output parameter: use str, int, float, bool, dict or list"
    )


def write_output_parameter(path: PathLike, value: Any) -> Path:
    """Writes ``value`` to the output parameter file at ``path`` (parent folders made)."""
    text = format_parameter(value)
    target = ensure_parent_dir(path)
    target.write_text(text, encoding="utf-8")
    return target
