"""Fits a linear regression to a CSV dataset by gradient descent and reports its error.

The dataset is a CSV with a header: the ``target`` column (settings, default ``y``)
is predicted from every other column. The rows are shuffled with a fixed seed and
split into a training part and a validation part (``validation_fraction``); batch
gradient descent on the mean squared error fits the weights on the training part,
on standardized features by default (``standardize``), and the model is reported
in the original units. ``rmse`` is the root mean squared error on the validation
rows (on the training rows when there are none).

run.py parses the arguments Kubeflow passes and calls run(); this module does
the work, so it can be tested and reused without a command line.
"""

from __future__ import annotations

import csv
import json
import logging
import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from component_runtime import log_confusion_matrix, log_roc_curve, write_markdown

logger = logging.getLogger(__name__)

MODEL_TYPE = "linear_regression"


@dataclass
class Dataset:
    """Rows of a CSV dataset as numbers: ``x[i]`` holds the features of row i, ``y[i]`` its target."""

    features: list[str]
    target: str
    x: list[list[float]]
    y: list[float]

    def __len__(self) -> int:
        return len(self.y)

    def subset(self, indices: Sequence[int]) -> Dataset:
        return Dataset(self.features, self.target, [self.x[i] for i in indices], [self.y[i] for i in indices])


@dataclass
class LinearModel:
    """``prediction = intercept + sum(weights[i] * row[i])``."""

    features: list[str]
    target: str
    weights: list[float]
    intercept: float
    #: Training facts kept with the model (epochs, learning rate, errors...).
    training: dict[str, Any] = field(default_factory=dict)

    def predict(self, row: Sequence[float]) -> float:
        return self.intercept + math.fsum(w * v for w, v in zip(self.weights, row))

    def to_json(self) -> dict[str, Any]:
        return {
            "type": MODEL_TYPE,
            "features": list(self.features),
            "target": self.target,
            "weights": list(self.weights),
            "intercept": self.intercept,
            "training": dict(self.training),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LinearModel:
        if data.get("type") != MODEL_TYPE:
            raise ValueError(f"not a {MODEL_TYPE} model: type is {data.get('type')!r}")
        return cls(
            features=list(data["features"]),
            target=data["target"],
            weights=[float(w) for w in data["weights"]],
            intercept=float(data["intercept"]),
            training=dict(data.get("training", {})),
        )


def read_dataset(path: Path, *, target: str = "y") -> Dataset:
    """Reads the CSV at ``path``; raises ValueError naming the file and the problem."""
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"dataset {path} is not a file")
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if header is None or not any(name.strip() for name in header):
            raise ValueError(f"dataset {path} is empty: expected a CSV header line, e.g. x1,x2,{target}")
        header = [name.strip() for name in header]
        duplicates = sorted({name for name in header if header.count(name) > 1})
        if duplicates:
            raise ValueError(f"dataset {path} repeats the column(s) {', '.join(duplicates)}")
        if "" in header:
            raise ValueError(f"dataset {path} has a column without a name (column {header.index('') + 1})")
        if target not in header:
            raise ValueError(
                f"dataset {path} has no target column {target!r} (settings key target); "
                f"its columns are {', '.join(header)}"
            )
        target_index = header.index(target)
        features = [name for name in header if name != target]
        if not features:
            raise ValueError(f"dataset {path} has only the target column {target!r}: no features to fit")
        xs: list[list[float]] = []
        ys: list[float] = []
        for row in reader:
            line = reader.line_num
            if not row or all(not value.strip() for value in row):
                continue  # a blank line, e.g. at the end
            if len(row) != len(header):
                raise ValueError(
                    f"dataset {path} line {line} has {len(row)} values, the header has {len(header)} columns"
                )
            numbers = [_number(value, path, line, name) for value, name in zip(row, header)]
            ys.append(numbers[target_index])
            xs.append([value for index, value in enumerate(numbers) if index != target_index])
    if not ys:
        raise ValueError(f"dataset {path} has a header but no rows")
    return Dataset(features, target, xs, ys)


def _number(text: str, path: Path, line: int, column: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"dataset {path} line {line}, column {column}: {text!r} is not a number") from None
    if not math.isfinite(value):
        raise ValueError(f"dataset {path} line {line}, column {column}: {text!r} is not a finite number")
    return value


