/**
 * Test-only registries that refuse anonymous reads:
 * - startTokenRegistry: a tiny node server speaking the registry's Bearer
 *   token flow (the shape of ghcr.io, Docker Hub, GAR), with one user, an
 *   identity token, and repositories that are public (anonymous token reads).
 * - startBasicAuthRegistry: Debian's `docker-registry` (distribution 2.x)
 *   with htpasswd auth, holding real manifests uploaded through its API.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer, IncomingMessage } from 'node:http';
import { AddressInfo, createServer as createNetServer } from 'node:net';
import { join } from 'node:path';

export const TEST_USER = 'nxkf';
export const TEST_PASSWORD = 'nxkf-test-password';
/** `htpasswd -nbB nxkf nxkf-test-password`: no htpasswd needed at test time. */
const TEST_HTPASSWD = 'nxkf:$2y$05$/ucn4YYtz/84bk0DIHZVFeiA3vCvsBwmr1r5tuqTbv3.YWuP2eq1a\n';
export const TEST_IDENTITY_TOKEN = 'nxkf-identity-token';

export interface TestRegistry {
  /** host:port */
  host: string;
  /** `METHOD path auth-kind` for each request (never the credentials themselves). */
  requests: string[];
  close(): Promise<void>;
}

export interface TokenRegistry extends TestRegistry {
  /** "<repository>:<tag>" -> manifest digest. */
  manifests: Map<string, string>;
}

const USER_TOKEN = 'token-for-nxkf';
const ANONYMOUS_TOKEN = 'token-for-anyone';

export async function startTokenRegistry(options: { publicRepositories?: string[] } = {}): Promise<TokenRegistry> {
  const manifests = new Map<string, string>();
  const requests: string[] = [];
  const basic = `Basic ${Buffer.from(`${TEST_USER}:${TEST_PASSWORD}`).toString('base64')}`;
  let realm = '';
  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://registry');
    const authorization = request.headers.authorization ?? '';
    requests.push(`${request.method} ${url.pathname} ${authorization.split(' ')[0] || 'anonymous'}`);
    if (url.pathname === '/token') {
      const body = request.method === 'POST' ? new URLSearchParams(await readBody(request)) : url.searchParams;
      if (body.get('service') !== 'nx-test-registry' || !/^repository:[a-z0-9/_.-]+:pull$/.test(body.get('scope') ?? '')) {
        return void response.writeHead(400).end('{"errors":[{"code":"bad scope"}]}');
      }
      let token: string | undefined;
      if (request.method === 'POST') {
        token = body.get('grant_type') === 'refresh_token' && body.get('refresh_token') === TEST_IDENTITY_TOKEN ? USER_TOKEN : undefined;
      } else if (authorization === '') {
        token = ANONYMOUS_TOKEN;
      } else {
        token = authorization === basic ? USER_TOKEN : undefined;
      }
      if (!token) return void response.writeHead(401).end('{"errors":[{"code":"UNAUTHORIZED"}]}');
      response.writeHead(200, { 'Content-Type': 'application/json' });
      return void response.end(JSON.stringify(request.method === 'POST' ? { access_token: token } : { token }));
    }
    const manifest = /^\/v2\/(.+)\/manifests\/([^/]+)$/.exec(url.pathname);
    if (!manifest) return void response.writeHead(404).end();
    const [, repository, tag] = manifest;
    const isPublic = options.publicRepositories?.includes(repository) ?? false;
    const allowed = authorization === `Bearer ${USER_TOKEN}` || (isPublic && authorization === `Bearer ${ANONYMOUS_TOKEN}`);
    if (!allowed) {
      response.writeHead(401, {
        'WWW-Authenticate': `Bearer realm="${realm}",service="nx-test-registry",scope="repository:${repository}:pull"`,
      });
      return void response.end();
    }
    const digest = manifests.get(`${repository}:${tag}`);
    if (!digest) return void response.writeHead(404).end();
    response.writeHead(200, { 'Docker-Content-Digest': digest, 'Content-Type': 'application/vnd.oci.image.manifest.v1+json' });
    response.end();
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  realm = `http://${host}/token`;
  return {
    host,
    manifests,
    requests,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export const DOCKER_REGISTRY_BINARY = ['/usr/bin/docker-registry', '/usr/local/bin/registry'].find((file) => existsSync(file));

export interface BasicAuthRegistry extends TestRegistry {
  /** Uploads a one-config, no-layer image and returns its manifest digest. */
  putImage(repository: string, tag: string): Promise<string>;
}

/** docker-registry with htpasswd auth on a free loopback port; undefined when the binary is missing. */
export async function startBasicAuthRegistry(dir: string): Promise<BasicAuthRegistry | undefined> {
  if (!DOCKER_REGISTRY_BINARY) return undefined;
  const port = await freePort();
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'htpasswd'), TEST_HTPASSWD);
  writeFileSync(
    join(dir, 'config.yml'),
    [
      'version: 0.1',
      'log: { level: error }',
      'storage:',
      `  filesystem: { rootdirectory: ${join(dir, 'data')} }`,
      'http:',
      `  addr: 127.0.0.1:${port}`,
      'auth:',
      `  htpasswd: { realm: basic-realm, path: ${join(dir, 'htpasswd')} }`,
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn(DOCKER_REGISTRY_BINARY, ['serve', join(dir, 'config.yml')], { stdio: 'ignore' });
  const host = `127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    const up = await fetch(`http://${host}/v2/`).then(
      (response) => response.status === 401,
      () => false,
    );
    if (up) break;
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill();
      throw new Error(`docker-registry did not start on ${host}`);
    }
    await new Promise((done) => setTimeout(done, 100));
  }
  const authorization = `Basic ${Buffer.from(`${TEST_USER}:${TEST_PASSWORD}`).toString('base64')}`;
  const putImage = async (repository: string, tag: string): Promise<string> => {
    const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] }, config: {} }));
    const configDigest = `sha256:${createHash('sha256').update(config).digest('hex')}`;
    const start = await fetch(`http://${host}/v2/${repository}/blobs/uploads/`, { method: 'POST', headers: { Authorization: authorization } });
    const location = new URL(start.headers.get('location') ?? '', `http://${host}`);
    location.searchParams.set('digest', configDigest);
    const blob = await fetch(location, {
      method: 'PUT',
      headers: { Authorization: authorization, 'Content-Type': 'application/octet-stream' },
      body: config,
    });
    if (blob.status !== 201) throw new Error(`blob upload answered ${blob.status}`);
    const manifest = JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
      config: { mediaType: 'application/vnd.docker.container.image.v1+json', size: config.length, digest: configDigest },
      layers: [],
    });
    const put = await fetch(`http://${host}/v2/${repository}/manifests/${tag}`, {
      method: 'PUT',
      headers: { Authorization: authorization, 'Content-Type': 'application/vnd.docker.distribution.manifest.v2+json' },
      body: manifest,
    });
    if (put.status !== 201) throw new Error(`manifest upload answered ${put.status}`);
    return put.headers.get('docker-content-digest') ?? '';
  };
  return {
    host,
    requests: [],
    putImage,
    close: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((done) => child.once('exit', done));
      child.kill();
      await exited;
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createNetServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** A DOCKER_CONFIG folder whose config.json is `config`. */
export function writeDockerConfig(dir: string, config: unknown): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config), { mode: 0o600 });
  return dir;
}

export function basicAuthEntry(): { auth: string } {
  return { auth: Buffer.from(`${TEST_USER}:${TEST_PASSWORD}`).toString('base64') };
}
