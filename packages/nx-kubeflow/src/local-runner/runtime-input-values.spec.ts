import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commandModes, fixtureIr, WORKSPACE_ROOT, type FixtureTask } from './__fixtures__/fixture-pipeline';
import { runPipeline } from './run-pipeline';
import { withRuntimeInputValues } from './runtime-input-values';

const identity = { pipelineName: 'training-pipeline', runId: 'r1', task: 'trainer' };

describe('runtime placeholders as task input constants', () => {
  it('resolves a constant that is exactly one, as the KFP driver does', () => {
    const task = {
      parameterInputs: {
        job: { kind: 'constant', value: '{{$.pipeline_job_name}}' },
        resource: { kind: 'constant', value: '{{$.pipeline_job_resource_name}}' },
        run: { kind: 'constant', value: '{{$.pipeline_job_uuid}}' },
        name: { kind: 'constant', value: '{{$.pipeline_task_name}}' },
        id: { kind: 'constant', value: '{{$.pipeline_task_uuid}}' },
      },
    } as const;
    const parameters = {
      job: '{{$.pipeline_job_name}}',
      resource: '{{$.pipeline_job_resource_name}}',
      run: '{{$.pipeline_job_uuid}}',
      name: '{{$.pipeline_task_name}}',
      id: '{{$.pipeline_task_uuid}}',
      epochs: 3,
    };
    expect(withRuntimeInputValues(task, parameters, identity)).toEqual({
      job: 'training-pipeline-r1',
      resource: 'training-pipeline-r1',
      run: 'r1',
      name: 'trainer',
      id: 'r1.trainer',
      epochs: 3,
    });
    // a new record
    expect(parameters.run).toBe('{{$.pipeline_job_uuid}}');
  });

  it('leaves a component default, a parameter, a placeholder inside other text and the times as written', () => {
    const task = {
      parameterInputs: {
        fromParameter: { kind: 'root-parameter', name: 'who' },
        inside: { kind: 'constant', value: 'run-{{$.pipeline_job_uuid}}' },
        created: { kind: 'constant', value: '{{$.pipeline_job_create_time_utc}}' },
        scheduled: { kind: 'constant', value: '{{$.pipeline_job_schedule_time_utc}}' },
      },
    } as const;
    const parameters = {
      fromParameter: '{{$.pipeline_job_uuid}}',
      inside: 'run-{{$.pipeline_job_uuid}}',
      created: '{{$.pipeline_job_create_time_utc}}',
      scheduled: '{{$.pipeline_job_schedule_time_utc}}',
      // no task input: the component's default, which the driver copies unresolved
      fromDefault: '{{$.pipeline_job_uuid}}',
    };
    expect(withRuntimeInputValues(task, parameters, identity)).toEqual(parameters);
  });
});

describe('a local run', () => {
  let scratch: string;
  beforeEach(() => {
    scratch = mkdtempSync(join(tmpdir(), 'nx-kubeflow-runtime-inputs-'));
  });
  afterEach(() => rmSync(scratch, { recursive: true, force: true }));

  const tasks: FixtureTask[] = [
    // the placeholders as whole task input constants: resolved
    { name: 'whole', component: 'append-text', arguments: { prefix: { kind: 'literal', value: '{{$.pipeline_task_name}}' }, text: { kind: 'literal', value: '{{$.pipeline_job_uuid}}' } } },
    // inside other text: the driver leaves it, and so does the runner
    { name: 'inside', component: 'append-text', arguments: { text: { kind: 'literal', value: 'id={{$.pipeline_job_name}}' } } },
  ];
  const runOnce = (runId: string) =>
    runPipeline({
      ir: fixtureIr(tasks),
      runDir: join(scratch, 'runs', runId),
      runId,
      pipelineName: 'fixture',
      tasks: commandModes(tasks),
      workspaceRoot: WORKSPACE_ROOT,
      cacheDir: join(scratch, 'cache'),
      backoffScale: 0,
    });

  it('passes the resolved values to the task, and keys the cache on the IR constants', async () => {
    const first = await runOnce('r-1');
    expect(first.error).toBeUndefined();
    const text = (task: string, result = first) => readFileSync(result.tasks.find((record) => record.name === task)!.outputs.artifacts.result.path, 'utf8');
    expect(text('whole')).toBe('whole:r-1\n');
    expect(text('inside')).toBe('p:id={{$.pipeline_job_name}}\n');
    // the identity differs in each run; the task's inputs as the IR gives them do not
    const second = await runOnce('r-2');
    expect(second.tasks.map((task) => task.state)).toEqual(['CACHED', 'CACHED']);
    expect(text('whole', second)).toBe('whole:r-1\n');
  });
});
