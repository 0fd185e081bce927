"""A chain of N lightweight Python components run by kfp.local's SubprocessRunner.

Each task does what the generated component does in the other side of the
benchmark: takes a string, logs it, returns a string (an output parameter the
next task reads). install_kfp_package=False and use_venv=False: every task runs
`python3 -m kfp.dsl.executor_main` with this interpreter, no pip.

Prints {"seconds": ..., "cpuSeconds": ...}: the wall time of the pipeline call
alone (kfp's imports and local.init are outside it, as Node's start-up and the IR
compile are on the other side), and the CPU time of this process and its task
processes meanwhile.

Usage: python kfp_local_chain.py <work-dir> <tasks>
"""

import json
import resource
import sys
import time
from pathlib import Path

from kfp import dsl, local


@dsl.component(install_kfp_package=False)
def step(text: str) -> str:
    import logging

    logging.getLogger("step").info("running with %s", text)
    return text


def chain(tasks: int):
    @dsl.pipeline(name="startup-bench")
    def pipeline(text: str = "start") -> str:
        value = text
        task = None
        for _ in range(tasks):
            task = step(text=value)
            task.set_caching_options(False)
            value = task.output
        return task.output

    return pipeline


def _cpu_seconds() -> float:
    """User + system CPU of this process and the task processes it waited for."""
    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    return total


def main() -> None:
    work_dir = Path(sys.argv[1])
    tasks = int(sys.argv[2])
    local.init(runner=local.SubprocessRunner(use_venv=False), pipeline_root=str(work_dir / "root"))
    pipeline = chain(tasks)
    cpu = _cpu_seconds()
    started = time.perf_counter()
    result = pipeline()
    seconds = time.perf_counter() - started
    cpu = _cpu_seconds() - cpu
    if result.output != "start":
        raise SystemExit(f"the chain returned {result.output!r}")
    print(json.dumps({"seconds": seconds, "cpuSeconds": cpu}))


if __name__ == "__main__":
    main()
