#!/usr/bin/env python3
"""Reference compile: builds the Python DSL pipeline that is equivalent to a
plugin fixture and compiles it with the real kfp SDK.

Usage: compile_reference.py JOBS_JSON
  JOBS_JSON holds a list of jobs:
    {"out": "/abs/out.yaml",
     "pipeline": <PipelineDefinition as JSON, see src/kfp/pipeline-model.ts>,
     "components": {"<project>": {"file": "/abs/component.yaml", "image": "...",
                                  "usesComponentRuntime": false}},
     "pipelines": {"<project>": <a job without "out">},   pipelines tasks run (`pipeline:`)
     "parameterDefaults": {...}, "settingsEnv": "...", "pipelineSettingsToml": "..."}

A pipeline run as a task becomes a @dsl.pipeline function named after the
task (kfp names such a task after the pipeline), one per task, defined before
the pipeline that calls it; its parameter defaults carry its settings overrides.

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
    if kind == 'loop-item':
        # the loop variable of `with dsl.ParallelFor(...) as <item>`, or one field of it (item.lr)
        return loop_item_source(arg)
    if kind == 'collected':
        return f"dsl.Collected({py_ident(arg['task'])}.outputs[{sanitize_input_name(arg['output'])!r}])"
    if kind == 'one-of':
        # made once after its if/elif/else (body_source), as oneof_variables names it
        return _ONE_OFS[one_of_key(arg['of'])]
    return f"_literal({project!r}, {input_name!r}, {arg['value']!r})"


# the dsl.OneOf of each distinct entry list, by one_of_key: its variable, made after its block (body_source)
_ONE_OFS = {}


def one_of_key(entries):
    return tuple((e['task'], e['output']) for e in entries)


def collect_one_ofs(pipeline):
    """Every distinct one_of in the order of first use (tasks in order, their arguments in order, then the
    pipeline outputs): kfp numbers a block's OneOfs (condition-branches-N-oneof-K) in the order they are made,
    and the plugin's compiler (ir-one-of.ts) numbers them in this order."""
    _ONE_OFS.clear()
    uses = [a['of'] for t in pipeline['tasks'] for a in t['arguments'].values() if a['kind'] == 'one-of']
    uses += [o['oneOf'] for o in pipeline.get('outputs') or [] if 'oneOf' in o]
    ordered = []
    for entries in uses:
        key = one_of_key(entries)
        if key not in _ONE_OFS:
            _ONE_OFS[key] = f'_oneof_{len(_ONE_OFS) + 1}'
            ordered.append(entries)
    return ordered


def one_of_source(entries):
    return 'dsl.OneOf(' + ', '.join(f"{py_ident(e['task'])}.outputs[{sanitize_input_name(e['output'])!r}]" for e in entries) + ')'


def loop_ident(name):
    return '_i_' + name


def loop_item_source(ref):
    """An enclosing loop's item, or one field of it: `item` or `item.field`."""
    return loop_ident(ref['item']) + (f".{ref['field']}" if ref.get('field') else '')


def loop_items_source(items, params):
    kind = items['kind']
    if kind == 'parameter':
        return params[items['parameter']]
    if kind == 'loop-item':
        # dsl.ParallelFor(outer) / dsl.ParallelFor(outer.field)
        return loop_item_source(items)
    if kind == 'task-output':
        return f"{py_ident(items['task'])}.outputs[{sanitize_input_name(items['output'])!r}]"
    return f"_loop_items({items['items']!r})"


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


def common_task_options(var, task):
    """What kfp takes on every kind of task (a component's, a pipeline's, an importer's):
    display name, after, caching (with its key), retry; the reader refuses those a kind does not take."""
    lines = []
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
    return lines


def nested_task_source(task, params, job):
    """A task that runs a pipeline: a call of the pipeline function made for it."""
    var = py_ident(task['name'])
    inner = job['pipelines'][task['component']]['pipeline']
    types = {p['name']: p['type'] for p in inner['parameters']}

    def value(name, arg):
        if arg['kind'] == 'literal':
            literal = arg['value']
            # YAML cannot tell 1 from 1.0: a DSL author passes 1.0 to a float parameter
            return repr(float(literal) if types.get(name) == 'Float' and type(literal) is int else literal)
        return argument_source(arg, params, None, name)
    args = ', '.join(f'{name}={value(name, arg)}' for name, arg in task['arguments'].items())
    return [f"    {var} = {job['_nested_functions'][task['name']]}({args})"] + common_task_options(var, task)


