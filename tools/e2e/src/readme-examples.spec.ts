import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/**
 * The README shows the example pipeline "as it stands": it must be the real
 * file, so a new user who compares the two finds no difference (a README that
 * drifted from the file it names is how a first read goes wrong).
 */
const ROOT = join(__dirname, '../../..');
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

function yamlBlockAfter(marker: string): string {
  const start = readme.indexOf(marker);
  if (start < 0) throw new Error(`README.md has no "${marker}"`);
  const block = /```yaml\n([\s\S]*?)```/.exec(readme.slice(start));
  if (!block) throw new Error(`README.md has no yaml block after "${marker}"`);
  return block[1];
}

describe('README examples', () => {
  it('shows pipelines/training-pipeline/pipeline.yaml as it stands', () => {
    const shown = parse(yamlBlockAfter('`pipelines/training-pipeline/pipeline.yaml`, as it stands'));
    const real = parse(readFileSync(join(ROOT, 'pipelines/training-pipeline/pipeline.yaml'), 'utf8'));
    expect(shown).toEqual(real);
  });
});
