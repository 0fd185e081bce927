import { findPythonInterpreter, PythonNotFoundError } from './interpreter';

describe('findPythonInterpreter', () => {
  it('uses python3 from PATH when nothing else is set', async () => {
    const python = await findPythonInterpreter(undefined, { PATH: process.env.PATH });
    expect(python.command).toBe('python3');
    expect(python.version).toMatch(/^3\.\d+\.\d+$/);
    expect(python.executable).toMatch(/python/);
  });

  it('prefers the option over $PYTHON, and $PYTHON over python3', async () => {
    await expect(findPythonInterpreter('/no/such/python', { PATH: process.env.PATH, PYTHON: 'python3' })).rejects.toThrow(
      '"/no/such/python" (from the executor option "python") could not be run',
    );
    await expect(findPythonInterpreter(undefined, { PATH: process.env.PATH, PYTHON: 'python-missing-3.99' })).rejects.toThrow(
      /"python-missing-3.99" \(from the PYTHON environment variable\) could not be run.*Install Python 3\.10\+/,
    );
  });

  it('says which interpreter failed to start and shows its output', async () => {
    // `false` runs but exits non-zero: a broken interpreter, not a missing one.
    const error = await findPythonInterpreter('false', { PATH: process.env.PATH }).catch((e) => e);
    expect(error).toBeInstanceOf(PythonNotFoundError);
    expect(error.message).toContain('"false" (from the executor option "python") failed to start');
  });
});
