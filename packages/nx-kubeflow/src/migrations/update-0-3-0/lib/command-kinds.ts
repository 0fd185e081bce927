import { PLUGIN_PACKAGE_NAME } from '../../../plugin/plugin-options';

/** The inferred targets that became commands, by the executor they ran before. */
export const COMMAND_KINDS = ['venv', 'test', 'compile', 'deploy', 'run'] as const;
export type CommandKind = (typeof COMMAND_KINDS)[number];
export const PIPELINE_KINDS: readonly CommandKind[] = ['compile', 'deploy', 'run'];
export const PYTHON_KINDS: readonly CommandKind[] = ['venv', 'test'];

/** The target name of each command, as the plugin options in nx.json give it. */
export type CommandNames = Record<CommandKind, string>;

/** The package has no scoped name, and Nx finds an executor by its package's name: this is the only spelling. */
export const executorOf = (kind: CommandKind) => `${PLUGIN_PACKAGE_NAME}:${kind}`;
