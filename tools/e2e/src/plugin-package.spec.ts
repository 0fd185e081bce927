import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WorkspaceCopy } from './workspace-copy';

/** The plugin as it would be published: built with tsc, manifests pointing at real files. */
describe('the nx-kubeflow package', () => {
  let workspace: WorkspaceCopy;

  beforeAll(() => {
    workspace = new WorkspaceCopy();
  });
  afterAll(() => workspace?.remove());

  it('builds with tsc into a publishable layout whose manifests resolve', () => {
    const result = workspace.nx('run', 'nx-kubeflow:build', '--outputStyle=static');
    expect(result.status).toBe(0);

    const dist = join(workspace.root, 'dist/packages/nx-kubeflow');
    const manifest = JSON.parse(readFileSync(join(dist, 'package.json'), 'utf8'));
    expect(existsSync(join(dist, manifest.main))).toBe(true);
    expect(existsSync(join(dist, 'README.md'))).toBe(true);

    // Loaded by plain node, as Nx would load the published package.
    const exported = execFileSync(
      process.execPath,
      ['-e', `const p = require(${JSON.stringify(join(dist, manifest.main))}); console.log(JSON.stringify({ glob: p.createNodesV2[0], deps: typeof p.createDependencies }))`],
      { encoding: 'utf8' },
    );
    expect(JSON.parse(exported)).toEqual({ glob: expect.stringContaining('component.yaml'), deps: 'function' });

    const generators = JSON.parse(readFileSync(join(dist, manifest.generators), 'utf8')).generators;
    const executors = JSON.parse(readFileSync(join(dist, manifest.executors), 'utf8')).executors;
    for (const entry of [...Object.values<any>(generators).map((g) => g.factory), ...Object.values<any>(executors).map((e) => e.implementation)]) {
      expect(existsSync(join(dist, `${entry}.js`))).toBe(true);
    }
    for (const entry of [...Object.values<any>(generators), ...Object.values<any>(executors)]) {
      expect(existsSync(join(dist, entry.schema))).toBe(true);
    }
    expect(existsSync(join(dist, 'src/generators/component/files/src/run.py__tmpl__'))).toBe(true);
  });
});
