/* Which of a project's targets are its venv and test targets. No imports: graph inference loads this too. */

/** The command's file name (python/python-cli.ts), by which the executors know an inferred venv or test target. */
export const PYTHON_COMMAND_FILE = 'python-cli';

type TargetLike = { executor?: string; command?: string; options?: Record<string, unknown> };

function runsPythonCommand(target: TargetLike, subcommand: 'venv' | 'test'): boolean {
  const command = String(target.options?.command ?? target.command ?? '');
  return target.executor === 'nx:run-commands' && new RegExp(`[/\\\\]${PYTHON_COMMAND_FILE}\\.[jt]s'? ${subcommand} `).test(command);
}

/** The project's test target: the inferred one (python-cli test) or one a project.json gives with the nx-kubeflow:test executor. */
export function findTestTarget(targets: Record<string, TargetLike> | undefined): TargetLike | undefined {
  return Object.values(targets ?? {}).find((target) => target.executor === 'nx-kubeflow:test' || runsPythonCommand(target, 'test'));
}

/** The project's venv target, whose options say what the venv holds: the inferred one (python-cli venv) or the nx-kubeflow:venv executor. */
export function findVenvTarget(targets: Record<string, TargetLike> | undefined): TargetLike | undefined {
  return Object.values(targets ?? {}).find((target) => target.executor === 'nx-kubeflow:venv' || runsPythonCommand(target, 'venv'));
}
