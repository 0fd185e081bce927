#!/usr/bin/env python3
"""Runs a compiled pipeline IR under kfp.local's DockerRunner, unpatched, and reports what it made.

Usage: run_kfp_local.py IR_FILE PIPELINE_ROOT RESULT_JSON [NAME=JSON_VALUE ...]

The IR is loaded as kfp loads any compiled pipeline (kfp.components.load_component_from_file)
and called with the given arguments after ``kfp.local.init(runner=DockerRunner(),
pipeline_root=PIPELINE_ROOT)``; kfp.local pulls nothing it finds in the local engine, runs
each task in its image with PIPELINE_ROOT mounted at the same path, and resolves the
placeholders itself. The components' own output (their JSON log lines) goes to stdout
as kfp.local streams it.

RESULT_JSON gets, for every task folder kfp.local made under PIPELINE_ROOT/<job>/:
  {"job": "<pipeline>-<timestamp>",
   "tasks": {"<task>": {"executor_output": {...} | null,
                        "files": {"<name>": "<text>"}}}}
Every file a task left in its folder other than executor_output.json is read as text
(the examples' outputs are CSV, JSON and parameter values). kfp.local raises when a task
fails or an input it needs is missing (e.g. an artifact absent from an upstream
executor output); the script then exits 1 with the error on stderr, after writing
RESULT_JSON with what the tasks that ran made and "error": the exception's text (a pipeline
with an exit handler or ignore_upstream_failure runs on past a failure, and raises at the end).
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

    from kfp import components, local

    local.init(runner=local.DockerRunner(), pipeline_root=pipeline_root)
    pipeline = components.load_component_from_file(ir_file)
    error = None
    try:
        pipeline(**arguments)
    except Exception as e:  # reported below, with what the tasks made
        error = f'{type(e).__name__}: {e}'
        print(error, file=sys.stderr)

    jobs = sorted(os.listdir(pipeline_root)) if os.path.isdir(pipeline_root) else []
    if len(jobs) != 1:
        print(f'expected one job folder under {pipeline_root}, found {jobs}', file=sys.stderr)
        return 1
    job_dir = os.path.join(pipeline_root, jobs[0])
    tasks = {}
    for task in sorted(os.listdir(job_dir)):
        task_dir = os.path.join(job_dir, task)
        executor_output = None
        files = {}
        for name in sorted(os.listdir(task_dir)):
            path = os.path.join(task_dir, name)
            if not os.path.isfile(path):
                continue
            with open(path, encoding='utf-8') as handle:
                text = handle.read()
            if name == 'executor_output.json':
                executor_output = json.loads(text)
            else:
                files[name] = text
        tasks[task] = {'executor_output': executor_output, 'files': files}
    with open(result_file, 'w', encoding='utf-8') as handle:
        json.dump({'job': jobs[0], 'tasks': tasks, **({'error': error} if error else {})}, handle)
    return 1 if error else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
