"""KFP's executor input and executor output, for a component that runs as a plain container.

KFP hands a container its executor input (``{{$}}``, written ``{executorInput: null}``
in component.yaml): the task's input values, and for every output where to put it,
among them ``outputs.outputFile``, the executor output file. After the container ends,
KFP reads that file: kfp.local learns from it which output artifacts exist (without it
a downstream task finds no artifact to read), and the KFP launcher takes the artifacts'
metadata from it (the UI shows a Metrics artifact's metadata as its metrics). Output
parameters may be in it too; the launcher prefers them to the parameter files.

:class:`ExecutorIO` writes that file as kfp's own Python executor does
(``kfp/dsl/executor.py``: ``write_executor_output``)::

    {"artifacts": {"<output>": {"artifacts": [{"name": ..., "uri": ..., "metadata": {...}}]}},
     "parameterValues": {"<output>": <value>}}

Without an executor input (the component run by hand, or by an executor that passes
none) it writes nothing and the component works as before from its path arguments.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

from ._dataclass_compat import DataclassCompat, dataclass_compat

# Annotations only (typing costs every task ~2 ms to import); classification_metrics is
# imported by the methods that write those metrics, which most tasks never call.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from types import ModuleType
    from typing import Any

__all__ = [
    "ExecutorIO",
    "ExecutorInputError",
    "OutputArtifact",
    "is_unresolved_placeholder",
]


class ExecutorInputError(ValueError):
    """The executor input handed to the component cannot be used."""


def is_unresolved_placeholder(text: str | None) -> bool:
    """True for text an executor left as it was written, e.g. ``{{$.pipeline_job_name}}``.

    The KFP launcher resolves only some placeholders in a container's arguments
    (``{{$}}``, inputs, outputs); the rest reach the component as they are.
    """
    if text is None:
        return False
    stripped = text.strip()
    return stripped.startswith("{{$") and stripped.endswith("}}")


class _NewDict:
    """The default of a field made by a factory (a new dict each time), shown as dataclasses show it."""

    def __repr__(self) -> str:
        return "<factory>"


_NEW_DICT: Any = _NewDict()


@dataclass_compat()
class OutputArtifact(DataclassCompat):
    """One output artifact as the executor input names it; ``metadata`` goes to the executor output.

    A dataclass to the outside (``dataclasses.asdict``, ``replace``...), without importing
    dataclasses on every task's start-up (_dataclass_compat.py).
    """

    name: str
    uri: str
    schema_title: str | None
    metadata: dict[str, Any]
    _fields = ("name", "uri", "schema_title", "metadata")

    def __init__(self, name: str, uri: str, schema_title: str | None, metadata: dict[str, Any] = _NEW_DICT) -> None:
        self.name = name
        self.uri = uri
        self.schema_title = schema_title
        self.metadata = {} if metadata is _NEW_DICT else metadata

    @staticmethod
    def _dataclass_twin() -> type:
        from dataclasses import dataclass, field

        @dataclass
        class OutputArtifact:
            name: str
            uri: str
            schema_title: str | None
            metadata: dict[str, Any] = field(default_factory=dict)

        return OutputArtifact

    def log_metric(self, metric: str, value: float) -> None:
        """As kfp's ``Metrics.log_metric``: a number in the metadata, under its name."""
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise TypeError(f"metric {metric!r} must be a number, got {type(value).__name__}")
        if not math.isfinite(value):
            raise ValueError(f"metric {metric!r} must be a finite number, got {value!r}")
        self.metadata[metric] = value

    def _classification(self, method: str, *, sliced: bool = False) -> tuple[ModuleType, dict[str, Any]]:
        """classification_metrics (imported here, on first use) and the metadata ``method`` writes into."""
        from . import classification_metrics

        schema = (
            classification_metrics.SLICED_CLASSIFICATION_METRICS_SCHEMA
            if sliced
            else classification_metrics.CLASSIFICATION_METRICS_SCHEMA
        )
        # a known type other than the one the call writes is a wiring mistake the KFP UI would not show
        if self.schema_title not in (None, schema):
            kind = schema.removeprefix("system.")
            raise TypeError(f"{method} needs a {kind} output; {self.name!r} is {self.schema_title}")
        return classification_metrics, self.metadata

    def log_confusion_matrix(self, categories: Sequence[str], matrix: Sequence[Sequence[float]]) -> None:
        """As kfp's ``ClassificationMetrics.log_confusion_matrix`` (classification_metrics.py)."""
        metrics, metadata = self._classification("log_confusion_matrix")
        metrics.log_confusion_matrix(metadata, categories, matrix)

    def log_roc_curve(self, fpr: Sequence[float], tpr: Sequence[float], threshold: Sequence[float]) -> None:
        """As kfp's ``ClassificationMetrics.log_roc_curve`` (classification_metrics.py)."""
        metrics, metadata = self._classification("log_roc_curve")
        metrics.log_roc_curve(metadata, fpr, tpr, threshold)

    def log_roc_data_point(self, fpr: float, tpr: float, threshold: float) -> None:
        """As kfp's ``ClassificationMetrics.log_roc_data_point`` (classification_metrics.py)."""
        metrics, metadata = self._classification("log_roc_data_point")
        metrics.log_roc_data_point(metadata, fpr, tpr, threshold)

    def log_slice_confusion_matrix(
        self, slice_name: str, categories: Sequence[str], matrix: Sequence[Sequence[float]]
    ) -> None:
        """A SlicedClassificationMetrics slice's confusion matrix (classification_metrics.py)."""
        metrics, metadata = self._classification("log_slice_confusion_matrix", sliced=True)
        metrics.log_slice_confusion_matrix(metadata, slice_name, categories, matrix)

    def log_slice_roc_curve(
        self, slice_name: str, fpr: Sequence[float], tpr: Sequence[float], threshold: Sequence[float]
    ) -> None:
        """A SlicedClassificationMetrics slice's ROC points (classification_metrics.py)."""
        metrics, metadata = self._classification("log_slice_roc_curve", sliced=True)
        metrics.log_slice_roc_curve(metadata, slice_name, fpr, tpr, threshold)


