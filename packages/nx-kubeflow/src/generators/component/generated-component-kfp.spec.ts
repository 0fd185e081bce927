/**
 * A generated component does what the examples do under KFP's executor: its
 * component.yaml passes the executor input (compiled to `{{$}}`) and the
 * run's identity (inputs defaulting to KFP's runtime placeholders), and its run.py writes the
 * executor output listing every output artifact and parameter - which its own
 * generated test checks. Generated into a scratch workspace beside a copy of
 * component-runtime; its tests run in a venv made as the test target makes it
 * (needs the package index for dynaconf and pytest; skips with a message without).
 */
import { isRequired } from '../../testing/suite-requirements';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { parseComponentSpec } from '../../kfp/component-spec';
import { commandLineToStrings } from '../../kfp/placeholders';
import { findPythonInterpreter } from '../../python/interpreter';
import { ensureProjectVenv } from '../../python/venv';
import { runProcess } from '../../process/run-process';
import { RUFF_VERSION } from '../../lint/ruff';
import { componentGenerator } from './component';

jest.setTimeout(15 * 60_000);

const WORKSPACE_ROOT = resolve(__dirname, '../../../../..');

let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'nx-kubeflow-generated-kfp-'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

it('generates a component whose arguments and run.py speak KFP executor input and output', async () => {
  const tree = createTreeWithEmptyWorkspace();
  tree.write('packages/component-runtime/pyproject.toml', '[project]\nname = "component-runtime"\n');
  await componentGenerator(tree, { name: 'scorer', inputs: 'dataset:Dataset,threshold:Float=0.5', outputs: 'report:Metrics,score:Float,labels:JsonArray' });
  await componentGenerator(tree, { name: 'plain' }); // the defaults, as `nx g component plain` makes it
  // descriptions too long for run.py's ArgumentParser line: ruff format puts the arguments on one line, or one per line
  await componentGenerator(tree, { name: 'described', description: 'Explains a quality gate verdict: a measured value against its limit, as a Markdown report' });
  await componentGenerator(tree, { name: 'verbose', description: `Does one thing and says so at length, ${'so that even the arguments alone overflow the line, '.repeat(2)}as some teams do` });
  // names long enough to make ruff format wrap lines, quotes in texts, every parameter type
  await componentGenerator(tree, {
    name: 'wide',
    description: 'Says "hi" to the input',
    // status: what KFP's driver passes an exit task, parsed by component-runtime into a dict
    inputs: 'a_very_long_input_name_for_testing_purposes:Dataset,cfg:JsonObject,items:JsonArray,flag:Boolean=true,n:Integer,q:String=say "x",status:PipelineTaskFinalStatus',
    outputs: 'a_very_long_output_name_for_the_artifact_x:Model,another_quite_long_output_name_here:Dataset,third_long_output_name_for_list:Dataset,p_long_output_parameter_name_abc:JsonObject',
  });

  const { spec, problems } = parseComponentSpec(tree.read('components/scorer/component.yaml', 'utf-8')!, 'components/scorer/component.yaml');
  expect(problems).toEqual([]);
  expect(commandLineToStrings(spec!.implementation.container.args, spec!).slice(0, 8)).toEqual([
    '--executor-input',
    '{{$}}',
    '--pipeline-job-name',
    '{{$.pipeline_job_name}}',
    '--pipeline-job-uuid',
    '{{$.pipeline_job_uuid}}',
    '--pipeline-task-name',
    "{{$.inputs.parameters['pipeline_task_name']}}",
  ]);
  // the task's name as an input defaulting to KFP's placeholder (its driver resolves it only as a task input
  // value); the run's name and id stay args, since an input holding them would change KFP's cache key every run
  expect(spec!.inputs.filter((input) => input.name.startsWith('pipeline_'))).toEqual([
    { name: 'pipeline_task_name', type: 'String', default: '{{$.pipeline_task_name}}' },
  ]);

  // on disk: the generated component beside the workspace's component-runtime
  for (const change of tree.listChanges()) {
    if (!change.path.startsWith('components/') || !change.content) continue;
    mkdirSync(dirname(join(scratch, change.path)), { recursive: true });
    writeFileSync(join(scratch, change.path), change.content);
  }
  const runtimeFiles = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '-z', '--', 'packages/component-runtime'], { cwd: WORKSPACE_ROOT, encoding: 'utf8' })
    .split('\0')
    .filter((file) => file && !file.includes('/.venv/'));
  for (const file of runtimeFiles) {
    mkdirSync(dirname(join(scratch, file)), { recursive: true });
    cpSync(join(WORKSPACE_ROOT, file), join(scratch, file));
  }

  let venv;
  try {
    venv = await ensureProjectVenv({ workspaceRoot: scratch, projectRoot: 'components/scorer', interpreter: await findPythonInterpreter(undefined), extras: ['test'], pipArgs: [] });
  } catch (error) {
    // where the run requires PyPI (CI), an unmade venv is a failure, never a pass
    if (isRequired('pypi')) throw error;
    console.warn(`Skipping the generated component's tests: its venv could not be made (package index unreachable?): ${(error as Error).message}`);
    return;
  }
  // What the lint target checks, with the ruff.toml init writes: a generated component passes as generated.
  cpSync(join(WORKSPACE_ROOT, 'ruff.toml'), join(scratch, 'ruff.toml'));
  const ruffInstall = await runProcess(venv.python, ['-m', 'pip', 'install', '-q', `ruff==${RUFF_VERSION}`], { cwd: scratch, tailLines: 20 });
  expect(ruffInstall.exitCode === 0 ? '' : ruffInstall.tail.join('\n')).toBe('');
  const ruff = join(dirname(venv.python), 'ruff');
  for (const command of [['check', '--no-cache'], ['format', '--check', '--no-cache']]) {
    const result = await runProcess(ruff, [...command, 'components'], { cwd: scratch, tailLines: 80 });
    expect({ command: command.join(' '), exitCode: result.exitCode, output: result.exitCode === 0 ? '' : result.tail.join('\n') }).toEqual({ command: command.join(' '), exitCode: 0, output: '' });
  }

  // plain and wide have the same dependencies, so scorer's venv runs their tests too
  for (const component of ['scorer', 'plain', 'wide']) {
    const result = await runProcess(venv.python, ['-m', 'pytest', '-q', '-p', 'no:cacheprovider'], { cwd: join(scratch, 'components', component), tailLines: 60 });
    expect({ component, exitCode: result.exitCode, output: result.tail.join('\n') }).toMatchObject({ component, exitCode: 0 });
    expect(result.tail.join('\n')).toMatch(/2 passed/);
  }
});
