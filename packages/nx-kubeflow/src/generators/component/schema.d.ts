export interface ComponentGeneratorSchema {
  name: string;
  directory?: string;
  description?: string;
  /** name:Type[=default], comma-separated */
  inputs?: string;
  /** name:Type, comma-separated */
  outputs?: string;
}
