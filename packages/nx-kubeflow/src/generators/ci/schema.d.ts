export type CiProvider = 'github' | 'gitlab';

export interface CiGeneratorSchema {
  provider: CiProvider;
  /** Workflow name; GitHub's file is .github/workflows/<file name of it>.yml. Default CI. */
  name?: string;
  /** Default: nx.json defaultBase (without origin/), else main. */
  mainBranch?: string;
  /** Comma-separated; default: the pipelines' declared environments except development and testing. */
  environments?: string;
  /** Default: .nvmrc / .node-version, else 22. */
  nodeVersion?: string;
  /** Default: .python-version, else 3.11. */
  pythonVersion?: string;
  /** Write the Makefile (or nx-kubeflow.mk beside a Makefile of the workspace's own). Default true. */
  makefile?: boolean;
  /** Replace edited or foreign files. Default false. */
  overwrite?: boolean;
}
