/**
 * The registry check with the user's credentials: a token registry (node) and
 * a real basic-auth registry (docker-registry, when installed), credentials
 * from a temporary DOCKER_CONFIG / REGISTRY_AUTH_FILE, and a credential
 * helper answered through `docker manifest inspect` when docker is here.
 * Without the docker-registry binary or docker those tests are skipped,
 * saying why; in CI (NX_KUBEFLOW_REQUIRE_ALL=1 or NX_KUBEFLOW_REQUIRE_ENGINES=1)
 * that is a failing test instead.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { DockerEngine } from '../engines/docker-engine';
import { parseChallenge, remoteTagState, RemoteTagState } from './remote-tag';
import { findRegistryCredentials } from './registry-credentials';
import { requireOrSkip } from '../../testing/suite-requirements';
import { probeEnginesSync } from '../integration/engine-probe';
import {
  basicAuthEntry,
  BasicAuthRegistry,
  DOCKER_REGISTRY_BINARY,
  startBasicAuthRegistry,
  startTokenRegistry,
  TEST_IDENTITY_TOKEN,
  TEST_PASSWORD,
  TokenRegistry,
  writeDockerConfig,
} from './test-registries';

jest.setTimeout(60_000);

const DIGEST = `sha256:${'ab'.repeat(32)}`;
let dir: string;
/** An environment with an empty HOME: only the files a test writes count. */
const envOf = (vars: Record<string, string>) => (name: string) => ({ HOME: join(dir, 'home'), ...vars })[name];
const noSecrets = (state: RemoteTagState) => {
  const text = JSON.stringify(state);
  expect(text).not.toContain(TEST_PASSWORD);
  expect(text).not.toContain(Buffer.from(`nxkf:${TEST_PASSWORD}`).toString('base64'));
  expect(text).not.toContain(TEST_IDENTITY_TOKEN);
  expect(text).not.toContain('token-for-');
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'nx-kubeflow-remote-tag-'));
  mkdirSync(join(dir, 'home'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('credentials', () => {
  it('reads auths by host, scheme-prefixed key, Docker Hub alias and path scope; helpers are named', () => {
    const config = writeDockerConfig(join(dir, 'creds'), {
      auths: {
        'https://index.docker.io/v1/': basicAuthEntry(),
        'http://r.example:5000': { identitytoken: 'id' },
        'r.example:5000/team': basicAuthEntry(),
      },
      credHelpers: { 'gcr.io': 'gcloud' },
    });
    const env = envOf({ DOCKER_CONFIG: config });
    expect(findRegistryCredentials('docker.io', 'acme/app', env)).toMatchObject({ kind: 'basic', username: 'nxkf' });
    expect(findRegistryCredentials('r.example:5000', 'other/app', env)).toMatchObject({ kind: 'identity-token' });
    expect(findRegistryCredentials('r.example:5000', 'team/app', env)).toMatchObject({ kind: 'basic' });
    expect(findRegistryCredentials('gcr.io', 'p/app', env)).toMatchObject({ kind: 'helper', helper: 'docker-credential-gcloud' });
    expect(findRegistryCredentials('ghcr.io', 'acme/app', env)).toBeUndefined();
  });

  it('takes containers auth.json (REGISTRY_AUTH_FILE) before docker config', () => {
    const authFile = join(dir, 'auth.json');
    writeFileSync(authFile, JSON.stringify({ auths: { 'ghcr.io': basicAuthEntry() } }));
    const config = writeDockerConfig(join(dir, 'creds-store'), { credsStore: 'desktop' });
    expect(findRegistryCredentials('ghcr.io', 'a/b', envOf({ REGISTRY_AUTH_FILE: authFile, DOCKER_CONFIG: config }))).toMatchObject({
      kind: 'basic',
      source: authFile,
    });
    expect(findRegistryCredentials('ghcr.io', 'a/b', envOf({ DOCKER_CONFIG: config }))).toMatchObject({
      kind: 'helper',
      helper: 'docker-credential-desktop',
    });
  });

  it('parses Bearer challenges', () => {
    expect(parseChallenge('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:a/b:pull"')).toEqual({
      scheme: 'bearer',
      params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:a/b:pull' },
    });
    expect(parseChallenge('Basic realm="basic-realm"')).toEqual({ scheme: 'basic', params: { realm: 'basic-realm' } });
  });
});

describe('a registry with the Bearer token flow', () => {
  let registry: TokenRegistry;
  beforeAll(async () => {
    registry = await startTokenRegistry({ publicRepositories: ['open/app'] });
    registry.manifests.set('team/app:present', DIGEST);
    registry.manifests.set('open/app:present', DIGEST);
  });
  afterAll(() => registry.close());

  const withBasic = () => envOf({ DOCKER_CONFIG: writeDockerConfig(join(dir, 'bearer-basic'), { auths: { [registry.host]: basicAuthEntry() } }) });

  it('finds present and absent tags with the credentials of DOCKER_CONFIG', async () => {
    const present = await remoteTagState(`${registry.host}/team/app:present`, { env: withBasic() });
    expect(present).toMatchObject({ state: 'present', digest: DIGEST });
    expect(await remoteTagState(`${registry.host}/team/app:absent`, { env: withBasic() })).toMatchObject({ state: 'absent' });
    noSecrets(present);
    expect(registry.requests).toContain('GET /token Basic');
  });

  it('uses an identity token as a refresh token', async () => {
    const env = envOf({ DOCKER_CONFIG: writeDockerConfig(join(dir, 'bearer-id'), { auths: { [registry.host]: { identitytoken: TEST_IDENTITY_TOKEN } } }) });
    expect(await remoteTagState(`${registry.host}/team/app:present`, { env })).toMatchObject({ state: 'present', digest: DIGEST });
  });

  it('reads a public repository with an anonymous token', async () => {
    const env = envOf({});
    expect(await remoteTagState(`${registry.host}/open/app:present`, { env })).toMatchObject({ state: 'present', via: 'an anonymous token' });
    expect(await remoteTagState(`${registry.host}/open/app:absent`, { env })).toMatchObject({ state: 'absent' });
  });

  it('says unknown without credentials, and with wrong ones, without repeating them', async () => {
    const none = await remoteTagState(`${registry.host}/team/app:present`, { env: envOf({}) });
    expect(none).toMatchObject({ state: 'unknown' });
    expect((none as { reason: string }).reason).toContain(`no credentials for ${registry.host}`);
    const wrong = envOf({
      DOCKER_CONFIG: writeDockerConfig(join(dir, 'bearer-wrong'), { auths: { [registry.host]: { auth: Buffer.from('nxkf:nope').toString('base64') } } }),
    });
    const refused = await remoteTagState(`${registry.host}/team/app:present`, { env: wrong });
    expect(refused).toMatchObject({ state: 'unknown' });
    expect((refused as { reason: string }).reason).toContain('token service');
    expect(JSON.stringify(refused)).not.toContain('nope');
  });

  it('names the credential helper when only an engine could ask it', async () => {
    const env = envOf({ DOCKER_CONFIG: writeDockerConfig(join(dir, 'bearer-helper'), { credsStore: 'secretservice' }) });
    const state = await remoteTagState(`${registry.host}/team/app:present`, { env });
    expect(state).toMatchObject({ state: 'unknown' });
    expect((state as { reason: string }).reason).toContain('docker-credential-secretservice');
  });

  it('is unreachable, not unknown, when nothing listens', async () => {
    expect(await remoteTagState('127.0.0.1:1/team/app:x', { env: envOf({}) })).toMatchObject({ state: 'unreachable' });
  });
});

const withRegistry = requireOrSkip(
  'registry checks against docker-registry with basic auth',
  'registry',
  DOCKER_REGISTRY_BINARY ? undefined : 'no docker-registry binary (Debian: apt-get install docker-registry)',
);
const withDocker =
  withRegistry &&
  requireOrSkip('credential helper through docker manifest inspect', 'engines', probeEnginesSync(['docker'], { withBaseImage: false })['docker']);

(withRegistry ? describe : describe.skip)('docker-registry with basic auth', () => {
  let registry: BasicAuthRegistry;
  let digest: string;
  beforeAll(async () => {
    const started = await startBasicAuthRegistry(join(dir, 'docker-registry'));
    if (!started) throw new Error(`docker-registry (${DOCKER_REGISTRY_BINARY}) did not start`);
    registry = started;
    digest = await registry.putImage('team/app', 'present');
  });
  afterAll(() => registry?.close());

  it('finds present and absent tags with DOCKER_CONFIG credentials, and says unknown without', async () => {
    const env = envOf({ DOCKER_CONFIG: writeDockerConfig(join(dir, 'basic'), { auths: { [`http://${registry.host}`]: basicAuthEntry() } }) });
    const present = await remoteTagState(`${registry.host}/team/app:present`, { env });
    expect(present).toMatchObject({ state: 'present', digest });
    noSecrets(present);
    expect(await remoteTagState(`${registry.host}/team/app:absent`, { env })).toMatchObject({ state: 'absent' });
    expect(await remoteTagState(`${registry.host}/team/app:present`, { env: envOf({}) })).toMatchObject({ state: 'unknown' });
  });

  it('reads containers auth.json too', async () => {
    const authFile = join(dir, 'containers-auth.json');
    writeFileSync(authFile, JSON.stringify({ auths: { [registry.host]: basicAuthEntry() } }));
    expect(await remoteTagState(`${registry.host}/team/app:present`, { env: envOf({ REGISTRY_AUTH_FILE: authFile }) })).toMatchObject({
      state: 'present',
      digest,
    });
  });

  (withDocker ? it : it.skip)('asks docker (manifest inspect) when the credentials are in a credential helper', async () => {
    const docker = new DockerEngine();
    // A credential helper that knows the test user, found on PATH by the docker client.
    const bin = join(dir, 'bin');
    mkdirSync(bin, { recursive: true });
    const helper = join(bin, 'docker-credential-nxtest');
    writeFileSync(
      helper,
      `#!/bin/sh\nread server\n[ "$1" = get ] && printf '{"ServerURL":"%s","Username":"nxkf","Secret":"${TEST_PASSWORD}"}' "$server"\nexit 0\n`,
    );
    chmodSync(helper, 0o755);
    const config = writeDockerConfig(join(dir, 'helper'), { credsStore: 'nxtest' });
    const saved = { DOCKER_CONFIG: process.env['DOCKER_CONFIG'], PATH: process.env['PATH'] };
    process.env['DOCKER_CONFIG'] = config;
    process.env['PATH'] = `${bin}${delimiter}${saved.PATH}`;
    try {
      const env = envOf({ DOCKER_CONFIG: config });
      const present = await remoteTagState(`${registry.host}/team/app:present`, { env, engine: docker });
      expect(present).toMatchObject({ state: 'present', digest });
      expect((present as { via: string }).via).toContain('docker-credential-nxtest');
      noSecrets(present);
      expect(await remoteTagState(`${registry.host}/team/app:absent`, { env, engine: docker })).toMatchObject({ state: 'absent' });
      const withoutEngine = await remoteTagState(`${registry.host}/team/app:present`, { env });
      expect(withoutEngine).toMatchObject({ state: 'unknown' });
      expect((withoutEngine as { reason: string }).reason).toContain('docker-credential-nxtest');
    } finally {
      for (const [key, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
  });
});
