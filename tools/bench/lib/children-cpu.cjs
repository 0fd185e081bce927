// CPU seconds (user + system) of the child processes this process has waited for, and of
// theirs: Linux's cutime + cstime in /proc/self/stat. Shared by the chain runner
// (run-component-chain.cjs) and timing.mjs's loop, which has no hyperfine to ask.
const { execFileSync } = require('node:child_process');
const { readFileSync } = require('node:fs');

let ticks;

/** Seconds, in clock ticks (usually 1/100 s: a sum over many runs is finer than one reading); NaN without /proc. */
function childrenCpuSeconds() {
  try {
    ticks ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
    return (Number(fields[13]) + Number(fields[14])) / ticks; // fields 16 and 17 of proc(5)
  } catch {
    return Number.NaN;
  }
}

module.exports = { childrenCpuSeconds };
