/** Errors the settings loader raises; all extend SettingsError so callers can catch one type. */

export class SettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** One place in one settings file that could not be read. */
export interface SettingsFileProblem {
  file: string;
  /** 1-based; absent when the problem is not tied to a position (e.g. unreadable file). */
  line?: number;
  column?: number;
  message: string;
}

/**
 * One or more settings files are broken. Every broken file is listed, so a
 * user fixes them all in one go instead of one per run.
 */
export class SettingsFileError extends SettingsError {
  readonly problems: readonly SettingsFileProblem[];

  constructor(problems: readonly SettingsFileProblem[]) {
    super(formatFileProblems(problems));
    this.problems = problems;
  }
}

function formatFileProblems(problems: readonly SettingsFileProblem[]): string {
  const lines = problems.map((problem) => {
    const position = problem.line === undefined ? '' : `:${problem.line}:${problem.column ?? 1}`;
    return `  ${problem.file}${position}: ${problem.message}`;
  });
  const files = new Set(problems.map((problem) => problem.file));
  const noun = files.size === 1 ? 'settings file is' : `${files.size} settings files are`;
  return [
    `The ${noun} not valid TOML 1.0 (the TOML version dynaconf reads):`,
    ...lines,
    'Fix the syntax at the line and column shown; dynaconf would refuse these files as well.',
  ].join('\n');
}

/** A value could not be converted, e.g. `"@int abc"`, or uses a feature the plugin cannot evaluate. */
export class SettingsValueError extends SettingsError {}

/** Runs `action`, prefixing a SettingsValueError with where the value came from. */
export function withValueErrorLocation<T>(where: string, action: () => T): T {
  try {
    return action();
  } catch (error) {
    if (error instanceof SettingsValueError) throw new SettingsValueError(`${where}: ${error.message}`);
    throw error;
  }
}
