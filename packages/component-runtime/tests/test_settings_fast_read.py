"""The fast settings path against real dynaconf, over many layered cases.

load_settings answers plain top-level values from settings_fast_read without
importing dynaconf; dynaconf stays the reference. Every case here writes real
files (pipeline and component settings, secrets, .local. siblings), sets
environment variables, builds the Dynaconf object exactly as load_settings
documents it, and requires:

- the fast view to hold only keys dynaconf holds, each with dynaconf's value and
  type, or to leave the key (or the whole view) to dynaconf;
- load_settings' object to answer get / attribute / item reads exactly as
  dynaconf does, exceptions included, for present, missing and special keys.

The cases are drawn from a seeded generator (so a failure names a seed that
reproduces it) plus hand-written ones for each feature the fast path leaves to
dynaconf.
"""

from __future__ import annotations

import datetime
import os
import random
import re
import subprocess
import sys
import types
from pathlib import Path
from unittest import mock

import pytest
from component_runtime import load_settings, settings_files
from component_runtime.lazy_settings import DYNACONF_ATTRIBUTES
from component_runtime.settings_fast_read import ASK_DYNACONF, DYNACONF_OWN_KEYS, fast_settings_view, toml_parser
from dynaconf import Dynaconf

SEEDS = 120


def reference(files: list[str], env: str, forced: bool) -> Dynaconf:
    """What load_settings hands to dynaconf (README, Settings)."""
    options = {"force_env": env} if forced else {}
    return Dynaconf(
        settings_files=files,
        environments=True,
        env=env,
        envvar_prefix="DYNACONF",
        merge_enabled=False,
        load_dotenv=False,
        **options,
    )


def outcome(read, *args):
    """("value", repr(value), type), ("method", function) or ("raises", exception type)."""
    try:
        value = read(*args)
    except Exception as error:  # noqa: BLE001 - the exception type is what is compared
        return ("raises", type(error), str(error))
    if isinstance(value, types.MethodType):  # a Dynaconf method (a key named like one): the same function
        return ("method", value.__func__)
    return ("value", shown(value), type(value))


def shown(value) -> str:
    """repr, so nan equals nan, without object ids ("Del() on 1406...": dynaconf's markers in nested values)."""
    return re.sub(r" on \d+", "", repr(value))


# --- the generator ---------------------------------------------------------------------

KEYS = ["epochs", "EPOCHS", "Epochs", "rate", "name", "log_level", "image", "tags", "when", "flag", "only_here"]
SECTIONS = [
    "default",
    "DEFAULT",
    "development",
    "Development",
    "testing",
    "TESTING",
    "production",
    "global",
    "GLOBAL",
    "dynaconf",
]
ENVS = ["development", "testing", "TESTING", "production", "staging"]


def scalar(rng: random.Random) -> str:
    return rng.choice(
        [
            str(rng.randint(-5, 500)),
            f"{rng.random() * 10:.3f}",
            rng.choice(["true", "false"]),
            f'"{rng.choice(["alpha", "beta", "", "ünïcode", "with space", "1", "true"])}"',
            "1979-05-27T07:32:00Z",
            "1979-05-27",
            "07:32:00",
            "'literal \\n'",
            '"@int 42"',
            '"@format {this.NAME}-x"',
            '"@json [1, 2]"',
            '"@none"',
            '"@del"',
            '"not @ token"',
            "inf",
            "nan",
            '"""multi\nline"""',
        ]
    )


