"""Markdown and HTML report artifacts, as KFP shows them.

kfp's ``dsl.Markdown`` and ``dsl.HTML`` are artifacts with no metadata of their own: the
UI shows the file at the artifact's URI, rendered. A container component writes the text
to the artifact's ``{outputPath: ...}`` (which is that URI's local path); these helpers do
that, making the folder KFP's launcher may not have made, always in UTF-8.
"""

from __future__ import annotations

from pathlib import Path

from .kfp_io import PathLike, output_artifact_path

__all__ = ["HTML_SCHEMA", "MARKDOWN_SCHEMA", "write_html", "write_markdown"]

MARKDOWN_SCHEMA = "system.Markdown"
HTML_SCHEMA = "system.HTML"


def _write(path: PathLike, text: str, what: str) -> Path:
    if not isinstance(text, str):
        raise TypeError(f"a {what} report is text, got {type(text).__name__}")
    target = output_artifact_path(path)
    target.write_text(text, encoding="utf-8")
    return target


def write_markdown(path: PathLike, text: str) -> Path:
    """Writes a Markdown artifact (``type: Markdown`` in component.yaml) to its output path."""
    return _write(path, text, "Markdown")


def write_html(path: PathLike, text: str) -> Path:
    """Writes an HTML artifact (``type: HTML`` in component.yaml) to its output path: a whole page or a fragment."""
    return _write(path, text, "HTML")
