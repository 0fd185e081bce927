"""argv is name/value pairs: inputs are written unchanged to out_<name>, and all of them to 'received' as JSON."""
import json
import os
import sys

pairs = dict(zip(sys.argv[1::2], sys.argv[2::2]))
inputs = {name: value for name, value in pairs.items() if not name.startswith("out_") and name != "received"}
for name, value in inputs.items():
    with open(pairs["out_" + name], "w", encoding="utf-8") as out:
        out.write(value)
with open(pairs["received"], "w", encoding="utf-8") as out:
    json.dump({"argv": inputs, "task": os.environ.get("NX_KUBEFLOW_TASK"), "run_id": os.environ.get("NX_KUBEFLOW_RUN_ID"),
               "pipeline": os.environ.get("NX_KUBEFLOW_PIPELINE"), "component": os.environ.get("NX_KUBEFLOW_COMPONENT"),
               "greeting": os.environ.get("GREETING"), "extra": os.environ.get("EXTRA"), "token": os.environ.get("API_TOKEN")}, out)
print(json.dumps({"level": "INFO", "message": "echoed"}), file=sys.stderr)
