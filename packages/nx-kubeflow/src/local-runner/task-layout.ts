/**
 * Where a task's files live in a run folder: runDir/<task>/log.txt and
 * runDir/<task>/outputs/{artifacts,parameters}/<name>, the local stand-in for
 * the object store paths KFP's launcher hands a container.
 */
import { join } from 'node:path';
import type { ArtifactLocation } from './placeholder-resolver';

export interface TaskLayout {
  dir: string;
  outputsDir: string;
  logFile: string;
  artifact(name: string): ArtifactLocation;
  parameterFile(name: string): string;
  /** The log of an earlier attempt, kept when the task is retried. */
  attemptLogFile(attempt: number): string;
}

export function taskLayout(runDir: string, task: string): TaskLayout {
  const dir = join(runDir, task);
  const outputsDir = join(dir, 'outputs');
  return {
    dir,
    outputsDir,
    logFile: join(dir, 'log.txt'),
    artifact: (name) => {
      const path = join(outputsDir, 'artifacts', name);
      return { path, uri: path };
    },
    parameterFile: (name) => join(outputsDir, 'parameters', name),
    attemptLogFile: (attempt) => join(dir, `log.attempt-${attempt}.txt`),
  };
}
