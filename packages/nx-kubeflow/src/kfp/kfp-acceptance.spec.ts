/**
 * What the plugin accepts and refuses, held to what the kfp SDK accepts and
 * refuses (issue 11, section 2). Each expectation was checked against kfp
 * 2.17 by compiling the equivalent Python DSL pipeline; the kfp behaviour is
 * quoted above each case. pipeline.yaml goes through the real reader, checker
 * and compiler, as `nx run <pipeline>:compile` does.
 */
import { requireOrSkip } from '../testing/suite-requirements';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { checkPipeline } from '../pipeline/check-pipeline';
import { formatProblem } from '../pipeline/pipeline-problems';
import { readPipeline } from '../pipeline/read-pipeline';
import { parseComponentSpec, type SpecProblem } from './component-spec';
import { compilePipeline, type CompiledPipeline } from './ir-compiler';
import { IrCompileError } from './ir-compile-error';
import { ioTypeOf } from './io-types';
import { parameterTypeOf } from './parameter-types';
import type { ComponentSpec, PipelineDefinition, ResolvedComponent, TaskArgument } from './pipeline-model';
import { kfpPython, runTool, WORKSPACE_ROOT } from './__fixtures__/conformance-env';

const FILE = 'pipelines/p/pipeline.yaml';

/** Components by project name, as component.yaml text. */
const COMPONENTS: Record<string, string> = {
  'make-dataset': `name: Make dataset
outputs:
- {name: dataset, type: Dataset, description: the rows}
- {name: rows, type: Integer, description: how many}
implementation: {container: {image: alpine, command: [sh, -c, 'echo', {outputPath: dataset}, {outputPath: rows}]}}
`,
  'make-untyped': `name: Make untyped
outputs:
- {name: thing}
implementation: {container: {image: alpine, command: [sh, {outputPath: thing}]}}
`,
  'make-artifact': `name: Make artifact
outputs:
- {name: thing, type: Artifact}
implementation: {container: {image: alpine, command: [sh, {outputPath: thing}]}}
`,
  'make-custom': `name: Make custom
outputs:
- {name: thing, type: MyCustomType}
implementation: {container: {image: alpine, command: [sh, {outputPath: thing}]}}
`,
  'make-model': `name: Make model
outputs:
- {name: model, type: Model}
- {name: vertex, type: google.VertexModel}
implementation: {container: {image: alpine, command: [sh, {outputPath: model}, {outputPath: vertex}]}}
`,
  'use-dataset': `name: Use dataset
inputs:
- {name: dataset, type: Dataset, description: rows to read}
- {name: rate, type: Float, default: '0.5', description: how fast}
implementation: {container: {image: alpine, command: [cat, {inputPath: dataset}, {inputValue: rate}]}}
`,
  'use-model': `name: Use model
inputs:
- {name: model, type: Model}
implementation: {container: {image: alpine, command: [cat, {inputPath: model}]}}
`,
  'odd-names': `name: Odd names
inputs:
- {name: _x, type: Integer}
- {name: 1x, type: Integer, optional: true}
outputs:
- {name: _y, type: String}
implementation: {container: {image: alpine, command: [echo, {inputValue: _x}, {inputValue: 1x}, {outputPath: _y}]}}
`,
  'digit-output': `name: Digit output
outputs:
- {name: 1y, type: String}
- {name: _2z, type: Dataset}
- {name: ok, type: String}
implementation: {container: {image: alpine, command: [echo, {outputPath: 1y}, {outputPath: _2z}, {outputPath: ok}]}}
`,
  'use-json': `name: Use json
inputs:
- {name: options, type: JsonObject}
- {name: rate, type: Float, optional: true}
implementation: {container: {image: alpine, command: [echo, {inputValue: options}]}}
`,
};

function components(): Map<string, ComponentSpec> {
  const specs = new Map<string, ComponentSpec>();
  for (const [project, text] of Object.entries(COMPONENTS)) {
    const { spec, problems } = parseComponentSpec(text, `components/${project}/component.yaml`);
    expect(problems).toEqual([]);
    specs.set(project, spec!);
  }
  return specs;
}

function resolved(specs: Map<string, ComponentSpec>): Map<string, ResolvedComponent> {
  return new Map([...specs].map(([project, spec]) => [project, { project, spec, image: spec.implementation.container.image, usesComponentRuntime: false }]));
}

