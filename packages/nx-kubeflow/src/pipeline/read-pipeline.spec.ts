import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatProblem } from './pipeline-problems';
import { readPipeline } from './read-pipeline';

const FILE = 'pipelines/p/pipeline.yaml';
const messages = (text: string) => readPipeline(text, FILE).problems.map(formatProblem);

describe('readPipeline', () => {
  it('reads the DESIGN example into a PipelineDefinition, keeping declaration order', () => {
    const { definition, problems } = readPipeline(
      `name: training-pipeline
description: Load, train, evaluate
parameters:
  source_uri: {type: String}
  epochs: {type: Integer, default: 3}
tasks:
  load:
    component: data-loader
    arguments:
      source: {parameter: source_uri}
  train:
    component: trainer
    display_name: Train
    arguments:
      dataset: {task: load, output: dataset}
      learning_rate: 0.05
      options: {a: 1}
    after: [load]
    caching: false
    retry: {max_retry_count: 3, backoff_duration: 60s, backoff_factor: 2, backoff_max_duration: 3600s}
    resources: {cpu_limit: '2', memory_limit: 8G, accelerator: {type: nvidia.com/gpu, count: 1}}
    env: {LOG_LEVEL: debug}
    secrets:
    - {secret_name: warehouse, keys: {password: DYNACONF_WAREHOUSE__PASSWORD}}
`,
      FILE,
    );
    expect(problems).toEqual([]);
    expect(definition).toEqual({
      file: FILE,
      name: 'training-pipeline',
      description: 'Load, train, evaluate',
      parameters: [
        { name: 'source_uri', type: 'String' },
        { name: 'epochs', type: 'Integer', default: 3 },
      ],
      tasks: [
        { name: 'load', component: 'data-loader', arguments: { source: { kind: 'parameter', parameter: 'source_uri' } }, after: [] },
        {
          name: 'train',
          component: 'trainer',
          display_name: 'Train',
          arguments: {
            dataset: { kind: 'task-output', task: 'load', output: 'dataset' },
            learning_rate: { kind: 'literal', value: 0.05 },
            options: { kind: 'literal', value: { a: 1 } },
          },
          after: ['load'],
          caching: false,
          retry: { max_retry_count: 3, backoff_duration: '60s', backoff_factor: 2, backoff_max_duration: '3600s' },
          resources: { cpu_limit: '2', memory_limit: '8G', accelerator: { type: 'nvidia.com/gpu', count: 1 } },
          env: { LOG_LEVEL: 'debug' },
          secrets: [{ secret_name: 'warehouse', keys: { password: 'DYNACONF_WAREHOUSE__PASSWORD' }, at: ['secrets', 0] }],
        },
      ],
    });
  });

  it('normalizes parameter type aliases and takes numbers as resource strings', () => {
    const { definition, problems } = readPipeline(
      'name: p\nparameters:\n  n: {type: int}\ntasks:\n  a: {component: c, resources: {cpu_limit: 2}}\n',
      FILE,
    );
    expect(problems).toEqual([]);
    expect(definition!.parameters).toEqual([{ name: 'n', type: 'Integer' }]);
    expect(definition!.tasks[0].resources).toEqual({ cpu_limit: '2' });
  });

  it('reports YAML syntax errors and duplicate keys with their position', () => {
    expect(messages('name: p\ntasks:\n  a: {component: c\n')).toEqual([expect.stringMatching(/^pipelines\/p\/pipeline\.yaml:[34]:\d+: not valid YAML/)]);
    expect(messages('name: p\ntasks:\n  a: {component: c}\n  a: {component: d}\n')).toEqual([
      expect.stringMatching(/^pipelines\/p\/pipeline\.yaml:4:3: not valid YAML: Map keys must be unique/),
    ]);
  });

  it('reports every shape problem at once, each with line, column, task and field', () => {
    const text = `name: Bad_Name
descripton: typo
parameters:
  1st: {type: Integer}
  rate: {type: CSV}
  count: {type: Integer, default: 'three'}
tasks:
  Load_Data:
    component: data-loader
  train:
    componnt: trainer
    after: load
    caching: 'no'
    retry: {backoff_duration: 60}
    resources: {cpu_limit: lots, memory_limit: 8GB, accelerator: {count: 0}}
    arguments:
      dataset: {task: load, outptu: dataset}
      epochs:
    secrets:
    - {secret_name: s, keys: {password: 9-not-a-var}}
`;
    expect(messages(text)).toEqual([
      'pipelines/p/pipeline.yaml:2:1: descripton: unknown key "descripton" in a pipeline (did you mean "description"?); allowed: name, description, display_name, pipeline_root, parameters, tasks, outputs.',
      expect.stringMatching(/^pipelines\/p\/pipeline\.yaml:1:7: name: "Bad_Name" is not a valid pipeline name/),
      expect.stringMatching(/^pipelines\/p\/pipeline\.yaml:4:3: parameters\.1st: "1st" is not a valid parameter name/),
      expect.stringMatching(/^pipelines\/p\/pipeline\.yaml:5:16: parameters\.rate\.type: "CSV" is not a parameter type/),
      'pipelines/p/pipeline.yaml:6:35: parameters.count.default: "three" is not an Integer.',
      expect.stringMatching(/^pipelines\/p\/pipeline\.yaml:8:3: task "Load_Data": "Load_Data" is not a valid task name/),
      expect.stringMatching(/^pipelines\/p\/pipeline\.yaml:11:5: task "train", componnt: unknown key "componnt" in a task \(did you mean "component"\?\)/),
      'pipelines/p/pipeline.yaml:10:3: task "train", component: needs component: the name of a component project (or pipeline: the name of a pipeline project).',
      expect.stringMatching(/^pipelines\/p\/pipeline\.yaml:17:29: task "train", arguments\.dataset\.outptu: unknown key "outptu"/),
      'pipelines/p/pipeline.yaml:17:16: task "train", arguments.dataset: needs output: an upstream output name.',
      expect.stringMatching(/^pipelines\/p\/pipeline\.yaml:18:14: task "train", arguments\.epochs: has no value/),
      'pipelines/p/pipeline.yaml:12:12: task "train", after: must be a list of task names, e.g. after: [load].',
      'pipelines/p/pipeline.yaml:13:14: task "train", caching: must be true or false.',
      'pipelines/p/pipeline.yaml:14:12: task "train", retry.max_retry_count: max_retry_count is required: a whole number of retries, 0 to 2147483647.',
      'pipelines/p/pipeline.yaml:14:31: task "train", retry.backoff_duration: must be a whole number and a unit, as kfp takes it: 60s, 5m, 1h, 2d or 1w (got 60).',
      expect.stringMatching(/^pipelines\/p\/pipeline\.yaml:15:28: task "train", resources\.cpu_limit: must be a CPU amount/),
      expect.stringMatching(/^pipelines\/p\/pipeline\.yaml:15:48: task "train", resources\.memory_limit: must be a memory amount/),
      'pipelines/p/pipeline.yaml:15:66: task "train", resources.accelerator.type: needs type: the resource name, e.g. nvidia.com/gpu.',
      'pipelines/p/pipeline.yaml:20:41: task "train", secrets[0].keys.password: "9-not-a-var" is not a valid environment variable name: Kubernetes takes letters, digits, "_", "-" and ".", not starting with a digit.',
    ]);
  });

  it('refuses secret names and keys Kubernetes cannot hold, at their line (issue 12)', () => {
    const text = `name: p
tasks:
  train:
    component: trainer
    secrets:
    - {secret_name: 'Bad_Name!', keys: {password: PASSWORD}}
    - {secret_name: ../../etc, keys: {../k: K, ok: K2, ..: K3}}
`;
    expect(messages(text)).toEqual([
      expect.stringMatching(/^pipelines\/p\/pipeline\.yaml:6:21: task "train", secrets\[0\]\.secret_name: "Bad_Name!" is not a valid Kubernetes secret name/),
      expect.stringMatching(/^pipelines\/p\/pipeline\.yaml:7:21: task "train", secrets\[1\]\.secret_name: "\.\.\/\.\.\/etc" is not a valid Kubernetes secret name/),
      expect.stringMatching(/^pipelines\/p\/pipeline\.yaml:7:39: task "train", secrets\[1\]\.keys\.\.\.\/k: "\.\.\/k" is not a valid Kubernetes secret key/),
      expect.stringMatching(/^pipelines\/p\/pipeline\.yaml:7:56: task "train", secrets\[1\]\.keys\.\.\.: "\.\." is not a valid Kubernetes secret key/),
    ]);
  });

  it('reads artifact pipeline inputs and tolerations, refusing what kfp cannot express', () => {
    const { definition, problems } = readPipeline(
      `name: p
parameters:
  model: {type: Model}
  bad: {type: Dataset, default: x}
tasks:
  gpu:
    component: trainer
    arguments: {model: {parameter: model}}
    tolerations:
    - {key: nvidia.com/gpu, operator: Exists, effect: NoSchedule}
    - {key: dedicated, value: ml, toleration_seconds: 60}
    - {operator: Sometimes}
    - {value: x}
    - {key: k, operator: Exists, value: v, colour: red}
`,
      FILE,
    );
    expect(definition?.parameters[0]).toEqual({ name: 'model', type: 'Model' });
    expect(definition?.tasks[0].tolerations).toEqual([
      { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
      { key: 'dedicated', value: 'ml', toleration_seconds: 60 },
    ]);
    expect(problems.map(formatProblem)).toEqual([
      'pipelines/p/pipeline.yaml:4:33: parameters.bad.default: an artifact input (Dataset) has no default: it is given when the run starts.',
      'pipelines/p/pipeline.yaml:12:18: task "gpu", tolerations[2].operator: must be Equal or Exists (got "Sometimes").',
      'pipelines/p/pipeline.yaml:13:7: task "gpu", tolerations[3].operator: without a key, operator must be Exists (it then tolerates every taint).',
      expect.stringMatching(/^pipelines\/p\/pipeline\.yaml:14:44: task "gpu", tolerations\[4\]\.colour: unknown key "colour" in a toleration/),
      'pipelines/p/pipeline.yaml:14:41: task "gpu", tolerations[4].value: must be left out when operator is Exists (it matches every value).',
    ]);
  });

  it("reads a task's timeout as seconds: an int, as kfp-kubernetes' set_timeout takes it, or 90s, 30m, 2h, 1d", () => {
    const { definition, problems } = readPipeline(
      `name: p
tasks:
  a: {component: c, timeout: 3600}
  b: {component: c, timeout: 90s}
  c: {component: c, timeout: 30m}
  d: {component: c, timeout: 2h}
  e: {component: c, timeout: 1d}
  f: {component: c, timeout: 2147483647}
  g: {component: c, timeout: 24855d}
  h: {component: c, timeout: null}
  i: {component: c}
`,
      FILE,
    );
    expect(problems).toEqual([]);
    expect(definition!.tasks.map((task) => task.timeout_seconds)).toEqual([3600, 90, 1800, 7200, 86400, 2147483647, 2147472000, undefined, undefined]);
  });

  it('refuses every timeout Kubernetes or kfp-kubernetes would not take, all at once, at their line and column', () => {
    const text = `name: p
tasks:
  zero: {component: c, timeout: 0}
  zero-seconds: {component: c, timeout: 0s}
  negative: {component: c, timeout: -5}
  fraction: {component: c, timeout: 1.5}
  fraction-hours: {component: c, timeout: 1.5h}
  quoted: {component: c, timeout: '3600'}
  huge: {component: c, timeout: 2147483648}
  huge-days: {component: c, timeout: 24856d}
  word: {component: c, timeout: forever}
  combined: {component: c, timeout: 1h30m}
  list: {component: c, timeout: [1]}
  nan: {component: c, timeout: .nan}
  upper: {component: c, timeout: 30M}
`;
    expect(messages(text)).toEqual([
      'pipelines/p/pipeline.yaml:3:33: task "zero", timeout: must be 1 second or more; for no timeout, leave the key out (the task then gets deploy.task_timeout_seconds, if the settings give one).',
      'pipelines/p/pipeline.yaml:4:41: task "zero-seconds", timeout: must be 1 second or more; for no timeout, leave the key out (the task then gets deploy.task_timeout_seconds, if the settings give one).',
      'pipelines/p/pipeline.yaml:5:37: task "negative", timeout: must be positive (got -5).',
      'pipelines/p/pipeline.yaml:6:37: task "fraction", timeout: must be a whole number of seconds (3600) or a whole number and one unit: 90s, 30m, 2h or 1d (got 1.5).',
      'pipelines/p/pipeline.yaml:7:43: task "fraction-hours", timeout: must be a whole number of seconds (3600) or a whole number and one unit: 90s, 30m, 2h or 1d (got "1.5h"). Use a smaller unit for a fraction (90m, not 1.5h).',
      'pipelines/p/pipeline.yaml:8:35: task "quoted", timeout: must be a whole number of seconds (3600) or a whole number and one unit: 90s, 30m, 2h or 1d (got "3600"). Write 3600 unquoted for seconds, or 3600s.',
      "pipelines/p/pipeline.yaml:9:33: task \"huge\", timeout: 2147483648 is more than 2147483647 seconds (about 68 years), the most Kubernetes takes for a pod's activeDeadlineSeconds.",
      "pipelines/p/pipeline.yaml:10:38: task \"huge-days\", timeout: \"24856d\" is more than 2147483647 seconds (about 68 years), the most Kubernetes takes for a pod's activeDeadlineSeconds.",
      'pipelines/p/pipeline.yaml:11:33: task "word", timeout: must be a whole number of seconds (3600) or a whole number and one unit: 90s, 30m, 2h or 1d (got "forever").',
      'pipelines/p/pipeline.yaml:12:37: task "combined", timeout: must be a whole number of seconds (3600) or a whole number and one unit: 90s, 30m, 2h or 1d (got "1h30m").',
      'pipelines/p/pipeline.yaml:13:33: task "list", timeout: must be a whole number of seconds (3600) or a whole number and one unit: 90s, 30m, 2h or 1d (got [1]).',
      'pipelines/p/pipeline.yaml:14:32: task "nan", timeout: must be a whole number of seconds (3600) or a whole number and one unit: 90s, 30m, 2h or 1d (got NaN).',
      'pipelines/p/pipeline.yaml:15:34: task "upper", timeout: must be a whole number of seconds (3600) or a whole number and one unit: 90s, 30m, 2h or 1d (got "30M").',
    ]);
  });

  it("reads a task's image (set_container_image) as written, registry, tag and digest included", () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    const { definition, problems } = readPipeline(
      `name: p
tasks:
  a: {component: c, image: python:3.12-slim}
  b: {component: c, image: ghcr.io/acme/ml/trainer@${digest}}
  c: {component: c, image: 'localhost:5000/trainer:0123456789abcdef'}
  d: {component: c, image: null}
  e: {component: c}
`,
      FILE,
    );
    expect(problems).toEqual([]);
    expect(definition!.tasks.map((task) => task.image)).toEqual(['python:3.12-slim', `ghcr.io/acme/ml/trainer@${digest}`, 'localhost:5000/trainer:0123456789abcdef', undefined, undefined]);
  });

  it('refuses an image that is no reference a node can pull, and one on a pipeline task or an importer, all at once at their line and column', () => {
    const text = `name: p
tasks:
  number: {component: c, image: 3}
  empty: {component: c, image: ''}
  upper: {component: c, image: Python:3.12}
  spaced: {component: c, image: 'python 3.12'}
  scheme: {component: c, image: 'docker://python:3.12'}
  short-digest: {component: c, image: 'python@sha256:abc'}
  listed: {component: c, image: [python]}
  nested: {pipeline: inner, image: python:3.12}
  imported: {importer: {artifact_uri: gs://b/x, type: Dataset}, image: python:3.12}
`;
    const problems = messages(text);
    expect(problems.slice(0, 7)).toEqual([
      'pipelines/p/pipeline.yaml:3:33: task "number", image: must be a container image reference such as python:3.12-slim or ghcr.io/acme/trainer@sha256:<64 hex digits>, or a value the run gives: {parameter: p}, {task: t, output: o} or an enclosing loop\'s {item: x} (got 3).',
      'pipelines/p/pipeline.yaml:4:32: task "empty", image: must be a container image reference such as python:3.12-slim or ghcr.io/acme/trainer@sha256:<64 hex digits> (got "").',
      ...([['upper', 5, 32, 'Python:3.12'], ['spaced', 6, 33, 'python 3.12'], ['scheme', 7, 33, 'docker://python:3.12'], ['short-digest', 8, 39, 'python@sha256:abc']] as const).map(
        ([task, line, column, image]) =>
          `pipelines/p/pipeline.yaml:${line}:${column}: task "${task}", image: "${image}" is not an image reference a node can pull: [registry/]path[:tag][@sha256:digest], the path in lowercase letters, digits and single separators (".", "_", "__", "-"), a tag of at most 128 letters, digits, "_", "." and "-", e.g. ghcr.io/acme/trainer:1.4.`,
      ),
      'pipelines/p/pipeline.yaml:9:33: task "listed", image: must be a container image reference such as python:3.12-slim or ghcr.io/acme/trainer@sha256:<64 hex digits>, or a value the run gives: {parameter: p}, {task: t, output: o} or an enclosing loop\'s {item: x} (got ["python"]).',
    ]);
    expect(problems.slice(7)).toEqual([
      expect.stringMatching(/^pipelines\/p\/pipeline\.yaml:10:\d+: task "nested", image: applies to a component's container, and a task that runs a pipeline has none/),
      expect.stringMatching(/^pipelines\/p\/pipeline\.yaml:11:\d+: task "imported".*unknown key "image"/),
    ]);
  });

  it('reads pipeline outputs in file order and refuses bad ones at their line and column, all at once', () => {
    const { definition, problems } = readPipeline(
      `name: p
tasks:
  train: {component: trainer}
outputs:
  model: {task: train, output: model}
  rmse: {task: train, output: rmse}
`,
      FILE,
    );
    expect(problems).toEqual([]);
    expect(definition?.outputs).toEqual([
      { name: 'model', task: 'train', output: 'model' },
      { name: 'rmse', task: 'train', output: 'rmse' },
    ]);
    expect(
      messages(`name: p
tasks:
  train: {component: trainer}
outputs:
  _model: {task: train, output: model}
  rmse: {task: train}
  score: {task: train, output: s, typo: 1}
  class: train.model
`),
    ).toEqual([
      `${FILE}:5:3: outputs._model: "_model" is not a valid pipeline output name: kfp requires a pipeline output to start with a letter; rename it, e.g. model.`,
      `${FILE}:6:9: outputs.rmse: needs output: that task's output name.`,
      `${FILE}:7:35: outputs.score.typo: unknown key "typo" in a pipeline output; allowed: task, output.`,
      `${FILE}:8:3: outputs.class: "class" is not a valid pipeline output name: use a Python identifier (letters, digits and "_", not starting with a digit, not a keyword), e.g. learning_rate.`,
      `${FILE}:8:10: outputs.class: must be an output reference {task: t, output: o}, or {one_of: [...]} of the branches of an if/elif/else.`,
    ]);
    expect(
      messages(`name: p
tasks:
  t: {component: c}
outputs: [model]
`),
    ).toEqual([
      `${FILE}:4:10: outputs: must be a mapping of output name to {task: t, output: o}, e.g. outputs: {model: {task: train, output: model}}.`,
    ]);
  });

  it('reads condition blocks (if, then, elif, else) into the body, nested, with every task in tasks', () => {
    const { definition, problems } = readPipeline(
      `name: p
parameters:
  min: {type: Float, default: 0.9}
tasks:
  evaluate: {component: evaluator}
  gate:
    if: {left: {task: evaluate, output: accuracy}, operator: '>=', right: {parameter: min}}
    then:
      deploy: {component: deployer}
      inner:
        if: {left: {parameter: min}, operator: '<', right: 1}
        then:
          notify: {component: notifier}
    elif:
      - if: {left: 0.5, operator: '<=', right: {task: evaluate, output: accuracy}}
        then:
          review: {component: notifier}
    else:
      discard: {component: notifier}
`,
      FILE,
    );
    expect(problems.map(formatProblem)).toEqual([]);
    expect(definition?.tasks.map((task) => [task.name, task.yamlPath?.join('.') ?? 'top'])).toEqual([
      ['evaluate', 'top'],
      ['deploy', 'tasks.gate.then.deploy'],
      ['notify', 'tasks.gate.then.inner.then.notify'],
      ['review', 'tasks.gate.elif.0.then.review'],
      ['discard', 'tasks.gate.else.discard'],
    ]);
    const gate = definition?.body?.[1];
    expect(gate?.kind === 'condition' && gate.block.branches.map((branch) => [branch.condition?.operator ?? 'else', branch.body.map((node) => (node.kind === 'task' ? node.task : node.kind === 'loop' ? node.loop.name : node.block.name))])).toEqual([
      ['>=', ['deploy', 'inner']],
      ['<=', ['review']],
      ['else', ['discard']],
    ]);
    expect(gate?.kind === 'condition' && gate.block.branches[1].condition).toEqual({ left: { kind: 'literal', value: 0.5 }, operator: '<=', right: { kind: 'task-output', task: 'evaluate', output: 'accuracy' } });
  });

  it('reads display names of groups (dsl.If/Elif/Else, ParallelFor, ExitHandler with name=) and refuses else_display_name without else', () => {
    const fixture = join(__dirname, '../kfp/__fixtures__/differential/group_display_names/pipeline.yaml');
    const { definition, problems } = readPipeline(readFileSync(fixture, 'utf8'), fixture);
    expect(problems.map(formatProblem)).toEqual([]);
    const watch = definition?.body?.[0];
    expect(watch?.kind === 'exit-handler' && watch.block.displayName).toBe('Train and notify');
    const [, gate, perSeed] = watch?.kind === 'exit-handler' ? watch.block.body : [];
    expect(gate?.kind === 'condition' && gate.block.branches.map((branch) => branch.displayName)).toEqual(['Good enough', 'Close', undefined, 'Nothing learned']);
    expect(perSeed?.kind === 'loop' && perSeed.loop.displayName).toBe('Per seed');
    const unnamed = definition?.body?.[1];
    expect(unnamed?.kind === 'loop' && 'displayName' in unnamed.loop).toBe(false);

    const refused = readPipeline(
      ['name: p', 'tasks:', '  gate:', "    if: {left: 1, operator: '==', right: {parameter: x}}", '    then: {a: {component: c}}', '    else_display_name: Otherwise', '    display_name: 7', ''].join('\n'),
      FILE,
    );
    expect(refused.problems.map(formatProblem)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/pipeline\.yaml:6:\d+: .*else_display_name.*names the else branch, and this condition has no else/),
        expect.stringMatching(/pipeline\.yaml:7:\d+: .*display_name.*must be a string/),
      ]),
    );
  });

  it('refuses malformed conditions at their line and column, all at once, with the task fields below nested tasks', () => {
    expect(
  messages(`name: p
tasks:
  a: {component: c}
  gate:
    if: {left: 1, operator: '=', right: 2}
    then:
      b: {component: c, typo: 1}
      a: {component: c}
    elif:
      - if: {left: {parameter: p}, operator: '==', right: "it's"}
      - x
    else: {}
  other:
    if: {left: {parameter: p}, operator: '>', right: [1]}
    then: {c2: {component: c}}
    typo: 1
`)
).toMatchInlineSnapshot(`
[
  "pipelines/p/pipeline.yaml:5:29: tasks.gate.if.operator: needs operator: one of == != < <= > >= (quote it in YAML: '>=').",
  "pipelines/p/pipeline.yaml:5:9: tasks.gate.if: compares two constants: at least one side must be a pipeline parameter ({parameter: p}) or an upstream output ({task: t, output: o}).",
  "pipelines/p/pipeline.yaml:7:25: task "b", typo: unknown key "typo" in a task; allowed: component, pipeline, display_name, arguments, after, caching, cache_key, retry, resources, env, secrets, tolerations, timeout, ignore_upstream_failure, image, config_maps, volumes, node_selector, node_affinity, image_pull_secrets, image_pull_policy, pod_labels, pod_annotations, field_path_env.",
  "pipelines/p/pipeline.yaml:8:7: tasks.gate.then.a: "a" is already the name of a task (tasks.a): task and condition names are unique across the pipeline, nested ones included.",
  "pipelines/p/pipeline.yaml:10:59: tasks.gate.elif[0].if.right: cannot hold ', \\ or a line break: kfp writes text constants into the condition unescaped.",
  "pipelines/p/pipeline.yaml:10:9: tasks.gate.elif[0].then: needs then: a mapping of the tasks (and conditions) that run when the condition holds, e.g. then: {deploy: {component: deployer}}.",
  "pipelines/p/pipeline.yaml:11:9: tasks.gate.elif[1]: must be a mapping {if: <comparison>, then: <tasks>}.",
  "pipelines/p/pipeline.yaml:12:11: tasks.gate.else: needs else: a mapping of the tasks (and conditions) that run when no condition above holds, e.g. else: {deploy: {component: deployer}}.",
  "pipelines/p/pipeline.yaml:16:5: tasks.other.typo: unknown key "typo" in a condition; allowed: if, then, elif, else, display_name, else_display_name.",
  "pipelines/p/pipeline.yaml:14:54: tasks.other.if.right: must be {parameter: p}, {task: t, output: o}, an enclosing loop's {item: x} / {item: x, field: f} or a constant: text, a number, true or false (no lists or mappings).",
]
`);
  });

  it('asks for tasks and a name when the file has neither', () => {
    expect(messages('description: nothing\n')).toEqual([
      'pipelines/p/pipeline.yaml:1:1: name: is required: the pipeline name, e.g. name: training-pipeline.',
      'pipelines/p/pipeline.yaml:1:1: needs tasks: a mapping of task name to {component, arguments, ...}.',
    ]);
  });
});
