/** Names of a component's image: `<registry>/<name>:<content hash>` and any extra tags. */
import { TAG_HASH_LENGTH } from './content-hash';

export class ImageTagError extends Error {}

/**
 * Where an image with no registry lives. `localhost/<name>` rather than a
 * bare `<name>`: a bare name means docker.io/library/<name> to docker (a push
 * would go to Docker Hub) and a short-name search to podman and buildah,
 * while `localhost/` is a name all three keep local and never resolve
 * elsewhere.
 */
export const LOCAL_ONLY_REGISTRY = 'localhost';

const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const REPOSITORY_PATH = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;

/** `<registry>/<name>`, or `localhost/<name>` for an empty registry. */
export function imageRepository(registry: string, name: string): string {
  const imageName = name.toLowerCase();
  if (!REPOSITORY_PATH.test(imageName)) {
    throw new ImageTagError(`"${name}" cannot name an image: use lower-case letters, digits, and . _ - between them.`);
  }
  const base = registry.trim().replace(/\/+$/, '');
  return `${base === '' ? LOCAL_ONLY_REGISTRY : base}/${imageName}`;
}

export function contentTag(repository: string, hash: string): string {
  return `${repository}:${hash.slice(0, TAG_HASH_LENGTH)}`;
}

/**
 * `--tag` values: a bare tag (`v1.2`, a git sha) names a tag of the image's
 * own repository; anything with `/` or `:` is taken as a full reference.
 */
export function extraTagReferences(repository: string, values: readonly string[]): string[] {
  return values.map((value) => {
    const trimmed = value.trim();
    if (trimmed.includes('/') || trimmed.includes(':')) return trimmed;
    if (!TAG.test(trimmed)) {
      throw new ImageTagError(
        `--tag "${value}" is not a valid tag: up to 128 letters, digits, _ . -, not starting with . or -.`,
      );
    }
    return `${repository}:${trimmed}`;
  });
}
