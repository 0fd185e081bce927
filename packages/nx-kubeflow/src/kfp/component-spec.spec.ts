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
      expect((error as Error).message).toContain(`${file}: inputs: must be a list`);
    }
  });

  it('rejects text that is not YAML', () => {
    expect(parseComponentSpec('name: [', FILE).problems[0]).toMatchObject({ file: FILE, field: '(file)' });
  });
});
