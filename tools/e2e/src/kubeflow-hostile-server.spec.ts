import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startHostileKfpServer, type HostileBehaviour, type HostileKfpServer } from '../../../packages/nx-kubeflow/src/backends/kfp-rest/testing/hostile-kfp-server';
import { PROBE_PIPELINE, writeProbePipeline } from './probe-pipeline';
import { WorkspaceCopy } from './workspace-copy';

/**
 * Issue 12 through the real nx CLI: `nx run <p>:deploy` against a KFP URL
 * whose server misbehaves (testing/hostile-kfp-server.ts), with a token and
 * session cookies in the environment as a user would set them. Whatever the
 * server answers, no credential is printed, and deploy ends with an error
 * that says what came back: no hang, no crash, no "would create" on a login
 * page. The pipeline's image is pinned by digest and built nowhere, so no
 * engine or registry is needed.
 */
const TOKEN = 'sekrit-TOKEN-xyz';
const COOKIES = 'oauth2_proxy=sekrit-COOKIE-abc';

describe('deploy to a hostile KFP server, through the nx CLI', () => {
  let workspace: WorkspaceCopy;
  let server: HostileKfpServer | undefined;

  const deploy = async (behaviour: HostileBehaviour, ...options: string[]) => {
    server = await startHostileKfpServer(behaviour);
    writeFileSync(
      join(workspace.root, 'pipelines', PROBE_PIPELINE, 'config/settings.toml'),
      `[development]\nkfp = { host = "${server.url}", retries = 1, timeout_seconds = 10 }\n`,
    );
    const result = await workspace.nxAsync(['run', `${PROBE_PIPELINE}:deploy`, ...options, '--outputStyle=static'], {
      KF_PIPELINES_TOKEN: TOKEN,
      KF_PIPELINES_COOKIES: COOKIES,
    });
    expect(result.output).not.toContain('sekrit');
    expect(result.status === 0 ? result.output : 'failed').toBe('failed');
    return result.output;
  };

  beforeAll(() => {
    workspace = new WorkspaceCopy();
    writeProbePipeline(workspace.root, join(workspace.root, 'tmp/overlap-markers'));
    mkdirSync(join(workspace.root, 'pipelines', PROBE_PIPELINE, 'config'), { recursive: true });
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });
  afterAll(() => workspace?.remove());

  it('a 500 that repeats the request headers is shown without the token and the cookies (the exact reproduction)', async () => {
    const output = await deploy('echo-headers-500');
    expect(output).toContain(
      'cannot deploy: GET /apis/v2beta1/healthz answered 500: upstream error; request headers were: Authorization: Bearer ***; Cookie: ***',
    );
  });

  it('a 401 whose message holds the token is shown without it', async () => {
    expect(await deploy('token-in-401')).toContain('answered 401: token *** is not valid for this cluster');
  });

  it('endless pagination ends at the repeated token, after two requests', async () => {
    const output = await deploy('endless-pages');
    expect(output).toContain('the server handed out the page token "again" a second time, after 2 pages; stopped listing');
    expect(server!.requests.filter((request) => request.includes('/versions')).length).toBe(2);
  });

  it('a huge answer is not read to its end: a clear error, not "Cannot create a string longer than ..."', async () => {
    const output = await deploy('huge-body');
    expect(output).toContain('GET /apis/v2beta1/healthz answered 200 with a body of more than 67108864 bytes, more than the 64 MiB any KFP API answer needs');
    expect(output).not.toMatch(/Cannot create a string|Invalid string length/);
  });

  it('a login page with 200 is named, and --dry-run fails instead of saying it would create the pipeline', async () => {
    const output = await deploy('login-page', '--dry-run');
    expect(output).toContain('answered 200 with an HTML page ("Sign in to Kubeflow"), not the KFP API\'s JSON: a login page');
    expect(output).not.toMatch(/would create|would publish/);
  });

  it('random bytes with 200 are refused, not taken for "no such pipeline"', async () => {
    const output = await deploy('random-bytes');
    expect(output).toContain('answered 200 with 12 bytes that are not a JSON object');
    expect(output).not.toMatch(/Created pipeline|undefined\)/);
  });

  it('a list field of the wrong type names the field instead of a TypeError', async () => {
    const output = await deploy('list-of-wrong-type');
    expect(output).toContain('pipeline_versions is a string ("none yet"), not a list');
    expect(output).not.toContain('is not a function');
  });
});
