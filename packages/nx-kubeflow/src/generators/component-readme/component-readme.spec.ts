import { readNxJson, updateNxJson, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { INTERFACE_END, INTERFACE_START } from '../../component-readme/readme-block';
import { componentGenerator } from '../component/component';
import componentReadmeGenerator from './component-readme.impl';

const COMPONENT_YAML = (inputs: string) =>
  `name: trainer\ninputs:\n${inputs}outputs:\n- {name: model, type: Model, description: the fitted model}\nimplementation:\n  container:\n    image: trainer\n`;

describe('component-readme sync generator', () => {
  let tree: Tree;
  const readme = (body = 'stale') => `# trainer\n\nHand-written intro.\n\n${INTERFACE_START}\n${body}\n${INTERFACE_END}\n\n## Settings\n\nHand-written.\n`;

  beforeEach(() => {
    tree = createTreeWithEmptyWorkspace();
    tree.write('components/trainer/component.yaml', COMPONENT_YAML("- {name: learning_rate, type: Float, default: '0.05', description: step size}\n"));
    tree.write('components/trainer/README.md', readme());
  });

  it('finds a stale README, says which, and rewrites its block from component.yaml, nothing else', async () => {
    const result = await componentReadmeGenerator(tree);
    expect(result).toEqual({
      outOfSyncMessage: 'A component README has an interface table that does not match its component.yaml. `nx sync` rewrites them from component.yaml.',
      outOfSyncDetails: ['components/trainer/README.md'],
    });
    const text = tree.read('components/trainer/README.md', 'utf-8')!;
    expect(text).toContain('| input | `learning_rate` | Float (parameter) | `0.05` | step size |');
    expect(text).toContain('| output | `model` | Model (artifact) |  | the fitted model |');
    expect(text).not.toContain('stale');
    expect(text.startsWith('# trainer\n\nHand-written intro.\n\n')).toBe(true);
    expect(text.endsWith('\n\n## Settings\n\nHand-written.\n')).toBe(true);
  });

  it('reports nothing once in sync, and a change to component.yaml makes it stale again', async () => {
    await componentReadmeGenerator(tree);
    expect(await componentReadmeGenerator(tree)).toBeUndefined();
    tree.write('components/trainer/component.yaml', COMPONENT_YAML("- {name: learning_rate, type: Float, default: '0.1'}\n- {name: epochs, type: Integer}\n"));
    expect(await componentReadmeGenerator(tree)).toMatchObject({ outOfSyncDetails: ['components/trainer/README.md'] });
    const text = tree.read('components/trainer/README.md', 'utf-8')!;
    expect(text).toContain('| input | `learning_rate` | Float (parameter) | `0.1` |  |');
    expect(text).toContain('| input | `epochs` | Integer (parameter) | required |  |');
  });

  it('leaves alone a README without markers, a component without README and one whose component.yaml does not load', async () => {
    tree.write('components/plain/component.yaml', COMPONENT_YAML(''));
    tree.write('components/plain/README.md', '# plain\n');
    tree.write('components/bare/component.yaml', COMPONENT_YAML(''));
    tree.write('components/broken/component.yaml', 'name: broken\ninputs: [\n');
    tree.write('components/broken/README.md', readme('kept'));
    const result = await componentReadmeGenerator(tree);
    expect(result).toMatchObject({ outOfSyncDetails: ['components/trainer/README.md'] });
    expect(tree.read('components/plain/README.md', 'utf-8')).toBe('# plain\n');
    expect(tree.exists('components/bare/README.md')).toBe(false);
    expect(tree.read('components/broken/README.md', 'utf-8')).toBe(readme('kept'));
  });

  it('fails naming every README with broken markers, and writes none', async () => {
    tree.write('components/a/component.yaml', COMPONENT_YAML(''));
    tree.write('components/a/README.md', `# a\n${INTERFACE_START}\n`);
    tree.write('components/b/component.yaml', COMPONENT_YAML(''));
    tree.write('components/b/README.md', `# b\n${INTERFACE_END}\n${INTERFACE_START}\n`);
    await expect(componentReadmeGenerator(tree)).rejects.toThrow(
      /cannot sync 2 component READMEs:\n {2}components\/a\/README.md: has 1 .* and 0 .*\n {2}components\/b\/README.md: .*end before start/,
    );
  });

  it("syncs the components in the plugin's componentsDir", async () => {
    const nxJson = readNxJson(tree)!;
    updateNxJson(tree, { ...nxJson, plugins: [{ plugin: 'nx-kubeflow', options: { componentsDir: 'ml/steps' } }] });
    tree.write('ml/steps/scorer/component.yaml', COMPONENT_YAML(''));
    tree.write('ml/steps/scorer/README.md', readme());
    expect(await componentReadmeGenerator(tree)).toMatchObject({ outOfSyncDetails: ['ml/steps/scorer/README.md'] });
    expect(tree.read('components/trainer/README.md', 'utf-8')).toBe(readme());
  });

  it('a component made by nx g component has its README in sync from the start, with renamed targets in its commands', async () => {
    const fresh = createTreeWithEmptyWorkspace();
    updateNxJson(fresh, { ...readNxJson(fresh)!, plugins: [{ plugin: 'nx-kubeflow', options: { testTargetName: 'pytest', lintTargetName: 'ruff' } }] });
    fresh.write('packages/component-runtime/pyproject.toml', '[project]\nname = "component-runtime"\n');
    await componentGenerator(fresh, { name: 'scorer', inputs: 'model:Model,threshold:Float=0.5', outputs: 'score:Float' });
    const text = fresh.read('components/scorer/README.md', 'utf-8')!;
    expect(text).toContain('| input | `model` | Model (artifact) | required |  |');
    expect(text).toContain('| input | `threshold` | Float (parameter) | `0.5` |  |');
    expect(text).toContain('| output | `score` | Float (parameter) |  |  |');
    expect(text).toContain('npx nx run scorer:pytest');
    expect(text).toContain('npx nx run scorer:ruff');
    expect(await componentReadmeGenerator(fresh)).toBeUndefined();
  });
});
