import { spawnSync } from 'node:child_process';
import { probeEnginesSync } from '../images/integration/engine-probe';
import { requireOrSkip } from './suite-requirements';
import { removeImagesUnder } from './test-images';

/**
 * Needs docker and buildah with the base image (tools/ci/container-engines.sh):
 * tags the base image under a repository path of its own in each engine,
 * and checks that exactly those tags go.
 */
const BASE_IMAGE = process.env.NX_KUBEFLOW_TEST_BASE_IMAGE ?? 'localhost/python-base:bookworm';
const buildahStorage = process.env.STORAGE_DRIVER ? ['--storage-driver', process.env.STORAGE_DRIVER] : [];
const probe = probeEnginesSync(['docker', 'buildah']);
const missing = probe.docker ?? probe.buildah;
const describeWithEngines = requireOrSkip('removing a suite\'s test images', 'engines', missing) ? describe : describe.skip;

describeWithEngines('removeImagesUnder', () => {
  jest.setTimeout(120_000);
  const prefix = `127.0.0.1:5000/nx-kubeflow-test-images-${Date.now().toString(36)}/`;
  const neighbour = `127.0.0.1:5000/nx-kubeflow-test-images-neighbour-${Date.now().toString(36)}/kept:1`;
  const engines = [
    { command: 'docker', global: [] as string[], list: ['images', '--format', '{{.Repository}}:{{.Tag}}'] },
    { command: 'buildah', global: buildahStorage, list: ['images', '--format', '{{.Name}}:{{.Tag}}'] },
  ];
  const listed = (engine: (typeof engines)[number]) =>
    spawnSync(engine.command, [...engine.global, ...engine.list], { encoding: 'utf8' }).stdout.split('\n').map((line) => line.trim());

  afterAll(() => {
    for (const engine of engines) spawnSync(engine.command, [...engine.global, 'rmi', '-f', neighbour], { stdio: 'ignore' });
  });

  it('removes the tags under the prefix from docker and buildah, and nothing else', () => {
    for (const engine of engines) {
      for (const tag of [`${prefix}trainer:abc`, `${prefix}trainer:extra-tag`, `${prefix}data-loader:def`, neighbour]) {
        expect(spawnSync(engine.command, [...engine.global, 'tag', BASE_IMAGE, tag], { encoding: 'utf8' }).status).toBe(0);
      }
      expect(listed(engine)).toEqual(expect.arrayContaining([`${prefix}trainer:abc`, `${prefix}data-loader:def`]));
    }

    const removed = removeImagesUnder(prefix);

    expect(removed.sort()).toEqual(
      ['buildah', 'docker'].flatMap((engine) => [`${engine} ${prefix}data-loader:def`, `${engine} ${prefix}trainer:abc`, `${engine} ${prefix}trainer:extra-tag`]).sort(),
    );
    for (const engine of engines) {
      const left = listed(engine);
      expect(left.filter((reference) => reference.startsWith(prefix))).toEqual([]);
      expect(left).toContain(neighbour);
      expect(left).toContain(BASE_IMAGE);
    }
  });

  it('refuses a prefix that is not a repository path of its own', () => {
    for (const prefix of ['127.0.0.1:5000', '127.0.0.1:5000/', 'localhost/', '127.0.0.1:5000/e2e-x']) {
      expect(() => removeImagesUnder(prefix)).toThrow(/not a repository path of its own/);
    }
  });
});
