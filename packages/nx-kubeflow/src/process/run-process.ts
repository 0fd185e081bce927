import { spawn } from 'node:child_process';
import { redactKnownSecrets } from '../secrets/index';

export interface RunProcessOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Pass output straight to this process's stdout/stderr as it arrives. */
  stream?: boolean;
  /** Prefix written in front of every streamed line, e.g. the project name. */
  linePrefix?: string;
  /** How many trailing output lines to keep for error messages. */
  tailLines?: number;
  /** Called with every complete output line (without its newline), in arrival order. */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  /** Aborting sends the child SIGTERM; the result then carries the signal it ended by. */
  signal?: AbortSignal;
}

/**
 * What is kept of one output line: a child can print hundreds of MB without a
 * newline, and the line would sit in memory whole, then in a tail, an error
 * message and the terminal. The rest of such a line is counted, not kept.
 */
export const MAX_LINE_CHARS = 16 * 1024;

export interface ProcessResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** The last lines of stdout and stderr, interleaved in arrival order. */
  tail: string[];
}

/**
 * Runs a command without a shell, keeps the last lines of its output for
 * error messages, and optionally streams it. Never rejects on a non-zero exit:
 * callers decide what a failure means and how to report it.
 */
export function runProcess(
  command: string,
  args: readonly string[],
  options: RunProcessOptions = {},
): Promise<ProcessResult> {
  const keep = options.tailLines ?? 30;
  const tail: string[] = [];
  const partial: Record<'stdout' | 'stderr', string> = { stdout: '', stderr: '' };
  // characters of the current line dropped beyond MAX_LINE_CHARS
  const dropped: Record<'stdout' | 'stderr', number> = { stdout: 0, stderr: 0 };
  const complete = (stream: 'stdout' | 'stderr', raw: string): string => {
    const extra = dropped[stream] + Math.max(0, raw.length - MAX_LINE_CHARS);
    dropped[stream] = 0;
    // redacted before it is cut, so a credential is hidden whole where the kept part holds it
    const line = redactKnownSecrets(raw.length > MAX_LINE_CHARS ? raw.slice(0, MAX_LINE_CHARS) : raw);
    return extra > 0 ? `${line}… (${extra} more characters)` : line;
  };

  const remember = (line: string) => {
    tail.push(line);
    if (tail.length > keep) tail.shift();
  };

  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });

    const abort = () => child.kill('SIGTERM');
    if (options.signal?.aborted) abort();
    else options.signal?.addEventListener('abort', abort, { once: true });

    const onData = (stream: 'stdout' | 'stderr') => (chunk: Buffer) => {
      const lines = (partial[stream] + chunk.toString('utf8')).split(/\r?\n/);
      const rest = lines.pop() ?? '';
      // an unfinished line keeps at most its first MAX_LINE_CHARS (and a little more, so a credential across the cut is still matched)
      const keep = MAX_LINE_CHARS + 1024;
      if (rest.length > keep) dropped[stream] += rest.length - keep;
      partial[stream] = rest.length > keep ? rest.slice(0, keep) : rest;
      for (const raw of lines) {
        // A child's output (an engine echoing a build secret or a registry login) is printed and quoted in errors: never with a credential this process holds.
        const line = complete(stream, raw);
        remember(line);
        options.onLine?.(line, stream);
        if (options.stream) {
          const out = stream === 'stdout' ? process.stdout : process.stderr;
          out.write(`${options.linePrefix ?? ''}${line}\n`);
        }
      }
    };
    child.stdout.on('data', onData('stdout'));
    child.stderr.on('data', onData('stderr'));

    child.on('error', reject);
    child.on('close', (exitCode, signal) => {
      options.signal?.removeEventListener('abort', abort);
      for (const stream of ['stdout', 'stderr'] as const) {
        if (partial[stream]) {
          const line = complete(stream, partial[stream]);
          remember(line);
          options.onLine?.(line, stream);
          if (options.stream) {
            const out = stream === 'stdout' ? process.stdout : process.stderr;
            out.write(`${options.linePrefix ?? ''}${line}\n`);
          }
        }
      }
      resolve({ exitCode, signal, tail });
    });
  });
}

/** The tail of a process's output, indented, for the end of an error message. */
export function formatTail(result: ProcessResult, lines = 20): string {
  return result.tail
    .slice(-lines)
    .map((line) => `    ${line}`)
    .join('\n');
}
