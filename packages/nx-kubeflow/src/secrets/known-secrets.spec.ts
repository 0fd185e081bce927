import { KnownSecrets, REDACTED } from './known-secrets';

describe('KnownSecrets', () => {
  let secrets: KnownSecrets;
  beforeEach(() => (secrets = new KnownSecrets()));

  it('replaces every registered value wherever it stands, as headers echoed by a server carry them', () => {
    secrets.add('sekrit-TOKEN-xyz');
    secrets.addCookieHeader('oauth2_proxy=sekrit-COOKIE-abc');
    const echoed = 'upstream error; request headers were: Authorization: Bearer sekrit-TOKEN-xyz; Cookie: oauth2_proxy=sekrit-COOKIE-abc';
    expect(secrets.redact(echoed)).toBe(`upstream error; request headers were: Authorization: Bearer ${REDACTED}; Cookie: ${REDACTED}`);
    // one cookie's value quoted alone
    expect(secrets.redact('bad session sekrit-COOKIE-abc')).toBe(`bad session ${REDACTED}`);
  });

  it('catches the URL-encoded and JSON-escaped forms', () => {
    secrets.add('p@ss/wo"rd+1');
    expect(secrets.redact(`url ${encodeURIComponent('p@ss/wo"rd+1')} json ${JSON.stringify('p@ss/wo"rd+1')}`)).toBe(`url ${REDACTED} json "${REDACTED}"`);
  });

  it('takes the password (or the bare token) out of a URL', () => {
    secrets.addUrlCredentials('https://__token__:pypi-AgEIcHlwaS5vcmc@pypi.example.com/simple');
    secrets.addUrlCredentials('https://ghp_abcdef123456@github.com/acme/repo');
    expect(secrets.redact('index pypi-AgEIcHlwaS5vcmc and ghp_abcdef123456')).toBe(`index ${REDACTED} and ${REDACTED}`);
    expect(secrets.redact('user __token__ stays')).toBe('user __token__ stays');
  });

  it('replaces a short value only where it stands alone', () => {
    secrets.add('abc');
    expect(secrets.redact('password=abc; fabcd abc')).toBe(`password=${REDACTED}; fabcd ${REDACTED}`);
  });

  it('leaves text alone when nothing is registered, and ignores empty values', () => {
    secrets.add('');
    secrets.add(undefined);
    expect(secrets.size).toBe(0);
    expect(secrets.redact('Authorization: Bearer x')).toBe('Authorization: Bearer x');
  });

  it('replaces a longer value whole before a shorter one inside it', () => {
    secrets.add('sekrit-COOKIE-abc');
    secrets.add('a=sekrit-COOKIE-abc; b=sekrit-OTHER-def');
    expect(secrets.redact('Cookie: a=sekrit-COOKIE-abc; b=sekrit-OTHER-def')).toBe(`Cookie: ${REDACTED}`);
  });
});

describe('the shapes redacted whatever is registered', () => {
  it('hides a bearer or basic credential after its scheme, even one this process does not hold', () => {
    const secrets = new KnownSecrets();
    expect(secrets.redact('Authorization: Bearer eyJhbGciOiJSUzI1NiJ9.abc; Basic dXNlcjpwYXNzd29yZA==')).toBe('Authorization: Bearer ***; Basic ***');
    expect(secrets.redact('the Bearer *** was refused; basic auth is off')).toBe('the Bearer *** was refused; basic auth is off');
  });
});

describe('KnownSecrets.cutPoint', () => {
  it('moves a cut inside a credential to where it starts, and leaves any other cut alone', () => {
    const secrets = new KnownSecrets();
    secrets.add('sekrit-TOKEN-xyz');
    const text = 'abcd sekrit-TOKEN-xyz efgh';
    expect(secrets.cutPoint(text, 8)).toBe(5);
    expect(secrets.cutPoint(text, 5)).toBe(5);
    expect(secrets.cutPoint(text, 21)).toBe(21);
    expect(secrets.cutPoint(text, 100)).toBe(text.length);
  });

  it('takes "Bearer " with a token cut anywhere, known or not', () => {
    const secrets = new KnownSecrets();
    secrets.add('sekrit-TOKEN-xyz');
    expect(secrets.cutPoint('Authorization: Bearer sekrit-TOKEN-xyz', 30)).toBe('Authorization: '.length);
    expect(new KnownSecrets().cutPoint('Authorization: Bearer eyJhbGciOiJSUzI1NiJ9', 30)).toBe('Authorization: '.length);
  });
});