def value(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.65:
        return scalar(rng)
    if kind < 0.8:
        items = ", ".join(scalar(rng) for _ in range(rng.randint(0, 3)))
        if rng.random() < 0.3:
            items = '"dynaconf_merge"' + (", " + items if items else "")
        return f"[{items}]"
    merge = "dynaconf_merge = true, " if rng.random() < 0.3 else ""
    return f"{{ {merge}registry = {scalar(rng)}, base = {scalar(rng)} }}"


def toml_text(rng: random.Random, odd: bool) -> str:
    """A settings file; ``odd`` adds, now and then, what makes the fast path step aside."""
    chance = (lambda p: rng.random() < p) if odd else (lambda p: False)
    lines: list[str] = []
    if rng.random() < 0.1:
        lines.append(f"outside = {scalar(rng)}")  # keys outside any section: ignored
    if chance(0.04):
        lines.append("dynaconf_merge = true")
    used_sections: set[str] = set()
    for _ in range(rng.randint(0, 4)):
        section = rng.choice(SECTIONS)
        if section in used_sections or (not odd and section.lower() in {used.lower() for used in used_sections}):
            continue  # TOML forbids defining a table twice; two spellings of one section only in odd cases
        used_sections.add(section)
        lines.append(f"[{section}]")
        used_keys: set[str] = set()
        for _ in range(rng.randint(0, 4)):
            key = rng.choice(KEYS)
            if key in used_keys:
                continue
            used_keys.add(key)
            lines.append(f"{key} = {value(rng)}")
        if chance(0.1):
            lines.append(f'"image.registry" = {scalar(rng)}')  # a quoted dotted key: dynaconf merges it
        if chance(0.1):
            lines.append(f"image__base = {scalar(rng)}")
        if chance(0.1):
            lines.append("dynaconf_merge = true")
        if chance(0.05):
            lines.append(f"load_dotenv = {scalar(rng)}")
    if chance(0.05):
        lines.append("this is [not toml")
    return "\n".join(lines) + "\n"


class Case:
    def __init__(self, seed: int, root: Path) -> None:
        rng = random.Random(seed)
        odd = rng.random() < 0.3  # a case with things the fast path leaves to dynaconf
        self.component = root / "components" / "trainer"
        self.pipeline = root / "pipelines" / "training"
        (self.component / "config").mkdir(parents=True)
        (self.pipeline / "config").mkdir(parents=True)
        self.use_pipeline = rng.random() < 0.6
        candidates = [self.component / "config" / "settings.toml", self.component / "config" / ".secrets.toml"]
        if self.use_pipeline:
            candidates.insert(0, self.pipeline / "config" / "settings.toml")
        for main in candidates:
            if rng.random() < 0.75:
                main.write_text(toml_text(rng, odd), encoding="utf-8")
            local = main.with_name(main.name.replace(".toml", ".local.toml"))
            if rng.random() < 0.4:
                local.write_text(toml_text(rng, odd), encoding="utf-8")
        self.environ: dict[str, str] = {}
        if rng.random() < 0.5:
            self.environ["ENV_FOR_DYNACONF"] = rng.choice(
                ENVS + (["1", "true", "testing,production", "default", "global"] if odd else [])
            )
        if odd and rng.random() < 0.2:
            self.environ[f"DYNACONF_{rng.choice(KEYS).upper()}"] = rng.choice(["5", "text", "@int 3", "[1, 2]"])
        if odd and rng.random() < 0.1:
            self.environ["MERGE_ENABLED_FOR_DYNACONF"] = "true"
        self.env_argument = rng.choice(ENVS) if rng.random() < 0.3 else None
        # Every other case with pipeline settings hands them over as text, as a task on Kubeflow
        # or in the local runner gets them (PIPELINE_SETTINGS_TOML; its .local. sibling then stays
        # behind). Decided by the seed alone, so the cases drawn above stay what they were.
        pipeline_file = self.pipeline / "config" / "settings.toml"
        self.pipeline_as_text = self.use_pipeline and seed % 2 == 0 and is_toml(pipeline_file)
        if self.pipeline_as_text:
            self.environ["PIPELINE_SETTINGS_TOML"] = pipeline_file.read_text(encoding="utf-8")


def is_toml(path: Path) -> bool:
    """An existing file that parses (load_settings refuses PIPELINE_SETTINGS_TOML text that does not)."""
    try:
        toml_parser().loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):  # TOMLDecodeError is a ValueError
        return False
    return True


def keys_to_read(real_keys) -> list[str]:
    """The stored keys and a few others: missing, in another case, a Dynaconf method's name, special ones."""
    stored = [key for key in real_keys[1] if "DYNACONF" not in key.upper()] if real_keys[0] == "value" else []
    return sorted(set(stored + ["missing_key", "Epochs", "flag", "load_dotenv", "image.registry"]))


