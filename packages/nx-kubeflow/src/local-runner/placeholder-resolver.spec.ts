import { resolveCommandLine, type ExecutorIo } from './placeholder-resolver';

const io: ExecutorIo = {
  parameters: { n: 3, name: 'a b', flags: ['x'] },
  artifacts: { data: { path: '/runs/r/up/outputs/artifacts/data', uri: '/runs/r/up/outputs/artifacts/data' } },
  outputParameterFiles: { count: '/runs/r/t/outputs/parameters/count' },
  outputArtifacts: { model: { path: '/runs/r/t/outputs/artifacts/model', uri: '/runs/r/t/outputs/artifacts/model' } },
};

describe('resolveCommandLine', () => {
  it('replaces placeholders anywhere inside an item', () => {
    const { argv, unresolved } = resolveCommandLine(
      [
        'python',
        "--n={{$.inputs.parameters['n']}}",
        "{{$.inputs.parameters['name']}}",
        "{{$.inputs.parameters['flags']}}",
        "{{$.inputs.artifacts['data'].path}}",
        "{{$.inputs.artifacts['data'].uri}}",
        "{{$.outputs.parameters['count'].output_file}}",
        "{{$.outputs.artifacts['model'].path}}",
        "{{$.outputs.artifacts['model'].uri}}",
      ],
      io,
    );
    expect(argv).toEqual([
      'python',
      '--n=3',
      'a b',
      '["x"]',
      '/runs/r/up/outputs/artifacts/data',
      '/runs/r/up/outputs/artifacts/data',
      '/runs/r/t/outputs/parameters/count',
      '/runs/r/t/outputs/artifacts/model',
      '/runs/r/t/outputs/artifacts/model',
    ]);
    expect(unresolved).toEqual([]);
  });

  it('expands Concat into one argument and IfPresent into Then or Else items, nested as kfp writes them', () => {
    const items = [
      '{"Concat": ["n=", "{{$.inputs.parameters[\'n\']}}", {"IfPresent": {"InputName": "missing", "Then": ["!"], "Else": ["?"]}}]}',
      '{"IfPresent": {"InputName": "data", "Then": ["--data", "{{$.inputs.artifacts[\'data\'].path}}"]}}',
      '{"IfPresent": {"InputName": "missing", "Then": ["--missing", "{{$.inputs.parameters[\'missing\']}}"]}}',
      '{"IfPresent": {"InputName": "missing", "Then": "x", "Else": {"Concat": ["a", "b"]}}}',
    ];
    expect(resolveCommandLine(items, io).argv).toEqual(['n=3?', '--data', '/runs/r/up/outputs/artifacts/data', 'ab']);
  });

  it('leaves placeholders of inputs without a value as they are and says which', () => {
    const { argv, unresolved } = resolveCommandLine(["--x={{$.inputs.parameters['missing']}}", '{"Concat": not json'], io);
    expect(argv).toEqual(["--x={{$.inputs.parameters['missing']}}", '{"Concat": not json']);
    expect(unresolved).toEqual(["{{$.inputs.parameters['missing']}}"]);
  });
});

describe('the executor input and runtime placeholders', () => {
  it('replaces {{$}} with the executor input text and the runtime placeholders anywhere, in one pass', () => {
    const executorInput = JSON.stringify({ inputs: { parameterValues: { text: "{{$.inputs.parameters['n']}}" } } });
    const { argv, unresolved } = resolveCommandLine(
      ['{{$}}', '--job={{$.pipeline_job_name}}', '{"Concat": ["{{$.pipeline_task_name}}", "/", "{{$.pipeline_job_uuid}}"]}'],
      { ...io, executorInput, runtime: { '{{$.pipeline_job_name}}': 'p-r', '{{$.pipeline_task_name}}': 't', '{{$.pipeline_job_uuid}}': 'r' } },
    );
    // placeholder text inside the executor input's values is not resolved again
    expect(argv).toEqual([executorInput, '--job=p-r', 't/r']);
    expect(unresolved).toEqual([]);
  });

  it('leaves {{$}} as it is, and says so, when there is no executor input', () => {
    expect(resolveCommandLine(['{{$}}', '{{$.pipeline_job_name}}'], io)).toEqual({ argv: ['{{$}}', '{{$.pipeline_job_name}}'], unresolved: ['{{$}}', '{{$.pipeline_job_name}}'] });
  });
});
