import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { WorkspaceCopy } from './workspace-copy';

/**
 * Issue 3's "done when", as a user would do it on a clean clone: generate a
 * pipeline from the example components, compile it, see what a component
 * change affects, and get every mistake of a broken pipeline.yaml in one run.
 */
describe('create a pipeline, compile it, affected-only', () => {
  let workspace: WorkspaceCopy;
  const pipelineFile = () => join(workspace.root, 'pipelines/p/pipeline.yaml');
  const compiledFile = () => join(workspace.root, 'dist/pipelines/p/pipeline.yaml');

  beforeAll(() => {
    workspace = new WorkspaceCopy();
  });
  afterAll(() => workspace?.remove());

  it('generates a pipeline wiring the example components, pointing editors at the schema', () => {
    const result = workspace.nx('g', 'pipeline', 'p', '--components', 'data-loader,trainer');
    expect(result.output).toContain('CREATE pipelines/p/pipeline.yaml');
    expect(result.status).toBe(0);
    const text = readFileSync(pipelineFile(), 'utf8');
    const schemaLine = /^# yaml-language-server: \$schema=(.+)$/m.exec(text);
    expect(schemaLine?.[1]).toBe('../../packages/nx-kubeflow/src/pipeline/pipeline.schema.json');
    expect(existsSync(join(workspace.root, 'pipelines/p', schemaLine![1]))).toBe(true);
    expect(text).toContain('dataset: {task: data-loader, output: dataset}');
    for (const file of ['config/settings.toml', 'config/settings.local.toml', 'README.md']) {
      expect(existsSync(join(workspace.root, 'pipelines/p', file))).toBe(true);
    }
  });

  it('writes nothing under --dry-run', () => {
    const dryRun = workspace.nx('g', 'pipeline', 'dry', '--components', 'trainer', '--dry-run');
    expect(dryRun.status).not.toBe(0); // trainer alone has no upstream for its dataset input
    expect(dryRun.output).toContain('input "dataset" (system.Dataset) of trainer has no upstream output');
    const ok = workspace.nx('g', 'pipeline', 'dry', '--components', 'data-loader', '--dry-run');
    expect(ok.status).toBe(0);
    expect(ok.output).toContain('CREATE pipelines/dry/pipeline.yaml');
    expect(existsSync(join(workspace.root, 'pipelines/dry'))).toBe(false);
  });

  it('refuses an unknown component and an existing project, writing nothing', () => {
    const unknown = workspace.nx('g', 'pipeline', 'q', '--components', 'data-loader,no-such-component');
    expect(unknown.status).not.toBe(0);
    expect(unknown.output).toContain('unknown component "no-such-component"');
    expect(existsSync(join(workspace.root, 'pipelines/q'))).toBe(false);
    const existing = workspace.nx('g', 'pipeline', 'trainer', '--components', 'trainer');
    expect(existing.status).not.toBe(0);
    expect(existing.output).toContain('A project named "trainer" already exists');
  });

  it('infers the pipeline project with its targets and component edges', () => {
    const project = JSON.parse(workspace.nx('show', 'project', 'p', '--json').stdout);
    expect(Object.keys(project.targets)).toEqual(expect.arrayContaining(['settings', 'compile']));
    const graphFile = join(workspace.root, 'dist/graph.json');
    expect(workspace.nx('graph', `--file=${graphFile}`).status).toBe(0);
    const graph = JSON.parse(readFileSync(graphFile, 'utf8')).graph;
    expect(graph.dependencies.p.map((edge: { target: string }) => edge.target).sort()).toEqual(['data-loader', 'trainer']);
  });

  it('compiles the generated pipeline to KFP v2 IR, and takes the second run from the cache', () => {
    const result = workspace.nx('run', 'p:compile', '--outputStyle=static');
    expect(result.output).toContain('dist/pipelines/p/pipeline.yaml');
    expect(result.status).toBe(0);
    const [spec] = parseAllDocuments(readFileSync(compiledFile(), 'utf8')).map((document) => document.toJSON());
    expect(spec.pipelineInfo.name).toBe('p');
    expect(Object.keys(spec.root.dag.tasks)).toEqual(['data-loader', 'trainer']);
    expect(spec.root.dag.tasks.trainer.dependentTasks).toEqual(['data-loader']);

    const again = workspace.nx('run', 'p:compile', '--outputStyle=static');
    expect(again.status).toBe(0);
    expect(again.output).toContain('[local cache]');
  });

  it('makes the pipeline affected by a change in one of its components', () => {
    workspace.git('add', '-A');
    workspace.git('-c', 'user.email=e2e@example.com', '-c', 'user.name=e2e', 'commit', '-qm', 'pipeline p');
    appendFileSync(join(workspace.root, 'components/trainer/src/lib/trainer.py'), '\n# touched\n');
    const affected = workspace.nx('show', 'projects', '--affected', '--base=HEAD').stdout.split('\n').filter(Boolean);
    expect(affected).toEqual(expect.arrayContaining(['trainer', 'p']));
    expect(affected).not.toContain('data-loader');
    workspace.git('checkout', '--', '.');

    appendFileSync(join(workspace.root, 'components/data-loader/config/settings.toml'), '\n# touched\n');
    expect(workspace.nx('show', 'projects', '--affected', '--base=HEAD').stdout.split('\n')).toContain('p');
    workspace.git('checkout', '--', '.');
  });

  it('reports four different mistakes in one run, each with file:line:column, and writes nothing', () => {
    const original = readFileSync(pipelineFile(), 'utf8');
    const broken = original
      .replace('component: trainer', 'component: trainr') // unknown component
      .replace('output: dataset', 'output: datasets') // unknown output
      .replace('rows: {parameter: rows}', 'rows: {parameter: row}') // unknown parameter
      .replace(/^name: p$/m, 'name: P_Pipeline'); // invalid name
    expect(broken).not.toBe(original);
    writeFileSync(pipelineFile(), broken);
    const before = readFileSync(compiledFile(), 'utf8');
    const result = workspace.nx('run', 'p:compile', '--outputStyle=static', '--skip-nx-cache');
    expect(result.status).not.toBe(0);
    expect(result.output).toContain('4 problems found; nothing was written');
    expect(result.output).toMatch(/pipelines\/p\/pipeline\.yaml:\d+:\d+: name: "P_Pipeline" is not a valid pipeline name/);
    expect(result.output).toMatch(/pipelines\/p\/pipeline\.yaml:\d+:\d+: task "trainer", component: unknown component "trainr"/);
    expect(result.output).toMatch(/pipelines\/p\/pipeline\.yaml:\d+:\d+: task "trainer", arguments\.dataset\.output: unknown output "datasets" of task "data-loader"/);
    expect(result.output).toMatch(/pipelines\/p\/pipeline\.yaml:\d+:\d+: task "data-loader", arguments\.rows\.parameter: unknown pipeline parameter "row"/);
    expect(readFileSync(compiledFile(), 'utf8')).toBe(before);
    writeFileSync(pipelineFile(), original);
  });
});
