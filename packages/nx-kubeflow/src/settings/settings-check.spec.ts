import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { checkSettingsFiles, checkSettingsFilesReadBy, settingsFileErrorLines, settingsFilesReadBy } from './settings-check';
import { SettingsFileError } from './settings-errors';

let workspace: string;
const projects = {
  'data-loader': { root: 'components/data-loader' },
  trainer: { root: 'components/trainer' },
  unused: { root: 'components/unused' },
  training: { root: 'pipelines/training' },
};

function write(path: string, text: string): void {
  mkdirSync(dirname(join(workspace, path)), { recursive: true });
  writeFileSync(join(workspace, path), text);
}

function problemsOf(action: () => void): Array<{ file: string; line?: number; column?: number }> {
  try {
    action();
  } catch (error) {
    if (error instanceof SettingsFileError) return error.problems.map(({ file, line, column }) => ({ file, line, column }));
    throw error;
  }
  return [];
}

beforeEach(() => {
  workspace = mkdtempSync(join(tmpdir(), 'nx-kubeflow-settings-check-'));
  for (const name of ['data-loader', 'trainer', 'unused']) {
    write(`components/${name}/component.yaml`, `name: ${name}\n`);
    write(`components/${name}/config/settings.toml`, '[default]\nlog_level = "INFO"\n');
  }
  write(
    'pipelines/training/pipeline.yaml',
    'name: training\ntasks:\n  load: {component: data-loader}\n  train: {component: trainer}\n  again: {component: trainer}\n  ghost: {component: nowhere}\n',
  );
  write('pipelines/training/config/settings.toml', '[default]\nkfp.host = "local"\n');
});
afterEach(() => rmSync(workspace, { recursive: true, force: true }));

describe('settingsFilesReadBy', () => {
  it("a pipeline target reads its own settings and those of each component its tasks name (each once, unknown ones left to compile)", () => {
    expect(settingsFilesReadBy({ workspaceRoot: workspace, projects, projectName: 'training' })).toEqual([
      join(workspace, 'pipelines/training/config/settings.toml'),
      join(workspace, 'components/data-loader/config/settings.toml'),
      join(workspace, 'components/trainer/config/settings.toml'),
    ]);
  });

  it("a component target reads its own, with --pipeline's first", () => {
    expect(settingsFilesReadBy({ workspaceRoot: workspace, projects, projectName: 'trainer' })).toEqual([
      join(workspace, 'components/trainer/config/settings.toml'),
    ]);
    expect(settingsFilesReadBy({ workspaceRoot: workspace, projects, projectName: 'trainer', pipelineName: 'training' })).toEqual([
      join(workspace, 'pipelines/training/config/settings.toml'),
      join(workspace, 'components/trainer/config/settings.toml'),
    ]);
  });

  it('reads nothing for an unknown project (the target reports it), nor for a name from the object prototype', () => {
    expect(settingsFilesReadBy({ workspaceRoot: workspace, projects, projectName: 'nowhere' })).toEqual([]);
    expect(settingsFilesReadBy({ workspaceRoot: workspace, projects, projectName: 'constructor' })).toEqual([]);
    expect(settingsFilesReadBy({ workspaceRoot: workspace, projects, projectName: 'trainer', pipelineName: 'toString' })).toEqual([
      join(workspace, 'components/trainer/config/settings.toml'),
    ]);
  });
});

describe('checkSettingsFilesReadBy', () => {
  it('passes valid and missing files', () => {
    rmSync(join(workspace, 'components/trainer/config/settings.toml'));
    expect(() => checkSettingsFilesReadBy({ workspaceRoot: workspace, projects, projectName: 'training' })).not.toThrow();
  });

  it("names every broken file a pipeline's target reads, local siblings included, workspace-relative with line and column", () => {
    write('components/trainer/config/settings.toml', '[default]\nlog_level = "INFO"\nbatch_size = 16 17\n');
    write('pipelines/training/config/settings.local.toml', '[development]\nkfp = { host = "local", }\n');
    write('components/unused/config/settings.toml', '[default\n');
    const problems = problemsOf(() => checkSettingsFilesReadBy({ workspaceRoot: workspace, projects, projectName: 'training' }));
    expect(problems).toEqual([
      { file: 'components/trainer/config/settings.toml', line: 3, column: expect.any(Number) },
      { file: 'pipelines/training/config/settings.local.toml', line: 2, column: expect.any(Number) },
    ]);
  });

  it('says how to fix it in the message', () => {
    write('components/data-loader/config/settings.toml', '[default]\nx = \n');
    expect(() => checkSettingsFilesReadBy({ workspaceRoot: workspace, projects, projectName: 'data-loader' })).toThrow(
      /not valid TOML 1\.0[\s\S]*components\/data-loader\/config\/settings\.toml:2:\d+: /,
    );
  });

  it('never opens .secrets.toml (the Python side reports its own)', () => {
    write('components/data-loader/config/.secrets.toml', 'not toml at all =\n');
    expect(() => checkSettingsFilesReadBy({ workspaceRoot: workspace, projects, projectName: 'data-loader' })).not.toThrow();
  });
});

describe('checkSettingsFiles', () => {
  it('shows absolute paths without a display root, and refuses a file that is not UTF-8', () => {
    const file = join(workspace, 'x/settings.toml');
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, Buffer.from([0x61, 0x20, 0x3d, 0x20, 0x22, 0xff, 0x22, 0x0a]));
    expect(problemsOf(() => checkSettingsFiles([file]))).toEqual([{ file, line: undefined, column: undefined }]);
  });
});

describe('settingsFileErrorLines', () => {
  it("gives every line of the check's message with the project's name in front, and none when all parse", () => {
    expect(settingsFileErrorLines({ workspaceRoot: workspace, projects, projectName: 'data-loader' })).toEqual([]);
    write('components/data-loader/config/settings.toml', '[default]\nx = \n');
    const lines = settingsFileErrorLines({ workspaceRoot: workspace, projects, projectName: 'data-loader' });
    expect(lines.length).toBeGreaterThan(1);
    expect(lines.every((line) => line.startsWith('[data-loader] '))).toBe(true);
    expect(lines.join('\n')).toMatch(/components\/data-loader\/config\/settings\.toml:2:\d+: /);
  });
});
