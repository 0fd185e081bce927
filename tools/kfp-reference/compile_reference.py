#!/usr/bin/env python3
"""Reference compile: builds the Python DSL pipeline that is equivalent to a
plugin fixture and compiles it with the real kfp SDK.

Usage: compile_reference.py JOBS_JSON
  JOBS_JSON holds a list of jobs:
    {"out": "/abs/out.yaml",
     "pipeline": <PipelineDefinition as JSON, see src/kfp/pipeline-model.ts>,
     "components": {"<project>": {"file": "/abs/component.yaml", "image": "...",
                                  "usesComponentRuntime": false}},
     "parameterDefaults": {...}, "settingsEnv": "...", "pipelineSettingsToml": "..."}

The DSL is generated as Python source (kept next to the output as .py, so a
failing comparison can be reproduced by hand) and exec'd. Prints one JSON line
per job: {"out": ..., "ok": true} or {"out": ..., "ok": false, "error": "..."}.
"""
import json
import sys
import traceback

PY_TYPES = {
    'String': 'str', 'Integer': 'int', 'Float': 'float', 'Boolean': 'bool',
    'JsonObject': 'dict', 'JsonArray': 'list',
}
# artifact pipeline inputs: the dsl artifact class, taken as Input[...]
ARTIFACT_TYPES = {
    'Artifact', 'Dataset', 'Model', 'Metrics', 'ClassificationMetrics',
    'SlicedClassificationMetrics', 'HTML', 'Markdown',
}


def py_type(type_name):
    if type_name in ARTIFACT_TYPES:
        return f'dsl.Input[dsl.{type_name}]'
    return PY_TYPES[type_name]


def k8s_name(name):
    import re
    return re.sub('-+', '-', re.sub('[^-0-9a-z]+', '-', name.lower())).strip('-')


def py_ident(name):
    import re
    return '_t_' + re.sub('[^0-9a-zA-Z_]', '_', name)


def sanitize_input_name(name):
    import re
    return re.sub('[^_0-9a-z]+', '_', name.lower()).strip('_')


def argument_source(arg, params, project, input_name):
    kind = arg['kind']
    if kind == 'parameter':
        return params[arg['parameter']]
    if kind == 'task-output':
        return f"{py_ident(arg['task'])}.outputs[{sanitize_input_name(arg['output'])!r}]"
    return f"_literal({project!r}, {input_name!r}, {arg['value']!r})"


def pipeline_signature(pipeline):
    params = {}
    parts = []
    # kfp calls the function positionally, so parameters with defaults go last;
    # the IR keeps them in a map, so this order is invisible in the output.
    for p in sorted(pipeline['parameters'], key=lambda p: 'default' in p):
        # the Python parameter name is the IR's root input name
        ident = p['name']
        params[p['name']] = ident
        text = f"{ident}: {py_type(p['type'])}"
        if 'default' in p:
            text += f" = {p['default']!r}"
        parts.append(text)
    return params, parts


