"""What the installed distribution says about itself, wherever it was installed from
(an editable install of this folder, the wheel or the sdist from a package index)."""

from __future__ import annotations

from importlib import metadata
from pathlib import Path

import component_runtime


def test_version_in_the_module_is_the_distributions() -> None:
    assert component_runtime.__version__ == metadata.version("component-runtime")


def test_the_package_declares_its_type_hints() -> None:
    # PEP 561: without py.typed, type checkers ignore the hints of an installed copy.
    assert (Path(component_runtime.__file__).parent / "py.typed").is_file()


def test_metadata_names_what_a_component_needs() -> None:
    meta = metadata.metadata("component-runtime")
    assert meta["Requires-Python"] == ">=3.10"
    assert any(requirement.startswith("dynaconf") for requirement in metadata.requires("component-runtime") or [])
