/**
 * deploy's flow without Nx, against the stateful KFP test server: the backend
 * chosen by settings, unchanged re-deploys, dry runs, schedules, GitOps
 * output, and the image checks. The pipeline's component has no Dockerfile and
 * a digest-pinned image, so no container engine is needed here (the e2e
 * suite builds real images).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { startKfpTestServer, type KfpTestServer } from '../backends/kfp-rest/testing/kfp-test-server';
import { compilePipeline } from '../kfp/ir-compiler';
import { deployPipeline, DeployError, type DeployPipelineOptions } from './deploy-pipeline';
import { DeploySettingsError } from './deploy-settings';
import { registerServingView } from '../ui/serving-views';

jest.setTimeout(60_000);

const PINNED = `registry.example.com/echo@sha256:${'c'.repeat(64)}`;
const PROJECTS = { p: { root: 'pipelines/p' }, echo: { root: 'components/echo' } };

let workspaceRoot: string;
let server: KfpTestServer;
let lines: string[];
const write = (file: string, text: string) => {
  mkdirSync(dirname(join(workspaceRoot, file)), { recursive: true });
  writeFileSync(join(workspaceRoot, file), text);
};
const component = (image: string) =>
  `name: echo\ninputs:\n- {name: text, type: String, default: hi}\nimplementation:\n  container:\n    image: ${image}\n    command: [echo, {inputValue: text}]\n`;
const settings = (production: string) =>
  `[default]\nkfp.host = "local"\n[production]\nkfp = { host = "${server.url}", namespace = "", poll_interval_seconds = 0.05 }\n${production}\n`;

beforeEach(async () => {
  server = await startKfpTestServer();
  workspaceRoot = mkdtempSync(join(tmpdir(), 'nx-kubeflow-deploy-'));
  write('components/echo/component.yaml', component(PINNED));
  write('pipelines/p/pipeline.yaml', 'name: p\nparameters:\n  text: {type: String, default: hello}\ntasks:\n  say:\n    component: echo\n    arguments:\n      text: {parameter: text}\n');
  write('pipelines/p/config/settings.toml', settings(''));
  lines = [];
});
afterEach(async () => {
  rmSync(workspaceRoot, { recursive: true, force: true });
  await server.close();
});

const deploy = (options: Partial<DeployPipelineOptions> = {}) =>
  deployPipeline({ workspaceRoot, projectName: 'p', projects: PROJECTS, env: 'production', environ: {}, log: (line) => lines.push(line), ...options });
describe('deploy to the KFP REST backend (kfp.host a URL)', () => {
  it('creates one pipeline and one version, and an unchanged re-deploy writes nothing', async () => {
    const first = await deploy();
    expect(first.backend).toBe('kfp');
    expect(first.published.created).toBe(true);
    expect(server.state.versionsOf('p')).toHaveLength(1);
    expect(lines.join('\n')).toMatch(/Published version [0-9a-f]{12} of p/);
    const writes = server.writes().length;

    const second = await deploy();
    expect(second.published.created).toBe(false);
    expect(server.writes()).toHaveLength(writes);
    expect(server.state.versionsOf('p')).toHaveLength(1);
    expect(server.state.pipelines.filter((pipeline) => pipeline.name === 'p')).toHaveLength(1);
  });

  it('publishes exactly one new version when the pipeline changes', async () => {
    await deploy();
    const before = server.state.versionsOf('p').length;
    write('pipelines/p/pipeline.yaml', readFileSync(join(workspaceRoot, 'pipelines/p/pipeline.yaml'), 'utf8').replace('default: hello', 'default: changed'));
    expect((await deploy()).published.created).toBe(true);
    expect(server.state.versionsOf('p')).toHaveLength(before + 1);
  });

  it('creates, keeps and disables the recurring run as the settings say', async () => {
    write('pipelines/p/config/settings.toml', settings('schedule = { cron = "0 0 4 * * *" }'));
    expect((await deploy()).schedule?.action).toBe('created');
    expect((await deploy()).schedule?.action).toBe('unchanged');
    const ours = () => server.state.recurringRuns.filter((run) => run.display_name?.startsWith('p'));
    expect(ours()).toHaveLength(1);
    expect(ours()[0].trigger?.cron_schedule?.cron).toBe('0 0 4 * * *');
    write('pipelines/p/config/settings.toml', settings(''));
    expect((await deploy()).schedule?.action).toBe('disabled');
    expect(ours()[0].mode).toBe('DISABLE');
  });

  it('starts a run of the published version and follows it where asked', async () => {
    const result = await deploy({ run: true, wait: true, params: ['text=from-param'] });
    expect(result.outcome?.state).toBe('SUCCEEDED');
    const run = server.state.runs[server.state.runs.length - 1];
    expect(run.runtime_config?.parameters).toEqual({ text: 'from-param' });
    expect(run.pipeline_version_reference?.pipeline_version_id).toBe(result.published.versionId);
  });

  it('--dry-run compiles and says what it would do, writes no file and sends nothing that writes', async () => {
    write('pipelines/p/config/settings.toml', settings('schedule = { interval_second = 3600 }'));
    const writes = server.writes().length;
    const result = await deploy({ dryRun: true, run: true });
    expect(server.writes()).toHaveLength(writes);
    expect(result.published).toMatchObject({ created: true, dryRun: true });
    expect(lines.join('\n')).toMatch(/dry run: would publish version [0-9a-f]{12}/);
    expect(lines.join('\n')).toMatch(/dry run: would start a run/);
    expect(existsSync(join(workspaceRoot, 'dist'))).toBe(false);
  });

  it('--dry-run with a component it would build: names the image a build would give, builds and writes nothing', async () => {
    // an empty registry: answers the API check, has no manifests
    const registry = createServer((request, response) => {
      response.writeHead(request.url === '/v2/' ? 200 : 404, { 'content-type': 'application/json' });
      response.end(request.url === '/v2/' ? '{}' : '{"errors":[{"code":"MANIFEST_UNKNOWN"}]}');
    });
    await new Promise<void>((resolve) => registry.listen(0, '127.0.0.1', resolve));
    try {
      const address = `127.0.0.1:${(registry.address() as AddressInfo).port}`;
      write('components/echo/Dockerfile', 'FROM scratch\nRUN false\n');
      write('pipelines/p/config/settings.toml', settings(`image.registry = "${address}/ml"`));
      const result = await deploy({ dryRun: true });
      expect(result.published).toMatchObject({ created: true, dryRun: true });
      const log = lines.join('\n');
      const wouldBuild = log.match(new RegExp(`dry run: would build (${address}/ml/echo:[0-9a-f]{16}) for echo`));
      expect(wouldBuild).not.toBeNull();
      expect(existsSync(join(workspaceRoot, 'dist'))).toBe(false);
      expect(server.writes()).toHaveLength(0);
    } finally {
      await new Promise((resolve) => registry.close(resolve));
    }
  });

  it('refuses a mutable image reference unless --allow-mutable-images, listing it', async () => {
    write('components/echo/component.yaml', component('alpine:3.19'));
    const attempt = deploy();
    await expect(attempt).rejects.toThrow(DeployError);
    await expect(deploy()).rejects.toThrow(/exec-say: alpine:3.19[\s\S]*--allow-mutable-images/);
    expect(server.writes()).toHaveLength(0);
    await expect(deploy({ allowMutableImages: true })).resolves.toMatchObject({ backend: 'kfp' });
    expect(lines.join('\n').match(/warning: deploying mutable image references/g)).toHaveLength(1); // said once, not before and after the build
  });

  describe('images the run gives (image: {parameter: p})', () => {
    const RUN_TIME_IMAGE = /exec-say: \{\{\$\.inputs\.parameters\['pipelinechannel--echo_image'\]\}\} \(the run gives it/;
    // say's image is the run's echo_image; old's, with alsoMutableTag, a tag that can move
    const pipelineGivingImages = ({ alsoMutableTag }: { alsoMutableTag: boolean }) =>
      write(
        'pipelines/p/pipeline.yaml',
        `name: p\nparameters:\n  echo_image: {type: String, default: '${PINNED}'}\ntasks:\n  say:\n    component: echo\n    image: {parameter: echo_image}\n` +
          (alsoMutableTag ? '  old:\n    component: echo\n    image: alpine:3.19\n' : ''),
      );
    const refusal = (options: Partial<DeployPipelineOptions> = {}) =>
      deploy(options).then(
        () => {
          throw new Error('deployed');
        },
        (error: unknown) => {
          expect(error).toBeInstanceOf(DeployError);
          return (error as Error).message;
        },
      );

    it('with neither flag: one error naming both kinds, each with its flag', async () => {
      pipelineGivingImages({ alsoMutableTag: true });
      const message = await refusal();
      expect(message).toMatch(/neither pinned by digest nor tagged with a content hash:\n {2}exec-old: alpine:3\.19\n[^\n]*Pin them[^\n]*--allow-mutable-images\./);
      expect(message).toMatch(/images the run gives, which deploy cannot check before the run:\n/);
      expect(message).toMatch(RUN_TIME_IMAGE);
      expect(message).toMatch(/pass --allow-run-time-images to take them/);
      expect(message).not.toMatch(/exec-old: \{\{|exec-say: alpine/);
      expect(server.writes()).toHaveLength(0);
    });

    it('--allow-run-time-images takes them and still refuses a mutable tag, naming only the tag', async () => {
      pipelineGivingImages({ alsoMutableTag: true });
      const message = await refusal({ allowRunTimeImages: true });
      expect(message).toMatch(/exec-old: alpine:3\.19[\s\S]*--allow-mutable-images/);
      expect(message).not.toMatch(/exec-say|run gives|--allow-run-time-images/);
      expect(server.writes()).toHaveLength(0);
    });

    it('--allow-run-time-images with no mutable tag: deployed, with a warning listing the images the run gives', async () => {
      pipelineGivingImages({ alsoMutableTag: false });
      const message = await refusal();
      expect(message).toMatch(RUN_TIME_IMAGE);
      expect(message).not.toMatch(/neither pinned by digest/);
      await expect(deploy({ allowRunTimeImages: true })).resolves.toMatchObject({ backend: 'kfp', published: { created: true } });
      const log = lines.join('\n');
      expect(log).toMatch(/warning: deploying images the run gives \(--allow-run-time-images\):\n {2}exec-say: \{\{/);
      expect(log.match(/warning: deploying images the run gives/g)).toHaveLength(1);
      expect(log).not.toMatch(/mutable image references/);
    });

    it('--allow-mutable-images takes both, as the wider flag, with its warning listing both', async () => {
      pipelineGivingImages({ alsoMutableTag: true });
      await expect(deploy({ allowMutableImages: true })).resolves.toMatchObject({ backend: 'kfp' });
      const warning = lines.join('\n').match(/warning: deploying mutable image references \(--allow-mutable-images\):\n((?: {2}.*\n?)+)/);
      expect(warning?.[1]).toMatch(/exec-old: alpine:3\.19/);
      expect(warning?.[1]).toMatch(RUN_TIME_IMAGE);
    });
  });

  it('reports every connection settings problem at once, naming the settings', async () => {
    write('pipelines/p/config/settings.toml', '[production]\nkfp = { host = "ftp://x", ca_file = "/no/such/ca.pem", insecure_skip_tls_verify = true }\n');
    await expect(deploy()).rejects.toThrow(/cannot connect to Kubeflow Pipelines; \d problems in the production settings of p/);
  });

  it('reports a bad schedule before calling anything', async () => {
    write('pipelines/p/config/settings.toml', settings('schedule = { cron = "0 4 * * *" }'));
    const writes = server.writes().length;
    await expect(deploy()).rejects.toThrow(DeploySettingsError);
    expect(server.writes()).toHaveLength(writes);
  });

  it('checks --param values before publishing anything', async () => {
    await expect(deploy({ run: true, params: ['text'] })).rejects.toThrow(/--param "text" is not name=value/);
    expect(server.writes()).toHaveLength(0);
    expect(server.state.versionsOf('p')).toHaveLength(0);
  });

  it('checks the connection settings, the registry and the pipeline before building any image', async () => {
    // a Dockerfile that would fail if it were ever built: none of these deploys may get that far
    write('components/echo/Dockerfile', 'FROM scratch\nRUN false\n');
    write('pipelines/p/config/settings.toml', settings('image.registry = "127.0.0.1:1/nowhere"').replace('poll_interval_seconds', 'ca_file = "/no/such/ca.pem", poll_interval_seconds'));
    await expect(deploy()).rejects.toThrow(/cannot connect to Kubeflow Pipelines[\s\S]*ca_file/);
    write('pipelines/p/config/settings.toml', settings(''));
    await expect(deploy()).rejects.toThrow(/image.registry is empty/);
    write('pipelines/p/config/settings.toml', settings('image.registry = "127.0.0.1:1/nowhere"'));
    write('pipelines/p/pipeline.yaml', 'name: p\ntasks:\n  say:\n    component: nope\n');
    await expect(deploy()).rejects.toThrow(/nope/);
    expect(existsSync(join(workspaceRoot, 'dist/components'))).toBe(false);
    expect(server.writes()).toHaveLength(0);
  });

  it('refuses a mutable image of a component it does not build before building the others', async () => {
    write('components/echo/component.yaml', component('alpine:3.19'));
    write('components/built/component.yaml', component(PINNED).replace('name: echo', 'name: built'));
    write('components/built/Dockerfile', 'FROM scratch\nRUN false\n');
    write('pipelines/p/pipeline.yaml', 'name: p\ntasks:\n  say:\n    component: echo\n  build:\n    component: built\n');
    write('pipelines/p/config/settings.toml', settings('image.registry = "127.0.0.1:1/nowhere"'));
    const projects = { ...PROJECTS, built: { root: 'components/built' } };
    const error: unknown = await deploy({ projects }).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/exec-say: alpine:3.19/);
    expect((error as Error).message).not.toMatch(/exec-build/);
    expect(existsSync(join(workspaceRoot, 'dist/components'))).toBe(false);
  });

  it("refuses a task's own mutable image before building, though its component is one it builds", async () => {
    write('components/built/component.yaml', component(PINNED).replace('name: echo', 'name: built'));
    write('components/built/Dockerfile', 'FROM scratch\nRUN false\n');
    write('pipelines/p/pipeline.yaml', 'name: p\ntasks:\n  build:\n    component: built\n    image: python:3.12\n');
    write('pipelines/p/config/settings.toml', settings('image.registry = "127.0.0.1:1/nowhere"'));
    const projects = { ...PROJECTS, built: { root: 'components/built' } };
    const error: unknown = await deploy({ projects }).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect((error as Error)?.message).toMatch(/exec-build: python:3\.12/);
    // refused before the build: nothing built, nothing pushed
    expect(existsSync(join(workspaceRoot, 'dist/components'))).toBe(false);
  });

  it('needs image.registry for components it builds: a cluster cannot pull images of this machine', async () => {
    write('components/echo/Dockerfile', 'FROM scratch\n');
    await expect(deploy()).rejects.toThrow(/image.registry is empty in the production settings of p, so the images of echo would exist on this machine only/);
  });
});

describe('deploy to the local backend', () => {
  it('--dry-run says whether a version would be published, and writes and runs nothing', async () => {
    const result = await deploy({ env: 'development', dryRun: true, run: true });
    expect(result).toMatchObject({ backend: 'local', published: { created: true, dryRun: true } });
    expect(result.outcome).toBeUndefined();
    expect(existsSync(join(workspaceRoot, 'dist'))).toBe(false);
    expect(lines.join('\n')).toMatch(/dry run: would publish version [0-9a-f]{12} of p/);
    await deploy({ env: 'development' });
    expect((await deploy({ env: 'development', dryRun: true })).published).toMatchObject({ created: false });
  });
});

describe('deploy as GitOps resources (kfp.mode = "crd" or --output crd)', () => {
  it('writes Pipeline and PipelineVersion resources and calls no server', async () => {
    const requests = server.requests.length;
    const result = await deploy({ output: 'crd' });
    expect(result.backend).toBe('crd');
    expect(server.requests).toHaveLength(requests);
    const file = join(workspaceRoot, 'dist/pipelines/p/production/kubeflow-resources.yaml');
    const kinds = parseAllDocuments(readFileSync(file, 'utf8')).map((document) => (document.toJSON() as { kind: string }).kind);
    expect(kinds).toEqual(['Pipeline', 'PipelineVersion']);
  });

  it('writes one file per environment, beside its IR: deploying one environment leaves the other', async () => {
    await deploy({ output: 'crd' });
    await deploy({ output: 'crd', env: 'development' });
    for (const env of ['production', 'development']) {
      const text = readFileSync(join(workspaceRoot, `dist/pipelines/p/${env}/kubeflow-resources.yaml`), 'utf8');
      expect({ env, kinds: parseAllDocuments(text).map((document) => (document.toJSON() as { kind: string }).kind) }).toEqual({ env, kinds: ['Pipeline', 'PipelineVersion'] });
    }
  });

  it('is chosen by kfp.mode, and a dry run writes no file', async () => {
    write('pipelines/p/config/settings.toml', '[production]\nkfp.mode = "crd"\n');
    await deploy({ dryRun: true });
    expect(existsSync(join(workspaceRoot, 'dist/pipelines/p/production/kubeflow-resources.yaml'))).toBe(false);
    expect((await deploy()).backend).toBe('crd');
  });
});

describe('deploy --run on the local backend says where to see the run', () => {
  it('a one-file report in the run folder when no run view serves the pipeline', async () => {
    const result = await deploy({ env: 'development', run: true });
    const runId = result.outcome!.runId;
    expect(result.outcome?.view).toEqual({ report: join('dist/runs/p', runId, `p-${runId}.html`) });
    const report = readFileSync(join(workspaceRoot, 'dist/runs/p', runId, `p-${runId}.html`), 'utf8');
    expect(report).toContain(runId);
    expect(report).toContain('say');
    expect(lines).toContain(`Report: dist/runs/p/${runId}/p-${runId}.html (opens from disk; \`nx run p:ui\` serves every run)`);
  });

  it("the run's page when `nx run p:ui` serves it (or every pipeline), and no report", async () => {
    for (const pipelines of [['p'], undefined]) {
      lines = [];
      const unregister = registerServingView(workspaceRoot, { url: 'http://127.0.0.1:4399/', ...(pipelines ? { pipelines } : {}) });
      try {
        const result = await deploy({ env: 'development', run: true });
        const runId = result.outcome!.runId;
        const page = `http://127.0.0.1:4399/#/run/p/${runId}`;
        expect(result.outcome?.view).toEqual({ page });
        expect(lines).toContain(`Run ${runId} started (${join('dist/runs/p', runId)}; follow it live: ${page})`);
        expect(lines).toContain(`Run page: ${page}`);
        expect(existsSync(join(workspaceRoot, 'dist/runs/p', runId, `p-${runId}.html`))).toBe(false);
      } finally {
        unregister();
      }
    }
  });

  it('nothing more for a run stopped by Ctrl-C: no report, no page', async () => {
    const stopped = new AbortController();
    stopped.abort();
    const result = await deploy({ env: 'development', run: true, signal: stopped.signal });
    expect(result.outcome?.state).toBe('CANCELLED');
    expect(result.outcome?.view).toBeUndefined();
    expect(existsSync(join(workspaceRoot, 'dist/runs/p', result.outcome!.runId, `p-${result.outcome!.runId}.html`))).toBe(false);
    expect(lines.filter((line) => /^(Report|Run page): /.test(line))).toEqual([]);
  });

  it("a report when the serving view shows other pipelines only", async () => {
    const unregister = registerServingView(workspaceRoot, { url: 'http://127.0.0.1:4399/', pipelines: ['other'] });
    try {
      const result = await deploy({ env: 'development', run: true });
      expect(result.outcome?.view).toEqual({ report: expect.stringMatching(/^dist\/runs\/p\/.+\.html$/) });
    } finally {
      unregister();
    }
  });
});

describe('deploy compiles once', () => {
  // the real compiler, counted: deploy used to compile to check, then again to publish, and parse its own IR text for --param and a run
  const counted = () => jest.fn(compilePipeline);

  it('to the local backend, publishing and running from the one compile', async () => {
    const compile = counted();
    const result = await deploy({ env: 'development', run: true, params: ['text=once'], compile });
    expect(compile).toHaveBeenCalledTimes(1);
    expect(result.backend).toBe('local');
    expect(result.outcome?.state).toBe('SUCCEEDED');
    // the IR file is the compile's text, and the stored version is the same text
    const ir = readFileSync(join(workspaceRoot, 'dist/pipelines/p/development/pipeline.yaml'), 'utf8');
    expect(ir).toBe(compile.mock.results[0].value.yaml);
    expect(readFileSync(join(workspaceRoot, 'dist/kfp-local/p/versions', result.published.versionName, 'pipeline.yaml'), 'utf8')).toBe(ir);
  });

  it('to Kubeflow, and for a dry run', async () => {
    const compile = counted();
    await deploy({ run: true, wait: true, compile });
    expect(compile).toHaveBeenCalledTimes(1);
    await deploy({ dryRun: true, run: true, compile });
    expect(compile).toHaveBeenCalledTimes(2);
  });

  it('a second time only when a build gives a component another image than the one it was compiled with', async () => {
    const registry = createServer((request, response) => {
      response.writeHead(request.url === '/v2/' ? 200 : 404, { 'content-type': 'application/json' });
      response.end(request.url === '/v2/' ? '{}' : '{"errors":[{"code":"MANIFEST_UNKNOWN"}]}');
    });
    await new Promise<void>((resolve) => registry.listen(0, '127.0.0.1', resolve));
    try {
      const address = `127.0.0.1:${(registry.address() as AddressInfo).port}`;
      write('components/echo/Dockerfile', 'FROM scratch\nRUN false\n');
      write('pipelines/p/config/settings.toml', settings(`image.registry = "${address}/ml"`));
      // no image.json yet: compiled with component.yaml's image, then with the tag a build would give
      const before = counted();
      await deploy({ dryRun: true, compile: before });
      expect(before).toHaveBeenCalledTimes(2);
      const tag = lines.join('\n').match(new RegExp(`would build (${address}/ml/echo:[0-9a-f]{16})`))![1];
      expect(before.mock.results[1].value.yaml).toContain(tag);
      // image.json names that image already: one compile
      write('dist/components/echo/image.json', JSON.stringify({ reference: tag }));
      const after = counted();
      const result = await deploy({ dryRun: true, compile: after });
      expect(after).toHaveBeenCalledTimes(1);
      expect(after.mock.results[0].value.yaml).toContain(tag);
      expect(result.published.versionName).toBe(before.mock.results[1].value.contentHash.slice(0, 12));
    } finally {
      await new Promise((resolve) => registry.close(resolve));
    }
  });
});
