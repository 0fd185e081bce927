#!/usr/bin/env python3
"""Strict check of compiled IR files against the upstream protos.

Usage: validate_ir.py PROTO_DIR IR_FILE...

Generates Python classes with protoc into a temporary directory (never kept),
then parses each file's documents with google.protobuf.json_format.ParseDict,
which rejects unknown fields and wrong types as the KFP API server's protojson
does: document 1 as PipelineSpec, document 2 (if any) as PlatformSpec, and
each executor config inside it as KubernetesExecutorConfig (PlatformSpec
holds them as untyped Structs, so they need their own pass).
Prints one JSON line per file: {"file": ..., "ok": bool, "error": ...}.
"""
import importlib
import json
import os
import subprocess
import sys
import tempfile

import yaml


def generate(proto_dir, out_dir):
    protos = ['pipeline_spec.proto', 'kubernetes_executor_config.proto', 'google/rpc/status.proto']
    subprocess.run(['protoc', f'--proto_path={proto_dir}', f'--python_out={out_dir}', *protos], check=True)
    sys.path.insert(0, out_dir)
    return importlib.import_module('pipeline_spec_pb2'), importlib.import_module('kubernetes_executor_config_pb2')


def check_file(path, pipeline_pb2, k8s_pb2):
    from google.protobuf import json_format
    with open(path) as f:
        docs = [d for d in yaml.safe_load_all(f) if d is not None]
    if not docs or len(docs) > 2:
        raise ValueError(f'expected 1 or 2 YAML documents, got {len(docs)}')
    json_format.ParseDict(docs[0], pipeline_pb2.PipelineSpec())
    if len(docs) == 2:
        json_format.ParseDict(docs[1], pipeline_pb2.PlatformSpec())
        platforms = docs[1].get('platforms', {})
        executors = platforms.get('kubernetes', {}).get('deploymentSpec', {}).get('executors', {})
        for label, config in executors.items():
            try:
                json_format.ParseDict(config, k8s_pb2.KubernetesExecutorConfig())
            except json_format.ParseError as e:
                raise ValueError(f'platforms.kubernetes executor {label}: {e}') from e


def main():
    proto_dir, files = sys.argv[1], sys.argv[2:]
    with tempfile.TemporaryDirectory() as out_dir:
        pipeline_pb2, k8s_pb2 = generate(proto_dir, out_dir)
        for path in files:
            try:
                check_file(path, pipeline_pb2, k8s_pb2)
                print(json.dumps({'file': path, 'ok': True}), flush=True)
            except Exception as e:
                print(json.dumps({'file': path, 'ok': False, 'error': f'{type(e).__name__}: {e}'}), flush=True)


if __name__ == '__main__':
    main()
