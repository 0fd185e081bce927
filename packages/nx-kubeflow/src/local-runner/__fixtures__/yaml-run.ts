/**
 * A pipeline.yaml text through the real reader, checker and IR compiler with fixture components, then a local
 * run of it with every task in command mode: for the run specs that hold control flow to what compile writes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadComponentSpec } from '../../kfp/component-spec';
import { compilePipeline } from '../../kfp/ir-compiler';
import type { ComponentSpec, ResolvedComponent } from '../../kfp/pipeline-model';
import { checkPipeline } from '../../pipeline/check-pipeline';
import { formatProblem } from '../../pipeline/pipeline-problems';
import { readPipeline } from '../../pipeline/read-pipeline';
import type { IrDocuments } from '../ir-reader';
import { runPipeline } from '../run-pipeline';
import type { RunRecordData } from '../run-record';
import { FIXTURES_DIR, fixtureRoot, WORKSPACE_ROOT } from './fixture-pipeline';

/** The IR of `text`, its components the fixture projects named; throws with every problem the reader or checker finds. */
export function compileYaml(text: string, projects: readonly string[]): IrDocuments {
  const { definition, source, problems } = readPipeline(text, 'fixture/pipeline.yaml');
  const specs = new Map<string, ComponentSpec>(projects.map((project) => [project, loadComponentSpec(join(FIXTURES_DIR, project, 'component.yaml'))]));
  const checked = definition ? checkPipeline({ definition, source, components: specs }) : [];
  if (!definition || problems.length + checked.length > 0) throw new Error(`fixture pipeline:\n${[...problems, ...checked].map(formatProblem).join('\n')}`);
  const components = new Map<string, ResolvedComponent>([...specs].map(([project, spec]) => [project, { project, spec, image: spec.implementation.container.image, usesComponentRuntime: false }]));
  return { pipelineSpec: compilePipeline({ pipeline: definition, components }).documents[0] };
}

/** Runs `text` in `scratch` (runs/<runId>, cache/<runId>), each task in command mode in its fixture project; the record, and each task's state and outputs by name. */
export async function runYaml(options: { text: string; tasks: Record<string, string>; scratch: string; runId: string; parameters?: Record<string, unknown> }) {
  const projects = [...new Set(Object.values(options.tasks))];
  const result = await runPipeline({
    ir: compileYaml(options.text, projects),
    runDir: join(options.scratch, 'runs', options.runId),
    runId: options.runId,
    pipelineName: 'fixture',
    parameters: options.parameters ?? {},
    tasks: Object.fromEntries(Object.entries(options.tasks).map(([task, project]) => [task, { mode: 'command' as const, projectRoot: fixtureRoot(project) }])),
    workspaceRoot: WORKSPACE_ROOT,
    cacheDir: join(options.scratch, 'cache', options.runId),
    parallel: 4,
  });
  const record: RunRecordData = JSON.parse(readFileSync(result.recordFile, 'utf8'));
  const states = Object.fromEntries(record.tasks.map((task) => [task.name, task.state]));
  const succeeded = record.tasks.filter((task) => task.state === 'SUCCEEDED');
  const outputs = (name: string) => Object.fromEntries(succeeded.filter((task) => Object.hasOwn(task.outputs.parameters, name)).map((task) => [task.name, task.outputs.parameters[name]]));
  return { result, record, states, outputs };
}