def check_case(case: Case, *, reads: bool = True) -> dict[str, int]:
    """Compares the fast view (and, with reads, load_settings' reads) with dynaconf; counts what the view answered."""
    counts = {"answered": 0, "left": 0, "gave_up": 0}
    with mock.patch.dict(os.environ, case.environ):
        pipeline_root = case.pipeline if case.use_pipeline and not case.pipeline_as_text else None
        files = settings_files(case.component, pipeline_root=pipeline_root)
        env = case.env_argument or os.environ.get("ENV_FOR_DYNACONF") or "development"
        real = reference(files, env, forced=case.env_argument is not None)
        real_keys = outcome(lambda: list(real.store.keys()))  # keys only: values may be lazy (@format)

        view = fast_settings_view(files, env)
        if view is None:
            counts["gave_up"] += 1
        else:
            assert real_keys[0] == "value", f"the fast view read files dynaconf fails on: {real_keys}"
            stored = {key for key in real.store if "DYNACONF" not in key.upper() and key not in DYNACONF_OWN_KEYS}
            # Every key dynaconf holds is in the view; one the view has besides ("@del") is left to dynaconf.
            assert set(view) >= stored, f"keys: fast {sorted(view)} dynaconf {sorted(stored)}"
            assert all(view[key] is ASK_DYNACONF for key in set(view) - stored), (
                f"keys: fast {view} dynaconf {sorted(stored)}"
            )
            for key, fast_value in view.items():
                if fast_value is ASK_DYNACONF:
                    counts["left"] += 1
                    continue
                counts["answered"] += 1
                expected = outcome(lambda key=key: real.get(key))
                assert ("value", shown(fast_value), type(fast_value)) == expected, (
                    f"{key}: fast {fast_value!r} dynaconf {expected}"
                )
        if not reads:
            return counts

        # Each read through a fresh load_settings object: the first read that needs dynaconf
        # hands every later one to it, so one object would test the fast path once only.
        keys = keys_to_read(real_keys)
        if view is None:  # every read goes to dynaconf: a few show it
            keys = keys[:2]
        for key in keys:
            for how, read in {
                "get": lambda s, key=key: s.get(key),
                "attribute": lambda s, key=key: getattr(s, key),
                "item": lambda s, key=key: s[key],
            }.items():
                expected = outcome(read, real)
                got = outcome(read, load_settings(case.component, pipeline_root=pipeline_root, env=case.env_argument))
                assert got == expected, f"{how} {key!r}: load_settings {got} dynaconf {expected}"
    return counts


@pytest.mark.parametrize("seed", range(SEEDS))
def test_random_layered_cases_match_dynaconf(seed: int, tmp_path: Path) -> None:
    check_case(Case(seed, tmp_path))


def test_the_random_cases_exercise_the_fast_path(tmp_path: Path) -> None:
    """Not a vacuous comparison: most cases are answered by the fast view, some left to dynaconf."""
    totals = {"answered": 0, "left": 0, "gave_up": 0, "pipeline_as_text": 0}
    for seed in range(SEEDS):
        case = Case(seed, tmp_path / str(seed))
        totals["pipeline_as_text"] += case.pipeline_as_text
        for name, count in check_case(case, reads=False).items():
            totals[name] += count
    assert totals["pipeline_as_text"] > SEEDS / 10, totals
    assert totals["answered"] > SEEDS, totals
    assert totals["left"] > SEEDS / 4, totals
    assert SEEDS / 10 < totals["gave_up"] < SEEDS / 2, totals


# --- hand-written cases: each thing the fast path leaves to dynaconf ---------------------


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def same_reads(component: Path, keys: list[str], *, pipeline_root: Path | None = None, env: str | None = None) -> None:
    files = settings_files(component, pipeline_root=pipeline_root)
    selected = env or os.environ.get("ENV_FOR_DYNACONF") or "development"
    for key in keys:
        real = reference(files, selected, forced=env is not None)
        expected = outcome(lambda settings, key: settings.get(key), real, key)  # dynaconf may fail on .get itself
        got = outcome(
            lambda settings, key: settings.get(key), load_settings(component, pipeline_root=pipeline_root, env=env), key
        )
        assert got == expected, f"{key}: {got} != {expected}"
        expected = outcome(getattr, reference(files, selected, forced=env is not None), key)
        got = outcome(getattr, load_settings(component, pipeline_root=pipeline_root, env=env), key)
        assert got[:1] == expected[:1] and (got[0] == "raises" or got[1] == expected[1]), f"{key}: {got} != {expected}"


@pytest.mark.parametrize(
    ("text", "gives_up"),
    [
        ('[default]\nname = "x"\n', False),
        ('dynaconf_merge = true\n[default]\nname = "x"\n', True),
        ('[default]\n"image.base" = "x"\n', True),
        ('[default]\nimage__base = "x"\n', True),
        ('[default]\ndynaconf_merge = true\nname = "x"\n', True),
        ('[default]\nsettings_module = "x"\n', True),
        ('[default]\nname = "x"\n[DEFAULT]\nname = "y"\n', True),
        ("[default\n", True),
        ('development = "not a table"\n', True),
    ],
)
def test_view_gives_up_where_dynaconf_behaves_differently(component: Path, text: str, gives_up: bool) -> None:
    write(component / "config" / "settings.toml", text)
    files = settings_files(component)
    assert (fast_settings_view(files, "development") is None) == gives_up
    if "[default\n" not in text and "not a table" not in text:
        same_reads(component, ["name", "image", "settings_module", "missing"])


