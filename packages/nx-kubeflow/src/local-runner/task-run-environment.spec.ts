/**
 * What run.json keeps of a task's command line and environment: masked before
 * it is written (names, text, known credentials, every `.secrets.*` value),
 * and the settings component-runtime resolves from the pipeline's text, the
 * component's files and the DYNACONF_* variables, for ENV_FOR_DYNACONF.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registerSecret } from '../secrets/known-secrets';
import { taskRunRecord } from './task-run-environment';

const FROM_SECRETS_FILE = 'wh-9f8e7d6c5b';
const KNOWN = 'kn-4a3b2c1d0e';

let component: string;
let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'nx-kubeflow-task-env-'));
  component = join(scratch, 'components/trainer');
  mkdirSync(join(component, 'config'), { recursive: true });
  writeFileSync(join(component, 'config/settings.toml'), '[default]\nepochs = 3\nbucket = "dev-bucket"\ndb_password = "pw-in-settings"\n\n[production]\nbucket = "prod-bucket"\n');
  // a secret under a name that does not say so: masked because a .secrets file set it
  writeFileSync(join(component, 'config/.secrets.toml'), `[default]\nwarehouse = "${FROM_SECRETS_FILE}"\n`);
  registerSecret(KNOWN);
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const PIPELINE_TOML = '[default]\nregion = "eu"\nbucket = "pipeline-bucket"\n\n[production]\nregion = "us"\n';

describe('taskRunRecord', () => {
  it('resolves the settings a component-runtime task ran with, for its ENV_FOR_DYNACONF, and masks them as the settings target does', () => {
    const env = { ENV_FOR_DYNACONF: 'production', PIPELINE_SETTINGS_TOML: PIPELINE_TOML, DYNACONF_EPOCHS: '7', HOME: '/home/me' };
    const { environment } = taskRunRecord({ argv: ['python', 'run.py'], env, given: ['ENV_FOR_DYNACONF', 'PIPELINE_SETTINGS_TOML'], componentRoot: component, inContainer: false });
    expect(environment.settingsEnv).toBe('production');
    expect(environment.settings).toEqual({ REGION: 'us', BUCKET: 'prod-bucket', EPOCHS: 7, DB_PASSWORD: '***', WAREHOUSE: '***' });
    expect(environment.settingsNote).toBeUndefined();
    // the runner's own variables and the dynaconf ones it inherited; not the rest of this machine's
    expect(environment.variables.map(({ name }) => name)).toEqual(['DYNACONF_EPOCHS', 'ENV_FOR_DYNACONF', 'PIPELINE_SETTINGS_TOML']);
    expect(JSON.stringify(environment)).not.toContain(FROM_SECRETS_FILE);
    expect(JSON.stringify(environment)).not.toContain('pw-in-settings');
  });

  it('masks the command line and the variables: secret names, URL credentials, JSON keys, known credentials, secrets-file values', () => {
    const executorInput = JSON.stringify({ inputs: { parameterValues: { api_key: 'k-123456', rows: 3, note: `uses ${FROM_SECRETS_FILE}` } } });
    const env = {
      ENV_FOR_DYNACONF: 'development',
      API_TOKEN: 'tok-abcdef',
      INDEX_URL: 'https://user:pa55word@pypi.example.com/simple',
      GIVEN: `with ${KNOWN} inside`,
      PLAIN: 'visible',
    };
    const { command, environment } = taskRunRecord({ argv: ['python', 'run.py', '--executor-input', executorInput, `--dsn=host=db password=hunter22`], env, given: Object.keys(env), componentRoot: component, inContainer: false });
    expect(command.slice(0, 3)).toEqual(['python', 'run.py', '--executor-input']);
    expect(JSON.parse(command[3])).toEqual({ inputs: { parameterValues: { api_key: '***', rows: 3, note: 'uses ***' } } });
    expect(command[4]).toBe('--dsn=host=db password=***');
    expect(Object.fromEntries(environment.variables.map(({ name, value }) => [name, value]))).toEqual({
      ENV_FOR_DYNACONF: 'development',
      API_TOKEN: '***',
      INDEX_URL: 'https://***@pypi.example.com/simple',
      GIVEN: 'with *** inside',
      PLAIN: 'visible',
    });
    const text = JSON.stringify({ command, environment });
    for (const secret of ['k-123456', 'tok-abcdef', 'pa55word', KNOWN, FROM_SECRETS_FILE, 'hunter22']) expect(text).not.toContain(secret);
  });

  it('says why settings are not resolved: in a container, or a broken settings file; none for a task without ENV_FOR_DYNACONF', () => {
    const env = { ENV_FOR_DYNACONF: 'development' };
    expect(taskRunRecord({ argv: ['x'], env, given: ['ENV_FOR_DYNACONF'], componentRoot: component, inContainer: true }).environment).toEqual({
      settingsEnv: 'development',
      variables: [{ name: 'ENV_FOR_DYNACONF', value: 'development' }],
      settingsNote: 'read inside the image, from the files built into it',
    });
    const broken = join(scratch, 'components/broken');
    mkdirSync(join(broken, 'config'), { recursive: true });
    writeFileSync(join(broken, 'config/settings.toml'), '[default]\nepochs = \n');
    const { environment } = taskRunRecord({ argv: ['x'], env, given: [], componentRoot: broken, inContainer: false });
    expect(environment.settings).toBeUndefined();
    expect(environment.settingsNote).toMatch(/^its settings could not be resolved: The settings file is not valid TOML[^]*broken\/config\/settings\.toml:2:10: invalid value/);
    expect(taskRunRecord({ argv: ['x'], env: { PLAIN: '1' }, given: ['PLAIN'], componentRoot: component, inContainer: false }).environment).toEqual({ variables: [{ name: 'PLAIN', value: '1' }] });
  });
});
