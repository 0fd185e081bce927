/**
 * docker-build on the real engines (docker, buildah): the example components
 * build from a staged context, hold none of the files that must stay on the
 * machine, skip when nothing changed, rebuild only what changed, take index
 * credentials as secrets that leave no trace, run, and both push and pull
 * back by digest.
 *
 * Needs an engine and the base image (NX_KUBEFLOW_TEST_BASE_IMAGE, default
 * localhost/python-base:bookworm); push tests need a registry
 * (NX_KUBEFLOW_TEST_REGISTRY, e.g. 127.0.0.1:5000). Without them the tests
 * are skipped, saying why, unless NX_KUBEFLOW_REQUIRE_ENGINES=1 or
 * NX_KUBEFLOW_REQUIRE_ALL=1 (CI) makes that a failing test. Engines are probed
 * before the tests are declared (engine-probe.ts), so a skip shows as one.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildComponentImage, ImageBuildError } from '../build-component-image';
import { ContainerEngine, EngineName } from '../engines/container-engine';
import { captureCommand } from '../engines/engine-cli';
import { ImageRecord, imageRecordPath, readImageRecord } from '../image-record';
import { requireOrSkip } from '../../testing/suite-requirements';
import { probeEnginesSync } from './engine-probe';
import { BASE_IMAGE, countingEngine, engineForTests, TEST_REGISTRY, TestWorkspace } from './test-workspace';

jest.setTimeout(900_000);

const ENGINES: EngineName[] = ['docker', 'buildah'];
/** Files staging leaves out, planted in data-loader at its root (which the Dockerfile does not copy)... */
const LEFT_OUT_AT_ROOT = ['.secrets.toml', '.env', '.netrc', '.pypirc', '.venv/bin/python'];
/** ...and where the Dockerfile copies from (`COPY component/config/ config/`, `COPY component/src/ src/`). */
const LEFT_OUT_WHERE_COPIED = [
  'config/settings.local.toml',
  'config/.secrets.yaml',
  'config/.env',
  'config/.env.production',
  'config/.pypirc',
  'src/.secrets.toml',
  'src/.env',
  'src/.netrc',
  'src/.venv/bin/python',
  'src/.git/HEAD',
  'src/__pycache__/run.cpython-311.pyc',
];
const SECRET_MARKER = `s3cr3t${Date.now()}`;
/** pip's CA bundle on this machine (a TLS-intercepting proxy), forwarded as the builds forward it. */
const HOST_PIP = process.env['PIP_CERT'] ? { PIP_CERT: process.env['PIP_CERT'] } : {};
const UNAVAILABLE = probeEnginesSync(ENGINES);

