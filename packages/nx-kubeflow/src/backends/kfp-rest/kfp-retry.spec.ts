import { KfpApiError } from './kfp-errors';
import { createOnce, lateLookupWaits, type RetryPolicy } from './kfp-retry';

const refused = () => new KfpApiError('POST /runs: cannot reach http://kfp: ECONNREFUSED. Check kfp.host.', { method: 'POST', path: '/runs', kind: 'connection', code: 'ECONNREFUSED', requestSent: false });
const timedOut = () => new KfpApiError('POST /runs: no answer from http://kfp within 30s (kfp.timeout_seconds).', { method: 'POST', path: '/runs', kind: 'timeout' });
const answered500 = () => new KfpApiError('POST /runs answered 500: db down.', { method: 'POST', path: '/runs', kind: 'http', status: 500, kfpErrorBody: true });

/** A create that fails with the given errors in turn, then makes { id: 'made' }; a find that answers from `found` in turn. */
function scenario(failures: Error[], found: ({ id: string } | undefined | Error)[] = []) {
  const calls = { creates: 0, finds: 0 };
  const lines: string[] = [];
  const sleeps: number[] = [];
  const policy: RetryPolicy = {
    retries: 3,
    baseDelayMs: 10,
    sleep: async (ms) => void sleeps.push(ms),
    onRetry: (line) => lines.push(line),
    lateWriteMs: 30_000,
  };
  const steps = {
    create: async () => {
      const failure = failures[calls.creates++];
      if (failure) throw failure;
      return { id: 'made' };
    },
    find: async () => {
      const answer = found[calls.finds++];
      if (answer instanceof Error) throw answer;
      return answer;
    },
  };
  return { calls, lines, sleeps, policy, steps };
}

describe('createOnce', () => {
  it('looks over about lateWriteMs with doubling waits', () => {
    expect(lateLookupWaits(30_000)).toEqual([2000, 4000, 8000, 16000]);
    expect(lateLookupWaits(150)).toEqual([10, 20, 40, 80]);
  });

  describe('no uniqueness on the server (runs, recurring runs)', () => {
    const notUnique = { nameUniqueOnServer: false as const, where: 'experiment "nightly"' };

    it('a request that never left is sent again, without a lookup', async () => {
      const s = scenario([refused()]);
      await expect(createOnce(s.policy, 'run "r"', { ...s.steps, ...notUnique })).resolves.toEqual({ id: 'made' });
      expect(s.calls).toEqual({ creates: 2, finds: 0 });
      expect(s.lines).toEqual([expect.stringMatching(/^run "r" failed \(.*ECONNREFUSED.*\); it never reached the server: attempt 2 of 4 in 10 ms$/)]);
    });

    it("the API server's 5xx answer and an empty lookup: sent again", async () => {
      const s = scenario([answered500()], [undefined]);
      await expect(createOnce(s.policy, 'run "r"', { ...s.steps, ...notUnique })).resolves.toEqual({ id: 'made' });
      expect(s.calls).toEqual({ creates: 2, finds: 1 });
      expect(s.lines).toEqual([expect.stringContaining('not created on the server: attempt 2 of 4')]);
    });

    it('no answer: never sent again; looked for with backoff and taken when it shows', async () => {
      const s = scenario([timedOut()], [undefined, undefined, { id: 'late' }]);
      await expect(createOnce(s.policy, 'run "r"', { ...s.steps, ...notUnique })).resolves.toEqual({ id: 'late' });
      expect(s.calls).toEqual({ creates: 1, finds: 3 });
      expect(s.sleeps).toEqual([2000, 4000]);
      expect(s.lines[1]).toBe('run "r": found on the server (look 3 of 5): the unanswered create had happened, so that is used');
    });

    it('no answer and still absent after the looks: a KfpApiError that says it may still appear and where to check', async () => {
      const s = scenario([timedOut(), timedOut()], []);
      const attempt = createOnce(s.policy, 'run "r"', { ...s.steps, ...notUnique });
      await expect(attempt).rejects.toThrow(
        'run "r" in experiment "nightly": POST /runs: no answer from http://kfp within 30s (kfp.timeout_seconds). It was sent once and not again (nothing on the server stops a second one), ' +
          'and not found by name within 30s, but it may still appear on the server. Check the KFP UI (experiment "nightly") for run "r" before deploying again: deploying again makes another one.',
      );
      await expect(attempt).rejects.toBeInstanceOf(KfpApiError);
      expect(s.calls).toEqual({ creates: 1, finds: 5 });
      expect(s.sleeps).toEqual([2000, 4000, 8000, 16000]);
    });

    it('no answer after a retry that never left: still only one create that may have landed', async () => {
      const s = scenario([refused(), timedOut()], [undefined, undefined, undefined, undefined, undefined]);
      await expect(createOnce(s.policy, 'run "r"', { ...s.steps, ...notUnique })).rejects.toThrow(/may still appear on the server/);
      expect(s.calls).toEqual({ creates: 2, finds: 5 });
    });

    it('looking fails too: the error says the create may have happened', async () => {
      const s = scenario([timedOut()], [new Error('GET /runs answered 403: no.')]);
      await expect(createOnce(s.policy, 'run "r"', { ...s.steps, ...notUnique })).rejects.toThrow(
        /^run "r" in experiment "nightly": .* It was sent once and may have been created, or may still be; looking for it failed \(GET \/runs answered 403: no\.\)\. Check the KFP UI/,
      );
      expect(s.calls.creates).toBe(1);
    });
  });

  describe('names notUnique on the server (pipelines, versions, experiments)', () => {
    it('no answer and an empty lookup: sent again, since the server refuses a second of that name', async () => {
      const s = scenario([timedOut()], [undefined]);
      await expect(createOnce(s.policy, 'version v', { ...s.steps, nameUniqueOnServer: true })).resolves.toEqual({ id: 'made' });
      expect(s.calls).toEqual({ creates: 2, finds: 1 });
      expect(s.lines).toEqual([expect.stringContaining('not on the server (yet); sending it again is safe, the server refuses a second of that name: attempt 2 of 4 in 10 ms')]);
    });

    it('a 409 is looked up and taken', async () => {
      const conflict = new KfpApiError('POST /experiments answered 409: exists.', { method: 'POST', path: '/experiments', kind: 'http', status: 409, kfpErrorBody: true });
      const s = scenario([conflict], [{ id: 'there' }]);
      await expect(createOnce(s.policy, 'experiment e', { ...s.steps, nameUniqueOnServer: true })).resolves.toEqual({ id: 'there' });
      expect(s.calls).toEqual({ creates: 1, finds: 1 });
    });

    it('retries run out: the last error', async () => {
      const s = scenario([refused(), refused(), refused(), refused()]);
      await expect(createOnce(s.policy, 'pipeline p', { ...s.steps, nameUniqueOnServer: true })).rejects.toThrow(/ECONNREFUSED/);
      expect(s.calls).toEqual({ creates: 4, finds: 0 });
      expect(s.sleeps).toEqual([10, 20, 40]);
    });
  });
});
