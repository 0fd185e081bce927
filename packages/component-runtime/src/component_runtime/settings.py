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
import warnings
from pathlib import Path

from .lazy_settings import LayeredSettings
from .settings_fast_read import toml_parser

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


def _pipeline_settings_from_text(text: str) -> Path:
    """Checks ``text`` as TOML and writes it to ``<fresh private dir>/settings.toml``."""
    _tomllib = toml_parser()  # the parser dynaconf reads the file with
    try:
        _tomllib.loads(text)
    except _tomllib.TOMLDecodeError as exc:
        raise PipelineSettingsError(
            f"{ENV_PIPELINE_SETTINGS_TOML} does not hold valid TOML "
            f"(it should be the text of the pipeline's config/settings.toml): {exc}"
        ) from exc

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


def _pipeline_settings_file(pipeline_root: PathLike | None) -> Path | None:
    """The pipeline's settings.toml: argument, NX_KUBEFLOW_PIPELINE_DIR, PIPELINE_SETTINGS_TOML."""
    if pipeline_root is not None:
        return Path(pipeline_root).resolve() / "config" / "settings.toml"
    pipeline_dir = os.environ.get(ENV_PIPELINE_DIR)
    if pipeline_dir:
        return Path(pipeline_dir).resolve() / "config" / "settings.toml"
    text = os.environ.get(ENV_PIPELINE_SETTINGS_TOML)
    if text is not None and text.strip():
        return _pipeline_settings_from_text(text)
    return None


def settings_files(component_root: PathLike, *, pipeline_root: PathLike | None = None) -> list[str]:
    """The absolute paths :func:`load_settings` hands to dynaconf, in order.

    Files that do not exist are listed too (dynaconf skips them). The ``.local.``
    siblings are not listed: dynaconf adds them itself, after all of these, for
    each of these that exists. When the pipeline's settings come from
    PIPELINE_SETTINGS_TOML, the temporary file holding them is written here.
    """
    component_config = Path(component_root).resolve() / "config"
    files: list[Path] = []
    pipeline_file = _pipeline_settings_file(pipeline_root)
    if pipeline_file is not None:
        files.append(pipeline_file)
    files.append(component_config / "settings.toml")
    files.append(component_config / ".secrets.toml")
    return [str(path) for path in files]


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
    files = settings_files(component_root, pipeline_root=pipeline_root)
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
            settings_files=files,
            environments=True,
            env=selected,
            envvar_prefix="DYNACONF",
            merge_enabled=False,
            load_dotenv=False,
            **options,
        )

    # Plain values come from the TOML layers read as dynaconf reads them, without
    # importing it; anything else builds the Dynaconf object above (lazy_settings.py).
    return LayeredSettings(make_dynaconf, files, selected)  # type: ignore[return-value]