/** Read, check and (when both pass) compile, as the compile target does. */
function compile(text: string, parameterDefaults?: Record<string, unknown>): { problems: string[]; compiled?: CompiledPipeline } {
  const specs = components();
  const read = readPipeline(text, FILE);
  const problems = read.problems.map(formatProblem);
  if (read.definition) problems.push(...checkPipeline({ definition: read.definition, source: read.source, components: specs }).map(formatProblem));
  if (problems.length > 0) return { problems };
  return { problems, compiled: compilePipeline({ pipeline: read.definition!, components: resolved(specs), parameterDefaults }) };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const spec = (compiled: CompiledPipeline | undefined): any => compiled!.documents[0];

function irProblems(pipeline: PipelineDefinition, parameterDefaults?: Record<string, unknown>): string[] {
  try {
    compilePipeline({ pipeline, components: resolved(components()), parameterDefaults });
  } catch (error) {
    if (error instanceof IrCompileError) return error.problems.map((p) => `${p.task ?? '-'} ${p.field}: ${p.message}`);
    throw error;
  }
  return [];
}

describe('parameter descriptions', () => {
  // kfp (docstring Args of the pipeline function) writes each one to
  // root.inputDefinitions.{parameters,artifacts}.<p>.description; the header comment leaves them out.
  it('writes a pipeline parameter description to the root input definitions, artifacts too', () => {
    const { problems, compiled } = compile(`name: p
parameters:
  rate: {type: Float, default: 0.1, description: 'How fast: per step'}
  data: {type: Dataset, description: The rows to read.}
  plain: {type: String, default: x}
  blank: {type: String, default: y, description: ''}
tasks:
  use: {component: use-dataset, arguments: {dataset: {parameter: data}, rate: {parameter: rate}}}
`);
    expect(problems).toEqual([]);
    expect(spec(compiled).root.inputDefinitions).toEqual({
      artifacts: {
        data: { artifactType: { schemaTitle: 'system.Dataset', schemaVersion: '0.0.1' }, description: 'The rows to read.' },
      },
      parameters: {
        rate: { defaultValue: 0.1, description: 'How fast: per step', isOptional: true, parameterType: 'NUMBER_DOUBLE' },
        plain: { defaultValue: 'x', isOptional: true, parameterType: 'STRING' },
        // an empty string is proto3's default: kfp's JSON form leaves it out
        blank: { defaultValue: 'y', isOptional: true, parameterType: 'STRING' },
      },
    });
    expect(compiled!.yaml).toContain("description: 'How fast: per step'\n");
    expect(compiled!.yaml.split('\n').filter((line) => line.startsWith('#')).join('\n')).not.toMatch(/How fast|rows to read/);
  });

  // kfp's from_v1_component_spec drops input and output descriptions of component.yaml.
  it('leaves component.yaml input and output descriptions out, as kfp does', () => {
    const { compiled } = compile(`name: p
tasks:
  make: {component: make-dataset}
  use: {component: use-dataset, arguments: {dataset: {task: make, output: dataset}}}
`);
    const text = JSON.stringify(spec(compiled).components);
    expect(text).not.toContain('description');
  });
});

describe('artifact type compatibility', () => {
  // kfp check_artifact_type_compatibility: compatible whenever either side is system.Artifact,
  // else the schema titles must be equal.
  it.each([
    ['an untyped output', 'make-untyped', 'thing'],
    ['an Artifact output', 'make-artifact', 'thing'],
    ['an output of a type kfp does not know', 'make-custom', 'thing'],
  ])('wires %s into a typed artifact input, as kfp does', (_what, producer, output) => {
    const { problems, compiled } = compile(`name: p
tasks:
  make: {component: ${producer}}
  use: {component: use-dataset, arguments: {dataset: {task: make, output: ${output}}}}
  use-model: {component: use-model, arguments: {model: {task: make, output: ${output}}}}
`);
    expect(problems).toEqual([]);
    expect(spec(compiled).root.dag.tasks.use.inputs.artifacts).toEqual({
      dataset: { taskOutputArtifact: { outputArtifactKey: output, producerTask: 'make' } },
    });
  });

  it('wires an Artifact pipeline input into a typed artifact input, as kfp does', () => {
    const { problems, compiled } = compile(`name: p
parameters:
  thing: {type: Artifact}
tasks:
  use: {component: use-model, arguments: {model: {parameter: thing}}}
`);
    expect(problems).toEqual([]);
    expect(spec(compiled).root.dag.tasks.use.inputs.artifacts).toEqual({ model: { componentInputArtifact: 'thing' } });
  });

  // kfp looks type names up in dicts: a name such as constructor is simply unknown (system.Artifact)
  it('types a component input named like an Object property as kfp does: an unknown type', () => {
    for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      expect(parameterTypeOf(name)).toBeUndefined();
      expect(ioTypeOf(name)).toEqual({ kind: 'artifact', schemaTitle: 'system.Artifact', schemaVersion: '0.0.1' });
    }
  });

  // kfp: "Argument type 'system.Model@0.0.1' is incompatible with the input type 'system.Dataset@0.0.1'"
  it('still refuses two different specific artifact types, and parameters for artifacts', () => {
    const { problems } = compile(`name: p
parameters:
  model: {type: Model}
tasks:
  make: {component: make-model}
  rows: {component: make-dataset}
  a: {component: use-dataset, arguments: {dataset: {task: make, output: model}}}
  b: {component: use-model, arguments: {model: {task: make, output: vertex}}}
  c: {component: use-dataset, arguments: {dataset: {parameter: model}}}
  d: {component: use-model, arguments: {model: {task: rows, output: rows}}}
`);
    expect(problems).toEqual([
      `${FILE}:7:52: task "a", arguments.dataset: output "make.model" cannot feed input "dataset": artifact type system.Model does not match the input's type system.Dataset.`,
      `${FILE}:8:48: task "b", arguments.model: output "make.vertex" cannot feed input "model": artifact type google.VertexModel does not match the input's type system.Model.`,
      `${FILE}:9:64: task "c", arguments.dataset.parameter: pipeline parameter "model" cannot feed input "dataset": artifact type system.Model does not match the input's type system.Dataset.`,
      `${FILE}:10:48: task "d", arguments.model: output "rows.rows" cannot feed input "model": a parameter (Integer) cannot feed an artifact input (system.Model).`,
    ]);
  });
});

