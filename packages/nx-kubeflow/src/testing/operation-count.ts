/**
 * Counts the work a synchronous call does, for specs that must catch
 * superlinear growth without timing anything (issue 15's scale goal): every
 * element an array method visits (find, some, filter, map, ...) and every key
 * Object.keys/entries/values returns, in the plugin and in the libraries it
 * calls. Compare the count at N and 2N: linear code doubles it, code that
 * scans a growing list per item quadruples it.
 */
const ARRAY_METHODS = ['find', 'findIndex', 'some', 'every', 'filter', 'map', 'flatMap', 'forEach', 'reduce', 'includes', 'indexOf'] as const;
const OBJECT_METHODS = ['keys', 'entries', 'values'] as const;

export function countOperations(work: () => void): number {
  let count = 0;
  const arrayProto = Array.prototype as unknown as Record<string, (...args: unknown[]) => unknown>;
  const objectStatics = Object as unknown as Record<string, (value: object) => unknown[]>;
  const savedArray = ARRAY_METHODS.map((method) => [method, arrayProto[method]] as const);
  const savedObject = OBJECT_METHODS.map((method) => [method, objectStatics[method]] as const);
  for (const [method, original] of savedArray) {
    arrayProto[method] = function (this: unknown[], ...args: unknown[]) {
      // the elements a scan may visit: what a lookup in a growing list costs
      count += this.length;
      return original.apply(this, args);
    };
  }
  for (const [method, original] of savedObject) {
    objectStatics[method] = (value: object) => {
      const result = original(value);
      count += result.length;
      return result;
    };
  }
  try {
    work();
  } finally {
    for (const [method, original] of savedArray) arrayProto[method] = original;
    for (const [method, original] of savedObject) objectStatics[method] = original;
  }
  return count;
}
