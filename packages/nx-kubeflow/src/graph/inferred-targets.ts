import type { TargetConfiguration } from '@nx/devkit';

export const PLUGIN_NAME = 'nx-kubeflow';

/**
 * pytest in the project's venv. Inputs: the project's own files and the
 * production files of what it depends on (component-runtime), plus the
 * environment that picks the interpreter or the index. Files git ignores
 * (.venv, settings.local.toml, .secrets.*) never enter the hash.
 */
export function testTarget(projectName: string): TargetConfiguration {
  return {
    executor: `${PLUGIN_NAME}:test`,
    cache: true,
    inputs: [
      'default',
      '^production',
      { env: 'PYTHON' },
      { env: 'PIP_INDEX_URL' },
      { env: 'PIP_EXTRA_INDEX_URL' },
    ],
    outputs: [`{workspaceRoot}/dist/test-results/${projectName}`],
    options: {},
    metadata: {
      description: 'Run pytest in the project venv (ENV_FOR_DYNACONF=testing)',
      technologies: ['python'],
    },
  };
}

/**
 * Resolved settings as JSON. Not cached: it prints, and its answer depends on
 * settings.local.toml and DYNACONF_* variables that must stay out of the cache.
 */
export function settingsTarget(): TargetConfiguration {
  return {
    executor: `${PLUGIN_NAME}:settings`,
    cache: false,
    options: {},
    metadata: {
      description: 'Print the resolved settings (--env, --pipeline, --explain, --output-file)',
      technologies: ['python'],
    },
  };
}

/**
 * pipeline.yaml + its components -> KFP IR. Inputs: the pipeline's own files
 * except settings.local.toml (git ignores it and compile never reads it), the
 * production files of the components it uses (their component.yaml,
 * pyproject.toml, settings), and ENV_FOR_DYNACONF, which picks the
 * [<env>.parameters] when --env is not given.
 */
export function compileTarget(projectName: string): TargetConfiguration {
  return {
    executor: `${PLUGIN_NAME}:compile`,
    cache: true,
    inputs: ['default', '!{projectRoot}/config/settings.local.toml', '^production', { env: 'ENV_FOR_DYNACONF' }],
    outputs: [`{workspaceRoot}/dist/pipelines/${projectName}`],
    options: {},
    metadata: {
      description: 'Check pipeline.yaml and compile it to KFP v2 IR (--env selects [<env>.parameters])',
      technologies: ['kubeflow'],
    },
  };
}

/**
 * Publish (and, as the environment's settings say, run) the pipeline. Never
 * cached: it changes the world, and it reads settings.local.toml.
 */
export function deployTarget(): TargetConfiguration {
  return {
    executor: `${PLUGIN_NAME}:deploy`,
    cache: false,
    options: {},
    metadata: {
      description: 'Compile and publish to the environment\'s backend; --run/--wait or deploy.run/deploy.wait also run it',
      technologies: ['kubeflow'],
    },
  };
}

/** deploy --run --wait. */
export function runTarget(): TargetConfiguration {
  return {
    executor: `${PLUGIN_NAME}:run`,
    cache: false,
    options: {},
    metadata: {
      description: 'Compile, publish, run and follow the pipeline (local backend: dist/runs/<pipeline>/<run-id>)',
      technologies: ['kubeflow'],
    },
  };
}
