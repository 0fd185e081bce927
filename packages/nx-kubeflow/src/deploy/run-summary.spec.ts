import { formatDuration, formatRunSummary, formatTaskStateChange } from './run-summary';

describe('run output', () => {
  it('prints one aligned row per task and the run state', () => {
    const text = formatRunSummary({
      runId: 'r1',
      state: 'FAILED',
      tasks: [
        { name: 'data-loader', state: 'CACHED', durationMs: 12, attempts: 0, cached: true },
        { name: 'trainer', state: 'FAILED', durationMs: 61_500, attempts: 3, cached: false },
        { name: 'report', state: 'SKIPPED', attempts: 0, cached: false },
      ],
    });
    expect(text.split('\n')).toEqual([
      'task         state    duration  attempts  cached',
      '-----------  -------  --------  --------  ------',
      'data-loader  CACHED   12ms      0         yes',
      'trainer      FAILED   1m02s     3         no',
      'report       SKIPPED  -         0         no',
      '',
      'run r1: FAILED',
    ]);
  });

  it('says the attempt and the reason on a state change', () => {
    expect(formatTaskStateChange('r1', { task: 'trainer', state: 'RUNNING', attempt: 2 })).toBe('[run r1] trainer RUNNING (attempt 2)');
    expect(formatTaskStateChange('r1', { task: 'trainer', state: 'FAILED', message: 'exit 1' })).toBe('[run r1] trainer FAILED: exit 1');
    expect(formatDuration(1500)).toBe('1.5s');
  });
});
