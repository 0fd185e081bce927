"""load_settings against real dynaconf, on files written under tmp_path."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from component_runtime import PipelineSettingsError, load_settings, settings_files
from dynaconf import Dynaconf


def user_keys(settings: Dynaconf) -> dict:
    """The settings as a dict, without the LOAD_DOTENV key dynaconf adds from load_dotenv=False."""
    data = settings.as_dict()
    data.pop("LOAD_DOTENV", None)
    return data


# --- which files, in which order -------------------------------------------------------


def test_settings_files_without_pipeline(component: Path) -> None:
    assert settings_files(component) == [
        str(component.resolve() / "config" / "settings.toml"),
        str(component.resolve() / "config" / ".secrets.toml"),
    ]


def test_settings_files_with_pipeline_root_first(component: Path, pipeline: Path) -> None:
    files = settings_files(component, pipeline_root=pipeline)
    assert files == [
        str(pipeline.resolve() / "config" / "settings.toml"),
        str(component.resolve() / "config" / "settings.toml"),
        str(component.resolve() / "config" / ".secrets.toml"),
    ]
    assert all(os.path.isabs(path) for path in files)


def test_relative_component_root_is_made_absolute(component: Path, write, monkeypatch: pytest.MonkeyPatch) -> None:
    write(component / "config" / "settings.toml", '[default]\nname = "trainer"\n')
    monkeypatch.chdir(component.parent)
    settings = load_settings("trainer")
    monkeypatch.chdir("/")  # dynaconf reads lazily: the paths must not depend on the cwd
    assert settings.NAME == "trainer"


def test_pipeline_under_component_and_tables_replaced(component: Path, pipeline: Path, write) -> None:
    write(
        pipeline / "config" / "settings.toml",
        """
[default]
shared = "pipeline"
only_pipeline = "pipeline"
[default.kfp]
host = "http://kfp.example"
namespace = "team-a"
""",
    )
    write(
        component / "config" / "settings.toml",
        """
[default]
shared = "component"
only_component = 1
[default.kfp]
namespace = "team-b"
""",
    )
    settings = load_settings(component, pipeline_root=pipeline)
    assert settings.SHARED == "component"
    assert settings.ONLY_PIPELINE == "pipeline"
    assert settings.ONLY_COMPONENT == 1
    # a nested table from a later file replaces the earlier one (merge_enabled=False)
    assert dict(settings.KFP) == {"namespace": "team-b"}


def test_local_files_load_after_all_main_files(component: Path, pipeline: Path, write) -> None:
    """dynaconf's order: every main file, then the .local. sibling of each, same order."""
    order = [
        ("pipeline-main", pipeline / "config" / "settings.toml"),
        ("component-main", component / "config" / "settings.toml"),
        ("component-secrets", component / "config" / ".secrets.toml"),
        ("pipeline-local", pipeline / "config" / "settings.local.toml"),
        ("component-local", component / "config" / "settings.local.toml"),
        ("component-secrets-local", component / "config" / ".secrets.local.toml"),
    ]
    # file i sets k_i..k_5: k_j then holds the name of file j only if the order is exactly this
    for i, (name, path) in enumerate(order):
        lines = [f'k{j} = "{name}"' for j in range(i, len(order))]
        write(path, "[default]\n" + "\n".join(lines) + "\n")
    settings = load_settings(component, pipeline_root=pipeline)
    assert [settings.get(f"k{j}") for j in range(len(order))] == [name for name, _ in order]
    # the pipeline's local file beats the component's main file
    assert settings.K3 == "pipeline-local"


def test_local_sibling_ignored_when_main_file_missing(component: Path, write) -> None:
    """dynaconf looks for settings.local.toml only beside a settings.toml that exists."""
    write(component / "config" / "settings.local.toml", "[default]\nlocal_only = true\n")
    settings = load_settings(component)
    assert settings.get("local_only") is None
    write(component / "config" / "settings.toml", "[default]\n")
    assert load_settings(component).get("local_only") is True


def test_secrets_file_over_settings(component: Path, write) -> None:
    write(component / "config" / "settings.toml", '[default]\npassword = "placeholder"\n')
    write(component / "config" / ".secrets.toml", '[default]\npassword = "s3cret"\n')
    assert load_settings(component).PASSWORD == "s3cret"


