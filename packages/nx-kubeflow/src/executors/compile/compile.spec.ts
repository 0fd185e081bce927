import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { logger, type ExecutorContext } from '@nx/devkit';
import compileExecutor from './compile.impl';

let workspace: string;
let errors: string[];
let infos: string[];

function write(relativePath: string, text: string): void {
  mkdirSync(dirname(join(workspace, relativePath)), { recursive: true });
  writeFileSync(join(workspace, relativePath), text);
}

const context = (): ExecutorContext =>
  ({
    root: workspace,
    cwd: workspace,
    isVerbose: false,
    projectName: 'p',
    projectsConfigurations: { version: 2, projects: { p: { root: 'pipelines/p' }, echo: { root: 'components/echo' } } },
  }) as unknown as ExecutorContext;

beforeEach(() => {
  workspace = mkdtempSync(join(tmpdir(), 'nx-kubeflow-compile-executor-'));
  write(
    'components/echo/component.yaml',
    'name: echo\ninputs:\n- {name: text, type: String}\nimplementation:\n  container:\n    image: alpine\n    command: [echo, {inputValue: text}]\n',
  );
  write('pipelines/p/pipeline.yaml', 'name: p\nparameters:\n  text: {type: String, default: hi}\ntasks:\n  echo:\n    component: echo\n    arguments:\n      text: {parameter: text}\n');
  errors = [];
  infos = [];
  jest.spyOn(logger, 'error').mockImplementation((message: unknown) => void errors.push(String(message)));
  jest.spyOn(logger, 'info').mockImplementation((message: unknown) => void infos.push(String(message)));
});
afterEach(() => {
  jest.restoreAllMocks();
  rmSync(workspace, { recursive: true, force: true });
});

describe('compile executor', () => {
  it('writes dist/pipelines/<project>/<env>/pipeline.yaml and says where', async () => {
    expect(await compileExecutor({ env: 'production' }, context())).toEqual({ success: true });
    expect(readFileSync(join(workspace, 'dist/pipelines/p/production/pipeline.yaml'), 'utf8')).toContain('pipelineInfo:');
    expect(infos.join('\n')).toMatch(/\[p\] compiled \(production\) to dist\/pipelines\/p\/production\/pipeline\.yaml, sha256 [0-9a-f]{12}/);
  });

  it("removes the environment's previous IR when a settings file stops compile before it reads pipeline.yaml", async () => {
    expect(await compileExecutor({ env: 'production' }, context())).toEqual({ success: true });
    expect(existsSync(join(workspace, 'dist/pipelines/p/production/pipeline.yaml'))).toBe(true);
    write('pipelines/p/config/settings.toml', '[production\nx = 1\n');
    expect(await compileExecutor({ env: 'production' }, context())).toEqual({ success: false });
    expect(existsSync(join(workspace, 'dist/pipelines/p/production/pipeline.yaml'))).toBe(false);
  });

  it('fails with every problem listed and writes nothing', async () => {
    write('pipelines/p/pipeline.yaml', 'name: p\ntasks:\n  echo:\n    component: echoo\n  Bad: {component: echo}\n');
    expect(await compileExecutor({}, context())).toEqual({ success: false });
    expect(errors.join('\n')).toContain('[p] cannot compile: 3 problems found; nothing was written:');
    expect(errors.join('\n')).toContain('pipelines/p/pipeline.yaml:4:16: task "echo", component: unknown component "echoo"');
    expect(existsSync(join(workspace, 'dist'))).toBe(false);
  });
});