def split_indices(rows: int, *, validation_fraction: float, seed: int) -> tuple[list[int], list[int]]:
    """Shuffled row indices split into (training, validation); validation gets floor(rows * fraction)."""
    if not 0.0 <= validation_fraction < 1.0:
        raise ValueError(f"validation_fraction must be at least 0 and below 1, got {validation_fraction}")
    indices = list(range(rows))
    random.Random(seed).shuffle(indices)
    validation_rows = int(rows * validation_fraction)
    training = sorted(indices[validation_rows:])
    validation = sorted(indices[:validation_rows])
    return training, validation


def mse(model: LinearModel, x: Sequence[Sequence[float]], y: Sequence[float]) -> float:
    return math.fsum((model.predict(row) - target) ** 2 for row, target in zip(x, y)) / len(y)


def rmse(model: LinearModel, x: Sequence[Sequence[float]], y: Sequence[float]) -> float:
    return math.sqrt(mse(model, x, y))


def r2(model: LinearModel, x: Sequence[Sequence[float]], y: Sequence[float]) -> float | None:
    """Coefficient of determination; None when the targets are all equal."""
    mean = math.fsum(y) / len(y)
    total = math.fsum((value - mean) ** 2 for value in y)
    if total == 0:
        return None
    return 1.0 - mse(model, x, y) * len(y) / total


def fit(
    data: Dataset,
    *,
    learning_rate: float,
    epochs: int,
    standardize: bool = True,
    on_epoch: Callable[[int, float], None] | None = None,
) -> LinearModel:
    """Batch gradient descent on the mean squared error, from all-zero weights.

    With ``standardize`` each feature is scaled to mean 0 and standard deviation 1
    on ``data`` before the descent (one learning rate then suits every feature) and
    the weights are turned back into the original units at the end; a constant
    feature gets weight 0. ``on_epoch(epoch, loss)`` is called after every epoch
    with the training MSE after that epoch's step. Raises ValueError when the
    loss stops being finite (the learning rate is too large).
    """
    if not (math.isfinite(learning_rate) and learning_rate > 0):
        raise ValueError(f"learning_rate must be a positive number, got {learning_rate}")
    if epochs < 1:
        raise ValueError(f"epochs must be at least 1, got {epochs}")
    n = len(data)
    if n == 0:
        raise ValueError("no training rows")
    width = len(data.features)

    means = [0.0] * width
    scales = [1.0] * width
    if standardize:
        for j in range(width):
            column = [row[j] for row in data.x]
            means[j] = math.fsum(column) / n
            spread = math.sqrt(math.fsum((v - means[j]) ** 2 for v in column) / n)
            scales[j] = spread if spread > 0 else math.inf  # constant column: scaled to 0
    x = [[(row[j] - means[j]) / scales[j] for j in range(width)] for row in data.x]
    y = data.y

    weights = [0.0] * width
    intercept = 0.0
    loss = math.nan
    for epoch in range(epochs + 1):
        # one pass: loss and gradient at the weights after `epoch` steps
        gradient = [0.0] * width
        gradient_intercept = 0.0
        squared = 0.0
        for row, target in zip(x, y):
            error = intercept + sum(w * v for w, v in zip(weights, row)) - target
            squared += error * error
            gradient_intercept += error
            for j, value in enumerate(row):
                gradient[j] += error * value
        loss = squared / n
        if not math.isfinite(loss):
            raise ValueError(
                f"training diverged: the loss is {loss} after {epoch} epochs; "
                f"lower learning_rate (it is {learning_rate})"
            )
        if epoch > 0 and on_epoch is not None:
            on_epoch(epoch, loss)
        if epoch == epochs:
            break
        step = 2.0 * learning_rate / n
        intercept -= step * gradient_intercept
        weights = [w - step * g for w, g in zip(weights, gradient)]

    raw_weights = [w / s for w, s in zip(weights, scales)]
    raw_intercept = intercept - math.fsum(w * m for w, m in zip(raw_weights, means))
    return LinearModel(
        features=list(data.features),
        target=data.target,
        weights=raw_weights,
        intercept=raw_intercept,
        training={"epochs": epochs, "learning_rate": learning_rate, "standardize": standardize, "loss": loss},
    )


ABOVE_MEDIAN_CATEGORIES = ["below median", "above median"]


