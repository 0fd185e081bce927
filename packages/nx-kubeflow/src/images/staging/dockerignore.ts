/**
 * A component's own `.dockerignore`, with Docker's semantics (patterns as Go's
 * filepath.Match plus `**`, `!` exceptions, the last matching line wins, a
 * pattern that matches a folder leaves out everything in it), read by
 * @balena/dockerignore, a port of Docker's matcher. Patterns are relative to
 * the component folder, which is what a user sees as the build context.
 *
 * The context docker-build stages has no .dockerignore at its root, so the
 * engine would never read the component's: staging applies it instead. It
 * can only leave out more than staging-rules.ts does; `!.env` brings nothing
 * back. The component's Dockerfile is staged even when listed (Docker, too,
 * always sends the Dockerfile: the build needs it).
 */
import ignore from '@balena/dockerignore';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { StagingError } from './staging-error';

export interface DockerignoreRules {
  /** Whether `relativePath` (`/`-separated, inside the component) is left out, itself or through a folder above it. */
  ignores(relativePath: string): boolean;
  /**
   * Whether any line is an exception (`!pattern`): then a left-out folder is
   * still walked, since something inside it may be brought back (as Docker does).
   */
  hasExceptions: boolean;
}

/**
 * @param projectDir absolute component folder
 * @param displayDir how to name it in errors (workspace-relative)
 * @returns undefined when the component has no .dockerignore
 */
export function readDockerignore(projectDir: string, displayDir: string): DockerignoreRules | undefined {
  const file = join(projectDir, '.dockerignore');
  if (!existsSync(file)) return undefined;
  const lines = readFileSync(file, 'utf8').split(/\r?\n/);
  // The matcher compiles a pattern on first use and throws a bare SyntaxError
  // then; trying each line alone names the line instead.
  lines.forEach((line, index) => {
    try {
      ignore({ ignorecase: false }).add(line).ignores('probe');
    } catch (error) {
      throw new StagingError(
        `${displayDir}/.dockerignore line ${index + 1}: "${line}" is not a valid pattern (${(error as Error).message}). ` +
          'Patterns follow Docker\'s .dockerignore rules (Go filepath.Match, e.g. "*.md", "docs/", "**/*.log", "!README.md").',
      );
    }
  });
  // Case-sensitive, as docker on Linux is (the library's default is not).
  const matcher = ignore({ ignorecase: false }).add(lines);
  const hasExceptions = lines.some((line) => line.trim().startsWith('!') && line.trim().length > 1);
  return { ignores: (relativePath) => matcher.ignores(relativePath), hasExceptions };
}
