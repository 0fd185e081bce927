import type { Tree } from '@nx/devkit';
import { componentGenerator } from '../../component/component';
import type { ComponentGeneratorSchema } from '../../component/schema';
import { pipelineGenerator } from '../../pipeline/pipeline.impl';
import type { PipelineGeneratorSchema } from '../../pipeline/schema';

/**
 * The example a new workspace starts with: one component with parameters in
 * and an artifact and a metric out, and a pipeline that runs it, so
 * `deploy` has something to run on this machine from the first minute.
 */
export const EXAMPLE_COMPONENT = {
  name: 'trainer',
  description: 'Trains the example model from a learning rate and a number of epochs',
  inputs: 'learning_rate:Float=0.01,epochs:Integer=3',
  outputs: 'model:Model,accuracy:Float',
} satisfies ComponentGeneratorSchema;

export const EXAMPLE_PIPELINE = {
  name: 'training-pipeline',
  description: 'The example pipeline: trains the model',
  components: EXAMPLE_COMPONENT.name,
} satisfies PipelineGeneratorSchema;

/** Writes them with the component and pipeline generators, as a user would; their own next steps are the preset's to tell. */
export async function addExampleProjects(tree: Tree): Promise<void> {
  await componentGenerator(tree, EXAMPLE_COMPONENT);
  await pipelineGenerator(tree, EXAMPLE_PIPELINE);
}
