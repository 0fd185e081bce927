/**
 * A pipeline with an exit handler (its exit task takes PipelineTaskFinalStatus)
 * and ignore_upstream_failure tasks, one of them taking its upstream's final
 * status, over the sh-based shell-output and status-report components: the
 * exit handler specs run it here and under kfp.local.
 */
import { join } from 'node:path';
import { loadComponentSpec } from '../../kfp/component-spec';
import { compilePipeline } from '../../kfp/ir-compiler';
import type { ComponentSpec, ResolvedComponent } from '../../kfp/pipeline-model';
import { checkPipeline } from '../../pipeline/check-pipeline';
import { formatProblem } from '../../pipeline/pipeline-problems';
import { readPipeline } from '../../pipeline/read-pipeline';
import type { IrDocuments } from '../ir-reader';
import { FIXTURES_DIR } from './fixture-pipeline';

export const EXIT_PIPELINE = `
name: exits
parameters:
  train_script: {type: String, default: 'echo "$2" > "$1"'}
  risky_script: {type: String, default: 'echo 9 > "$1"'}
tasks:
  prepare:
    component: shell-output
    arguments: {script: 'echo 5 > "$1"'}
  watch:
    exit_task:
      notify: {component: status-report, arguments: {note: bye}}
    tasks:
      train:
        component: shell-output
        arguments: {script: {parameter: train_script}, number: {task: prepare, output: value}}
      after-train:
        component: shell-output
        arguments: {script: 'echo "$2" > "$1" # after', number: {task: train, output: value}}
  risky:
    component: shell-output
    arguments: {script: {parameter: risky_script}}
  tidy:
    component: shell-output
    arguments: {script: 'echo "$2" > "$1"', number: {task: risky, output: value}}
    ignore_upstream_failure: true
  report-risky:
    component: status-report
    arguments: {note: risky}
    after: [risky]
    ignore_upstream_failure: true
  behind-risky:
    component: shell-output
    arguments: {script: 'echo "$2" > "$1" # behind', number: {task: risky, output: value}}
`;
/** Each task and its fixture component. */
export const EXIT_TASKS: Record<string, string> = {
  prepare: 'shell-output',
  notify: 'status-report',
  train: 'shell-output',
  'after-train': 'shell-output',
  risky: 'shell-output',
  tidy: 'shell-output',
  'report-risky': 'status-report',
  'behind-risky': 'shell-output',
};

/** The IR compile writes (documents and text); `image` replaces the components' busybox (kfp.local runs them in it). */
export function compileExits(image?: string): { documents: IrDocuments; yaml: string } {
  const { definition, source, problems } = readPipeline(EXIT_PIPELINE, 'exits/pipeline.yaml');
  const specs = new Map<string, ComponentSpec>(['shell-output', 'status-report'].map((name) => [name, loadComponentSpec(join(FIXTURES_DIR, name, 'component.yaml'))]));
  const checked = definition ? checkPipeline({ definition, source, components: specs }) : [];
  if (!definition || problems.length + checked.length > 0) throw new Error(`fixture pipeline: ${[...problems, ...checked].map(formatProblem).join('\n')}`);
  const components = new Map<string, ResolvedComponent>([...specs].map(([project, spec]) => [project, { project, spec, image: image ?? spec.implementation.container.image, usesComponentRuntime: false }]));
  const compiled = compilePipeline({ pipeline: definition, components });
  return { documents: { pipelineSpec: compiled.documents[0] }, yaml: compiled.yaml };
}

