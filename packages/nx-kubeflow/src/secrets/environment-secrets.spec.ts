import { knownSecrets } from './known-secrets';
import { registerEnvironmentSecrets } from './environment-secrets';

describe('registerEnvironmentSecrets', () => {
  beforeEach(() => knownSecrets.clear());
  afterAll(() => knownSecrets.clear());

  it('registers the KFP token and cookies, index passwords, and variables named as secrets', () => {
    registerEnvironmentSecrets({
      KF_PIPELINES_TOKEN: 'sekrit-TOKEN-xyz',
      KF_PIPELINES_COOKIES: 'oauth2_proxy=sekrit-COOKIE-abc; other=sekrit-OTHER-def',
      PIP_INDEX_URL: 'https://__token__:pypi-sekrit-INDEX@pypi.example.com/simple',
      DYNACONF_WAREHOUSE__PASSWORD: 'sekrit-WAREHOUSE',
      AUTH_MODE: 'basic',
      KF_PIPELINES_SA_TOKEN_PATH: '/var/run/secrets/kubeflow/pipelines/token',
      HOME: '/home/ml',
    });
    const text = 'sekrit-TOKEN-xyz sekrit-OTHER-def pypi-sekrit-INDEX sekrit-WAREHOUSE basic /var/run/secrets/kubeflow/pipelines/token /home/ml';
    expect(knownSecrets.redact(text)).toBe('*** *** *** *** basic /var/run/secrets/kubeflow/pipelines/token /home/ml');
  });
});
