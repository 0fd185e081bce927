/**
 * Temporary paths removed however the process ends. A `finally` block does
 * not run when Node ends on SIGINT (Ctrl-C), SIGTERM or SIGHUP with no
 * listener for it, so build secrets written to /tmp would outlive the build.
 *
 * While at least one path is registered:
 * - an 'exit' listener removes them (process.exit, an uncaught exception, the
 *   end of the event loop);
 * - a listener for each of those signals, put first in line: when no other
 *   code listens for the signal, it removes the paths and raises the signal
 *   again with the default action restored, so the process still ends by that
 *   signal (exit status 130 for SIGINT in a shell). When other code listens
 *   (deploy stops its builds on SIGINT), that code decides what the signal
 *   does; the build's `finally` or the 'exit' listener removes the paths.
 * The listeners go with the last path, leaving the process as it was.
 */
import { rmSync } from 'node:fs';

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
const paths = new Set<string>();
let installed = false;

/**
 * Registers `path` (a file or a folder) for removal if the process ends while
 * it is registered. Returns the function to call once the path is removed (or
 * kept on purpose).
 */
export function removeOnExit(path: string): () => void {
  paths.add(path);
  install();
  return () => {
    paths.delete(path);
    if (paths.size === 0) uninstall();
  };
}

function removeAll(): void {
  for (const path of paths) {
    try {
      rmSync(path, { recursive: true, force: true });
    } catch {
      // Nothing more can be done while the process ends.
    }
  }
  paths.clear();
}

function onExit(): void {
  removeAll();
}

function onSignal(signal: NodeJS.Signals): void {
  // Someone else handles this signal: the process is not ending because of it (yet).
  if (process.listenerCount(signal) > 1) return;
  removeAll();
  uninstall();
  process.kill(process.pid, signal);
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', onExit);
  for (const signal of SIGNALS) process.prependListener(signal, onSignal);
}

function uninstall(): void {
  if (!installed) return;
  installed = false;
  process.off('exit', onExit);
  for (const signal of SIGNALS) process.off(signal, onSignal);
}
