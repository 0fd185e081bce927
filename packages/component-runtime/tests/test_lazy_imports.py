"""What importing component_runtime costs a task: only the modules a run uses.

Each task of a pipeline is a fresh Python process, so every module component_runtime
imports at start-up is paid per task. The package imports its names on first use
(``__getattr__`` in __init__.py); these tests check, in a fresh interpreter, that
``import component_runtime`` and the names a generated ``src/run.py`` imports leave out
what such a run does not use, and that the lazy names stay what they were.
"""

from __future__ import annotations

import ast
import importlib
import json
import subprocess
import sys
from pathlib import Path

import component_runtime
import pytest

# What nx-kubeflow's component generator writes into src/run.py (its template,
# packages/nx-kubeflow/src/generators/component/files/src/run.py__tmpl__, with every
# optional name: artifact outputs, typed inputs, parameter outputs).
RUN_PY_NAMES = [
    "add_kfp_arguments",
    "executor_io",
    "load_settings",
    "output_artifact_path",
    "parameter_parser",
    "run_identity",
    "setup_logging",
    "write_output_parameter",
]

# Modules a generated run.py does not use, and what importing them cost a task before
# (dataclasses with inspect ~5 ms CPU, typing ~2 ms; dynaconf ~35 ms; tempfile and shutil
# ~3 ms; argparse is the component's own import).
NOT_AT_IMPORT = [
    "component_runtime.classification_metrics",
    "component_runtime.report_artifacts",
    "dataclasses",
    "inspect",
    "typing",
    "dynaconf",
    "tempfile",
    "shutil",
]


def modules_after(script: str) -> set[str]:
    """The modules a fresh interpreter holds after running ``script``."""
    probe = f"{script}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))\n"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return set(json.loads(result.stdout.splitlines()[-1]))


def test_import_component_runtime_loads_one_submodule() -> None:
    loaded = modules_after("import component_runtime")
    ours = {name for name in loaded if name.startswith("component_runtime.")}
    # executor_io: see __init__.py, the name it shares with a function
    assert ours == {"component_runtime.executor_io", "component_runtime._dataclass_compat"}
    assert not loaded & {*NOT_AT_IMPORT, "argparse", "logging"}


def test_what_a_generated_run_py_imports_leaves_out_what_it_does_not_use() -> None:
    loaded = modules_after(f"from component_runtime import {', '.join(RUN_PY_NAMES)}")
    assert not loaded & set(NOT_AT_IMPORT)
    # the same names, the other way: `import component_runtime` and attributes
    loaded = modules_after("import component_runtime as c\n" + "\n".join(f"c.{name}" for name in RUN_PY_NAMES))
    assert not loaded & set(NOT_AT_IMPORT)


def test_what_a_generated_run_py_does_besides_settings_leaves_them_out_too(tmp_path: Path) -> None:
    """The values run.py makes on every run: its identity, the executor input's artifacts, a log line."""
    executor_input = {
        "outputs": {
            "artifacts": {"model": {"artifacts": [{"name": "model", "uri": "file:///m", "type": {}}]}},
            "outputFile": str(tmp_path / "executor_output.json"),
        }
    }
    loaded = modules_after(
        "import argparse\n"
        f"from component_runtime import {', '.join(RUN_PY_NAMES)}\n"
        "parser = add_kfp_arguments(argparse.ArgumentParser())\n"
        f"args = parser.parse_args(['--executor-input', {json.dumps(executor_input)!r}, '--pipeline-task-name', 't'])\n"
        "identity = run_identity(args)\n"
        "logger = setup_logging('c', **identity.logging_context())\n"
        "executor = executor_io(args)\n"
        "executor.output_artifact('model').log_metric('m', 1)\n"
        "executor.write()\n"
        "logger.info('done %r %r', identity, executor.output_artifact('model'))\n"
    )
    # shutil is argparse's: its help formatter asks shutil for the terminal's width on every add_argument
    assert loaded & set(NOT_AT_IMPORT) == {"shutil"}
    assert (tmp_path / "executor_output.json").is_file()


def test_a_classification_metrics_method_imports_its_module_when_called() -> None:
    loaded = modules_after(
        "from component_runtime import ExecutorIO\n"
        "ExecutorIO(None).output_artifact('roc').log_roc_data_point(0.1, 0.9, 0.5)\n"
    )
    assert "component_runtime.classification_metrics" in loaded


def type_checking_imports() -> dict[str, str]:
    """Name -> submodule, as the ``if TYPE_CHECKING:`` block of __init__.py imports them."""
    tree = ast.parse(Path(component_runtime.__file__).read_text(encoding="utf-8"))
    block = next(
        node
        for node in tree.body
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"
    )
    return {
        alias.name: statement.module
        for statement in block.body
        if isinstance(statement, ast.ImportFrom) and statement.level == 1
        for alias in statement.names
    }


def test_every_public_name_has_one_source_that_checkers_see_too() -> None:
    public = set(component_runtime.__all__) - {"__version__"}
    assert set(component_runtime._SOURCES) == public
    assert type_checking_imports() == component_runtime._SOURCES


@pytest.mark.parametrize("name", sorted(set(component_runtime.__all__) - {"__version__"}))
def test_each_lazy_name_is_its_modules_object(name: str) -> None:
    module = importlib.import_module(f"component_runtime.{component_runtime._SOURCES[name]}")
    assert getattr(component_runtime, name) is getattr(module, name)


def test_executor_io_is_the_function_whatever_was_imported_first() -> None:
    # the submodule executor_io shares the name; Python sets a submodule on its package when it
    # is first imported, which would hide the function (a run.py imports both ways)
    script = (
        "import component_runtime.json_logging\n"
        "import component_runtime.kfp_arguments\n"
        "from component_runtime import ExecutorIO, executor_io\n"
        "import component_runtime\n"
        "print(callable(executor_io), component_runtime.executor_io is executor_io,"
        " executor_io.__module__)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["True", "True", "component_runtime.kfp_arguments"]


def test_dir_lists_the_public_names_and_unknown_names_raise() -> None:
    assert set(component_runtime.__all__) <= set(dir(component_runtime))
    with pytest.raises(AttributeError, match="has no attribute 'no_such_name'"):
        _ = component_runtime.no_such_name
    with pytest.raises(ImportError):
        exec("from component_runtime import no_such_name", {})  # noqa: S102 - the statement itself is the test
