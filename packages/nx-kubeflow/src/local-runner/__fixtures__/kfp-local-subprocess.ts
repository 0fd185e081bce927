/**
 * kfp.local's SubprocessRunner for the suites that hold the local runner to it: the conformance
 * suites' venv (tmp/kfp-venv, kfp 2.17.3 there; no `docker` package needed, as no engine is used)
 * runs tools/kfp-reference/run_kfp_local.py --runner subprocess on an IR, whose tasks must be
 * lightweight Python components (py-double, py-note). The local runner runs the same components
 * with that venv's python3 first on PATH (kfp's executor is their runtime, as sys.executable is
 * kfp.local's): runnerEnv gives that environment.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { kfpPython } from '../../kfp/__fixtures__/conformance-env';
import { runProcess } from '../../process/run-process';
import { RUN_KFP_LOCAL } from './kfp-local-env';

export type KfpLocalResult = {
  job: string;
  /** By folder below the job folder: <component>, <loop>-iteration-<i>/<component>, ... */
  tasks: Record<string, { executor_output: Record<string, any> | null; files: Record<string, string> }>;
  outputs: Record<string, unknown>;
  error?: string;
};

/** The venv's python, or why there is none (the suite then skips, or fails where pypi is required). */
export function kfpSubprocessPython(): { ok: true; python: string } | { ok: false; reason: string } {
  const found = kfpPython();
  return found.ok ? found : { ok: false, reason: found.reason };
}

/**
 * Runs `irFile` under kfp.local with `parameters` in `scratch`/kfp-local-<name>; kfp's lightweight command makes a
 * temporary folder per task (mktemp -d) and leaves it, so TMPDIR is `scratch`/tmp, for both runners (runnerEnv).
 */
export async function runKfpLocalSubprocess(options: { python: string; irFile: string; scratch: string; name: string; parameters: Record<string, unknown> }) {
  const root = join(options.scratch, `kfp-local-${options.name}`);
  const resultFile = join(options.scratch, `kfp-local-${options.name}.json`);
  const args = Object.entries(options.parameters).map(([parameter, value]) => `${parameter}=${JSON.stringify(value)}`);
  const process_ = await runProcess(options.python, [RUN_KFP_LOCAL, '--runner', 'subprocess', options.irFile, root, resultFile, ...args], {
    tailLines: 80,
    env: { ...process.env, TMPDIR: temporaryDir(options.scratch) },
  });
  let result: KfpLocalResult;
  try {
    result = JSON.parse(readFileSync(resultFile, 'utf8'));
  } catch {
    throw new Error(`kfp.local wrote no result (exit ${process_.exitCode}):\n${process_.tail.join('\n')}`);
  }
  return { exitCode: process_.exitCode, tail: process_.tail, result };
}

function temporaryDir(scratch: string): string {
  const temporary = join(scratch, 'tmp');
  mkdirSync(temporary, { recursive: true });
  return temporary;
}

/** The env for runPipeline: the venv's python3 first on PATH, TMPDIR as kfp.local had it. */
export function runnerEnv(python: string, scratch: string): Record<string, string> {
  return { PATH: `${dirname(python)}:${process.env.PATH ?? ''}`, TMPDIR: temporaryDir(scratch) };
}

/** kfp.local prints its messages with ANSI colours; without them, for comparing. */
// eslint-disable-next-line no-control-regex
export const plain = (text: string) => text.replace(/\u001b\[\d+m/g, '');

type Tree = Record<string, any>;

/** kfp.local's folder (below its job folder) for a task this runner names <loop>-iteration-<i>/<task>/<inner task>. */
export function kfpLocalFolder(spec: Tree, task: string): string {
  // a task under a condition is in its group's dag (the run names it without the group)
  const find = (dag: Tree, name: string): Tree | undefined =>
    dag.tasks[name] ??
    Object.entries<Tree>(dag.tasks)
      .filter(([group]) => /^condition-/.test(group))
      .map(([, group]) => find(spec.components[group.componentRef.name].dag, name))
      .find(Boolean);
  let dag: Tree = spec.root.dag;
  const folders: string[] = [];
  for (const segment of task.split('/')) {
    const iteration = /^(.+)-iteration-\d+$/.exec(segment);
    const child: Tree = find(dag, iteration ? iteration[1] : segment)!;
    const component: Tree = spec.components[child.componentRef.name];
    if (iteration) folders.push(segment);
    if (component.dag) dag = component.dag;
    else folders.push(String(child.componentRef.name).replace(/^comp-/, ''));
  }
  return folders.join('/');
}
