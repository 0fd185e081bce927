import { CaseFoldingMap, findTheCorrectCasing, newPyDict } from './python-values';

/** The keys' casings as dynaconf's find_the_correct_casing finds them: a scan in insertion order. */
const scanned = (key: string, keys: string[]) => findTheCorrectCasing(key, [...keys]);

describe('findTheCorrectCasing on a CaseFoldingMap', () => {
  const keys = ['Kfp', 'KFP', 'my key', 'MY_KEY', 'image', 'İstanbul', 'straße', 'a b c', 'A_B C'];
  const asked = ['kfp', 'KFP', 'Kfp', 'my_key', 'MY KEY', 'my key', 'IMAGE', 'i̇stanbul', 'STRASSE', 'straße', 'a_b_c', 'a b c', 'absent'];

  it('answers as the scan does (exact, then case-insensitive, then spaces as underscores; first inserted wins)', () => {
    const dict = newPyDict(keys.map((key) => [key, null]));
    for (const key of asked) expect([key, findTheCorrectCasing(key, dict)]).toEqual([key, scanned(key, keys)]);
  });

  it('keeps answering as the scan does after keys are deleted and set again', () => {
    const dict = newPyDict(keys.map((key) => [key, null]));
    dict.delete('Kfp');
    dict.delete('my key');
    dict.set('my key', 1n);
    dict.set('KFP', 2n);
    const now = [...dict.keys()];
    for (const key of asked) expect([key, findTheCorrectCasing(key, dict)]).toEqual([key, scanned(key, now)]);
    dict.clear();
    expect(findTheCorrectCasing('kfp', dict)).toBeUndefined();
  });

  // Loading looks a casing up for every key it sets; a scan of the keys made that quadratic.
  it('finds a casing without walking the keys', () => {
    const dict = new CaseFoldingMap<number>(Array.from({ length: 1000 }, (_, i) => [`Key_${i}`, i] as const));
    const walk = () => {
      throw new Error('walked the keys');
    };
    Object.assign(dict, { keys: walk, entries: walk, [Symbol.iterator]: walk, forEach: walk });
    expect(findTheCorrectCasing('KEY_999', dict)).toBe('Key_999');
    expect(findTheCorrectCasing('key_1000', dict)).toBeUndefined();
  });

  it('equals a Map with the same entries, so values compare as plain dicts', () => {
    expect(newPyDict([['a', 1n]])).toEqual(newPyDict([['a', 1n]]));
    expect(Object.keys(newPyDict([['a', 1n]]))).toEqual([]);
  });
});
