/**
 * Golden conformance: each fixture under __fixtures__/golden is the
 * component.yaml + pipeline.yaml equivalent of an upstream kfp test pipeline;
 * compiled by the plugin it must give the document kfp wrote
 * (../shared/kfp/golden), ignoring sdkVersion.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { compilePipeline } from './ir-compiler';
import { loadFixtures } from './__fixtures__/fixture-loader';
import { SHARED_KFP, sharedKfpMissing } from './__fixtures__/conformance-env';
import { requireOrSkip } from '../testing/suite-requirements';

function withoutSdkVersion(docs: unknown[]): unknown[] {
  return docs.map((doc) => {
    const { sdkVersion: _ignored, ...rest } = doc as Record<string, unknown>;
    return rest;
  });
}

const canRun = requireOrSkip('golden IR conformance', 'upstream-kfp', sharedKfpMissing());
const fixtures = loadFixtures('golden');

describe('IR compiler against upstream golden files', () => {
  for (const fixture of fixtures) {
    const run = !canRun || fixture.skip ? it.skip : it;
    if (fixture.skip) console.warn(`golden ${fixture.name} skipped: ${fixture.skip}`);
    run(`${fixture.name} compiles to ${fixture.golden}.yaml`, () => {
      const goldenPath = join(SHARED_KFP, 'golden', `${fixture.golden}.yaml`);
      expect(existsSync(goldenPath)).toBe(true);
      const goldenText = readFileSync(goldenPath, 'utf8');
      const golden = parseAllDocuments(goldenText).map((d) => d.toJS());
      const compiled = compilePipeline(fixture.options);
      expect(withoutSdkVersion(compiled.documents)).toEqual(withoutSdkVersion(golden));
      // The header comment is no part of the document, but kfp's is reproduced too.
      const header = (text: string) => text.split('\n').filter((line) => line.startsWith('#')).join('\n');
      expect(header(compiled.yaml)).toEqual(header(goldenText));
    });
  }
});
