"""Times the kfp SDK compiling one DSL pipeline file in-process, after imports.

Usage: python kfp_compile_in_process.py <dsl.py> <out.yaml> <repetitions>
The DSL file is what tools/kfp-reference/compile_reference.py generates (it
defines the pipeline and compiles it to the global _out). Prints JSON:
{"import_s": ..., "compile_s": [...]}.
"""
import json
import sys
import time

dsl_file, out, repetitions = sys.argv[1], sys.argv[2], int(sys.argv[3])
started = time.perf_counter()
import kfp  # noqa: E402,F401  (the import is what a cold `python pipeline.py` pays first)
from kfp import kubernetes  # noqa: E402,F401

import_s = time.perf_counter() - started
source = compile(open(dsl_file).read(), dsl_file, "exec")
times = []
for _ in range(repetitions):
    started = time.perf_counter()
    exec(source, {"_out": out, "__name__": "__bench__"})
    times.append(time.perf_counter() - started)
print(json.dumps({"import_s": import_s, "compile_s": times}))
