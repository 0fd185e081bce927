import { newPyDict } from './python-values';
import { DelMarker, InsertMarker, LazyValue, MergeMarker, parseConfData, parseWithToml } from './dynaconf-tokens';
import { SettingsValueError } from './settings-errors';

const env = (text: string) => parseConfData(text, { tomlfy: true });
const file = (text: string) => parseConfData(text, { tomlfy: false });

describe('parseConfData', () => {
  it.each([
    ['8080', 8080n],
    ['0.5', 0.5],
    ['true', true],
    ['TRUE', 'TRUE'],
    ["'quoted'", 'quoted'],
    ['hello world', 'hello world'],
    ['', ''],
    ['0x10', 16n],
    ['[1, "a"]', [1n, 'a']],
    ['{a = 1}', newPyDict([['a', 1n]])],
    ['{a = 1,}', '{a = 1,}'],
  ])('types environment text %j as TOML', (text, expected) => {
    expect(env(text)).toEqual(expected);
  });

  it('leaves file strings untyped unless they carry a token', () => {
    expect(file('8080')).toBe('8080');
    expect(file('@int 8080')).toBe(8080n);
  });

  it.each([
    ['@int 42', 42n],
    ['@int  1_000 ', 1000n],
    ['@float 4', 4],
    ['@float inf', Infinity],
    ['@bool yes', true],
    ['@bool off', false],
    ['@str 42', '42'],
    ['@json {"a": [1, 2.5], "b": null}', newPyDict([['a', [1n, 2.5]], ['b', null]])],
    ["@json {'a': True, 'b': (1, 2)}", newPyDict([['a', true], ['b', [1n, 2n]]])],
    ['@json text {"a": true} more', newPyDict([['a', true]])],
    ['@none', null],
    ['@note anything', null],
    ['@upper abc', 'ABC'],
    ['@title hello wide world', 'Hello Wide World'],
    ['@split a  b c', ['a', 'b', 'c']],
    ['@str @int 5', '@int 5'],
  ])('converts %j', (text, expected) => {
    expect(file(text)).toEqual(expected);
  });

  it('fails on impossible casts', () => {
    expect(() => file('@int 4.5')).toThrow(SettingsValueError);
    expect(() => file('@float abc')).toThrow(SettingsValueError);
    expect(() => file('@json {nope')).toThrow(SettingsValueError);
  });

  it('turns @merge text into what it merges', () => {
    const value = (text: string) => (file(text) as MergeMarker).unwrap();
    expect(value('@merge 3')).toEqual([3n]);
    expect(value('@merge 3,4')).toEqual([3n, 4n]);
    expect(value('@merge a')).toEqual(['a']);
    expect(value('@merge {"a": 1}')).toEqual(newPyDict([['a', 1n]]));
    expect(value('@merge a=1,b="x y"')).toEqual(newPyDict([['a', 1n], ['b', 'x y']]));
    expect((file('@merge_unique 1') as MergeMarker).unique).toBe(true);
  });

  it('reads @insert index and value', () => {
    const insert = (text: string) => file(text) as InsertMarker;
    expect([insert('@insert 1 x').index, insert('@insert 1 x').value]).toEqual([1, 'x']);
    expect([insert("@insert -1 'a b'").index, insert("@insert -1 'a b'").value]).toEqual([-1, 'a b']);
    expect([insert('@insert x').index, insert('@insert x').value]).toEqual([0, 'x']);
    expect([insert('@insert 42').index, insert('@insert 42').value]).toEqual([0, 42n]);
  });

  it('makes markers and lazy values for the tokens that act later', () => {
    expect(file('@del')).toBeInstanceOf(DelMarker);
    expect(file('@format {this.A}')).toEqual(new LazyValue('format', '{this.A}'));
    const combined = file('@int @get port') as LazyValue;
    expect(combined.formatter).toBe('get');
    expect(combined.casting?.('8')).toBe(8n);
  });

  it('parses nested values in place, typing lists but not table values from the environment', () => {
    expect(env('[1, "@int 2"]')).toEqual([1n, '@int 2']);
    expect(file(parseWithToml('{a = "@int 2"}') as string)).toEqual(newPyDict([['a', 2n]]));
  });
});
