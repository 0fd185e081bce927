import { logger } from '@nx/devkit';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { componentFileIsValid } from './component-preflight';

describe('componentFileIsValid', () => {
  let workspace: string;
  let errors: jest.SpyInstance;
  let warnings: jest.SpyInstance;
  beforeEach(() => {
    workspace = mkdtempSync(join(tmpdir(), 'component-preflight-'));
    mkdirSync(join(workspace, 'components/c'), { recursive: true });
    errors = jest.spyOn(logger, 'error').mockImplementation(() => undefined);
    warnings = jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => {
    rmSync(workspace, { recursive: true, force: true });
    jest.restoreAllMocks();
  });
  const printed = (spy: jest.SpyInstance) => spy.mock.calls.map((call) => String(call[0])).join('\n');

  it('fails a broken component.yaml with every problem at file:line:column', () => {
    writeFileSync(join(workspace, 'components/c/component.yaml'), 'name: c\ninputs:\n- {name: n, type: Integer, default: many}\nimplementation: {container: {image: i, command: [sleep, 5]}}\n');
    expect(componentFileIsValid(workspace, 'components/c', 'c')).toBe(false);
    expect(printed(errors)).toContain('[c] 2 problems in components/c/component.yaml; pytest was not run:');
    expect(printed(errors)).toMatch(/\[c\] components\/c\/component\.yaml:3:\d+: inputs\[0\]\.default: "many" is not a valid Integer/);
    expect(printed(errors)).toMatch(/\[c\] components\/c\/component\.yaml:4:\d+: implementation\.container\.command\[1\]: must be a string/);
  });

  it('passes a sound one, printing its warnings, and a project without one', () => {
    writeFileSync(join(workspace, 'components/c/component.yaml'), 'name: c\ninputs:\n- {name: d, type: Datset}\nimplementation: {container: {image: i, command: [cat, {inputPath: d}]}}\n');
    expect(componentFileIsValid(workspace, 'components/c', 'c')).toBe(true);
    expect(printed(warnings)).toMatch(/\[c\] warning: components\/c\/component\.yaml:3:\d+: .*did you mean Dataset\?/);
    expect(componentFileIsValid(workspace, 'packages/component-runtime', 'component-runtime')).toBe(true);
    expect(errors).not.toHaveBeenCalled();
  });
});
