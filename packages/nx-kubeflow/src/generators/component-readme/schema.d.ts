/** The component-readme sync generator takes no options: it syncs every component of the workspace. */
export type ComponentReadmeGeneratorSchema = Record<string, never>;