describe('names kfp refuses', () => {
  // kfp's PipelineChannel: "Only letters, numbers, spaces, "_", and "-" are allowed in the name.
  // Must begin with a letter. Got name: _x" - for a pipeline parameter `def p(_x: int)`.
  it('refuses a pipeline parameter that does not start with a letter, as kfp does', () => {
    expect(
      compile(`name: p
parameters:
  _x: {type: Integer, default: 1}
  __y: {type: String, default: a}
  _1z: {type: Dataset}
  ok_: {type: Integer, default: 2}
  Ok2: {type: Integer, default: 3}
tasks:
  t: {component: odd-names, arguments: {_x: {parameter: ok_}, 1x: {parameter: Ok2}}}
`).problems,
    ).toEqual([
      `${FILE}:3:3: parameters._x: "_x" is not a valid parameter name: kfp requires a pipeline parameter to start with a letter; rename it, e.g. x.`,
      `${FILE}:4:3: parameters.__y: "__y" is not a valid parameter name: kfp requires a pipeline parameter to start with a letter; rename it, e.g. y.`,
      `${FILE}:5:3: parameters._1z: "_1z" is not a valid parameter name: kfp requires a pipeline parameter to start with a letter; rename it, e.g. p_1z.`,
    ]);
  });

  // kfp loads and compiles a component with inputs _x and 1x (sanitised to x and 1x) and an output _y (y).
  it('accepts component inputs and outputs kfp accepts: _x, 1x, _y', () => {
    const { problems, compiled } = compile(`name: p
parameters:
  a: {type: Integer, default: 1}
tasks:
  t: {component: odd-names, arguments: {_x: {parameter: a}, 1x: 2}}
`);
    expect(problems).toEqual([]);
    expect(spec(compiled).components['comp-t']).toEqual({
      executorLabel: 'exec-t',
      inputDefinitions: { parameters: { x: { parameterType: 'NUMBER_INTEGER' }, '1x': { isOptional: true, parameterType: 'NUMBER_INTEGER' } } },
      outputDefinitions: { parameters: { y: { parameterType: 'STRING' } } },
    });
  });

  // kfp loads a component with an output 1y, but a task of it fails: "... Must begin with a letter. Got name: 1y".
  it('refuses a task of a component whose output does not start with a letter once sanitised', () => {
    expect(
      compile(`name: p
tasks:
  t: {component: digit-output}
`).problems,
    ).toEqual([
      `${FILE}:3:18: task "t", component: component "digit-output": output "1y" does not start with a letter, and kfp refuses a task whose outputs do not (KFP names task outputs by ^[A-Za-z][A-Za-z0-9 _-]*$); rename the output in its component.yaml.`,
      `${FILE}:3:18: task "t", component: component "digit-output": output "_2z" (in the IR "2z") does not start with a letter, and kfp refuses a task whose outputs do not (KFP names task outputs by ^[A-Za-z][A-Za-z0-9 _-]*$); rename the output in its component.yaml.`,
    ]);
  });

  it('is refused by the IR compiler too, for a PipelineDefinition that did not come through the reader', () => {
    const pipeline: PipelineDefinition = {
      file: FILE,
      name: 'p',
      parameters: [{ name: '_x', type: 'Integer', default: 1 }],
      tasks: [{ name: 't', component: 'digit-output', arguments: {}, after: [] }],
    };
    expect(irProblems(pipeline)).toEqual([
      expect.stringMatching(/^t component: component "digit-output": output "1y" does not start with a letter/),
      expect.stringMatching(/^t component: component "digit-output": output "_2z" \(in the IR "2z"\) does not start with a letter/),
      '- parameters._x: kfp requires a pipeline parameter name to start with a letter (^[A-Za-z][A-Za-z0-9 _-]*$)',
    ]);
  });
});

