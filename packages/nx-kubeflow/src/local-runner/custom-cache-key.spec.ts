/**
 * set_caching_options(cache_key=...) in a local run: the task's own key
 * stands for its inputs and executor, as the IR's CachingOptions says, so a
 * task with the same key and component is taken from the cache even when
 * its inputs changed; another key runs it.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commandModes, fixtureIr, WORKSPACE_ROOT, type FixtureTask } from './__fixtures__/fixture-pipeline';
import { runPipeline } from './run-pipeline';

jest.setTimeout(60_000);

let scratch: string;
beforeEach(() => {
  scratch = mkdtempSync(join(tmpdir(), 'nx-kubeflow-cache-key-'));
});
afterEach(() => rmSync(scratch, { recursive: true, force: true }));

const task = (script: string, cacheKey: string): FixtureTask => ({ name: 'keyed', component: 'shell', arguments: { script: { kind: 'literal', value: script } }, cache_key: cacheKey });

async function run(runId: string, tasks: FixtureTask[]) {
  const result = await runPipeline({ ir: fixtureIr(tasks), runDir: join(scratch, runId), runId, pipelineName: 'fixture', tasks: commandModes(tasks), workspaceRoot: WORKSPACE_ROOT, cacheDir: join(scratch, 'cache') });
  expect(result.error).toBeUndefined();
  return result.tasks[0];
}

describe('a task with its own cache key', () => {
  it('is taken from the cache whatever its inputs while the key is the same, and runs for another key', async () => {
    expect((await run('one', [task('echo one', 'k1')])).cached).toBeFalsy();
    const same = await run('two', [task('echo two', 'k1')]);
    expect(same.cached).toBe(true);
    expect(readFileSync(same.logFile, 'utf8')).toContain('one\n');
    const other = await run('three', [task('echo three', 'k2')]);
    expect(other.cached).toBeFalsy();
    expect(readFileSync(other.logFile, 'utf8')).toBe('three\n');
  });
});
