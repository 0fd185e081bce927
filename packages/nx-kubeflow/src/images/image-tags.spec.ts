import { contentTag, extraTagReferences, imageRepository, ImageTagError } from './image-tags';
import { gitFacts, imageLabels, withoutCredentials } from './image-labels';
import { isLoopbackRegistry, parseImageReference, repositoryOf } from './registry/image-reference';

describe('image names', () => {
  it('puts the image under the registry, or under localhost/ when there is none', () => {
    expect(imageRepository('ghcr.io/acme/ml/', 'data-loader')).toBe('ghcr.io/acme/ml/data-loader');
    expect(imageRepository('127.0.0.1:5000', 'trainer')).toBe('127.0.0.1:5000/trainer');
    expect(imageRepository('', 'trainer')).toBe('localhost/trainer');
    expect(() => imageRepository('', 'Bad Name')).toThrow(ImageTagError);
  });

  it('tags by the first 16 hex digits of the content hash', () => {
    expect(contentTag('localhost/x', 'ab'.repeat(32))).toBe(`localhost/x:${'ab'.repeat(8)}`);
  });

  it('reads --tag as a tag of the same repository, or as a full reference', () => {
    expect(extraTagReferences('r/x', ['abc1234', 'other.io/team/x:v1', 'latest'])).toEqual([
      'r/x:abc1234',
      'other.io/team/x:v1',
      'r/x:latest',
    ]);
    expect(() => extraTagReferences('r/x', ['-bad'])).toThrow(ImageTagError);
  });

  it('parses references as docker does', () => {
    expect(parseImageReference('127.0.0.1:5000/a/b:t')).toEqual({ registry: '127.0.0.1:5000', repository: 'a/b', tag: 't', digest: undefined });
    expect(parseImageReference('localhost/x@sha256:00')).toEqual({ registry: 'localhost', repository: 'x', tag: undefined, digest: 'sha256:00' });
    expect(parseImageReference('library/x:1')).toEqual({ repository: 'library/x', tag: '1', digest: undefined });
    expect(repositoryOf('ghcr.io/a/b:c')).toBe('ghcr.io/a/b');
    expect(isLoopbackRegistry('127.0.0.1:5000')).toBe(true);
    expect(isLoopbackRegistry('localhost')).toBe(true);
    expect(isLoopbackRegistry('ghcr.io')).toBe(false);
  });
});

describe('image labels', () => {
  it('carries title, version, created, source and revision, and the content hash', () => {
    const labels = imageLabels({
      name: 'trainer',
      version: '0.1.0',
      contentHash: 'f'.repeat(64),
      git: { remoteUrl: 'https://github.com/acme/ml.git', revision: 'abc-dirty' },
      created: new Date('2026-01-02T03:04:05Z'),
    });
    expect(labels).toEqual({
      'org.opencontainers.image.title': 'trainer',
      'org.opencontainers.image.version': '0.1.0',
      'org.opencontainers.image.created': '2026-01-02T03:04:05.000Z',
      'org.opencontainers.image.source': 'https://github.com/acme/ml.git',
      'org.opencontainers.image.revision': 'abc-dirty',
      'io.nx-kubeflow.content-hash': 'f'.repeat(64),
    });
  });

  it('leaves out source without a remote, and strips credentials from one', () => {
    const labels = imageLabels({ name: 'x', contentHash: 'a', git: {} });
    expect(labels['org.opencontainers.image.source']).toBeUndefined();
    expect(withoutCredentials('https://user:tok@github.com/a/b.git')).toBe('https://github.com/a/b.git');
    expect(withoutCredentials('git@github.com:a/b.git')).toBe('git@github.com:a/b.git');
  });

  it('reads the revision of this checkout', () => {
    const facts = gitFacts(`${__dirname}/../../../..`, ['components/data-loader']);
    expect(facts.revision).toMatch(/^[0-9a-f]{40}(-dirty)?$/);
  });
});
