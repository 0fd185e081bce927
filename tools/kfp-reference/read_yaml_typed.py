#!/usr/bin/env python3
"""Reads YAML files as kfp does (PyYAML's safe loader, YAML 1.1) and prints what it got, typed.

Usage: read_yaml_typed.py YAML_FILE...

Prints one JSON line per file: {"file": ..., "ok": true, "documents": [...]} or
{"file": ..., "ok": false, "error": ...}. Scalars are tagged so the test can tell
the float 3.0 from the int 3 and the string "3" (plain JSON cannot):
strings stay strings, booleans and null stay as they are, and
{"int": "<str(i)>"}, {"float": "<repr(f)>"}, {"other": "<type name>: <str(v)>"}
(a date, for instance, which no IR value should ever become).
"""
import json
import sys

import yaml


def typed(value):
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return {'int': str(value)}
    if isinstance(value, float):
        return {'float': repr(value)}
    if isinstance(value, list):
        return [typed(item) for item in value]
    if isinstance(value, dict):
        for key in value:
            if not isinstance(key, str):
                raise ValueError(f'a mapping key is not a string: {key!r} ({type(key).__name__})')
        return {key: typed(item) for key, item in value.items()}
    return {'other': f'{type(value).__name__}: {value}'}


def main():
    for path in sys.argv[1:]:
        try:
            with open(path, encoding='utf-8') as f:
                documents = [typed(d) for d in yaml.safe_load_all(f) if d is not None]
            print(json.dumps({'file': path, 'ok': True, 'documents': documents}), flush=True)
        except Exception as e:  # every failure is the answer for that file
            print(json.dumps({'file': path, 'ok': False, 'error': f'{type(e).__name__}: {e}'}), flush=True)


if __name__ == '__main__':
    main()
