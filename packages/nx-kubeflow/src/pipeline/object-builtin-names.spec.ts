import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { compilePipelineProject } from './compile-pipeline-project';
import { PipelineCheckError } from './pipeline-problems';

/**
 * Issue 12, broken 7: names a user writes (inputs, outputs, parameters,
 * tasks) that are also Object.prototype members. Looked up in a plain
 * object, `constructor` finds a function, `__proto__` the prototype: each
 * case here compiled wrongly or crashed.
 */
const BUILTIN_NAMES = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'];

let workspace: string;
const write = (file: string, text: string) => {
  mkdirSync(dirname(join(workspace, file)), { recursive: true });
  writeFileSync(join(workspace, file), text);
};
const component = (input: string, extra = '') => `name: echo
inputs:
- {name: '${input}', type: String${extra}}
outputs:
- {name: out, type: String}
implementation:
  container:
    image: echo
    command: [sh, -c, 'echo "$0" > "$1"', {inputValue: '${input}'}, {outputPath: out}]
`;
const compile = () =>
  compilePipelineProject({
    workspaceRoot: workspace,
    projectName: 'p',
    projects: { p: { root: 'pipelines/p' }, echo: { root: 'components/echo' } },
    env: 'development',
    write: false,
  });
const problemsOf = (run: () => unknown): string[] => {
  try {
    run();
  } catch (error) {
    if (error instanceof PipelineCheckError) return error.problems.map((problem) => `${problem.field ?? ''}: ${problem.message}`);
    throw error;
  }
  return [];
};

beforeEach(() => {
  workspace = mkdtempSync(join(tmpdir(), 'nx-kubeflow-builtin-'));
});
afterEach(() => rmSync(workspace, { recursive: true, force: true }));

describe.each(BUILTIN_NAMES)('a name that is an Object.prototype member: %s', (name) => {
  it('a missing required input of that name is reported', () => {
    write('components/echo/component.yaml', component(name));
    write('pipelines/p/pipeline.yaml', 'name: p\ntasks:\n  echo:\n    component: echo\n');
    const problems = problemsOf(compile);
    expect(problems.join('\n')).toContain(`arguments.${name}: missing required input`);
  });

  it('a pipeline parameter of that name compiles and is wired to the task', () => {
    write('components/echo/component.yaml', component('text'));
    write('pipelines/p/pipeline.yaml', `name: p\nparameters:\n  '${name}': {type: String}\ntasks:\n  echo:\n    component: echo\n    arguments:\n      text: {parameter: '${name}'}\n`);
    if (name.startsWith('_')) {
      // kfp's own rule refuses it, as a problem with its line, not a crash
      expect(problemsOf(compile).join('\n')).toContain('is not a valid parameter name');
      return;
    }
    const { yaml } = compile();
    expect(yaml).toContain(`componentInputParameter: ${name}`);
    expect(yaml).toMatch(new RegExp(`inputDefinitions:\\n {4}parameters:\\n {6}${name}:\\n {8}parameterType: STRING`));
  });

  it('a parameter default and a literal argument with that text stay text', () => {
    write('components/echo/component.yaml', component('text'));
    write('pipelines/p/pipeline.yaml', `name: p\nparameters:\n  word: {type: String, default: '${name}'}\ntasks:\n  echo:\n    component: echo\n    arguments:\n      text: {parameter: word}\n  echo2:\n    component: echo\n    arguments:\n      text: '${name}'\n`);
    const { yaml } = compile();
    expect(yaml).toContain(`defaultValue: ${name}`);
    expect(yaml).toContain(`constant: ${name}`);
  });

  it('an input of that name with a default is left to its default, not wired to a pipeline input', () => {
    write('components/echo/component.yaml', component(name, ", default: 'hi'"));
    write('pipelines/p/pipeline.yaml', 'name: p\ntasks:\n  echo:\n    component: echo\n');
    const { yaml } = compile();
    expect(yaml).toContain(`defaultValue: hi`);
    expect(yaml).not.toContain('componentInputParameter');
  });

  it('a settings override of a parameter not declared under that name is refused', () => {
    write('components/echo/component.yaml', component('text'));
    write('pipelines/p/pipeline.yaml', `name: p\nparameters:\n  text: {type: String, default: a}\ntasks:\n  echo:\n    component: echo\n    arguments:\n      text: {parameter: text}\n`);
    write('pipelines/p/config/settings.toml', `[development.parameters]\n"${name}" = "x"\n`);
    expect(problemsOf(compile).join('\n')).toContain(`does not declare`);
  });
});
