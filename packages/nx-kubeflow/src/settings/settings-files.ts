/** Which settings files make up a project's settings, in dynaconf's loading order. */
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export interface SettingsFilesForOptions {
  /** The component project's root, when settings are read for a component. */
  componentRoot?: string;
  /** The pipeline project's root: its settings load first, under the component's. */
  pipelineRoot?: string;
}

/**
 * The main settings files, in DESIGN order: the pipeline's, then the
 * component's. Their `.local.` siblings are added by `settingsFilesToLoad`.
 * `.secrets.toml` is never among them: it belongs to the Python side only.
 */
export function settingsFilesFor(options: SettingsFilesForOptions): string[] {
  return [options.pipelineRoot, options.componentRoot]
    .filter((root): root is string => root !== undefined)
    .map((root) => join(root, 'config', 'settings.toml'));
}

/** dynaconf's `get_local_filename`: `settings.toml` -> `settings.local.toml`. */
export function localSiblingOf(file: string): string {
  const name = basename(file);
  const dot = name.lastIndexOf('.');
  const localName = dot === -1 ? `.local.${name}` : `${name.slice(0, dot)}.local.${name.slice(dot + 1)}`;
  return join(dirname(file), localName);
}

/**
 * What dynaconf loads for these main files: each main file that exists, in
 * order, then the local sibling of each of those (a local file beside a
 * missing main file is not loaded). dynaconf skips the sibling for any path
 * containing `.local.`, directories included.
 */
export function settingsFilesToLoad(mainFiles: readonly string[]): string[] {
  const existing = mainFiles.filter((file) => existsSync(file));
  const locals = existing.filter((file) => !file.includes('.local.')).map(localSiblingOf);
  return [...existing, ...locals];
}
