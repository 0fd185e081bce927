import { logger } from '@nx/devkit';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatSpecProblem, parseComponentSpec } from '../../kfp/component-spec';

/**
 * A component's tests pass on their own even when its component.yaml is
 * broken, and the break would first show when a pipeline compiles: so the
 * test target reads it first, as kfp's loader would, and fails with every
 * problem at file:line:column. YAML 1.1/1.2 and type warnings are printed and
 * do not fail. Projects without a component.yaml (component-runtime) pass.
 */
export function componentFileIsValid(workspaceRoot: string, projectRoot: string, projectName: string, { showWarnings = true } = {}): boolean {
  const file = join(projectRoot, 'component.yaml');
  if (!existsSync(join(workspaceRoot, file))) return true;
  const { problems, warnings } = parseComponentSpec(readFileSync(join(workspaceRoot, file), 'utf8'), file);
  if (showWarnings) for (const warning of warnings) logger.warn(`[${projectName}] warning: ${warning.file}:${warning.line}:${warning.column}: ${warning.message}`);
  if (problems.length === 0) return true;
  logger.error(
    [`${problems.length === 1 ? 'a problem' : `${problems.length} problems`} in ${file}; pytest was not run:`, ...problems.map(formatSpecProblem)]
      .map((line) => `[${projectName}] ${line}`)
      .join('\n'),
  );
  return false;
}
