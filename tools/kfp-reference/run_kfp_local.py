#!/usr/bin/env python3
"""Runs a compiled pipeline IR under kfp.local, unpatched, and reports what it made.

Usage: run_kfp_local.py --runner docker|subprocess IR_FILE PIPELINE_ROOT RESULT_JSON [NAME=JSON_VALUE ...]

The IR is loaded as kfp loads any compiled pipeline (kfp.components.load_component_from_file)
and called with the given arguments after ``kfp.local.init(runner=..., pipeline_root=PIPELINE_ROOT)``:
  docker      DockerRunner(): kfp.local pulls nothing it finds in the local engine, runs each
              task in its image with PIPELINE_ROOT mounted at the same path, and resolves the
              placeholders itself (needs the `docker` package and an engine).
  subprocess  SubprocessRunner(use_venv=False): every task must be a lightweight Python
              component, run by this interpreter (its kfp). No engine needed.
The tasks' own output (e.g. the components' JSON log lines) goes to stdout as kfp.local streams it.

RESULT_JSON gets
  {"job": "<pipeline>-<timestamp>" | null (no task ran),
   "tasks": {"<folder>": {"executor_output": {...} | null, "files": {"<name>": "<text>"}}},
   "outputs": {"<pipeline output>": <value> | {"text": "<artifact text>"} | {"path": "<artifact path>"}},
   "error": "<exception>" (when kfp.local raised)}
Which folders are tasks differs by runner, as the suites using each read them:
  docker      each folder directly under PIPELINE_ROOT/<job>/, by name, with the files directly
              in it (an example component's artifact may be a folder of its own: not a task);
  subprocess  each folder below PIPELINE_ROOT/<job>/ holding files, by its path below the job
              folder (kfp.local names a task's folder after its component, and puts a loop
              iteration's in <loop>-iteration-<i>/, a nested pipeline's tasks in its iteration's).
Every file is read as text (the components' outputs are CSV, JSON and parameter values); an
artifact pipeline output that is not UTF-8 text is given by its path. kfp.local raises when a
task fails or an input it needs is missing; the script then exits 1 with the error on stderr,
after writing RESULT_JSON with what the tasks that ran made and "error": the exception's text
(a pipeline with an exit handler or ignore_upstream_failure runs on past a failure, and raises
at the end).
"""
import argparse
import json
import os
import sys


def read_text(path):
    with open(path, encoding='utf-8') as handle:
        return handle.read()


def task_folders(job_dir, runner):
    """(name, folder, file names) of each task folder kfp.local made, as the runner lays them out."""
    if runner == 'docker':
        for task in sorted(os.listdir(job_dir)):
            folder = os.path.join(job_dir, task)
            if os.path.isdir(folder):
                yield task, folder, [name for name in sorted(os.listdir(folder)) if os.path.isfile(os.path.join(folder, name))]
        return
    for folder, _, names in sorted(os.walk(job_dir)):
        if folder != job_dir and names:
            yield os.path.relpath(folder, job_dir), folder, sorted(names)


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split('\n', 1)[0])
    parser.add_argument('--runner', choices=['docker', 'subprocess'], required=True)
    parser.add_argument('ir_file')
    parser.add_argument('pipeline_root')
    parser.add_argument('result_file')
    parser.add_argument('arguments', nargs='*', metavar='NAME=JSON_VALUE')
    options = parser.parse_args(argv)
    arguments = {}
    for pair in options.arguments:
        name, _, value = pair.partition('=')
        arguments[name] = json.loads(value)

    from kfp import components, dsl, local

    runner = local.DockerRunner() if options.runner == 'docker' else local.SubprocessRunner(use_venv=False)
    local.init(runner=runner, pipeline_root=options.pipeline_root)
    pipeline = components.load_component_from_file(options.ir_file)
    error = None
    outputs = {}
    try:
        task = pipeline(**arguments)
        for name, value in task.outputs.items():
            if isinstance(value, dsl.Artifact):
                try:
                    outputs[name] = {'text': read_text(value.path)}
                except (OSError, UnicodeDecodeError):  # a folder or binary artifact: where it is
                    outputs[name] = {'path': value.path}
            else:
                outputs[name] = value
    except Exception as e:  # reported below, with what the tasks made
        error = f'{type(e).__name__}: {e}'
        print(error, file=sys.stderr)

    pipeline_root = options.pipeline_root
    # kfp.local makes the job folder with its first task's: a run whose conditions were all false has none
    jobs = sorted(os.listdir(pipeline_root)) if os.path.isdir(pipeline_root) else []
    if len(jobs) > 1:
        print(f'expected at most one job folder under {pipeline_root}, found {jobs}', file=sys.stderr)
        return 1
    tasks = {}
    for task, folder, names in task_folders(os.path.join(pipeline_root, jobs[0]), options.runner) if jobs else []:
        executor_output = None
        files = {}
        for name in names:
            text = read_text(os.path.join(folder, name))
            if name == 'executor_output.json':
                executor_output = json.loads(text)
            else:
                files[name] = text
        tasks[task] = {'executor_output': executor_output, 'files': files}
    with open(options.result_file, 'w', encoding='utf-8') as handle:
        json.dump({'job': jobs[0] if jobs else None, 'tasks': tasks, 'outputs': outputs, **({'error': error} if error else {})}, handle)
    return 1 if error else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