describe('numbers kfp cannot write', () => {
  // kfp: "SerializeToJsonError: Failed to serialize default_value field: Fail to serialize NaN for
  // Value.number_value, which would parse as string_value" - for a pipeline parameter default
  // float('nan') or float('inf'), for a component.yaml default 'nan', 'inf', '-inf', '1e400',
  // '{"a": NaN}' (Python's json reads NaN and Infinity), for a constant argument, and for
  // Compiler.compile(pipeline_parameters={'a': float('nan')}); a 400-digit Integer default fails
  // with "OverflowError: int too large to convert to float".
  const CANNOT = 'a number kfp cannot write into the IR (it holds numbers as JSON, which has no NaN or infinity); use a finite number.';

  it('refuses NaN and infinities as pipeline parameter defaults and as literals, anywhere in a value', () => {
    expect(
      compile(`name: p
parameters:
  a: {type: Float, default: .nan}
  b: {type: Float, default: -.inf}
  c: {type: JsonObject, default: {x: [1, .inf]}}
  d: {type: Integer, default: 1e400}
tasks:
  t: {component: use-json, arguments: {options: {y: .NaN}, rate: .inf}}
`).problems,
    ).toEqual([
      `${FILE}:3:29: parameters.a.default: the value is NaN, ${CANNOT}`,
      `${FILE}:4:29: parameters.b.default: the value is -Infinity, ${CANNOT}`,
      `${FILE}:5:34: parameters.c.default: {"x":[1,Infinity]} holds Infinity, ${CANNOT}`,
      `${FILE}:6:31: parameters.d.default: the value is Infinity, ${CANNOT}`,
      `${FILE}:8:49: task "t", arguments.options: {"y":NaN} holds NaN, ${CANNOT}`,
      `${FILE}:8:66: task "t", arguments.rate: the value is Infinity, ${CANNOT}`,
    ]);
  });

  it.each([
    ['Float', 'nan', 'reads as NaN'],
    ['Float', 'inf', 'reads as Infinity'],
    ['Float', '-Infinity', 'reads as -Infinity'],
    ['Float', '1e400', 'reads as Infinity'],
    ['Integer', '1'.padEnd(401, '0'), 'reads as Infinity'],
    ['JsonObject', '{"a": NaN}', 'holds NaN'],
    ['JsonArray', '[1, -Infinity]', 'holds -Infinity'],
    ['JsonObject', '{"a": 1e999}', 'holds Infinity'],
  ])('refuses a %s default in component.yaml that kfp cannot write (%#), naming file and field', (type, text, what) => {
    const { problems } = parseComponentSpec(
      `name: c
inputs:
- {name: x, type: ${type}, default: '${text}'}
implementation: {container: {image: alpine, command: [echo, {inputValue: x}]}}
`,
      'components/c/component.yaml',
    );
    expect(problems).toEqual<SpecProblem[]>([
      {
        file: 'components/c/component.yaml',
        line: 3,
        column: 30 + type.length,
        field: 'inputs[0].default',
        message: `${JSON.stringify(text)} ${what}, ${CANNOT}`,
      },
    ]);
  });

  it('keeps NaN as text where kfp does: a String default, and a JSON string', () => {
    const { problems, spec: component } = parseComponentSpec(
      `name: c
inputs:
- {name: s, type: String, default: nan}
- {name: j, type: JsonObject, default: '{"NaN": "Infinity"}'}
implementation: {container: {image: alpine, command: [echo, {inputValue: s}, {inputValue: j}]}}
`,
      'components/c/component.yaml',
    );
    expect(problems).toEqual([]);
    expect(component!.inputs.map((input) => input.default)).toEqual(['nan', '{"NaN": "Infinity"}']);
  });

  it('refuses them in settings overrides and in a PipelineDefinition that did not come through the reader', () => {
    const pipeline: PipelineDefinition = {
      file: FILE,
      name: 'p',
      parameters: [
        { name: 'a', type: 'Float', default: 1 },
        { name: 'b', type: 'JsonArray', default: [NaN] },
      ],
      tasks: [{ name: 't', component: 'use-json', arguments: { options: { kind: 'literal', value: { z: -Infinity } } }, after: [] }],
    };
    expect(irProblems(pipeline, { a: Infinity })).toEqual([
      `t arguments.options: {"z":-Infinity} holds -Infinity, ${CANNOT}`,
      `- parameters.a: the value is Infinity, ${CANNOT}`,
      `- parameters.b: [NaN] holds NaN, ${CANNOT}`,
    ]);
  });
});

