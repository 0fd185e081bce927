import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { compilePipelineProject } from './compile-pipeline-project';
import { formatProblem, PipelineCheckError } from './pipeline-problems';

/**
 * Issue 12 (weak): an Integer past 2^53 was rounded into the IR without a
 * word, and an alias bomb was refused with no file or line. Both now stop
 * compile with file:line:column. 2^53 - 1 itself still compiles exactly.
 */
const BEYOND = '9007199254740993'; // 2^53 + 1: reads back as ...992
const LARGEST = '9007199254740991'; // Number.MAX_SAFE_INTEGER

let workspace: string;
const write = (file: string, text: string) => {
  mkdirSync(dirname(join(workspace, file)), { recursive: true });
  writeFileSync(join(workspace, file), text);
};
const component = (integerDefault = '1') => `name: count
inputs:
- {name: n, type: Integer, default: '${integerDefault}'}
implementation:
  container:
    image: count
    command: [echo, {inputValue: n}]
`;
const compile = () =>
  compilePipelineProject({
    workspaceRoot: workspace,
    projectName: 'p',
    projects: { p: { root: 'pipelines/p' }, count: { root: 'components/count' } },
    env: 'development',
    write: false,
  });
const problems = (): string[] => {
  try {
    compile();
  } catch (error) {
    if (error instanceof PipelineCheckError) return error.problems.map(formatProblem);
    throw error;
  }
  throw new Error('compiled, though a problem was expected');
};

beforeEach(() => {
  workspace = mkdtempSync(join(tmpdir(), 'nx-kubeflow-limits-'));
  write('components/count/component.yaml', component());
});
afterEach(() => rmSync(workspace, { recursive: true, force: true }));

describe('an Integer beyond 2^53 - 1 is refused, not rounded', () => {
  it('as a pipeline parameter default', () => {
    write('pipelines/p/pipeline.yaml', `name: p\nparameters:\n  n: {type: Integer, default: ${BEYOND}}\ntasks:\n  count:\n    component: count\n    arguments:\n      n: {parameter: n}\n`);
    expect(problems()).toEqual([expect.stringMatching(/^pipelines\/p\/pipeline\.yaml:3:31: parameters\.n\.default: an Integer beyond 9007199254740991 \(2\^53 - 1\)/)]);
  });

  it('as a literal argument of an Integer input', () => {
    write('pipelines/p/pipeline.yaml', `name: p\ntasks:\n  count:\n    component: count\n    arguments:\n      n: -${BEYOND}\n`);
    expect(problems()).toEqual([expect.stringMatching(/^pipelines\/p\/pipeline\.yaml:6:10: task "count", arguments\.n: incompatible value for input "n" \(Integer\): an Integer beyond/)]);
  });

  it('as a component.yaml default', () => {
    write('components/count/component.yaml', component(BEYOND));
    write('pipelines/p/pipeline.yaml', 'name: p\ntasks:\n  count:\n    component: count\n');
    expect(problems()).toEqual([expect.stringMatching(/^components\/count\/component\.yaml:3:.*inputs\[0\]\.default: "9007199254740993" is an Integer beyond/)]);
  });

  it('as a settings override', () => {
    write('pipelines/p/pipeline.yaml', 'name: p\nparameters:\n  n: {type: Integer, default: 1}\ntasks:\n  count:\n    component: count\n    arguments:\n      n: {parameter: n}\n');
    write('pipelines/p/config/settings.toml', `[development.parameters]\nn = ${BEYOND}\n`);
    expect(problems()).toEqual([expect.stringMatching(/^pipelines\/p\/config\/settings\.toml: \[development\.parameters\] n: not a valid Integer: 9007199254740993 is too large/)]);
  });

  it('while 2^53 - 1 compiles exactly, wherever it is written', () => {
    write('components/count/component.yaml', component(LARGEST));
    write('pipelines/p/pipeline.yaml', `name: p\nparameters:\n  n: {type: Integer, default: ${LARGEST}}\ntasks:\n  count:\n    component: count\n    arguments:\n      n: {parameter: n}\n  literal:\n    component: count\n    arguments:\n      n: -${LARGEST}\n`);
    const { yaml } = compile();
    // kfp writes an int default as the double it became (9007199254740991.0): still exact below 2^53
    expect(yaml.match(new RegExp(`(?:defaultValue|constant): -?${LARGEST}\\.0\\n`, 'g'))).toHaveLength(4);
  });
});

describe('an alias bomb', () => {
  it('is refused with the file and the line of the first alias of aliases', () => {
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x]'];
    for (const [name, below] of [['b', 'a'], ['c', 'b'], ['d', 'c'], ['e', 'd']]) levels.push(`${name}: &${name} [${Array(9).fill(`*${below}`).join(', ')}]`);
    write('pipelines/p/pipeline.yaml', `name: p\nbomb:\n  ${levels.join('\n  ')}\ntasks:\n  count:\n    component: count\n`);
    expect(problems()).toEqual([expect.stringMatching(/^pipelines\/p\/pipeline\.yaml:5:10: not valid YAML: its aliases expand too far/)]);
  });
});
