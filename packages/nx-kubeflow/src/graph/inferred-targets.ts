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
export function settingsTarget(environments: readonly string[] = []): TargetConfiguration {
  return {
    executor: `${PLUGIN_NAME}:settings`,
    cache: false,
    options: {},
    ...environmentConfigurations(environments),
    metadata: {
      description: 'Print the resolved settings (--env, --pipeline, --explain, --output-file)',
      technologies: ['python'],
    },
  };
}

/**
 * Prints every component image docker-build recorded (name and reference
 * from dist/components/<name>/image.json). compile writes those references
 * into the IR, and dist/ is git-ignored, so Nx would not hash the files
 * themselves: a runtime input makes a new build a new compile hash. Only the
 * references are printed, so re-running a build that changed nothing keeps
 * the cache.
 */
export const BUILT_IMAGE_REFERENCES_COMMAND =
  'node -e "const fs=require(\'fs\'),d=\'dist/components\';if(fs.existsSync(d))for(const n of fs.readdirSync(d).sort())' +
  '{try{console.log(n,JSON.parse(fs.readFileSync(d+\'/\'+n+\'/image.json\',\'utf8\')).reference)}catch(e){}}"';

/**
 * pipeline.yaml + its components -> KFP IR. Inputs: the pipeline's own files
 * except settings.local.toml (git ignores it and compile never reads it) and
 * the production files of the components it uses (their component.yaml,
 * pyproject.toml, settings). The environment is an option, development unless
 * -c/--env names another, so every run declares the one file it writes and a
 * cache hit restores it (ENV_FOR_DYNACONF, which Nx cannot put in a path,
 * does not choose it here).
 */
/** The environment `nx run <p>:compile` compiles for when -c/--env names none (dynaconf's default). */
export const DEFAULT_COMPILE_ENV = 'development';

export function compileTarget(projectName: string, environments: readonly string[] = []): TargetConfiguration {
  return {
    executor: `${PLUGIN_NAME}:compile`,
    cache: true,
    inputs: [
      'default',
      '!{projectRoot}/config/settings.local.toml',
      '^production',
      { runtime: BUILT_IMAGE_REFERENCES_COMMAND },
    ],
    // The IR file, not a folder: deploy's GitOps output lives under dist/pipelines/<project>, and a
    // folder output would archive that into compile's cache and delete it on every cache restore.
    // One file per environment (compile-pipeline-project.ts, pipelineOutputFile), named by the env option.
    outputs: [`{workspaceRoot}/dist/pipelines/${projectName}/{options.env}/pipeline.yaml`, `{options.outputPath}/pipeline.yaml`],
    options: { env: DEFAULT_COMPILE_ENV },
    ...environmentConfigurations(environments),
    metadata: {
      description: 'Check pipeline.yaml and compile it to KFP v2 IR (--env selects [<env>.parameters])',
      technologies: ['kubeflow'],
    },
  };
}

/**
 * Build the component's image from a staged context. Not cached by Nx: its
 * result lives in the container engine and the registry, which Nx cannot
 * restore; the executor skips the build itself when an image of the same
 * content hash exists, and writes dist/components/<name>/image.json.
 */
export function dockerBuildTarget(environments: readonly string[]): TargetConfiguration {
  return {
    executor: `${PLUGIN_NAME}:docker-build`,
    cache: false,
    options: {},
    ...environmentConfigurations(environments),
    metadata: {
      description: 'Build the component image (content-hash tag, OCI labels; --push, --engine, --tag, --force)',
      technologies: ['docker'],
    },
  };
}

/**
 * Publish (and, as the environment's settings say, run) the pipeline. Never
 * cached: it changes the world, and it reads settings.local.toml. Outside the
 * local backend it builds its components' images first, itself (see
 * src/deploy/pipeline-images.ts for why not through dependsOn).
 */
export function deployTarget(environments: readonly string[] = []): TargetConfiguration {
  return {
    executor: `${PLUGIN_NAME}:deploy`,
    cache: false,
    options: {},
    ...environmentConfigurations(environments),
    metadata: {
      description: 'Compile and publish to the environment\'s backend; --run/--wait or deploy.run/deploy.wait also run it',
      technologies: ['kubeflow'],
    },
  };
}

/** deploy --run --wait. */
export function runTarget(environments: readonly string[] = []): TargetConfiguration {
  return {
    executor: `${PLUGIN_NAME}:run`,
    cache: false,
    options: {},
    ...environmentConfigurations(environments),
    metadata: {
      description: 'Compile, publish, run and follow the pipeline (local backend: dist/runs/<pipeline>/<run-id>)',
      technologies: ['kubeflow'],
    },
  };
}

/**
 * One configuration per settings environment of the workspace (see
 * createNodesV2), so `-c production` means `--env production` on every
 * target that takes an environment; `--env` works as well.
 */
function environmentConfigurations(environments: readonly string[]): Pick<TargetConfiguration, 'configurations'> {
  if (environments.length === 0) return {};
  return { configurations: Object.fromEntries(environments.map((env) => [env, { env }])) };
}
