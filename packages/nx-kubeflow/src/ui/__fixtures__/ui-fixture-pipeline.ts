/**
 * A small pipeline over the two fixture components here (python3, standard
 * library only, run in 'command' mode), compiled by the real compiler and run
 * by the real local runner, so the view's specs read run folders as a run
 * writes them: a dataset, a Markdown note, Metrics, ClassificationMetrics, an
 * HTML report, JSON-line logs, a condition group.
 */
import { join, relative } from 'node:path';
import { loadComponentSpec } from '../../kfp/component-spec';
import { compilePipeline } from '../../kfp/ir-compiler';
import type { ResolvedComponent } from '../../kfp/pipeline-model';
import { readPipeline } from '../../pipeline/read-pipeline';
import { WORKSPACE_ROOT } from '../../local-runner/__fixtures__/fixture-pipeline';
import { runPipeline, type RunPipelineOptions, type RunResult } from '../../local-runner/run-pipeline';

export const UI_FIXTURE_PIPELINE = `
name: ui-fixture
parameters:
  rows: {type: Integer, default: 12}
  pause: {type: Float, default: 0}
  fail: {type: Boolean, default: false}
tasks:
  make-data:
    component: make-data
    arguments: {rows: {parameter: rows}, pause: {parameter: pause}}
  evaluate:
    component: evaluate
    arguments: {data: {task: make-data, output: data}, fail: {parameter: fail}}
  enough-rows:
    if: {left: {task: make-data, output: row_count}, operator: '>', right: 5}
    then:
      summarize:
        component: make-data
        arguments: {rows: 3}
`;
export const UI_FIXTURE_TASKS = ['make-data', 'evaluate', 'summarize'];

export function compileUiFixture(): string {
  const { definition, problems } = readPipeline(UI_FIXTURE_PIPELINE, 'ui-fixture/pipeline.yaml');
  if (!definition || problems.length > 0) throw new Error(`fixture pipeline: ${JSON.stringify(problems)}`);
  const components = new Map<string, ResolvedComponent>();
  for (const name of ['make-data', 'evaluate']) {
    const spec = loadComponentSpec(join(__dirname, name, 'component.yaml'));
    components.set(name, { project: name, spec, image: spec.implementation.container.image, usesComponentRuntime: false });
  }
  return compilePipeline({ pipeline: definition, components }).yaml;
}

/** Runs the fixture pipeline into <runsRoot>/ui-fixture/<runId>. */
export async function runUiFixture(
  runsRoot: string,
  runId: string,
  irFile: string,
  extra: Partial<RunPipelineOptions> = {},
): Promise<RunResult> {
  const mode = (component: string) => ({ mode: 'command' as const, projectRoot: relative(WORKSPACE_ROOT, join(__dirname, component)) });
  return runPipeline({
    ir: { irFile },
    runDir: join(runsRoot, 'ui-fixture', runId),
    runId,
    pipelineName: 'ui-fixture',
    tasks: { 'make-data': mode('make-data'), evaluate: mode('evaluate'), summarize: mode('make-data') },
    workspaceRoot: WORKSPACE_ROOT,
    cacheDir: join(runsRoot, '..', 'cache'),
    parallel: 2,
    ...extra,
  });
}
