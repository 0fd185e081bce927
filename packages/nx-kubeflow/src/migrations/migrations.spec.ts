import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { compareVersions } from './testing/versions';

const PACKAGE_ROOT = join(__dirname, '..', '..');
const RUNTIME_ROOT = join(PACKAGE_ROOT, '..', 'component-runtime');
const manifest = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8'));

describe('migrations.json and the released version', () => {
  const migrations: Record<string, { version: string; description: string; implementation: string }> = JSON.parse(
    readFileSync(join(PACKAGE_ROOT, manifest['nx-migrations'].migrations), 'utf8'),
  ).generators;

  it('lists migrations nx migrate can reach: each at most the package version, each implementation a default export', () => {
    expect(Object.keys(migrations).length).toBeGreaterThan(0);
    for (const [name, entry] of Object.entries(migrations)) {
      // nx migrate runs one when its version is above the installed one and at most the target's
      expect({ name, reachable: compareVersions(entry.version, manifest.version) <= 0 }).toEqual({ name, reachable: true });
      expect(entry.implementation).toMatch(new RegExp(`^\\./src/migrations/update-${entry.version.replace(/\./g, '-')}/${name}$`));
      expect(typeof require(join(PACKAGE_ROOT, entry.implementation)).default).toBe('function');
    }
  });

  it('ships component-runtime at the plugin version, as pyproject.toml and the module say', () => {
    const pyproject = parseToml(readFileSync(join(RUNTIME_ROOT, 'pyproject.toml'), 'utf8')) as { project: { version: string } };
    const moduleVersion = /^__version__ = "([^"]+)"/m.exec(readFileSync(join(RUNTIME_ROOT, 'src/component_runtime/__init__.py'), 'utf8'))?.[1];
    expect({ pyproject: pyproject.project.version, module: moduleVersion }).toEqual({ pyproject: manifest.version, module: manifest.version });
  });

  it('orders versions as nx migrate does and refuses forms it cannot order', () => {
    expect(compareVersions('0.2.0', '0.10.0')).toBeLessThan(0);
    expect(compareVersions('1.0.0', '0.9.9')).toBeGreaterThan(0);
    expect(compareVersions('0.3.0', '0.3.0')).toBe(0);
    expect(() => compareVersions('0.3.0-rc.1', '0.3.0')).toThrow('not a release version');
  });
});