def output_type_source(job, task_name, output):
    """Python source for the annotation of a task output: through pipelines run as tasks, an importer's type."""
    task = next(t for t in job['pipeline']['tasks'] if t['name'] == task_name)
    if task.get('importer'):
        return f"dsl.{task['importer']['type']}"
    if task.get('calls') == 'pipeline':
        inner = job['pipelines'][task['component']]
        published = next(o for o in inner['pipeline']['outputs'] if o['name'] == output)
        # a dsl.OneOf the pipeline returns is typed as its entries are (all one type)
        published = published['oneOf'][0] if 'oneOf' in published else published
        return output_type_source(inner, published['task'], published['output'])
    return f"_output_type({task['component']!r}, {sanitize_input_name(output)!r})"


_function_counter = [0]


def pipeline_function_source(job, function, name=None, parameter_defaults=None):
    """A @dsl.pipeline function for a job (its nested pipelines' functions first)."""
    pipeline = job['pipeline']
    lines = []
    job['_nested_functions'] = {}
    for task in pipeline['tasks']:
        if task.get('calls') != 'pipeline':
            continue
        _function_counter[0] += 1
        inner_function = f'_pipeline_{_function_counter[0]}'
        inner = job['pipelines'][task['component']]
        lines += pipeline_function_source(inner, inner_function, name=k8s_name(task['name']),
                                          parameter_defaults=inner.get('parameterDefaults') or {})
        job['_nested_functions'][task['name']] = inner_function
    if parameter_defaults:
        pipeline = dict(pipeline, parameters=[
            dict(p, default=parameter_defaults[p['name']]) if p['name'] in parameter_defaults else p
            for p in pipeline['parameters']])
    params, signature = pipeline_signature(pipeline)
    outputs = pipeline.get('outputs') or []
    outputs_type = f'{function}_Outputs'
    job['_one_of_order'] = collect_one_ofs(pipeline)

    def typed_by(o):
        # a dsl.OneOf is typed as its entries are (all one type)
        return o['oneOf'][0] if 'oneOf' in o else o
    lines += [
        f'{outputs_type} = NamedTuple(' + repr('Outputs') + ', [' + ', '.join(
            f"({o['name']!r}, {output_type_source(job, typed_by(o)['task'], typed_by(o)['output'])})" for o in outputs) + '])',
        '',
        '',
        f"@dsl.pipeline(name={name or pipeline['name']!r}, description={pipeline.get('description')!r}, "
        f"display_name={pipeline.get('display_name')!r}, pipeline_root={pipeline.get('pipeline_root')!r})",
        f"def {function}({', '.join(signature)})" + (f' -> {outputs_type}:' if outputs else ':'),
    ]
    lines += docstring(pipeline)
    if pipeline.get('body'):
        lines += body_source(pipeline['body'], pipeline, job, params, '    ')
    else:
        for task in topological(pipeline['tasks']):
            lines += task_source(task, job['components'], params, job)
    if outputs:
        fields = ', '.join(
            f"{o['name']}={_ONE_OFS[one_of_key(o['oneOf'])]}" if 'oneOf' in o else
            f"{o['name']}={py_ident(o['task'])}.outputs[{sanitize_input_name(o['output'])!r}]" for o in outputs)
        lines.append(f'    return {outputs_type}({fields})')
    lines += ['', '']
    return lines


def metadata_source(value, params):
    """Importer metadata as a Python literal; {parameter: p} is the pipeline parameter p."""
    if isinstance(value, dict) and list(value) == ['parameter'] and isinstance(value['parameter'], str):
        return params[value['parameter']]
    if isinstance(value, dict):
        return '{' + ', '.join(f'{k!r}: {metadata_source(v, params)}' for k, v in value.items()) + '}'
    if isinstance(value, list):
        return '[' + ', '.join(metadata_source(v, params) for v in value) + ']'
    return repr(value)


def importer_source(task, params):
    spec = task['importer']
    uri = spec['artifact_uri']
    uri_source = params[uri['parameter']] if uri['kind'] == 'parameter' else repr(uri['value'])
    kwargs = [f"artifact_uri={uri_source}", f"artifact_class=dsl.{spec['type']}"]
    if 'reimport' in spec:
        kwargs.append(f"reimport={spec['reimport']!r}")
    if 'metadata' in spec:
        kwargs.append(f"metadata={metadata_source(spec['metadata'], params)}")
    return f"    {py_ident(task['name'])} = _importer({task['name']!r}, {', '.join(kwargs)})"


