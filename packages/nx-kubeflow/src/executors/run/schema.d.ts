import type { DeployExecutorSchema } from '../deploy/schema';

export type RunExecutorSchema = Omit<DeployExecutorSchema, 'run' | 'wait' | 'output' | 'dryRun'>;
