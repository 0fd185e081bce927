#!/usr/bin/env python3
"""Uses compiled IR files as kfp uses a pipeline inside another one.

Usage: use_ir_as_component.py IR_FILE...

For each file: kfp.components.load_component_from_file (which reads the IR with
PyYAML), then an outer pipeline that calls it with its defaults, compiled by the
real kfp SDK. A Float default PyYAML reads as text fails here exactly as it does
for a user ("TypeError: must be real number, not str").
Prints one JSON line per file: {"file": ..., "ok": bool, "error": ...}.
"""
import json
import os
import sys
import tempfile

from kfp import compiler, components, dsl


def use(path, out_dir):
    inner = components.load_component_from_file(path)

    @dsl.pipeline(name='outer')
    def outer():
        inner()

    compiler.Compiler().compile(outer, os.path.join(out_dir, 'outer.yaml'))


def main():
    with tempfile.TemporaryDirectory() as out_dir:
        for path in sys.argv[1:]:
            try:
                use(path, out_dir)
                print(json.dumps({'file': path, 'ok': True}), flush=True)
            except Exception as e:  # the failure is the answer for that file
                print(json.dumps({'file': path, 'ok': False, 'error': f'{type(e).__name__}: {e}'}), flush=True)


if __name__ == '__main__':
    main()
