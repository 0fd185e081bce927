/**
 * A pipeline with If / Elif / Else over a parameter and an upstream output,
 * a nested If and a task beside them, over the sh-based shell-output
 * component: the condition specs run it here and under kfp.local.
 */
import { join } from 'node:path';
import { loadComponentSpec } from '../../kfp/component-spec';
import { compilePipeline } from '../../kfp/ir-compiler';
import type { ResolvedComponent } from '../../kfp/pipeline-model';
import { readPipeline } from '../../pipeline/read-pipeline';
import type { IrDocuments } from '../ir-reader';
import { FIXTURES_DIR } from './fixture-pipeline';

export const CONDITIONS_PIPELINE = `
name: branches
parameters:
  mode: {type: String, default: fast}
  limit: {type: Integer, default: 10}
tasks:
  measure:
    component: shell-output
    arguments: {script: 'echo 7 > "$1"'}
  choose:
    if: {left: {parameter: mode}, operator: '==', right: fast}
    then:
      fast-path:
        component: shell-output
        arguments: {script: 'echo "$2" > "$1"', number: {task: measure, output: value}}
      after-fast:
        component: shell-output
        arguments: {script: 'echo "$2" > "$1" # after', number: {task: fast-path, output: value}}
      big-enough:
        if: {left: {task: fast-path, output: value}, operator: '>', right: 5}
        then:
          big:
            component: shell-output
            arguments: {script: 'echo 1 > "$1"'}
    elif:
      - if: {left: {task: measure, output: value}, operator: '<', right: {parameter: limit}}
        then:
          medium: {component: shell-output, arguments: {script: 'echo 2 > "$1"'}}
    else:
      slow: {component: shell-output, arguments: {script: 'echo 3 > "$1"'}}
  beside:
    component: shell-output
    arguments: {script: 'echo 4 > "$1"'}
`;
export const CONDITIONS_TASKS = ['measure', 'fast-path', 'after-fast', 'big', 'medium', 'slow', 'beside'];

/** The pipeline's IR as compile writes it (its documents and its text); `image` replaces the component's busybox (kfp.local runs it in that image). */
export function compileConditions(text = CONDITIONS_PIPELINE, image?: string): { documents: IrDocuments; yaml: string } {
  const { definition, problems } = readPipeline(text, 'branches/pipeline.yaml');
  if (!definition || problems.length > 0) throw new Error(`fixture pipeline: ${JSON.stringify(problems)}`);
  const spec = loadComponentSpec(join(FIXTURES_DIR, 'shell-output', 'component.yaml'));
  const components = new Map<string, ResolvedComponent>([['shell-output', { project: 'shell-output', spec, image: image ?? spec.implementation.container.image, usesComponentRuntime: false }]]);
  const compiled = compilePipeline({ pipeline: definition, components });
  return { documents: { pipelineSpec: compiled.documents[0] }, yaml: compiled.yaml };
}

export const compiledConditions = (text = CONDITIONS_PIPELINE): IrDocuments => compileConditions(text).documents;
