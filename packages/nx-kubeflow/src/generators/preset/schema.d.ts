export interface PresetGeneratorSchema {
  /** The workspace's name, as create-nx-workspace passes it. */
  name: string;
  ciProvider?: 'github' | 'gitlab' | 'none';
  /** An example component and pipeline; default true. */
  example?: boolean;
  runtime?: 'source' | 'pinned';
  runtimeVersion?: string;
  skipFormat?: boolean;
}
