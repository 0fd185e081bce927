/**
 * The inferred compile, deploy and run targets' command in the built package:
 *   node <nx-kubeflow>/src/commands/pipeline-cli.js compile|deploy|run <project> <root> [options]
 * pipeline/pipeline-cli.ts bundled into pipeline-cli.bundle.js and run with a
 * code cache (command-bundle.ts); without the bundle, pipeline/pipeline-cli.js
 * as tsc built it. This repository's own targets run the TypeScript source instead.
 */
import { join } from 'node:path';
import { runCommandBundle } from './command-bundle';
import { runCommandMain } from '../process/command-main';

runCommandBundle(join(__dirname, 'pipeline-cli.bundle.js'), () =>
  runCommandMain((require('../pipeline/pipeline-cli') as typeof import('../pipeline/pipeline-cli')).main),
);
