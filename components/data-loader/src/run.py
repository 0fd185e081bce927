"""Entry point of the data-loader component: Writes a synthetic, seeded CSV dataset for a small regression problem.

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

from lib import data_loader

COMPONENT_NAME = "data-loader"
COMPONENT_ROOT = Path(__file__).resolve().parent.parent


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog=COMPONENT_NAME, description="Writes a synthetic, seeded CSV dataset for a small regression problem"
    )
    parser.add_argument(
        "--rows",
        dest="rows",
        type=parameter_parser("Integer"),
        default="200",
        help="input parameter (Integer)",
    )
    parser.add_argument(
        "--noise",
        dest="noise",
        type=parameter_parser("Float"),
        default="0.1",
        help="input parameter (Float)",
    )
    parser.add_argument(
        "--seed",
        dest="seed",
        type=parameter_parser("Integer"),
        default="42",
        help="input parameter (Integer)",
    )
    parser.add_argument(
        "--dataset",
        dest="dataset",
        type=Path,
        required=True,
        help="output artifact (Dataset): path to write",
    )
    parser.add_argument(
        "--row-count",
        dest="row_count",
        type=Path,
        required=True,
        help="output parameter (Integer): file to write the value to",
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
        outputs = data_loader.run(
            settings,
            rows=args.rows,
            noise=args.noise,
            seed=args.seed,
            dataset=output_artifact_path(args.dataset),
        )
        write_output_parameter(args.row_count, outputs["row_count"])
        # KFP learns from the executor output which artifacts the task made (kfp.local gives
        # a downstream task none that it does not list) and takes their metadata from it.
        executor.set_output_parameter("row_count", outputs["row_count"])
        executor.output_artifact("dataset").metadata.update({"rows": outputs["row_count"]})
        executor.write()
    except Exception as error:
        logger.exception("%s failed: %s", COMPONENT_NAME, error)
        return 1
    logger.info("%s finished", COMPONENT_NAME)
    return 0


if __name__ == "__main__":
    sys.exit(main())