describe('retry durations', () => {
  // kfp set_retry -> convert_duration_to_seconds: one whole number and a unit whose first letter is
  // s, m, h, d or w, spaces ignored: '5m' -> 300s, '1 hour' -> 3600s, '2hours', '10sec', '5ms' -> 300s
  // (minutes: kfp reads the first letter only); '1.5s', '1h30m', '60', '-1s', '1H' raise ValueError.
  it('takes every duration kfp takes and writes it in seconds, as kfp does', () => {
    const { problems, compiled } = compile(`name: p
tasks:
  a: {component: make-dataset, retry: {max_retry_count: 1, backoff_duration: 5m, backoff_max_duration: 1 hour}}
  b: {component: make-dataset, retry: {max_retry_count: 1, backoff_duration: 2hours, backoff_max_duration: '3 days'}}
  c: {component: make-dataset, retry: {max_retry_count: 1, backoff_duration: 10sec, backoff_max_duration: 5ms}}
`);
    expect(problems).toEqual([]);
    const retry = (task: string) => {
      const { backoffDuration, backoffMaxDuration } = spec(compiled).root.dag.tasks[task].retryPolicy;
      return [backoffDuration, backoffMaxDuration];
    };
    expect([retry('a'), retry('b'), retry('c')]).toEqual([
      ['300s', '3600s'],
      ['7200s', '259200s'],
      ['10s', '300s'],
    ]);
  });

  it('refuses what kfp refuses, 1.5s included, naming task and field', () => {
    expect(
      compile(`name: p
tasks:
  a: {component: make-dataset, retry: {max_retry_count: 1, backoff_duration: 1.5s, backoff_max_duration: 1h30m}}
  b: {component: make-dataset, retry: {max_retry_count: 1, backoff_duration: 60, backoff_max_duration: 1H}}
`).problems,
    ).toEqual([
      `${FILE}:3:78: task "a", retry.backoff_duration: must be a whole number and a unit, as kfp takes it: 60s, 5m, 1h, 2d or 1w (got "1.5s").`,
      `${FILE}:3:106: task "a", retry.backoff_max_duration: must be a whole number and a unit, as kfp takes it: 60s, 5m, 1h, 2d or 1w (got "1h30m").`,
      `${FILE}:4:78: task "b", retry.backoff_duration: must be a whole number and a unit, as kfp takes it: 60s, 5m, 1h, 2d or 1w (got 60).`,
      `${FILE}:4:104: task "b", retry.backoff_max_duration: must be a whole number and a unit, as kfp takes it: 60s, 5m, 1h, 2d or 1w (got "1H").`,
    ]);
  });

  // kfp: "Task is missing from pipeline."
  it('refuses a pipeline without tasks, as kfp does', () => {
    expect(compile('name: p\ntasks: {}\n').problems).toEqual([`${FILE}:2:8: tasks: needs at least one task: a mapping of task name to {component, arguments, ...}.`]);
  });
});

