/**
 * Whether a child's output may carry colour codes, and the environment that
 * tells the child so.
 *
 * Nx sets FORCE_COLOR=true for every task it runs when the user set none, so
 * a child that honours FORCE_COLOR (pytest, pip, most CLIs) colours its output
 * even into a pipe: CI logs, Nx's cached terminal output and the files we
 * write got escape codes. The rule here:
 * - NO_COLOR (set to anything) wins: no colour. (FORCE_COLOR=0 given to nx
 *   becomes NO_COLOR=1 in nx itself.)
 * - FORCE_COLOR set by the user is respected: a value other than 0/false
 *   asks for colour. Under Nx, FORCE_COLOR=true is taken as Nx's own default,
 *   not the user's: Nx writes exactly that value when the user set none (a
 *   user who wants colour in a log writes FORCE_COLOR=1, as Node and
 *   supports-color document).
 * - Otherwise colour only when this process's stdout is a terminal. Under Nx
 *   it is one (a pseudo terminal) only when nx itself writes to a terminal.
 * Output written to a file (a task's log.txt) never gets colour: withoutColour.
 */

/** Variables that force colour on whatever the output is (Node/supports-color, CLICOLOR, pytest's, CPython 3.13's). */
export const COLOUR_FORCING_VARIABLES = ['FORCE_COLOR', 'CLICOLOR_FORCE', 'PY_COLORS', 'PYTHON_COLORS'];

export function colourWanted(environ: NodeJS.ProcessEnv = process.env, stdoutIsTerminal: boolean = process.stdout.isTTY === true): boolean {
  if (environ['NO_COLOR'] !== undefined && environ['NO_COLOR'] !== '') return false;
  const forced = environ['FORCE_COLOR'];
  const setByNx = forced === 'true' && environ['NX_TASK_TARGET_PROJECT'] !== undefined;
  if (forced !== undefined && !setByNx) return !['0', 'false'].includes(forced.trim().toLowerCase());
  return stdoutIsTerminal;
}

/** `environ` for a child whose output is shown where colour is (or is not) wanted; the child's stdout is our pipe, so colour must be asked for explicitly. */
export function withColour(environ: NodeJS.ProcessEnv, colour: boolean): NodeJS.ProcessEnv {
  if (!colour) return withoutColour(environ);
  const env = { ...environ };
  delete env['NO_COLOR'];
  if (env['FORCE_COLOR'] === undefined || ['0', 'false'].includes(env['FORCE_COLOR'].trim().toLowerCase())) env['FORCE_COLOR'] = '1';
  return env;
}

/** `environ` for a child whose output goes to a file or is read by us: nothing forces colour, and NO_COLOR asks for none. */
export function withoutColour(environ: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env = { ...environ };
  for (const name of COLOUR_FORCING_VARIABLES) delete env[name];
  env['NO_COLOR'] = '1';
  return env;
}
