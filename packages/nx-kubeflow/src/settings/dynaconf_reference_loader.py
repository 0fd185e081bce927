"""Reference loader for the differential test: real dynaconf loads each case.

Reads a JSON list of cases on stdin:
    [{"id": str, "files": [abs paths of main settings files], "env": str|null,
      "environ": {str: str}}]
and writes a JSON list of results on stdout:
    [{"id": str, "ok": true, "values": {...as_dict()...}}
     | {"id": str, "ok": false, "errorType": str, "error": str,
        "file": str|null, "line": int|null, "column": int|null}]

For an error, ``file`` is the settings file dynaconf was reading when it
raised (from its loader's frame: ``source_file`` while parsing, ``file_name``
while setting values), ``line``/``column`` the position tomllib names in its
message. dynaconf itself does not put the file in the message; the plugin
must, and the differential test holds it to the same file and line.

Dynaconf is constructed exactly as the plugin's TypeScript loader promises to
behave (see load-settings.ts). Each case runs with a process environment that
holds nothing dynaconf would read except the case's own variables, so the
machine running the test cannot leak DYNACONF_* or *_FOR_DYNACONF settings in.

Two adjustments, both about how the case is posed rather than what dynaconf does:
- An explicit env is also exported as ENV_FOR_DYNACONF: dynaconf lets that
  variable win over its `env=` argument, while the plugin's --env wins (and is
  what it passes to components as ENV_FOR_DYNACONF).
- `load_dotenv=False` is not normalised by dynaconf into an internal setting, so
  as_dict() reports LOAD_DOTENV: false. That key is dropped when only the
  constructor set it.
"""

from __future__ import annotations

import datetime
import json
import math
import os
import re
import sys
import warnings

from dynaconf import Dynaconf


def _is_dynaconf_variable(name: str) -> bool:
    upper = name.upper()
    return (
        upper.startswith("DYNACONF")
        or "_FOR_DYNACONF" in upper
        or upper in ("SETTINGS_MODULE", "PROJECT_ROOT")
    )


def _clean_environ(case_environ: dict[str, str]) -> None:
    for name in list(os.environ):
        if _is_dynaconf_variable(name):
            del os.environ[name]
    os.environ.update(case_environ)


def _to_json_safe(value):
    """Plain JSON for what TOML and dynaconf can produce.

    dynaconf's DataDict/DataList are dict/list subclasses, so they walk as
    such. Datetimes and non-finite floats have no JSON form; they are tagged
    so the TypeScript side can tag its own values the same way.
    """
    if isinstance(value, dict):
        return {str(k): _to_json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_to_json_safe(v) for v in value]
    if isinstance(value, bool) or value is None or isinstance(value, (int, str)):
        return value
    if isinstance(value, float):
        if math.isnan(value):
            return {"$float": "nan"}
        if math.isinf(value):
            return {"$float": "inf" if value > 0 else "-inf"}
        return value
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return {"$datetime": value.isoformat()}
    if hasattr(value, "_meta_value"):
        return {"$meta": type(value).__name__}
    return {"$repr": repr(value)}


def _set_only_by_constructor(settings, key: str) -> bool:
    sources = [
        source
        for source, data in settings.loaded_by_loaders.items()
        if key in data
    ]
    return all(
        getattr(source, "identifier", None) == "init_kwargs" for source in sources
    )


_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")


def _file_being_read(error: BaseException) -> str | None:
    """The settings file in the innermost dynaconf loader frame of the traceback."""
    found = None
    traceback = error.__traceback__
    while traceback is not None:
        frame_locals = traceback.tb_frame.f_locals
        for name in ("source_file", "file_name"):
            value = frame_locals.get(name)
            if isinstance(value, str):
                found = value
        traceback = traceback.tb_next
    return found


def _error_result(case_id: str, error: BaseException) -> dict:
    position = _POSITION.search(str(error))
    return {
        "id": case_id,
        "ok": False,
        "errorType": type(error).__name__,
        "error": str(error),
        "file": _file_being_read(error),
        "line": int(position.group(1)) if position else None,
        "column": int(position.group(2)) if position else None,
    }


def _load_case(case: dict) -> dict:
    saved_environ = dict(os.environ)
    try:
        case_environ = dict(case.get("environ") or {})
        if case.get("env") is not None:
            case_environ["ENV_FOR_DYNACONF"] = case["env"]
        _clean_environ(case_environ)
        options = dict(
            settings_files=case["files"],
            environments=True,
            envvar_prefix="DYNACONF",
            merge_enabled=False,
            load_dotenv=False,
        )
        if case.get("env") is not None:
            options["env"] = case["env"]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            settings = Dynaconf(**options)
            values = settings.as_dict()
            if "LOAD_DOTENV" in values and _set_only_by_constructor(
                settings, "LOAD_DOTENV"
            ):
                del values["LOAD_DOTENV"]
        return {"id": case["id"], "ok": True, "values": _to_json_safe(values)}
    except Exception as error:  # noqa: BLE001 - every failure is a result here
        return _error_result(case["id"], error)
    finally:
        os.environ.clear()
        os.environ.update(saved_environ)


def main() -> None:
    cases = json.load(sys.stdin)
    json.dump([_load_case(case) for case in cases], sys.stdout, indent=1)


if __name__ == "__main__":
    main()
