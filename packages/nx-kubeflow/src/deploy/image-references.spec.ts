import { isPinnedImageReference, mutableImages } from './image-references';

describe('image references deploy accepts outside the local backend', () => {
  it('takes digests and content-hash tags, refuses mutable tags and bare names', () => {
    expect(isPinnedImageReference(`127.0.0.1:5000/data-loader@sha256:${'a'.repeat(64)}`)).toBe(true);
    expect(isPinnedImageReference('ghcr.io/acme/ml/trainer:0123456789abcdef')).toBe(true);
    expect(isPinnedImageReference(`localhost:5000/trainer:${'e'.repeat(64)}`)).toBe(true);
    // a short git sha or a timestamp is hex too, and can be pushed again with other content
    expect(isPinnedImageReference('localhost:5000/trainer:0123456789ab')).toBe(false);
    expect(isPinnedImageReference('localhost:5000/trainer:202405171200')).toBe(false);
    expect(isPinnedImageReference('ghcr.io/acme/ml/trainer:latest')).toBe(false);
    expect(isPinnedImageReference('python:3.11-slim')).toBe(false);
    expect(isPinnedImageReference('trainer')).toBe(false);
    // the registry's port is not a tag
    expect(isPinnedImageReference('localhost:5000/0123456789abcdef')).toBe(false);
    expect(isPinnedImageReference('alpine:0123456789AB')).toBe(false);
  });

  it('lists the executors of an IR whose images are mutable', () => {
    const ir = [
      'deploymentSpec:',
      '  executors:',
      '    exec-a: {container: {image: "r/a@sha256:' + 'b'.repeat(64) + '"}}',
      '    exec-b: {container: {image: "alpine:3.19"}}',
      '    exec-c: {container: {image: "r/c:0123456789abcdef"}}',
      '---',
      'platforms: {}',
    ].join('\n');
    expect(mutableImages(ir)).toEqual([{ executor: 'exec-b', image: 'alpine:3.19' }]);
  });

  it('lists an image the run gives as one it cannot check, and leaves out executors that pull no image', () => {
    const ir = [
      'deploymentSpec:',
      '  executors:',
      `    exec-pinned: {container: {image: "r/a@sha256:${'b'.repeat(64)}"}}`,
      "    exec-run-time: {container: {image: \"{{$.inputs.parameters['pipelinechannel--trainer_image']}}\"}}",
      '    exec-fetch: {importer: {artifactUri: {constant: "gs://b/x"}, typeSchema: {schemaTitle: system.Dataset}}}',
      '    exec-make-claim: {container: {image: argostub/createpvc}}',
      '    exec-drop-claim: {container: {image: argostub/deletepvc}}',
    ].join('\n');
    expect(mutableImages(ir)).toEqual([
      {
        executor: 'exec-run-time',
        image: "{{$.inputs.parameters['pipelinechannel--trainer_image']}} (the run gives it, as input pipelinechannel--trainer_image: deploy cannot check that it is pinned)",
        runTimeInput: 'pipelinechannel--trainer_image',
      },
    ]);
  });
});