@pytest.mark.parametrize(
    "value",
    [
        '"@format {this.NAME}!"',
        '"@int 12"',
        '"@jinja {{ this.NAME }}"',
        '"@json {\\"a\\": 1}"',
        "[1, 2]",
        "{ a = 1 }",
        '"@del"',
    ],
)
def test_tokens_tables_and_arrays_are_dynaconfs(component: Path, value: str) -> None:
    write(component / "config" / "settings.toml", f'[default]\nname = "n"\nkey = {value}\n')
    view = fast_settings_view(settings_files(component), "development")
    assert view is not None and view["KEY"] is ASK_DYNACONF and view["NAME"] == "n"
    same_reads(component, ["key", "name"])


def test_merging_tables_across_layers(component: Path, pipeline: Path) -> None:
    write(pipeline / "config" / "settings.toml", '[default.image]\nregistry = "r"\nbase = "b"\n')
    write(
        component / "config" / "settings.toml",
        '[default.image]\ndynaconf_merge = true\nbase = "c"\n[default]\nlevel = 1\n',
    )
    write(component / "config" / "settings.local.toml", "[development]\nlevel = 2\n")
    same_reads(component, ["image", "level"], pipeline_root=pipeline)
    settings = load_settings(component, pipeline_root=pipeline)
    assert settings.image.registry == "r" and settings.image.base == "c" and settings.level == 2


@pytest.mark.parametrize(
    "environ",
    [
        {"DYNACONF_LEVEL": "7"},
        {"DYNACONF_IMAGE__BASE": "x"},
        {"ENV_FOR_DYNACONF": "true"},
        {"ENV_FOR_DYNACONF": "testing,production"},
        {"ENV_FOR_DYNACONF": "Testing"},
        {"SETTINGS_FILE_FOR_DYNACONF": "/nowhere/settings.toml"},
        {"MERGE_ENABLED_FOR_DYNACONF": "true"},
        {"DEFAULT_ENV_FOR_DYNACONF": "testing"},
    ],
)
def test_environment_variables(component: Path, environ: dict[str, str]) -> None:
    write(
        component / "config" / "settings.toml", "[default]\nlevel = 1\n[testing]\nlevel = 3\n[production]\nlevel = 4\n"
    )
    with (
        mock.patch.dict(os.environ, environ),
        pytest.warns() if "SETTINGS_FILE_FOR_DYNACONF" in environ else _no_warning(),
    ):
        plain = list(environ) == ["ENV_FOR_DYNACONF"] and environ["ENV_FOR_DYNACONF"] == "Testing"
        env = os.environ.get("ENV_FOR_DYNACONF") or "development"
        assert (fast_settings_view(settings_files(component), env) is not None) == plain
        same_reads(component, ["level", "image"])


class _no_warning:
    def __enter__(self):
        return self

    def __exit__(self, *args):
        return False


def test_hooks_file_beside_settings_is_dynaconfs(component: Path) -> None:
    write(component / "config" / "settings.toml", "[default]\nlevel = 1\n")
    write(component / "config" / "dynaconf_hooks.py", "def post(settings):\n    return {'LEVEL': 9}\n")
    assert fast_settings_view(settings_files(component), "development") is None
    assert load_settings(component).get("level") == 9


def test_local_file_that_is_a_folder(component: Path) -> None:
    write(component / "config" / "settings.toml", "[default]\nlevel = 1\n")
    (component / "config" / "settings.local.toml").mkdir()
    assert fast_settings_view(settings_files(component), "development") is None
    same_reads(component, ["level"])


def test_set_then_read_goes_to_dynaconf(component: Path) -> None:
    write(component / "config" / "settings.toml", "[default]\nlevel = 1\n")
    settings = load_settings(component)
    assert settings.get("level") == 1
    settings.set("level", 5)
    assert settings.get("level") == 5 and settings.LEVEL == 5 and settings["level"] == 5


def test_dynaconf_attributes_are_not_keys(component: Path) -> None:
    """Every public attribute of a Dynaconf object is in DYNACONF_ATTRIBUTES (or is one of its options)."""
    write(component / "config" / "settings.toml", '[default]\nkeys = "a key"\nitems = 3\n')
    real = reference(settings_files(component), "development", forced=False)
    real.get("keys")  # set up
    names = set(dir(type(real))) | set(dir(real)) | set(dir(type(real._wrapped)))
    public = {
        name for name in names if not name.startswith("_") and "dynaconf" not in name.lower() and not name.isupper()
    }
    assert public <= DYNACONF_ATTRIBUTES, sorted(public - DYNACONF_ATTRIBUTES)
    same_reads(component, ["keys", "items", "KEYS", "ITEMS"])


