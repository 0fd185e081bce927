/**
 * The generated CI files through the real linters: actionlint (with
 * shellcheck on every run: script) for the GitHub workflow, GitLab's
 * published CI schema (check-jsonschema's vendor.gitlab-ci) and shellcheck
 * for .gitlab-ci.yml, SchemaStore's action schema for the setup action.
 * Several workspaces: one deploy environment, several with different
 * registries, none, no pipeline yet, renamed targets and folders. Each
 * check is also shown to reject a broken file, so a pass means something.
 */
import { type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { flushChanges } from 'nx/src/generators/tree';
import { parse as parseYaml } from 'yaml';
import { requireOrSkip } from '../../testing/suite-requirements';
import { actionlintBinary, runActionlint, runSchemaCheck, schemaCheckerVenv } from './__fixtures__/ci-linters';
import { ciGenerator } from './ci.impl';
import type { CiProvider } from './schema';

const PRODUCTION_ONLY = `[default]\nkfp.host = "local"\nimage.registry = ""\n[development]\ndeploy.run = true\n[production]\nkfp = { dynaconf_merge = true, host = "https://kubeflow.example.com/pipeline" }\nimage = { dynaconf_merge = true, registry = "ghcr.io/acme/ml" }\n`;
const SEVERAL = `${PRODUCTION_ONLY}[staging]\nkfp.host = "https://staging.example.com/pipeline"\nimage.registry = "registry.example.com:5000/ml"\n[qa]\nimage.registry = "acme"\n[testing]\nx = 1\n`;
const NONE = `[default]\nkfp.host = "local"\n[development]\ndeploy.run = true\n[testing]\nx = 1\n`;

interface Setup {
  name: string;
  deployJobs: string[];
  prepare(tree: Tree): void;
}

const SETUPS: Setup[] = [
  { name: 'one deploy environment', deployJobs: ['deploy-production'], prepare: (tree) => addPipeline(tree, 'pipelines/training', PRODUCTION_ONLY) },
  {
    name: 'several environments on different registries',
    deployJobs: ['deploy-production', 'deploy-qa', 'deploy-staging'],
    prepare: (tree) => {
      addPipeline(tree, 'pipelines/training', SEVERAL);
      addPipeline(tree, 'pipelines/scoring', PRODUCTION_ONLY.replace('ghcr.io/acme/ml', 'registry.gitlab.com/acme/ml'));
    },
  },
  { name: 'no deploy environment', deployJobs: [], prepare: (tree) => addPipeline(tree, 'pipelines/training', NONE) },
  { name: 'no pipeline yet', deployJobs: ['deploy-production'], prepare: () => undefined },
  {
    name: 'renamed targets and folders, another main branch',
    deployJobs: ['deploy-production', 'deploy-qa', 'deploy-staging'],
    prepare: (tree) => {
      const nxJson = JSON.parse(tree.read('nx.json', 'utf-8')!);
      nxJson.plugins = [{ plugin: 'nx-kubeflow', options: { testTargetName: 'pytest', lintTargetName: 'ruff', deployTargetName: 'publish', componentsDir: 'ml/components', pipelinesDir: 'ml/pipelines' } }];
      nxJson.defaultBase = 'origin/trunk';
      tree.write('nx.json', JSON.stringify(nxJson, null, 2));
      addPipeline(tree, 'ml/pipelines/training', SEVERAL);
    },
  },
];

function addPipeline(tree: Tree, root: string, settings: string): void {
  tree.write(`${root}/pipeline.yaml`, 'name: p\ntasks: {}\n');
  tree.write(`${root}/config/settings.toml`, settings);
}

const roots: string[] = [];

/** The generator's files for `setup`, on disk in a git work tree (actionlint finds local actions from its root). */
async function generated(provider: CiProvider, setup: Setup): Promise<string> {
  const tree = createTreeWithEmptyWorkspace();
  tree.write('package-lock.json', '{"lockfileVersion": 3}\n');
  setup.prepare(tree);
  const info = jest.spyOn(console, 'info').mockImplementation(() => undefined);
  try {
    await ciGenerator(tree, { provider });
  } finally {
    info.mockRestore();
  }
  const root = mkdtempSync(join(tmpdir(), `nx-kubeflow-ci-lint-${provider}-`));
  roots.push(root);
  flushChanges(root, tree.listChanges());
  execFileSync('git', ['init', '-q'], { cwd: root });
  return root;
}

afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

/** The shell GitLab runs for a job: its before_script (inherited through extends) and script lines, in order. */
function gitlabJobScripts(file: string): Map<string, string> {
  const ci = parseYaml(readFileSync(file, 'utf8')) as Record<string, any>;
  const scripts = new Map<string, string>();
  for (const [name, job] of Object.entries(ci)) {
    if (!job || typeof job !== 'object' || !('script' in job)) continue;
    const template = job.extends ? ci[job.extends] : {};
    const lines = [...(job.before_script ?? template.before_script ?? []), ...job.script];
    scripts.set(name, `#!/bin/bash\nset -eo pipefail\n${lines.join('\n')}\n`);
  }
  return scripts;
}

function shellcheck(dir: string, script: string): { status: number | null; output: string } {
  const file = join(mkdtempSync(join(tmpdir(), 'nx-kubeflow-ci-sh-')), 'job.sh');
  roots.push(join(file, '..'));
  writeFileSync(file, script);
  const result = spawnSync(join(dir, 'shellcheck'), ['--shell=bash', file], { encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

const actionlint = actionlintBinary();
const checker = schemaCheckerVenv();
const githubReady =
  requireOrSkip('generated GitHub workflow through actionlint', 'go', actionlint.ok ? undefined : actionlint.reason) &&
  requireOrSkip('actionlint with shellcheck and the GitHub action schema', 'pypi', checker.ok ? undefined : checker.reason);
const gitlabReady = requireOrSkip("generated .gitlab-ci.yml against GitLab's CI schema", 'pypi', checker.ok ? undefined : checker.reason);

(githubReady ? describe : describe.skip)('the GitHub workflow passes actionlint, shellcheck and the action schema', () => {
  const lint = actionlint.ok ? actionlint.binary : '';
  const tools = checker.ok ? checker : { checkJsonschema: '', shellcheckDir: '' };

  it.each(SETUPS.map((setup) => [setup.name, setup] as const))('%s', async (_name, setup) => {
    const root = await generated('github', setup);
    const result = runActionlint(lint, tools.shellcheckDir, root, '.github/workflows/ci.yml');
    expect(result.output).toBe('');
    expect(result.status).toBe(0);
    const action = runSchemaCheck(tools.checkJsonschema, 'vendor.github-actions', join(root, '.github/actions/setup-workspace/action.yml'));
    expect(action.output).toContain('ok -- validation done');
    expect(runSchemaCheck(tools.checkJsonschema, 'vendor.github-workflows', join(root, '.github/workflows/ci.yml')).status).toBe(0);
    const jobs = Object.keys(parseYaml(readFileSync(join(root, '.github/workflows/ci.yml'), 'utf8')).jobs);
    expect(jobs).toEqual(['main', ...setup.deployJobs]);
  });

  it('rejects a broken workflow: an unknown job, a shell syntax error, a misspelt context, an unknown action input', async () => {
    const root = await generated('github', SETUPS[1]);
    const file = join(root, '.github/workflows/ci.yml');
    const good = readFileSync(file, 'utf8');
    const breakages: Array<[string, (text: string) => string, RegExp]> = [
      ['needs an unknown job', (text) => text.replace('needs: main', 'needs: mian'), /needs job "mian" which does not exist.*\[job-needs\]/],
      ['an unclosed quote in a run: script', (text) => text.replace('run: npx nx affected -t lint test', 'run: npx nx affected -t lint test --base="$NX_BASE'), /shellcheck reported issue.*\[shellcheck\]/],
      ['secret for secrets', (text) => text.replace('${{ secrets.KF_PIPELINES_TOKEN }}', '${{ secret.KF_PIPELINES_TOKEN }}'), /undefined variable "secret".*\[expression\]/],
      ['an input checkout does not have', (text) => text.replace('fetch-depth: 0', 'fetch-dept: 0'), /input "fetch-dept" is not defined in action "actions\/checkout@v6".*\[action\]/],
    ];
    for (const [what, breakIt, expected] of breakages) {
      const broken = breakIt(good);
      expect(`${what}: ${broken === good ? 'unchanged' : 'changed'}`).toBe(`${what}: changed`);
      writeFileSync(file, broken);
      const result = runActionlint(lint, tools.shellcheckDir, root, '.github/workflows/ci.yml');
      expect(result.status).toBe(1);
      expect(result.output).toMatch(expected);
    }
    writeFileSync(file, good);
    expect(runActionlint(lint, tools.shellcheckDir, root, '.github/workflows/ci.yml').status).toBe(0);

    const actionFile = join(root, '.github/actions/setup-workspace/action.yml');
    writeFileSync(actionFile, readFileSync(actionFile, 'utf8').replace(/\n\s+shell: bash/, ''));
    const action = runSchemaCheck(tools.checkJsonschema, 'vendor.github-actions', actionFile);
    expect(action.status).toBe(1);
    expect(action.output).toContain('Schema validation errors were encountered');
  });
});

(gitlabReady ? describe : describe.skip)(".gitlab-ci.yml passes GitLab's CI schema, and its job scripts pass shellcheck", () => {
  const tools = checker.ok ? checker : { checkJsonschema: '', shellcheckDir: '' };

  it.each(SETUPS.map((setup) => [setup.name, setup] as const))('%s', async (_name, setup) => {
    const root = await generated('gitlab', setup);
    const result = runSchemaCheck(tools.checkJsonschema, 'vendor.gitlab-ci', join(root, '.gitlab-ci.yml'));
    expect(result.output).toContain('ok -- validation done');
    expect(result.status).toBe(0);
    const scripts = gitlabJobScripts(join(root, '.gitlab-ci.yml'));
    expect([...scripts.keys()]).toEqual(['lint-and-test', ...setup.deployJobs]);
    for (const [job, script] of scripts) {
      const checked = shellcheck(tools.shellcheckDir, script);
      expect(`${job}: ${checked.output}`).toBe(`${job}: `);
    }
  });

  it('rejects a broken file: a misspelt keyword, a value outside its enum, a wrong type, a shell syntax error', async () => {
    const root = await generated('gitlab', SETUPS[1]);
    const file = join(root, '.gitlab-ci.yml');
    const good = readFileSync(file, 'utf8');
    const breakages: Array<[string, (text: string) => string, RegExp]> = [
      ['scirpt', (text) => text.replace(/^ {2}script:/m, '  scirpt:'), /Additional properties are not allowed \('scirpt' was unexpected\)/],
      ['when: sometimes', (text) => text.replace('    when: always', '    when: sometimes'), /'sometimes' is not one of \['on_success', 'on_failure', 'always'\]/],
      ['resource_group as a list', (text) => text.replace('resource_group: deploy-production', 'resource_group: [deploy-production]'), /resource_group: \['deploy-production'\] is not of type 'string'/],
    ];
    for (const [what, breakIt, expected] of breakages) {
      const broken = breakIt(good);
      expect(`${what}: ${broken === good ? 'unchanged' : 'changed'}`).toBe(`${what}: changed`);
      writeFileSync(file, broken);
      const result = runSchemaCheck(tools.checkJsonschema, 'vendor.gitlab-ci', file);
      expect(result.status).toBe(1);
      expect(result.output).toMatch(expected);
    }
    const script = gitlabJobScripts(join(root, '.gitlab-ci.yml')).get('deploy-production')!;
    const checked = shellcheck(tools.shellcheckDir, script.replace('-c production', '-c "production'));
    expect(checked.status).not.toBe(0);
    expect(checked.output).toMatch(/SC10\d\d/);
  });
});
