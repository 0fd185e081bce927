/**
 * {one_of: [{task: a, output: x}, {task: b, output: y}, ...]}: dsl.OneOf, the output of whichever branch of an
 * if/elif/else ran, as a task argument or a pipeline output. The reader takes the shape; where the tasks sit and
 * what types they give is check-one-of.ts's.
 */
import type { OutputReference } from '../kfp/pipeline-model';
import type { LoopReport } from './read-loop';
import type { YamlPath } from './yaml-source';

export const ONE_OF_REFERENCE_KEYS = ['task', 'output'] as const;

const isDict = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/** The entries of {one_of: [...]} at `path`, or undefined (reported). `task` is the task whose argument it is, absent for a pipeline output. */
export function readOneOf(value: Record<string, unknown>, path: YamlPath, task: string | undefined, report: LoopReport): OutputReference[] | undefined {
  const options = task !== undefined ? { task } : {};
  let valid = true;
  for (const key of Object.keys(value)) {
    if (key !== 'one_of') {
      report([...path, key], `unknown key "${key}" beside one_of; write {one_of: [{task: a, output: x}, {task: b, output: y}]}.`, { ...options, of: 'key' });
      valid = false;
    }
  }
  const list = value.one_of;
  const listPath = [...path, 'one_of'];
  if (!Array.isArray(list) || list.length < 2) {
    report(listPath, 'must list one output reference {task: t, output: o} per branch of an if/elif/else block (at least two: the if and the else).', options);
    return undefined;
  }
  const entries: OutputReference[] = [];
  list.forEach((entry, index) => {
    const at = [...listPath, index];
    if (!isDict(entry)) {
      report(at, 'must be an output reference {task: t, output: o} of a task directly under one branch.', options);
      valid = false;
      return;
    }
    for (const key of Object.keys(entry)) {
      if (!(ONE_OF_REFERENCE_KEYS as readonly string[]).includes(key)) {
        report([...at, key], `unknown key "${key}" in an output reference; allowed: task, output.`, { ...options, of: 'key' });
        valid = false;
      }
    }
    for (const key of ONE_OF_REFERENCE_KEYS) {
      if (typeof entry[key] !== 'string' || entry[key] === '') {
        report(key in entry ? [...at, key] : at, `needs ${key}: ${key === 'task' ? 'a task directly under one branch of an if/elif/else' : "that task's output name"}.`, options);
        valid = false;
      }
    }
    if (valid) entries.push({ task: entry.task as string, output: entry.output as string });
  });
  return valid ? entries : undefined;
}