# create_pvc's pipeline.yaml keys -> kubernetes.CreatePVC's arguments
CREATE_PVC_ARGUMENTS = (('name', 'pvc_name'), ('name_suffix', 'pvc_name_suffix'), ('access_modes', 'access_modes'),
                        ('size', 'size'), ('storage_class_name', 'storage_class_name'),
                        ('volume_name', 'volume_name'), ('annotations', 'annotations'), ('data_source', 'data_source'))


def create_pvc_value(value, params):
    """A CreatePVC argument: a constant, or (the claim's name) the pipeline parameter or upstream output that holds it."""
    if isinstance(value, dict) and list(value) == ['parameter']:
        return params[value['parameter']]
    if isinstance(value, dict) and sorted(value) == ['output', 'task']:
        return f"{py_ident(value['task'])}.outputs[{sanitize_input_name(value['output'])!r}]"
    return repr(value)


def pvc_task_source(task, params):
    """kubernetes.CreatePVC / DeletePVC, renamed to the pipeline.yaml's task name as _named renames components."""
    var = py_ident(task['name'])
    if task.get('create_pvc'):
        spec = task['create_pvc']
        kwargs = ', '.join(f'{arg}={create_pvc_value(spec[key], params)}' for key, arg in CREATE_PVC_ARGUMENTS if key in spec)
        line = f"    {var} = _renamed(_kubernetes.CreatePVC, {task['name']!r})({kwargs})"
    else:
        ref = task['delete_pvc']['pvc']
        line = f"    {var} = _renamed(_kubernetes.DeletePVC, {task['name']!r})(pvc_name={py_ident(ref['task'])}.outputs[{ref['output']!r}])"
    return [line] + common_task_options(var, task)


def task_source(task, components, params, job):
    if task.get('calls') == 'pipeline':
        return nested_task_source(task, params, job)
    if task.get('create_pvc') or task.get('delete_pvc'):
        return pvc_task_source(task, params)
    if task.get('importer'):
        # dsl.importer: a task of its own kind, with the options kfp gives every task
        var = py_ident(task['name'])
        return [importer_source(task, params)] + common_task_options(var, task)
    project = task['component']
    var = py_ident(task['name'])
    args = ', '.join(
        f'{sanitize_input_name(name)}={argument_source(arg, params, project, sanitize_input_name(name))}'
        for name, arg in task['arguments'].items())
    lines = [f"    {var} = _named(_components[{project!r}], {task['name']!r})({args})"] + common_task_options(var, task)
    if task.get('image') is not None:
        # pipeline.yaml's image: replaces the executor's image only: a constant, or a channel the run gives
        # (a pipeline parameter, an upstream output, a loop item), as argument_source writes arguments
        image = task['image']
        source = repr(image) if isinstance(image, str) else argument_source(image, params, project, 'image')
        lines.append(f"    {var}.set_container_image({source})")
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
    if task.get('ignore_upstream_failure'):
        lines.append(f"    {var}.ignore_upstream_failure()")
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
        source = (repr(name['name']) if name['kind'] == 'constant' else params[name['parameter']] if name['kind'] == 'parameter'
                  else f"{py_ident(name['task'])}.outputs[{name['output']!r}]")
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
        # an importer's uri and metadata come from parameters only
        deps.update(a['task'] for a in task['arguments'].values() if a['kind'] == 'task-output')
        # a claim a create_pvc task makes: what delete_pvc deletes and what a task mounts
        if task.get('delete_pvc'):
            deps.add(task['delete_pvc']['pvc']['task'])
        name = (task.get('create_pvc') or {}).get('name')
        if isinstance(name, dict) and 'task' in name:
            deps.add(name['task'])
        deps.update(m['pvc_name']['task'] for m in (task.get('kubernetes') or {}).get('pvc_mounts', [])
                    if m['pvc_name']['kind'] == 'task-output')
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
    if kind == 'loop-item':
        return loop_item_source(operand)
    # YAML cannot tell 1 from 1.0: beside a Float, a DSL author writes 1.0
    return f"_condition_literal({operand['value']!r}, {operand_type(other, pipeline)})"


def operand_type(operand, pipeline):
    """Python source giving the other side's type name at run time."""
    if operand['kind'] == 'parameter':
        return repr(next(p['type'] for p in pipeline['parameters'] if p['name'] == operand['parameter']))
    if operand['kind'] == 'task-output':
        project = task_project(pipeline, operand['task'])
        return f"_components[{project!r}].component_spec.outputs[{sanitize_input_name(operand['output'])!r}].type"
    if operand['kind'] == 'loop-item':
        # the type kfp gave the item (or field) channel: float for a listed 0.5
        return f"{loop_item_source(operand)}.channel_type"
    return 'None'


