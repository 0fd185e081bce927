import { knownSecrets } from './known-secrets';

/**
 * The credentials a process is given in its environment, registered as it
 * starts, before any settings file is read or any server answers: an error
 * about a settings file or a child's output could otherwise quote one before
 * the code that uses it has registered it.
 *
 * By name: the KFP token and session cookies, pip's index URLs (their
 * passwords). By shape of name: any variable that says it holds a secret
 * (GITHUB_TOKEN, AWS_SECRET_ACCESS_KEY, DYNACONF_WAREHOUSE__PASSWORD, ...),
 * when its value is long enough to be one (8 characters), so that a flag
 * such as AUTH_MODE=basic does not blank out a common word.
 */
const SECRET_NAME = /(TOKEN|SECRET|PASSW(OR)?D|COOKIE|API_?KEY|ACCESS_KEY|PRIVATE_KEY|CREDENTIAL)/i;
const URL_VARIABLES = ['PIP_INDEX_URL', 'PIP_EXTRA_INDEX_URL', 'UV_INDEX_URL', 'UV_EXTRA_INDEX_URL'];
const MIN_GUESSED_LENGTH = 8;

export function registerEnvironmentSecrets(environ: Readonly<Record<string, string | undefined>> = process.env): void {
  knownSecrets.add(environ['KF_PIPELINES_TOKEN']);
  knownSecrets.addCookieHeader(environ['KF_PIPELINES_COOKIES']);
  for (const name of URL_VARIABLES) {
    for (const url of (environ[name] ?? '').split(/\s+/)) knownSecrets.addUrlCredentials(url);
  }
  for (const [name, value] of Object.entries(environ)) {
    if (value && value.trim().length >= MIN_GUESSED_LENGTH && SECRET_NAME.test(name) && !name.endsWith('_PATH') && !name.endsWith('_FILE')) knownSecrets.add(value);
  }
}
