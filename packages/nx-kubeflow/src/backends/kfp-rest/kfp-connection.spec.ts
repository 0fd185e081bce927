import { describeAuth, IN_CLUSTER_TOKEN_PATH, kfpConnectionFrom } from './kfp-connection';

const files = (...present: string[]) => (path: string) => present.includes(path);

describe('kfpConnectionFrom', () => {
  it('reads the kfp table: base URL without trailing slash, namespace, userid header, TLS CA, timeout and retries', () => {
    const { connection, problems } = kfpConnectionFrom(
      { host: 'https://kubeflow.example.com/pipeline/', namespace: 'team-a', user_id: 'alice@example.com', ca_file: '/ca.pem', timeout_seconds: 10, retries: 0 },
      {},
      files('/ca.pem'),
    );
    expect(problems).toEqual([]);
    expect(connection).toEqual({
      baseUrl: 'https://kubeflow.example.com/pipeline',
      namespace: 'team-a',
      userId: 'alice@example.com',
      userIdHeader: 'kubeflow-userid',
      caFile: '/ca.pem',
      insecureSkipTlsVerify: false,
      timeoutMs: 10_000,
      retries: 0,
    });
  });

  it('takes the token from KF_PIPELINES_TOKEN before any token file, and cookies from KF_PIPELINES_COOKIES', () => {
    const { connection } = kfpConnectionFrom(
      { host: 'http://kfp:8888', token_path: '/t' },
      { KF_PIPELINES_TOKEN: 'secret\n', KF_PIPELINES_SA_TOKEN_PATH: '/sa', KF_PIPELINES_COOKIES: 'oauth2_proxy=abc' },
      files('/t', '/sa'),
    );
    expect(connection?.token).toEqual({ kind: 'env', variable: 'KF_PIPELINES_TOKEN', token: 'secret' });
    expect(connection?.cookies).toBe('oauth2_proxy=abc');
    expect(describeAuth(connection!)).toBe('bearer token from KF_PIPELINES_TOKEN, session cookies');
  });

  it('then KF_PIPELINES_SA_TOKEN_PATH, then kfp.token_path, then the in-cluster path only where it exists', () => {
    expect(kfpConnectionFrom({ host: 'http://kfp' }, { KF_PIPELINES_SA_TOKEN_PATH: '/sa' }, files('/sa')).connection?.token).toEqual({
      kind: 'file',
      path: '/sa',
      origin: 'KF_PIPELINES_SA_TOKEN_PATH',
    });
    expect(kfpConnectionFrom({ host: 'http://kfp', token_path: '/t' }, {}, files('/t')).connection?.token).toMatchObject({ path: '/t' });
    expect(kfpConnectionFrom({ host: 'http://kfp' }, {}, files(IN_CLUSTER_TOKEN_PATH)).connection?.token).toMatchObject({ path: IN_CLUSTER_TOKEN_PATH });
    expect(kfpConnectionFrom({ host: 'http://kfp' }, {}, files()).connection?.token).toBeUndefined();
  });

  it('collects every problem at once, each naming its setting', () => {
    const { connection, problems } = kfpConnectionFrom(
      { host: 'kubeflow.example.com', ca_file: '/missing.pem', insecure_skip_tls_verify: true, timeout_seconds: -1, user_id_header: 'bad header' },
      { KF_PIPELINES_SA_TOKEN_PATH: '/nope' },
      files(),
    );
    expect(connection).toBeUndefined();
    expect(problems).toEqual([
      'kfp.host "kubeflow.example.com" is not an http(s) URL: give the KFP API base URL, e.g. "https://kubeflow.example.com/pipeline".',
      'KF_PIPELINES_SA_TOKEN_PATH names /nope, which does not exist.',
      'kfp.user_id_header "bad header" is not an HTTP header name.',
      'kfp.ca_file "/missing.pem" does not exist.',
      'kfp.ca_file and kfp.insecure_skip_tls_verify are both set: verify with the CA file, or opt out of verification, not both.',
      'kfp.timeout_seconds must be a positive number (it is -1).',
    ]);
  });

  it('says when kfp.host is missing or TLS options meet a plain http URL', () => {
    expect(kfpConnectionFrom({}, {}, files()).problems).toEqual([
      'kfp.host is not set: give the KFP API base URL, e.g. "https://kubeflow.example.com/pipeline".',
    ]);
    expect(kfpConnectionFrom({ host: 'http://kfp', insecure_skip_tls_verify: 'yes' }, {}, files()).problems).toEqual([
      'kfp.insecure_skip_tls_verify must be true or false (it is "yes").',
    ]);
    expect(kfpConnectionFrom({ host: 'http://kfp', insecure_skip_tls_verify: true }, {}, files()).problems).toEqual([
      'kfp.ca_file / kfp.insecure_skip_tls_verify apply to https, but kfp.host is http://kfp.',
    ]);
  });

  it('refuses a user name or password in kfp.host, and never repeats it or a query string', () => {
    const withPassword = kfpConnectionFrom({ host: 'https://deploy:s3cret@kf.example.com/pipeline' }, {}, files());
    expect(withPassword.connection).toBeUndefined();
    expect(withPassword.problems).toHaveLength(1);
    expect(withPassword.problems[0]).toMatch(/user name or password in it .* KF_PIPELINES_TOKEN/);
    expect(withPassword.problems.join(' ')).not.toContain('s3cret');
    const withQuery = kfpConnectionFrom({ host: 'https://kf.example.com/pipeline?token=s3cret' }, {}, files());
    expect(withQuery.problems).toEqual([
      'kfp.host "https://kf.example.com/pipeline" has a query or fragment (not shown, it may hold a credential): give the base URL only.',
    ]);
  });
});
