import { DEFAULT_VENV_EXTRAS, venvOptionsFor } from './project-venv';

describe('venvOptionsFor', () => {
  it("takes the test target's venv options where the venv target sets none, so both targets make the same venv", () => {
    expect(venvOptionsFor({}, { python: 'python3.11', extras: ['test', 'dev'], indexUrl: 'https://mirror/simple', pytestArgs: ['-x'] })).toEqual({
      python: 'python3.11',
      extras: ['test', 'dev'],
      indexUrl: 'https://mirror/simple',
    });
  });

  it('prefers its own, and falls back to the defaults', () => {
    expect(venvOptionsFor({ extras: [] }, { extras: ['test', 'dev'] })).toEqual({ python: undefined, extras: [], indexUrl: undefined });
    expect(venvOptionsFor({}, undefined)).toEqual({ python: undefined, extras: DEFAULT_VENV_EXTRAS, indexUrl: undefined });
  });

  it("reads the inferred venv command's comma-separated extras as the command does", () => {
    expect(venvOptionsFor({}, { command: 'node python-cli.js venv t components/t', extras: 'test, gpu' })).toMatchObject({ extras: ['test', 'gpu'] });
  });
});
