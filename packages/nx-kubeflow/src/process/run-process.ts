import { spawn } from 'node:child_process';
import { knownSecrets, redactKnownSecrets } from '../secrets/index';

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
  const lines = { stdout: new LineCutter(), stderr: new LineCutter() };

  const remember = (line: string) => {
    // Quoted in error messages, which end in files (run.json) and CI logs: never with a colour code.
    tail.push(withoutAnsi(line));
    if (tail.length > keep) tail.shift();
  };
  const deliver = (stream: 'stdout' | 'stderr', line: string) => {
    remember(line);
    options.onLine?.(line, stream);
    if (options.stream) {
      const out = stream === 'stdout' ? process.stdout : process.stderr;
      out.write(`${options.linePrefix ?? ''}${line}\n`);
    }
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

    for (const stream of ['stdout', 'stderr'] as const) {
      // a character split across two chunks is decoded whole
      child[stream].setEncoding('utf8');
      // A child's output (an engine echoing a build secret or a registry login) is printed and quoted in errors: never with a credential this process holds.
      child[stream].on('data', (text: string) => {
        for (const line of lines[stream].push(text)) deliver(stream, line);
      });
    }

    child.on('error', reject);
    child.on('close', (exitCode, signal) => {
      options.signal?.removeEventListener('abort', abort);
      for (const stream of ['stdout', 'stderr'] as const) {
        const last = lines[stream].end();
        if (last !== undefined) deliver(stream, last);
      }
      resolve({ exitCode, signal, tail });
    });
  });
}

/**
 * Splits one output stream into lines, each redacted and cut to
 * MAX_LINE_CHARS. Of a longer line it keeps only the first MAX_LINE_CHARS
 * plus enough more to hold the longest credential this process knows, so a
 * credential that starts before the cut is seen whole; the cut then moves in
 * front of it (KnownSecrets.cutPoint), and no prefix of it is shown. The rest
 * of the line is counted, not kept.
 */
export class LineCutter {
  private head = '';
  /** Characters of the current line beyond `head`, not kept. */
  private dropped = 0;
  private endsWithCr = false;

  /** The lines `text` completes. */
  push(text: string): string[] {
    const complete: string[] = [];
    const pieces = text.split('\n');
    for (let index = 0; index < pieces.length; index++) {
      this.append(pieces[index]);
      if (index < pieces.length - 1) complete.push(this.take());
    }
    return complete;
  }

  /** The unfinished last line, if there is one. */
  end(): string | undefined {
    return this.head || this.dropped ? this.take() : undefined;
  }

  private append(piece: string): void {
    if (!piece) return;
    this.endsWithCr = piece.endsWith('\r');
    const room = Math.max(0, MAX_LINE_CHARS + Math.max(1024, knownSecrets.longestLength) - this.head.length);
    if (piece.length <= room) this.head += piece;
    else {
      this.head += piece.slice(0, room);
      this.dropped += piece.length - room;
    }
  }

  private take(): string {
    let raw = this.head;
    let length = this.head.length + this.dropped;
    // a CRLF line ending is not part of the line
    if (this.endsWithCr) {
      length -= 1;
      if (this.dropped === 0) raw = raw.slice(0, -1);
    }
    this.head = '';
    this.dropped = 0;
    this.endsWithCr = false;
    if (length <= MAX_LINE_CHARS) return redactKnownSecrets(raw);
    const cut = knownSecrets.cutPoint(raw, MAX_LINE_CHARS);
    return `${redactKnownSecrets(raw.slice(0, cut))}… (${length - cut} more characters)`;
  }
}

/** Terminal escape sequences (colour, cursor moves), as tools write them. */
const ANSI_SEQUENCE = /\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])/g;

/** The text without terminal escape sequences: for what is quoted or written to a file. */
export function withoutAnsi(text: string): string {
  return text.includes('\x1b') ? text.replace(ANSI_SEQUENCE, '') : text;
}

/** The tail of a process's output, indented, for the end of an error message. */
export function formatTail(result: ProcessResult, lines = 20): string {
  return result.tail
    .slice(-lines)
    .map((line) => `    ${line}`)
    .join('\n');
}