def task_source(task, components, params, job):
    project = task['component']
    var = py_ident(task['name'])
    args = ', '.join(
        f'{sanitize_input_name(name)}={argument_source(arg, params, project, sanitize_input_name(name))}'
        for name, arg in task['arguments'].items())
    lines = [f"    {var} = _named(_components[{project!r}], {task['name']!r})({args})"]
    if task.get('display_name'):
        lines.append(f"    {var}.set_display_name({task['display_name']!r})")
    for upstream in task.get('after', []):
        lines.append(f"    {var}.after({py_ident(upstream)})")
    if task.get('cache_key'):
        lines.append(f"    {var}.set_caching_options({task.get('caching') is not False!r}, cache_key={task['cache_key']!r})")
    elif task.get('caching') is False:
        lines.append(f"    {var}.set_caching_options(False)")
    retry = task.get('retry')
    if retry:
        lines.append(
            f"    {var}.set_retry(num_retries={retry['max_retry_count']!r}, "
            f"backoff_duration={retry.get('backoff_duration')!r}, "
            f"backoff_factor={retry.get('backoff_factor')!r}, "
            f"backoff_max_duration={retry.get('backoff_max_duration')!r})")
    res = task.get('resources') or {}
    for key, method in (('cpu_request', 'set_cpu_request'), ('cpu_limit', 'set_cpu_limit'),
                        ('memory_request', 'set_memory_request'),
                        ('memory_limit', 'set_memory_limit')):
        if key in res:
            lines.append(f"    {var}.{method}({res[key]!r})")
    acc = res.get('accelerator')
    if acc:
        lines.append(f"    {var}.set_accelerator_type({acc['type']!r})")
        if 'count' in acc:
            lines.append(f"    {var}.set_accelerator_limit({acc['count']!r})")
    for name, value in (task.get('env') or {}).items():
        lines.append(f"    {var}.set_env_variable({name!r}, {value!r})")
    if components[project].get('usesComponentRuntime'):
        lines.append(f"    {var}.set_env_variable('ENV_FOR_DYNACONF', {job.get('settingsEnv', 'development')!r})")
        lines.append(f"    {var}.set_env_variable('PIPELINE_SETTINGS_TOML', {job.get('pipelineSettingsToml', '')!r})")
        lines.append(f"    {var}.set_env_variable('NX_KUBEFLOW_PIPELINE', {job['pipeline']['name']!r})")
    for secret in task.get('secrets') or []:
        lines.append(
            f"    _kubernetes.use_secret_as_env({var}, secret_name={object_name(secret, 'secret_name', params)}, "
            f"secret_key_to_env={secret['keys']!r}"
            + (f", optional={secret['optional']!r}" if 'optional' in secret else '') + ')')
    for tol in task.get('tolerations') or []:
        kwargs = ', '.join(f'{k}={v!r}' for k, v in tol.items())
        lines.append(f"    _kubernetes.add_toleration({var}, {kwargs})")
    if task.get('timeout_seconds') is not None:
        lines.append(f"    _kubernetes.set_timeout({var}, {task['timeout_seconds']!r})")
    lines += kubernetes_source(var, task.get('kubernetes') or {}, params)
    return lines


def object_name(entry, field, params):
    """A Secret's or ConfigMap's name: the constant, or the pipeline parameter (a PipelineChannel) that holds it."""
    if entry.get('name_parameter'):
        return params[entry['name_parameter']]
    return repr(entry[field])


def kubernetes_source(var, options, params):
    """The kfp.kubernetes calls of a task's other Kubernetes options (KubernetesTaskOptions)."""
    k = '_kubernetes'
    lines = []

    def optional(entry):
        return f", optional={entry['optional']!r}" if 'optional' in entry else ''
    for volume in options.get('secret_volumes', []):
        lines.append(f"    {k}.use_secret_as_volume({var}, secret_name={object_name(volume, 'name', params)}, "
                     f"mount_path={volume['mount_path']!r}{optional(volume)})")
    for config_map in options.get('config_maps_as_env', []):
        lines.append(f"    {k}.use_config_map_as_env({var}, config_map_name={object_name(config_map, 'config_map_name', params)}, "
                     f"config_map_key_to_env={config_map['keys']!r}{optional(config_map)})")
    for volume in options.get('config_map_volumes', []):
        lines.append(f"    {k}.use_config_map_as_volume({var}, config_map_name={object_name(volume, 'name', params)}, "
                     f"mount_path={volume['mount_path']!r}{optional(volume)})")
    for mount in options.get('pvc_mounts', []):
        name = mount['pvc_name']
        source = repr(name['name']) if name['kind'] == 'constant' else params[name['parameter']]
        sub_path = f", sub_path={mount['sub_path']!r}" if 'sub_path' in mount else ''
        lines.append(f"    {k}.mount_pvc({var}, pvc_name={source}, mount_path={mount['mount_path']!r}{sub_path})")
    for mount in options.get('empty_dirs', []):
        extra = ''.join(f', {key}={mount[key]!r}' for key in ('medium', 'size_limit') if key in mount)
        lines.append(f"    {k}.empty_dir_mount({var}, volume_name={mount['volume_name']!r}, "
                     f"mount_path={mount['mount_path']!r}{extra})")
    for key, value in (options.get('node_selector') or {}).items():
        lines.append(f"    {k}.add_node_selector({var}, label_key={key!r}, label_value={value!r})")
    for term in options.get('node_affinity', []):
        kwargs = ', '.join(f'{key}={term[key]!r}' for key in ('match_expressions', 'match_fields', 'weight') if key in term)
        lines.append(f"    {k}.add_node_affinity({var}, {kwargs})")
    if options.get('image_pull_secrets'):
        names = ', '.join(repr(name) if isinstance(name, str) else params[name['parameter']] for name in options['image_pull_secrets'])
        lines.append(f"    {k}.set_image_pull_secrets({var}, [{names}])")
    if 'image_pull_policy' in options:
        lines.append(f"    {k}.set_image_pull_policy({var}, {options['image_pull_policy']!r})")
    for key, value in (options.get('pod_labels') or {}).items():
        lines.append(f"    {k}.add_pod_label({var}, label_key={key!r}, label_value={value!r})")
    for key, value in (options.get('pod_annotations') or {}).items():
        lines.append(f"    {k}.add_pod_annotation({var}, annotation_key={key!r}, annotation_value={value!r})")
    for name, field_path in (options.get('field_path_env') or {}).items():
        lines.append(f"    {k}.use_field_path_as_env({var}, env_name={name!r}, field_path={field_path!r})")
    return lines


