import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { contentHash } from './content-hash';
import { stageContext } from './staging/stage-context';

describe('contentHash', () => {
  let workspace: string;
  const write = (file: string, text: string) => {
    mkdirSync(dirname(join(workspace, file)), { recursive: true });
    writeFileSync(join(workspace, file), text);
  };
  const hashNow = (buildArgs: Record<string, string> = { BASE_IMAGE: 'python:3.11-slim' }, dockerfile = 'FROM x\n') => {
    const staged = stageContext({ workspaceRoot: workspace, projectRoot: 'c', contextDir: join(workspace, 'dist/ctx') });
    return contentHash({ files: staged.files, dockerfile, buildArgs });
  };

  beforeEach(() => {
    workspace = mkdtempSync(join(tmpdir(), 'nx-kubeflow-hash-'));
    write('c/pyproject.toml', '[project]\nname = "c"\n');
    write('c/src/run.py', 'print("a")\n');
  });
  afterEach(() => rmSync(workspace, { recursive: true, force: true }));

  it('is stable across stagings and ignores excluded files', () => {
    const first = hashNow();
    write('c/config/settings.local.toml', 'x = 1\n');
    write('c/.secrets.toml', 'x = 1\n');
    write('c/src/__pycache__/run.pyc', 'junk');
    expect(hashNow()).toBe(first);
    expect(first).toMatch(/^[0-9a-f]{64}$/);
  });

  it('changes with one source byte, a renamed file, the execute bit, the Dockerfile, or a build arg', () => {
    const first = hashNow();
    write('c/src/run.py', 'print("b")\n');
    const edited = hashNow();
    expect(edited).not.toBe(first);
    write('c/src/run.py', 'print("a")\n');
    expect(hashNow()).toBe(first);

    rmSync(join(workspace, 'c/src/run.py'));
    write('c/src/main.py', 'print("a")\n');
    expect(hashNow()).not.toBe(first);
    rmSync(join(workspace, 'c/src/main.py'));
    write('c/src/run.py', 'print("a")\n');

    chmodSync(join(workspace, 'c/src/run.py'), 0o755);
    expect(hashNow()).not.toBe(first);
    chmodSync(join(workspace, 'c/src/run.py'), 0o644);

    expect(hashNow(undefined, 'FROM y\n')).not.toBe(first);
    expect(hashNow({ BASE_IMAGE: 'python:3.12-slim' })).not.toBe(first);
    expect(hashNow({ BASE_IMAGE: 'python:3.11-slim', EXTRA: '1' })).not.toBe(first);
    expect(hashNow()).toBe(first);
  });

  it('does not depend on the order build args are given in', () => {
    expect(hashNow({ A: '1', B: '2' })).toBe(hashNow({ B: '2', A: '1' }));
  });
});