def test_own_keys_match_dynaconfs_store(component: Path) -> None:
    real = reference(settings_files(component), "development", forced=False)
    own = {key for key in real.store if "DYNACONF" not in key.upper()}
    assert own == set(DYNACONF_OWN_KEYS)


def test_isinstance_and_repr(component: Path) -> None:
    settings = load_settings(component)
    assert isinstance(settings, Dynaconf)
    assert "LazySettings" in repr(settings)


def test_a_generated_components_reads_do_not_import_dynaconf(tmp_path: Path) -> None:
    """What a task of a generated component does: the pipeline's text, its settings, its local file; log_level."""
    component = tmp_path / "components" / "trainer"
    write(component / "config" / "settings.toml", '[default]\nlog_level = "INFO"\n[development]\nlog_level = "DEBUG"\n')
    write(component / "config" / "settings.local.toml", '[development]\nlog_level = "WARNING"\nepochs = 3\n')
    script = (
        "import os, sys\n"
        "from component_runtime import load_settings\n"
        f"settings = load_settings({str(component)!r})\n"
        "print(settings.get('log_level'), settings.EPOCHS, settings['rows'], settings.get('absent', 'dflt'))\n"
        "print('dynaconf' in sys.modules, 'tempfile' in sys.modules)\n"
        "print(os.listdir(os.environ['TMPDIR']))\n"  # before exit, which removes such a file
    )
    environ = {key: value for key, value in os.environ.items() if "DYNACONF" not in key.upper()}
    environ["PIPELINE_SETTINGS_TOML"] = '[default]\nrows = 100\nlog_level = "ERROR"\n'
    environ["TMPDIR"] = str(tmp_path / "temporary")
    (tmp_path / "temporary").mkdir()
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=environ, check=True)
    # the pipeline's text is read as it is: no temporary file, nor tempfile (~3 ms) to write one
    assert result.stdout.split("\n")[:3] == ["WARNING 3 100 dflt", "False False", "[]"]


def test_dates_and_times_keep_their_types(component: Path) -> None:
    write(
        component / "config" / "settings.toml",
        "[default]\nday = 1979-05-27\nat = 1979-05-27T07:32:00Z\nclock = 07:32:00\n",
    )
    settings = load_settings(component)
    assert settings.get("day") == datetime.date(1979, 5, 27)
    same_reads(component, ["day", "at", "clock"])


def test_pipeline_text_read_by_dynaconf_from_the_file_written_then(
    component: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the fast view leaves to dynaconf, with the pipeline's settings as text: the same file list as before."""
    write(component / "config" / "settings.toml", '[default]\nname = "component"\n')
    monkeypatch.setenv("PIPELINE_SETTINGS_TOML", '[default]\nname = "pipeline"\nrows = 7\ntags = ["a"]\n')
    settings = load_settings(component)
    assert (settings.get("name"), settings.ROWS) == ("component", 7)  # the fast view: no dynaconf yet
    assert settings.TAGS == ["a"]  # a list: dynaconf, built now
    files = list(settings.SETTINGS_FILE_FOR_DYNACONF)
    assert files == settings_files(component)
    assert Path(files[0]).read_text(encoding="utf-8") == os.environ["PIPELINE_SETTINGS_TOML"]


@pytest.mark.parametrize("folder", ["odd[folder", "odd.local.folder"])
def test_pipeline_text_under_a_temporary_folder_dynaconf_reads_otherwise(
    component: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, folder: str
) -> None:
    """A glob character or .local. in the temporary folder: the file is written first, the reads are dynaconf's."""
    import tempfile

    temporary = tmp_path / folder
    temporary.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))  # what gettempdir() answers from now on
    write(component / "config" / "settings.toml", '[default]\nname = "component"\n')
    # a text of its own: a text seen before in this process reuses its file
    monkeypatch.setenv("PIPELINE_SETTINGS_TOML", f'[default]\nrows = 7\nname = "pipeline"\nfolder = "{folder}"\n')
    load_settings(component)
    assert [path.name for path in temporary.iterdir()] != []  # written at load, as before the deferral
    same_reads(component, ["rows", "name", "folder", "missing"])
