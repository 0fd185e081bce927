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

  it('tells secret leaf paths apart', () => {
    expect(isSecretPath('WAREHOUSE.password')).toBe(true);
    expect(isSecretPath('KFP.host')).toBe(false);
  });
});
