export interface InitGeneratorSchema {
  /** source: write the runtime's source into the workspace; pinned: depend on a published version. */
  runtime?: 'source' | 'pinned';
  /** Version to pin; implies runtime pinned. */
  runtimeVersion?: string;
  skipFormat?: boolean;
  skipPackageJson?: boolean;
  keepExistingVersions?: boolean;
}
