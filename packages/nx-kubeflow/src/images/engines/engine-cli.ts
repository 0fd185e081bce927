/** Running an engine's command-line client: output captured whole, or streamed line by line. */
import { accessSync, constants, realpathSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { runProcess } from '../../process/run-process';
import { EngineCommandError, LineListener } from './container-engine';

export interface CommandOutput {
  exitCode: number;
  stdout: string;
  /** The last lines of stdout and stderr together, for error messages. */
  tail: string[];
}

/** Runs a command to its end and keeps all of its stdout (engines answer queries there). */
export async function captureCommand(
  executable: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; onLine?: LineListener; signal?: AbortSignal; tailLines?: number } = {},
): Promise<CommandOutput> {
  const stdout: string[] = [];
  try {
    const result = await runProcess(executable, args, {
      env: options.env,
      tailLines: options.tailLines ?? 40,
      signal: options.signal,
      onLine: (line, stream) => {
        if (stream === 'stdout') stdout.push(line);
        options.onLine?.(line, stream);
      },
    });
    return { exitCode: result.exitCode ?? 128, stdout: stdout.join('\n'), tail: result.tail };
  } catch (error) {
    // spawn failed: not installed, or not executable.
    return { exitCode: 127, stdout: '', tail: [(error as Error).message] };
  }
}

/** Like captureCommand, but a non-zero exit is an error naming the command and its last lines. */
export async function checkedCommand(
  executable: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; onLine?: LineListener } = {},
): Promise<string> {
  const result = await captureCommand(executable, args, options);
  if (result.exitCode !== 0) {
    throw new EngineCommandError(
      `\`${[executable, ...args].join(' ')}\` exited with code ${result.exitCode}:\n${indent(result.tail.slice(-15))}`,
      result.tail,
    );
  }
  return result.stdout;
}

/**
 * Every executable file with this name on PATH, in PATH order, each real file
 * once (so /usr/bin/docker and a symlink to it count once).
 */
export function executablesOnPath(name: string, path = process.env.PATH ?? ''): string[] {
  const found: string[] = [];
  const seen = new Set<string>();
  for (const dir of path.split(delimiter).filter(Boolean)) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      const real = realpathSync(candidate);
      if (seen.has(real)) continue;
      seen.add(real);
      found.push(candidate);
    } catch {
      // not here
    }
  }
  return found;
}

export function indent(lines: readonly string[]): string {
  return lines.map((line) => `    ${line}`).join('\n');
}

/** The first line of a command's complaint, for a one-line reason. */
export function firstMeaningfulLine(lines: readonly string[]): string {
  return lines.map((line) => line.trim()).find((line) => line !== '') ?? '(no output)';
}
