import { type ExecutorContext, logger } from '@nx/devkit';
import { redactedErrorMessage } from '../../secrets/index';
import { resolve } from 'node:path';
import { runViewSources, startRunView, writeStaticReport } from '../../ui/index';
import type { UiExecutorSchema } from './schema';

/**
 * `nx run <pipeline>:ui [--port N] [--all]`: serves the run view until the
 * process is stopped. The address is the line it prints.
 * `nx run <pipeline>:ui --static <folder> [--run <id>]`: writes one run's view as an HTML file instead.
 */
export default async function uiExecutor(options: UiExecutorSchema, context: ExecutorContext): Promise<{ success: boolean }> {
  const projectName = context.projectName ?? '';
  try {
    if (options.static !== undefined) {
      const { store, secrets } = runViewSources({ workspaceRoot: context.root });
      const { file, run } = await writeStaticReport({ store, secrets, pipeline: projectName, ...(options.run ? { run: options.run } : {}), folder: resolve(context.root, options.static) });
      logger.info(`[${projectName}] run ${run}: ${file} (opens from disk, no server needed)`);
      return { success: true };
    }
    const view = await startRunView({
      workspaceRoot: context.root,
      ...(options.all || !projectName ? {} : { pipelines: [projectName] }),
      ...(options.port !== undefined ? { port: options.port } : {}),
    });
    for (const problem of view.secrets.unreadable) logger.warn(`[${projectName}] ${problem.file}: not read (${problem.message}); its values are not masked, so they may show`);
    logger.info(`[${projectName}] runs of ${options.all || !projectName ? 'every pipeline' : projectName}: ${view.url}`);
    logger.info(`[${projectName}] serving on 127.0.0.1 only; Ctrl-C stops it`);
    await new Promise<void>((resolve) => {
      const stop = () => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        void view.close().then(resolve);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    return { success: true };
  } catch (error) {
    logger.error(`[${projectName}] ${redactedErrorMessage(error)}`);
    return { success: false };
  }
}
