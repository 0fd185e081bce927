/**
 * Finds the Dockerfile step a build failed in, from the engine's own output,
 * so the error message can name it (`[3/8] RUN pip install ...`) instead of
 * leaving the reader to scroll through the log.
 *
 * BuildKit (docker) prints `#6 [3/4] RUN ...` when a step starts and
 * `#6 ERROR: ...` when it fails; buildah and podman print `STEP 3/4: RUN ...`
 * and end with `building at STEP "RUN ...": exit status 3`.
 */
import type { BuildRequest, BuildResult } from './container-engine';
import { captureCommand } from './engine-cli';

export class FailedStepTracker {
  private readonly buildkitSteps = new Map<string, string>();
  private buildkitFailed?: string;
  private lastBuildahStep?: string;
  private buildahFailed?: string;

  onLine(line: string): void {
    const buildkitStep = /^#(\d+) (\[[^\]]*\d+\/\d+\] .*)$/.exec(line);
    if (buildkitStep) {
      this.buildkitSteps.set(buildkitStep[1], buildkitStep[2]);
      return;
    }
    const buildkitError = /^#(\d+) ERROR:/.exec(line);
    if (buildkitError && this.buildkitFailed === undefined) {
      this.buildkitFailed = this.buildkitSteps.get(buildkitError[1]);
      return;
    }
    const buildahStep = /^STEP (\d+\/\d+): (.*)$/.exec(line);
    if (buildahStep) {
      this.lastBuildahStep = `[${buildahStep[1]}] ${buildahStep[2]}`;
      return;
    }
    const buildahError = /building at STEP "(.*)": /.exec(line);
    if (buildahError) {
      const numbered = this.lastBuildahStep?.endsWith(buildahError[1]) ? this.lastBuildahStep : undefined;
      this.buildahFailed = numbered ?? buildahError[1];
    }
  }

  get failedStep(): string | undefined {
    return this.buildkitFailed ?? this.buildahFailed;
  }
}

/**
 * Runs an engine's build command, following its output for the step that
 * failed; both engines' builds end the same way.
 */
export async function runBuildCommand(
  program: string,
  args: string[],
  request: Pick<BuildRequest, 'signal' | 'onLine'>,
  env?: NodeJS.ProcessEnv,
): Promise<BuildResult> {
  const steps = new FailedStepTracker();
  const result = await captureCommand(program, args, {
    ...(env ? { env } : {}),
    signal: request.signal,
    tailLines: 40,
    onLine: (line, stream) => {
      steps.onLine(line);
      request.onLine?.(line, stream);
    },
  });
  return { exitCode: result.exitCode, tail: result.tail, failedStep: steps.failedStep };
}
