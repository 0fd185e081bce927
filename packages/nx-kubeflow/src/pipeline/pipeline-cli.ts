/**
 * The inferred `compile`, `deploy` and `run` targets' command:
 *   node <this file> compile|deploy|run <project> <project root> [--name=value ...]
 *
 * Why a command and not the nx-kubeflow:compile / deploy / run executors:
 * Nx runs an `nx:run-commands` target inside its own process and forks a
 * Node process that loads Nx and the project graph for every other executor
 * (@nx/devkit alone is 250-430 ms to load); a compile or deploy paid about
 * 0.5 s of CPU over `nx:noop` for that (tools/bench/README.md). This file
 * loads no part of Nx: the project roots the libraries take come from Nx's
 * cached project graph, checked, else from the folders (pipeline-cli-projects.ts).
 *
 * The executors stay, for project.json users, as shells over runCompileCommand
 * and runDeployCommand (pipeline-cli-deploy.ts, loaded only for deploy and run): one implementation. Options are the executors'
 * schema.json properties, read from those files and parsed by their types;
 * one more, settingsEnv, names the environment as --env does, because Nx's
 * run-commands owns `env` (environment variables): `nx run p:deploy --env x`
 * is refused by Nx before this command starts, and configurations (-c x)
 * pass --settingsEnv=x.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { settingsFileErrorLines } from '../settings/settings-check';
import { compileEnvironment, compilePipelineProject, isFolderName, pipelineOutputFile, removeStaleOutput } from './compile-pipeline-project';
import { PipelineCheckError } from './pipeline-problems';
import { SETTINGS_ENV_OPTION } from './pipeline-cli-lookup';
import { pipelineProjects, type ProjectRoots } from './pipeline-cli-projects';
import type { CompileExecutorSchema } from '../executors/compile/schema';
import type { DeployExecutorSchema } from '../executors/deploy/schema';
import { runCommandMain } from '../process/command-main';

export type PipelineCommand = 'compile' | 'deploy' | 'run';
export const PIPELINE_COMMANDS: readonly PipelineCommand[] = ['compile', 'deploy', 'run'];


/** Options of compile: the executor's (schema.json, typed in schema.d.ts); deploy's are in pipeline-cli-deploy.ts. */
export type CompileCommandOptions = CompileExecutorSchema;

export interface ParsedPipelineCommand {
  command: PipelineCommand;
  projectName: string;
  projectRoot: string;
  options: Record<string, string | boolean | number | string[]>;
}

export class PipelineCommandUsageError extends Error {}

interface SchemaProperty {
  type?: string;
  enum?: string[];
  oneOf?: Array<{ type?: string }>;
  minimum?: number;
  description?: string;
  'x-deprecated'?: string;
}

const schemaCache = new Map<PipelineCommand, Record<string, SchemaProperty>>();

/** The executor's schema.json properties: the one list of what each command takes. */
export function commandSchema(command: PipelineCommand): Record<string, SchemaProperty> {
  let properties = schemaCache.get(command);
  if (!properties) {
    properties = JSON.parse(readFileSync(join(__dirname, '..', 'executors', command, 'schema.json'), 'utf8')).properties as Record<string, SchemaProperty>;
    schemaCache.set(command, properties);
  }
  return properties;
}

const isRepeatable = (property: SchemaProperty) => property.type === 'array' || (property.oneOf ?? []).some((choice) => choice.type === 'array');
const camelCase = (name: string) => name.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
const kebabCase = (name: string) => name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);

export function pipelineCommandHelp(): string {
  const lines = [
    'Usage: node <nx-kubeflow>/src/commands/pipeline-cli.js compile|deploy|run <project> <project root> [options]',
    '',
    'compile: checks pipeline.yaml and compiles it to KFP v2 IR (dist/pipelines/<project>/<env>/pipeline.yaml).',
    "deploy: compiles and publishes to the environment's backend; --run/--wait or deploy.run/deploy.wait also run it.",
    'run: deploy --run --wait.',
    'Through Nx:  npx nx run <pipeline>:deploy -c production --run --param epochs=5',
    '',
    'Options (--name=value, --name value or --name-in-kebab-case; booleans also as --name and --no-name):',
    `  --${SETTINGS_ENV_OPTION}=<env>  all: the settings environment, as --env (the name to use through Nx,`,
    '                         which keeps --env for run-commands; -c <env> passes it).',
  ];
  const seen = new Set<string>();
  for (const command of PIPELINE_COMMANDS) {
    for (const [name, property] of Object.entries(commandSchema(command))) {
      if (seen.has(name)) continue;
      seen.add(name);
      const takes = PIPELINE_COMMANDS.filter((other) => Object.hasOwn(commandSchema(other), name));
      const value = property.type === 'boolean' ? '' : property.enum ? `=<${property.enum.join('|')}>` : property.type === 'integer' ? '=<n>' : '=<value>';
      lines.push(`  --${name}${value}  ${takes.length === 3 ? 'all' : takes.join(', ')}${isRepeatable(property) ? ', repeatable' : ''}: ${property.description ?? ''}`);
    }
  }
  return lines.join('\n');
}

