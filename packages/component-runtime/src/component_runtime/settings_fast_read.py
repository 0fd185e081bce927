"""The top-level settings values dynaconf would give, read without importing dynaconf.

Why: ``import dynaconf`` costs about 35 ms, most of a component task's start-up,
while a task usually reads one or two plain values (``log_level``) from two to
four small TOML files. dynaconf stays the reference (DESIGN.md): this module
reproduces what ``Dynaconf(settings_files=..., environments=True, env=...,
envvar_prefix="DYNACONF", merge_enabled=False, load_dotenv=False)`` stores for
the cases the project supports, and says "not sure" (``None``, or
:data:`ASK_DYNACONF` for one key) for everything else, so the caller asks
dynaconf itself. tests/test_settings_fast_read.py runs real dynaconf over many
layered cases and requires the same answers.

What it reproduces (dynaconf 3.x, ``dynaconf/loaders/__init__.py``
``settings_loader`` and ``loaders/base.py`` ``BaseLoader``):

- the files in order, those that do not exist skipped; then, for each file that
  exists, its ``.local.`` sibling (``settings.local.toml``) when it exists;
- the TOML parser dynaconf itself uses (its vendored tomllib, loaded from its
  folder without importing the dynaconf package);
- in each file the sections ``[default]``, ``[dynaconf]`` (dynaconf's old name
  for default), the current environment, ``[global]``, names case-insensitive;
  keys outside them ignored; top-level keys upper-cased, a later one replacing
  an earlier one.

When it gives up (the whole view): a ``DYNACONF`` variable in the environment
other than a plain ``ENV_FOR_DYNACONF``; an unusual environment name; a file
path with glob characters or ``.local.``; a path that exists but is not a file;
a ``dynaconf_hooks.py`` or env-named file beside a settings file; a file that
does not parse; a top-level ``dynaconf_*`` key in a file; section names that
differ only in case; a key with ``.``, ``[``, ``__`` or surrounding spaces, or
one naming a dynaconf option. Per key, it leaves to dynaconf every table and
array (merging, ``dynaconf_merge``, boxes) and every string that starts with
``@`` (``@format``, ``@jinja``, ``@int``, ``@merge``...).
"""

from __future__ import annotations

import importlib
import importlib.machinery
import importlib.util
import os
import re
import sys

# typing for annotations only: importing it costs every task ~2 ms (type checkers take
# any name TYPE_CHECKING as true)
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

__all__ = ["ASK_DYNACONF", "DYNACONF_OWN_KEYS", "GLOB_CHARACTERS", "fast_settings_view", "toml_parser"]


class _AskDynaconf:
    """The value of a key whose final value this module does not compute."""

    def __repr__(self) -> str:
        return "ASK_DYNACONF"


ASK_DYNACONF: Any = _AskDynaconf()

#: Keys dynaconf's store holds before any file is read (its options, and LOAD_DOTENV from
#: the load_dotenv=False keyword): a file key with one of these names changes dynaconf's
#: behaviour or collides with it, so the view gives up. Besides these, any key containing
#: DYNACONF. tests/test_settings_fast_read.py checks the list against dynaconf's store.
DYNACONF_OWN_KEYS = frozenset({"LOAD_DOTENV", "PROJECT_ROOT", "RENAMED_VARS", "SETTINGS_MODULE"})

# Environment names taken as they are: a letter, then letters, digits, '-' or '_'.
# dynaconf parses ENV_FOR_DYNACONF as TOML (so "true" or "1" would not stay text),
# splits it on commas, and treats default/dynaconf/global as sections of their own.
_PLAIN_ENV = re.compile(r"[A-Za-z][A-Za-z0-9_-]*\Z")
_NOT_PLAIN_ENVS = frozenset({"default", "dynaconf", "global", "true", "false", "inf", "nan"})
#: A path with one of these is a glob to dynaconf.
GLOB_CHARACTERS = re.compile(r"[*?[]")
_TOML_PARSER_NAME = "_component_runtime_dynaconf_tomllib"


def _plain_env(name: str) -> bool:
    return bool(_PLAIN_ENV.match(name)) and name.lower() not in _NOT_PLAIN_ENVS


def _environment_is_plain(env: str) -> bool:
    """No variable dynaconf would read besides a plain ENV_FOR_DYNACONF; env itself plain."""
    if not _plain_env(env):
        return False
    for name, value in os.environ.items():
        if "DYNACONF" not in name.upper():
            continue
        if name != "ENV_FOR_DYNACONF" or not _plain_env(value):
            return False
    return True


