import { logger } from '@nx/devkit';
import type { PipelineCommandOutput } from '../../pipeline/pipeline-cli';

/** The pipeline command's lines through Nx's logger, for the compile, deploy and run executors. */
export const loggerOutput: PipelineCommandOutput = {
  info: (line) => logger.info(line),
  warn: (line) => logger.warn(line),
  error: (line) => logger.error(line),
};