/** Reads the command line (after `node <file>`); throws PipelineCommandUsageError naming every wrong argument. */
export function parsePipelineCommand(argv: readonly string[]): ParsedPipelineCommand | 'help' {
  // `nx show project` lists `<command> --help` as the targets' help
  if (argv.includes('--help') || argv.includes('-h')) return 'help';
  const [command, projectName, projectRoot, ...rest] = argv;
  if (!PIPELINE_COMMANDS.includes(command as PipelineCommand)) {
    throw new PipelineCommandUsageError(`expected ${PIPELINE_COMMANDS.join(', ')} or --help first, got: ${command ?? '(nothing)'}\n\n${pipelineCommandHelp()}`);
  }
  if (!projectName || !projectRoot || projectName.startsWith('-') || projectRoot.startsWith('-')) {
    throw new PipelineCommandUsageError(`expected ${command} <project> <project root>, got: ${argv.slice(0, 3).join(' ')}`);
  }
  const schema: Record<string, SchemaProperty> = { ...commandSchema(command as PipelineCommand), [SETTINGS_ENV_OPTION]: { type: 'string' } };
  const options: ParsedPipelineCommand['options'] = {};
  const problems: string[] = [];
  for (let index = 0; index < rest.length; index++) {
    const arg = rest[index];
    const match = /^--([A-Za-z][\w-]*)(?:=([\s\S]*))?$/.exec(arg);
    if (!match) {
      problems.push(`unexpected argument "${arg}" (options are --name=value)`);
      continue;
    }
    let name = camelCase(match[1]);
    let value: string | undefined = match[2];
    let negated = false;
    if (!Object.hasOwn(schema, name) && /^no[A-Z]/.test(name) && value === undefined) {
      const positive = name[2].toLowerCase() + name.slice(3);
      if (schema[positive]?.type === 'boolean') {
        name = positive;
        negated = true;
      }
    }
    if (!Object.hasOwn(schema, name)) {
      problems.push(`unknown option --${match[1]}`);
      continue;
    }
    const property = schema[name];
    if (property.type === 'boolean') {
      if (value === undefined && (rest[index + 1] === 'true' || rest[index + 1] === 'false')) value = rest[++index];
      if (value !== undefined && value !== 'true' && value !== 'false') {
        problems.push(`--${kebabCase(name)} is true or false, got "${value}"`);
        continue;
      }
      options[name] = negated ? false : value !== 'false';
      continue;
    }
    if (value === undefined) {
      if (index + 1 < rest.length && !rest[index + 1].startsWith('--')) value = rest[++index];
      else {
        problems.push(`--${kebabCase(name)} needs a value (--${kebabCase(name)}=<value>)`);
        continue;
      }
    }
    if (property.enum && !property.enum.includes(value)) {
      problems.push(`--${kebabCase(name)} is one of ${property.enum.join(', ')}, got "${value}"`);
    } else if (property.type === 'integer') {
      const number = /^\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
      if (!Number.isSafeInteger(number) || number < (property.minimum ?? Number.MIN_SAFE_INTEGER)) {
        problems.push(`--${kebabCase(name)} is a whole number${property.minimum === undefined ? '' : ` of at least ${property.minimum}`}, got "${value}"`);
      } else options[name] = number;
    } else if (isRepeatable(property)) {
      options[name] = [...((options[name] as string[] | undefined) ?? []), value];
    } else {
      options[name] = value;
    }
  }
  const env = options.env;
  const settingsEnv = options[SETTINGS_ENV_OPTION];
  if (env !== undefined && settingsEnv !== undefined && env !== settingsEnv) {
    problems.push(`--env=${String(env)} and --${SETTINGS_ENV_OPTION}=${String(settingsEnv)} name different environments; give one`);
  }
  if (problems.length > 0) {
    throw new PipelineCommandUsageError(`${command} ${projectName}: ${problems.join('; ')}\n(\`node <nx-kubeflow>/src/commands/pipeline-cli.js --help\` lists what ${command} takes)`);
  }
  if (settingsEnv !== undefined) options.env = settingsEnv;
  delete options[SETTINGS_ENV_OPTION];
  return { command: command as PipelineCommand, projectName, projectRoot, options };
}

