import { pytestArgsFromOverrides } from './pytest-args';

describe('pytestArgsFromOverrides', () => {
  const known = ['python', 'extras', 'pytestArgs'];

  it('rebuilds short options with values, repeated flags and positionals', () => {
    expect(
      pytestArgsFromOverrides({ k: 'smoke and not slow', v: [true, true], x: true, _: ['tests/test_run.py::test_a'] }, known),
    ).toEqual(['-k', 'smoke and not slow', '-v', '-v', '-x', 'tests/test_run.py::test_a']);
  });

  it('rebuilds long options, negated flags and numbers', () => {
    expect(pytestArgsFromOverrides({ 'log-cli-level': 'INFO', header: false, maxfail: 1 }, known)).toEqual([
      '--log-cli-level=INFO',
      '--no-header',
      '--maxfail=1',
    ]);
  });

  it("leaves the executor's own options and Nx internals alone", () => {
    expect(
      pytestArgsFromOverrides({ python: 'python3.12', extras: ['test'], __overrides_unparsed__: ['-k', 'x'] }, known),
    ).toEqual([]);
  });
});
