import type { CiProvider } from '../schema';

/**
 * How a deploy job logs in to one registry. The values are expressions the
 * CI service fills in from its secrets (never literal credentials): GitHub's
 * `${{ secrets.X }}`, GitLab's masked variables. Where the CI service has a
 * registry of its own with a job token (ghcr.io with GITHUB_TOKEN, GitLab's
 * registry.gitlab.com with CI_REGISTRY_PASSWORD), that token is used and no
 * secret needs setting.
 */
export interface RegistryLogin {
  host: string;
  username: string;
  password: string;
  /** The CI service's own token: nothing to set up. */
  builtIn: boolean;
  /** Secrets or variables the team must create for this login. */
  secrets: string[];
}

export const REGISTRY_USERNAME = 'REGISTRY_USERNAME';
export const REGISTRY_PASSWORD = 'REGISTRY_PASSWORD';
/** Read by the KFP REST backend (src/backends/kfp-rest/kfp-connection.ts) as a bearer token. */
export const KFP_TOKEN = 'KF_PIPELINES_TOKEN';

export function registryLogin(provider: CiProvider, host: string): RegistryLogin {
  if (provider === 'github') {
    return host === 'ghcr.io'
      ? { host, username: '${{ github.actor }}', password: '${{ secrets.GITHUB_TOKEN }}', builtIn: true, secrets: [] }
      : { host, username: `\${{ secrets.${REGISTRY_USERNAME} }}`, password: `\${{ secrets.${REGISTRY_PASSWORD} }}`, builtIn: false, secrets: [REGISTRY_USERNAME, REGISTRY_PASSWORD] };
  }
  return host === 'registry.gitlab.com'
    ? { host, username: '$CI_REGISTRY_USER', password: '$CI_REGISTRY_PASSWORD', builtIn: true, secrets: [] }
    : { host, username: `$${REGISTRY_USERNAME}`, password: `$${REGISTRY_PASSWORD}`, builtIn: false, secrets: [REGISTRY_USERNAME, REGISTRY_PASSWORD] };
}
