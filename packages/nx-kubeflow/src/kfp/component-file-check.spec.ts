import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { componentFileProblems } from './component-file-check';

describe('componentFileProblems', () => {
  let workspace: string;
  beforeEach(() => {
    workspace = mkdtempSync(join(tmpdir(), 'component-file-check-'));
    mkdirSync(join(workspace, 'components/c'), { recursive: true });
  });
  afterEach(() => rmSync(workspace, { recursive: true, force: true }));

  it('names every problem of a broken component.yaml at file:line:column', () => {
    writeFileSync(join(workspace, 'components/c/component.yaml'), 'name: c\ninputs:\n- {name: n, type: Integer, default: many}\nimplementation: {container: {image: i, command: [sleep, 5]}}\n');
    const { problems } = componentFileProblems(workspace, 'components/c');
    expect(problems[0]).toBe('2 problems in components/c/component.yaml; pytest was not run:');
    expect(problems.join('\n')).toMatch(/^components\/c\/component\.yaml:3:\d+: inputs\[0\]\.default: "many" is not a valid Integer/m);
    expect(problems.join('\n')).toMatch(/^components\/c\/component\.yaml:4:\d+: implementation\.container\.command\[1\]: must be a string/m);
  });

  it('passes a sound one with its warnings, and a project without one', () => {
    writeFileSync(join(workspace, 'components/c/component.yaml'), 'name: c\ninputs:\n- {name: d, type: Datset}\nimplementation: {container: {image: i, command: [cat, {inputPath: d}]}}\n');
    const sound = componentFileProblems(workspace, 'components/c');
    expect(sound.problems).toEqual([]);
    expect(sound.warnings.join('\n')).toMatch(/^warning: components\/c\/component\.yaml:3:\d+: .*did you mean Dataset\?/);
    expect(componentFileProblems(workspace, 'packages/component-runtime')).toEqual({ problems: [], warnings: [] });
  });
});
