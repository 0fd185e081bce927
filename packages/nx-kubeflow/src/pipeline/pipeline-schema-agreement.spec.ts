/**
 * The shipped JSON Schema (what an editor flags) and readPipeline (what
 * compile refuses) must give the same verdict on every pipeline.yaml: the
 * example pipeline, every fixture, and a corpus of good and bad values for
 * each field either of them constrains. ajv is the schema's judge, with
 * strictNumbers: the schema speaks JSON, which has no NaN or infinity, and
 * neither does the IR, so both refuse them.
 */
import Ajv from 'ajv';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { formatProblem } from './pipeline-problems';
import { readPipeline } from './read-pipeline';

const WORKSPACE = join(__dirname, '../../../..');
const schema = JSON.parse(readFileSync(join(__dirname, 'pipeline.schema.json'), 'utf8'));
const validate = new Ajv({ allErrors: true, strict: false, strictSchema: true, strictNumbers: true }).compile(schema);

interface Verdicts {
  schema: string[];
  reader: string[];
}

function verdicts(text: string): Verdicts {
  const read = readPipeline(text, 'pipeline.yaml');
  const value = parse(text);
  const schemaErrors = validate(value) ? [] : (validate.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message}`);
  return { schema: schemaErrors, reader: read.problems.map(formatProblem) };
}

/** A line saying how the verdicts differ from each other or from `expected`, or undefined when they do not. */
function disagreement(label: string, text: string, expected: 'valid' | 'invalid' | 'either' = 'either'): string | undefined {
  const { schema: schemaErrors, reader } = verdicts(text);
  const agree = (schemaErrors.length === 0) === (reader.length === 0);
  if (agree && (expected === 'either' || (expected === 'valid') === (reader.length === 0))) return undefined;
  return `${label}: expected ${agree ? expected : 'agreement'}; schema: ${JSON.stringify(schemaErrors)}; reader: ${JSON.stringify(reader)}`;
}

function expectAgreement(cases: ReadonlyArray<readonly [label: string, text: string, expected?: 'valid' | 'invalid' | 'either']>): void {
  expect(cases.map(([label, text, expected]) => disagreement(label, text, expected)).filter((line) => line !== undefined)).toEqual([]);
}

/** Every pipeline.yaml the workspace holds: the example pipelines, the generator's output shape, and the compiler fixtures. */
function examplePipelines(): string[] {
  const files: string[] = [];
  const pipelines = join(WORKSPACE, 'pipelines');
  for (const name of existsSync(pipelines) ? readdirSync(pipelines) : []) {
    if (existsSync(join(pipelines, name, 'pipeline.yaml'))) files.push(join(pipelines, name, 'pipeline.yaml'));
  }
  const fixtures = join(__dirname, '../kfp/__fixtures__');
  for (const kind of ['differential', 'golden']) {
    for (const name of readdirSync(join(fixtures, kind))) {
      if (existsSync(join(fixtures, kind, name, 'pipeline.yaml'))) files.push(join(fixtures, kind, name, 'pipeline.yaml'));
    }
  }
  return files;
}

/** The pipeline.yaml texts written out in the specs of the reader, checker, compile and kfp acceptance (those without interpolation). */
function specExamples(): { label: string; text: string }[] {
  const specs = ['read-pipeline.spec.ts', 'check-pipeline.spec.ts', 'read-exit-handlers.spec.ts', 'check-exit-handlers.spec.ts', 'read-importers.spec.ts', 'compile-pipeline-project.spec.ts', 'nested-pipelines.spec.ts', '../kfp/kfp-acceptance.spec.ts'];
  return specs.flatMap((spec) => {
    const source = readFileSync(join(__dirname, spec), 'utf8');
    return [...source.matchAll(/`(name: [^`]*)`/g)]
      .filter(([, text]) => !text.includes('${'))
      .map(([, text], index) => ({ label: `${spec} example ${index + 1}`, text }));
  });
}

const BASE = `name: p
description: d
parameters:
  rate: {type: Float, default: 0.1, description: r}
tasks:
  a:
    component: c
    display_name: A
    arguments: {x: 1, y: {parameter: rate}, z: {task: b, output: o}}
    after: [b]
    caching: true
    retry: {max_retry_count: 1, backoff_duration: 60s, backoff_factor: 2, backoff_max_duration: 3600s}
    resources: {cpu_request: '1', cpu_limit: '2', memory_request: 1G, memory_limit: 2G, accelerator: {type: nvidia.com/gpu, count: 1}}
    env: {A: b}
    secrets: [{secret_name: s, keys: {k: K}}]
    tolerations: [{key: k, operator: Equal, value: v, effect: NoSchedule, toleration_seconds: 10}]
    timeout: 30m
  b: {component: c}
`;

const REMOVE = Symbol('remove');

/** BASE with the value at `path` replaced by `yaml` (parsed as YAML, as a user writes it), or removed. */
function variant(path: (string | number)[], yaml: string | typeof REMOVE): string {
  const doc = parse(BASE);
  let parent = doc;
  for (const key of path.slice(0, -1)) parent = parent[key] ??= {};
  const last = path[path.length - 1];
  if (yaml === REMOVE) delete parent[last];
  else parent[last] = parse(`v: ${yaml}`).v;
  return stringify(doc);
}

/** BASE with a mapping whose keys are being tested: `path` gets { [key]: value }. */
function keyVariant(path: (string | number)[], key: string, value: string): string {
  const doc = parse(BASE);
  let parent = doc;
  for (const segment of path.slice(0, -1)) parent = parent[segment];
  parent[path[path.length - 1]] = { [key]: parse(`v: ${value}`).v };
  return stringify(doc);
}

type Corpus = { path: (string | number)[]; good: string[]; bad: string[] };

const TASK = ['tasks', 'a'];
const PARAM = ['parameters', 'rate'];

