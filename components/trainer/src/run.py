"""Entry point of the trainer component: Fits a linear regression to a CSV dataset by gradient descent and reports its error.

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

from lib import trainer

COMPONENT_NAME = "trainer"
COMPONENT_ROOT = Path(__file__).resolve().parent.parent


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog=COMPONENT_NAME,
        description="Fits a linear regression to a CSV dataset by gradient descent and reports its error",
    )
    parser.add_argument(
        "--dataset", dest="dataset", type=Path, required=True, help="input artifact (Dataset): path to read"
    )
    parser.add_argument(
        "--learning-rate",
        dest="learning_rate",
        type=parameter_parser("Float"),
        default="0.05",
        help="input parameter (Float)",
    )
    parser.add_argument(
        "--epochs",
        dest="epochs",
        type=parameter_parser("Integer"),
        default="200",
        help="input parameter (Integer)",
    )
    parser.add_argument(
        "--model",
        dest="model",
        type=Path,
        required=True,
        help="output artifact (Model): path to write",
    )
    parser.add_argument(
        "--rmse",
        dest="rmse",
        type=Path,
        required=True,
        help="output parameter (Float): file to write the value to",
    )
    parser.add_argument(
        "--metrics",
        dest="metrics",
        type=Path,
        required=True,
        help="output artifact (Metrics): path to write",
    )
    parser.add_argument(
        "--classification",
        dest="classification",
        type=Path,
        required=True,
        help="output artifact (ClassificationMetrics): path to write",
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
        outputs = trainer.run(
            settings,
            dataset=args.dataset,
            learning_rate=args.learning_rate,
            epochs=args.epochs,
            model=output_artifact_path(args.model),
            metrics=output_artifact_path(args.metrics),
            classification=output_artifact_path(args.classification),
            report=output_artifact_path(args.report),
        )
        write_output_parameter(args.rmse, outputs["rmse"])
        # KFP reads the executor output: the metrics as the Metrics artifact's metadata (the UI
        # shows them), every output artifact's URI, and the parameter beside its file.
        executor.set_output_parameter("rmse", outputs["rmse"])
        for name, value in outputs["metrics"].items():
            executor.output_artifact("metrics").log_metric(name, value)
        # the above-median confusion matrix and ROC curve, which the KFP UI draws (the report
        # is its file alone: a Markdown artifact has no metadata)
        classified = outputs["classification"]
        classification = executor.output_artifact("classification")
        classification.log_confusion_matrix(classified["categories"], classified["matrix"])
        roc = classified["roc"]
        classification.log_roc_curve(roc["fpr"], roc["tpr"], roc["thresholds"])
        executor.write()
    except Exception as error:
        logger.exception("%s failed: %s", COMPONENT_NAME, error)
        return 1
    logger.info("%s finished", COMPONENT_NAME)
    return 0


if __name__ == "__main__":
    sys.exit(main())
