"""Layered settings for a component, with dynaconf's semantics.

Plain top-level values are read without importing dynaconf (settings_fast_read.py,
lazy_settings.py); everything else is dynaconf itself.

Files, in the order dynaconf is given them (later wins per top-level key):

1. the pipeline's ``settings.toml``, when the component runs inside a pipeline
   (``pipeline_root`` argument, else ``NX_KUBEFLOW_PIPELINE_DIR``, else the
   text in ``PIPELINE_SETTINGS_TOML`` written to a private temporary file);
2. ``<component_root>/config/settings.toml``;
3. ``<component_root>/config/.secrets.toml``.

dynaconf then loads the ``.local.`` sibling of each of those that exists
(``settings.local.toml``, ``.secrets.local.toml``), after all the main files and
in the same order, and finally the ``DYNACONF_*`` environment variables.
"""

from __future__ import annotations

import atexit
import os
import sys
import warnings
from pathlib import Path

from .lazy_settings import LayeredSettings
from .settings_fast_read import GLOB_CHARACTERS, toml_parser

# dynaconf is imported where settings are read that the fast path leaves to it
# (lazy_settings.py): importing it costs ~35 ms of every task's start-up. typing is for
# annotations only, ~2 ms (type checkers take any name TYPE_CHECKING as true).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from dynaconf import Dynaconf

__all__ = [
    "DEFAULT_ENV",
    "ENV_PIPELINE_DIR",
    "ENV_PIPELINE_SETTINGS_TOML",
    "PipelineSettingsError",
    "load_settings",
    "resolve_env",
    "settings_files",
]

#: What the path arguments take (``X | Y`` of types needs no typing import on Python >= 3.10).
PathLike = str | os.PathLike[str]

#: Environment used when neither the ``env`` argument nor ENV_FOR_DYNACONF is given.
DEFAULT_ENV = "development"
#: Folder of the pipeline project whose ``config/settings.toml`` lies under the component's.
ENV_PIPELINE_DIR = "NX_KUBEFLOW_PIPELINE_DIR"
#: Text of the pipeline's ``config/settings.toml``, as the compiler passes it to a task on Kubeflow.
ENV_PIPELINE_SETTINGS_TOML = "PIPELINE_SETTINGS_TOML"

# dynaconf's own variables that replace the files list given to it.
_DYNACONF_FILE_OVERRIDES = ("SETTINGS_FILE_FOR_DYNACONF", "SETTINGS_FILES_FOR_DYNACONF")

# Where the fast view finds PIPELINE_SETTINGS_TOML's text in load_settings' layers (not a path).
PIPELINE_TEXT_LAYER = f"<{ENV_PIPELINE_SETTINGS_TOML}>"

# Temporary folders holding PIPELINE_SETTINGS_TOML, keyed by the text they hold.
# They live until the process exits: dynaconf reads files lazily and again on reload().
_pipeline_text_dirs: dict[str, Path] = {}


class PipelineSettingsError(ValueError):
    """The pipeline settings handed to the component cannot be used."""


def resolve_env(env: str | None = None) -> str:
    """The dynaconf environment: ``env``, else ENV_FOR_DYNACONF, else ``development``."""
    if env:
        return env
    return os.environ.get("ENV_FOR_DYNACONF") or DEFAULT_ENV


def _cleanup_pipeline_text_dirs() -> None:
    if not _pipeline_text_dirs:
        return
    import shutil  # here: a task without PIPELINE_SETTINGS_TOML does not pay for it

    for folder in _pipeline_text_dirs.values():
        shutil.rmtree(folder, ignore_errors=True)
    _pipeline_text_dirs.clear()


atexit.register(_cleanup_pipeline_text_dirs)


def _check_pipeline_text(text: str) -> str:
    """``text`` when it is TOML; PipelineSettingsError naming the variable when not."""
    _tomllib = toml_parser()  # the parser dynaconf reads the file with
    try:
        _tomllib.loads(text)
    except _tomllib.TOMLDecodeError as exc:
        raise PipelineSettingsError(
            f"{ENV_PIPELINE_SETTINGS_TOML} does not hold valid TOML "
            f"(it should be the text of the pipeline's config/settings.toml): {exc}"
        ) from exc
    return text


def _pipeline_settings_from_text(text: str) -> Path:
    """Writes ``text`` (checked already) to ``<fresh private dir>/settings.toml``, once per text."""
    folder = _pipeline_text_dirs.get(text)
    if folder is not None and (folder / "settings.toml").is_file():
        return folder / "settings.toml"

    import tempfile  # here: only a task given PIPELINE_SETTINGS_TOML pays for it

    folder = Path(tempfile.mkdtemp(prefix="component-runtime-pipeline-"))  # mode 0700
    path = folder / "settings.toml"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    _pipeline_text_dirs[text] = folder
    return path


