import { join, relative } from 'node:path';
import { compilePipelineProject } from '../../pipeline/compile-pipeline-project';
import { runPipeline, type RunEvent, type RunResult } from '../run-pipeline';
import { WORKSPACE_ROOT } from './fixture-pipeline';

/** The projects the real example pipeline (pipelines/training-pipeline) is made of. */
export const EXAMPLE_PROJECTS = {
  'training-pipeline': { root: 'pipelines/training-pipeline' },
  'data-loader': { root: 'components/data-loader' },
  trainer: { root: 'components/trainer' },
  'component-runtime': { root: 'packages/component-runtime' },
};

/**
 * The real example pipeline, compiled by compile's own code into `scratch`,
 * returning what runs it with the local runner: data-loader and trainer in
 * their venvs (the ones their test targets use; made when missing, which
 * needs the package index), the cache under `scratch`.
 */
export function compileExamplePipeline(scratch: string): (run: { runId: string; runDir: string; parameters: Record<string, unknown>; onEvent?: (event: RunEvent) => void }) => Promise<RunResult> {
  const compiled = compilePipelineProject({
    workspaceRoot: WORKSPACE_ROOT,
    projectName: 'training-pipeline',
    projects: EXAMPLE_PROJECTS,
    env: 'development',
    outputPath: relative(WORKSPACE_ROOT, join(scratch, 'pipeline')),
  });
  return ({ runId, runDir, parameters, onEvent }) =>
    runPipeline({
      ir: { irFile: compiled.outputFile },
      runDir,
      runId,
      pipelineName: 'training-pipeline',
      parameters,
      tasks: {
        'data-loader': { mode: 'venv', projectRoot: 'components/data-loader' },
        trainer: { mode: 'venv', projectRoot: 'components/trainer' },
      },
      workspaceRoot: WORKSPACE_ROOT,
      cacheDir: join(scratch, 'cache'),
      ...(onEvent ? { onEvent } : {}),
    });
}
