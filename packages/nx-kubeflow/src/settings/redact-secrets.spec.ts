import { isSecretPath, redactSecrets } from './redact-secrets';

describe('redactSecrets', () => {
  it('hides values under secret-looking keys at any depth, keeping everything else', () => {
    expect(
      redactSecrets({
        KFP: { host: 'https://kfp.example.com', token: 'abc' },
        WAREHOUSE: { user: 'ml', PASSWORD: 's3cret', replicas: [{ api_key: 'k', name: 'r1' }] },
        EPOCHS: 3,
        DB_PASSWORD: { nested: 'x' },
      }),
    ).toEqual({
      KFP: { host: 'https://kfp.example.com', token: '***' },
      WAREHOUSE: { user: 'ml', PASSWORD: '***', replicas: [{ api_key: '***', name: 'r1' }] },
      EPOCHS: 3,
      DB_PASSWORD: '***',
    });
  });

  it('hides session cookies and the credentials inside URLs, wherever they are', () => {
    expect(
      redactSecrets({
        kfp: { cookies: 'oauth2_proxy=abc123', host: 'https://kfp.example.com/pipeline' },
        image: {
          pip_index_url: 'https://__token__:pypi-AgEIcHlwaS5vcmc@pypi.example.com/simple',
          pip_extra_index_url: ['https://ghp_abcdef@git.example.com/simple', 'https://pypi.org/simple'],
        },
        DATABASE: 'see postgresql://ml:hunter2@db.internal:5432/features for the features',
      }),
    ).toEqual({
      kfp: { cookies: '***', host: 'https://kfp.example.com/pipeline' },
      image: {
        pip_index_url: 'https://***@pypi.example.com/simple',
        pip_extra_index_url: ['https://***@git.example.com/simple', 'https://pypi.org/simple'],
      },
      DATABASE: 'see postgresql://***@db.internal:5432/features for the features',
    });
  });

  it('tells secret leaf paths apart', () => {
    expect(isSecretPath('WAREHOUSE.password')).toBe(true);
    expect(isSecretPath('KFP.host')).toBe(false);
    expect(isSecretPath('kfp.cookies')).toBe(true);
  });
});
