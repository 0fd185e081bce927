import { TomlDate } from 'smol-toml';
import { formatSettingsJson } from './settings-json';
import { readSetting } from './settings-lookup';

describe('formatSettingsJson', () => {
  it('prints like JSON.stringify(value, null, 2) for plain values', () => {
    const values = { A: { b: [1, 'x', {}], c: [] }, D: null, E: 1.5, F: true };
    expect(formatSettingsJson(values)).toBe(JSON.stringify(values, null, 2));
  });

  it('prints big integers exactly and dates as TOML text', () => {
    expect(formatSettingsJson({ BIG: 9007199254740993n, DAY: new TomlDate('1979-05-27') })).toBe(
      '{\n  "BIG": 9007199254740993,\n  "DAY": "1979-05-27"\n}',
    );
  });
});

describe('readSetting', () => {
  it('finds keys case-insensitively along a dotted or __ path', () => {
    const values = { KFP: { Host: 'h' }, IMAGE: { REGISTRY: 'r' } };
    expect(readSetting(values, 'kfp.host')).toBe('h');
    expect(readSetting(values, 'IMAGE__registry')).toBe('r');
    expect(readSetting(values, 'kfp.missing')).toBeUndefined();
    expect(readSetting(values, 'kfp.host.deeper')).toBeUndefined();
  });
});
