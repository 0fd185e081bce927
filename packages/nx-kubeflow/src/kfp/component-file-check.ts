import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatSpecProblem, parseComponentSpec } from './component-spec';

export interface ComponentFileCheck {
  /** Lines to print as errors; empty when the file is fine or absent. */
  problems: string[];
  /** YAML 1.1/1.2 and type warnings, one line each; they do not fail. */
  warnings: string[];
}

/**
 * A component's tests pass on their own even when its component.yaml is
 * broken, and the break would first show when a pipeline compiles: so the
 * test and venv steps read it first, as kfp's loader would, and fail with
 * every problem at file:line:column. Projects without a component.yaml
 * (component-runtime) have nothing to check. No Nx imports: the test
 * command runs this in a bare Node process.
 */
export function componentFileProblems(workspaceRoot: string, projectRoot: string): ComponentFileCheck {
  const file = join(projectRoot, 'component.yaml');
  if (!existsSync(join(workspaceRoot, file))) return { problems: [], warnings: [] };
  const { problems, warnings } = parseComponentSpec(readFileSync(join(workspaceRoot, file), 'utf8'), file);
  return {
    warnings: warnings.map((warning) => `warning: ${warning.file}:${warning.line}:${warning.column}: ${warning.message}`),
    problems:
      problems.length === 0
        ? []
        : [`${problems.length === 1 ? 'a problem' : `${problems.length} problems`} in ${file}; pytest was not run:`, ...problems.map(formatSpecProblem)],
  };
}
