import { isSecretKey, isSecretPath, redactSecrets } from './redact-secrets';

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

/**
 * The corpus the masking is held to. Keys are matched word by word (split at
 * `_`, `-`, `.`, spaces and camelCase), so a short secret word (`key`, `pass`,
 * `pwd`, `auth`, `token`) only counts as a whole word; long unambiguous ones
 * (`password`, `secret`, `credential`, `cookie`) count anywhere.
 */
describe('secret-looking keys: the corpus', () => {
  const secretKeys = [
    'password', 'PASSWORD', 'db_password', 'DbPassword', 'passwords', 'passwd', 'pwd', 'DB_PWD', 'pass', 'db_pass', 'smtp-pass',
    'passphrase', 'ssh_passphrase', 'secret', 'client_secret', 'secrets', 'aws_secret_access_key', 'SecretKey', 'token',
    'api_token', 'refresh_token', 'access_token', 'hf_token', 'githubToken', 'key', 'api_key', 'apikey', 'API-KEY', 'ApiKey',
    'private_key', 'privateKey', 'ssh_key', 'signing_key', 'encryption_key', 'fernet_key', 'access_key', 'access_key_id',
    'AWS_ACCESS_KEY_ID', 'accessKeyId', 'credential', 'credentials', 'gcp_credentials_json', 'auth', 'basic_auth', 'auth_header',
    'authorization', 'proxy_authorization', 'cookie', 'cookies', 'session_cookie', 'bearer', 'jwt', 'sas_token', 'dsn_password',
  ];
  const plainKeys = [
    'keyboard_layout', 'monkey', 'keys', 'key_column', 'primary_key', 'sort_key', 'partition_key', 'join_key', 'cache_key',
    'passes', 'num_passes', 'bypass', 'passthrough', 'compass', 'max_tokens', 'tokens', 'tokenizer', 'tokenizer_name',
    'author', 'authors', 'authority', 'host', 'user', 'username', 'epochs', 'learning_rate', 'namespace', 'experiment',
    'registry', 'base', 'turkey', 'hockey', 'whiskey', 'keyword', 'keywords', 'secretary_count', 'workdir',
  ];

  it.each(secretKeys)('masks %s', (key) => {
    expect(isSecretKey(key)).toBe(true);
    expect(redactSecrets({ [key]: 'value-of-it' })).toEqual({ [key]: '***' });
  });

  it.each(plainKeys)('shows %s', (key) => {
    expect(isSecretKey(key)).toBe(false);
    expect(redactSecrets({ [key]: 'value-of-it' })).toEqual({ [key]: 'value-of-it' });
  });
});

describe('secrets inside values: the corpus', () => {
  it.each([
    ['libpq DSN', 'host=db.internal port=5432 user=ml password=hunter2 dbname=features', 'host=db.internal port=5432 user=ml password=*** dbname=features'],
    ['libpq DSN, quoted value with a space', "host=db password='hunter 2' dbname=x", 'host=db password=*** dbname=x'],
    ['libpq DSN, spaces around =', 'user=ml password = hunter2 sslmode=require', 'user=ml password = *** sslmode=require'],
    ['libpq sslpassword', 'sslkey=/k.pem sslpassword=hunter2', 'sslkey=/k.pem sslpassword=***'],
    ['JDBC-style, semicolons', 'Server=db;Database=x;User Id=ml;Password=hunter2;', 'Server=db;Database=x;User Id=ml;Password=***;'],
    ['URL query parameters', 'https://api.example.com/v1?user=ml&token=abc123&page=2', 'https://api.example.com/v1?user=ml&token=***&page=2'],
    ['URL query api_key and access_key_id', 'https://s3.example.com/b?access_key_id=AKIA1&api_key=k2', 'https://s3.example.com/b?access_key_id=***&api_key=***'],
    ['pwd= and pass=', 'mysql user=root pwd=hunter2 pass=hunter3', 'mysql user=root pwd=*** pass=***'],
    ['a bearer header', 'Authorization: Bearer eyJhbGciOi.abc-def_ghi', 'Authorization: Bearer ***'],
    ['URL credentials', 'postgresql://ml:hunter2@db:5432/features', 'postgresql://***@db:5432/features'],
  ])('%s', (_case, value, shown) => {
    expect(redactSecrets({ database: value })).toEqual({ database: shown });
  });

  it.each([
    'host=db.internal port=5432 user=ml dbname=features',
    'https://pypi.org/simple',
    'passes=3 keyboard=us tokens=512',
    'the password is read from the secret store',
    'monkey=1 key_column=id',
  ])('leaves %p as it is', (value) => {
    expect(redactSecrets({ note: value })).toEqual({ note: value });
  });
});