/** Values as YAML text; each is tried at its path in BASE. */
const CORPUS: Corpus[] = [
  { path: ['name'], good: ['p', 'training-pipeline', '0x', `${'a'.repeat(128)}`], bad: ['P', 'a_b', '-a', "''", '1', 'null', `${'a'.repeat(129)}`, '[p]'] },
  { path: ['description'], good: ['x', "''", 'null', "'multi\n  line'"], bad: ['1', '[x]', '{a: 1}', 'true'] },
  { path: ['parameters'], good: ['null', '{}'], bad: ['[]', 'x', '1'] },
  { path: [...PARAM, 'description'], good: ['x', 'null', "''"], bad: ['1', '[x]'] },
  {
    path: [...PARAM, 'type'],
    good: ['Float', 'float', 'FLOAT', 'double', 'Double'],
    bad: ['Foo', '1', 'null', 'artifact', 'dataset', 'Float64', '[Float]', 'constructor', 'toString', '__proto__', 'hasOwnProperty', "''"],
  },
  { path: [...PARAM], good: ['{type: string, default: x}', '{type: TEXT, default: x}', '{type: Str, default: x}', '{type: integer, default: 1}', '{type: INT, default: 1}'], bad: ['{type: text, default: 1}', '{type: INT, default: 1.5}'] },
  { path: [...PARAM], good: ['{type: boolean, default: true}', '{type: Bool, default: false}', '{type: jsonobject, default: {}}', '{type: DICT, default: {a: 1}}'], bad: ['{type: bool, default: 0}', '{type: Dict, default: [1]}'] },
  { path: [...PARAM], good: ['{type: jsonarray, default: []}', '{type: List, default: [a]}', '{type: Double, default: 2}'], bad: ['{type: LIST, default: {}}', '{type: double, default: x}'] },
  { path: [...PARAM, 'default'], good: ['0.1', '1', '-3', '1e-3', '1.0e+2'], bad: ['x', "'0.1'", 'true', 'null', '.nan', '.inf', '-.inf', '[1]', '{a: 1}'] },
  { path: [...PARAM], good: ['{type: Float}', '{type: String, default: x}', '{type: Integer, default: 3}', '{type: Boolean, default: false}'], bad: [] },
  { path: [...PARAM], good: ['{type: JsonObject, default: {a: [1, b]}}', '{type: JsonArray, default: [1, {a: 2}]}', '{type: str, default: x}', '{type: int, default: 1}'], bad: [] },
  { path: [...PARAM], good: ['{type: float, default: 1.5}', '{type: bool, default: true}', '{type: dict, default: {}}', '{type: list, default: []}'], bad: [] },
  { path: [...PARAM], good: ['{type: Dataset}', '{type: Artifact, description: d}', '{type: Model}', '{type: Metrics}', '{type: HTML}', '{type: Markdown}'], bad: [] },
  { path: [...PARAM], good: ['{type: ClassificationMetrics}', '{type: SlicedClassificationMetrics}'], bad: ['{type: Dataset, default: x}', '{type: Model, default: null}'] },
  {
    path: [...PARAM],
    good: [],
    bad: [
      '{type: Integer, default: 1.5}',
      '{type: Integer, default: x}',
      '{type: Integer, default: 1e400}',
      '{type: String, default: 1}',
      '{type: String, default: true}',
      '{type: Boolean, default: yes}',
      '{type: Boolean, default: 1}',
      '{type: JsonObject, default: [1]}',
      '{type: JsonObject, default: {a: .nan}}',
      '{type: JsonArray, default: {a: 1}}',
      '{type: JsonArray, default: [.inf]}',
      '{type: JsonObject, default: {a: null}}',
      '{type: JsonArray, default: [1, null]}',
      '{default: 1}',
      '{type: Float, typo: 1}',
      'Float',
      'null',
      '[Float]',
    ],
  },
  { path: ['tasks'], good: [], bad: ['null', '{}', '[]', 'x'] },
  { path: TASK, good: [
      '{component: c}',
      '{component: c, arguments: null, after: null, retry: null, resources: null, env: null, secrets: null, tolerations: null, timeout: null}',
      '{component: c, config_maps: null, volumes: null, node_selector: null, image_pull_secrets: null, image_pull_policy: null, pod_labels: null, pod_annotations: null, field_path_env: null}',
    ], bad: ['x', 'null', '{}', '{component: c, typo: 1}', '[c]'] },
  { path: [...TASK, 'component'], good: ['c', 'data-loader'], bad: ["''", '1', 'null', '[c]'] },
  { path: [...TASK, 'display_name'], good: ['Train', "''", 'null'], bad: ['1', '[x]'] },
  { path: [...TASK, 'arguments'], good: ['null', '{}', '{x: 1}', '{x: x}', '{x: true}', '{x: [1, a]}', '{x: {a: 1}}', '{x: {}}', '{x: {parameter: rate}}', '{x: {task: b, output: o}}'], bad: [] },
  {
    path: [...TASK, 'arguments'],
    good: ['{x: 1.5e3}', '{x: -1}'],
    bad: [
      '{x: null}',
      '{x: {parameter: 1}}',
      '{x: {parameter: rate, extra: 1}}',
      '{x: {task: b}}',
      '{x: {output: o}}',
      '{x: {task: b, output: 1}}',
      '{x: {task: b, output: o, extra: 1}}',
      '{x: .nan}',
      '{x: [.inf]}',
      '{x: {a: -.inf}}',
      '{x: [null]}',
      '{x: {a: {b: null}}}',
      'x',
      '[1]',
    ],
  },
  { path: [...TASK, 'after'], good: ['[]', '[b]', 'null', '[b, b]'], bad: ['b', '[1]', '[null]', '{b: 1}'] },
  { path: [...TASK, 'caching'], good: ['true', 'false'], bad: ['yes', "'true'", '1', 'null'] },
  { path: [...TASK, 'cache_key'], good: ['features-2024', "'any text: even spaces'", 'null'], bad: ["''", '1', 'true', '[k]', '{k: v}'] },
  { path: [...TASK, 'retry'], good: ['{max_retry_count: 0}', '{max_retry_count: 3}', 'null', '{max_retry_count: 2147483647}'], bad: ['{}', '{max_retry_count: -1}', '{max_retry_count: 2147483648}', '{max_retry_count: 1.5}', "{max_retry_count: '3'}", '3', '{max_retry_count: 1, typo: 1}'] },
  {
    path: [...TASK, 'retry', 'backoff_duration'],
    good: ['60s', '0s', '1s', '5m', '1h', '2d', '1w', "'1 hour'", '2hours', "'2 w'", '10sec', '5ms', "' 30s'", "'1 0s'"],
    bad: ['1.5s', '1.5h', '60', '60x', 's', "''", '1h30m', '-1s', "'\t1s'", '60', '1', 'null', '[60s]', '.inf'],
  },
  { path: [...TASK, 'retry', 'backoff_max_duration'], good: ['3600s', '1h', "'3 days'"], bad: ['0.5h', '3600', 'forever', 'null'] },
  { path: [...TASK, 'retry', 'backoff_factor'], good: ['2', '1.5', '0.1'], bad: ['0', '-1', "'2'", 'null', '.inf', '.nan'] },
  { path: [...TASK, 'resources'], good: ['{}', 'null', '{cpu_limit: 1}'], bad: ['{typo: 1}', '1', '[1]'] },
  {
    path: [...TASK, 'resources', 'cpu_limit'],
    good: ["'2'", '2', "'0.5'", '0.5', '500m', "'.5'", '.5', '0', '1000000'],
    bad: ['two', "'-1'", '-1', '2m5', "''", 'null', '1e-7', '1e21', '.inf', '.nan', 'true', '[1]', '2Gi'],
  },
  { path: [...TASK, 'resources', 'cpu_request'], good: ["'1'", '1'], bad: ['1.5.5', '1M'] },
  {
    path: [...TASK, 'resources', 'memory_limit'],
    good: ['8G', '1Gi', '512M', '100', "'100'", '512Mi', '1E', '1Ki', '0'],
    bad: ['8GB', '1.5G', '1.5', '-1', "''", 'null', 'G', '1e21', '.inf', '8g', 'true'],
  },
  { path: [...TASK, 'resources', 'memory_request'], good: ['1G'], bad: ['1 G'] },
  { path: [...TASK, 'resources', 'accelerator'], good: ['{type: nvidia.com/gpu}', '{type: x, count: 2}'], bad: ['{}', "{type: ''}", '{type: 1}', '{type: x, count: 0}', '{type: x, count: 1.5}', '{type: x, typo: 1}', 'null', 'gpu'] },
  { path: [...TASK, 'env'], good: ['{A: b}', '{_A1: 1}', '{A: true}', '{A: 1.5}', 'null', '{}'], bad: ['{A: null}', '{A: [1]}', '{A: {b: 1}}', '{A: .nan}', '{A: .inf}', '[A]'] },
  { path: [...TASK, 'secrets'], good: ['[]', 'null', '[{secret_name: s, keys: {k: K, k2: _K2}}]'], bad: ['{}', '[{secret_name: s}]', '[{keys: {k: K}}]', "[{secret_name: '', keys: {k: K}}]", '[{secret_name: s, keys: {}}]'] },
  // Kubernetes names (issue 12): a Secret name is a DNS-1123 subdomain, a key [-._a-zA-Z0-9]+ but not . or ..
  {
    path: [...TASK, 'secrets'],
    good: ["[{secret_name: a.b-c.d9, keys: {.k: K, k-1_.x: K2, '...': K3}}]", `[{secret_name: ${'a'.repeat(253)}, keys: {${'k'.repeat(253)}: K}}]`],
    bad: [
      "[{secret_name: 'Bad_Name!', keys: {k: K}}]",
      "[{secret_name: '../../etc', keys: {k: K}}]",
      '[{secret_name: Warehouse, keys: {k: K}}]',
      '[{secret_name: -s, keys: {k: K}}]',
      '[{secret_name: s., keys: {k: K}}]',
      '[{secret_name: a..b, keys: {k: K}}]',
      `[{secret_name: ${'a'.repeat(254)}, keys: {k: K}}]`,
      "[{secret_name: s, keys: {'../k': K}}]",
      "[{secret_name: s, keys: {'.': K}}]",
      "[{secret_name: s, keys: {'..': K}}]",
      "[{secret_name: s, keys: {'a b': K}}]",
      "[{secret_name: s, keys: {'k/x': K}}]",
      `[{secret_name: s, keys: {${'k'.repeat(254)}: K}}]`,
    ],
  },
  { path: [...TASK, 'secrets'], good: [], bad: ['[{secret_name: s, keys: {k: 1K}}]', '[{secret_name: s, keys: {k: 1}}]', '[{secret_name: s, keys: {k: K}, typo: 1}]', '[s]', '[null]', '[{secret_name: 1, keys: {k: K}}]'] },
  {
    path: [...TASK, 'tolerations'],
    good: ['[]', 'null', '[{key: k}]', '[{operator: Exists}]', '[{key: k, operator: Exists}]', '[{key: k, operator: Exists, effect: NoExecute, toleration_seconds: 5}]', '[{key: k, value: v, effect: PreferNoSchedule}]'],
    bad: ['[{}]', '[{value: v}]', '[{operator: Equal}]', '[{key: k, operator: Exists, value: v}]', '[{key: k, operator: In}]', '[{key: k, effect: Never}]', '[{key: 1}]', '[{key: k, value: 1}]'],
  },
  {
    path: [...TASK, 'timeout'],
    good: ['1', '3600', '60.0', '1e3', '2147483647', 'null', '1s', '90s', '30m', '2h', '1d', '2147483647s', '35791394m', '596523h', '24855d', '999999999s', '1000000000s'],
    bad: ['0', '-1', '1.5', '2147483648', '1e20', '.inf', '.nan', 'true', '[1]', '{s: 1}', "'3600'", "''", '0s', '00s', '090s', '-5s', '1.5h', '1h30m', '30M', '30 m', "' 30m'", '1w', 'forever'],
  },
  { path: [...TASK, 'timeout'], good: [], bad: ['2147483648s', '35791395m', '596524h', '24856d', '9999999999s', '100000000m', '1000000h', '100000d', '3000000000s', '2147483650s'] },
  {
    path: ['tasks', 'gate'],
    good: [
      "{if: {left: {task: b, output: o}, operator: '>=', right: 0.9}, then: {c: {component: c}}}",
      "{if: {left: {parameter: rate}, operator: '==', right: x}, then: {c: {component: c}}, elif: [{if: {left: 1, operator: '<', right: {parameter: rate}}, then: {d: {component: c}}}], else: {e: {component: c}}}",
      "{if: {left: {parameter: rate}, operator: '!=', right: true}, then: {inner: {if: {left: {parameter: rate}, operator: '>', right: 1}, then: {c: {component: c}}}}}",
      "{if: {left: {task: b, output: o}, operator: '<=', right: {parameter: rate}}, then: {c: {component: c}}, elif: []}",
      // group display names (dsl.If/Elif/Else(name=))
      "{if: {left: {parameter: rate}, operator: '>', right: 1}, then: {c: {component: c}}, display_name: High rate, elif: [{if: {left: {parameter: rate}, operator: '>', right: 0}, then: {d: {component: c}}, display_name: Some}], else: {e: {component: c}}, else_display_name: None at all}",
      "{if: {left: {parameter: rate}, operator: '>', right: 1}, then: {c: {component: c}}, display_name: null, else: {e: {component: c}}, else_display_name: ''}",
    ],
    bad: [
      "{if: {left: {parameter: rate}, operator: '=', right: 1}, then: {c: {component: c}}}",
      "{if: {left: 1, operator: '==', right: 2}, then: {c: {component: c}}}",
      "{if: {left: {parameter: rate}, operator: '==', right: \"it's\"}, then: {c: {component: c}}}",
      "{if: {left: {parameter: rate}, operator: '==', right: [1]}, then: {c: {component: c}}}",
      "{if: {left: {parameter: rate}, operator: '==', right: {task: b}}, then: {c: {component: c}}}",
      "{if: {left: {parameter: rate}, operator: '==', right: 1}}",
      "{if: {left: {parameter: rate}, operator: '==', right: 1}, then: {}}",
      "{if: {left: {parameter: rate}, operator: '==', right: 1}, then: {c: {component: c}}, else: {}}",
      "{if: {left: {parameter: rate}, operator: '==', right: 1}, then: {c: {component: c}}, elif: [{then: {d: {component: c}}}]}",
      "{if: {left: {parameter: rate}, operator: '==', right: 1}, then: {c: {component: c}}, typo: 1}",
      "{if: {left: {parameter: rate}, operator: '==', right: 1}, then: {C: {component: c}}}",
      "{if: {left: {parameter: rate}, right: 1}, then: {c: {component: c}}}",
      "{if: {left: {parameter: rate}, operator: '==', right: 1}, then: {c: {component: c}}, component: c}",
      "{if: x, then: {c: {component: c}}}",
      "{if: {left: {parameter: rate}, operator: '>', right: 1}, then: {c: {component: c}}, display_name: 1}",
      "{if: {left: {parameter: rate}, operator: '>', right: 1}, then: {c: {component: c}}, else_display_name: Otherwise}",
      "{if: {left: {parameter: rate}, operator: '>', right: 1}, then: {c: {component: c}}, else_display_name: null}",
      "{if: {left: {parameter: rate}, operator: '>', right: 1}, then: {c: {component: c}}, elif: [{if: {left: {parameter: rate}, operator: '>', right: 0}, then: {d: {component: c}}, display_name: [x]}]}",
      "{if: {left: {parameter: rate}, operator: '>', right: 1}, then: {c: {component: c}}, elif: [{if: {left: {parameter: rate}, operator: '>', right: 0}, then: {d: {component: c}}, else_display_name: x}], else: {e: {component: c}}}",
    ],
  },
  { path: [...TASK, 'ignore_upstream_failure'], good: ['true', 'false'], bad: ['null', "'yes'", '1', '[true]'] },
  {
    path: ['tasks', 'watch'],
    good: [
      '{exit_task: {notify: {component: c, arguments: {m: {parameter: rate}}}}, tasks: {c: {component: c}}}',
      "{exit_task: {notify: {component: c}}, tasks: {c: {component: c}, g: {if: {left: {parameter: rate}, operator: '>', right: 1}, then: {d: {component: c}}}}}",
      '{tasks: {c: {component: c}}, exit_task: {notify: {component: c, ignore_upstream_failure: true}}}',
      '{exit_task: {notify: {component: c}}, tasks: {c: {component: c}}, display_name: Train then notify}',
    ],
    bad: [
      '{exit_task: {notify: {component: c}}}',
      '{exit_task: {notify: {component: c}}, tasks: {}}',
      '{exit_task: {notify: {component: c}}, tasks: null}',
      '{exit_task: {}, tasks: {c: {component: c}}}',
      '{exit_task: null, tasks: {c: {component: c}}}',
      '{exit_task: {n1: {component: c}, n2: {component: c}}, tasks: {c: {component: c}}}',
      '{exit_task: {notify: {component: c}}, tasks: {c: {component: c}}, typo: 1}',
      '{exit_task: {notify: {component: c}}, tasks: {c: {component: c}}, component: c}',
      '{exit_task: {Notify: {component: c}}, tasks: {c: {component: c}}}',
      '{exit_task: {notify: null}, tasks: {c: {component: c}}}',
      '{exit_task: {notify: {component: c, typo: 1}}, tasks: {c: {component: c}}}',
      "{exit_task: {notify: {if: {left: {parameter: rate}, operator: '>', right: 1}, then: {d: {component: c}}}}, tasks: {c: {component: c}}}",
      '{exit_task: {notify: {component: c}}, tasks: {inner: {exit_task: {n2: {component: c}}, tasks: {d: {component: c}}}}}',
      '{exit_task: {notify: {component: c}}, tasks: [c]}',
      '{exit_task: {notify: {component: c}}, tasks: {c: {component: c}}, display_name: {a: b}}',
    ],
  },
  {
    path: ['tasks', 'mk'],
    good: [
      "{create_pvc: {name_suffix: '-my-pvc', access_modes: [ReadWriteOnce], size: 5Gi}}",
      "{create_pvc: {name: shared.data, access_modes: [ReadWriteMany, ReadOnlyMany, ReadWriteOncePod], size: '0.5', storage_class_name: '', volume_name: pv-1, annotations: {example.com/owner: x y}}, display_name: M, after: [b], caching: false}",
      "{create_pvc: {name: d, access_modes: [ReadWriteOnce], size: '1e3', annotations: null}, display_name: null, after: null}",
      '{delete_pvc: {pvc: {task: make, output: name}}, after: [b], display_name: D, caching: true}',
      '{create_pvc: {name: {parameter: rate}, access_modes: [ReadWriteOnce], size: 5Gi}}',
      '{create_pvc: {name: {task: b, output: o}, access_modes: [ReadWriteOnce], size: 5Gi}}',
      '{create_pvc: {name: d, access_modes: [ReadWriteOnce], size: 5Gi, data_source: {apiGroup: snapshot.storage.k8s.io, kind: VolumeSnapshot, name: snap-1}}}',
      '{create_pvc: {name: d, access_modes: [ReadWriteOnce], size: 5Gi, data_source: {kind: PersistentVolumeClaim, name: source.claim}}}',
      "{create_pvc: {name: d, access_modes: [ReadWriteOnce], size: 5Gi, data_source: {apiGroup: '', kind: PersistentVolumeClaim, name: source}}}",
      '{create_pvc: {name: d, access_modes: [ReadWriteOnce], size: 5Gi, data_source: {apiGroup: populators.example.com, kind: Dataset, name: d1}}}',
    ],
    bad: [
      '{create_pvc: {name: d, size: 5Gi}}',
      '{create_pvc: {name: d, access_modes: [ReadWriteOnce]}}',
      '{create_pvc: {name: d, access_modes: [], size: 5Gi}}',
      '{create_pvc: {name: d, access_modes: ReadWriteOnce, size: 5Gi}}',
      '{create_pvc: {name: d, access_modes: [readwriteonce], size: 5Gi}}',
      '{create_pvc: {name: d, access_modes: [ReadWriteOnce], size: 5GB}}',
      '{create_pvc: {name: d, access_modes: [ReadWriteOnce], size: 5}}',
      '{create_pvc: {name: d, access_modes: [ReadWriteOnce], size: 1e3}}',
      '{create_pvc: {name: d, access_modes: [ReadWriteOnce], size: -1Gi}}',
      '{create_pvc: {access_modes: [ReadWriteOnce], size: 5Gi}}',
      "{create_pvc: {name: d, name_suffix: '-x', access_modes: [ReadWriteOnce], size: 5Gi}}",
      '{create_pvc: {name: Data, access_modes: [ReadWriteOnce], size: 5Gi}}',
      "{create_pvc: {name_suffix: '-X', access_modes: [ReadWriteOnce], size: 5Gi}}",
      "{create_pvc: {name_suffix: 'x-', access_modes: [ReadWriteOnce], size: 5Gi}}",
      '{create_pvc: {name: d, access_modes: [ReadWriteOnce], size: 5Gi, storage_class_name: 1}}',
      '{create_pvc: {name: d, access_modes: [ReadWriteOnce], size: 5Gi, volume_name: PV}}',
      "{create_pvc: {name: d, access_modes: [ReadWriteOnce], size: 5Gi, annotations: {'a b': x}}}",
      '{create_pvc: {name: d, access_modes: [ReadWriteOnce], size: 5Gi, annotations: {a: 1}}}',
      '{create_pvc: {name: d, access_modes: [ReadWriteOnce], size: 5Gi, data_source: {kind: VolumeSnapshot}}}',
      '{create_pvc: {name: d, access_modes: [ReadWriteOnce], size: 5Gi, data_source: {kind: VolumeSnapshot, name: s}}}',
      "{create_pvc: {name: d, access_modes: [ReadWriteOnce], size: 5Gi, data_source: {apiGroup: '', kind: VolumeSnapshot, name: s}}}",
      '{create_pvc: {name: d, access_modes: [ReadWriteOnce], size: 5Gi, data_source: {apiGroup: v1, kind: PersistentVolumeClaim, name: s}}}',
      '{create_pvc: {name: d, access_modes: [ReadWriteOnce], size: 5Gi, data_source: {apiGroup: Snap.Storage, kind: VolumeSnapshot, name: s}}}',
      '{create_pvc: {name: d, access_modes: [ReadWriteOnce], size: 5Gi, data_source: {api_group: snapshot.storage.k8s.io, kind: VolumeSnapshot, name: s}}}',
      "{create_pvc: {name: d, access_modes: [ReadWriteOnce], size: 5Gi, data_source: {kind: '', name: s}}}",
      '{create_pvc: {name: d, access_modes: [ReadWriteOnce], size: 5Gi, data_source: {kind: PersistentVolumeClaim}}}',
      '{create_pvc: {name: d, access_modes: [ReadWriteOnce], size: 5Gi, data_source: {kind: PersistentVolumeClaim, name: Source}}}',
      '{create_pvc: {name: d, access_modes: [ReadWriteOnce], size: 5Gi, data_source: {kind: PersistentVolumeClaim, name: 1}}}',
      '{create_pvc: {name: d, access_modes: [ReadWriteOnce], size: 5Gi, data_source: {apiGroup: 1, kind: VolumeSnapshot, name: s}}}',
      '{create_pvc: {name: d, access_modes: [ReadWriteOnce], size: 5Gi, data_source: [s]}}',
      '{create_pvc: {name: d, access_modes: [ReadWriteOnce], size: 5Gi, data_source: null}}',
      '{create_pvc: {name: {parameter: rate, task: b}, access_modes: [ReadWriteOnce], size: 5Gi}}',
      '{create_pvc: {name: {task: b}, access_modes: [ReadWriteOnce], size: 5Gi}}',
      "{create_pvc: {name: {parameter: ''}, access_modes: [ReadWriteOnce], size: 5Gi}}",
      '{create_pvc: {name: {item: i}, access_modes: [ReadWriteOnce], size: 5Gi}}',
      '{create_pvc: {name: [d], access_modes: [ReadWriteOnce], size: 5Gi}}',
      "{create_pvc: {name: '', access_modes: [ReadWriteOnce], size: 5Gi}}",
      '{create_pvc: {name: d, access_modes: [ReadWriteOnce], size: 5Gi}, env: {A: b}}',
      '{create_pvc: {name: d, access_modes: [ReadWriteOnce], size: 5Gi}, component: c}',
      '{create_pvc: {name: d, access_modes: [ReadWriteOnce], size: 5Gi}, delete_pvc: {pvc: {task: m, output: name}}}',
      '{create_pvc: null}',
      '{delete_pvc: {}}',
      '{delete_pvc: {pvc: make}}',
      '{delete_pvc: {pvc: {task: make}}}',
      '{delete_pvc: {pvc: {task: make, output: name, x: 1}}}',
      '{delete_pvc: {pvc: {task: make, output: name}, typo: 1}}',
      '{delete_pvc: {pvc: {task: make, output: name}}, retry: {max_retry_count: 1}}',
      '{delete_pvc: null}',
    ],
  },
  {
    path: ['tasks', 'imp'],
    good: [
      "{importer: {artifact_uri: 'gs://b/x.csv', type: Dataset}}",
      "{importer: {artifact_uri: {parameter: rate}, type: Model, reimport: true, metadata: {a: 1, b: [x, {parameter: rate}], c: {d: {parameter: rate}}, e: true, f: {}}}, display_name: I, after: [b], caching: false}",
      "{importer: {artifact_uri: /data/x, type: Artifact, reimport: false, metadata: {}}, display_name: null, after: null}",
    ],
    bad: [
      '{importer: {type: Dataset}}',
      "{importer: {artifact_uri: 'gs://b/x'}}",
      "{importer: {artifact_uri: '', type: Dataset}}",
      '{importer: {artifact_uri: 5, type: Dataset}}',
      "{importer: {artifact_uri: {parameter: rate, x: 1}, type: Dataset}}",
      "{importer: {artifact_uri: 'gs://b/x', type: Table}}",
      "{importer: {artifact_uri: 'gs://b/x', type: Dataset, reimport: 'yes'}}",
      "{importer: {artifact_uri: 'gs://b/x', type: Dataset, typo: 1}}",
      "{importer: {artifact_uri: 'gs://b/x', type: Dataset}, env: {A: b}}",
      "{importer: {artifact_uri: 'gs://b/x', type: Dataset}, retry: {max_retry_count: 1}}",
      "{importer: {artifact_uri: 'gs://b/x', type: Dataset}, component: c}",
      "{importer: {artifact_uri: 'gs://b/x', type: Dataset, metadata: null}}",
      "{importer: {artifact_uri: 'gs://b/x', type: Dataset, metadata: [1]}}",
      "{importer: {artifact_uri: 'gs://b/x', type: Dataset, metadata: {parameter: rate}}}",
      "{importer: {artifact_uri: 'gs://b/x', type: Dataset, metadata: {a: null}}}",
      "{importer: {artifact_uri: 'gs://b/x', type: Dataset, metadata: {a: .inf}}}",
      "{importer: {artifact_uri: 'gs://b/x', type: Dataset, metadata: {a: {parameter: 1}}}}",
      "{importer: {artifact_uri: 'gs://b/x', type: Dataset, metadata: {a: {parameter: rate, b: 1}}}}",
      "{importer: {artifact_uri: 'gs://b/x', type: Dataset, metadata: {a: [null]}}}",
      '{importer: gs://b/x}',
      '{importer: null}',
    ],
  },
  {
    path: ['tasks', 'watch'],
    good: [],
    bad: ["{exit_task: {notify: {importer: {artifact_uri: 'gs://b/x', type: Dataset}}}, tasks: {c: {component: c}}}"],
  },
  {
    path: ['tasks', 'gate'],
    good: [],
    bad: ["{if: {left: {parameter: rate}, operator: '>', right: 1}, then: {inner: {exit_task: {n2: {component: c}}, tasks: {d: {component: c}}}}}"],
  },
  {
    // loops; an item is only valid inside its loop (the reader's scope rule, which JSON Schema cannot say), so item forms sit in loops here
    path: ['tasks', 'each'],
    good: [
      '{for_each: [1, 2, 3], as: fold, tasks: {c: {component: c, arguments: {x: {item: fold}}}}}',
      "{for_each: [1, 2, 3], as: fold, display_name: 'Per fold', tasks: {c: {component: c}}}",
      '{for_each: [a, 0.5, true, [1]], as: v, parallelism: 2, tasks: {c: {component: c}}}',
      '{for_each: [{lr: 0.1, tag: a}, {lr: 0.2, extra: [1, {k: v}]}], as: s, parallelism: null, tasks: {c: {component: c, arguments: {x: {item: s, field: lr}, y: {item: s}}}}}',
      '{for_each: [{a_1: 1}, {_b: 2}], as: s, tasks: {c: {component: c}}}',
      '{for_each: {parameter: rate}, as: r, tasks: {c: {component: c, arguments: {x: {item: r, field: _any}}}}}',
      '{for_each: {task: b, output: o}, as: o, parallelism: 2147483647, tasks: {inner: {for_each: [1], as: i, tasks: {c: {component: c, arguments: {x: {item: o}, y: {item: i}}}}}}}',
      "{for_each: [1], as: v, tasks: {gate: {if: {left: {parameter: rate}, operator: '>', right: 1}, then: {c: {component: c, arguments: {x: {item: v}}}}}}}",
      '{for_each: [1], as: v, tasks: {c: {component: c}}}',
      // a run-time image from the item (its values are the checker's)
      '{for_each: [python:3.12], as: v, tasks: {c: {component: c, image: {item: v}}}}',
      "{for_each: [1], as: v, tasks: {gate: {if: {left: {parameter: rate}, operator: '>', right: 1}, then: {c: {component: c, image: {item: v}}}}}}",
    ],
    bad: [
      '{for_each: [], as: v, tasks: {c: {component: c}}}',
      // a field of the item, other keys
      '{for_each: [{img: a}], as: v, tasks: {c: {component: c, image: {item: v, field: img}}}}',
      "{for_each: [a], as: v, tasks: {c: {component: c, image: {item: ''}}}}",
      '{for_each: [a], as: v, tasks: {c: {component: c, image: {item: v, parameter: rate}}}}',
      '{for_each: [1], as: v, display_name: true, tasks: {c: {component: c}}}',
      '{for_each: [1, {a: 1}], as: v, tasks: {c: {component: c}}}',
      '{for_each: [1, null], as: v, tasks: {c: {component: c}}}',
      '{for_each: [{a: [1, null]}], as: v, tasks: {c: {component: c}}}',
      '{for_each: [{}], as: v, tasks: {c: {component: c}}}',
      '{for_each: [{a: 1}, {}], as: v, tasks: {c: {component: c}}}',
      '{for_each: [{name: a}], as: v, tasks: {c: {component: c}}}',
      '{for_each: [{_a: 1}], as: v, tasks: {c: {component: c}}}',
      '{for_each: [{1a: 1}], as: v, tasks: {c: {component: c}}}',
      '{for_each: [.nan], as: v, tasks: {c: {component: c}}}',
      '{for_each: abc, as: v, tasks: {c: {component: c}}}',
      '{for_each: null, as: v, tasks: {c: {component: c}}}',
      "{for_each: {parameter: ''}, as: v, tasks: {c: {component: c}}}",
      '{for_each: {parameter: rate, x: 1}, as: v, tasks: {c: {component: c}}}',
      '{for_each: {task: b}, as: v, tasks: {c: {component: c}}}',
      '{for_each: [1], tasks: {c: {component: c}}}',
      '{for_each: [1], as: null, tasks: {c: {component: c}}}',
      '{for_each: [1], as: 1v, tasks: {c: {component: c}}}',
      '{for_each: [1], as: _v, tasks: {c: {component: c}}}',
      '{for_each: [1], as: class, tasks: {c: {component: c}}}',
      '{for_each: [1], as: v, parallelism: 0, tasks: {c: {component: c}}}',
      '{for_each: [1], as: v, parallelism: 1.5, tasks: {c: {component: c}}}',
      '{for_each: [1], as: v, parallelism: 2147483648, tasks: {c: {component: c}}}',
      "{for_each: [1], as: v, parallelism: '2', tasks: {c: {component: c}}}",
      '{for_each: [1], as: v}',
      '{for_each: [1], as: v, tasks: {}}',
      '{for_each: [1], as: v, tasks: null}',
      '{for_each: [1], as: v, tasks: {C: {component: c}}}',
      '{for_each: [1], as: v, tasks: {c: {component: c}}, typo: 1}',
      "{for_each: [1], as: v, tasks: {c: {component: c}}, if: {left: {parameter: rate}, operator: '>', right: 1}}",
      '{for_each: [1], as: v, tasks: {c: {component: c, arguments: {x: {item: ""}}}}}',
      '{for_each: [1], as: v, tasks: {c: {component: c, arguments: {x: {item: v, field: 1}}}}}',
      "{for_each: [1], as: v, tasks: {c: {component: c, arguments: {x: {item: v, field: 'a-b'}}}}}",
      '{for_each: [1], as: v, tasks: {c: {component: c, arguments: {x: {item: v, extra: 1}}}}}',
      '{for_each: [1], as: v, tasks: {c: {component: c, arguments: {x: {collect: c}}}}}',
      '{for_each: [1], as: v, tasks: {c: {component: c, arguments: {x: {collect: {task: c}}}}}}',
      '{for_each: [1], as: v, tasks: {c: {component: c, arguments: {x: {collect: {task: c, output: o}, task: c}}}}}',
      '{component: c, for_each: [1]}',
    ],
  },
  { path: [...TASK, 'arguments'], good: ['{x: {collect: {task: b, output: o}}}'], bad: ["{x: {collect: {task: '', output: o}}}", '{x: {collect: {task: b, output: o, extra: 1}}}'] },
  // dsl.OneOf (the shape; where its tasks sit and their types are the checker's)
  {
    path: [...TASK, 'arguments'],
    good: ['{x: {one_of: [{task: a, output: o}, {task: b, output: o}]}}', '{x: {one_of: [{task: a, output: o}, {task: b, output: p}, {task: c, output: q}]}}'],
    bad: [
      '{x: {one_of: []}}',
      '{x: {one_of: [{task: a, output: o}]}}',
      '{x: {one_of: {task: a, output: o}}}',
      '{x: {one_of: [{task: a, output: o}, {task: b}]}}',
      "{x: {one_of: [{task: a, output: o}, {task: '', output: o}]}}",
      '{x: {one_of: [{task: a, output: o}, {task: b, output: o, extra: 1}]}}',
      '{x: {one_of: [{task: a, output: o}, b.o]}}',
      '{x: {one_of: [{task: a, output: o}, {task: b, output: o}], task: a}}',
      '{x: {one_of: null}}',
    ],
  },
  {
    path: ['outputs'],
    good: ['null', '{}', '{model: {task: b, output: o}}', '{Out_1: {task: a, output: x}, o2: {task: a, output: y}}', '{m: {one_of: [{task: a, output: x}, {task: b, output: y}]}}'],
    bad: ['[]', 'x', '{m: null}', '{m: b.o}', '{m: {task: b}}', '{m: {output: o}}', '{m: {task: b, output: o, extra: 1}}', "{m: {task: '', output: o}}", '{m: {task: 1, output: o}}', '{m: {task: b, output: [o]}}', '{m: {one_of: [{task: a, output: x}]}}', '{m: {one_of: [{task: a, output: x}, {task: b, output: y}], task: a}}', '{m: {one_of: [{task: a, output: x}, {output: y}]}}'],
  },
  { path: [...TASK, 'tolerations'], good: ['[{key: k, toleration_seconds: -5}]', '[{key: k, toleration_seconds: 9007199254740991}]'], bad: ['[{key: k, toleration_seconds: 9007199254740992}]', '[{key: k, toleration_seconds: 1.5}]', "[{key: k, toleration_seconds: '5'}]", '[{key: k, typo: 1}]', '[k]', '{key: k}'] },
  // kfp-kubernetes options (issue 14): each what Kubernetes takes
  { path: ['display_name'], good: ['Training, nightly', "''", 'null'], bad: ['1', '[x]'] },
  { path: ['pipeline_root'], good: ['minio://mlpipeline/v2/artifacts', 'gs://bucket/root', 's3://b', 'null'], bad: ['/local/path', 'bucket/root', "''", 'gs://', 'gs:// x', '1', '[gs://b]'] },
  {
    path: [...TASK, 'secrets'],
    good: ['[{secret_name: {parameter: rate}, keys: {k: K}}]', '[{secret_name: {parameter: rate}, mount_path: /etc/s}]', '[{secret_name: s, mount_path: /etc/s}]', '[{secret_name: s, keys: {k: K}, mount_path: /etc/s, optional: true}]', '[{secret_name: s, keys: {k: my.var-1}, optional: false}]'],
    bad: ['[{secret_name: {parameter: 1}, keys: {k: K}}]', "[{secret_name: {parameter: ''}, keys: {k: K}}]", '[{secret_name: {parameter: p, x: 1}, keys: {k: K}}]', '[{secret_name: {}, keys: {k: K}}]', '[{secret_name: s, optional: true}]', '[{secret_name: s, mount_path: etc/s}]', "[{secret_name: s, mount_path: '/a:b'}]", "[{secret_name: s, mount_path: ''}]", '[{secret_name: s, mount_path: null}]', "[{secret_name: s, keys: {k: K}, optional: 'yes'}]", '[{secret_name: s, keys: null}]', '[{secret_name: s, keys: {k: 1A}}]'],
  },
  {
    path: [...TASK, 'config_maps'],
    good: ['[]', 'null', '[{config_map_name: {parameter: rate}, keys: {level: LOG_LEVEL}, mount_path: /x}]', '[{config_map_name: app-config, keys: {level: LOG_LEVEL}}]', '[{config_map_name: a.b, mount_path: /etc/app, optional: true}]', '[{config_map_name: c, keys: {k: K}, mount_path: /x}]'],
    bad: ['{}', '[c]', '[{config_map_name: {parameter: [p]}, keys: {k: K}}]', '[{config_map_name: c}]', '[{keys: {k: K}}]', '[{config_map_name: App, keys: {k: K}}]', '[{config_map_name: c, keys: {}}]', "[{config_map_name: c, keys: {'a b': K}}]", '[{config_map_name: c, mount_path: x}]', '[{config_map_name: c, keys: {k: K}, typo: 1}]', '[{secret_name: c, keys: {k: K}}]'],
  },
  {
    path: [...TASK, 'volumes'],
    good: [
      '[]',
      'null',
      '[{pvc: shared-data, mount_path: /data}]',
      '[{pvc: {parameter: rate}, mount_path: /data, sub_path: runs/one}]',
      '[{pvc: {task: make, output: name}, mount_path: /data}]',
      '[{empty_dir: scratch, mount_path: /scratch}]',
      '[{empty_dir: s, mount_path: /s, medium: Memory, size_limit: 1Gi}]',
      '[{empty_dir: s, mount_path: /s, medium: HugePages-2Mi, size_limit: 500Mi}]',
    ],
    bad: [
      '{}',
      '[x]',
      '[{mount_path: /data}]',
      '[{pvc: d}]',
      '[{pvc: d, empty_dir: e, mount_path: /x}]',
      '[{pvc: Data, mount_path: /data}]',
      '[{pvc: d, mount_path: data}]',
      '[{pvc: d, mount_path: /data, sub_path: /abs}]',
      '[{pvc: d, mount_path: /data, sub_path: ../up}]',
      '[{pvc: d, mount_path: /data, sub_path: a/../b}]',
      '[{pvc: {parameter: 1}, mount_path: /data}]',
      '[{pvc: {parameter: p, x: 1}, mount_path: /data}]',
      '[{pvc: {task: make}, mount_path: /data}]',
      '[{pvc: {task: make, output: name, x: 1}, mount_path: /data}]',
      '[{pvc: d, mount_path: /data, medium: Memory}]',
      '[{empty_dir: Scratch, mount_path: /s}]',
      '[{empty_dir: s.x, mount_path: /s}]',
      '[{empty_dir: s, mount_path: /s, medium: memory}]',
      '[{empty_dir: s, mount_path: /s, size_limit: 1GB}]',
      '[{empty_dir: s, mount_path: /s, size_limit: 100}]',
      '[{empty_dir: s, mount_path: /s, sub_path: x}]',
    ],
  },
  { path: [...TASK, 'node_selector'], good: ['null', '{}', '{pool: gpu}', "{pool: ''}", '{a: A_1.b-c}'], bad: ['[]', 'x', '{pool: 1}', '{pool: true}', '{pool: a b}', '{pool: -a}', `{pool: ${'x'.repeat(64)}}`, '{pool: null}'] },
  {
    path: [...TASK, 'node_affinity'],
    good: [
      'null',
      '[]',
      '[{match_expressions: [{key: zone, operator: In, values: [a, b]}]}]',
      '[{match_expressions: [{key: gpu, operator: Exists}, {key: x, operator: DoesNotExist, values: []}], weight: 1}]',
      "[{match_expressions: [{key: cores, operator: Gt, values: ['8']}, {key: c, operator: Lt, values: ['-1']}], weight: 100}]",
      '[{match_fields: [{key: metadata.name, operator: NotIn, values: [node-7]}]}]',
      '[{match_expressions: [{key: example.com/pool, operator: NotIn, values: [x]}], match_fields: [{key: metadata.name, operator: In, values: [n]}], weight: 50}]',
    ],
    bad: [
      '{}',
      '[x]',
      '[{}]',
      '[{weight: 5}]',
      '[{match_expressions: []}]',
      '[{match_expressions: null}]',
      '[{match_expressions: [{key: z, operator: In}]}]',
      '[{match_expressions: [{key: z, operator: In, values: []}]}]',
      '[{match_expressions: [{key: z, operator: Exists, values: [a]}]}]',
      '[{match_expressions: [{key: z, operator: Gt, values: [a]}]}]',
      "[{match_expressions: [{key: z, operator: Gt, values: ['1', '2']}]}]",
      '[{match_expressions: [{key: z, operator: Gt}]}]',
      '[{match_expressions: [{key: z, operator: in, values: [a]}]}]',
      '[{match_expressions: [{operator: Exists}]}]',
      '[{match_expressions: [{key: z}]}]',
      "[{match_expressions: [{key: 'a b', operator: Exists}]}]",
      '[{match_expressions: [{key: z, operator: In, values: [1]}]}]',
      '[{match_expressions: [{key: z, operator: Exists, typo: 1}]}]',
      '[{match_fields: [{key: metadata.labels, operator: In, values: [a]}]}]',
      '[{match_fields: [{key: metadata.name, operator: Exists}]}]',
      '[{match_fields: [{key: metadata.name, operator: In, values: [a, b]}]}]',
      '[{match_expressions: [{key: z, operator: Exists}], weight: 0}]',
      '[{match_expressions: [{key: z, operator: Exists}], weight: 101}]',
      '[{match_expressions: [{key: z, operator: Exists}], weight: 1.5}]',
      '[{match_expressions: [{key: z, operator: Exists}], weight: null}]',
      '[{match_expressions: [{key: z, operator: Exists}], typo: 1}]',
    ],
  },
  { path: [...TASK, 'pod_labels'], good: ['null', '{team: ml}', "{team: ''}"], bad: ['[team]', '{team: 1}', '{team: a/b}', '{team: null}'] },
  { path: [...TASK, 'pod_annotations'], good: ['null', "{note: 'any text: even spaces'}", "{note: ''}"], bad: ['[note]', '{note: 1}', '{note: null}', '{note: [a]}'] },
  {
    path: [...TASK, 'image_pull_secrets'],
    good: ['null', '[]', '[regcred]', '[a.b, c-d]', '[regcred, {parameter: rate}]'],
    bad: ['regcred', '[Regcred]', '[1]', '[null]', "['']", '[a_b]', '[{parameter: 1}]', "[{parameter: ''}]", '[{parameter: p, x: 1}]', '[{}]'],
  },
  {
    path: [...TASK, 'image'],
    good: ['python:3.12-slim', 'null', 'ghcr.io/acme/trainer:1.4', `'localhost:5000/a/b@sha256:${'a'.repeat(64)}'`, 'a__b/c--d', '{parameter: rate}', '{task: b, output: o}'],
    bad: [
      ...["''", '1', '[python]', '{image: python}', 'Python', "'python 3'", "'docker://python'", 'a@sha256:abc', "'a:'", 'a/B'],
      // run-time forms: whole names and no other keys (the item forms sit in loops below)
      ...['{}', "{parameter: ''}", '{parameter: 1}', '{parameter: null}', '{parameter: rate, task: b}', '{task: b}', '{output: o}', "{task: '', output: o}", '{task: b, output: 1}', '{task: b, output: o, x: 1}'],
    ],
  },
  { path: [...TASK, 'image_pull_policy'], good: ['Always', 'Never', 'IfNotPresent', 'null'], bad: ['always', "''", '1', '[Always]'] },
  {
    path: [...TASK, 'field_path_env'],
    good: ['null', '{}', '{POD_NAME: metadata.name}', "{TEAM: \"metadata.labels['team']\"}", "{NOTE: \"metadata.annotations['example.com/x']\"}", '{IP: status.podIP, NODE: spec.nodeName}'],
    bad: ['[]', '{A: metadata.labels}', '{A: status.phase}', '{A: 1}', '{A: null}', "{A: 'metadata.labels[team]'}", "{A: ''}"],
  },
];