def condition_source(condition, pipeline, params):
    left = operand_source(condition['left'], condition['right'], pipeline, params)
    right = operand_source(condition['right'], condition['left'], pipeline, params)
    return f"{left} {condition['operator']} {right}"


def group_name(block):
    """`, name=...` for a group with a display name (kfp: taskInfo.name = group.display_name or group.name)."""
    return f", name={block['displayName']!r}" if block.get('displayName') is not None else ''


def body_source(nodes, pipeline, job, params, indent):
    """Tasks, dsl.If/Elif/Else blocks and dsl.ExitHandlers in file order (fixtures list them in dependency order)."""
    lines = []
    by_name = {t['name']: t for t in pipeline['tasks']}
    for node in nodes:
        if node['kind'] == 'task':
            lines += [indent + line[4:] for line in task_source(by_name[node['task']], job['components'], params, job)]
            continue
        if node['kind'] == 'loop':
            loop = node['loop']
            parallelism = f", parallelism={loop['parallelism']!r}" if loop.get('parallelism') is not None else ''
            lines.append(indent + f"with dsl.ParallelFor({loop_items_source(loop['items'], params)}{parallelism}{group_name(loop)}) as {loop_ident(loop['as'])}:")
            lines += body_source(loop['body'], pipeline, job, params, indent + '    ')
            continue
        if node['kind'] == 'exit-handler':
            # the exit task is made first, outside the handler, as a DSL author writes it
            exit_task = by_name[node['block']['exitTask']]
            lines += [indent + line[4:] for line in task_source(exit_task, job['components'], params, job)]
            lines.append(indent + f"with dsl.ExitHandler({py_ident(exit_task['name'])}{group_name(node['block'])}):")
            lines += body_source(node['block']['body'], pipeline, job, params, indent + '    ')
            continue
        for index, branch in enumerate(node['block']['branches']):
            if index == 0:
                head = f"with dsl.If({condition_source(branch['condition'], pipeline, params)}{group_name(branch)}):"
            elif branch.get('condition'):
                head = f"with dsl.Elif({condition_source(branch['condition'], pipeline, params)}{group_name(branch)}):"
            else:
                head = f"with dsl.Else({group_name(branch).lstrip(', ')}):"
            lines.append(indent + head)
            lines += body_source(branch['body'], pipeline, job, params, indent + '    ')
        direct = {n['task'] for branch in node['block']['branches'] for n in branch['body'] if n['kind'] == 'task'}
        for entries in job.get('_one_of_order', []):
            if entries[0]['task'] in direct:
                lines.append(indent + f"{_ONE_OFS[one_of_key(entries)]} = {one_of_source(entries)}")
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
        'def _loop_items(items):',
        '    # YAML (and JSON) cannot tell 1 from 1.0: where a list (or a field of its mappings) holds a',
        '    # fraction, a Python author writes every whole number there as a float',
        '    def floats(values):',
        '        return any(type(v) is float and not v.is_integer() for v in values)',
        '    def as_float(v):',
        '        return float(v) if type(v) is int else v',
        '    if all(isinstance(item, dict) for item in items):',
        '        keys = {k for item in items for k in item}',
        '        fractional = {k for k in keys if floats([item[k] for item in items if k in item])}',
        '        return [{k: as_float(v) if k in fractional else v for k, v in item.items()} for item in items]',
        '    return [as_float(v) for v in items] if floats(items) else items',
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
        'def _renamed(component, task_name):',
        '    # kfp-kubernetes\' CreatePVC/DeletePVC name their tasks createpvc/deletepvc; the pipeline.yaml names them',
        '    import copy',
        '    clone = copy.deepcopy(component)',
        '    clone.component_spec.name = task_name',
        '    clone.name = task_name',
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
        'def _importer(task_name, **kwargs):',
        '    # dsl.importer names its task "importer"; the pipeline.yaml names it, so the',
        '    # component it builds is renamed (kfp derives the task, comp- and exec- names from it)',
        '    import types',
        '    from kfp.dsl import importer_node',
        '    saved = importer_node.importer_component',
        '    class _Named(saved.ImporterComponent):',
        '        def __init__(self, component_spec):',
        '            component_spec.name = task_name',
        '            super().__init__(component_spec=component_spec)',
        '    importer_node.importer_component = types.SimpleNamespace(ImporterComponent=_Named)',
        '    try:',
        '        return dsl.importer(**kwargs)',
        '    finally:',
        '        importer_node.importer_component = saved',
        '',
        '',
    ]
    lines += pipeline_function_source(job, '_pipeline')
    lines += [
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
