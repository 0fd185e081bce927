"""A ClassificationMetrics artifact's metadata, in the shape kfp's own class writes it.

kfp's ``dsl.ClassificationMetrics`` (kfp/dsl/types/artifact_types.py) keeps a confusion
matrix and an ROC curve in the artifact's metadata, which the executor output carries
to KFP, whose UI draws them::

    {"confusionMatrix": {"annotationSpecs": [{"displayName": "a"}, ...],
                         "rows": [{"row": [3, 1]}, ...]},
     "confidenceMetrics": [{"confidenceThreshold": 0.5, "recall": 0.9, "falsePositiveRate": 0.1}, ...]}

kfp's ``dsl.SlicedClassificationMetrics`` keeps one such metadata per slice, in the order
the slices were first logged::

    {"evaluationSlices": [{"slice": "north", "sliceClassificationMetrics": {<as above>}}, ...]}

These functions write the same keys from a plain component (no kfp installed), and check
what kfp checks (lengths, categories), plus what the executor output's JSON needs
(finite numbers): a mistake is an error naming the value at the call, not at the end.
:class:`~component_runtime.executor_io.OutputArtifact` has them as methods, named as
kfp's: ``executor.output_artifact("roc").log_roc_curve(fpr, tpr, thresholds)``.
"""

from __future__ import annotations

import math

# typing for annotations only: importing it costs every task ~2 ms (type checkers take
# any name TYPE_CHECKING as true)
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any

__all__ = [
    "CLASSIFICATION_METRICS_SCHEMA",
    "SLICED_CLASSIFICATION_METRICS_SCHEMA",
    "log_confusion_matrix",
    "log_roc_curve",
    "log_roc_data_point",
    "log_slice_confusion_matrix",
    "log_slice_roc_curve",
]

CLASSIFICATION_METRICS_SCHEMA = "system.ClassificationMetrics"
SLICED_CLASSIFICATION_METRICS_SCHEMA = "system.SlicedClassificationMetrics"


def _number(value: Any, what: str) -> float | int:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError(f"{what} must be a finite number, got {value!r}")
    return value


def log_roc_data_point(metadata: dict[str, Any], fpr: float, tpr: float, threshold: float) -> None:
    """As kfp's ``log_roc_data_point``: one point appended to ``confidenceMetrics``."""
    point = {
        "confidenceThreshold": _number(threshold, "threshold"),
        "recall": _number(tpr, "tpr"),
        "falsePositiveRate": _number(fpr, "fpr"),
    }
    metadata.setdefault("confidenceMetrics", []).append(point)


def log_roc_curve(
    metadata: dict[str, Any], fpr: Sequence[float], tpr: Sequence[float], threshold: Sequence[float]
) -> None:
    """As kfp's ``log_roc_curve``: the points in order; the three lists must be as long as each other."""
    if not len(fpr) == len(tpr) == len(threshold):
        raise ValueError(
            "Length of fpr, tpr and threshold must be the same. "
            f"Got lengths {len(fpr)}, {len(tpr)} and {len(threshold)} respectively."
        )
    # every point checked before any is added: a bad one leaves the curve as it was
    points: list[dict[str, Any]] = []
    for index, (f, t, h) in enumerate(zip(fpr, tpr, threshold)):
        try:
            log_roc_data_point({"confidenceMetrics": points}, f, t, h)
        except ValueError as exc:
            raise ValueError(f"ROC point {index}: {exc}") from None
    if points:  # kfp adds the key with the first point
        metadata.setdefault("confidenceMetrics", []).extend(points)


def log_confusion_matrix(
    metadata: dict[str, Any], categories: Sequence[str], matrix: Sequence[Sequence[float]]
) -> None:
    """As kfp's ``log_confusion_matrix``: ``matrix[i][j]`` counts rows of category i predicted as j.

    The matrix must be square, one row and one column per category; it replaces any
    matrix logged before, as kfp's does.
    """
    names = [str(category) for category in categories]
    if len(set(names)) != len(names):
        raise ValueError(f"confusion matrix categories must be distinct, got {names}")
    if len(matrix) != len(names) or any(len(row) != len(names) for row in matrix):
        raise ValueError(f"Invalid matrix: {[list(row) for row in matrix]} passed for categories: {names}")
    rows = [
        {"row": [_number(value, f"confusion matrix cell [{names[i]}][{names[j]}]") for j, value in enumerate(row)]}
        for i, row in enumerate(matrix)
    ]
    metadata["confusionMatrix"] = {"annotationSpecs": [{"displayName": name} for name in names], "rows": rows}


def _slice_metadata(metadata: dict[str, Any], slice_name: str) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    if not isinstance(slice_name, str) or not slice_name:
        raise ValueError(f"a slice is named by a non-empty string, got {slice_name!r}")
    slices = metadata.get("evaluationSlices", [])
    for entry in slices:
        if entry.get("slice") == slice_name:
            return slices, entry["sliceClassificationMetrics"]
    return slices, None


def _log_for_slice(metadata: dict[str, Any], slice_name: str, log: Any) -> None:
    slices, known = _slice_metadata(metadata, slice_name)
    # logged into a copy first: a refused call leaves the artifact as it was, no empty slice added
    updated = dict(known or {})
    log(updated)
    if known is not None:
        known.clear()
        known.update(updated)
        return
    slices.append({"slice": slice_name, "sliceClassificationMetrics": updated})
    metadata["evaluationSlices"] = slices


def log_slice_confusion_matrix(
    metadata: dict[str, Any], slice_name: str, categories: Sequence[str], matrix: Sequence[Sequence[float]]
) -> None:
    """A slice's confusion matrix, as :func:`log_confusion_matrix` writes it, in kfp's sliced shape.

    kfp 2.17's ``SlicedClassificationMetrics.load_confusion_matrix`` cannot be called (it passes
    its arguments to the wrong method); the metadata is the one its ``_update_metadata`` builds.
    """
    _log_for_slice(metadata, slice_name, lambda inner: log_confusion_matrix(inner, categories, matrix))


def log_slice_roc_curve(
    metadata: dict[str, Any], slice_name: str, fpr: Sequence[float], tpr: Sequence[float], threshold: Sequence[float]
) -> None:
    """A slice's ROC points, as :func:`log_roc_curve` adds them, in kfp's sliced shape."""
    _log_for_slice(metadata, slice_name, lambda inner: log_roc_curve(inner, fpr, tpr, threshold))
