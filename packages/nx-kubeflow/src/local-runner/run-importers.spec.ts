/**
 * Importers in real runs: pipeline.yaml through the real reader, checker and
 * compiler, then the local runner; the imported file feeds append-text.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadComponentSpec } from '../kfp/component-spec';
import { compilePipeline } from '../kfp/ir-compiler';
import type { ComponentSpec, ResolvedComponent } from '../kfp/pipeline-model';
import { checkPipeline } from '../pipeline/check-pipeline';
import { formatProblem } from '../pipeline/pipeline-problems';
import { readPipeline } from '../pipeline/read-pipeline';
import { FIXTURES_DIR, fixtureRoot, WORKSPACE_ROOT } from './__fixtures__/fixture-pipeline';
import { localArtifactPath } from './importer-task';
import { runPipeline } from './run-pipeline';
import type { RunRecordData } from './run-record';

jest.setTimeout(60_000);

const DATA = join(FIXTURES_DIR, 'imported', 'data.txt');
const PIPELINE = `
name: imports
parameters:
  data_uri: {type: String, default: '${pathToFileURL(DATA).href}'}
  rows: {type: Integer, default: 3}
tasks:
  by-path:
    importer: {artifact_uri: '${relative(WORKSPACE_ROOT, DATA)}', type: Dataset}
  by-uri:
    importer:
      artifact_uri: {parameter: data_uri}
      type: Dataset
      metadata: {rows: {parameter: rows}, note: 'rows={parameter}', nested: [{parameter: data_uri}]}
  read-path:
    component: append-text
    arguments: {text: a, source: {task: by-path, output: artifact}}
  read-uri:
    component: append-text
    arguments: {text: b, source: {task: by-uri, output: artifact}}
`;

function compiled(text: string) {
  const { definition, source, problems } = readPipeline(text, 'imports/pipeline.yaml');
  const specs = new Map<string, ComponentSpec>([['append-text', loadComponentSpec(join(FIXTURES_DIR, 'append-text', 'component.yaml'))]]);
  const checked = definition ? checkPipeline({ definition, source, components: specs }) : [];
  if (!definition || problems.length + checked.length > 0) throw new Error(`fixture pipeline: ${[...problems, ...checked].map(formatProblem).join('\n')}`);
  const components = new Map<string, ResolvedComponent>([...specs].map(([project, spec]) => [project, { project, spec, image: spec.implementation.container.image, usesComponentRuntime: false }]));
  return { pipelineSpec: compilePipeline({ pipeline: definition, components }).documents[0] };
}

let scratch: string;
let runs = 0;
beforeEach(() => {
  scratch = mkdtempSync(join(tmpdir(), 'nx-kubeflow-importers-'));
});
afterEach(() => rmSync(scratch, { recursive: true, force: true }));

async function run(parameters: Record<string, unknown>, text = PIPELINE) {
  const runId = `run-${++runs}`;
  const result = await runPipeline({
    ir: compiled(text),
    runDir: join(scratch, 'runs', runId),
    runId,
    pipelineName: 'imports',
    parameters,
    tasks: { 'read-path': { mode: 'command', projectRoot: fixtureRoot('append-text') }, 'read-uri': { mode: 'command', projectRoot: fixtureRoot('append-text') } },
    workspaceRoot: WORKSPACE_ROOT,
    cacheDir: join(scratch, 'cache', runId),
    parallel: 2,
  });
  const record: RunRecordData = JSON.parse(readFileSync(result.recordFile, 'utf8'));
  const task = (name: string) => record.tasks.find((candidate) => candidate.name === name)!;
  return { result, task };
}

describe('runPipeline: importers', () => {
  it('imports a workspace-relative path and a file:// URI where they are, with metadata filled in; downstream tasks read them', async () => {
    const { result, task } = await run({});
    expect(result.state).toBe('SUCCEEDED');
    expect(task('by-path')).toMatchObject({ state: 'SUCCEEDED', attempts: 0, outputs: { artifacts: { artifact: { path: DATA, uri: DATA } } } });
    expect(task('by-uri').outputs.artifacts.artifact).toEqual({ path: DATA, uri: DATA, metadata: { rows: 3, note: 'rows={parameter}', nested: [pathToFileURL(DATA).href] } });
    for (const [reader, line] of [['read-path', 'p:a'], ['read-uri', 'p:b']]) {
      expect(readFileSync(task(reader).outputs.artifacts.result.path, 'utf8')).toBe(`imported line\n${line}\n`);
    }
  });

  it('fails an importer whose URI it cannot fetch, naming the scheme, or whose file is missing; its dependents are SKIPPED, the rest runs', async () => {
    const remote = await run({ data_uri: 'gs://bucket/data.csv' });
    expect(remote.result.state).toBe('FAILED');
    expect(remote.task('by-uri')).toMatchObject({
      state: 'FAILED',
      error: 'importer "by-uri": cannot import gs://bucket/data.csv: the local runner takes local paths and file:// URIs only, and fetches nothing from gs://; give it a local copy (a path or file:///...) or run the pipeline on Kubeflow',
    });
    expect(remote.task('read-uri').state).toBe('SKIPPED');
    expect(remote.task('read-path').state).toBe('SUCCEEDED');
    const missing = await run({ data_uri: 'file:///nonexistent/data.csv' });
    expect(missing.task('by-uri').error).toBe('importer "by-uri": cannot import file:///nonexistent/data.csv: there is no file or folder at /nonexistent/data.csv');
  });

  it('takes paths and file:// URIs, refuses other schemes', () => {
    expect(localArtifactPath('data/x.csv', '/ws')).toBe('/ws/data/x.csv');
    expect(localArtifactPath('/abs/x.csv', '/ws')).toBe('/abs/x.csv');
    expect(localArtifactPath('file:///abs/x%20y.csv', '/ws')).toBe('/abs/x y.csv');
    for (const uri of ['s3://b/k', 'minio://b/k', 'https://example.com/x', 'gcs://b']) expect(() => localArtifactPath(uri, '/ws')).toThrow(/fetches nothing from/);
    expect(() => localArtifactPath('file://host/x', '/ws')).toThrow(/cannot import file:\/\/host\/x/);
  });
});
