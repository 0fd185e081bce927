/** Layered TOML settings with dynaconf's semantics (see README.md). No Nx imports here. */
export { loadSettings, environmentSections, LeftoverDynaconfMarker } from './load-settings';
export type { LoadSettingsOptions, LoadedSettings } from './load-settings';
export { settingsFilesFor, settingsFilesToLoad, localSiblingOf } from './settings-files';
export type { SettingsFilesForOptions } from './settings-files';
export { describeOrigin, formatKeyPath } from './setting-origins';
export type { SettingOrigin } from './setting-origins';
export { SettingsError, SettingsFileError, SettingsValueError } from './settings-errors';
export type { SettingsFileProblem } from './settings-errors';
export { formatSettingsJson } from './settings-json';
export { readSetting } from './settings-lookup';
export { isSecretPath, redactSecrets, REDACTED } from './redact-secrets';
export { checkSettingsFiles, checkSettingsFilesReadBy, settingsFilesReadBy } from './settings-check';
export type { SettingsFilesReadByOptions } from './settings-check';