def above_median_classification(model: LinearModel, data: Dataset) -> dict[str, Any]:
    """The regression read as a classifier: is a row's target above the median of ``data``'s?

    A row is predicted "above median" when the model's prediction is above that median.
    Returns the categories, the confusion matrix (``matrix[i][j]``: rows of category i
    predicted as j) and the ROC curve of the predictions as scores (a point per distinct
    prediction, highest first, after one above every prediction: nothing predicted
    above), for a ClassificationMetrics artifact. The curve is empty when every row
    falls in one category (no rate can be worked out).
    """
    targets = sorted(data.y)
    middle = len(targets) // 2
    median = targets[middle] if len(targets) % 2 else (targets[middle - 1] + targets[middle]) / 2
    actual = [value > median for value in data.y]
    scores = [model.predict(row) for row in data.x]
    matrix = [[0, 0], [0, 0]]
    for is_above, score in zip(actual, scores):
        matrix[int(is_above)][int(score > median)] += 1
    positives = sum(actual)
    negatives = len(actual) - positives
    fpr: list[float] = []
    tpr: list[float] = []
    thresholds: list[float] = []
    if positives and negatives:
        for threshold in [max(scores) + 1.0, *sorted(set(scores), reverse=True)]:
            predicted = [score >= threshold for score in scores]
            tpr.append(sum(p and a for p, a in zip(predicted, actual)) / positives)
            fpr.append(sum(p and not a for p, a in zip(predicted, actual)) / negatives)
            thresholds.append(threshold)
    return {
        "median": median,
        "categories": list(ABOVE_MEDIAN_CATEGORIES),
        "matrix": matrix,
        "roc": {"fpr": fpr, "tpr": tpr, "thresholds": thresholds},
    }


def training_report(model: LinearModel, metrics: dict[str, float], classification: dict[str, Any]) -> str:
    """A Markdown summary for the KFP UI (a Markdown artifact): metrics, model and the above-median matrix."""
    lines = ["# Linear regression", "", "| metric | value |", "| --- | ---: |"]
    lines += [f"| {name} | {value:.6g} |" for name, value in metrics.items()]
    lines += [
        "",
        f"Predicting `{model.target}` from {len(model.features)} features:",
        "",
        "| term | weight |",
        "| --- | ---: |",
    ]
    lines += [f"| {feature} | {weight:.6g} |" for feature, weight in zip(model.features, model.weights)]
    lines += [f"| intercept | {model.intercept:.6g} |", ""]
    below, above = classification["categories"]
    (tn, fp), (fn, tp) = classification["matrix"]
    lines += [
        f"Rows above the median {model.target} ({classification['median']:.6g}), predicted by the model:",
        "",
        f"| actual / predicted | {below} | {above} |",
        "| --- | ---: | ---: |",
        f"| {below} | {tn} | {fp} |",
        f"| {above} | {fn} | {tp} |",
        "",
    ]
    return "\n".join(lines)


def metrics_metadata(metrics: dict[str, float | None]) -> dict[str, float]:
    """The metrics as kfp v2 keeps them: ``{name: value}`` in the Metrics artifact's metadata
    (what ``dsl.Metrics.log_metric`` writes and the KFP UI shows); None values left out."""
    return {name: value for name, value in metrics.items() if value is not None}


_KIND_NAMES = {str: "a string", bool: "true or false", int: "a whole number", (int, float): "a number"}


def _setting(settings: Any, key: str, default: Any, kind: type | tuple[type, ...]) -> Any:
    """The setting ``key`` (``default`` when unset), checked to be of ``kind``; bools are not numbers."""
    value = settings.get(key, default)
    if isinstance(value, bool) != (kind is bool) or not isinstance(value, kind):
        raise ValueError(f"setting {key} must be {_KIND_NAMES[kind]}, got {value!r}")
    return value