def _dict(value: Any, where: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ExecutorInputError(f"executor input: {where} must be a JSON object, got {type(value).__name__}")
    return value


class ExecutorIO:
    """The executor input a task was given, and the executor output it writes back."""

    def __init__(self, executor_input: Mapping[str, Any] | None) -> None:
        self.executor_input: dict[str, Any] | None = dict(executor_input) if executor_input is not None else None
        outputs = _dict((executor_input or {}).get("outputs"), "outputs")
        output_file = outputs.get("outputFile") or outputs.get("output_file")
        self.output_file: Path | None = Path(output_file) if output_file else None
        self.output_parameter_names = set(_dict(outputs.get("parameters"), "outputs.parameters"))
        self.artifacts: dict[str, OutputArtifact] = {}
        for name, listing in _dict(outputs.get("artifacts"), "outputs.artifacts").items():
            entries = _dict(listing, f"outputs.artifacts.{name}").get("artifacts") or []
            if not isinstance(entries, list) or not entries:
                raise ExecutorInputError(f"executor input: outputs.artifacts.{name} lists no artifact")
            first = _dict(entries[0], f"outputs.artifacts.{name}.artifacts[0]")
            self.artifacts[name] = OutputArtifact(
                name=str(first.get("name") or name),
                uri=str(first.get("uri") or ""),
                schema_title=_dict(first.get("type"), f"outputs.artifacts.{name} type").get("schemaTitle"),
                # the executor input's metadata is where kfp starts (empty for outputs)
                metadata=dict(_dict(first.get("metadata"), f"outputs.artifacts.{name} metadata")),
            )
        self.parameter_values: dict[str, Any] = {}
        self._detached: dict[str, OutputArtifact] = {}

    @classmethod
    def from_text(cls, text: str | None) -> ExecutorIO:
        """From the ``{{$}}`` argument; none, empty or left unresolved: no executor input."""
        if text is None or not text.strip() or is_unresolved_placeholder(text):
            return cls(None)
        try:
            parsed = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ExecutorInputError(f"the executor input is not JSON ({exc}): {text[:200]!r}") from None
        if not isinstance(parsed, dict):
            raise ExecutorInputError(f"the executor input must be a JSON object, got {type(parsed).__name__}")
        return cls(parsed)

    @property
    def active(self) -> bool:
        """Whether there is an executor output file to write."""
        return self.output_file is not None

    def output_artifact(self, name: str) -> OutputArtifact:
        """The output artifact ``name``; KeyError naming the known ones when the executor input has none.

        Without an executor input any name is taken, so a component's code need not
        branch: its metadata is kept, and written nowhere.
        """
        if self.executor_input is None:
            return self._detached.setdefault(name, OutputArtifact(name=name, uri="", schema_title=None))
        try:
            return self.artifacts[name]
        except KeyError:
            known = ", ".join(sorted(self.artifacts)) or "none"
            raise KeyError(f"the executor input has no output artifact {name!r} (it has: {known})") from None

    def set_output_parameter(self, name: str, value: Any) -> None:
        """Records an output parameter's value for the executor output (as a returned value in kfp)."""
        if self.executor_input is not None and name not in self.output_parameter_names:
            known = ", ".join(sorted(self.output_parameter_names)) or "none"
            raise KeyError(f"the executor input has no output parameter {name!r} (it has: {known})")
        try:
            json.dumps(value, allow_nan=False)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"output parameter {name!r} cannot be written as JSON: {exc}") from None
        self.parameter_values[name] = value

    def executor_output(self) -> dict[str, Any]:
        """The document kfp's Python executor would write for these outputs."""
        document: dict[str, Any] = {}
        if self.artifacts:
            document["artifacts"] = {
                name: {"artifacts": [{"name": artifact.name, "uri": artifact.uri, "metadata": artifact.metadata}]}
                for name, artifact in self.artifacts.items()
            }
        if self.parameter_values:
            document["parameterValues"] = dict(self.parameter_values)
        return document

    def write(self) -> Path | None:
        """Writes the executor output file (parent folders made); None when there is no executor input."""
        if self.output_file is None:
            return None
        text = json.dumps(self.executor_output(), allow_nan=False)
        self.output_file.parent.mkdir(parents=True, exist_ok=True)
        # a temporary file renamed over the target: a reader never sees half of it
        temporary = self.output_file.with_name(f".{self.output_file.name}.{os.getpid()}.tmp")
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, self.output_file)
        return self.output_file
