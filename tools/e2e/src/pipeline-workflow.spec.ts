import { appendFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
  // one IR per settings environment (issue 12, stumble 10); without -c or --env: development
  const compiledFile = (env = 'development') => join(workspace.root, 'dist/pipelines/p', env, 'pipeline.yaml');

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
    expect(result.output).toContain('dist/pipelines/p/development/pipeline.yaml');
    expect(result.status).toBe(0);
    const [spec] = parseAllDocuments(readFileSync(compiledFile(), 'utf8')).map((document) => document.toJSON());
    expect(spec.pipelineInfo.name).toBe('p');
    expect(Object.keys(spec.root.dag.tasks)).toEqual(['data-loader', 'trainer']);
    expect(spec.root.dag.tasks.trainer.dependentTasks).toEqual(['data-loader']);

    const again = workspace.nx('run', 'p:compile', '--outputStyle=static');
    expect(again.status).toBe(0);
    // without -c or --env the run declares no output file (src/pipeline/README.md, one IR per environment)
    expect(again.output).toMatch(/\[local cache\]|\[existing outputs match the cache, left as is\]/);
    expect(again.output).toContain('Nx read the output from the cache');
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
    expect(existsSync(compiledFile())).toBe(true);
    const result = workspace.nx('run', 'p:compile', '--outputStyle=static', '--skip-nx-cache');
    expect(result.status).not.toBe(0);
    expect(result.output).toContain('4 problems found; nothing was written');
    expect(result.output).toMatch(/pipelines\/p\/pipeline\.yaml:\d+:\d+: name: "P_Pipeline" is not a valid pipeline name/);
    expect(result.output).toMatch(/pipelines\/p\/pipeline\.yaml:\d+:\d+: task "trainer", component: unknown component "trainr"/);
    expect(result.output).toMatch(/pipelines\/p\/pipeline\.yaml:\d+:\d+: task "trainer", arguments\.dataset\.output: unknown output "datasets" of task "data-loader"/);
    expect(result.output).toMatch(/pipelines\/p\/pipeline\.yaml:\d+:\d+: task "data-loader", arguments\.rows\.parameter: unknown pipeline parameter "row"/);
    // the IR of the last good compile is gone: it no longer matches pipeline.yaml (issue 12, stumble 10)
    expect(existsSync(compiledFile())).toBe(false);
    writeFileSync(pipelineFile(), original);
  });

  it('keeps one IR per environment: -c production leaves the development IR alone, and a failed compile removes only its own', () => {
    writeFileSync(
      join(workspace.root, 'pipelines/p/config/settings.toml'),
      `${readFileSync(join(workspace.root, 'pipelines/p/config/settings.toml'), 'utf8')}\n[production.parameters]\nrows = 123456\n`,
    );
    expect(workspace.nx('run', 'p:compile', '--outputStyle=static').status).toBe(0);
    const development = readFileSync(compiledFile(), 'utf8');
    const result = workspace.nx('run', 'p:compile', '-c', 'production', '--outputStyle=static');
    expect(result.status).toBe(0);
    expect(result.output).toContain('compiled (production) to dist/pipelines/p/production/pipeline.yaml');
    expect(readFileSync(compiledFile('production'), 'utf8')).toContain('123456');
    expect(readFileSync(compiledFile(), 'utf8')).toBe(development);

    // Nx restores each environment's file from its own cache entry
    rmSync(join(workspace.root, 'dist/pipelines/p'), { recursive: true });
    const restored = workspace.nx('run', 'p:compile', '-c', 'production', '--outputStyle=static');
    expect(restored.output).toContain('[local cache]');
    expect(readFileSync(compiledFile('production'), 'utf8')).toContain('123456');
    expect(existsSync(compiledFile())).toBe(false);

    const original = readFileSync(pipelineFile(), 'utf8');
    writeFileSync(pipelineFile(), original.replace('component: trainer', 'component: trainr'));
    expect(workspace.nx('run', 'p:compile', '-c', 'development', '--outputStyle=static').status).not.toBe(0);
    expect(existsSync(compiledFile())).toBe(false);
    expect(existsSync(compiledFile('production'))).toBe(true);
    writeFileSync(pipelineFile(), original);
  });

  it('takes names that are Object.prototype members as names (issue 12, broken 7)', () => {
    const original = readFileSync(pipelineFile(), 'utf8');
    const componentFile = join(workspace.root, 'components/trainer/component.yaml');
    const component = readFileSync(componentFile, 'utf8');
    // a pipeline parameter named constructor: compile crashed with "Tag not resolved for Function value"
    writeFileSync(pipelineFile(), original.replace(/^parameters:\n/m, 'parameters:\n  constructor: {type: String, default: x}\n'));
    expect(readFileSync(pipelineFile(), 'utf8')).toContain('  constructor: {type: String');
    const compiled = workspace.nx('run', 'p:compile', '--outputStyle=static', '--skip-nx-cache');
    expect(compiled.output).not.toContain('Tag not resolved');
    expect(compiled.status).toBe(0);
    const [spec] = parseAllDocuments(readFileSync(compiledFile(), 'utf8')).map((document) => document.toJSON());
    expect(spec.root.inputDefinitions.parameters.constructor).toEqual({ defaultValue: 'x', isOptional: true, parameterType: 'STRING' });

    // a required input named constructor that no task gives: compiled before
    writeFileSync(pipelineFile(), original);
    writeFileSync(componentFile, component.replace(/^inputs:\n/m, 'inputs:\n- {name: constructor, type: String}\n'));
    expect(readFileSync(componentFile, 'utf8')).toContain('{name: constructor, type: String}');
    const missing = workspace.nx('run', 'p:compile', '--outputStyle=static', '--skip-nx-cache');
    expect(missing.status).not.toBe(0);
    expect(missing.output).toMatch(/pipelines\/p\/pipeline\.yaml:\d+:\d+: task "trainer", arguments\.constructor: missing required input "constructor"/);
    writeFileSync(componentFile, component);
  });
});
