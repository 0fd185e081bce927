/**
 * The inferred venv and test targets' command in the built package:
 *   node <nx-kubeflow>/src/commands/python-cli.js venv|test <project> <root> [options]
 * python/python-cli.ts bundled into python-cli.bundle.js and run with a code
 * cache (command-bundle.ts); without the bundle, python/python-cli.js as tsc
 * built it. This repository's own targets run the TypeScript source instead.
 */
import { join } from 'node:path';
import { runCommandBundle } from './command-bundle';
import { runCommandMain } from '../process/command-main';

runCommandBundle(join(__dirname, 'python-cli.bundle.js'), () =>
  runCommandMain((require('../python/python-cli') as typeof import('../python/python-cli')).main),
);