/** Where a command's lines go: Nx's logger in an executor, stdout and stderr in the command. */
export interface PipelineCommandOutput {
  info(line: string): void;
  warn(line: string): void;
  error(line: string): void;
}

export interface PipelineCommandContext {
  workspaceRoot: string;
  projectName: string;
  projects: Readonly<ProjectRoots>;
}

/** Every settings file the pipeline and its components read, named file:line:column before anything runs. */
export function settingsFilesAreValid(context: PipelineCommandContext, output: PipelineCommandOutput): boolean {
  const lines = settingsFileErrorLines({ workspaceRoot: context.workspaceRoot, projects: context.projects, projectName: context.projectName });
  if (lines.length > 0) output.error(lines.join('\n'));
  return lines.length === 0;
}

/** compile: the executor's work. Resolves to the exit code. */
export function runCompileCommand(options: CompileCommandOptions, context: PipelineCommandContext, output: PipelineCommandOutput): number {
  const { projectName, workspaceRoot } = context;
  if (!settingsFilesAreValid(context, output)) {
    // a failed compile leaves no IR of an earlier one behind (compile-pipeline-project.ts)
    const env = compileEnvironment(options.env);
    if (isFolderName(env)) removeStaleOutput(workspaceRoot, pipelineOutputFile(projectName, env, options.outputPath));
    return 1;
  }
  try {
    const result = compilePipelineProject({ workspaceRoot, projectName, projects: context.projects, env: options.env, outputPath: options.outputPath });
    for (const warning of result.warnings) output.warn(`[${projectName}] warning: ${warning}`);
    output.info(`[${projectName}] compiled (${result.env}) to ${result.outputFile}, sha256 ${result.contentHash.slice(0, 12)}`);
    return 0;
  } catch (error) {
    if (!(error instanceof PipelineCheckError)) throw error;
    output.error(`[${projectName}] cannot compile: ${error.message}`);
    return 1;
  }
}

const consoleOutput: PipelineCommandOutput = {
  info: (line) => process.stdout.write(`${line}\n`),
  warn: (line) => process.stderr.write(`${line}\n`),
  error: (line) => process.stderr.write(`${line}\n`),
};

/** The command: parse, find the project roots, run. Resolves to the exit code (2: a wrong command line). */
export async function main(argv: readonly string[], workspaceRoot: string = process.cwd(), output: PipelineCommandOutput = consoleOutput): Promise<number> {
  let parsed: ParsedPipelineCommand | 'help';
  try {
    parsed = parsePipelineCommand(argv);
  } catch (error) {
    if (!(error instanceof PipelineCommandUsageError)) throw error;
    output.error(`nx-kubeflow: ${error.message}`);
    return 2;
  }
  if (parsed === 'help') {
    output.info(pipelineCommandHelp());
    return 0;
  }
  const { command, projectName, projectRoot, options } = parsed;
  const found = pipelineProjects(workspaceRoot, projectName, projectRoot);
  if (found.reason && process.env.NX_VERBOSE_LOGGING === 'true') output.info(`[${projectName}] project roots from the folders: ${found.reason}`);
  const context = { workspaceRoot, projectName, projects: found.projects };
  if (command === 'compile') return runCompileCommand(options as CompileCommandOptions, context, output);
  // Loaded here, not above: compile has no use for the backends, the runner and the image builder.
  const { runDeployCommand } = await import('./pipeline-cli-deploy');
  return runDeployCommand(command === 'run' ? { ...(options as DeployExecutorSchema), run: true, wait: true } : (options as DeployExecutorSchema), context, output);
}

if (require.main === module) runCommandMain(main);
