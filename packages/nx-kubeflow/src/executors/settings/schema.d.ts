export interface SettingsExecutorSchema {
  /** Settings environment; default $ENV_FOR_DYNACONF, else development. */
  env?: string;
  /** For a component: the pipeline project whose settings load first. */
  pipeline?: string;
  /** Workspace-relative file to write the JSON to instead of stdout. */
  outputFile?: string;
  /** Also print where each setting came from. */
  explain?: boolean;
  /** Print values under secret-looking keys instead of ***. */
  showSecrets?: boolean;
}
