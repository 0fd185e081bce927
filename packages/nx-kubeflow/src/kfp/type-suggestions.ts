/**
 * Type names kfp knows, and the one a near-miss most likely meant. kfp takes
 * any unknown type name as a generic system.Artifact, so `Datset` compiles
 * without a word and loses its Dataset type in the IR and the UI; a name one
 * or two edits from a known type is far more often a typo than a custom type.
 */
import { ARTIFACT_TYPE_NAMES } from './pipeline-model';
import { PARAMETER_TYPE_ALIASES, PARAMETER_TYPES } from './parameter-types';

const KNOWN_TYPES: readonly string[] = [...PARAMETER_TYPES, ...ARTIFACT_TYPE_NAMES];
const KNOWN_LOWER = new Set([...Object.keys(PARAMETER_TYPE_ALIASES), ...KNOWN_TYPES.map((name) => name.toLowerCase())]);

/** Levenshtein distance, one row at a time. */
export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length];
}

/** The candidate closest to `word` (case-insensitive), when at most `maxDistance` edits away. */
export function closestName(word: string, candidates: readonly string[], maxDistance = 2): string | undefined {
  let best: string | undefined;
  let bestDistance = maxDistance + 1;
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/**
 * For a type name kfp does not know (not a parameter type or alias, not a
 * system artifact, not google.*), the known type it is a near-miss of.
 * Names of four letters or fewer are left alone: two edits change half of them.
 */
export function suggestKnownType(typeName: string): string | undefined {
  if (KNOWN_LOWER.has(typeName.toLowerCase()) || typeName.startsWith('google.') || typeName.length <= 4) return undefined;
  return closestName(typeName, KNOWN_TYPES);
}
