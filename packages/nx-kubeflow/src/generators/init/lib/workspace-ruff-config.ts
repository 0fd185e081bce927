import type { Tree } from '@nx/devkit';

/** Where ruff looks for a workspace-wide configuration, in its own order of precedence. */
const RUFF_CONFIG_FILES = ['.ruff.toml', 'ruff.toml'];

/**
 * The workspace's ruff.toml, which every Python project's lint target runs
 * with: the style the generated components are written in (120 columns,
 * component_runtime third-party whether its source is in the workspace or it
 * comes from an index). Without it ruff's defaults (88 columns) would fail a
 * component as generated. A team's own ruff configuration is left alone.
 */
export function addWorkspaceRuffConfig(tree: Tree, componentsDir: string): 'written' | 'kept' {
  if (RUFF_CONFIG_FILES.some((file) => tree.exists(file)) || /^\[tool\.ruff[\].]/m.test(tree.read('pyproject.toml', 'utf-8') ?? '')) {
    return 'kept';
  }
  tree.write('ruff.toml', ruffConfig(componentsDir));
  return 'written';
}

export function ruffConfig(componentsDir: string): string {
  return `# ruff's settings for every Python project of this workspace: each project's
# lint target (nx-kubeflow:lint) runs \`ruff check\` and \`ruff format --check\`
# with them. Written by nx-kubeflow's init in the style its generated
# components are written in; everything else is ruff's default.
line-length = 120
# Components and packages declare requires-python >= 3.10.
target-version = "py310"
# Where first-party modules live, for the import order: each component's src/
# (run.py imports lib) and tests/.
src = ["${componentsDir}/*/src", "${componentsDir}/*/tests"]

[lint]
ignore = [
  # A component's failure line says why in its message as well as in its exception field
  # (\`logger.exception("%s failed: %s", name, error)\`), for log views that show only messages.
  "TRY401",
  # A setting or parameter of the wrong type is a bad value the user gave: ValueError, like any other.
  "TRY004",
]

[lint.isort]
# component_runtime is a dependency of every component, whether its source is in
# the workspace or it is installed from an index: one import order either way.
known-third-party = ["component_runtime"]
`;
}
