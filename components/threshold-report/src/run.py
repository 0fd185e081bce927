"""Entry point of the threshold-report component: Explains a quality gate's verdict: a measured value against its limit, as a Markdown report.

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
)

from lib import threshold_report

COMPONENT_NAME = "threshold-report"
COMPONENT_ROOT = Path(__file__).resolve().parent.parent


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog=COMPONENT_NAME,
        description="Explains a quality gate's verdict: a measured value against its limit, as a Markdown report",
    )
    parser.add_argument(
        "--metric",
        dest="metric",
        type=parameter_parser("String"),
        required=True,
        help="input parameter (String)",
    )
    parser.add_argument(
        "--value",
        dest="value",
        type=parameter_parser("Float"),
        required=True,
        help="input parameter (Float)",
    )
    parser.add_argument(
        "--limit",
        dest="limit",
        type=parameter_parser("Float"),
        required=True,
        help="input parameter (Float)",
    )
    parser.add_argument(
        "--report",
        dest="report",
        type=Path,
        required=True,
        help="output artifact (Markdown): path to write",
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
        threshold_report.run(
            settings,
            metric=args.metric,
            value=args.value,
            limit=args.limit,
            report=output_artifact_path(args.report),
        )
        # KFP reads the executor output: every output artifact with its URI and metadata (a
        # Metrics artifact's metrics: executor.output_artifact("name").log_metric("rmse", 0.1),
        # which the KFP UI shows), and the output parameters. Nothing is written without {{$}}.
        executor.write()
    except Exception as error:
        logger.exception("%s failed: %s", COMPONENT_NAME, error)
        return 1
    logger.info("%s finished", COMPONENT_NAME)
    return 0


if __name__ == "__main__":
    sys.exit(main())
