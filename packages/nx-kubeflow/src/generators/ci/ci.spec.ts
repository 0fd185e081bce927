import { logger, readNxJson, updateNxJson, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FsTree, flushChanges } from 'nx/src/generators/tree';
import { parse as parseYaml } from 'yaml';
import { settingsEnvironments } from '../../graph/settings-environments';
import { ciGenerator } from './ci.impl';
import { declaredEnvironments, registryHost } from './lib/deploy-environments';
import { ownershipOf, withOwnershipMarker } from './lib/generated-files';
import { ruleTargets } from './lib/makefile-plan';
import { parse as parseToml } from 'smol-toml';

type Dict = Record<string, any>;

const PRODUCTION_ON_GHCR = `[default]
kfp.host = "local"
image.registry = ""

[development]
deploy.run = true

[production]
kfp = { dynaconf_merge = true, host = "https://kubeflow.example.com/pipeline", namespace = "ml" }
image = { dynaconf_merge = true, registry = "ghcr.io/acme/ml" }
`;

const STAGING_ELSEWHERE = `${PRODUCTION_ON_GHCR}
[staging]
kfp.host = "https://staging.example.com/pipeline"
image.registry = "registry.example.com:5000/ml"

[testing]
x = 1
`;

function addPipeline(tree: Tree, name: string, settings: string | null, root = 'pipelines'): void {
  tree.write(`${root}/${name}/pipeline.yaml`, `name: ${name}\ntasks: {}\n`);
  if (settings !== null) tree.write(`${root}/${name}/config/settings.toml`, settings);
}

function workspace(): Tree {
  const tree = createTreeWithEmptyWorkspace();
  tree.write('package-lock.json', '{"lockfileVersion": 3}\n');
  return tree;
}

function yamlOf(tree: Tree, path: string): Dict {
  return parseYaml(tree.read(path, 'utf-8')!) as Dict;
}

function quietly<T>(run: () => Promise<T>): Promise<{ result: T; info: string; warn: string }> {
  const info = jest.spyOn(logger, 'info').mockImplementation(() => undefined);
  const warn = jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
  return run()
    .then((result) => {
      const texts = { info: info.mock.calls.map((call) => String(call[0])).join('\n'), warn: warn.mock.calls.map((call) => String(call[0])).join('\n') };
      return { result, ...texts };
    })
    .finally(() => {
      info.mockRestore();
      warn.mockRestore();
    });
}

async function nextStepsOf(tree: Tree, schema: Parameters<typeof ciGenerator>[1]): Promise<string> {
  const info = jest.spyOn(logger, 'info').mockImplementation(() => undefined);
  try {
    const callback = await ciGenerator(tree, schema);
    expect(info).not.toHaveBeenCalled();
    await callback();
    return info.mock.calls.map((call) => String(call[0])).join('\n');
  } finally {
    info.mockRestore();
  }
}

