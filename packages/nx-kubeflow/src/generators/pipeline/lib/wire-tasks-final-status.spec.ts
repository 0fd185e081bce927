import { wireTasks } from './wire-tasks';

describe('wireTasks: PipelineTaskFinalStatus inputs', () => {
  it('leaves a final status input to KFP: no pipeline parameter, no argument', () => {
    const result = wireTasks([
      {
        name: 'notifier',
        root: 'components/notifier',
        spec: {
          name: 'notifier',
          inputs: [
            { name: 'status', type: 'PipelineTaskFinalStatus' },
            { name: 'channel', type: 'String', default: 'ops' },
          ],
          outputs: [],
          implementation: { container: { image: 'notifier' } },
        },
      },
    ]);
    expect(result.errors).toEqual([]);
    expect(result.parameters.map((parameter) => parameter.name)).toEqual(['channel']);
    expect(result.tasks[0].arguments.map((argument) => argument.input)).toEqual(['channel']);
  });
});
