/**
 * What never goes into an image build context, at any depth: settings and
 * credentials that stay on the machine (settings.local.toml, .secrets.*,
 * .env and .env.*, .netrc, .pypirc), environments, caches and VCS data
 * (.git); build/ and dist/ only at the top of a staged project, where
 * setuptools and tools write them (a source package may be named `build`).
 *
 * `.env.example`, `.env.sample` and `.env.template` are staged: they are the
 * committed templates of a .env (the usual .gitignore says `.env*` then
 * `!.env.example`), hold placeholders by convention, and are already public
 * in the repository. Every other `.env.*` (`.env.local`, `.env.production`)
 * is treated as holding real values.
 *
 * A component's .dockerignore (see dockerignore.ts) can leave out more, never
 * bring any of these back.
 */

const EXCLUDED_NAMES_ANY_DEPTH = new Set([
  'settings.local.toml',
  '.env',
  '.netrc',
  '_netrc',
  '.pypirc',
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

/** Committed templates of a .env, which are staged. */
const ENV_TEMPLATES = new Set(['.env.example', '.env.sample', '.env.template']);

const EXCLUDED_NAMES_AT_TOP = new Set(['build', 'dist']);

/**
 * @param relativePath path inside the project being staged, `/`-separated
 */
export function isExcludedFromContext(relativePath: string): boolean {
  const segments = relativePath.split('/');
  const name = segments[segments.length - 1];
  if (EXCLUDED_NAMES_ANY_DEPTH.has(name)) return true;
  if (name.startsWith('.secrets.') || name === '.secrets') return true;
  if (name.startsWith('.env.') && !ENV_TEMPLATES.has(name)) return true;
  if (name.endsWith('.egg-info') || name.endsWith('.pyc') || name.endsWith('.pyo')) return true;
  if (segments.length === 1 && EXCLUDED_NAMES_AT_TOP.has(name)) return true;
  return false;
}