def _dynaconf_toml_parser():
    """dynaconf's vendored tomllib parser (what its TOML loader uses), without dynaconf's __init__.

    Only the parser module is run: the vendored package's __init__ would load its writer too.
    """
    parser = sys.modules.get(f"{_TOML_PARSER_NAME}._parser")
    if parser is not None:
        return parser
    spec = importlib.util.find_spec("dynaconf")  # locates the package, does not import it
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = os.path.join(next(iter(spec.submodule_search_locations)), "vendor", "tomllib")
    if not os.path.isfile(os.path.join(folder, "_parser.py")):
        return None
    # The package itself stays an empty module whose __path__ is the folder, so that
    # _parser's relative imports (._re, ._types) resolve there.
    package_spec = importlib.machinery.ModuleSpec(_TOML_PARSER_NAME, None, is_package=True)
    package_spec.submodule_search_locations = [folder]
    sys.modules[_TOML_PARSER_NAME] = importlib.util.module_from_spec(package_spec)
    try:
        return importlib.import_module(f"{_TOML_PARSER_NAME}._parser")
    except Exception:  # noqa: BLE001 - whatever stops it, dynaconf itself reads the files then
        for name in [name for name in sys.modules if name.split(".")[0] == _TOML_PARSER_NAME]:
            sys.modules.pop(name, None)
        return None


def toml_parser():
    """The TOML parser dynaconf reads settings files with (load, loads, TOMLDecodeError); stdlib's if not found."""
    parser = _dynaconf_toml_parser()
    if parser is None:
        import tomllib  # Python >= 3.11 (3.10 finds dynaconf's above)

        parser = tomllib
    return parser


def _local_sibling(path: str) -> str:
    # dynaconf.utils.files.get_local_filename
    name, _, extension = os.path.basename(path).rpartition(os.path.extsep)
    return os.path.join(os.path.dirname(path), f"{name}.local.{extension}")


def _env_named_files(path: str, env: str) -> list[str]:
    # dynaconf.loaders.load_from_env_named_file, for a file that is not .py
    head, _, tail = path.rpartition(".")
    return [f"{head}.{env.lower()}_{tail}", f"{head}.global_{tail}"]


def _existing_files(files: list[str], env: str, texts: Mapping[str, str]) -> list[str] | None:
    """The files dynaconf would read, in its order (layers given as text among them); None when unsure."""
    found: list[str] = []
    for path in files:
        if path in texts:
            continue  # its file will be alone in a fresh private folder: no sibling, no hooks
        if not os.path.isabs(path) or GLOB_CHARACTERS.search(path) or ".local." in path or not path.endswith(".toml"):
            return None
        if not os.path.exists(path):
            continue
        if not os.path.isfile(path):
            return None
        found.append(path)
    # dynaconf reads every main file, in order, before any .local. sibling
    ordered = [path for path in files if path in texts or path in found]
    for path in found:
        local = _local_sibling(path)
        if os.path.exists(local):
            if not os.path.isfile(local):
                return None
            ordered.append(local)
    folders = {os.path.dirname(path) for path in found}
    extra = [os.path.join(folder, "dynaconf_hooks.py") for folder in folders]
    extra += [
        named for path in found + [_local_sibling(path) for path in found] for named in _env_named_files(path, env)
    ]
    if any(os.path.exists(path) for path in extra):
        return None
    return ordered


def _plain_key(key: str) -> bool:
    upper = key.upper()
    return (
        key == key.strip()
        and key != ""
        and "." not in key
        and "[" not in key
        and "__" not in key
        and "DYNACONF" not in upper
        and upper not in DYNACONF_OWN_KEYS
    )


def fast_settings_view(files: list[str], env: str, *, texts: Mapping[str, str] | None = None) -> dict[str, Any] | None:
    """Upper-cased top-level key -> the value dynaconf would hold, or ASK_DYNACONF; None: ask dynaconf for all.

    ``files`` are the absolute paths load_settings gives dynaconf, ``env`` the environment it selects.
    ``texts`` maps an entry of ``files`` to its TOML text: a layer dynaconf will read from a file
    written alone into a fresh private folder (PIPELINE_SETTINGS_TOML), read here from the text.
    """
    texts = texts or {}
    if not _environment_is_plain(env):
        return None
    ordered = _existing_files(files, env, texts)
    if ordered is None:
        return None
    parser = _dynaconf_toml_parser() if ordered else None
    if ordered and parser is None:
        return None
    sections = ["default", "dynaconf", env.lower(), "global"]
    store: dict[str, Any] = {}
    for path in ordered:
        try:
            if path in texts:
                document = parser.loads(texts[path])
            else:
                with open(path, "rb") as handle:
                    document = parser.load(handle)
        except Exception:  # noqa: BLE001 - dynaconf raises (or tries its old toml parser): let it
            return None
        lowered = {name.lower(): value for name, value in document.items()}
        # a top-level dynaconf_merge / dynaconf_dotted_lookup changes how the file loads ([dynaconf] is a section)
        if len(lowered) != len(document) or any(name.startswith("dynaconf") and name != "dynaconf" for name in lowered):
            return None
        for section in sections:
            data = lowered.get(section)
            if not data:
                continue
            if not isinstance(data, dict) or not all(_plain_key(key) for key in data):
                return None
            for key, value in {key.upper(): value for key, value in data.items()}.items():
                plain = not isinstance(value, (dict, list)) and not (isinstance(value, str) and value.startswith("@"))
                store[key] = value if plain else ASK_DYNACONF
    return store