describe.each(ENGINES)('docker-build with %s', (engineName) => {
  const canRun = requireOrSkip(`docker-build with ${engineName}`, 'engines', UNAVAILABLE[engineName]);
  const test = canRun ? it : it.skip;
  const pushes =
    canRun && requireOrSkip(`push and pull with ${engineName}`, 'registry', TEST_REGISTRY ? undefined : 'NX_KUBEFLOW_TEST_REGISTRY is not set (e.g. 127.0.0.1:5000)');
  let engine: ContainerEngine | undefined;
  let workspace: TestWorkspace;
  const built = new Set<string>();
  const logs: string[] = [];

  const build = (projectName: string, options: Partial<Parameters<typeof buildComponentImage>[0]> = {}) =>
    buildComponentImage({
      workspaceRoot: workspace.root,
      projectName,
      projectRoot: `components/${projectName}`,
      env: 'testing',
      engine: engine!,
      buildArgs: { BASE_IMAGE },
      environ: HOST_PIP,
      log: (line) => logs.push(line),
      ...options,
    }).then((record) => {
      record.tags.forEach((tag) => built.add(tag));
      return record;
    });

  beforeAll(async () => {
    if (!canRun) return;
    const found = await engineForTests(engineName);
    // The probe found it a moment ago: gone now is a failure, not a skip.
    if (!found.engine) throw new Error(`${engineName} was usable when probed, and is not now: ${found.reason}`);
    engine = found.engine;
    workspace = new TestWorkspace();
    // What must never reach an image, as on a developer's machine: at the component's root, and
    // where the Dockerfile copies (config/, src/), so a staging that let them through would put
    // them in the image. (Those at the root could never get there: the Dockerfile does not copy it.)
    for (const file of [...LEFT_OUT_AT_ROOT, ...LEFT_OUT_WHERE_COPIED]) {
      workspace.write(`components/data-loader/${file}`, 'password = "hunter2"\n');
    }
    // Staged and copied: a .env template (so a dotfile in config/ does reach the image), and what
    // only the component's .dockerignore leaves out.
    workspace.write('components/data-loader/config/.env.example', 'PASSWORD=\n');
    workspace.write('components/data-loader/src/notes/todo.md', 'left out by .dockerignore\n');
    workspace.write('components/data-loader/.dockerignore', '# the component\'s own\nsrc/notes/\n');
  });

  afterAll(async () => {
    if (!engine) return;
    for (const tag of built) await engine.removeImage(tag).catch(() => undefined);
    workspace.remove();
  });

  let dataLoader: ImageRecord;

  test('builds data-loader, taking the index credentials as a build secret that leaves no trace', async () => {
    const requests: string[] = [];
    const index: Server = createServer((request, response) => {
      requests.push(`${request.url} ${request.headers.authorization ?? ''}`);
      response.writeHead(404).end();
    });
    await new Promise<void>((done) => index.listen(0, '127.0.0.1', done));
    const port = (index.address() as AddressInfo).port;
    // The build's temporary folder is this test's own: suites running beside it (the e2e deploys) build
    // images too, and their secret folders in the shared one would look like this build's leftovers.
    // (os.tmpdir is spied on: jest gives the test its own process.env, which node's tmpdir does not read)
    const buildTmp = mkdtempSync(join(tmpdir(), 'nx-kubeflow-engine-build-tmp-'));
    // the module object itself (an `import * as` namespace has fixed properties), as build-secrets.ts reads it at each call
    const tmpdirSpy = jest.spyOn(require('node:os') as typeof import('node:os'), 'tmpdir').mockReturnValue(buildTmp);
    try {
      dataLoader = await build('data-loader', {
        environ: { ...HOST_PIP, PIP_EXTRA_INDEX_URL: `http://nxkf:${SECRET_MARKER}@127.0.0.1:${port}/simple/` },
      });
      expect(tmpdirSpy).toHaveBeenCalled(); // build-secrets.ts made its folder there
    } finally {
      index.close();
      tmpdirSpy.mockRestore();
    }
    expect(dataLoader.skipped).toBeUndefined();
    expect(dataLoader.tag).toMatch(/^localhost\/data-loader:[0-9a-f]{16}$/);
    expect(dataLoader.reference).toBe(dataLoader.tag);
    expect(dataLoader.engine).toBe(engineName);
    expect(readImageRecord(imageRecordPath(workspace.root, 'data-loader'))).toEqual(dataLoader);
    expect(logs.some((line) => line.startsWith('[data-loader] '))).toBe(true);

    // pip used the secret: the fake index saw the credentials...
    const basic = Buffer.from(`nxkf:${SECRET_MARKER}`).toString('base64');
    expect(requests.some((line) => line.includes(basic))).toBe(true);
    // ...and neither the image's config nor its history holds them.
    const traces =
      engineName === 'docker'
        ? [
            (await captureCommand('docker', ['history', '--no-trunc', dataLoader.tag])).stdout,
            (await captureCommand('docker', ['image', 'inspect', dataLoader.tag])).stdout,
          ]
        : [(await captureCommand('buildah', [...storageFlags(), 'inspect', '--type', 'image', dataLoader.tag])).stdout];
    for (const text of traces) {
      expect(text.length).toBeGreaterThan(100);
      expect(text).not.toContain(SECRET_MARKER);
      expect(text).not.toContain(basic);
    }
    // No build log line holds them either (pip's output, the engine's, ours).
    expect(logs.length).toBeGreaterThan(10);
    expect(logs.filter((line) => line.includes(SECRET_MARKER) || line.includes(basic))).toEqual([]);
    // The secret files are gone.
    expect(readdirSync(buildTmp).filter((name) => name.startsWith('nx-kubeflow-secrets-'))).toEqual([]);
    rmSync(buildTmp, { recursive: true, force: true });
  });

  test('labels the image and leaves out settings.local.toml, .secrets.*, .env, .netrc, .pypirc, .venv, .git and what .dockerignore lists', async () => {
    const details = await engine!.inspect(dataLoader.tag);
    expect(details?.labels).toMatchObject({
      'org.opencontainers.image.title': 'data-loader',
      'org.opencontainers.image.version': '0.1.0',
      'io.nx-kubeflow.content-hash': dataLoader.contentHash,
    });
    expect(details?.labels['org.opencontainers.image.created']).toBe(dataLoader.builtAt);

    const files = await engine!.listFiles(dataLoader.tag);
    expect(files).toContain('app/src/run.py');
    expect(files).toContain('app/config/settings.toml');
    // A dotfile in a copied folder does reach the image: the checks below could see one.
    expect(files).toContain('app/config/.env.example');
    // Each planted file, and the folder it is in when that is what staging leaves out (app/src/.venv).
    const planted = new Set(LEFT_OUT_WHERE_COPIED.flatMap((file) => [`app/${file}`, `app/${file.split('/').slice(0, 2).join('/')}`]));
    expect(files.filter((file) => planted.has(file))).toEqual([]);
    expect(files.filter((file) => file.startsWith('app/src/notes'))).toEqual([]);
    const leftOut = /(^|\/)(settings\.local\.toml|\.secrets(\.[^/]*)?|\.env(\.[^/]*)?|_netrc|\.netrc|\.pypirc|\.venv|\.git|__pycache__)(\/|$)/;
    const app = files.filter((file) => file.startsWith('app/') || file.startsWith('opt/packages/'));
    expect(app.filter((file) => leftOut.test(file) && !file.endsWith('/.env.example'))).toEqual([]);
    expect(files.filter((file) => /(^|\/)settings\.local\.toml$/.test(file))).toEqual([]);
    expect(files.filter((file) => /(^|\/)\.secrets\./.test(file))).toEqual([]);
    expect(files.filter((file) => /(^|\/)\.venv(\/|$)/.test(file))).toEqual([]);
    expect(files.filter((file) => file.startsWith('run/secrets/'))).toEqual([]);
  });

  test('runs a container with mounts, env and the exit code of its command', async () => {
    const out = mkdtempSync(join(tmpdir(), 'nx-kubeflow-run-'));
    try {
      const lines: string[] = [];
      const code = await engine!.run({
        image: dataLoader.tag,
        command: ['python', '-c'],
        args: [
          'import os, component_runtime, dynaconf; open("/out/result.txt", "w").write(os.environ["GREETING"] + " " + os.getcwd()); print("hello from the image")',
        ],
        mounts: [{ hostPath: out, containerPath: '/out' }],
        env: { GREETING: 'hi there' },
        onLine: (line) => lines.push(line),
      });
      expect(code).toBe(0);
      expect(lines).toContain('hello from the image');
      expect(readFileSync(join(out, 'result.txt'), 'utf8')).toBe('hi there /app');

      expect(await engine!.run({ image: dataLoader.tag, command: ['python', 'src/run.py', '--help'], args: [], mounts: [], env: {} })).toBe(0);
      expect(
        await engine!.run({ image: dataLoader.tag, command: ['sh', '-c', 'exit 3'], args: [], mounts: [], env: {}, workdir: '/tmp' }),
      ).toBe(3);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  test('does not call the engine build when nothing changed, and rebuilds only the component that changed', async () => {
    const trainer = await build('trainer');
    expect(trainer.skipped).toBeUndefined();

    const counted = countingEngine(engine!);
    logs.length = 0;
    const again = await build('data-loader', { engine: counted.engine });
    const trainerAgain = await build('trainer', { engine: counted.engine });
    expect(counted.builds).toEqual([]);
    expect(again).toMatchObject({ tag: dataLoader.tag, skipped: true, builtAt: dataLoader.builtAt });
    expect(trainerAgain).toMatchObject({ tag: trainer.tag, skipped: true });
    expect(logs).toContain(`[data-loader] up to date: ${dataLoader.tag} already exists in ${engineName}; not building (--force rebuilds).`);

    workspace.write('components/trainer/src/lib/__init__.py', `${workspace.read('components/trainer/src/lib/__init__.py')}\n# changed\n`);
    const changedLoader = await build('data-loader', { engine: counted.engine });
    const changedTrainer = await build('trainer', { engine: counted.engine });
    expect(changedLoader.skipped).toBe(true);
    expect(changedTrainer.skipped).toBeUndefined();
    expect(changedTrainer.tag).not.toBe(trainer.tag);
    expect(counted.builds).toEqual([[changedTrainer.tag]]);
  });

  test('ends a failing build with the component, the step and the engine output, and no image.json', async () => {
    workspace.write(
      'components/data-loader/Dockerfile.broken',
      'ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\nRUN echo preparing\nRUN echo about to fail && exit 7\nRUN echo never\n',
    );
    const recordFile = imageRecordPath(workspace.root, 'data-loader');
    expect(existsSync(recordFile)).toBe(true);
    const error = await build('data-loader', { dockerfile: 'components/data-loader/Dockerfile.broken' }).catch((e) => e);
    expect(error).toBeInstanceOf(ImageBuildError);
    expect(error.message).toContain('docker-build of data-loader failed');
    // buildah counts its --label steps too: [3/8] there, [3/4] with docker.
    expect(error.message).toMatch(/in step \[3\/\d+\] RUN echo about to fail && exit 7/);
    expect(error.message).toMatch(/exit|status/);
    expect(error.message).toContain('about to fail');
    expect(existsSync(recordFile)).toBe(false);
  });

  test('stops before building when the registry cannot be reached, naming it', async () => {
    const counted = countingEngine(engine!);
    const error = await build('trainer', {
      engine: counted.engine,
      environ: { ...HOST_PIP, DYNACONF_IMAGE__REGISTRY: '127.0.0.1:1/team' },
    }).catch((e) => e);
    expect(error).toBeInstanceOf(ImageBuildError);
    expect(error.message).toContain('The registry 127.0.0.1:1 cannot be reached');
    expect(error.message).toContain('image.registry for environment "testing"');
    expect(counted.builds).toEqual([]);
    expect(existsSync(imageRecordPath(workspace.root, 'trainer'))).toBe(false);
  });

  (pushes ? it : it.skip)('pushes both examples to the registry, records their digests, pulls them back by digest, and then finds them there', async () => {
    const registry = `${TEST_REGISTRY}/nx-kubeflow-test-${engineName}-${workspace.runId}`;
    const environ = { ...HOST_PIP, DYNACONF_IMAGE__REGISTRY: registry };
    // Each is built again under its registry name; the engine's layer cache has every step from
    // the builds above, so only the tagging and the push take time.
    const pushed: Record<string, ImageRecord> = {};
    for (const name of ['data-loader', 'trainer']) {
      const record = await build(name, { environ, tags: ['extra-tag'] });
      expect(record.skipped).toBeUndefined();
      expect(record.pushed).toBe(true);
      expect(record.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(record.reference).toBe(`${registry}/${name}@${record.digest}`);
      expect(record.tags).toEqual([record.tag, `${registry}/${name}:extra-tag`]);
      expect(readImageRecord(imageRecordPath(workspace.root, name))).toEqual(record);
      pushed[name] = record;
    }
    expect(pushed['trainer'].digest).not.toBe(pushed['data-loader'].digest);

    // Gone from the engine under their registry names, then pulled back by digest alone.
    for (const record of Object.values(pushed)) for (const tag of record.tags) await engine!.removeImage(tag);
    const appSources = async (reference: string) => (await engine!.listFiles(reference)).filter((file) => file.startsWith('app/src/'));
    for (const [name, record] of Object.entries(pushed)) {
      await engine!.pull(record.reference);
      built.add(record.reference);
      const details = await engine!.inspect(record.reference);
      expect(details?.labels).toMatchObject({ 'org.opencontainers.image.title': name, 'io.nx-kubeflow.content-hash': record.contentHash });
      expect(await appSources(record.reference)).toContain('app/src/run.py');
    }
    expect(await appSources(pushed['trainer'].reference)).toContain('app/src/lib/__init__.py');

    const counted = countingEngine(engine!);
    for (const [name, record] of Object.entries(pushed)) {
      const again = await build(name, { environ, engine: counted.engine });
      expect(again).toMatchObject({ skipped: true, digest: record.digest, reference: record.reference });
    }
    expect(counted.builds).toEqual([]);
  });
});

function storageFlags(): string[] {
  const driver = process.env['STORAGE_DRIVER'];
  return driver ? ['--storage-driver', driver] : [];
}
