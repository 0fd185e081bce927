"""argv: executor input JSON, fail. Metrics and ClassificationMetrics metadata in kfp's shapes
(kfp.dsl.Metrics.log_metric, ClassificationMetrics.log_confusion_matrix / log_roc_data_point,
SlicedClassificationMetrics' evaluationSlices as component-runtime's log_slice_* write them)."""
import datetime
import json
import os
import sys

executor_input = json.loads(sys.argv[1])
fail = sys.argv[2] == "true"


def log(severity, message, **extra):
    print(json.dumps({"timestamp": datetime.datetime.now(datetime.timezone.utc).isoformat(), "severity": severity, "message": message,
                      "logger": "evaluate", "component": "evaluate", **extra}), flush=True)


data = executor_input["inputs"]["artifacts"]["data"]["artifacts"][0]["uri"]
with open(data, encoding="utf-8") as source:
    lines = source.read().splitlines()[1:]
log("INFO", "evaluating", rows=len(lines))
if fail:
    log("ERROR", "the model diverged", epoch=3)
    raise SystemExit("evaluation failed: the model diverged at epoch 3")
outputs = executor_input["outputs"]
uri = {name: outputs["artifacts"][name]["artifacts"][0]["uri"] for name in ("metrics", "classification", "sliced", "page")}
for path in uri.values():
    os.makedirs(os.path.dirname(path), exist_ok=True)
open(uri["metrics"], "w").close()
open(uri["classification"], "w").close()
open(uri["sliced"], "w").close()
with open(uri["page"], "w", encoding="utf-8") as out:
    out.write("<!doctype html><html><body><h1>Evaluation</h1><p id='rows'>%d rows</p><script>parent.document.title='escaped'</script></body></html>" % len(lines))
metrics = {"accuracy": 0.875, "rmse": 0.3125, "rows": len(lines)}
classification = {
    "confusionMatrix": {"annotationSpecs": [{"displayName": "cat"}, {"displayName": "dog"}], "rows": [{"row": [6, 2]}, {"row": [1, 3]}]},
    "confidenceMetrics": [
        {"confidenceThreshold": 0.9, "recall": 0.3, "falsePositiveRate": 0.05},
        {"confidenceThreshold": 0.5, "recall": 0.7, "falsePositiveRate": 0.2},
        {"confidenceThreshold": 0.1, "recall": 0.95, "falsePositiveRate": 0.6},
    ],
}
# two slices; the first's matrix counts the run's rows, so runs of different sizes differ in it
north = len(lines) // 2
sliced = {"evaluationSlices": [
    {"slice": "north", "sliceClassificationMetrics": {
        "confusionMatrix": {"annotationSpecs": [{"displayName": "cat"}, {"displayName": "dog"}], "rows": [{"row": [north, 1]}, {"row": [0, 2]}]},
        "confidenceMetrics": [{"confidenceThreshold": 0.5, "recall": 0.8, "falsePositiveRate": 0.1}]}},
    {"slice": "south", "sliceClassificationMetrics": {
        "confusionMatrix": {"annotationSpecs": [{"displayName": "cat"}, {"displayName": "dog"}], "rows": [{"row": [2, 2]}, {"row": [1, 4]}]},
        "confidenceMetrics": [{"confidenceThreshold": 0.7, "recall": 0.4, "falsePositiveRate": 0.3}, {"confidenceThreshold": 0.3, "recall": 0.9, "falsePositiveRate": 0.5}]}},
]}
log("INFO", "metrics written", **metrics)
executor_output = {"artifacts": {
    "metrics": {"artifacts": [{"name": "metrics", "uri": uri["metrics"], "metadata": metrics}]},
    "classification": {"artifacts": [{"name": "classification", "uri": uri["classification"], "metadata": classification}]},
    "sliced": {"artifacts": [{"name": "sliced", "uri": uri["sliced"], "metadata": sliced}]},
    "page": {"artifacts": [{"name": "page", "uri": uri["page"], "metadata": {"title": "Evaluation"}}]},
}}
with open(outputs["outputFile"], "w", encoding="utf-8") as out:
    json.dump(executor_output, out)