def topological(tasks):
    """Python needs a task defined before it is used; pipeline.yaml may list tasks in
    any order. Stable: tasks keep their file order where dependencies allow."""
    def upstream(task):
        deps = set(task.get('after', []))
        deps.update(a['task'] for a in task['arguments'].values() if a['kind'] == 'task-output')
        return deps
    done, ordered, pending = set(), [], list(tasks)
    while pending:
        ready = next(t for t in pending if upstream(t) <= done)
        pending.remove(ready)
        ordered.append(ready)
        done.add(ready['name'])
    return ordered


def task_project(pipeline, task_name):
    return next(t['component'] for t in pipeline['tasks'] if t['name'] == task_name)


def operand_source(operand, other, pipeline, params):
    kind = operand['kind']
    if kind == 'parameter':
        return params[operand['parameter']]
    if kind == 'task-output':
        return f"{py_ident(operand['task'])}.outputs[{sanitize_input_name(operand['output'])!r}]"
    # YAML cannot tell 1 from 1.0: beside a Float, a DSL author writes 1.0
    return f"_condition_literal({operand['value']!r}, {operand_type(other, pipeline)})"


def operand_type(operand, pipeline):
    """Python source giving the other side's type name at run time."""
    if operand['kind'] == 'parameter':
        return repr(next(p['type'] for p in pipeline['parameters'] if p['name'] == operand['parameter']))
    if operand['kind'] == 'task-output':
        project = task_project(pipeline, operand['task'])
        return f"_components[{project!r}].component_spec.outputs[{sanitize_input_name(operand['output'])!r}].type"
    return 'None'


def condition_source(condition, pipeline, params):
    left = operand_source(condition['left'], condition['right'], pipeline, params)
    right = operand_source(condition['right'], condition['left'], pipeline, params)
    return f"{left} {condition['operator']} {right}"


def body_source(nodes, pipeline, job, params, indent):
    """Tasks and dsl.If/Elif/Else blocks in file order (fixtures list them in dependency order)."""
    lines = []
    by_name = {t['name']: t for t in pipeline['tasks']}
    for node in nodes:
        if node['kind'] == 'task':
            lines += [indent + line[4:] for line in task_source(by_name[node['task']], job['components'], params, job)]
            continue
        for index, branch in enumerate(node['block']['branches']):
            if index == 0:
                head = f"with dsl.If({condition_source(branch['condition'], pipeline, params)}):"
            elif branch.get('condition'):
                head = f"with dsl.Elif({condition_source(branch['condition'], pipeline, params)}):"
            else:
                head = 'with dsl.Else():'
            lines.append(indent + head)
            lines += body_source(branch['body'], pipeline, job, params, indent + '    ')
    return lines


def docstring(pipeline):
    """Parameter descriptions as kfp reads them from the pipeline function's
    docstring. reST fields (:param p: text) need no summary line, which kfp
    would otherwise take for the pipeline's description; continuation lines
    are indented under their field."""
    described = [p for p in pipeline['parameters'] if p.get('description')]
    if not described:
        return []
    text = ''.join(f":param {p['name']}: " + p['description'].replace('\n', '\n    ') + '\n' for p in described)
    return [f'    {text!r}']