def run(
    settings: Any,
    *,
    dataset: Path,
    learning_rate: float,
    epochs: int,
    model: Path,
    metrics: Path,
    classification: Path | None = None,
    report: Path | None = None,
) -> dict[str, Any]:
    """Reads ``dataset``, fits, writes the ``model`` JSON and the ``metrics`` file, and,
    when given, the ``classification`` file and the Markdown ``report``.

    Returns ``{"rmse": ..., "metrics": {...}, "classification": {...}, "report": "..."}``:
    the metrics are those in the file, for run.py to put in the Metrics artifact's
    metadata, where KFP reads them; the classification (above_median_classification,
    on the rows rmse is measured on) for the ClassificationMetrics artifact's; the
    classification file holds that metadata as kfp's ClassificationMetrics writes it.

    Settings: ``target`` (column to predict), ``validation_fraction``, ``split_seed``,
    ``standardize``, ``log_every`` (epochs between loss log lines).
    """
    target = _setting(settings, "target", "y", str)
    validation_fraction = float(_setting(settings, "validation_fraction", 0.2, (int, float)))
    split_seed = _setting(settings, "split_seed", 0, int)
    standardize = _setting(settings, "standardize", True, bool)
    log_every = _setting(settings, "log_every", 50, int)
    if log_every < 1:
        raise ValueError(f"setting log_every must be at least 1, got {log_every}")
    if not (math.isfinite(learning_rate) and learning_rate > 0):
        raise ValueError(f"learning_rate must be a positive number, got {learning_rate}")
    if epochs < 1:
        raise ValueError(f"epochs must be at least 1, got {epochs}")

    data = read_dataset(dataset, target=target)
    training_rows, validation_rows = split_indices(len(data), validation_fraction=validation_fraction, seed=split_seed)
    if not training_rows:
        raise ValueError(f"dataset {dataset} has {len(data)} rows: too few to keep any for training")
    train, validation = data.subset(training_rows), data.subset(validation_rows)
    logger.info(
        "read %d rows from %s",
        len(data),
        dataset,
        extra={
            "rows": len(data),
            "features": data.features,
            "target": target,
            "training_rows": len(train),
            "validation_rows": len(validation),
        },
    )
    if not validation and validation_fraction > 0:
        logger.warning(
            "too few rows for a validation split: rmse is measured on the training rows",
            extra={"rows": len(data), "validation_fraction": validation_fraction},
        )

    def log_epoch(epoch: int, loss: float) -> None:
        if epoch == 1 or epoch % log_every == 0 or epoch == epochs:
            logger.info("epoch %d/%d: training loss %.6g", epoch, epochs, loss, extra={"epoch": epoch, "loss": loss})

    fitted = fit(train, learning_rate=learning_rate, epochs=epochs, standardize=standardize, on_epoch=log_epoch)
    train_rmse = rmse(fitted, train.x, train.y)
    evaluation = validation if validation else train
    score = rmse(fitted, evaluation.x, evaluation.y)
    determination = r2(fitted, evaluation.x, evaluation.y)
    fitted.training.update(
        {
            "training_rows": len(train),
            "validation_rows": len(validation),
            "train_rmse": train_rmse,
            "validation_rmse": score if validation else None,
        }
    )

    model.write_text(json.dumps(fitted.to_json(), indent=2) + "\n", encoding="utf-8")
    reported = metrics_metadata({"rmse": score, "train-rmse": train_rmse, "r2": determination})
    # The file holds what the artifact's metadata holds: KFP reads the metadata, a person the file.
    metrics.write_text(json.dumps(reported, indent=2) + "\n", encoding="utf-8")
    classified = above_median_classification(fitted, evaluation)
    summary = training_report(fitted, reported, classified)
    if classification is not None:
        classification.write_text(json.dumps(classification_metadata(classified), indent=2) + "\n", encoding="utf-8")
    if report is not None:
        write_markdown(report, summary)
    logger.info(
        "fitted %s: rmse %.6g",
        target,
        score,
        extra={
            "rmse": score,
            "train_rmse": train_rmse,
            "r2": determination,
            "rmse_on": "validation" if validation else "training",
            "weights": dict(zip(fitted.features, fitted.weights)),
            "intercept": fitted.intercept,
            "model_path": str(model),
        },
    )
    return {"rmse": score, "metrics": reported, "classification": classified, "report": summary}


def classification_metadata(classified: dict[str, Any]) -> dict[str, Any]:
    """The ClassificationMetrics metadata of above_median_classification's result, as kfp keeps it."""
    metadata: dict[str, Any] = {}
    log_confusion_matrix(metadata, classified["categories"], classified["matrix"])
    roc = classified["roc"]
    log_roc_curve(metadata, roc["fpr"], roc["tpr"], roc["thresholds"])
    return metadata
