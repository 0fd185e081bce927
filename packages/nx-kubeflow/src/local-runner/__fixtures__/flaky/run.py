import os
import sys

counter, fail_times, output = sys.argv[1], int(sys.argv[2]), sys.argv[3]
count = int(open(counter).read()) if os.path.exists(counter) else 0
count += 1
with open(counter, "w") as f:
    f.write(str(count))
if count <= fail_times:
    print(f"execution {count}: failing on purpose", file=sys.stderr)
    sys.exit(1)
with open(output, "w") as f:
    f.write(str(count))
