import type { PresetGeneratorSchema } from '../schema';

export interface NormalizedPresetOptions {
  name: string;
  ciProvider: 'github' | 'gitlab' | 'none';
  example: boolean;
  /** Passed to init as given: it knows the defaults. */
  runtime?: 'source' | 'pinned';
  runtimeVersion?: string;
  skipFormat: boolean;
}

export class PresetOptionsError extends Error {}

const CI_CHOICES = ['github', 'gitlab', 'none'] as const;

/** Checks the options; every problem is reported in one error, before anything is written. */
export function normalizeOptions(schema: PresetGeneratorSchema): NormalizedPresetOptions {
  const errors: string[] = [];
  const name = (schema.name ?? '').trim();
  if (!name) errors.push('--name is empty: create-nx-workspace passes the workspace name; run `npx create-nx-workspace <name> --preset=nx-kubeflow`.');
  const ciProvider = schema.ciProvider ?? 'github';
  if (!(CI_CHOICES as readonly string[]).includes(ciProvider)) errors.push(`--ciProvider "${ciProvider}" is not one of ${CI_CHOICES.join(', ')}.`);
  if (errors.length) throw new PresetOptionsError(`Cannot set up the workspace; nothing was written:\n  - ${errors.join('\n  - ')}`);
  return {
    name,
    ciProvider,
    example: schema.example ?? true,
    runtime: schema.runtime,
    runtimeVersion: schema.runtimeVersion,
    skipFormat: schema.skipFormat ?? false,
  };
}