def test_missing_files_are_fine(component: Path, tmp_path: Path) -> None:
    settings = load_settings(component, pipeline_root=tmp_path / "no-such-pipeline")
    assert user_keys(settings) == {}


def test_invalid_component_toml_raises_on_access(component: Path, write) -> None:
    write(component / "config" / "settings.toml", "[default\nbroken =\n")
    settings = load_settings(component)  # dynaconf is lazy
    with pytest.raises(ValueError):
        settings.get("anything")


# --- environments ----------------------------------------------------------------------

ENV_FILE = """
[default]
level = "default"
from_default = true
[development]
level = "development"
[testing]
level = "testing"
[production]
level = "production"
"""


def test_default_environment_is_development(component: Path, write) -> None:
    write(component / "config" / "settings.toml", ENV_FILE)
    settings = load_settings(component)
    assert settings.current_env.lower() == "development"
    assert settings.LEVEL == "development"
    assert settings.FROM_DEFAULT is True


@pytest.mark.parametrize("env", ["testing", "production", "development"])
def test_env_argument_selects_section(component: Path, write, env: str) -> None:
    write(component / "config" / "settings.toml", ENV_FILE)
    settings = load_settings(component, env=env)
    assert settings.LEVEL == env
    assert settings.FROM_DEFAULT is True


def test_env_from_env_for_dynaconf(component: Path, write, monkeypatch: pytest.MonkeyPatch) -> None:
    write(component / "config" / "settings.toml", ENV_FILE)
    monkeypatch.setenv("ENV_FOR_DYNACONF", "production")
    assert load_settings(component).LEVEL == "production"


def test_env_argument_beats_env_for_dynaconf(component: Path, write, monkeypatch: pytest.MonkeyPatch) -> None:
    write(component / "config" / "settings.toml", ENV_FILE)
    monkeypatch.setenv("ENV_FOR_DYNACONF", "production")
    settings = load_settings(component, env="testing")
    assert settings.LEVEL == "testing"
    settings.reload()
    assert settings.LEVEL == "testing"


def test_section_names_are_case_insensitive(component: Path, write, monkeypatch: pytest.MonkeyPatch) -> None:
    write(component / "config" / "settings.toml", "[default]\nx = 0\n[Production]\nx = 1\n")
    monkeypatch.setenv("ENV_FOR_DYNACONF", "PRODUCTION")
    assert load_settings(component).X == 1


def test_environments_apply_per_file(component: Path, pipeline: Path, write) -> None:
    """A later file's [default] beats an earlier file's [production]."""
    write(pipeline / "config" / "settings.toml", '[production]\nregistry = "pipeline-prod"\n')
    write(component / "config" / "settings.toml", '[default]\nregistry = "component-default"\n')
    settings = load_settings(component, pipeline_root=pipeline, env="production")
    assert settings.REGISTRY == "component-default"


def test_global_section_wins_within_a_file(component: Path, write) -> None:
    write(
        component / "config" / "settings.toml",
        '[default]\nx = "default"\n[testing]\nx = "testing"\n[global]\nx = "global"\n',
    )
    assert load_settings(component, env="testing").X == "global"


def test_keys_outside_environment_sections_are_ignored(component: Path, write) -> None:
    write(component / "config" / "settings.toml", 'top = "ignored"\n[default]\nx = 1\n')
    settings = load_settings(component)
    assert settings.get("top") is None
    assert settings.X == 1


def test_top_level_keys_case_insensitive(component: Path, write) -> None:
    write(component / "config" / "settings.toml", "[default]\nLearning_Rate = 0.5\n")
    settings = load_settings(component)
    assert settings.learning_rate == 0.5
    assert settings.LEARNING_RATE == 0.5
    assert settings.get("learning_rate") == 0.5


def test_merge_markers_and_quoted_dotted_keys_merge(component: Path, pipeline: Path, write) -> None:
    write(
        pipeline / "config" / "settings.toml",
        """
[default]
kfp = {host = "local", namespace = "ns"}
image = {registry = "r", base = "python:3.11-slim"}
tags = ["a"]
labels = {team = "ml"}
""",
    )
    write(
        component / "config" / "settings.toml",
        """
[default]
"image.base" = "mirror/python:3.11-slim"
kfp.host = "http://kfp"
tags = "@merge ['b']"
[default.labels]
dynaconf_merge = true
owner = "me"
""",
    )
    settings = load_settings(component, pipeline_root=pipeline)
    # a quoted dotted key is a path into the tree: merges
    assert dict(settings.IMAGE) == {"registry": "r", "base": "mirror/python:3.11-slim"}
    # TOML's own dotted key is just a nested table: replaces
    assert dict(settings.KFP) == {"host": "http://kfp"}
    assert list(settings.TAGS) == ["a", "b"]
    assert dict(settings.LABELS) == {"team": "ml", "owner": "me"}


