import { FailedStepTracker } from './failed-step';

const feed = (lines: string[]) => {
  const tracker = new FailedStepTracker();
  lines.forEach((line) => tracker.onLine(line));
  return tracker.failedStep;
};

describe('FailedStepTracker', () => {
  it('names the BuildKit step whose number printed ERROR', () => {
    expect(
      feed([
        '#5 [2/4] RUN echo one',
        '#5 DONE 0.5s',
        '#6 [3/4] RUN echo failing-now && exit 3',
        '#6 0.936 failing-now',
        '#6 ERROR: executor failed running [/bin/sh -c echo failing-now && exit 3]: exit code: 3',
      ]),
    ).toBe('[3/4] RUN echo failing-now && exit 3');
  });

  it('names the buildah step, numbered', () => {
    expect(
      feed([
        'STEP 2/4: RUN echo one',
        'STEP 3/4: RUN echo failing-now && exit 3',
        'Error: building at STEP "RUN echo failing-now && exit 3": exit status 3',
      ]),
    ).toBe('[3/4] RUN echo failing-now && exit 3');
  });

  it('says nothing when no step failed', () => {
    expect(feed(['#5 [2/4] RUN echo one', '#5 DONE 0.5s'])).toBeUndefined();
  });
});
