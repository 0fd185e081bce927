import { parseComponentSpecOrThrow } from '../kfp/component-spec';
import { interfaceTable } from './interface-table';
import { INTERFACE_END, INTERFACE_START, interfaceBlock, replaceInterfaceBlock } from './readme-block';

const spec = (yaml: string) => parseComponentSpecOrThrow(yaml, 'components/c/component.yaml');
const CONTAINER = 'implementation:\n  container:\n    image: c\n';

describe('component README interface', () => {
  it('renders every input and output with type, parameter or artifact, default and description', () => {
    const table = interfaceTable(
      spec(
        'name: c\n' +
          'inputs:\n' +
          "- {name: dataset, type: Dataset, description: 'CSV | with a header'}\n" +
          "- {name: rate, type: Float, default: '0.05', description: \"step\n  size\"}\n" +
          '- {name: note, type: String, optional: true}\n' +
          '- {name: raw}\n' +
          'outputs:\n' +
          '- {name: model, type: Model, description: the fitted model}\n' +
          '- {name: rmse, type: Float}\n' +
          CONTAINER,
      ),
    );
    expect(table).toBe(
      [
        '| | name | type | default | description |',
        '|---|---|---|---|---|',
        '| input | `dataset` | Dataset (artifact) | required | CSV \\| with a header |',
        '| input | `rate` | Float (parameter) | `0.05` | step size |',
        '| input | `note` | String (parameter) | optional |  |',
        '| input | `raw` | untyped (artifact) | required |  |',
        '| output | `model` | Model (artifact) |  | the fitted model |',
        '| output | `rmse` | Float (parameter) |  |  |',
        '',
      ].join('\n'),
    );
  });

  it('quotes a default holding backticks, and says when it is empty', () => {
    const table = interfaceTable(
      spec("name: c\ninputs:\n- {name: a, type: String, default: 'x`y'}\n- {name: b, type: String, default: ''}\n- {name: c, type: String, default: '`'}\n" + CONTAINER),
    );
    expect(table).toContain('| input | `a` | String (parameter) | ``x`y`` |');
    expect(table).toContain('| input | `b` | String (parameter) | empty |');
    expect(table).toContain('| input | `c` | String (parameter) | `` ` `` |');
  });

  it('says so when a component has no inputs or outputs', () => {
    expect(interfaceTable(spec('name: c\n' + CONTAINER))).toBe('*No inputs or outputs.*\n');
  });

  it('replaces only the text between the markers, markers kept', () => {
    const readme = `# c\n\nintro\n\n${INTERFACE_START}\nold table\n${INTERFACE_END}\n\n## More\n`;
    const result = replaceInterfaceBlock(readme, interfaceBlock('| new |\n'));
    expect(result).toEqual({ status: 'replaced', text: expect.any(String) });
    const text = (result as { text: string }).text;
    expect(text.startsWith('# c\n\nintro\n\n<!-- nx-kubeflow:interface:start -->\n')).toBe(true);
    expect(text.endsWith('\n| new |\n\n<!-- nx-kubeflow:interface:end -->\n\n## More\n')).toBe(true);
    expect(text).not.toContain('old table');
    // idempotent
    expect(replaceInterfaceBlock(text, interfaceBlock('| new |\n'))).toEqual({ status: 'replaced', text });
  });

  it('leaves a README without markers alone and names what is wrong with broken ones', () => {
    expect(replaceInterfaceBlock('# c\n', 'x')).toEqual({ status: 'unmarked' });
    for (const readme of [
      `${INTERFACE_START}\n`,
      `${INTERFACE_END}\n`,
      `${INTERFACE_END}\n${INTERFACE_START}\n`,
      `${INTERFACE_START}\n${INTERFACE_END}\n${INTERFACE_START}\n${INTERFACE_END}\n`,
    ]) {
      const result = replaceInterfaceBlock(readme, 'x');
      expect(result).toEqual({ status: 'broken', problem: expect.stringContaining('keep exactly one of each, start first') });
    }
    expect(replaceInterfaceBlock(`${INTERFACE_END}\n${INTERFACE_START}\n`, 'x')).toMatchObject({ problem: expect.stringContaining('end before start') });
  });
});
