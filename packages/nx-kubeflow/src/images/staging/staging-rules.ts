/**
 * What never goes into an image build context. Settings that stay on the
 * machine (settings.local.toml, .secrets.*), environments and caches, at any
 * depth; build/ and dist/ only at the top of a staged project, where
 * setuptools and tools write them (a source package may be named `build`).
 */

const EXCLUDED_NAMES_ANY_DEPTH = new Set([
  'settings.local.toml',
  '.venv',
  'venv',
  '__pycache__',
  '.pytest_cache',
  '.mypy_cache',
  '.ruff_cache',
  '.git',
  'node_modules',
  '.nx',
]);

const EXCLUDED_NAMES_AT_TOP = new Set(['build', 'dist']);

/**
 * @param relativePath path inside the project being staged, `/`-separated
 */
export function isExcludedFromContext(relativePath: string): boolean {
  const segments = relativePath.split('/');
  const name = segments[segments.length - 1];
  if (EXCLUDED_NAMES_ANY_DEPTH.has(name)) return true;
  if (name.startsWith('.secrets.') || name === '.secrets') return true;
  if (name.endsWith('.egg-info') || name.endsWith('.pyc') || name.endsWith('.pyo')) return true;
  if (segments.length === 1 && EXCLUDED_NAMES_AT_TOP.has(name)) return true;
  return false;
}
