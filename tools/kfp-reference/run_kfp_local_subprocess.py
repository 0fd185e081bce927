#!/usr/bin/env python3
"""Runs a compiled pipeline IR under kfp.local's SubprocessRunner, unpatched, and reports what it made.

Usage: run_kfp_local_subprocess.py IR_FILE PIPELINE_ROOT RESULT_JSON [NAME=JSON_VALUE ...]

As run_kfp_local.py, with ``kfp.local.init(runner=SubprocessRunner(use_venv=False))``: every
task is a lightweight Python component, run by this interpreter (its kfp). No engine needed.

RESULT_JSON gets
  {"job": "<pipeline>-<timestamp>",
   "tasks": {"<folder>": {"executor_output": {...} | null, "files": {"<name>": "<text>"}}},
   "outputs": {"<pipeline output>": <value> | {"text": "<artifact text>"}},
   "error": "<exception>" (when kfp.local raised)}
where <folder> is each folder under PIPELINE_ROOT/<job>/ holding files, by its path below the
job folder (kfp.local names a task's folder after its component, and puts a loop iteration's
in <loop>-iteration-<i>/). The tasks' own output goes to stdout as kfp.local streams it.
"""
import json
import os
import sys


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    ir_file, pipeline_root, result_file = argv[:3]
    arguments = {}
    for pair in argv[3:]:
        name, _, value = pair.partition('=')
        arguments[name] = json.loads(value)

    from kfp import components, dsl, local

    local.init(runner=local.SubprocessRunner(use_venv=False), pipeline_root=pipeline_root)
    pipeline = components.load_component_from_file(ir_file)
    error = None
    outputs = {}
    try:
        task = pipeline(**arguments)
        for name, value in task.outputs.items():
            if isinstance(value, dsl.Artifact):
                with open(value.path, encoding='utf-8') as handle:
                    outputs[name] = {'text': handle.read()}
            else:
                outputs[name] = value
    except Exception as e:  # reported below, with what the tasks made
        error = f'{type(e).__name__}: {e}'
        print(error, file=sys.stderr)

    jobs = sorted(os.listdir(pipeline_root)) if os.path.isdir(pipeline_root) else []
    if len(jobs) != 1:
        print(f'expected one job folder under {pipeline_root}, found {jobs}', file=sys.stderr)
        return 1
    job_dir = os.path.join(pipeline_root, jobs[0])
    tasks = {}
    for folder, _, names in sorted(os.walk(job_dir)):
        files = [name for name in sorted(names)]
        if folder == job_dir or not files:
            continue
        executor_output = None
        texts = {}
        for name in files:
            with open(os.path.join(folder, name), encoding='utf-8') as handle:
                text = handle.read()
            if name == 'executor_output.json':
                executor_output = json.loads(text)
            else:
                texts[name] = text
        tasks[os.path.relpath(folder, job_dir)] = {'executor_output': executor_output, 'files': texts}
    with open(result_file, 'w', encoding='utf-8') as handle:
        json.dump({'job': jobs[0], 'tasks': tasks, 'outputs': outputs, **({'error': error} if error else {})}, handle)
    return 1 if error else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
