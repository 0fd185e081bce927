import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { parse } from 'smol-toml';
import { addWorkspaceRuffConfig, ruffConfig } from './workspace-ruff-config';

describe('the workspace ruff.toml init writes', () => {
  it('is the one this repository lints with (the style generated components are checked against here)', () => {
    const repository = readFileSync(join(__dirname, '../../../../../../ruff.toml'), 'utf8');
    expect(parse(ruffConfig('components'))).toEqual(parse(repository));
  });

  it('names the workspace components folder as first-party source', () => {
    const tree = createTreeWithEmptyWorkspace();
    expect(addWorkspaceRuffConfig(tree, 'ml/steps')).toBe('written');
    expect(parse(tree.read('ruff.toml', 'utf-8')!)).toMatchObject({ 'line-length': 120, src: ['ml/steps/*/src', 'ml/steps/*/tests'] });
  });

  it("leaves a team's own ruff configuration alone", () => {
    for (const [file, text] of [
      ['ruff.toml', 'line-length = 100\n'],
      ['.ruff.toml', 'line-length = 100\n'],
      ['pyproject.toml', '[project]\nname = "x"\n[tool.ruff]\nline-length = 100\n'],
      ['pyproject.toml', '[tool.ruff.lint]\nselect = ["E"]\n'],
    ]) {
      const tree = createTreeWithEmptyWorkspace();
      tree.write(file, text);
      expect({ file, result: addWorkspaceRuffConfig(tree, 'components') }).toEqual({ file, result: 'kept' });
      expect(tree.read(file, 'utf-8')).toBe(text);
      if (file !== 'ruff.toml') expect(tree.exists('ruff.toml')).toBe(false);
    }
  });

  it('writes one when pyproject.toml has no ruff table', () => {
    const tree = createTreeWithEmptyWorkspace();
    tree.write('pyproject.toml', '[project]\nname = "x"\n[tool.ruffian]\n');
    expect(addWorkspaceRuffConfig(tree, 'components')).toBe('written');
  });
});