def _pipeline_settings(pipeline_root: PathLike | None) -> Path | str | None:
    """The pipeline's settings.toml (argument, NX_KUBEFLOW_PIPELINE_DIR), else PIPELINE_SETTINGS_TOML's text."""
    if pipeline_root is not None:
        return Path(pipeline_root).resolve() / "config" / "settings.toml"
    pipeline_dir = os.environ.get(ENV_PIPELINE_DIR)
    if pipeline_dir:
        return Path(pipeline_dir).resolve() / "config" / "settings.toml"
    text = os.environ.get(ENV_PIPELINE_SETTINGS_TOML)
    if text is not None and text.strip():
        return _check_pipeline_text(text)
    return None


def _component_files(component_root: PathLike) -> list[str]:
    component_config = Path(component_root).resolve() / "config"
    return [str(component_config / "settings.toml"), str(component_config / ".secrets.toml")]


def _temporary_folder_is_plain() -> bool:
    """Whether the folder tempfile.mkdtemp would write under holds nothing the fast view checks a path for.

    tempfile picks TMPDIR, TEMP or TMP, else /tmp, /var/tmp or /usr/tmp, else the working
    directory (or what a program set tempfile.tempdir to). A glob character or ``.local.``
    in the file's path makes the fast view leave it to dynaconf, so such a folder gets the
    file written first, as before.
    """
    tempfile = sys.modules.get("tempfile")  # imported already: its choice may be made
    candidates = [os.environ.get(name) or "" for name in ("TMPDIR", "TEMP", "TMP")]
    candidates += [os.getcwd(), str(getattr(tempfile, "tempdir", None) or "")]
    return not any(GLOB_CHARACTERS.search(folder) or ".local." in folder for folder in candidates)


def settings_files(component_root: PathLike, *, pipeline_root: PathLike | None = None) -> list[str]:
    """The absolute paths :func:`load_settings` hands to dynaconf, in order.

    Files that do not exist are listed too (dynaconf skips them). The ``.local.``
    siblings are not listed: dynaconf adds them itself, after all of these, for
    each of these that exists. When the pipeline's settings come from
    PIPELINE_SETTINGS_TOML, the temporary file holding them is written here.
    """
    pipeline = _pipeline_settings(pipeline_root)
    if isinstance(pipeline, str):
        pipeline = _pipeline_settings_from_text(pipeline)
    return ([str(pipeline)] if pipeline is not None else []) + _component_files(component_root)


def load_settings(
    component_root: PathLike,
    *,
    pipeline_root: PathLike | None = None,
    env: str | None = None,
) -> Dynaconf:
    """The component's settings, layered as nx-kubeflow documents, read by dynaconf.

    ``env`` selects the environment section (``[testing]``, ``[production]``...);
    without it ENV_FOR_DYNACONF, else ``development``. An explicit ``env`` wins
    over ENV_FOR_DYNACONF (dynaconf alone would let the variable win).

    Raises :class:`PipelineSettingsError` when PIPELINE_SETTINGS_TOML is not valid TOML.
    The component's own files are read lazily, on first access. The object returned
    answers as the Dynaconf object would (and passes ``isinstance(..., Dynaconf)``);
    dynaconf itself is imported only for what the fast path leaves to it.
    """
    pipeline = _pipeline_settings(pipeline_root)
    component_files = _component_files(component_root)
    texts: dict[str, str] = {}
    if isinstance(pipeline, str) and _temporary_folder_is_plain():
        # PIPELINE_SETTINGS_TOML: the fast view reads the text itself, and its temporary file
        # is written only when dynaconf is built (tempfile costs a task ~3 ms to import).
        texts[PIPELINE_TEXT_LAYER] = pipeline
        files = [PIPELINE_TEXT_LAYER, *component_files]
    else:
        if isinstance(pipeline, str):
            pipeline = _pipeline_settings_from_text(pipeline)
        files = ([str(pipeline)] if pipeline is not None else []) + component_files
    for name in _DYNACONF_FILE_OVERRIDES:
        if os.environ.get(name):
            warnings.warn(
                f"{name} is set: dynaconf loads the files it names instead of the component's layered settings files",
                RuntimeWarning,
                stacklevel=2,
            )
    options = {}
    if env:
        # dynaconf reads ENV_FOR_DYNACONF after its keyword arguments, so env= alone
        # would lose to the variable; force_env is what dynaconf's from_env() uses.
        options["force_env"] = env
    selected = resolve_env(env)

    def make_dynaconf() -> Dynaconf:
        from dynaconf import Dynaconf

        return Dynaconf(
            # the same list settings_files() gives: the text's file, written now when it was deferred
            settings_files=[
                str(_pipeline_settings_from_text(texts[path])) if path in texts else path for path in files
            ],
            environments=True,
            env=selected,
            envvar_prefix="DYNACONF",
            merge_enabled=False,
            load_dotenv=False,
            **options,
        )

    # Plain values come from the TOML layers read as dynaconf reads them, without
    # importing it; anything else builds the Dynaconf object above (lazy_settings.py).
    return LayeredSettings(make_dynaconf, files, selected, texts)  # type: ignore[return-value]
