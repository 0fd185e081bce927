import type { ExecutorContext } from '@nx/devkit';
import deployExecutor from '../deploy/deploy.impl';
import type { RunExecutorSchema } from './schema';

/** `nx run <pipeline>:run` is `deploy --run --wait`. */
export default function runExecutor(options: RunExecutorSchema, context: ExecutorContext): Promise<{ success: boolean }> {
  return deployExecutor({ ...options, run: true, wait: true }, context);
}
