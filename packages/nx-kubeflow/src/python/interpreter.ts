import { runProcess } from '../process/run-process';
import { interpreterCacheKey, readCachedInterpreter, writeCachedInterpreter } from './interpreter-cache';

export interface PythonInterpreter {
  /** The command as it was found (option, $PYTHON or python3). */
  command: string;
  /** Absolute path of the executable, from sys.executable. */
  executable: string;
  /** e.g. "3.11.7" */
  version: string;
}

export const MINIMUM_PYTHON = [3, 10] as const;

export class PythonNotFoundError extends Error {}

/**
 * Finds the Python to build venvs with: the executor option first, then
 * $PYTHON, then python3 on PATH. The first candidate that is set is the only
 * one tried, so a wrong --python or $PYTHON fails loudly instead of silently
 * falling back to another interpreter.
 */
export async function findPythonInterpreter(
  option: string | undefined,
  environ: NodeJS.ProcessEnv = process.env,
  { cacheFile }: { cacheFile?: string } = {},
): Promise<PythonInterpreter> {
  const [command, source] = option
    ? [option, 'the executor option "python"']
    : environ.PYTHON
      ? [environ.PYTHON, 'the PYTHON environment variable']
      : ['python3', 'python3 on PATH'];
  // The probe spawns Python (a pyenv shim is a bash script on top): its answer is kept by interpreter path and mtime.
  // Keyed on this process's environment, the one the probe runs in (PATH, PYENV_VERSION).
  const cacheKey = cacheFile ? interpreterCacheKey(command) : undefined;
  const cached = cacheFile && cacheKey ? readCachedInterpreter(cacheFile, cacheKey) : undefined;
  if (cached) return { command, ...cached };
  const probed = await probeInterpreter(command, source);
  if (cacheFile && cacheKey) writeCachedInterpreter(cacheFile, cacheKey, probed);
  return { command, ...probed };
}

async function probeInterpreter(command: string, source: string): Promise<Omit<PythonInterpreter, 'command'>> {
  const probe = 'import sys; print(sys.executable); print("%d.%d.%d" % sys.version_info[:3])';
  let lines: string[];
  try {
    const result = await runProcess(command, ['-c', probe], { tailLines: 5 });
    if (result.exitCode !== 0) {
      throw new PythonNotFoundError(
        `Python interpreter "${command}" (from ${source}) failed to start:\n${result.tail.join('\n')}`,
      );
    }
    lines = result.tail.filter(Boolean);
  } catch (error) {
    if (error instanceof PythonNotFoundError) throw error;
    throw new PythonNotFoundError(
      `No Python interpreter found: "${command}" (from ${source}) could not be run (${(error as Error).message}). ` +
        `Install Python ${MINIMUM_PYTHON.join('.')}+ or point --python or $PYTHON at one.`,
    );
  }
  const [executable, version] = lines;
  const [major, minor] = version.split('.').map(Number);
  if (major < MINIMUM_PYTHON[0] || (major === MINIMUM_PYTHON[0] && minor < MINIMUM_PYTHON[1])) {
    throw new PythonNotFoundError(
      `Python ${version} at ${executable} (from ${source}) is too old: components need ${MINIMUM_PYTHON.join('.')}+.`,
    );
  }
  return { executable, version };
}
