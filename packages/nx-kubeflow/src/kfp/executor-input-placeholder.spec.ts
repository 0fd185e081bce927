/**
 * {executorInput: null} in component.yaml compiles to kfp's `{{$}}`, at the top
 * and inside concat and if, exactly as kfp 2.17 compiles it
 * (kfp/dsl/placeholders.py: maybe_convert_v1_yaml_placeholder_to_v2_placeholder
 * returns PIPELINE_TASK_EXECUTOR_INPUT_PLACEHOLDER); kfp's v1 loader accepts it
 * only with no value, so anything else is reported where it stands.
 */
import { parseComponentSpec } from './component-spec';
import { commandLineToStrings, EXECUTOR_INPUT } from './placeholders';

const FILE = 'components/c/component.yaml';

const component = (args: string) => `name: c
inputs:
- {name: a, type: String, optional: true}
outputs:
- {name: m, type: Metrics}
implementation:
  container:
    image: c
    command: [python, run.py]
    args: ${args}
`;

describe('{executorInput: null}', () => {
  it('compiles to {{$}} as kfp does, alone, in concat and in if', () => {
    const { spec, problems } = parseComponentSpec(
      component(`[--executor-input, {executorInput: null}, {executorInput}, {concat: ['--x=', {executorInput: null}]}, {if: {cond: {isPresent: a}, then: [{executorInput: null}]}}, '{{$.pipeline_job_name}}', {outputPath: m}]`),
      FILE,
    );
    expect(problems).toEqual([]);
    // what kfp 2.17 writes for the same component.yaml (args of exec-c in its compiled IR)
    expect(commandLineToStrings(spec!.implementation.container.args, spec!)).toEqual([
      '--executor-input',
      '{{$}}',
      '{{$}}',
      '{"Concat": ["--x=", "{{$}}"]}',
      '{"IfPresent": {"InputName": "a", "Then": ["{{$}}"]}}',
      '{{$.pipeline_job_name}}',
      "{{$.outputs.artifacts['m'].path}}",
    ]);
    expect(EXECUTOR_INPUT).toBe('{{$}}');
  });

  it('takes no value, as kfp\'s loader takes none', () => {
    const { problems } = parseComponentSpec(component(`[{executorInput: {}}, {executorInput: yes}]`), FILE);
    expect(problems.map((problem) => problem.field)).toEqual(['implementation.container.args[0].executorInput', 'implementation.container.args[1].executorInput']);
    expect(problems[0].message).toMatch(/takes no value: write \{executorInput: null\}/);
  });
});