# --- where the pipeline's settings come from ---------------------------------------------


def test_pipeline_dir_env_var(component: Path, pipeline: Path, write, monkeypatch: pytest.MonkeyPatch) -> None:
    write(pipeline / "config" / "settings.toml", '[default]\nfrom_pipeline = "main"\nx = "p"\n')
    write(pipeline / "config" / "settings.local.toml", '[default]\nfrom_pipeline = "local"\n')
    write(component / "config" / "settings.toml", '[default]\nx = "c"\n')
    monkeypatch.setenv("NX_KUBEFLOW_PIPELINE_DIR", str(pipeline))
    settings = load_settings(component)
    assert settings_files(component)[0] == str(pipeline.resolve() / "config" / "settings.toml")
    assert settings.FROM_PIPELINE == "local"
    assert settings.X == "c"


def test_pipeline_root_argument_beats_pipeline_dir_env(
    component: Path, pipeline: Path, tmp_path: Path, write, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = tmp_path / "pipelines" / "other"
    write(other / "config" / "settings.toml", '[default]\nwhich = "other"\n')
    write(pipeline / "config" / "settings.toml", '[default]\nwhich = "argument"\n')
    monkeypatch.setenv("NX_KUBEFLOW_PIPELINE_DIR", str(other))
    monkeypatch.setenv("PIPELINE_SETTINGS_TOML", '[default]\nwhich = "text"\n')
    assert load_settings(component, pipeline_root=pipeline).WHICH == "argument"


def test_pipeline_dir_env_beats_pipeline_settings_text(
    component: Path, pipeline: Path, write, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(pipeline / "config" / "settings.toml", '[default]\nwhich = "dir"\n')
    monkeypatch.setenv("NX_KUBEFLOW_PIPELINE_DIR", str(pipeline))
    monkeypatch.setenv("PIPELINE_SETTINGS_TOML", '[default]\nwhich = "text"\n')
    assert load_settings(component).WHICH == "dir"


PIPELINE_TEXT = """
[default]
kfp.experiment = "Default"
shared = "pipeline"
only_pipeline = 42
[production]
only_pipeline = 43
"""


def test_pipeline_settings_text_loads_under_component(component: Path, write, monkeypatch: pytest.MonkeyPatch) -> None:
    write(component / "config" / "settings.toml", '[default]\nshared = "component"\n')
    write(component / "config" / "settings.local.toml", "[default]\nlocal = true\n")
    monkeypatch.setenv("PIPELINE_SETTINGS_TOML", PIPELINE_TEXT)
    settings = load_settings(component)
    assert settings.SHARED == "component"
    assert settings.ONLY_PIPELINE == 42
    assert settings.KFP.EXPERIMENT == "Default"
    assert settings.LOCAL is True
    assert load_settings(component, env="production").ONLY_PIPELINE == 43


def test_pipeline_settings_text_written_to_private_temp_file(component: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PIPELINE_SETTINGS_TOML", PIPELINE_TEXT)
    files = settings_files(component)
    first = Path(files[0])
    assert first.name == "settings.toml"
    assert first.read_text(encoding="utf-8") == PIPELINE_TEXT
    assert files[1:] == [
        str(component.resolve() / "config" / "settings.toml"),
        str(component.resolve() / "config" / ".secrets.toml"),
    ]
    assert not first.parent.samefile(component / "config")
    assert sorted(p.name for p in first.parent.iterdir()) == ["settings.toml"]
    assert stat.S_IMODE(first.stat().st_mode) == 0o600
    assert stat.S_IMODE(first.parent.stat().st_mode) == 0o700


def test_pipeline_settings_temp_folder_removed_at_exit(component: Path) -> None:
    script = (
        "from pathlib import Path\n"
        "from component_runtime import settings_files\n"
        f"folder = Path(settings_files({str(component)!r})[0]).parent\n"
        "assert (folder / 'settings.toml').is_file()\n"
        "import atexit\n"
        "atexit.register(print, folder)\n"  # atexit runs the last registered first: after this, the cleanup
    )
    environ = {**os.environ, "PIPELINE_SETTINGS_TOML": PIPELINE_TEXT}
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=environ, check=True)
    folder = Path(result.stdout.strip())
    assert folder.name.startswith("component-runtime-pipeline-")
    assert not folder.exists()


def test_pipeline_settings_text_not_as_dynaconf_vars(component: Path, write, monkeypatch: pytest.MonkeyPatch) -> None:
    """The point of the temp file: the component's own file still wins over the pipeline's."""
    write(component / "config" / "settings.toml", '[production]\nshared = "component-prod"\n')
    monkeypatch.setenv("PIPELINE_SETTINGS_TOML", '[production]\nshared = "pipeline-prod"\n')
    monkeypatch.setenv("ENV_FOR_DYNACONF", "production")
    assert load_settings(component).SHARED == "component-prod"


def test_invalid_pipeline_settings_text_names_the_variable(component: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PIPELINE_SETTINGS_TOML", "[default\nkey = ")
    with pytest.raises(PipelineSettingsError, match="PIPELINE_SETTINGS_TOML") as caught:
        load_settings(component)
    assert isinstance(caught.value, ValueError)


def test_empty_pipeline_settings_text_is_no_pipeline(component: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PIPELINE_SETTINGS_TOML", "  \n")
    assert len(settings_files(component)) == 2


# --- DYNACONF_* environment variables ------------------------------------------------------


def test_dynaconf_env_vars_win_last(component: Path, pipeline: Path, write, monkeypatch: pytest.MonkeyPatch) -> None:
    write(pipeline / "config" / "settings.toml", '[default]\nepochs = 1\n[default.kfp]\nhost = "local"\n')
    write(
        component / "config" / "settings.toml",
        '[default]\nepochs = 2\ndebug = false\n[default.kfp]\nhost = "h"\nnamespace = "ns"\n',
    )
    write(component / "config" / "settings.local.toml", "[default]\nepochs = 3\n")
    write(component / "config" / ".secrets.local.toml", "[default]\nepochs = 4\n")
    monkeypatch.setenv("DYNACONF_EPOCHS", "5")
    monkeypatch.setenv("DYNACONF_DEBUG", "true")
    monkeypatch.setenv("DYNACONF_KFP__NAMESPACE", "from-env")
    monkeypatch.setenv("DYNACONF_TAGS", '["a", "b"]')
    monkeypatch.setenv("DYNACONF_WAREHOUSE__PASSWORD", "pw")
    settings = load_settings(component, pipeline_root=pipeline, env="production")
    assert settings.EPOCHS == 5  # parsed as TOML: an int
    assert settings.DEBUG is True
    assert dict(settings.KFP) == {"host": "h", "namespace": "from-env"}  # `__` merges
    assert list(settings.TAGS) == ["a", "b"]
    assert settings.WAREHOUSE.PASSWORD == "pw"


def test_settings_file_for_dynaconf_warns(
    component: Path, tmp_path: Path, write, monkeypatch: pytest.MonkeyPatch
) -> None:
    """dynaconf's own SETTINGS_FILE_FOR_DYNACONF replaces the files list: say so."""
    write(component / "config" / "settings.toml", '[default]\nwhich = "component"\n')
    other = write(tmp_path / "other.toml", '[default]\nwhich = "other"\n')
    monkeypatch.setenv("SETTINGS_FILE_FOR_DYNACONF", str(other))
    with pytest.warns(RuntimeWarning, match="SETTINGS_FILE_FOR_DYNACONF"):
        settings = load_settings(component)
    assert settings.WHICH == "other"


def test_returns_a_dynaconf_instance(component: Path) -> None:
    settings = load_settings(component)
    assert isinstance(settings, Dynaconf)
    assert settings.ENVIRONMENTS_FOR_DYNACONF is True
    assert settings.ENVVAR_PREFIX_FOR_DYNACONF == "DYNACONF"
    assert settings.MERGE_ENABLED_FOR_DYNACONF is False
    assert list(settings.SETTINGS_FILE_FOR_DYNACONF) == settings_files(component)
