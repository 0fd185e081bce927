import json
import os
import subprocess
import sys
import time

seconds, stamp_dir, label, spawn_child, output = float(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4] == "true", sys.argv[5]
start = time.time()
child = subprocess.Popen(["sleep", str(seconds + 60)]) if spawn_child else None
pids = {"pid": os.getpid(), "child": child.pid if child else None}
with open(os.path.join(stamp_dir, label + ".pid.tmp"), "w") as f:
    json.dump(pids, f)
os.replace(os.path.join(stamp_dir, label + ".pid.tmp"), os.path.join(stamp_dir, label + ".pid"))
time.sleep(seconds)
if child:
    child.kill()
with open(os.path.join(stamp_dir, label + ".json"), "w") as f:
    json.dump({"start": start, "end": time.time()}, f)
with open(output, "w") as f:
    f.write(label)
