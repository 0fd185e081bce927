"""argv: executor input JSON, job name, job uuid, task name, bad. Writes the report artifact (what it
received) and an executor output giving the report's metadata and the count parameter, no parameter file."""
import json
import os
import sys

executor_input = json.loads(sys.argv[1])
job_name, job_uuid, task_name, bad = sys.argv[2:6]
outputs = executor_input["outputs"]
report = outputs["artifacts"]["report"]["artifacts"][0]
os.makedirs(os.path.dirname(report["uri"]), exist_ok=True)
with open(report["uri"], "w", encoding="utf-8") as out:
    json.dump({"executor_input": executor_input, "identity": [job_name, job_uuid, task_name]}, out)
upstream = executor_input["inputs"].get("artifacts", {}).get("upstream")
score = upstream["artifacts"][0]["metadata"]["score"] + 1 if upstream else 1
executor_output = {
    "artifacts": {"report": {"artifacts": [{"name": report["name"], "uri": report["uri"], "metadata": {"score": score, "task": task_name}}]}},
    "parameterValues": {"count": "three" if bad == "true" else score},
}
with open(outputs["outputFile"], "w", encoding="utf-8") as out:
    json.dump(executor_output, out)