/** Mapping keys with rules: parameter names, task names, env names. */
const KEY_CORPUS: { path: (string | number)[]; value: string; good: string[]; bad: string[] }[] = [
  { path: ['parameters'], value: '{type: Integer, default: 1}', good: ['x', 'learning_rate', 'X1', 'x_', 'a__b', 'None_'], bad: ['_x', '__x', '_', '1x', 'class', 'None', 'a-b', 'a b', 'é', ''] },
  { path: ['tasks'], value: '{component: c}', good: ['a', 'train-2', '0', 'a'.repeat(63)], bad: ['Train', 'a_b', '-a', 'a-', 'a'.repeat(64), 'a.b', ''] },
  { path: ['outputs'], value: '{task: b, output: o}', good: ['model', 'x_1', 'Output', 'None_'], bad: ['_m', '1m', 'class', 'a-b', 'a b', ''] },
  // Kubernetes' IsEnvVarName: '-' and '.' too, not a digit first
  { path: [...TASK, 'env'], value: 'x', good: ['A', '_A', 'a1', 'LOG_LEVEL', 'A-B', 'A.B', '-a', '.a'], bad: ['1A', '', 'A B', 'A=B', 'é'] },
  { path: [...TASK, 'field_path_env'], value: 'metadata.name', good: ['POD_NAME', 'pod.name', '-x'], bad: ['1A', '', 'A B'] },
  { path: [...TASK, 'node_selector'], value: 'v', good: ['pool', 'cloud.google.com/gke-nodepool', 'A_b.c-9', 'x'.repeat(63), `${'a'.repeat(253)}/x`], bad: ['', '-a', 'a-', 'a/b/c', 'Example.com/x', 'x'.repeat(64), `${'a'.repeat(254)}/x`, 'a b'] },
  { path: [...TASK, 'pod_labels'], value: 'v', good: ['team', 'app.kubernetes.io/part-of'], bad: ['', 'a b', '/x'] },
  { path: [...TASK, 'pod_annotations'], value: "'any: text'", good: ['owner', 'example.com/note'], bad: ['', 'a b', 'a/b/c'] },
];

