"""Writes a synthetic, seeded CSV dataset for a small regression problem.

Each row holds the features, drawn uniformly from [feature_low, feature_high], and
the target

    y = intercept + sum(coefficients[i] * x_i) + N(0, noise^2)

The true coefficients, the intercept, the column names and the feature range come
from the settings (the ``dataset`` table), so a trainer downstream can be checked
against known answers. The same seed gives the same file, byte for byte; the
features depend on the seed only, so two files with the same seed and different
noise differ only in the target column.

run.py parses the arguments Kubeflow passes and calls run(); this module does
the work, so it can be tested and reused without a command line.
"""

from __future__ import annotations

import csv
import logging
import math
import random
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

#: Used when the settings do not say (config/settings.toml sets them all).
DEFAULT_DECIMALS = 6
DEFAULT_MAX_ROWS = 1_000_000


@dataclass(frozen=True)
class DatasetSpec:
    """What the generated data looks like: columns, true coefficients, feature range."""

    features: tuple[str, ...]
    coefficients: tuple[float, ...]
    intercept: float
    target: str = "y"
    feature_low: float = -1.0
    feature_high: float = 1.0

    def __post_init__(self) -> None:
        problems = []
        if not self.features:
            problems.append("dataset.features is empty: name at least one feature column")
        names = [*self.features, self.target]
        for name in names:
            if not isinstance(name, str) or not name.strip():
                problems.append(f"column name {name!r} is not a non-empty string")
        duplicates = sorted({name for name in names if names.count(name) > 1}, key=str)
        if duplicates:
            problems.append(
                f"column names must be unique (features and target): {', '.join(map(str, duplicates))} repeat"
            )
        if len(self.coefficients) != len(self.features):
            problems.append(
                f"dataset.coefficients has {len(self.coefficients)} values but dataset.features "
                f"names {len(self.features)} columns: give one coefficient per feature"
            )
        numbers = {
            "dataset.intercept": [self.intercept],
            "dataset.coefficients": list(self.coefficients),
            "dataset.feature_low": [self.feature_low],
            "dataset.feature_high": [self.feature_high],
        }
        for key, values in numbers.items():
            if not all(_is_number(value) and math.isfinite(value) for value in values):
                problems.append(f"{key} must hold finite numbers, got {values if len(values) > 1 else values[0]!r}")
        if _is_number(self.feature_low) and _is_number(self.feature_high) and not self.feature_low < self.feature_high:
            problems.append(
                f"dataset.feature_low ({self.feature_low}) must be below dataset.feature_high ({self.feature_high})"
            )
        if problems:
            raise ValueError("invalid dataset settings: " + "; ".join(problems))

    @property
    def header(self) -> list[str]:
        return [*self.features, self.target]

    @classmethod
    def from_settings(cls, settings: Any) -> DatasetSpec:
        """The spec from the settings' ``dataset`` table."""
        table = settings.get("dataset")
        if not isinstance(table, Mapping):
            raise ValueError(
                "settings have no [dataset] table: config/settings.toml should define "
                "[default.dataset] with features, coefficients and intercept"
            )
        missing = [key for key in ("features", "coefficients", "intercept") if table.get(key) is None]
        if missing:
            raise ValueError(f"settings [dataset] table lacks {', '.join(missing)}")
        features = table.get("features")
        coefficients = table.get("coefficients")
        if isinstance(features, str) or not isinstance(features, (list, tuple)):
            raise ValueError(f"dataset.features must be a list of column names, got {features!r}")
        if isinstance(coefficients, str) or not isinstance(coefficients, (list, tuple)):
            raise ValueError(f"dataset.coefficients must be a list of numbers, got {coefficients!r}")
        return cls(
            features=tuple(features),
            coefficients=tuple(coefficients),
            intercept=table.get("intercept"),
            target=table.get("target", "y"),
            feature_low=table.get("feature_low", -1.0),
            feature_high=table.get("feature_high", 1.0),
        )


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def generate_rows(spec: DatasetSpec, *, rows: int, noise: float, seed: int) -> Iterator[list[float]]:
    """``rows`` rows of ``[x_1, ..., x_n, y]``, reproducible from ``seed``.

    Features and noise come from two generators, both seeded from ``seed``, so the
    features do not change with ``noise``.
    """
    feature_rng = random.Random(f"features:{seed}")
    noise_rng = random.Random(f"noise:{seed}")
    for _ in range(rows):
        xs = [feature_rng.uniform(spec.feature_low, spec.feature_high) for _ in spec.features]
        y = spec.intercept + math.fsum(c * x for c, x in zip(spec.coefficients, xs))
        if noise > 0:
            y += noise_rng.gauss(0.0, noise)
        yield [*xs, y]


def write_dataset(
    path: Path,
    spec: DatasetSpec,
    *,
    rows: int,
    noise: float,
    seed: int,
    decimals: int = DEFAULT_DECIMALS,
) -> int:
    """Writes the CSV (header, then one line per row, ``\\n`` line ends); returns the row count."""
    written = 0
    with Path(path).open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(spec.header)
        for row in generate_rows(spec, rows=rows, noise=noise, seed=seed):
            writer.writerow([f"{value:.{decimals}f}" for value in row])
            written += 1
    return written


def check_inputs(*, rows: int, noise: float, max_rows: int) -> None:
    """Raises ValueError naming the input when rows or noise cannot make a dataset."""
    if rows < 1:
        raise ValueError(f"rows must be at least 1, got {rows}")
    if rows > max_rows:
        raise ValueError(
            f"rows={rows} is above max_rows={max_rows} for this environment "
            "(settings key max_rows; raise it there if the size is intended)"
        )
    if not math.isfinite(noise) or noise < 0:
        raise ValueError(f"noise is the standard deviation of the target's noise: it must be >= 0, got {noise}")


def _int_setting(settings: Any, key: str, default: int, *, low: int, high: int | None = None) -> int:
    value = settings.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or value < low or (high is not None and value > high):
        bounds = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise ValueError(f"setting {key} must be a whole number {bounds}, got {value!r}")
    return value


def run(
    settings: Any,
    *,
    rows: int,
    noise: float,
    seed: int,
    dataset: Path,
) -> dict[str, Any]:
    """Writes ``rows`` seeded rows to the ``dataset`` CSV and returns ``{"row_count": rows}``.

    Settings: ``dataset`` (features, coefficients, intercept, target, feature_low,
    feature_high), ``decimals`` (digits after the point), ``max_rows`` (refuse larger requests).
    """
    max_rows = _int_setting(settings, "max_rows", DEFAULT_MAX_ROWS, low=1)
    decimals = _int_setting(settings, "decimals", DEFAULT_DECIMALS, low=0, high=17)
    check_inputs(rows=rows, noise=noise, max_rows=max_rows)
    spec = DatasetSpec.from_settings(settings)
    logger.debug(
        "generating dataset",
        extra={
            "rows": rows,
            "noise": noise,
            "seed": seed,
            "features": list(spec.features),
            "target": spec.target,
            "coefficients": list(spec.coefficients),
            "intercept": spec.intercept,
        },
    )
    written = write_dataset(dataset, spec, rows=rows, noise=noise, seed=seed, decimals=decimals)
    logger.info(
        "wrote %d rows to %s",
        written,
        dataset,
        extra={
            "rows": written,
            "columns": spec.header,
            "path": str(dataset),
            "noise": noise,
            "seed": seed,
        },
    )
    return {"row_count": written}