def generate_source(job):
    pipeline = job['pipeline']
    params, signature = pipeline_signature(pipeline)
    lines = [
        'from typing import NamedTuple',
        'from kfp import compiler, components, dsl',
        'from kfp import kubernetes as _kubernetes',
        '',
        '_components = {',
    ]
    for project, comp in job['components'].items():
        lines.append(f"    {project!r}: components.load_component_from_file({comp['file']!r}),")
    lines += [
        '}',
        '_images = ' + repr({p: c['image'] for p, c in job['components'].items()}),
        '',
        '',
        'def _literal(project, input_name, value):',
        '    # YAML (and JSON) cannot tell 1 from 1.0; a Python author writes 1.0 for a float input',
        "    if _components[project].component_spec.inputs[input_name].type == 'Float' and type(value) is int:",
        '        return float(value)',
        '    return value',
        '',
        '',
        'def _condition_literal(value, other_type):',
        "    if type(value) is int and str(other_type).lower() in ('float', 'double'):",
        '        return float(value)',
        '    return value',
        '',
        '',
        'def _named(component, task_name):',
        '    # kfp names a task after its component; the pipeline.yaml names it, so the',
        '    # component is renamed per task (its name appears nowhere else in the IR).',
        '    import copy',
        '    project = next(p for p, c in _components.items() if c is component)',
        '    clone = copy.deepcopy(component)',
        '    clone.component_spec.name = task_name',
        '    clone.name = task_name',
        '    clone.component_spec.implementation.container.image = _images[project]',
        '    return clone',
        '',
        '',
        'def _output_type(project, output_name):',
        "    # the Python annotation a DSL author writes for a task output: str, int, ... or the dsl artifact class",
        '    kfp_type = _components[project].component_spec.outputs[output_name].type',
        "    simple = {'String': str, 'Integer': int, 'Float': float, 'Boolean': bool, 'Dict': dict, 'List': list}",
        '    if kfp_type in simple:',
        '        return simple[kfp_type]',
        "    title = kfp_type.split('@')[0]",
        '    def classes(cls):',
        '        yield cls',
        '        for sub in cls.__subclasses__():',
        '            yield from classes(sub)',
        "    return next((c for c in classes(dsl.Artifact) if getattr(c, 'schema_title', None) == title), dsl.Artifact)",
        '',
        '',
        '_Outputs = NamedTuple(' + repr('Outputs') + ', [' + ', '.join(
            f"({o['name']!r}, _output_type({task_project(pipeline, o['task'])!r}, {sanitize_input_name(o['output'])!r}))"
            for o in (pipeline.get('outputs') or [])) + '])',
        '',
        '',
        f"@dsl.pipeline(name={pipeline['name']!r}, description={pipeline.get('description')!r}, "
        f"display_name={pipeline.get('display_name')!r}, pipeline_root={pipeline.get('pipeline_root')!r})",
        f"def _pipeline({', '.join(signature)}):" if signature else 'def _pipeline():',
    ]
    outputs = pipeline.get('outputs') or []
    if outputs:
        # pipeline outputs are what the pipeline function returns: a NamedTuple of task outputs
        lines[-1] = lines[-1][:-1] + ' -> _Outputs:'
    lines += docstring(pipeline)
    if pipeline.get('body'):
        lines += body_source(pipeline['body'], pipeline, job, params, '    ')
    else:
        for task in topological(pipeline['tasks']):
            lines += task_source(task, job['components'], params, job)
    if outputs:
        fields = ', '.join(
            f"{o['name']}={py_ident(o['task'])}.outputs[{sanitize_input_name(o['output'])!r}]" for o in outputs)
        lines.append(f'    return _Outputs({fields})')
    lines += [
        '',
        '',
        'compiler.Compiler().compile(',
        '    _pipeline,',
        '    package_path=_out,',
        f"    pipeline_parameters={job.get('parameterDefaults') or None!r})",
        '',
    ]
    return '\n'.join(lines)


def run_job(job):
    source = generate_source(job)
    with open(job['out'] + '.py', 'w') as f:
        f.write(source)
    exec(compile(source, job['out'] + '.py', 'exec'), {'_out': job['out'], '__name__': '__reference__'})


def main():
    with open(sys.argv[1]) as f:
        jobs = json.load(f)
    for job in jobs:
        try:
            run_job(job)
            print(json.dumps({'out': job['out'], 'ok': True}), flush=True)
        except Exception as e:  # report per job; the test says which fixture failed
            print(json.dumps({'out': job['out'], 'ok': False,
                              'error': f'{type(e).__name__}: {e}\n{traceback.format_exc()}'}), flush=True)


if __name__ == '__main__':
    main()