describe('pipeline.schema.json and readPipeline agree', () => {
  it('on the base of the corpus', () => {
    expectAgreement([['base', BASE, 'valid']]);
  });

  for (const file of examplePipelines()) {
    it(`on ${file.slice(WORKSPACE.length + 1)}`, () => {
      expectAgreement([[file, readFileSync(file, 'utf8')]]);
    });
  }

  it('on the pipeline.yaml examples written out in specs', () => {
    const examples = specExamples();
    expect(examples.length).toBeGreaterThan(10);
    expectAgreement(examples.map(({ label, text }) => [label, text] as const));
  });

  for (const { path, good, bad } of CORPUS) {
    const where = path.join('.');
    it(`on ${where}: ${[...good, ...bad].join(' | ').slice(0, 120)}`, () => {
      expectAgreement([
        ...good.map((value) => [`${where}=${value}`, variant(path, value), 'valid'] as const),
        ...bad.map((value) => [`${where}=${value}`, variant(path, value), 'invalid'] as const),
      ]);
    });
  }

  it('on tasks that run a pipeline: the keys kfp allows on one, and the container settings it refuses', () => {
    const pipelineTask = (extra: string) => `name: p\ntasks:\n  n:\n    pipeline: inner\n${extra}`;
    expectAgreement([
      ['plain', pipelineTask(''), 'valid'],
      ['with what a pipeline task takes', pipelineTask('    arguments: {x: 1}\n    after: [n]\n    caching: false\n    display_name: N\n    retry: {max_retry_count: 2, backoff_duration: 5s}\n'), 'valid'],
      ['empty name', 'name: p\ntasks:\n  n:\n    pipeline: ""\n', 'invalid'],
      ['not text', 'name: p\ntasks:\n  n:\n    pipeline: 3\n', 'invalid'],
      ['with a component too', pipelineTask('    component: c\n'), 'invalid'],
      ['a bad retry', pipelineTask('    retry: {max_retry_count: -1}\n'), 'invalid'],
      ['an unknown key', pipelineTask('    colour: red\n'), 'invalid'],
      ...['resources: {cpu_limit: "1"}', 'env: {A: b}', 'secrets: [{secret_name: s, keys: {k: K}}]', 'tolerations: [{key: k}]', 'timeout: 60', 'image: python:3.12'].map(
        (line) => [`with ${line}`, pipelineTask(`    ${line}\n`), 'invalid'] as const,
      ),
    ]);
  });

  it('on required keys', () => {
    const required = [['name'], ['tasks'], [...PARAM, 'type'], [...TASK, 'component'], [...TASK, 'retry', 'max_retry_count'], [...TASK, 'resources', 'accelerator', 'type']];
    const optional = [['description'], ['parameters'], [...PARAM, 'default'], [...PARAM, 'description'], [...TASK, 'arguments'], [...TASK, 'retry'], [...TASK, 'timeout']];
    expectAgreement([
      ...required.map((path) => [`without ${path.join('.')}`, variant(path, REMOVE), 'invalid'] as const),
      ...optional.map((path) => [`without ${path.join('.')}`, variant(path, REMOVE), 'valid'] as const),
    ]);
  });

  for (const { path, value, good, bad } of KEY_CORPUS) {
    it(`on names under ${path.join('.')}`, () => {
      expectAgreement([
        ...good.map((key) => [`key ${JSON.stringify(key)}`, keyVariant(path, key, value), 'valid'] as const),
        ...bad.map((key) => [`key ${JSON.stringify(key)}`, keyVariant(path, key, value), 'invalid'] as const),
      ]);
    });
  }
});