/**
 * The same cases, judged by the real kfp SDK where PyPI is reachable: the
 * equivalent DSL pipeline (tools/kfp-reference/compile_reference.py) must
 * compile to the plugin's IR, or fail where the plugin refuses.
 */
describe('judged by the kfp SDK', () => {
  const python = kfpPython();
  // a visible skip where PyPI is out of reach; a failure where the run requires it (CI)
  requireOrSkip('kfp acceptance judged by the SDK', 'pypi', python.ok ? undefined : python.reason);
  const OUT = join(WORKSPACE_ROOT, 'tmp/kfp-acceptance');
  const NAN_DEFAULT = `name: Nan default
inputs:
- {name: x, type: Float, default: 'nan'}
implementation: {container: {image: alpine, command: [echo, {inputValue: x}]}}
`;
  const texts: Record<string, string> = { ...COMPONENTS, 'nan-default': NAN_DEFAULT };

  interface Case {
    name: string;
    pipeline: string;
    /** kfp's error, when kfp refuses the case (the plugin must refuse it too). */
    kfpRefuses?: RegExp;
  }
  const CASES: Case[] = [
    { name: 'untyped-output', pipeline: 'name: p\ntasks:\n  make: {component: make-untyped}\n  use: {component: use-dataset, arguments: {dataset: {task: make, output: thing}}}\n' },
    { name: 'artifact-output', pipeline: 'name: p\ntasks:\n  make: {component: make-artifact}\n  use: {component: use-model, arguments: {model: {task: make, output: thing}}}\n' },
    { name: 'custom-output', pipeline: 'name: p\ntasks:\n  make: {component: make-custom}\n  use: {component: use-dataset, arguments: {dataset: {task: make, output: thing}}}\n' },
    { name: 'artifact-input', pipeline: 'name: p\nparameters:\n  thing: {type: Artifact}\ntasks:\n  use: {component: use-model, arguments: {model: {parameter: thing}}}\n' },
    // compile_reference.py passes inputs as keywords, so 1x (no Python identifier) stays unset here
    { name: 'odd-inputs', pipeline: 'name: p\nparameters:\n  a: {type: Integer, default: 1}\ntasks:\n  t: {component: odd-names, arguments: {_x: {parameter: a}}}\n' },
    {
      name: 'durations',
      pipeline: `name: p
tasks:
  a: {component: make-dataset, retry: {max_retry_count: 1, backoff_duration: 5m, backoff_max_duration: 1 hour}}
  b: {component: make-dataset, retry: {max_retry_count: 2, backoff_duration: 2hours, backoff_max_duration: '3 days'}}
`,
    },
    {
      name: 'model-for-dataset',
      pipeline: 'name: p\ntasks:\n  make: {component: make-model}\n  use: {component: use-dataset, arguments: {dataset: {task: make, output: model}}}\n',
      kfpRefuses: /InconsistentTypeException: .*Argument type 'system\.Model@0\.0\.1' is incompatible with the input type 'system\.Dataset@0\.0\.1'/,
    },
    {
      name: 'underscore-parameter',
      pipeline: 'name: p\nparameters:\n  _x: {type: Integer, default: 1}\ntasks:\n  t: {component: odd-names, arguments: {_x: {parameter: _x}}}\n',
      kfpRefuses: /Must begin with a letter\. Got name: _x/,
    },
    { name: 'digit-output', pipeline: 'name: p\ntasks:\n  t: {component: digit-output}\n', kfpRefuses: /Must begin with a letter\. Got name: 1y/ },
    { name: 'nan-default', pipeline: 'name: p\ntasks:\n  t: {component: nan-default}\n', kfpRefuses: /SerializeToJsonError: .*NaN/ },
    {
      name: 'retry-count-past-int32',
      pipeline: 'name: p\ntasks:\n  a: {component: make-dataset, retry: {max_retry_count: 2147483648}}\n',
      kfpRefuses: /Failed to parse max_retry_count field: Value out of range: 2147483648/,
    },
    {
      name: 'fractional-duration',
      pipeline: 'name: p\ntasks:\n  a: {component: make-dataset, retry: {max_retry_count: 1, backoff_duration: 1.5s}}\n',
      kfpRefuses: /Invalid duration string: '1\.5s'/,
    },
  ];

  /** pipeline.yaml as written, unchecked: what the DSL author would write, right or wrong. */
  function asWritten(text: string, file: string): PipelineDefinition {
    type Raw = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    const raw = parseYaml(text) as Raw;
    const argument = (value: Raw): TaskArgument =>
      value?.parameter !== undefined
        ? { kind: 'parameter', parameter: value.parameter }
        : value?.task !== undefined
          ? { kind: 'task-output', task: value.task, output: value.output }
          : { kind: 'literal', value: value as never };
    return {
      file,
      name: raw.name,
      parameters: Object.entries((raw.parameters ?? {}) as Raw).map(([name, p]) => ({ name, ...p })),
      tasks: Object.entries((raw.tasks ?? {}) as Raw).map(([name, t]) => ({
        name,
        component: t.component,
        arguments: Object.fromEntries(Object.entries((t.arguments ?? {}) as Raw).map(([k, v]) => [k, argument(v)])),
        after: t.after ?? [],
        ...(t.retry ? { retry: t.retry } : {}),
      })),
    };
  }

  const results = new Map<string, Record<string, unknown>>();
  beforeAll(() => {
    if (!python.ok) return;
    rmSync(OUT, { recursive: true, force: true });
    for (const [project, text] of Object.entries(texts)) {
      mkdirSync(join(OUT, 'components', project), { recursive: true });
      writeFileSync(join(OUT, 'components', project, 'component.yaml'), text);
    }
    const jobs = CASES.map((kase) => {
      const pipeline = asWritten(kase.pipeline, FILE);
      const projects = [...new Set(pipeline.tasks.map((task) => task.component))];
      return {
        out: join(OUT, `${kase.name}.kfp.yaml`),
        pipeline,
        components: Object.fromEntries(projects.map((project) => [project, { file: join(OUT, 'components', project, 'component.yaml'), image: 'alpine', usesComponentRuntime: false }])),
        settingsEnv: 'development',
        pipelineSettingsToml: '',
      };
    });
    writeFileSync(join(OUT, 'jobs.json'), JSON.stringify(jobs, null, 2));
    for (const result of runTool(python.python, 'compile_reference.py', [join(OUT, 'jobs.json')])) results.set(result.out as string, result);
  }, 600_000);

  for (const kase of CASES) {
    (python.ok ? it : it.skip)(`${kase.name}: ${kase.kfpRefuses ? 'refused by kfp and by the plugin' : 'the IR kfp writes'}`, () => {
      const result = results.get(join(OUT, `${kase.name}.kfp.yaml`));
      const projects = [...new Set(asWritten(kase.pipeline, FILE).tasks.map((task) => task.component))];
      const componentProblems = projects.flatMap((project) => parseComponentSpec(texts[project], `components/${project}/component.yaml`).problems);
      if (kase.kfpRefuses) {
        expect(result?.ok).toBe(false);
        expect(String(result?.error)).toMatch(kase.kfpRefuses);
        const refused = componentProblems.length > 0 || compile(kase.pipeline).problems.length > 0;
        expect(refused).toBe(true);
        return;
      }
      if (!result?.ok) throw new Error(`kfp could not compile ${kase.name}: ${result?.error}`);
      expect(componentProblems).toEqual([]);
      const { problems, compiled } = compile(kase.pipeline);
      expect(problems).toEqual([]);
      const withoutSdkVersion = (doc: unknown) => ({ ...(doc as object), sdkVersion: undefined });
      const reference = parseAllDocuments(readFileSync(join(OUT, `${kase.name}.kfp.yaml`), 'utf8')).map((d) => withoutSdkVersion(d.toJS()));
      expect(compiled!.documents.map(withoutSdkVersion)).toEqual(reference);
    });
  }
});
