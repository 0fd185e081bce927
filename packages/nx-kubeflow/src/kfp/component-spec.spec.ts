import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ComponentSpecError, loadComponentSpec, parseComponentSpec } from './component-spec';

const FILE = 'components/trainer/component.yaml';

describe('component.yaml loader', () => {
  it('loads the DESIGN example as written', () => {
    const { spec, problems } = parseComponentSpec(
      `name: Train model
description: Trains a model on a dataset
inputs:
- {name: dataset, type: Dataset}
- {name: learning_rate, type: Float, default: '0.01'}
outputs:
- {name: model, type: Model}
implementation:
  container:
    image: trainer
    command: [python, src/run.py]
    args: [--dataset, {inputPath: dataset}, --lr, {inputValue: learning_rate}, {outputPath: model}]
    env: {A: b}
`,
      FILE,
    );
    expect(problems).toEqual([]);
    expect(spec).toEqual({
      name: 'Train model',
      description: 'Trains a model on a dataset',
      inputs: [
        { name: 'dataset', type: 'Dataset' },
        { name: 'learning_rate', type: 'Float', default: '0.01' },
      ],
      outputs: [{ name: 'model', type: 'Model' }],
      implementation: {
        container: {
          image: 'trainer',
          command: ['python', 'src/run.py'],
          args: ['--dataset', { inputPath: 'dataset' }, '--lr', { inputValue: 'learning_rate' }, { outputPath: 'model' }],
          env: { A: 'b' },
        },
      },
    });
  });

  it('keeps a structured type as JSON text (kfp types it system.Artifact)', () => {
    const { spec } = parseComponentSpec(
      `name: x\noutputs:\n- {name: o, type: {GcsPath: {data_type: TSV}}}\nimplementation: {container: {image: i, command: [{outputPath: o}]}}\n`,
      FILE,
    );
    expect(spec?.outputs[0].type).toBe('{"GcsPath":{"data_type":"TSV"}}');
  });

  it('reports every problem at once, each with file and field', () => {
    const { problems } = parseComponentSpec(
      `inputs:
- {name: data, type: Dataset}
- {name: n, type: Integer, default: 'three'}
- {name: flag, type: Boolean, default: 'maybe'}
- {name: n}
outputs:
- {name: out, type: Float}
implementation:
  container:
    command:
    - {inputValue: data}
    - {inputPath: n}
    - {outputUri: out}
    - {inputValue: missing}
    - {outputPath: nowhere}
    - {if: {cond: {isPresent: data}, then: [a], else: {inputValue: n}}}
    - {concat: [a, {if: {cond: {isPresent: data}, then: [a, b]}}]}
    - {fileValue: x}
    - {inputValue: n, extra: 1}
    - {if: {cond: true, then: x}}
`,
      FILE,
    );
    const fields = problems.map((p) => p.field);
    expect(problems.every((p) => p.file === FILE)).toBe(true);
    // each at the line of its field, as pipeline.yaml's problems are
    expect(problems.find((p) => p.field === 'inputs[1].default')).toMatchObject({ line: 3, column: 37 });
    expect(problems.find((p) => p.field === 'implementation.container.command[3].inputValue')).toMatchObject({ line: 14 });
    expect(fields).toEqual(
      expect.arrayContaining([
        'name',
        'inputs[1].default',
        'inputs[2].default',
        'inputs/outputs',
        'implementation.container.image',
        'implementation.container.command[0].inputValue',
        'implementation.container.command[2].outputUri',
        'implementation.container.command[3].inputValue',
        'implementation.container.command[4].outputPath',
        'implementation.container.command[5].if.else',
        'implementation.container.command[6].concat[1].if.then',
        'implementation.container.command[7]',
        'implementation.container.command[8]',
        'implementation.container.command[9].if.cond',
      ]),
    );
    expect(problems.length).toBeGreaterThanOrEqual(14);
  });

  it('throws one error listing all problems from a file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'component-spec-'));
    const file = join(dir, 'component.yaml');
    writeFileSync(file, 'name: x\ninputs: {a: 1}\n');
    expect(() => loadComponentSpec(file)).toThrow(ComponentSpecError);
    try {
      loadComponentSpec(file);
    } catch (error) {
      const { problems } = error as ComponentSpecError;
      expect(problems.map((p) => p.field)).toEqual(['inputs', 'implementation.container']);
      expect((error as Error).message).toContain(`${file}:2:9: inputs: must be a list`);
    }
  });

  it('rejects text that is not YAML', () => {
    expect(parseComponentSpec('name: [', FILE).problems[0]).toMatchObject({ file: FILE, field: '(file)' });
  });

  describe('read as kfp reads it (PyYAML, YAML 1.1)', () => {
    const withInputs = (inputs: string, container = 'command: [echo]') =>
      `name: x\ninputs:\n${inputs}\nimplementation:\n  container:\n    image: i\n    ${container}\n`;

    it('gives the defaults kfp gets from unquoted YAML 1.1 scalars, and warns with the line to quote', () => {
      const { spec, problems, warnings } = parseComponentSpec(
        withInputs(
          [
            '- {name: a, type: String, default: yes}',
            '- {name: b, type: String, default: 1:30}',
            '- {name: c, type: String, default: 017}',
            '- {name: d, type: String, default: 1.0}',
            '- {name: e, type: String, default: 1e3}',
            '- {name: f, type: Integer, default: 1_000}',
            "- {name: g, type: String, default: 'quoted: fine'}",
          ].join('\n'),
        ),
        FILE,
      );
      expect(problems).toEqual([]);
      expect(spec?.inputs.map((input) => input.default)).toEqual(['True', '90', '15', '1.0', '1e3', '1000', 'quoted: fine']);
      expect(warnings.map((w) => [w.file, w.line, w.message.split(' ')[0]])).toEqual([
        [FILE, 3, 'yes'],
        [FILE, 4, '1:30'],
        [FILE, 5, '017'],
        [FILE, 7, '1e3'],
        [FILE, 8, '1_000'],
      ]);
      expect(warnings[0].message).toMatch(/YAML 1\.1 readers \(kfp, PyYAML\).*quote it \('yes'\)/);
    });

    it('refuses what kfp refuses: a date default, non-string command items, env values that are not text', () => {
      const { problems } = parseComponentSpec(
        withInputs('- {name: a, type: String, default: 2024-02-29}', 'command: [sleep, 5, true, {inputValue: a}]\n    env: {MODE: off}'),
        FILE,
      );
      expect(problems.map((p) => [p.field, p.message])).toEqual([
        ['inputs[0].default', expect.stringMatching(/2024-02-29 is a date .*quote it/)],
        ['implementation.container.command[1]', expect.stringMatching(/not the integer 5: quote it/)],
        ['implementation.container.command[2]', expect.stringMatching(/not the boolean true: quote it/)],
        ['implementation.container.env.MODE', expect.stringMatching(/must be a string, not the boolean false: quote it/)],
      ]);
    });

    it('refuses a plain = or << value, which PyYAML cannot load, with its line', () => {
      const { problems } = parseComponentSpec('name: x\nimplementation:\n  container:\n    image: i\n    command: [echo, =, <<]\n', FILE);
      expect(problems.map((p) => [p.line, p.column, p.message.split(' ').slice(0, 3).join(' ')])).toEqual([
        [5, 21, 'a plain ='],
        [5, 24, 'a plain <<'],
      ]);
    });

    it('merges << keys as PyYAML does', () => {
      const { spec, problems } = parseComponentSpec(
        'name: x\nbase: &base {type: String, default: z}\ninputs:\n- {<<: *base, name: a}\nimplementation: {container: {image: i, command: [{inputValue: a}]}}\n',
        FILE,
      );
      expect(problems).toEqual([]);
      expect(spec?.inputs).toEqual([{ name: 'a', type: 'String', default: 'z' }]);
    });

    it('warns of a type one or two edits from a kfp type, with its line', () => {
      const { problems, warnings } = parseComponentSpec(
        withInputs('- {name: data, type: Datset}\n- {name: custom, type: MyReport}', 'command: [{inputPath: data}, {inputPath: custom}]'),
        FILE,
      );
      expect(problems).toEqual([]);
      expect(warnings).toEqual([
        expect.objectContaining({ line: 3, message: expect.stringMatching(/inputs\[0\] has type Datset, .*system\.Artifact: did you mean Dataset\?/) }),
      ]);
    });
  });
});

describe('component.yaml alias bomb', () => {
  it('is refused at the line of the alias that starts it', () => {
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 8; i++) levels.push(`${'b'.repeat(i)}: &${'b'.repeat(i)} [${Array(10).fill(i === 1 ? '*a' : `*${'b'.repeat(i - 1)}`).join(', ')}]`);
    const text = `name: x\n${levels.join('\n')}\nimplementation: {container: {image: i, command: [echo]}}\n`;
    const { problems } = parseComponentSpec(text, FILE);
    // line 4: the first alias (*b) whose anchor holds aliases itself; each level multiplies the one below
    expect(problems).toEqual([expect.objectContaining({ file: FILE, field: '(file)', line: 4, message: expect.stringMatching(/^not valid YAML: Excessive alias count/) })]);
  });
});
