import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PipelineProblem } from './pipeline-problems';

/** Where docker-build records the image it built or found for a component. */
export function imageRecordPath(componentName: string): string {
  return join('dist', 'components', componentName, 'image.json');
}

/** The fields of image.json that the compiler reads (docker-build writes more). */
export interface ComponentImageRecord {
  /** By digest where the image was pushed, else the content-hash tag. */
  reference: string;
  contentHash?: string;
  digest?: string;
}

/**
 * The image a task of this component runs: for a component with a Dockerfile
 * whose image docker-build recorded, that image (by digest where there is
 * one); otherwise the image its component.yaml names. A component with a
 * Dockerfile and no image.json keeps component.yaml's image: compile works
 * before any build, and deploy builds first where the backend needs images.
 */
export function componentImage(options: {
  workspaceRoot: string;
  componentName: string;
  componentRoot: string;
  declaredImage: string;
  problems: PipelineProblem[];
}): string {
  const { workspaceRoot, componentName, componentRoot } = options;
  if (!existsSync(join(workspaceRoot, componentRoot, 'Dockerfile'))) return options.declaredImage;
  const recordFile = imageRecordPath(componentName);
  const record = readImageRecord(join(workspaceRoot, recordFile), recordFile, options.problems);
  return record?.reference ?? options.declaredImage;
}

export function readImageRecord(path: string, displayPath: string, problems: PipelineProblem[]): ComponentImageRecord | undefined {
  if (!existsSync(path)) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    problems.push({ file: displayPath, message: `is not valid JSON (${(error as Error).message}); run docker-build again, or delete it.` });
    return undefined;
  }
  const reference = (raw as { reference?: unknown } | null)?.reference;
  if (typeof reference !== 'string' || reference === '') {
    problems.push({ file: displayPath, field: 'reference', message: 'is missing; run docker-build again, or delete the file.' });
    return undefined;
  }
  const record = raw as Record<string, unknown>;
  return {
    reference,
    ...(typeof record['contentHash'] === 'string' ? { contentHash: record['contentHash'] } : {}),
    ...(typeof record['digest'] === 'string' ? { digest: record['digest'] } : {}),
  };
}
