"""Entry point of the cv-summary component: Summarises per-fold validation errors: their mean and spread.

Kubeflow runs `python src/run.py` with the arguments component.yaml lists. This
file parses them, loads the settings, sets up JSON logging and calls src/lib.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from component_runtime import (
    add_kfp_arguments,
    executor_io,
    load_settings,
    output_artifact_path,
    parameter_parser,
    run_identity,
    setup_logging,
    write_output_parameter,
)

from lib import cv_summary

COMPONENT_NAME = "cv-summary"
COMPONENT_ROOT = Path(__file__).resolve().parent.parent


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog=COMPONENT_NAME, description="Summarises per-fold validation errors: their mean and spread"
    )
    parser.add_argument(
        "--rmse-values",
        dest="rmse_values",
        type=parameter_parser("JsonArray"),
        required=True,
        help="input parameter (JsonArray)",
    )
    parser.add_argument(
        "--summary",
        dest="summary",
        type=Path,
        required=True,
        help="output artifact (Metrics): path to write",
    )
    parser.add_argument(
        "--mean-rmse",
        dest="mean_rmse",
        type=Path,
        required=True,
        help="output parameter (Float): file to write the value to",
    )
    add_kfp_arguments(parser)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    identity = run_identity(args).logging_context()
    # JSON logging from the first line on, so even a settings error is one JSON record.
    logger = setup_logging(COMPONENT_NAME, **identity)
    try:
        executor = executor_io(args)
        settings = load_settings(COMPONENT_ROOT)
        # A task's LOG_LEVEL (pipeline.yaml env) wins over the settings file.
        logger = setup_logging(
            COMPONENT_NAME, level=os.environ.get("LOG_LEVEL") or settings.get("log_level"), **identity
        )
        outputs = cv_summary.run(
            settings,
            rmse_values=args.rmse_values,
            summary=output_artifact_path(args.summary),
        )
        write_output_parameter(args.mean_rmse, outputs["mean_rmse"])
        executor.set_output_parameter("mean_rmse", outputs["mean_rmse"])
        # KFP reads the executor output: the summary's metrics as the Metrics artifact's
        # metadata (the KFP UI shows them), and the output parameters. Nothing is written without {{$}}.
        for name, value in outputs["metrics"].items():
            executor.output_artifact("summary").log_metric(name, value)
        executor.write()
    except Exception as error:
        logger.exception("%s failed: %s", COMPONENT_NAME, error)
        return 1
    logger.info("%s finished", COMPONENT_NAME)
    return 0


if __name__ == "__main__":
    sys.exit(main())
