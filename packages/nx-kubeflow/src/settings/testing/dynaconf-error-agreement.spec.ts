import { SettingsError, SettingsFileError, SettingsValueError } from '../settings-errors';
import { errorDisagreement } from './dynaconf-error-agreement';

const file = '/w/components/c/config/settings.toml';
const other = '/w/pipelines/p/config/settings.toml';
const tomlError = { errorType: 'TOMLDecodeError', error: 'Illegal character (at line 2, column 21)', file, line: 2 };
const castError = { errorType: 'DynaconfParseError', error: "Cannot convert 'eighty' to integer", file };

describe('the differential test compares errors, not just that there was one', () => {
  it('agrees on the same kind, file and line (columns aside)', () => {
    expect(errorDisagreement(tomlError, new SettingsFileError([{ file, line: 2, column: 20, message: 'x' }]))).toBeUndefined();
    expect(errorDisagreement(castError, new SettingsValueError(`${file} [default], key PORT: Cannot convert 'eighty' to integer`))).toBeUndefined();
    expect(errorDisagreement({ ...castError, file: null }, new SettingsValueError('reading URL: not set'))).toBeUndefined();
  });

  it('bites on another kind of SettingsError', () => {
    expect(errorDisagreement(tomlError, new SettingsValueError(`${file}: bad`))).toMatch(/raised SettingsValueError, not SettingsFileError/);
    expect(errorDisagreement(castError, new SettingsFileError([{ file, message: 'x' }]))).toMatch(/not SettingsValueError/);
    expect(errorDisagreement(castError, new SettingsError(`${file}: bad`))).toMatch(/not SettingsValueError/);
  });

  it('bites on another file or another line', () => {
    expect(errorDisagreement(tomlError, new SettingsFileError([{ file: other, line: 2, message: 'x' }]))).toMatch(/named \/w\/pipelines/);
    expect(errorDisagreement(tomlError, new SettingsFileError([{ file, line: 3, message: 'x' }]))).toMatch(/line 3 .* dynaconf line 2/);
    expect(errorDisagreement(castError, new SettingsValueError("key PORT: Cannot convert 'eighty' to integer"))).toMatch(/does not name that file/);
  });

  it('bites on an error dynaconf raised that has no counterpart yet, and on a non-SettingsError', () => {
    expect(errorDisagreement({ errorType: 'KeyError', error: 'x' }, new SettingsValueError('x'))).toMatch(/no counterpart for KeyError/);
    expect(errorDisagreement(tomlError, new TypeError('x'))).toMatch(/did not raise a SettingsError/);
  });
});
