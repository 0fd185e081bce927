import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WorkspaceCopy } from './workspace-copy';

/**
 * Issue 2's "done when", as a user would do it on a clean clone: generate a
 * component, test it, get a cache hit, and see what a change affects.
 */
describe('create a component and test it, affected-only', () => {
  let workspace: WorkspaceCopy;

  beforeAll(() => {
    workspace = new WorkspaceCopy();
  });
  afterAll(() => workspace?.remove());

  const lines = (text: string) => text.split('\n').filter(Boolean).sort();
  /** The affected components (pipelines that use them are affected too; their own spec checks that). */
  const affectedComponents = () => {
    const components = new Set(lines(workspace.nx('show', 'projects', '--projects=tag:kubeflow:component').stdout));
    return lines(workspace.nx('show', 'projects', '--affected', '--base=HEAD').stdout).filter((name) => components.has(name));
  };

  it('generates a component without naming the plugin', () => {
    const result = workspace.nx('g', 'component', 'foo', '--inputs', 'a:String', '--outputs', 'b:Dataset');
    expect(result.output).toContain('CREATE components/foo/component.yaml');
    expect(result.status).toBe(0);
    expect(existsSync(join(workspace.root, 'components/foo/tests/test_run.py'))).toBe(true);
  });

  it('writes nothing under --dry-run, and refuses a bad name with the reason', () => {
    const dryRun = workspace.nx('g', 'component', 'bar', '--dry-run');
    expect(dryRun.status).toBe(0);
    expect(dryRun.output).toContain('CREATE components/bar/component.yaml');
    expect(existsSync(join(workspace.root, 'components/bar'))).toBe(false);

    const qualified = workspace.nx('g', 'nx-kubeflow:component', 'bar', '--dry-run');
    expect(qualified.status).toBe(0);
    expect(qualified.output).toContain('CREATE components/bar/src/run.py');

    const refused = workspace.nx('g', 'component', 'Bar_Component');
    expect(refused.status).not.toBe(0);
    expect(refused.output).toContain('is not a valid component name: use a lowercase DNS-1123 label');
    expect(existsSync(join(workspace.root, 'components/Bar_Component'))).toBe(false);
  });

  it('lists the examples, component-runtime and the new component', () => {
    const projects = workspace.nx('show', 'projects').stdout.split('\n');
    expect(projects).toEqual(expect.arrayContaining(['foo', 'component-runtime', 'data-loader', 'trainer']));
  });

  it("passes the generated component's own test and writes a JUnit report", () => {
    const result = workspace.nx('run', 'foo:test', '--outputStyle=static');
    expect(result.output).toMatch(/2 passed/);
    expect(result.status).toBe(0);
    const junit = readFileSync(join(workspace.root, 'dist/test-results/foo/junit.xml'), 'utf8');
    expect(junit).toMatch(/<testsuite [^>]*name="foo"[^>]*failures="0"/);
  });

  it('prints resolved settings per environment, and names file, line and column of a TOML error', () => {
    const testing = workspace.nx('run', 'foo:settings', '--env', 'testing', '--output-file', 'dist/foo-settings.json');
    expect(testing.status).toBe(0);
    expect(JSON.parse(readFileSync(join(workspace.root, 'dist/foo-settings.json'), 'utf8'))).toEqual({ LOG_LEVEL: 'WARNING' });

    const development = workspace.nx('run', 'foo:settings', '--explain');
    expect(development.status).toBe(0);
    expect(development.stdout).toContain('"LOG_LEVEL": "DEBUG"');
    expect(development.stdout).toContain('<- components/foo/config/settings.toml [development]');

    const settingsFile = join(workspace.root, 'components/foo/config/settings.toml');
    const original = readFileSync(settingsFile, 'utf8');
    writeFileSync(settingsFile, `${original}\n[production\nlog_level = "ERROR"\n`);
    const broken = workspace.nx('run', 'foo:settings', '--env', 'production');
    writeFileSync(settingsFile, original);
    expect(broken.status).not.toBe(0);
    expect(broken.output).toMatch(/components\/foo\/config\/settings\.toml:\d+:\d+/);
  });

  it('takes the second run from the cache', () => {
    const result = workspace.nx('run', 'foo:test', '--outputStyle=static');
    expect(result.status).toBe(0);
    expect(result.output).toContain('[local cache]');
  });

  it('passes arguments after -- through to pytest', () => {
    const result = workspace.nx('run', 'foo:test', '--skip-nx-cache', '--outputStyle=static', '--', '-k', 'settings');
    expect(result.status).toBe(0);
    expect(result.output).toMatch(/1 passed, 1 deselected/);
  });

  it('makes one component affected by a change in it, and every component by a change in component-runtime', () => {
    workspace.git('add', '-A');
    workspace.git('-c', 'user.email=e2e@example.com', '-c', 'user.name=e2e', 'commit', '-qm', 'foo');

    appendFileSync(join(workspace.root, 'components/foo/src/lib/foo.py'), '\n# touched\n');
    // No pipeline uses foo, so nothing else at all is affected.
    expect(lines(workspace.nx('show', 'projects', '--affected', '--base=HEAD').stdout)).toEqual(['foo']);
    workspace.git('checkout', '--', '.');

    appendFileSync(join(workspace.root, 'packages/component-runtime/src/component_runtime/kfp_io.py'), '\n# touched\n');
    const components = workspace
      .nx('show', 'projects', '--projects=tag:kubeflow:component')
      .stdout.split('\n')
      .filter(Boolean)
      .sort();
    expect(components.length).toBeGreaterThanOrEqual(3);
    expect(affectedComponents()).toEqual(components);
    workspace.git('checkout', '--', '.');
  });

  it('fails a broken test with pytest output, and a failed install with pip\'s last lines', () => {
    appendFileSync(
      join(workspace.root, 'components/foo/tests/test_run.py'),
      '\n\ndef test_broken() -> None:\n    assert 1 == 2, "deliberately broken"\n',
    );
    const broken = workspace.nx('run', 'foo:test', '--outputStyle=static');
    expect(broken.status).not.toBe(0);
    expect(broken.output).toContain('deliberately broken');
    workspace.git('checkout', '--', '.');

    const pyproject = join(workspace.root, 'components/foo/pyproject.toml');
    const text = readFileSync(pyproject, 'utf8').replace('"dynaconf>=3.2,<4",', '"dynaconf>=3.2,<4",\n    "nx-kubeflow-no-such-package-x7",');
    writeFileSync(pyproject, text);
    const install = workspace.nx('run', 'foo:test', '--outputStyle=static');
    expect(install.status).not.toBe(0);
    expect(install.output).toContain('pip install failed for components/foo');
    expect(install.output).toContain('nx-kubeflow-no-such-package-x7');
    workspace.git('checkout', '--', '.');
  });
});
