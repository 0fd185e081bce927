import json
import sys

for step in range(1, 4):
    print(json.dumps({"level": "INFO", "message": f"step {step}"}), file=sys.stderr)
print(json.dumps({"level": "ERROR", "message": "something broke"}), file=sys.stderr)
sys.exit(int(sys.argv[1]))
