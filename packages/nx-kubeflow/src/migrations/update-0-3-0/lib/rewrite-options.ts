import testExecutorSchema from '../../../executors/test/schema.json';
import { SETTINGS_ENV_OPTION } from '../../../pipeline/pipeline-cli-lookup';
import { PLUGIN_PACKAGE_NAME } from '../../../plugin/plugin-options';
import { pytestArgsFromOverrides } from '../../../python/pytest-args';
import { renameKey } from '../../update-0-2-0/rename-parallel-to-max-parallel-tasks';
import { PIPELINE_KINDS, type CommandKind, type CommandNames } from './command-kinds';
import { pick, shellWord, type Options, type Target } from './targets';

/** The options run-commands takes for itself (env, args, cwd, parallel, ...): never the command's, and never moved. */
const RUN_COMMANDS_OPTIONS: ReadonlySet<string> = new Set(
  Object.keys((require('nx/src/executors/run-commands/schema.json') as { properties: Record<string, unknown> }).properties),
);

const TEST_EXECUTOR_OPTIONS: ReadonlySet<string> = new Set(Object.keys(testExecutorSchema.properties));
/** What decides what a venv holds: the venv target's options in 0.3.0, the test target's before. */
export const MOVED_VENV_OPTIONS = ['python', 'extras', 'indexUrl'] as const;
/** Shown while installing: test still takes it for a venv it must make itself, so it is copied, not moved. */
export const COPIED_VENV_OPTIONS = ['showInstallOutput'] as const;

/** A target's options rewritten for its command: `own` stays on the target, `venv` goes to the venv target (test only). */
interface RewrittenOptions {
  own: Options;
  venv: Options;
  /** What the command will not see as it was meant, for a warning. */
  problems: string[];
}

/** A target rewritten for its command, and the options it hands to the venv target. */
interface RewrittenTarget {
  target: Target;
  venv: Target | undefined;
  problems: string[];
}

/** A target's options and configurations rewritten for its command; `executor` is the caller's to drop. */
export function rewriteTarget(names: CommandNames, kind: CommandKind, target: Target, where: string, { moveVenvOptions = true } = {}): RewrittenTarget {
  const result: Target = {};
  let venv: Target | undefined;
  const problems: string[] = [];
  for (const [key, value] of Object.entries(target)) {
    if (key === 'options' && value && typeof value === 'object') {
      const { own, venv: venvOptions, problems: found } = rewriteOptions(names, kind, value as Options, `${where}.options`, { moveVenvOptions });
      problems.push(...found);
      if (Object.keys(own).length > 0 || Object.keys(value).length === 0) result.options = own;
      if (Object.keys(venvOptions).length > 0) venv = { ...(venv ?? {}), options: venvOptions };
    } else if (key === 'configurations' && value && typeof value === 'object') {
      const configurations: Record<string, Options> = {};
      const venvConfigurations: Record<string, Options> = {};
      for (const [configuration, options] of Object.entries(value as Record<string, Options>)) {
        const rewritten = rewriteOptions(names, kind, options ?? {}, `${where}.configurations.${configuration}`, { moveVenvOptions });
        // kept even when emptied, so `-c <name>` still names a configuration of this target
        configurations[configuration] = rewritten.own;
        problems.push(...rewritten.problems);
        if (Object.keys(rewritten.venv).length > 0) venvConfigurations[configuration] = rewritten.venv;
      }
      result.configurations = configurations;
      if (Object.keys(venvConfigurations).length > 0) venv = { ...(venv ?? {}), configurations: venvConfigurations };
    } else if (key === 'outputs' && Array.isArray(value) && PIPELINE_KINDS.includes(kind)) {
      result.outputs = value.map((output) => (typeof output === 'string' ? output.split('{options.env}').join(`{options.${SETTINGS_ENV_OPTION}}`) : output));
    } else {
      result[key] = value;
    }
  }
  return { target: result, venv, problems };
}

/** One options object (a target's, or a configuration's) rewritten for the command of `kind`. */
export function rewriteOptions(names: CommandNames, kind: CommandKind, options: Options, where: string, { moveVenvOptions = true } = {}): RewrittenOptions {
  let own: Options = { ...options };
  const venv: Options = {};
  const problems: string[] = [];
  let extraArgs: string[] = [];
  if ((kind === 'venv' || kind === 'test') && Array.isArray(own.extras)) {
    own.extras = own.extras.map(String).join(',');
  }
  if (kind === 'test' && moveVenvOptions) {
    for (const name of MOVED_VENV_OPTIONS) {
      if (name in own) {
        venv[name] = own[name];
        delete own[name];
      }
    }
    for (const name of COPIED_VENV_OPTIONS) if (name in own) venv[name] = own[name];
  }
  if (kind === 'test') {
    // The executor passed pytestArgs and every option it did not know to pytest; the command takes
    // pytest's arguments as arguments, which run-commands' `args` adds to the command line.
    const passThrough = Object.keys(own).filter((name) => !TEST_EXECUTOR_OPTIONS.has(name) && !RUN_COMMANDS_OPTIONS.has(name) && !name.startsWith('__'));
    const listed = own.pytestArgs === undefined ? [] : ([] as unknown[]).concat(own.pytestArgs).map(String);
    extraArgs = [...listed, ...pytestArgsFromOverrides(pick(own, passThrough), [])];
    delete own.pytestArgs;
    for (const name of passThrough) delete own[name];
  }
  if (PIPELINE_KINDS.includes(kind)) {
    if (typeof own.env === 'string') {
      if (SETTINGS_ENV_OPTION in own && own[SETTINGS_ENV_OPTION] !== own.env) {
        problems.push(`${where} set both env "${own.env}" and ${SETTINGS_ENV_OPTION} "${String(own[SETTINGS_ENV_OPTION])}"; ${SETTINGS_ENV_OPTION} was kept and env dropped.`);
      }
      own = renameKey(own, 'env', SETTINGS_ENV_OPTION);
    }
    if (kind !== 'compile' && 'parallel' in own) own = renameKey(own, 'parallel', 'maxParallelTasks');
    if (Array.isArray(own.param)) {
      const params = own.param.map(String);
      if (params.length === 1) own.param = params[0];
      else {
        delete own.param;
        extraArgs = params.map((param) => `--param=${param}`);
      }
    }
  }
  if (extraArgs.length > 0) {
    const quoted = extraArgs.map(shellWord).join(' ');
    const existing = ([] as unknown[]).concat(own.args ?? []).map(String).join(' ');
    own.args = existing ? `${existing} ${quoted}` : quoted;
  }
  for (const [name, value] of Object.entries(own)) {
    if (value !== null && typeof value === 'object' && !RUN_COMMANDS_OPTIONS.has(name)) {
      problems.push(
        `${where}.${name} is ${Array.isArray(value) ? 'a list' : 'an object'}, which run-commands does not pass to a command: ${PLUGIN_PACKAGE_NAME}'s "${names[kind]}" command ` +
          `never sees it. Give it as a single value, or as arguments in "args".`,
      );
    }
  }
  return { own, venv, problems };
}
