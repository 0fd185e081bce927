import { spawnSync } from 'node:child_process';
import { insertAfter, keysOnlyIn, mergeTargets, shellWord } from './targets';

describe('migration 0.3.0 target helpers', () => {
  it('insertAfter places the key right after another, moving it from where it was, and replaces it in place when both are the same key', () => {
    const defaults = { build: { cache: true }, test: { cache: false }, 'nx-kubeflow:test': { inputs: ['default'] }, lint: {} };
    expect(Object.keys(insertAfter(defaults, 'nx-kubeflow:test', 'test', { dependsOn: ['venv'] }))).toEqual(['build', 'nx-kubeflow:test', 'test', 'lint']);
    const replaced = insertAfter(defaults, 'test', 'test', { dependsOn: ['venv'] });
    expect(Object.entries(replaced)).toEqual([
      ['build', { cache: true }],
      ['test', { dependsOn: ['venv'] }],
      ['nx-kubeflow:test', { inputs: ['default'] }],
      ['lint', {}],
    ]);
  });

  it('mergeTargets keeps the winner per key in options and in each configuration, and the existing key order when existing wins', () => {
    const existing = { cache: true, options: { python: '3.12', extras: 'dev' }, configurations: { ci: { python: '3.11' } } };
    const incoming = { cache: false, inputs: ['x'], options: { indexUrl: 'https://pypi.example', python: '3.13' }, configurations: { ci: { python: '3.10', extras: 'gpu' }, gpu: {} } };
    const kept = mergeTargets(existing, incoming, 'existing');
    expect(kept).toEqual({
      cache: true,
      inputs: ['x'],
      options: { python: '3.12', extras: 'dev', indexUrl: 'https://pypi.example' },
      configurations: { ci: { python: '3.11', extras: 'gpu' }, gpu: {} },
    });
    expect(Object.keys(kept.options!)).toEqual(['python', 'extras', 'indexUrl']);
    expect(mergeTargets(existing, incoming, 'incoming')).toEqual({
      cache: false,
      inputs: ['x'],
      options: { python: '3.13', extras: 'dev', indexUrl: 'https://pypi.example' },
      configurations: { ci: { python: '3.10', extras: 'gpu' }, gpu: {} },
    });
  });

  it('keysOnlyIn names top-level keys and options the other entry lacks, never executor, options or configurations themselves', () => {
    const byName = { executor: 'x', cache: true, inputs: [], options: { a: 1, b: 2 }, configurations: { ci: {} } };
    expect(keysOnlyIn(byName, { inputs: [], options: { a: 0 } })).toEqual(['cache', 'options.b']);
  });

  it('shellWord gives the shell back each word as it was, quotes, spaces, $ and empty ones too', () => {
    const words = ['-k', 'not slow', "it's", '$HOME', '', '--param=a=b,c', '*.py', 'a\\b', '\'"'];
    const result = spawnSync('sh', ['-c', `printf '%s\\0' ${words.map(shellWord).join(' ')}`], { encoding: 'utf8' });
    expect(result.stdout.split('\0').slice(0, -1)).toEqual(words);
    expect(['-k', '--param=a=b,c', 'tests/unit', 'user@host:1'].map(shellWord)).toEqual(['-k', '--param=a=b,c', 'tests/unit', 'user@host:1']);
  });
});