describe('ci generator: GitHub Actions', () => {
  it("writes Nx's workflow extended: full history, nx-set-shas, the setup action, affected lint and test, the reports uploaded", async () => {
    const tree = workspace();
    addPipeline(tree, 'training', PRODUCTION_ON_GHCR);
    await nextStepsOf(tree, { provider: 'github' });

    const workflow = yamlOf(tree, '.github/workflows/ci.yml');
    expect(workflow.name).toBe('CI');
    expect(workflow.on).toEqual({ push: { branches: ['main'] }, pull_request: null });
    const steps: Dict[] = workflow.jobs.main.steps;
    expect(steps[0]).toEqual({ uses: 'actions/checkout@v6', with: { filter: 'tree:0', 'fetch-depth': 0 } });
    expect(steps.map((step) => step.uses ?? step.run)).toEqual([
      'actions/checkout@v6',
      './.github/actions/setup-workspace',
      'nrwl/nx-set-shas@v5',
      'npx nx sync:check',
      'npx nx affected -t lint test',
      'actions/upload-artifact@v7',
    ]);
    expect(steps[5]).toMatchObject({ if: '${{ !cancelled() }}', with: { path: 'dist/test-results/' } });

    const action = yamlOf(tree, '.github/actions/setup-workspace/action.yml');
    const actionSteps: Dict[] = action.runs.steps;
    expect(actionSteps.find((step) => step.uses === 'actions/setup-node@v6')?.with).toEqual({ 'node-version': '22', cache: 'npm', 'cache-dependency-path': 'package-lock.json' });
    expect(actionSteps.find((step) => step.uses === 'actions/setup-python@v6')?.with).toEqual({ 'python-version': '3.11' });
    const cache = actionSteps.find((step) => step.uses === 'actions/cache@v5')!.with;
    expect(cache.path.trim().split('\n')).toEqual(['~/.cache/pip', 'components/**/.venv', 'packages/*/.venv']);
    expect(cache.key).toBe("python-${{ runner.os }}-${{ steps.python.outputs.python-version }}-${{ hashFiles('components/**/pyproject.toml', 'packages/*/pyproject.toml') }}");
    expect(actionSteps.at(-1)).toEqual({ run: 'npm ci', shell: 'bash' });
  });

  it('deploys on pushes to the main branch, one job per environment the pipelines declare, never development or testing', async () => {
    const tree = workspace();
    addPipeline(tree, 'training', STAGING_ELSEWHERE);
    addPipeline(tree, 'scoring', PRODUCTION_ON_GHCR);
    await nextStepsOf(tree, { provider: 'github' });

    const jobs = yamlOf(tree, '.github/workflows/ci.yml').jobs;
    expect(Object.keys(jobs)).toEqual(['main', 'deploy-production', 'deploy-staging']);
    for (const env of ['production', 'staging']) {
      const job = jobs[`deploy-${env}`];
      expect(job).toMatchObject({
        needs: 'main',
        if: "github.event_name == 'push' && github.ref == 'refs/heads/main'",
        environment: env,
        concurrency: { group: `deploy-${env}`, 'cancel-in-progress': false },
      });
      expect(job.steps.at(-1)).toEqual({ run: `npx nx affected -t deploy -c ${env}`, env: { KF_PIPELINES_TOKEN: '${{ secrets.KF_PIPELINES_TOKEN }}' } });
    }
    // ghcr.io takes the job's own token (and may write packages); another registry the environment's secrets
    expect(jobs['deploy-production'].permissions).toEqual({ actions: 'read', contents: 'read', packages: 'write' });
    expect(jobs['deploy-production'].steps.find((step: Dict) => step.uses === 'docker/login-action@v4').with).toEqual({
      registry: 'ghcr.io',
      username: '${{ github.actor }}',
      password: '${{ secrets.GITHUB_TOKEN }}',
    });
    expect(jobs['deploy-staging'].permissions).toEqual({ actions: 'read', contents: 'read' });
    expect(jobs['deploy-staging'].steps.find((step: Dict) => step.uses === 'docker/login-action@v4').with).toEqual({
      registry: 'registry.example.com:5000',
      username: '${{ secrets.REGISTRY_USERNAME }}',
      password: '${{ secrets.REGISTRY_PASSWORD }}',
    });
  });

  it('never puts a secret on a command line: secrets only reach with: inputs and env:', async () => {
    const tree = workspace();
    addPipeline(tree, 'training', STAGING_ELSEWHERE);
    await nextStepsOf(tree, { provider: 'github' });
    const text = tree.read('.github/workflows/ci.yml', 'utf-8')!;
    const secretLines = text.split('\n').filter((line) => line.includes('secrets.'));
    // production: GITHUB_TOKEN and the KFP token; staging: the registry pair and the KFP token
    expect(secretLines.length).toBe(5);
    for (const line of secretLines) expect(line).toMatch(/^\s+(username|password|KF_PIPELINES_TOKEN): \$\{\{ secrets\.[A-Z_]+ \}\}$/);
    for (const job of Object.values(yamlOf(tree, '.github/workflows/ci.yml').jobs) as Dict[]) {
      for (const step of job.steps) expect(String(step.run ?? '')).not.toMatch(/secrets|TOKEN|PASSWORD|echo/);
    }
  });

  it('prints where to set each secret, and what is still missing, once the files are written', async () => {
    const tree = workspace();
    addPipeline(tree, 'training', STAGING_ELSEWHERE);
    addPipeline(tree, 'scoring', `[default]\nkfp.host = "local"\n[production]\nx = 1\n`);
    const text = await nextStepsOf(tree, { provider: 'github' });
    expect(text).toContain('CI for GitHub Actions: .github/actions/setup-workspace/action.yml, .github/workflows/ci.yml, Makefile.');
    expect(text).toContain('production: pushes to main run npx nx affected -t deploy -c production; set KF_PIPELINES_TOKEN in GitHub: Settings > Environments > production > Environment secrets');
    expect(text).toContain('ghcr.io: logged in with the job\'s own token, nothing to set');
    expect(text).toContain('set KF_PIPELINES_TOKEN, REGISTRY_USERNAME, REGISTRY_PASSWORD in GitHub: Settings > Environments > staging');
    expect(text).toContain('kfp.host is still "local" for production in pipelines/scoring');
    expect(text).toContain('no [staging] in pipelines/scoring: deploy refuses a pipeline without it');
    expect(text).not.toMatch(/undefined|\[object/);
  });

  it('has no deploy job where the pipelines declare only development and testing, and says so', async () => {
    const tree = workspace();
    addPipeline(tree, 'training', `[default]\nkfp.host = "local"\n[development]\ndeploy.run = true\n[testing]\nx = 1\n`);
    const text = await nextStepsOf(tree, { provider: 'github' });
    expect(Object.keys(yamlOf(tree, '.github/workflows/ci.yml').jobs)).toEqual(['main']);
    expect(text).toContain('no deploy job: the pipelines declare no environment besides development and testing');
  });

  it('deploys production before any pipeline exists (what nx g pipeline declares), with no registry login until one is set', async () => {
    const tree = workspace();
    const text = await nextStepsOf(tree, { provider: 'github' });
    const job = yamlOf(tree, '.github/workflows/ci.yml').jobs['deploy-production'];
    expect(job.steps.map((step: Dict) => step.uses ?? step.run)).toEqual([
      'actions/checkout@v6',
      './.github/actions/setup-workspace',
      'nrwl/nx-set-shas@v5',
      'npx nx affected -t deploy -c production',
    ]);
    expect(tree.read('.github/workflows/ci.yml', 'utf-8')).toContain('No image.registry for production in the settings when this was written');
    expect(text).toContain('no pipeline yet: production is what nx g pipeline declares');
    expect(text).toContain('no image.registry is set for production');
  });

  it('takes --environments instead of the settings, and refuses one no pipeline declares or a local-only one', async () => {
    const tree = workspace();
    addPipeline(tree, 'training', STAGING_ELSEWHERE);
    await nextStepsOf(tree, { provider: 'github', environments: 'production' });
    expect(Object.keys(yamlOf(tree, '.github/workflows/ci.yml').jobs)).toEqual(['main', 'deploy-production']);

    const fresh = workspace();
    addPipeline(fresh, 'training', STAGING_ELSEWHERE);
    await expect(ciGenerator(fresh, { provider: 'github', environments: 'qa, development' })).rejects.toThrow(
      /"qa" is declared in no pipeline's config\/settings\.toml[\s\S]*Declared: development, production, staging, testing[\s\S]*"development" is not deployed from CI/,
    );
    expect(fresh.exists('.github/workflows/ci.yml')).toBe(false);
  });

  it('follows the plugin options in nx.json: target names and folders', async () => {
    const tree = workspace();
    const nxJson = readNxJson(tree)!;
    nxJson.plugins = [
      {
        plugin: 'nx-kubeflow',
        options: { testTargetName: 'pytest', lintTargetName: 'ruff', deployTargetName: 'publish', runTargetName: 'go', dockerBuildTargetName: 'image', componentsDir: 'ml/components', pipelinesDir: 'ml/pipelines', packagesDir: 'libs' },
      },
    ];
    nxJson.defaultBase = 'origin/develop';
    updateNxJson(tree, nxJson);
    addPipeline(tree, 'training', STAGING_ELSEWHERE, 'ml/pipelines');
    addPipeline(tree, 'ignored', `[qa]\nx = 1\n`, 'pipelines');
    await nextStepsOf(tree, { provider: 'github' });

    const workflow = yamlOf(tree, '.github/workflows/ci.yml');
    expect(workflow.on.push.branches).toEqual(['develop']);
    expect(workflow.jobs.main.steps[4].run).toBe('npx nx affected -t ruff pytest');
    expect(Object.keys(workflow.jobs)).toEqual(['main', 'deploy-production', 'deploy-staging']);
    expect(workflow.jobs['deploy-staging'].steps.at(-1).run).toBe('npx nx affected -t publish -c staging');
    expect(workflow.jobs['deploy-staging'].if).toContain("'refs/heads/develop'");
    const cache = yamlOf(tree, '.github/actions/setup-workspace/action.yml').runs.steps.find((step: Dict) => step.uses === 'actions/cache@v5').with;
    expect(cache.path).toContain('ml/components/**/.venv');
    expect(cache.path).toContain('libs/*/.venv');
    const makefile = tree.read('Makefile', 'utf-8')!;
    expect(makefile).toContain('$(NX) run-many -t pytest $(ARGS)');
    expect(makefile).toContain('$(NX) run-many -t image $(NX_ENV_CONFIGURATION) $(ARGS)');
    expect(makefile).toContain('$(NX) run $(PIPELINE):go $(NX_ENV_CONFIGURATION) $(ARGS)');
  });

  it('reads the Node and Python versions from .nvmrc and .python-version, options first', async () => {
    const tree = workspace();
    tree.write('.nvmrc', 'v24.3.0\n');
    tree.write('.python-version', '3.12\n');
    await nextStepsOf(tree, { provider: 'github' });
    let steps = yamlOf(tree, '.github/actions/setup-workspace/action.yml').runs.steps;
    expect(steps[0].with['node-version']).toBe('24.3.0');
    expect(steps[1].with['python-version']).toBe('3.12');
    await nextStepsOf(tree, { provider: 'github', nodeVersion: '20', pythonVersion: '3.10' });
    steps = yamlOf(tree, '.github/actions/setup-workspace/action.yml').runs.steps;
    expect(steps[0].with['node-version']).toBe('20');
    expect(steps[1].with['python-version']).toBe('3.10');
  });

  it('adds its files to sharedGlobals as Nx does, once', async () => {
    const tree = workspace();
    await nextStepsOf(tree, { provider: 'github' });
    await nextStepsOf(tree, { provider: 'github' });
    const namedInputs = readNxJson(tree)!.namedInputs!;
    expect(namedInputs['sharedGlobals']).toEqual(['{workspaceRoot}/.github/actions/setup-workspace/action.yml', '{workspaceRoot}/.github/workflows/ci.yml']);
    expect(namedInputs['default']).toEqual(['{projectRoot}/**/*', 'sharedGlobals']);
  });
});

describe('ci generator: GitLab CI/CD', () => {
  it("writes Nx's pipeline extended: exported NX_BASE/NX_HEAD, caches keyed on the lock files, junit reports, deploy jobs on main", async () => {
    const tree = workspace();
    addPipeline(tree, 'training', STAGING_ELSEWHERE.replace('ghcr.io/acme/ml', 'registry.gitlab.com/acme/ml'));
    await nextStepsOf(tree, { provider: 'gitlab' });
    expect(tree.exists('.github')).toBe(false);

    const ci = yamlOf(tree, '.gitlab-ci.yml');
    expect(ci.variables.GIT_DEPTH).toBe(0);
    expect(ci.default.image).toBe('node:22-bookworm');
    const setup = ci['.nx-workspace'];
    expect(setup.cache).toEqual([
      { key: { prefix: 'npm', files: ['package-lock.json'] }, paths: ['.npm/'] },
      { key: { prefix: 'python3.11', files: ['components/**/pyproject.toml', 'packages/*/pyproject.toml'] }, paths: ['.cache/pip/', 'components/**/.venv/', 'packages/*/.venv/'] },
    ]);
    expect(setup.before_script).toContain('export NX_HEAD=$CI_COMMIT_SHA');
    expect(setup.before_script).toContain('export NX_BASE=${CI_MERGE_REQUEST_DIFF_BASE_SHA:-$CI_COMMIT_BEFORE_SHA}');
    expect(ci['lint-and-test']).toMatchObject({
      extends: '.nx-workspace',
      stage: 'test',
      script: ['npx nx sync:check', 'npx nx affected -t lint test'],
      artifacts: { when: 'always', paths: ['dist/test-results/'], reports: { junit: 'dist/test-results/**/junit.xml' } },
    });

    const production = ci['deploy-production'];
    expect(production).toMatchObject({
      stage: 'deploy',
      environment: { name: 'production' },
      resource_group: 'deploy-production',
      rules: [{ if: '$CI_COMMIT_BRANCH == "main" && $CI_PIPELINE_SOURCE == "push"' }],
    });
    expect(production.script).toEqual([
      'apt-get install -y -qq --no-install-recommends buildah > /dev/null',
      'export REGISTRY_AUTH_FILE="$HOME/.config/containers/auth.json"',
      `printf '%s' "$CI_REGISTRY_PASSWORD" | buildah login --username "$CI_REGISTRY_USER" --password-stdin registry.gitlab.com`,
      'npx nx affected -t deploy -c production',
    ]);
    expect(ci['deploy-staging'].script[2]).toBe(`printf '%s' "$REGISTRY_PASSWORD" | buildah login --username "$REGISTRY_USERNAME" --password-stdin registry.example.com:5000`);
    expect(Object.keys(ci).filter((key) => key.startsWith('deploy-'))).toEqual(['deploy-production', 'deploy-staging']);
  });

  it('keeps the KFP token and registry password off every command line but the password-stdin pipe', async () => {
    const tree = workspace();
    addPipeline(tree, 'training', STAGING_ELSEWHERE);
    await nextStepsOf(tree, { provider: 'gitlab' });
    const ci = yamlOf(tree, '.gitlab-ci.yml');
    const scripts = Object.values(ci).flatMap((job: any) => [...(job?.script ?? []), ...(job?.before_script ?? [])]) as string[];
    expect(scripts.filter((line) => line.includes('KF_PIPELINES_TOKEN'))).toEqual([]);
    for (const line of scripts.filter((line) => /PASSWORD/.test(line))) expect(line).toMatch(/^printf '%s' "\$[A-Z_]*PASSWORD" \| buildah login .* --password-stdin \S+$/);
  });

  it('tells where the masked variables go', async () => {
    const tree = workspace();
    addPipeline(tree, 'training', PRODUCTION_ON_GHCR);
    const text = await nextStepsOf(tree, { provider: 'gitlab' });
    expect(text).toContain('CI for GitLab CI/CD: .gitlab-ci.yml, Makefile.');
    expect(text).toContain('set KF_PIPELINES_TOKEN, REGISTRY_USERNAME, REGISTRY_PASSWORD in GitLab: Settings > CI/CD > Variables, environment scope production, masked and protected');
  });

  it('picks the node image by the Debian release that ships the Python version, and refuses one none ships', async () => {
    const tree = workspace();
    await nextStepsOf(tree, { provider: 'gitlab', pythonVersion: '3.13', nodeVersion: '24' });
    expect(yamlOf(tree, '.gitlab-ci.yml').default.image).toBe('node:24-trixie');
    await expect(ciGenerator(workspace(), { provider: 'gitlab', pythonVersion: '3.12' })).rejects.toThrow(/3\.11 \(bookworm\) or 3\.13 \(trixie\), not 3\.12/);
  });
});

describe('ci generator: bad input', () => {
  it('reports every problem at once and writes nothing', async () => {
    const tree = workspace();
    tree.write('pnpm-lock.yaml', 'lockfileVersion: 9\n');
    addPipeline(tree, 'training', '[production]\nkfp = { host = \n');
    const before = tree.listChanges().length;
    const failure = ciGenerator(tree, { provider: 'gitlab', name: '1 bad', nodeVersion: 'lts/*', mainBranch: 'a b' } as never);
    await expect(failure).rejects.toThrow(
      new RegExp(
        [
          '--name "1 bad"',
          '--mainBranch "a b" is not a branch name',
          '--nodeVersion: "lts/\\*" is not a version number',
          'uses pnpm \\(pnpm-lock\\.yaml\\)',
          'pipelines/training/config/settings\\.toml:2:\\d+: not valid TOML',
        ].join('[\\s\\S]*'),
      ),
    );
    expect(tree.listChanges().length).toBe(before);
    await expect(ciGenerator(tree, { provider: 'jenkins' } as never)).rejects.toThrow('--provider "jenkins" is not one of github, gitlab');
  });
});

describe('ci generator: files it did not write, or that were edited', () => {
  it('rewrites its own files while they are as written, and leaves an edited or foreign workflow alone with a message', async () => {
    const tree = workspace();
    await nextStepsOf(tree, { provider: 'github' });
    addPipeline(tree, 'training', STAGING_ELSEWHERE);
    await nextStepsOf(tree, { provider: 'github' });
    expect(Object.keys(yamlOf(tree, '.github/workflows/ci.yml').jobs)).toContain('deploy-staging');

    const edited = tree.read('.github/workflows/ci.yml', 'utf-8')!.replace('timeout-minutes: 60', 'timeout-minutes: 30');
    tree.write('.github/workflows/ci.yml', edited);
    addPipeline(tree, 'other', `${STAGING_ELSEWHERE}\n[qa]\nx = 1\n`);
    await expect(ciGenerator(tree, { provider: 'github' })).rejects.toThrow(
      /\.github\/workflows\/ci\.yml was edited since nx-kubeflow:ci wrote it[\s\S]*--overwrite[\s\S]*--name <other>/,
    );
    expect(tree.read('.github/workflows/ci.yml', 'utf-8')).toBe(edited);
    expect(tree.read('Makefile', 'utf-8')).not.toContain('qa');

    await nextStepsOf(tree, { provider: 'github', overwrite: true });
    expect(Object.keys(yamlOf(tree, '.github/workflows/ci.yml').jobs)).toContain('deploy-qa');

    const foreign = workspace();
    foreign.write('.gitlab-ci.yml', 'test:\n  script: [make test]\n');
    await expect(ciGenerator(foreign, { provider: 'gitlab' })).rejects.toThrow(/\.gitlab-ci\.yml exists and was not written by nx-kubeflow:ci/);
    expect(foreign.read('.gitlab-ci.yml', 'utf-8')).toBe('test:\n  script: [make test]\n');
    expect(foreign.exists('Makefile')).toBe(false);
  });

  it('writes another GitHub workflow file under --name beside a foreign ci.yml', async () => {
    const tree = workspace();
    tree.write('.github/workflows/ci.yml', 'name: theirs\n');
    await nextStepsOf(tree, { provider: 'github', name: 'Kubeflow' });
    expect(tree.read('.github/workflows/ci.yml', 'utf-8')).toBe('name: theirs\n');
    expect(yamlOf(tree, '.github/workflows/kubeflow.yml').name).toBe('Kubeflow');
  });

  it("puts the make targets in nx-kubeflow.mk beside the team's own Makefile, naming the include line and the clashes", async () => {
    const tree = workspace();
    const theirs = '.PHONY: build test\nVERSION := 1\nbuild:\n\tdocker build .\ntest lint: build\n\t./run-tests\n';
    tree.write('Makefile', theirs);
    const { warn } = await quietly(() => ciGenerator(tree, { provider: 'github' }));
    expect(tree.read('Makefile', 'utf-8')).toBe(theirs);
    const included = tree.read('nx-kubeflow.mk', 'utf-8')!;
    expect(included).not.toContain('.DEFAULT_GOAL');
    expect(included).toContain('$(NX) run-many -t test $(ARGS)');
    expect(warn).toContain('Makefile is the workspace\'s own, so it was left as it is; the make targets are in nx-kubeflow.mk.');
    expect(warn).toContain('Add this line to Makefile to use them: include nx-kubeflow.mk');
    expect(warn).toContain('Makefile also defines lint, test:');

    tree.write('Makefile', `${theirs}include nx-kubeflow.mk\n`);
    const again = await quietly(() => ciGenerator(tree, { provider: 'github' }));
    expect(again.warn).not.toContain('Add this line');
  });

  it('leaves an edited Makefile out with --no-makefile, and otherwise refuses naming it', async () => {
    const tree = workspace();
    await nextStepsOf(tree, { provider: 'github' });
    const edited = `${tree.read('Makefile', 'utf-8')}\nmine:\n\techo mine\n`;
    tree.write('Makefile', edited);
    await expect(ciGenerator(tree, { provider: 'github' })).rejects.toThrow(/Makefile was edited since nx-kubeflow:ci wrote it[\s\S]*--no-makefile/);
    await nextStepsOf(tree, { provider: 'github', makefile: false, pythonVersion: '3.12' });
    expect(tree.read('Makefile', 'utf-8')).toBe(edited);
    expect(tree.read('.github/actions/setup-workspace/action.yml', 'utf-8')).toContain("python-version: '3.12'");
  });

  it('is idempotent on disk: a second run changes nothing, and nothing reaches the disk until the tree is flushed (--dry-run)', async () => {
    const root = mkdtempSync(join(tmpdir(), 'nx-kubeflow-ci-'));
    try {
      writeFileSync(join(root, 'nx.json'), JSON.stringify({ namedInputs: { default: ['{projectRoot}/**/*'] } }, null, 2));
      writeFileSync(join(root, 'package.json'), '{"name": "acme-ml", "private": true}\n');
      writeFileSync(join(root, 'package-lock.json'), '{"lockfileVersion": 3}\n');
      mkdirSync(join(root, 'pipelines/training/config'), { recursive: true });
      writeFileSync(join(root, 'pipelines/training/pipeline.yaml'), 'name: training\n');
      writeFileSync(join(root, 'pipelines/training/config/settings.toml'), STAGING_ELSEWHERE);

      const dryRun = new FsTree(root, false);
      await quietly(() => ciGenerator(dryRun, { provider: 'gitlab' }));
      expect(dryRun.listChanges().map((change) => change.path).sort()).toEqual(['.gitlab-ci.yml', 'Makefile', 'nx.json']);
      expect(existsSync(join(root, '.gitlab-ci.yml'))).toBe(false);

      const first = new FsTree(root, false);
      await quietly(() => ciGenerator(first, { provider: 'gitlab' }));
      flushChanges(root, first.listChanges());
      expect(readFileSync(join(root, 'nx.json'), 'utf8')).toContain('{workspaceRoot}/.gitlab-ci.yml');

      const second = new FsTree(root, false);
      const { info } = await quietly(async () => (await ciGenerator(second, { provider: 'gitlab' }))());
      expect(second.listChanges()).toEqual([]);
      expect(info).toContain('CI for GitLab CI/CD: no file changed.');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('ci generator: its parts', () => {
  it('prompts for the provider as a list, and its schema names every option the generator takes', () => {
    const schema = JSON.parse(readFileSync(join(__dirname, 'schema.json'), 'utf8'));
    expect(schema.required).toEqual(['provider']);
    expect(schema.properties.provider.enum).toEqual(['github', 'gitlab']);
    expect(schema.properties.provider['x-prompt']).toMatchObject({ type: 'list', items: [{ value: 'github' }, { value: 'gitlab' }] });
    expect(Object.keys(schema.properties).sort()).toEqual(['environments', 'mainBranch', 'makefile', 'name', 'nodeVersion', 'overwrite', 'provider', 'pythonVersion']);
    const generators = JSON.parse(readFileSync(join(__dirname, '../../../generators.json'), 'utf8'));
    expect(generators.generators.ci).toMatchObject({ factory: './src/generators/ci/ci.impl', schema: './src/generators/ci/schema.json' });
  });

  it('reads environments as the graph does (src/graph/settings-environments.ts)', () => {
    const root = mkdtempSync(join(tmpdir(), 'nx-kubeflow-ci-envs-'));
    try {
      const texts = [STAGING_ELSEWHERE, '[Default]\na = 1\n[GLOBAL]\nb = 2\n[dynaconf]\nc = 3\n[QA]\nd = 4\n', 'x = 1\n[a.b]\nc = 1\n', '[development.kfp]\nhost = "x"\n'];
      texts.forEach((text, i) => {
        writeFileSync(join(root, `${i}.toml`), text);
        expect(declaredEnvironments(parseToml(text) as Dict)).toEqual(settingsEnvironments(join(root, `${i}.toml`)));
      });
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('takes the registry host from image.registry as the engines read it', () => {
    expect(registryHost('ghcr.io/acme/ml')).toBe('ghcr.io');
    expect(registryHost('localhost:5000/ml')).toBe('localhost:5000');
    expect(registryHost('localhost/ml')).toBe('localhost');
    expect(registryHost('acme')).toBe('docker.io');
    expect(registryHost('acme/ml')).toBe('docker.io');
    expect(registryHost('https://Registry.Example.com/x')).toBe('registry.example.com');
    expect(registryHost('')).toBeUndefined();
    expect(registryHost(undefined)).toBeUndefined();
  });

  it('tells its own files, edited ones and foreign ones apart by the hash in the first line', () => {
    const ours = withOwnershipMarker('name: CI\n');
    expect(ownershipOf(ours)).toBe('as-generated');
    expect(ownershipOf(`${ours}# more\n`)).toBe('edited');
    expect(ownershipOf('name: CI\n')).toBe('foreign');
    expect(ownershipOf(null)).toBe('absent');
  });

  it("finds a makefile's rule targets, not its variables", () => {
    expect([...ruleTargets('A := 1\nB ::= 2\nC ?= 3\nall test: dep\nx::\n\techo y: z\n# c: d\ndefine V\nendef\nexport E := 1\n')].sort()).toEqual(['all', 'test', 'x']);
  });
});
