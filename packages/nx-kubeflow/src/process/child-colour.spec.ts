import { spawnSync } from 'node:child_process';
import { colourWanted, withColour, withoutColour } from './child-colour';

describe('colourWanted', () => {
  const underNx = { NX_TASK_TARGET_PROJECT: 'trainer' };

  it('is no under Nx without a terminal, though Nx set FORCE_COLOR=true (a CI log, a pipe)', () => {
    expect(colourWanted({ ...underNx, FORCE_COLOR: 'true' }, false)).toBe(false);
  });

  it('is yes on a terminal', () => {
    expect(colourWanted({ ...underNx, FORCE_COLOR: 'true' }, true)).toBe(true);
    expect(colourWanted({}, true)).toBe(true);
  });

  it('NO_COLOR wins over a terminal and over FORCE_COLOR', () => {
    expect(colourWanted({ NO_COLOR: '1' }, true)).toBe(false);
    expect(colourWanted({ ...underNx, NO_COLOR: '1', FORCE_COLOR: '1' }, true)).toBe(false);
  });

  it("respects the user's own FORCE_COLOR: 1, 2, 3 (or true outside Nx) ask for colour, 0 and false for none", () => {
    for (const value of ['1', '2', '3']) expect(colourWanted({ ...underNx, FORCE_COLOR: value }, false)).toBe(true);
    expect(colourWanted({ FORCE_COLOR: 'true' }, false)).toBe(true);
    for (const value of ['0', 'false']) expect(colourWanted({ FORCE_COLOR: value }, true)).toBe(false);
  });
});

describe('the environment a child gets', () => {
  /** What a real FORCE_COLOR/NO_COLOR reader does with it: pip's rich, printing into a pipe. */
  const richPrints = (env: NodeJS.ProcessEnv) =>
    spawnSync('python3', ['-c', 'from pip._vendor.rich.console import Console; Console().print("[bold red]error[/]: x")'], { env, encoding: 'utf8' });

  it('without colour: no variable forces it, NO_COLOR asks for none, and rich prints plain text into a pipe', () => {
    const env = withoutColour({ PATH: process.env.PATH, FORCE_COLOR: 'true', CLICOLOR_FORCE: '1', PY_COLORS: '1', PYTHON_COLORS: '1', NX_TASK_TARGET_PROJECT: 'trainer' });
    expect(env).toEqual({ PATH: process.env.PATH, NO_COLOR: '1', NX_TASK_TARGET_PROJECT: 'trainer' });
    const result = richPrints(env);
    expect(result.status).toBe(0);
    expect(result.stdout).toBe('error: x\n');
    // and what it does with Nx's FORCE_COLOR=true left in (the bug): codes into the pipe
    expect(richPrints({ PATH: process.env.PATH, FORCE_COLOR: 'true' }).stdout).toContain('\u001b[');
  });

  it('with colour: FORCE_COLOR asks for it through our pipe, keeping the value the user chose', () => {
    expect(withColour({ NO_COLOR: '' }, true)).toEqual({ FORCE_COLOR: '1' });
    expect(withColour({ FORCE_COLOR: '3' }, true)).toEqual({ FORCE_COLOR: '3' });
    expect(withColour({ FORCE_COLOR: 'true', A: 'b' }, false)).toEqual({ NO_COLOR: '1', A: 'b' });
  });
});
