import type { ComponentSpec } from '../kfp/pipeline-model';
import { checkPipeline } from './check-pipeline';
import { formatProblem } from './pipeline-problems';
import { readPipeline } from './read-pipeline';

const FILE = 'pipelines/p/pipeline.yaml';

const COMPONENTS = new Map<string, ComponentSpec>([
  ['trainer', { name: 'trainer', inputs: [{ name: 'data', type: 'Dataset' }, { name: 'rows', type: 'Integer', default: '1' }], outputs: [{ name: 'model', type: 'Model' }], implementation: { container: { image: 'trainer' } } }],
]);

function check(text: string): string[] {
  const { definition, source, problems } = readPipeline(text, FILE);
  expect(problems.map(formatProblem)).toEqual([]);
  return checkPipeline({ definition: definition!, source, components: COMPONENTS }).map(formatProblem);
}

describe('pipeline.yaml importers (dsl.importer)', () => {
  it('reads an importer task: uri constant or parameter, type, reimport, metadata with parameters, display_name, after, caching', () => {
    const { definition, problems } = readPipeline(
      `name: p
parameters:
  uri: {type: String, default: 'gs://b/m'}
  rows: {type: Integer, default: 3}
tasks:
  raw: {importer: {artifact_uri: 'file:///data/raw.csv', type: Dataset}}
  model:
    importer: {artifact_uri: {parameter: uri}, type: Model, reimport: true, metadata: {rows: {parameter: rows}, tags: [a, 1]}}
    display_name: Model
    after: [raw]
    caching: false
`,
      FILE,
    );
    expect(problems).toEqual([]);
    expect(definition!.tasks).toEqual([
      { name: 'raw', component: '', arguments: {}, after: [], importer: { artifact_uri: { kind: 'literal', value: 'file:///data/raw.csv' }, type: 'Dataset' } },
      {
        name: 'model',
        component: '',
        arguments: {},
        after: ['raw'],
        display_name: 'Model',
        caching: false,
        importer: { artifact_uri: { kind: 'parameter', parameter: 'uri' }, type: 'Model', reimport: true, metadata: { rows: { parameter: 'rows' }, tags: ['a', 1] } },
      },
    ]);
  });

  it('refuses malformed importers at their line and column, all at once', () => {
    const { problems } = readPipeline(
      `name: p
tasks:
  no-uri: {importer: {type: Dataset}}
  bad-type: {importer: {artifact_uri: gs://b/x, type: Table}}
  no-type: {importer: {artifact_uri: {parameter: u, extra: 1}}}
  extras: {importer: {artifact_uri: gs://b/x, type: Model, reimport: 'yes', typo: 1}, env: {A: b}}
  bad-metadata: {importer: {artifact_uri: gs://b/x, type: Model, metadata: {a: null, b: {parameter: 3}, c: [.nan]}}}
  whole-metadata: {importer: {artifact_uri: gs://b/x, type: Model, metadata: {parameter: rows}}}
  not-a-mapping: {importer: gs://b/x}
  watch:
    exit_task:
      importer-exit: {importer: {artifact_uri: gs://b/x, type: Model}}
    tasks:
      t: {component: trainer}
`,
      FILE,
    );
    expect(problems.map(formatProblem)).toEqual([
      'pipelines/p/pipeline.yaml:3:22: task "no-uri", importer.artifact_uri: needs artifact_uri: the URI of the artifact to import (gs://..., s3://..., file:///..., a local path), or {parameter: p}.',
      'pipelines/p/pipeline.yaml:4:55: task "bad-type", importer.type: needs type: the artifact class, one of Artifact, Dataset, Model, Metrics, ClassificationMetrics, SlicedClassificationMetrics, HTML, Markdown (got "Table").',
      'pipelines/p/pipeline.yaml:5:38: task "no-type", importer.artifact_uri: needs artifact_uri: the URI of the artifact to import (gs://..., s3://..., file:///..., a local path), or {parameter: p}.',
      'pipelines/p/pipeline.yaml:5:23: task "no-type", importer.type: needs type: the artifact class, one of Artifact, Dataset, Model, Metrics, ClassificationMetrics, SlicedClassificationMetrics, HTML, Markdown.',
      'pipelines/p/pipeline.yaml:6:87: task "extras", env: unknown key "env" in an importer task (it runs no container); allowed: importer, display_name, after, caching.',
      'pipelines/p/pipeline.yaml:6:77: task "extras", importer.typo: unknown key "typo" in an importer (did you mean "type"?); allowed: artifact_uri, type, reimport, metadata.',
      'pipelines/p/pipeline.yaml:6:70: task "extras", importer.reimport: must be true or false.',
      'pipelines/p/pipeline.yaml:7:80: task "bad-metadata", importer.metadata.a: is empty: give a value or remove the key (kfp cannot write null).',
      'pipelines/p/pipeline.yaml:7:89: task "bad-metadata", importer.metadata.b: a parameter reference is {parameter: <name>} and nothing else.',
      'pipelines/p/pipeline.yaml:7:109: task "bad-metadata", importer.metadata.c[0]: must be a finite number.',
      "pipelines/p/pipeline.yaml:8:78: task \"whole-metadata\", importer.metadata: must be a mapping of the artifact's metadata: JSON values, {parameter: p} where a pipeline parameter goes.",
      'pipelines/p/pipeline.yaml:9:29: task "not-a-mapping", importer: must be a mapping such as {artifact_uri: gs://bucket/data.csv, type: Dataset}.',
      'pipelines/p/pipeline.yaml:12:7: tasks.watch.exit_task.importer-exit: an exit task runs a component: kfp cannot compile an importer as an exit task.',
    ]);
  });

  it('checks an importer output like any output, and its parameters against the pipeline', () => {
    expect(
      check(`name: p
parameters:
  uri: {type: String, default: 'gs://b/m'}
  count: {type: Integer, default: 3}
  data_in: {type: Dataset}
tasks:
  raw: {importer: {artifact_uri: 'file:///data/raw.csv', type: Dataset}}
  wrong: {importer: {artifact_uri: {parameter: count}, type: Model, metadata: {n: {parameter: nope}, d: [{parameter: data_in}], c: {parameter: count}}}}
  other: {importer: {artifact_uri: {parameter: data_in}, type: Model}}
  train: {component: trainer, arguments: {data: {task: raw, output: artifact}, rows: {task: raw, output: artifact}}}
  train-2: {component: trainer, arguments: {data: {task: wrong, output: artifact}}}
  train-3: {component: trainer, arguments: {data: {task: raw, output: model}}}
`),
    ).toEqual([
      'pipelines/p/pipeline.yaml:10:86: task "train", arguments.rows: output "raw.artifact" cannot feed input "rows": an artifact (system.Dataset) cannot feed a parameter input (Integer).',
      "pipelines/p/pipeline.yaml:11:51: task \"train-2\", arguments.data: output \"wrong.artifact\" cannot feed input \"data\": artifact type system.Model does not match the input's type system.Dataset.",
      'pipelines/p/pipeline.yaml:12:71: task "train-3", arguments.data.output: unknown output "model" of task "raw" (component "importer:raw"); its outputs: artifact.',
      'pipelines/p/pipeline.yaml:8:48: task "wrong", importer.artifact_uri.parameter: pipeline parameter "count" has type Integer: artifact_uri takes a String.',
      'pipelines/p/pipeline.yaml:8:95: task "wrong", importer.metadata.n.parameter: unknown pipeline parameter "nope"; declared parameters: uri, count, data_in.',
      'pipelines/p/pipeline.yaml:8:118: task "wrong", importer.metadata.d[0].parameter: pipeline parameter "data_in" is an artifact input (Dataset): metadata takes a value.',
      'pipelines/p/pipeline.yaml:9:48: task "other", importer.artifact_uri.parameter: pipeline parameter "data_in" is an artifact input (Dataset): artifact_uri takes a value.',
    ]);
  });
});
